/*
 * Clients and the delivery of messages to them.  Every message keyd sends
 * goes onto a client's output queue, which is bounded in bytes; control.c
 * moves the queues to the sockets.  When a queue is full the message is
 * dropped for that client and counted, as FreeBSD drops a PF_KEY message
 * for a socket whose receive buffer is full (ENOBUFS), so a slow client
 * never holds up keyd or the others.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"

static struct log_rate drop_rate;

struct client *
client_new(struct keyd *k, int fd)
{
	struct client *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->fd = fd;
	c->id = ++k->next_client_id;
	c->pid = -1;
	STAILQ_INIT(&c->queue);
	c->ev.kind = EV_CLIENT;
	c->ev.client = c;
	TAILQ_INSERT_TAIL(&k->clients, c, entry);
	k->nclients++;
	return c;
}

static void
qmsg_free(struct qmsg *q)
{
	/* Queued messages may carry keys (GET, DUMP, promiscuous copies). */
	key_wipe(q->data, q->len);
	free(q);
}

/* Frees c and its queue.  The caller has closed its socket. */
void
client_free(struct keyd *k, struct client *c)
{
	struct qmsg *q;

	dump_cancel(c);
	while ((q = STAILQ_FIRST(&c->queue)) != NULL) {
		STAILQ_REMOVE_HEAD(&c->queue, entry);
		qmsg_free(q);
	}
	if (c->dirty)
		TAILQ_REMOVE(&k->dirty, c, dirty_entry);
	TAILQ_REMOVE(&k->clients, c, entry);
	k->nclients--;
	free(c);
}

void
client_mark_dirty(struct keyd *k, struct client *c)
{
	if (!c->dirty) {
		c->dirty = true;
		TAILQ_INSERT_TAIL(&k->dirty, c, dirty_entry);
	}
}

static bool
enqueue(struct keyd *k, struct client *c, const void *hdr, size_t hdrlen,
    const void *msg, size_t len)
{
	struct qmsg *q;

	if (c->dead)
		return false;
	if (c->qbytes + hdrlen + len > k->queue_max ||
	    (q = malloc(sizeof(*q) + hdrlen + len)) == NULL) {
		c->drops++;
		k->drops++;
		if (log_ratelimit(&drop_rate, 5, 60))
			log_debug("client %llu (pid %d): output queue full, "
			    "message dropped (%llu dropped so far)",
			    (unsigned long long)c->id, (int)c->pid,
			    (unsigned long long)c->drops);
		return false;
	}
	q->len = hdrlen + len;
	if (hdrlen > 0)
		memcpy(q->data, hdr, hdrlen);
	memcpy(q->data + hdrlen, msg, len);
	STAILQ_INSERT_TAIL(&c->queue, q, entry);
	c->qbytes += q->len;
	client_mark_dirty(k, c);
	return true;
}

/* Queues one message for c.  Returns false if it was dropped. */
bool
client_enqueue(struct keyd *k, struct client *c, const void *msg, size_t len)
{
	return enqueue(k, c, NULL, 0, msg, len);
}

/*
 * Queues the copy a promiscuous client receives: the message behind an
 * extra sadb_msg of type X_PROMISC whose length covers both.
 */
static void
enqueue_promisc(struct keyd *k, struct client *c, const void *msg,
    size_t len)
{
	struct sadb_msg hdr;

	if (len + sizeof(hdr) > KEY_MSG_MAXLEN)
		return;
	memset(&hdr, 0, sizeof(hdr));
	hdr.sadb_msg_version = PF_KEY_V2;
	hdr.sadb_msg_type = SADB_X_PROMISC;
	hdr.sadb_msg_len = (uint16_t)PFKEY_UNIT64(len + sizeof(hdr));
	enqueue(k, c, &hdr, sizeof(hdr), msg, len);
}

/*
 * Sends a message as FreeBSD's key_sendup_mbuf() does: a wrapped copy to
 * every promiscuous client, then the message itself to the clients target
 * names.  The sender, when not NULL, always receives it.
 */
void
deliver(struct keyd *k, struct client *sender, enum deliver_target target,
    const void *msg, size_t len)
{
	struct client *c;

	TAILQ_FOREACH(c, &k->clients, entry) {
		if (c->promisc)
			enqueue_promisc(k, c, msg, len);
		if (c == sender)
			continue;
		switch (target) {
		case TO_ALL:
			client_enqueue(k, c, msg, len);
			break;
		case TO_REGISTERED:
			if (c->registered != 0)
				client_enqueue(k, c, msg, len);
			break;
		case TO_SENDER:
			break;
		}
	}
	if (sender != NULL)
		client_enqueue(k, sender, msg, len);
}

/* Ends a dump in progress, releasing what its cursor holds. */
void
dump_cancel(struct client *c)
{
	size_t i;

	if (c->dump.kind == DUMP_SPD) {
		for (i = c->dump.pos; i < c->dump.nsnap; i++)
			spd_unref(c->dump.snap[i]);
		free(c->dump.snap);
	}
	memset(&c->dump, 0, sizeof(c->dump));
}

/*
 * Produces the next messages of c's dump while its queue is less than
 * half full, at most KEYD_DUMP_BATCH of them, so that a dump of many
 * entries streams without building them all at once or starving other
 * clients.
 */
void
client_fill(struct keyd *k, struct client *c)
{
	int produced = 0;

	while (c->dump.kind != DUMP_NONE && !c->dead &&
	    c->qbytes < k->queue_max / 2 && produced < KEYD_DUMP_BATCH) {
		if (c->dump.kind == DUMP_SAD) {
			if (pfkey_dump_next_sa(k, c) <= 0)
				break;
		} else if (pfkey_dump_next_sp(k, c) <= 0)
			break;
		produced++;
	}
}
