/*
 * SADB_X_IF_STATS: the packet, byte and drop counters of interfaces and
 * their SAs.  The reply is a series of messages with sequence numbers
 * counting down to 0, as in a dump.  Each interface gets one message
 * (SADB_X_EXT_IF and SADB_X_EXT_IF_STATS).  A request for all interfaces
 * also gets one for the packets that no interface could be charged with.
 * Each ESP SA reported gets one (SA, SA2, ADDRESS_SRC, ADDRESS_DST and
 * SADB_X_EXT_IF_STATS).
 */

#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "keyd.h"

/* The SA carries ifp's tunnel, in either direction, with its reqid. */
bool
ifnet_sa_belongs(const struct ipsec_if *ifp, const struct sa *sa)
{
	const struct sockaddr *s = &sa->src.sa;
	const struct sockaddr *d = &sa->dst.sa;
	const struct sockaddr *l = (const struct sockaddr *)&ifp->src;
	const struct sockaddr *r = (const struct sockaddr *)&ifp->dst;

	if (!ifp->has_tunnel || sa->proto != IPPROTO_ESP ||
	    sa->reqid != ifp->reqid)
		return false;
	return (sockaddr_equal_addr(s, l) && sockaddr_equal_addr(d, r)) ||
	    (sockaddr_equal_addr(s, r) && sockaddr_equal_addr(d, l));
}

static void
add_stats(struct key_buf *b, const uint64_t *stats)
{
	uint8_t body[sizeof(struct sadb_x_if_stats) - sizeof(struct sadb_ext) +
	    SADB_X_IF_STAT_COUNT * sizeof(uint64_t)];
	uint32_t count = SADB_X_IF_STAT_COUNT;

	memset(body, 0, sizeof(body));
	memcpy(body, &count, sizeof(count));
	if (stats != NULL)
		memcpy(body + sizeof(count), stats,
		    SADB_X_IF_STAT_COUNT * sizeof(uint64_t));
	key_msg_add_raw(b, SADB_X_EXT_IF_STATS, body, sizeof(body));
}

static void
add_if(struct key_buf *b, const char *name, uint32_t reqid, uint32_t flags)
{
	struct sadb_x_if xif;

	memset(&xif, 0, sizeof(xif));
	snprintf(xif.sadb_x_if_name, sizeof(xif.sadb_x_if_name), "%s", name);
	xif.sadb_x_if_reqid = reqid;
	xif.sadb_x_if_flags = flags;
	key_msg_add_raw(b, SADB_X_EXT_IF, (const uint8_t *)&xif +
	    sizeof(struct sadb_ext), sizeof(xif) - sizeof(struct sadb_ext));
}

static int
send_msg(struct keyd *k, struct client *c, struct key_buf *b)
{
	if (key_msg_end(b) == -1) {
		key_buf_free(b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_SENDER, b);
	return 0;
}

static int
send_if(struct keyd *k, struct client *c, const struct key_msg *m,
    const struct ipsec_if *ifp, uint32_t seq)
{
	struct key_buf b;

	key_buf_init(&b);
	key_msg_begin(&b, SADB_X_IF_STATS, 0, seq, m->base->sadb_msg_pid);
	add_if(&b, ifp->name, ifp->reqid, 0);
	add_stats(&b, ifp->stats);
	return send_msg(k, c, &b);
}

static int
send_global(struct keyd *k, struct client *c, const struct key_msg *m,
    uint32_t seq)
{
	struct key_buf b;

	key_buf_init(&b);
	key_msg_begin(&b, SADB_X_IF_STATS, 0, seq, m->base->sadb_msg_pid);
	add_if(&b, "", 0, SADB_X_IF_F_ALL);
	add_stats(&b, k->stats);
	return send_msg(k, c, &b);
}

static int
send_sa(struct keyd *k, struct client *c, const struct key_msg *m,
    const struct sa *sa, uint32_t seq)
{
	struct key_buf b;
	uint8_t bits;

	key_buf_init(&b);
	key_msg_begin(&b, SADB_X_IF_STATS, 0, seq, m->base->sadb_msg_pid);
	key_msg_add_sa(&b, sa->spi, 0, sa->state, sa->auth, sa->enc,
	    sa->flags);
	key_msg_add_sa2(&b, sa->mode, (uint32_t)sa->seq, sa->reqid);
	bits = (uint8_t)key_sockaddr_bits(sa->src.sa.sa_family);
	key_msg_add_address(&b, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY, bits,
	    &sa->src.sa);
	key_msg_add_address(&b, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY, bits,
	    &sa->dst.sa);
	add_stats(&b, dataplane_sa_stats(sa));
	return send_msg(k, c, &b);
}

/*
 * An interface's report lists its SAs.  The report of all interfaces
 * lists only the ESP SAs that have carried or dropped packets, so that a
 * SAD of many idle SAs does not flood the client's queue.
 */
static bool
sa_selected(const struct ipsec_if *ifp, const struct sa *sa)
{
	if (sa->proto != IPPROTO_ESP)
		return false;
	if (ifp != NULL)
		return ifnet_sa_belongs(ifp, sa);
	return dataplane_sa_stats(sa) != NULL;
}

/*
 * Sends the counters of the interface m names, or with SADB_X_IF_F_ALL of
 * every interface and ESP SA.  ENXIO for an unknown interface.
 */
int
stats_reply(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_ext *ext;
	struct sadb_x_if xif;
	const struct ipsec_if *named = NULL, *ifp;
	const struct sa *sa;
	uint32_t n = 0;
	int error = 0;

	ext = ifnet_find_ext(m, SADB_X_EXT_IF);
	if (ext == NULL || PFKEY_UNUNIT64(ext->sadb_ext_len) < sizeof(xif))
		return EINVAL;
	memcpy(&xif, ext, sizeof(xif));
	if ((xif.sadb_x_if_flags & SADB_X_IF_F_ALL) == 0) {
		if (memchr(xif.sadb_x_if_name, '\0',
		    sizeof(xif.sadb_x_if_name)) == NULL)
			return EINVAL;
		if ((named = ifnet_lookup(k, xif.sadb_x_if_name)) == NULL)
			return ENXIO;
		n = 1;
	} else {
		TAILQ_FOREACH(ifp, &k->ifs, entry)
			n++;
		n++;
	}
	TAILQ_FOREACH(sa, &k->sad.list, entry)
		if (sa_selected(named, sa))
			n++;

	if (named != NULL)
		error = send_if(k, c, m, named, --n);
	else {
		TAILQ_FOREACH(ifp, &k->ifs, entry)
			if ((error = send_if(k, c, m, ifp, --n)) != 0)
				return error;
		error = send_global(k, c, m, --n);
	}
	TAILQ_FOREACH(sa, &k->sad.list, entry) {
		if (error != 0)
			break;
		if (sa_selected(named, sa))
			error = send_sa(k, c, m, sa, --n);
	}
	return error;
}
