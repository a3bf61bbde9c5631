/*
 * Requests to keyd: one PF_KEY message of a private SADB_X_IF_* type per
 * request, to which keyd replies on the same connection.  Replies
 * describe the interface in an SADB_X_EXT_IF extension, its tunnel
 * endpoints in ADDRESS_SRC (local) and ADDRESS_DST (remote), and a
 * capture file in SADB_X_EXT_IF_PATH.  keyd replies to SADB_X_IF_DUMP and
 * SADB_X_IF_STATS with several messages whose sequence numbers count down
 * to 0.
 */

#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ifipsecctl.h"

#define REPLY_TIMEOUT_MS	5000

static int keyfd = -1;
static uint32_t seqno;

/* Connects to keyd.  Returns 0 or an errno value. */
int
kr_open(void)
{
	if (keyfd != -1)
		return 0;
	if ((keyfd = key_open()) == -1)
		return errno;
	return 0;
}

static const struct sadb_ext *
find_ext(const struct key_msg *m, uint16_t type)
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

static void
add_if(struct key_buf *b, const char *name, uint32_t reqid, uint32_t flags)
{
	struct sadb_x_if xif;

	memset(&xif, 0, sizeof(xif));
	if (name != NULL)
		snprintf(xif.sadb_x_if_name, sizeof(xif.sadb_x_if_name), "%s",
		    name);
	xif.sadb_x_if_reqid = reqid;
	xif.sadb_x_if_flags = flags;
	key_msg_add_raw(b, SADB_X_EXT_IF, (const uint8_t *)&xif +
	    sizeof(struct sadb_ext), sizeof(xif) - sizeof(struct sadb_ext));
}

static void
begin(struct key_buf *b, uint8_t type)
{
	key_buf_init(b);
	key_msg_begin(b, type, 0, ++seqno, (uint32_t)getpid());
}

/* Reads an interface description from a parsed reply. */
static int
read_info(const struct key_msg *m, struct ifinfo *info)
{
	const struct sadb_ext *ext;
	struct sadb_x_if xif;
	size_t len;

	memset(info, 0, sizeof(*info));
	ext = find_ext(m, SADB_X_EXT_IF);
	if (ext == NULL || PFKEY_UNUNIT64(ext->sadb_ext_len) < sizeof(xif))
		return EBADMSG;
	memcpy(&xif, ext, sizeof(xif));
	xif.sadb_x_if_name[sizeof(xif.sadb_x_if_name) - 1] = '\0';
	snprintf(info->name, sizeof(info->name), "%s", xif.sadb_x_if_name);
	info->reqid = xif.sadb_x_if_reqid;
	info->ifindex = xif.sadb_x_if_index;
	info->flags = xif.sadb_x_if_flags;
	info->mtu = xif.sadb_x_if_mtu;
	if (m->ext[SADB_EXT_ADDRESS_SRC] != NULL &&
	    m->ext[SADB_EXT_ADDRESS_DST] != NULL &&
	    key_msg_address(m, SADB_EXT_ADDRESS_SRC, &info->src, NULL,
	    NULL) == 0 &&
	    key_msg_address(m, SADB_EXT_ADDRESS_DST, &info->dst, NULL,
	    NULL) == 0)
		info->has_tunnel = true;
	if ((ext = find_ext(m, SADB_X_EXT_IF_PATH)) != NULL) {
		len = PFKEY_UNUNIT64(ext->sadb_ext_len) - sizeof(*ext);
		if (len >= sizeof(info->capture))
			len = sizeof(info->capture) - 1;
		memcpy(info->capture, (const char *)ext + sizeof(*ext), len);
		info->capture[len] = '\0';
	}
	return 0;
}

/*
 * Sends the message in b and waits for its reply.  Returns 0 with the
 * reply in *replyp (malloc'd) and parsed in *m, or an errno value: keyd's
 * error for the request, or a failure to reach keyd.
 */
static int
transact(struct key_buf *b, void **replyp, size_t *lenp, struct key_msg *m)
{
	struct sadb_msg hdr;
	void *reply;
	int error;

	*replyp = NULL;
	if (key_msg_end(b) == -1) {
		error = errno;
		key_buf_free(b);
		return error;
	}
	if ((error = kr_open()) != 0) {
		key_buf_free(b);
		return error;
	}
	reply = key_request(keyfd, b->data, b->len, lenp, REPLY_TIMEOUT_MS);
	error = errno;
	key_buf_free(b);
	if (reply == NULL)
		return error != 0 ? error : EIO;
	memcpy(&hdr, reply, sizeof(hdr));
	if (hdr.sadb_msg_errno != 0) {
		free(reply);
		return hdr.sadb_msg_errno;
	}
	if (key_msg_parse(m, reply, *lenp) == -1) {
		free(reply);
		return EBADMSG;
	}
	*replyp = reply;
	return 0;
}

