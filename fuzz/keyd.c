/*
 * libFuzzer harness for keyd's PF_KEY core: keyd_dispatch() against a
 * real SAD and SPD, with three in-process clients (fd -1), small limits
 * so that the fuzzer reaches them, and TAP devices replaced by stubs.
 *
 * The input is a sequence of records.  Each starts with a control byte:
 *
 *	bits 0-1	client 0, 1 or 2; 3 selects an action instead
 *	bit 2		message: set sadb_msg_len from the record length
 *			action: reconnect client (bits 5-7) % 3
 *	bit 3		message: set sadb_msg_version to 2
 *	bit 4		empty every client's queue after the record
 *	bits 5-7	action without bit 2: advance the clock by
 *			1 + 10 * N seconds and run the lifetime checks
 *
 * A message record continues with a 16-bit little-endian length and that
 * many bytes.  After every record the SAD, SPD and queues must be
 * consistent, and a request that keyd rejected must leave the SAD and
 * SPD exactly as they were.  At the end everything is freed, so that
 * LeakSanitizer sees any SA, policy or queue entry that leaked.
 */

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define CTL_CLIENT	0x03
#define CTL_FIXLEN	0x04
#define CTL_FIXVER	0x08
#define CTL_DRAIN	0x10
#define CTL_ARG(c)	((c) >> 5)

struct run {
	struct keyd k;
	struct client *clients[FUZZ_CLIENTS];
	bool promisc_body;		/* raw bytes were passed on since drain */
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

static void
action(struct run *r, uint8_t ctl)
{
	struct keyd *k = &r->k;
	size_t i;

	if (ctl & CTL_FIXLEN) {
		i = CTL_ARG(ctl) % FUZZ_CLIENTS;
		client_free(k, r->clients[i]);
		r->clients[i] = client_new(k, -1);
		FUZZ_ASSERT(r->clients[i] != NULL);
		r->clients[i]->pid = (pid_t)(2000 + i);
	} else {
		k->now += 1 + 10 * CTL_ARG(ctl);
		k->now_mono += 1 + 10 * CTL_ARG(ctl);
		keyd_tick(k);
	}
}

static void
message(struct run *r, uint8_t ctl, const uint8_t *data, size_t len)
{
	struct keyd *k = &r->k;
	struct client *c = r->clients[(ctl & CTL_CLIENT) % FUZZ_CLIENTS];
	struct sadb_msg *hdr;
	uint64_t before;
	uint8_t *msg;
	int error;

	/* An exact-size copy, so ASan sees any read past the message. */
	if ((msg = malloc(len > 0 ? len : 1)) == NULL)
		return;
	memcpy(msg, data, len);
	hdr = (struct sadb_msg *)(void *)msg;
	if (len >= sizeof(*hdr)) {
		if (ctl & CTL_FIXLEN)
			hdr->sadb_msg_len = (uint16_t)(len / 8);
		if (ctl & CTL_FIXVER)
			hdr->sadb_msg_version = PF_KEY_V2;
		if (hdr->sadb_msg_type == SADB_X_PROMISC &&
		    len > sizeof(*hdr))
			r->promisc_body = true;
	}
	before = fuzz_keyd_digest(k);
	error = keyd_dispatch(k, c, msg, len);
	fuzz_keyd_check(k);
	if (error != 0)
		FUZZ_ASSERT(fuzz_keyd_digest(k) == before);
	free(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	size_t pos = 0, len;
	uint8_t ctl;

	memset(&r, 0, sizeof(r));
	fuzz_keyd_init(&r.k, r.clients, FUZZ_CLIENTS);
	while (pos < size) {
		ctl = data[pos++];
		if ((ctl & CTL_CLIENT) == 3)
			action(&r, ctl);
		else {
			if (size - pos < 2)
				break;
			len = (size_t)data[pos] | (size_t)data[pos + 1] << 8;
			pos += 2;
			if (len > size - pos)
				len = size - pos;
			message(&r, ctl, data + pos, len);
			pos += len;
		}
		fuzz_keyd_check(&r.k);
		if (ctl & CTL_DRAIN) {
			fuzz_keyd_drain(&r.k, !r.promisc_body);
			r.promisc_body = false;
		}
	}
	fuzz_keyd_drain(&r.k, !r.promisc_body);
	fuzz_keyd_free(&r.k);
	return 0;
}
