/*
 * ipsecN interfaces with the semantics of FreeBSD's if_ipsec(4): each has
 * a TAP device, a reqid, and once its tunnel endpoints are set, four
 * interface-scoped policies (IPv4 and IPv6, in and out) that spdflush and
 * spddelete cannot remove.  SAs are never touched here.
 *
 * The requests arrive from ifipsecctl as PF_KEY messages of the private
 * types SADB_X_IF_*, each naming its interface in an SADB_X_EXT_IF
 * extension.  Replies go to the requester alone; policy changes are
 * announced to every client as SADB_X_SPDADD and SADB_X_SPDDELETE.
 */

#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keyd.h"

#define IF_PREFIX		"ipsec"
#define IF_UNIT_MAX		9999

/* FreeBSD tries this many automatic reqids before giving up (EEXIST). */
#define AUTO_REQID_TRIES	63

void
ifnet_init(struct keyd *k)
{
	TAILQ_INIT(&k->ifs);
	TAILQ_INIT(&k->dead_ifs);
	k->raw4 = k->raw6 = -1;
}

struct ipsec_if *
ifnet_lookup(const struct keyd *k, const char *name)
{
	struct ipsec_if *ifp;

	TAILQ_FOREACH(ifp, &k->ifs, entry)
		if (strcmp(ifp->name, name) == 0)
			return ifp;
	return NULL;
}

/*
 * Returns the interface an inbound tunnel-mode SA belongs to: the one with
 * the SA's reqid whose remote endpoint is the SA's source and whose local
 * endpoint is its destination, as FreeBSD's ipsec_srcaddr() matches.
 */
struct ipsec_if *
ifnet_for_sa(const struct keyd *k, const struct sa *sa)
{
	struct ipsec_if *ifp;

	if (sa->mode != IPSEC_MODE_TUNNEL)
		return NULL;
	TAILQ_FOREACH(ifp, &k->ifs, entry)
		if (ifp->has_tunnel && ifp->reqid == sa->reqid &&
		    sockaddr_equal_addr((const struct sockaddr *)&ifp->dst,
		    &sa->src.sa) &&
		    sockaddr_equal_addr((const struct sockaddr *)&ifp->src,
		    &sa->dst.sa))
			return ifp;
	return NULL;
}

/*
 * Returns the extension of type in m, including the private ones that
 * key_msg_parse() accepts without indexing, or NULL.  key_msg_parse() has
 * checked that the extensions tile the message.
 */
const struct sadb_ext *
ifnet_find_ext(const struct key_msg *m, uint16_t type)
{
	const uint8_t *p = (const uint8_t *)m->base;
	struct sadb_ext ext;
	size_t off;

	if (type <= SADB_EXT_MAX)
		return m->ext[type];
	for (off = sizeof(struct sadb_msg); off + sizeof(ext) <= m->len;
	    off += PFKEY_UNUNIT64(ext.sadb_ext_len)) {
		memcpy(&ext, p + off, sizeof(ext));
		if (ext.sadb_ext_len == 0)
			break;
		if (ext.sadb_ext_type == type)
			return (const struct sadb_ext *)(const void *)(p + off);
	}
	return NULL;
}

/* Copies the SADB_X_EXT_IF of m into xif.  Returns 0 or EINVAL. */
static int
read_if_ext(const struct key_msg *m, struct sadb_x_if *xif)
{
	const struct sadb_ext *ext = ifnet_find_ext(m, SADB_X_EXT_IF);

	if (ext == NULL ||
	    PFKEY_UNUNIT64(ext->sadb_ext_len) < sizeof(*xif))
		return EINVAL;
	memcpy(xif, ext, sizeof(*xif));
	if (memchr(xif->sadb_x_if_name, '\0',
	    sizeof(xif->sadb_x_if_name)) == NULL)
		return EINVAL;
	return 0;
}

/* Returns the unit of "ipsecN", or -1 if name is not of that form. */
static int
unit_of(const char *name)
{
	const char *p;
	long unit;

	if (strncmp(name, IF_PREFIX, strlen(IF_PREFIX)) != 0)
		return -1;
	p = name + strlen(IF_PREFIX);
	if (*p == '\0' || strlen(p) > 4 || (p[0] == '0' && p[1] != '\0'))
		return -1;
	for (unit = 0; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
		unit = unit * 10 + (*p - '0');
	}
	return (int)unit;
}