/* Sends a request naming one interface and reads the interface back. */
static int
simple(uint8_t type, const char *name, uint32_t reqid, uint32_t flags,
    struct ifinfo *info)
{
	struct key_buf b;
	struct key_msg m;
	struct ifinfo tmp;
	void *reply;
	size_t len;
	int error;

	begin(&b, type);
	add_if(&b, name, reqid, flags);
	if ((error = transact(&b, &reply, &len, &m)) != 0)
		return error;
	error = read_info(&m, info != NULL ? info : &tmp);
	free(reply);
	return error;
}

int
kr_create(const char *name, uint32_t reqid, struct ifinfo *info)
{
	return simple(SADB_X_IF_CREATE, name, reqid, 0, info);
}

int
kr_destroy(const char *name)
{
	return simple(SADB_X_IF_DESTROY, name, 0, 0, NULL);
}

int
kr_get(const char *name, struct ifinfo *info)
{
	return simple(SADB_X_IF_GET, name, 0, 0, info);
}

int
kr_deltunnel(const char *name)
{
	return simple(SADB_X_IF_DELTUNNEL, name, 0, 0, NULL);
}

int
kr_setreqid(const char *name, uint32_t reqid, struct ifinfo *info)
{
	return simple(SADB_X_IF_SETREQID, name, reqid, 0, info);
}

int
kr_settunnel(const char *name, const struct sockaddr *src,
    const struct sockaddr *dst, struct ifinfo *info)
{
	struct key_buf b;
	struct key_msg m;
	void *reply;
	size_t len;
	uint8_t bits;
	int error;

	begin(&b, SADB_X_IF_SETTUNNEL);
	add_if(&b, name, 0, 0);
	bits = (uint8_t)key_sockaddr_bits(src->sa_family);
	key_msg_add_address(&b, SADB_EXT_ADDRESS_SRC, IPSEC_ULPROTO_ANY, bits,
	    src);
	key_msg_add_address(&b, SADB_EXT_ADDRESS_DST, IPSEC_ULPROTO_ANY, bits,
	    dst);
	if ((error = transact(&b, &reply, &len, &m)) != 0)
		return error;
	error = read_info(&m, info);
	free(reply);
	return error;
}

/*
 * Starts a capture into path, or stops it when path is NULL; name NULL
 * means every interface and every ESP packet.
 */
int
kr_capture(const char *name, const char *path)
{
	struct key_buf b;
	struct key_msg m;
	uint32_t flags = 0;
	void *reply;
	size_t len;
	int error;

	if (name == NULL)
		flags |= SADB_X_IF_F_ALL;
	if (path != NULL)
		flags |= SADB_X_IF_F_CAPTURE;
	begin(&b, SADB_X_IF_CAPTURE);
	add_if(&b, name, 0, flags);
	if (path != NULL)
		key_msg_add_raw(&b, SADB_X_EXT_IF_PATH, path,
		    strlen(path) + 1);
	if ((error = transact(&b, &reply, &len, &m)) != 0)
		return error;
	free(reply);
	return 0;
}

/*
 * Sends a request whose reply is a series of messages and passes each
 * parsed one to fn.  An error reply ends it; ENOENT for SADB_X_IF_DUMP
 * means there are no interfaces.
 */
static int
multi(struct key_buf *b, uint8_t type,
    int (*fn)(const struct key_msg *, void *), void *arg)
{
	struct sadb_msg hdr;
	struct key_msg m;
	void *reply;
	size_t len;
	int error;

	if ((error = key_msg_end(b)) == -1 || (error = kr_open()) != 0) {
		error = error == -1 ? errno : error;
		key_buf_free(b);
		return error;
	}
	if (key_send(keyfd, b->data, b->len) == -1) {
		error = errno;
		key_buf_free(b);
		return error;
	}
	key_buf_free(b);
	for (;;) {
		reply = key_recv_alloc(keyfd, &len, REPLY_TIMEOUT_MS);
		if (reply == NULL)
			return errno;
		memcpy(&hdr, reply, sizeof(hdr));
		if (hdr.sadb_msg_type != type ||
		    hdr.sadb_msg_pid != (uint32_t)getpid()) {
			free(reply);
			continue;
		}
		if (hdr.sadb_msg_errno != 0) {
			free(reply);
			return hdr.sadb_msg_errno;
		}
		if (key_msg_parse(&m, reply, len) == -1)
			error = EBADMSG;
		else
			error = fn(&m, arg);
		free(reply);
		if (error != 0 || hdr.sadb_msg_seq == 0)
			return error;
	}
}

