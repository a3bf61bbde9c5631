/*
 * PF_KEYv2 message dispatch: structural validation through libkey, one
 * handler per message type, and the replies common to all of them.
 * Handlers return 0, having queued their replies, or an errno value that
 * keyd_dispatch() sends back to the requester alone in a copy of the
 * request, as FreeBSD's key_senderror() does.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyd.h"

typedef int (*handler_fn)(struct keyd *, struct client *,
    const struct key_msg *);

static int	pfkey_register(struct keyd *, struct client *,
		    const struct key_msg *);
static int	pfkey_promisc(struct keyd *, struct client *,
		    const struct key_msg *);
static void	log_extensions(const struct client *, const struct key_msg *);

/* Handlers by message type; NULL means the type is rejected (EINVAL). */
static const handler_fn handlers[SADB_MAX + 1] = {
	[SADB_GETSPI] = pfkey_getspi,
	[SADB_UPDATE] = pfkey_update,
	[SADB_ADD] = pfkey_add,
	[SADB_DELETE] = pfkey_delete,
	[SADB_GET] = pfkey_get,
	[SADB_ACQUIRE] = pfkey_acquire,
	[SADB_REGISTER] = pfkey_register,
	[SADB_FLUSH] = pfkey_flush,
	[SADB_DUMP] = pfkey_dump,
	[SADB_X_PROMISC] = pfkey_promisc,
	[SADB_X_SPDUPDATE] = pfkey_spdadd,
	[SADB_X_SPDADD] = pfkey_spdadd,
	[SADB_X_SPDDELETE] = pfkey_spddelete,
	[SADB_X_SPDGET] = pfkey_spdget,
	[SADB_X_SPDDUMP] = pfkey_spddump,
	[SADB_X_SPDFLUSH] = pfkey_spdflush,
	[SADB_X_SPDSETIDX] = pfkey_spdadd,
	[SADB_X_SPDDELETE2] = pfkey_spddelete2,
};

/* Logs the extension types of m, for -vv; never their contents. */
static void
log_extensions(const struct client *c, const struct key_msg *m)
{
	char buf[512];
	size_t off = 0;
	int i, n;

	buf[0] = '\0';
	for (i = 1; i <= SADB_EXT_MAX && off < sizeof(buf); i++) {
		if (m->ext[i] == NULL)
			continue;
		n = snprintf(buf + off, sizeof(buf) - off, " %s",
		    key_ext_type_name((uint16_t)i));
		if (n < 0)
			break;
		off += (size_t)n;
	}
	log_debug("client %llu: extensions:%s", (unsigned long long)c->id,
	    buf[0] != '\0' ? buf : " none");
}

/*
 * Validates and processes one message from c and queues the replies.
 * Returns 0, or the errno value sent back to c.  msg may hold any bytes.
 */
int
keyd_dispatch(struct keyd *k, struct client *c, const void *msg, size_t len)
{
	struct key_msg m;
	uint8_t *buf;
	int error;

	if (len < sizeof(struct sadb_msg) || len > KEY_MSG_MAXLEN) {
		log_debug("client %llu: message of %zu bytes rejected",
		    (unsigned long long)c->id, len);
		pfkey_error(k, c, msg, len, EINVAL);
		return EINVAL;
	}

	/* A private, aligned copy: handlers read structs in place. */
	if ((buf = malloc(len)) == NULL) {
		pfkey_error(k, c, msg, len, ENOBUFS);
		return ENOBUFS;
	}
	memcpy(buf, msg, len);

	if (key_msg_parse(&m, buf, len) == -1) {
		error = errno;
		log_debug("client %llu: %s rejected: %s",
		    (unsigned long long)c->id, key_msg_type_name(buf[1]),
		    m.reason != NULL ? m.reason : "invalid message");
		goto done;
	}
	log_debug("client %llu: %s satype %u seq %u pid %u, %zu bytes",
	    (unsigned long long)c->id,
	    key_msg_type_name(m.base->sadb_msg_type),
	    m.base->sadb_msg_satype, m.base->sadb_msg_seq,
	    m.base->sadb_msg_pid, len);
	if (log_getverbose() >= 2)
		log_extensions(c, &m);

	if (m.base->sadb_msg_type > SADB_MAX)
		error = ifnet_dispatch(k, c, &m);
	else if (handlers[m.base->sadb_msg_type] == NULL)
		error = EINVAL;
	else
		error = handlers[m.base->sadb_msg_type](k, c, &m);
	if (error != 0)
		log_debug("client %llu: %s failed: %s",
		    (unsigned long long)c->id,
		    key_msg_type_name(m.base->sadb_msg_type), strerror(error));
done:
	if (error != 0)
		pfkey_error(k, c, buf, len, error);
	key_wipe(buf, len);
	free(buf);
	return error;
}