/* Picks the lowest free ipsecN name.  Returns 0 or ENOSPC. */
static int
pick_name(const struct keyd *k, char *name, size_t len)
{
	int unit;

	for (unit = 0; unit <= IF_UNIT_MAX; unit++) {
		if (snprintf(name, len, IF_PREFIX "%d", unit) >= (int)len)
			break;
		if (ifnet_lookup(k, name) == NULL &&
		    if_nametoindex(name) == 0)
			return 0;
	}
	return ENOSPC;
}

static bool
reqid_in_use(const struct keyd *k, const struct ipsec_if *self,
    uint32_t reqid)
{
	const struct ipsec_if *ifp;

	TAILQ_FOREACH(ifp, &k->ifs, entry)
		if (ifp != self && ifp->reqid == reqid)
			return true;
	return false;
}

/* Returns an automatic reqid no other interface has, or 0 (EEXIST). */
static uint32_t
auto_reqid(struct keyd *k, const struct ipsec_if *self)
{
	uint32_t reqid;
	int i;

	for (i = 0; i < AUTO_REQID_TRIES; i++) {
		reqid = keyd_new_reqid(k);
		if (!reqid_in_use(k, self, reqid))
			return reqid;
	}
	return 0;
}

static void
remove_policies(struct keyd *k, struct policy *sp[IFNET_SP_COUNT])
{
	int i;

	for (i = 0; i < IFNET_SP_COUNT; i++) {
		if (sp[i] != NULL)
			keyd_ifnet_policy_remove(k, sp[i]);
		sp[i] = NULL;
	}
}

/*
 * Installs the four policies for tunnel src-dst with reqid into sp, in
 * FreeBSD's order: IPv4 in, IPv4 out, IPv6 in, IPv6 out.  Inbound ones
 * carry the request esp/tunnel/dst-src, outbound ones src-dst.  Returns 0
 * or an errno value, having removed what it installed.
 */
static int
install_policies(struct keyd *k, const struct ipsec_if *ifp,
    const struct sockaddr *src, const struct sockaddr *dst, uint32_t reqid,
    struct policy *sp[IFNET_SP_COUNT])
{
	static const struct {
		uint8_t dir;
		int family;
	} order[IFNET_SP_COUNT] = {
		{ IPSEC_DIR_INBOUND, AF_INET },
		{ IPSEC_DIR_OUTBOUND, AF_INET },
		{ IPSEC_DIR_INBOUND, AF_INET6 },
		{ IPSEC_DIR_OUTBOUND, AF_INET6 },
	};
	int i, error;

	memset(sp, 0, sizeof(*sp) * IFNET_SP_COUNT);
	for (i = 0; i < IFNET_SP_COUNT; i++) {
		if (order[i].dir == IPSEC_DIR_INBOUND)
			sp[i] = keyd_ifnet_policy_add(k, ifp->ifindex,
			    order[i].dir, order[i].family, dst, src, reqid);
		else
			sp[i] = keyd_ifnet_policy_add(k, ifp->ifindex,
			    order[i].dir, order[i].family, src, dst, reqid);
		if (sp[i] == NULL) {
			error = errno != 0 ? errno : ENOBUFS;
			remove_policies(k, sp);
			return error;
		}
	}
	return 0;
}

/*
 * Moves ifp to tunnel src-dst and reqid: new policies first, then the old
 * ones go, as FreeBSD replaces them.  Returns 0 or an errno value, leaving
 * ifp unchanged on failure.
 */
static int
set_tunnel(struct keyd *k, struct ipsec_if *ifp,
    const struct sockaddr_storage *src, const struct sockaddr_storage *dst,
    uint32_t reqid)
{
	struct policy *sp[IFNET_SP_COUNT];
	int error;

	error = install_policies(k, ifp, (const struct sockaddr *)src,
	    (const struct sockaddr *)dst, reqid, sp);
	if (error != 0)
		return error;
	remove_policies(k, ifp->sp);
	memcpy(ifp->sp, sp, sizeof(sp));
	ifp->src = *src;
	ifp->dst = *dst;
	ifp->reqid = reqid;
	ifp->has_tunnel = true;
	return 0;
}

