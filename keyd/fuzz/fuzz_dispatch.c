/*
 * libFuzzer harness for keyd's PF_KEY core: feeds byte strings to
 * keyd_dispatch() from three in-process clients (fd -1) and runs the
 * once-a-second checks with an advancing clock, without any socket.
 *
 * The input is a sequence of records: one byte selecting the client (0-2)
 * or a clock tick (3), a 16-bit little-endian length, then that many
 * bytes of message.  Interface requests (types above SADB_MAX) are
 * skipped because they create TAP devices.
 *
 *	make keyd/fuzz/fuzz_dispatch
 *	keyd/fuzz/fuzz_dispatch -max_total_time=60 CORPUS_DIR
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "keyd.h"

#define NCLIENTS	3

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct keyd k;
static struct client *clients[NCLIENTS];

/* Discards what c was sent, producing the rest of any dump first. */
static void
drain(struct client *c)
{
	struct qmsg *q;

	while (c->dump.kind != DUMP_NONE || !STAILQ_EMPTY(&c->queue)) {
		while ((q = STAILQ_FIRST(&c->queue)) != NULL) {
			STAILQ_REMOVE_HEAD(&c->queue, entry);
			c->qbytes -= q->len;
			free(q);
		}
		client_fill(&k, c);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, len;
	uint8_t who;
	int i;

	if (clients[0] == NULL) {
		log_init(1, -1);
		keyd_init(&k, 64, 64, KEYD_QUEUE_MAX_MIN);
		for (i = 0; i < NCLIENTS; i++)
			clients[i] = client_new(&k, -1);
	}
	while (size - off >= 3) {
		who = data[off] % (NCLIENTS + 1);
		len = (size_t)data[off + 1] | (size_t)data[off + 2] << 8;
		off += 3;
		if (len > size - off)
			len = size - off;
		if (who == NCLIENTS) {
			k.now_mono += len % 40;
			keyd_tick(&k);
		} else if (len < 2 || data[off + 1] <= SADB_MAX)
			keyd_dispatch(&k, clients[who], data + off, len);
		off += len;
	}
	for (i = 0; i < NCLIENTS; i++)
		drain(clients[i]);
	return 0;
}