struct collect {
	void *items;
	size_t n;
	size_t size;
};

static int
grow(struct collect *c)
{
	void *p;

	if ((p = realloc(c->items, (c->n + 1) * c->size)) == NULL)
		return ENOMEM;
	c->items = p;
	return 0;
}

static int
collect_info(const struct key_msg *m, void *arg)
{
	struct collect *c = arg;
	int error;

	if ((error = grow(c)) != 0)
		return error;
	if ((error = read_info(m, (struct ifinfo *)c->items + c->n)) != 0)
		return error;
	c->n++;
	return 0;
}

/* Lists every interface; *n is 0 when there are none. */
int
kr_dump(struct ifinfo **list, size_t *n)
{
	struct collect c = { NULL, 0, sizeof(struct ifinfo) };
	struct key_buf b;
	int error;

	begin(&b, SADB_X_IF_DUMP);
	add_if(&b, NULL, 0, SADB_X_IF_F_ALL);
	error = multi(&b, SADB_X_IF_DUMP, collect_info, &c);
	if (error == ENOENT)
		error = 0;
	*list = c.items;
	*n = c.n;
	return error;
}

static int
read_stats(const struct key_msg *m, struct statrec *r)
{
	const struct sadb_ext *ext;
	struct sadb_x_if_stats hdr;
	struct sadb_x_if xif;
	struct sadb_x_sa2 sa2;
	struct sadb_sa sa;
	size_t len, count;

	memset(r, 0, sizeof(*r));
	if ((ext = find_ext(m, SADB_X_EXT_IF_STATS)) == NULL)
		return EBADMSG;
	len = PFKEY_UNUNIT64(ext->sadb_ext_len);
	if (len < sizeof(hdr))
		return EBADMSG;
	memcpy(&hdr, ext, sizeof(hdr));
	count = hdr.sadb_x_if_stats_count;
	if (count > (len - sizeof(hdr)) / sizeof(uint64_t))
		return EBADMSG;
	if (count > SADB_X_IF_STAT_COUNT)
		count = SADB_X_IF_STAT_COUNT;
	memcpy(r->counters, (const uint8_t *)ext + sizeof(hdr),
	    count * sizeof(uint64_t));
	if (m->ext[SADB_EXT_SA] != NULL) {
		r->kind = STAT_SA;
		memcpy(&sa, m->ext[SADB_EXT_SA], sizeof(sa));
		r->spi = ntohl(sa.sadb_sa_spi);
		r->state = sa.sadb_sa_state;
		if (m->ext[SADB_X_EXT_SA2] != NULL) {
			memcpy(&sa2, m->ext[SADB_X_EXT_SA2], sizeof(sa2));
			r->mode = sa2.sadb_x_sa2_mode;
			r->reqid = sa2.sadb_x_sa2_reqid;
			r->seq = sa2.sadb_x_sa2_sequence;
		}
		if (key_msg_address(m, SADB_EXT_ADDRESS_SRC, &r->src, NULL,
		    NULL) == -1 ||
		    key_msg_address(m, SADB_EXT_ADDRESS_DST, &r->dst, NULL,
		    NULL) == -1)
			return EBADMSG;
		return 0;
	}
	if ((ext = find_ext(m, SADB_X_EXT_IF)) == NULL ||
	    PFKEY_UNUNIT64(ext->sadb_ext_len) < sizeof(xif))
		return EBADMSG;
	memcpy(&xif, ext, sizeof(xif));
	xif.sadb_x_if_name[sizeof(xif.sadb_x_if_name) - 1] = '\0';
	r->kind = (xif.sadb_x_if_flags & SADB_X_IF_F_ALL) ? STAT_GLOBAL :
	    STAT_IF;
	snprintf(r->name, sizeof(r->name), "%s", xif.sadb_x_if_name);
	r->reqid = xif.sadb_x_if_reqid;
	return 0;
}

static int
collect_stats(const struct key_msg *m, void *arg)
{
	struct collect *c = arg;
	int error;

	if ((error = grow(c)) != 0)
		return error;
	if ((error = read_stats(m, (struct statrec *)c->items + c->n)) != 0)
		return error;
	c->n++;
	return 0;
}

/* Reads the counters of one interface, or of all when name is NULL. */
int
kr_stats(const char *name, struct statrec **list, size_t *n)
{
	struct collect c = { NULL, 0, sizeof(struct statrec) };
	struct key_buf b;
	int error;

	begin(&b, SADB_X_IF_STATS);
	add_if(&b, name, 0, name == NULL ? SADB_X_IF_F_ALL : 0);
	error = multi(&b, SADB_X_IF_STATS, collect_stats, &c);
	*list = c.items;
	*n = c.n;
	return error;
}