static void
fill_if_ext(const struct ipsec_if *ifp, struct sadb_x_if *xif)
{
	unsigned int mtu = 0;
	bool up = false;

	memset(xif, 0, sizeof(*xif));
	snprintf(xif->sadb_x_if_name, sizeof(xif->sadb_x_if_name), "%s",
	    ifp->name);
	xif->sadb_x_if_reqid = ifp->reqid;
	xif->sadb_x_if_index = ifp->ifindex;
	if (tap_get_info(ifp->name, &mtu, &up) == 0) {
		xif->sadb_x_if_mtu = mtu;
		if (up)
			xif->sadb_x_if_flags |= SADB_X_IF_F_UP;
	}
	if (ifp->has_tunnel)
		xif->sadb_x_if_flags |= SADB_X_IF_F_TUNNEL;
	if (ifp->cap != NULL)
		xif->sadb_x_if_flags |= SADB_X_IF_F_CAPTURE;
}

/*
 * Builds the description of ifp that replies carry: the header of m with
 * sequence seq, SADB_X_EXT_IF, the tunnel endpoints as ADDRESS_SRC
 * (local) and ADDRESS_DST (remote), and the capture file if any.
 */
static int
build_if_msg(struct key_buf *b, const struct key_msg *m,
    const struct ipsec_if *ifp, uint32_t seq)
{
	struct sadb_x_if xif;
	const char *path;
	unsigned int bits;

	fill_if_ext(ifp, &xif);
	key_msg_begin(b, m->base->sadb_msg_type, 0, seq,
	    m->base->sadb_msg_pid);
	key_msg_add_raw(b, SADB_X_EXT_IF, (const uint8_t *)&xif +
	    sizeof(struct sadb_ext), sizeof(xif) - sizeof(struct sadb_ext));
	if (ifp->has_tunnel) {
		bits = key_sockaddr_bits(ifp->src.ss_family);
		key_msg_add_address(b, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY,
		    (uint8_t)bits, (const struct sockaddr *)&ifp->src);
		key_msg_add_address(b, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY,
		    (uint8_t)bits, (const struct sockaddr *)&ifp->dst);
	}
	if ((path = capture_path(ifp->cap)) != NULL)
		key_msg_add_raw(b, SADB_X_EXT_IF_PATH, path, strlen(path) + 1);
	return key_msg_end(b);
}