/*
 * Sends c the error reply to msg: the whole message with sadb_msg_errno
 * set, as FreeBSD's key_senderror() returns it, keys included.  When
 * sadb_msg_len disagrees with the bytes received, FreeBSD fails the
 * send(2) instead.  keyd then returns the header alone, zero-filled where
 * msg is shorter, with the length of a bare header.
 */
void
pfkey_error(struct keyd *k, struct client *c, const void *msg, size_t len,
    int error)
{
	struct sadb_msg hdr;
	uint8_t *copy;

	memset(&hdr, 0, sizeof(hdr));
	memcpy(&hdr, msg, len < sizeof(hdr) ? len : sizeof(hdr));
	hdr.sadb_msg_errno = (uint8_t)error;
	if (len > sizeof(hdr) && PFKEY_UNUNIT64(hdr.sadb_msg_len) == len &&
	    (copy = malloc(len)) != NULL) {
		memcpy(copy, msg, len);
		memcpy(copy, &hdr, sizeof(hdr));
		deliver(k, c, TO_SENDER, copy, len);
		key_wipe(copy, len);
		free(copy);
		return;
	}
	hdr.sadb_msg_len = (uint16_t)PFKEY_UNIT64(sizeof(hdr));
	deliver(k, c, TO_SENDER, &hdr, sizeof(hdr));
}

/*
 * Builds a reply from the request: its header with errno 0, then the
 * extensions of the listed types that the request carries, in list order,
 * as FreeBSD's key_gather_mbuf() does.
 */
int
pfkey_gather(struct key_buf *b, const struct key_msg *m,
    const uint16_t *types, size_t ntypes)
{
	const struct sadb_ext *ext;
	size_t i, extlen;

	key_msg_begin(b, m->base->sadb_msg_type, m->base->sadb_msg_satype,
	    m->base->sadb_msg_seq, m->base->sadb_msg_pid);
	for (i = 0; i < ntypes; i++) {
		if ((ext = m->ext[types[i]]) == NULL)
			continue;
		extlen = PFKEY_UNUNIT64(ext->sadb_ext_len);
		key_msg_add_raw(b, types[i], (const uint8_t *)ext +
		    sizeof(*ext), extlen - sizeof(*ext));
	}
	return key_msg_end(b);
}

/* Delivers a finished message and frees the buffer. */
void
pfkey_send_buf(struct keyd *k, struct client *c, enum deliver_target target,
    struct key_buf *b)
{
	deliver(k, c, target, b->data, b->len);
	key_buf_free(b);
}

/*
 * SADB_REGISTER.  With satype 0 it requests only the supported
 * algorithms, and with another satype it also registers the client for
 * ACQUIRE and EXPIRE messages.  The reply goes to the sender and every registered client,
 * for satype 0 too, as FreeBSD's key_register() sends it.
 */
static int
pfkey_register(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct key_buf b;
	uint8_t satype = m->base->sadb_msg_satype;
	uint32_t bit;

	if (satype >= 32)
		return EINVAL;
	bit = (uint32_t)1 << satype;
	if (satype != SADB_SATYPE_UNSPEC) {
		if (c->registered & bit)
			return EEXIST;
	}
	key_buf_init(&b);
	if (msg_supported(&b, m->base) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	if (satype != SADB_SATYPE_UNSPEC) {
		c->registered |= bit;
		log_debug("client %llu: registered for %s",
		    (unsigned long long)c->id, key_satype_name(satype));
	}
	pfkey_send_buf(k, c, TO_REGISTERED, &b);
	return 0;
}

/*
 * SADB_X_PROMISC.  A bare header with satype 1 or 0 turns promiscuous
 * mode on or off and is echoed to every client.  The body of a longer
 * message, itself a PF_KEY message, is sent to every client as it is.
 */
static int
pfkey_promisc(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_msg hdr;

	if (m->len > sizeof(struct sadb_msg)) {
		deliver(k, c, TO_ALL, (const uint8_t *)m->base +
		    sizeof(struct sadb_msg), m->len - sizeof(struct sadb_msg));
		return 0;
	}
	if (m->base->sadb_msg_satype > 1)
		return EINVAL;
	c->promisc = m->base->sadb_msg_satype == 1;
	log_debug("client %llu: promiscuous mode %s",
	    (unsigned long long)c->id, c->promisc ? "on" : "off");
	memcpy(&hdr, m->base, sizeof(hdr));
	hdr.sadb_msg_errno = 0;
	deliver(k, c, TO_ALL, &hdr, sizeof(hdr));
	return 0;
}