static int
reply_if(struct keyd *k, struct client *c, const struct key_msg *m,
    const struct ipsec_if *ifp)
{
	struct key_buf b;

	key_buf_init(&b);
	if (build_if_msg(&b, m, ifp, m->base->sadb_msg_seq) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

static int
if_create(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_if xif;
	struct ipsec_if *ifp;
	char name[IF_NAMESIZE];
	int error;

	if ((error = read_if_ext(m, &xif)) != 0)
		return error;
	if (xif.sadb_x_if_name[0] == '\0' ||
	    strcmp(xif.sadb_x_if_name, IF_PREFIX) == 0) {
		if ((error = pick_name(k, name, sizeof(name))) != 0)
			return error;
	} else {
		if (unit_of(xif.sadb_x_if_name) < 0)
			return EINVAL;
		snprintf(name, sizeof(name), "%s", xif.sadb_x_if_name);
		if (ifnet_lookup(k, name) != NULL)
			return EEXIST;
	}
	if (xif.sadb_x_if_reqid != 0 &&
	    reqid_in_use(k, NULL, xif.sadb_x_if_reqid))
		return EEXIST;
	if ((ifp = calloc(1, sizeof(*ifp))) == NULL)
		return ENOBUFS;
	snprintf(ifp->name, sizeof(ifp->name), "%s", name);
	ifp->reqid = xif.sadb_x_if_reqid;
	ifp->tapfd = tap_open(name, &ifp->ifindex, ifp->mac);
	if (ifp->tapfd == -1) {
		error = errno;
		log_warn("%s: cannot create the TAP device", name);
		free(ifp);
		return error;
	}
	ifp->ev.kind = EV_TAP;
	ifp->ev.data = ifp;
	if (netio_watch(k, ifp->tapfd, &ifp->ev) == -1) {
		error = errno;
		close(ifp->tapfd);
		free(ifp);
		return error;
	}
	TAILQ_INSERT_TAIL(&k->ifs, ifp, entry);
	log_info("%s created: ifindex %u, reqid %u", ifp->name, ifp->ifindex,
	    ifp->reqid);
	return reply_if(k, c, m, ifp);
}

/*
 * Removes ifp's policies and TAP device.  The structure itself is freed
 * by ifnet_reap() after the event loop's current batch, which may still
 * hold an event pointing at it.
 */
static void
destroy(struct keyd *k, struct ipsec_if *ifp)
{
	remove_policies(k, ifp->sp);
	capture_stop(&ifp->cap);
	netio_unwatch(k, ifp->tapfd);
	close(ifp->tapfd);
	ifp->tapfd = -1;
	ifp->dead = true;
	TAILQ_REMOVE(&k->ifs, ifp, entry);
	TAILQ_INSERT_TAIL(&k->dead_ifs, ifp, entry);
	log_info("%s destroyed", ifp->name);
}

/* Frees the interfaces destroyed since the last call. */
void
ifnet_reap(struct keyd *k)
{
	struct ipsec_if *ifp;

	while ((ifp = TAILQ_FIRST(&k->dead_ifs)) != NULL) {
		TAILQ_REMOVE(&k->dead_ifs, ifp, entry);
		free(ifp);
	}
}

/*
 * Handles an event of ifp's TAP device.  The device reports an error once
 * it is deleted behind keyd's back (ip link del), and then the interface
 * is destroyed as if requested, since its descriptor can never be read
 * again.
 */
void
ifnet_tap_event(struct keyd *k, struct ipsec_if *ifp, uint32_t events)
{
	if (ifp->dead)
		return;
	if (events & (EPOLLERR | EPOLLHUP)) {
		log_warnx("%s: the TAP device was removed; destroying the "
		    "interface", ifp->name);
		destroy(k, ifp);
		return;
	}
	dataplane_tap_event(k, ifp);
}

/* Finds the interface m names.  Returns 0, EINVAL or ENXIO. */
static int
find_if(struct keyd *k, const struct key_msg *m, struct sadb_x_if *xif,
    struct ipsec_if **ifpp)
{
	int error;

	if ((error = read_if_ext(m, xif)) != 0)
		return error;
	if ((*ifpp = ifnet_lookup(k, xif->sadb_x_if_name)) == NULL)
		return ENXIO;
	return 0;
}

static int
if_destroy(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_if xif;
	struct ipsec_if *ifp;
	struct key_buf b;
	int error;

	if ((error = find_if(k, m, &xif, &ifp)) != 0)
		return error;
	key_buf_init(&b);
	if (build_if_msg(&b, m, ifp, m->base->sadb_msg_seq) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	destroy(k, ifp);
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

static bool
is_unspecified(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ((const struct sockaddr_in *)(const void *)ss)->
		    sin_addr.s_addr == INADDR_ANY;
	return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)
	    (const void *)ss)->sin6_addr);
}

static void
clear_port(struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)(void *)ss)->sin_port = 0;
	else if (ss->ss_family == AF_INET6) {
		((struct sockaddr_in6 *)(void *)ss)->sin6_port = 0;
		((struct sockaddr_in6 *)(void *)ss)->sin6_flowinfo = 0;
	}
}

/*
 * Reads the tunnel endpoints of m with FreeBSD's checks: both present and
 * of one family (EINVAL), IPv4 or IPv6 (EAFNOSUPPORT), neither
 * unspecified (EADDRNOTAVAIL).
 */
static int
read_endpoints(const struct key_msg *m, struct sockaddr_storage *src,
    struct sockaddr_storage *dst)
{
	if (m->ext[SADB_EXT_ADDRESS_SRC] == NULL ||
	    m->ext[SADB_EXT_ADDRESS_DST] == NULL)
		return EINVAL;
	if (key_msg_address(m, SADB_EXT_ADDRESS_SRC, src, NULL, NULL) == -1 ||
	    key_msg_address(m, SADB_EXT_ADDRESS_DST, dst, NULL, NULL) == -1)
		return errno == EAFNOSUPPORT ? EAFNOSUPPORT : EINVAL;
	if (src->ss_family != dst->ss_family)
		return EINVAL;
	if (src->ss_family != AF_INET && src->ss_family != AF_INET6)
		return EAFNOSUPPORT;
	if (is_unspecified(src) || is_unspecified(dst))
		return EADDRNOTAVAIL;
	clear_port(src);
	clear_port(dst);
	return 0;
}

static int
if_settunnel(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sockaddr_storage src, dst;
	struct sadb_x_if xif;
	struct ipsec_if *ifp;
	uint32_t reqid;
	int error;

	if ((error = find_if(k, m, &xif, &ifp)) != 0)
		return error;
	if ((error = read_endpoints(m, &src, &dst)) != 0)
		return error;
	if (ifp->has_tunnel &&
	    sockaddr_equal_addr((struct sockaddr *)&src,
	    (struct sockaddr *)&ifp->src) &&
	    sockaddr_equal_addr((struct sockaddr *)&dst,
	    (struct sockaddr *)&ifp->dst))
		return reply_if(k, c, m, ifp);
	reqid = ifp->reqid;
	if (reqid == 0 && (reqid = auto_reqid(k, ifp)) == 0)
		return EEXIST;
	if ((error = set_tunnel(k, ifp, &src, &dst, reqid)) != 0)
		return error;
	log_info("%s: tunnel set, reqid %u", ifp->name, ifp->reqid);
	return reply_if(k, c, m, ifp);
}

static int
if_deltunnel(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_if xif;
	struct ipsec_if *ifp;
	int error;

	if ((error = find_if(k, m, &xif, &ifp)) != 0)
		return error;
	if (ifp->has_tunnel) {
		remove_policies(k, ifp->sp);
		ifp->has_tunnel = false;
		memset(&ifp->src, 0, sizeof(ifp->src));
		memset(&ifp->dst, 0, sizeof(ifp->dst));
		log_info("%s: tunnel deleted", ifp->name);
	}
	return reply_if(k, c, m, ifp);
}

/*
 * Sets the reqid as FreeBSD's ipsec_set_reqid() does.  0 requests an
 * automatic one if the interface has none and keeps its reqid otherwise.
 * A reqid that another interface has gives EEXIST.  With a tunnel set,
 * the policies are replaced, also for 0.
 */
static int
if_setreqid(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_if xif;
	struct ipsec_if *ifp;
	uint32_t reqid;
	int error;

	if ((error = find_if(k, m, &xif, &ifp)) != 0)
		return error;
	reqid = xif.sadb_x_if_reqid;
	if (reqid != 0 && reqid == ifp->reqid)
		return reply_if(k, c, m, ifp);
	if (reqid == 0) {
		reqid = ifp->reqid;
		if (reqid == 0 && (reqid = auto_reqid(k, ifp)) == 0)
			return EEXIST;
	} else if (reqid_in_use(k, ifp, reqid))
		return EEXIST;
	if (ifp->has_tunnel) {
		error = set_tunnel(k, ifp, &ifp->src, &ifp->dst, reqid);
		if (error != 0)
			return error;
	}
	ifp->reqid = reqid;
	log_info("%s: reqid set to %u", ifp->name, reqid);
	return reply_if(k, c, m, ifp);
}

static int
if_get(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_if xif;
	struct ipsec_if *ifp;
	int error;

	if ((error = find_if(k, m, &xif, &ifp)) != 0)
		return error;
	return reply_if(k, c, m, ifp);
}

/* One message per interface, in creation order, sequence down to 0. */
static int
if_dump(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct ipsec_if *ifp;
	struct key_buf b;
	uint32_t n = 0;

	TAILQ_FOREACH(ifp, &k->ifs, entry)
		n++;
	if (n == 0)
		return ENOENT;
	TAILQ_FOREACH(ifp, &k->ifs, entry) {
		key_buf_init(&b);
		if (build_if_msg(&b, m, ifp, --n) == -1) {
			key_buf_free(&b);
			return ENOBUFS;
		}
		pfkey_send_buf(k, c, TO_SENDER, &b);
	}
	return 0;
}

/* Replies to a capture request for all interfaces. */
static int
reply_all_capture(struct keyd *k, struct client *c, const struct key_msg *m)
{
	struct sadb_x_if xif;
	struct key_buf b;
	const char *path;

	memset(&xif, 0, sizeof(xif));
	xif.sadb_x_if_flags = SADB_X_IF_F_ALL |
	    (k->cap != NULL ? SADB_X_IF_F_CAPTURE : 0);
	key_buf_init(&b);
	key_msg_begin(&b, m->base->sadb_msg_type, 0, m->base->sadb_msg_seq,
	    m->base->sadb_msg_pid);
	key_msg_add_raw(&b, SADB_X_EXT_IF, (const uint8_t *)&xif +
	    sizeof(struct sadb_ext), sizeof(xif) - sizeof(struct sadb_ext));
	if ((path = capture_path(k->cap)) != NULL)
		key_msg_add_raw(&b, SADB_X_EXT_IF_PATH, path, strlen(path) + 1);
	if (key_msg_end(&b) == -1) {
		key_buf_free(&b);
		return ENOBUFS;
	}
	pfkey_send_buf(k, c, TO_SENDER, &b);
	return 0;
}

/*
 * Starts or stops a capture: of one interface, or with SADB_X_IF_F_ALL of
 * every interface and every ESP packet.  Starting needs SADB_X_EXT_IF_PATH
 * with an absolute path, and root: keyd creates the file as root, so a
 * member of the allowed group could otherwise truncate any file (EPERM).
 */
static int
if_capture(struct keyd *k, struct client *c, const struct key_msg *m)
{
	const struct sadb_ext *ext;
	struct sadb_x_if xif;
	struct ipsec_if *ifp = NULL;
	struct capture **capp;
	const char *path;
	size_t len;
	int error;

	if ((error = read_if_ext(m, &xif)) != 0)
		return error;
	if (xif.sadb_x_if_flags & SADB_X_IF_F_ALL)
		capp = &k->cap;
	else if ((ifp = ifnet_lookup(k, xif.sadb_x_if_name)) == NULL)
		return ENXIO;
	else
		capp = &ifp->cap;
	if ((xif.sadb_x_if_flags & SADB_X_IF_F_CAPTURE) == 0) {
		capture_stop(capp);
	} else {
		ext = ifnet_find_ext(m, SADB_X_EXT_IF_PATH);
		if (ext == NULL)
			return EINVAL;
		path = (const char *)ext + sizeof(*ext);
		len = PFKEY_UNUNIT64(ext->sadb_ext_len) - sizeof(*ext);
		if (len == 0 || memchr(path, '\0', len) == NULL ||
		    path[0] != '/')
			return EINVAL;
		if (c->uid != 0)
			return EPERM;
		if ((error = capture_start(capp, path)) != 0)
			return error;
	}
	if (ifp != NULL)
		return reply_if(k, c, m, ifp);
	return reply_all_capture(k, c, m);
}

/* Handles one SADB_X_IF_* request; returns 0 or an errno value. */
int
ifnet_dispatch(struct keyd *k, struct client *c, const struct key_msg *m)
{
	switch (m->base->sadb_msg_type) {
	case SADB_X_IF_CREATE:
		return if_create(k, c, m);
	case SADB_X_IF_DESTROY:
		return if_destroy(k, c, m);
	case SADB_X_IF_SETTUNNEL:
		return if_settunnel(k, c, m);
	case SADB_X_IF_DELTUNNEL:
		return if_deltunnel(k, c, m);
	case SADB_X_IF_SETREQID:
		return if_setreqid(k, c, m);
	case SADB_X_IF_GET:
		return if_get(k, c, m);
	case SADB_X_IF_DUMP:
		return if_dump(k, c, m);
	case SADB_X_IF_STATS:
		return stats_reply(k, c, m);
	case SADB_X_IF_CAPTURE:
		return if_capture(k, c, m);
	default:
		return EOPNOTSUPP;
	}
}

/* Destroys every interface, removing its policies and TAP device. */
void
ifnet_shutdown(struct keyd *k)
{
	struct ipsec_if *ifp;

	while ((ifp = TAILQ_FIRST(&k->ifs)) != NULL)
		destroy(k, ifp);
	ifnet_reap(k);
	capture_stop(&k->cap);
}
