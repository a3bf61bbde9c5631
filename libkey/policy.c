/*
 * X_POLICY extensions: building, checking, decoding and formatting them
 * the way FreeBSD's ipsec_dump_policy(3) does.
 */

#include <sys/socket.h>
#include <netinet/in.h>
#include <netdb.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libkey.h"
#include "key_private.h"

static int
fail(const char **reason, const char *why)
{
	*reason = why;
	errno = EINVAL;
	return -1;
}

static bool
valid_proto(uint16_t proto)
{
	return proto == IPSEC_PROTO_ESP || proto == IPSEC_PROTO_AH ||
	    proto == IPSEC_PROTO_IPCOMP || proto == IPPROTO_TCP;
}

/* Checks the tunnel addresses of a request of rlen bytes at p. */
static int
check_request_addrs(const uint8_t *p, size_t rlen, const char **reason)
{
	size_t off = sizeof(struct sadb_x_ipsecrequest);
	int srclen, dstlen;

	if ((srclen = key_bsd_check(p + off, rlen - off, reason)) == -1)
		return -1;
	off += (size_t)srclen;
	if ((dstlen = key_bsd_check(p + off, rlen - off, reason)) == -1)
		return -1;
	if (p[sizeof(struct sadb_x_ipsecrequest) + 1] != p[off + 1])
		return fail(reason, "tunnel endpoints differ in address "
		    "family");
	return 0;
}

static int
check_request(const uint8_t *p, size_t avail, size_t *rlenp,
    const char **reason)
{
	struct sadb_x_ipsecrequest req;

	if (avail < sizeof(req))
		return fail(reason, "truncated ipsecrequest");
	memcpy(&req, p, sizeof(req));
	if (req.sadb_x_ipsecrequest_len < sizeof(req))
		return fail(reason, "ipsecrequest length below 8");
	if (req.sadb_x_ipsecrequest_len > avail)
		return fail(reason, "ipsecrequest extends past the policy");
	if (!valid_proto(req.sadb_x_ipsecrequest_proto)) {
		/* FreeBSD's key_msg2sp() returns EPROTONOSUPPORT here. */
		fail(reason, "invalid ipsecrequest protocol");
		errno = EPROTONOSUPPORT;
		return -1;
	}
	if (req.sadb_x_ipsecrequest_mode != IPSEC_MODE_ANY &&
	    req.sadb_x_ipsecrequest_mode != IPSEC_MODE_TRANSPORT &&
	    req.sadb_x_ipsecrequest_mode != IPSEC_MODE_TUNNEL)
		return fail(reason, "invalid ipsecrequest mode");
	if (req.sadb_x_ipsecrequest_level > IPSEC_LEVEL_UNIQUE)
		return fail(reason, "invalid ipsecrequest level");
	if (req.sadb_x_ipsecrequest_len > sizeof(req)) {
		if (check_request_addrs(p, req.sadb_x_ipsecrequest_len,
		    reason) == -1)
			return -1;
	} else if (req.sadb_x_ipsecrequest_mode == IPSEC_MODE_TUNNEL)
		return fail(reason, "tunnel request without addresses");
	*rlenp = req.sadb_x_ipsecrequest_len;
	return 0;
}

int
key_policy_check(const struct sadb_x_policy *policy, size_t len,
    const char **reason)
{
	const uint8_t *p = (const uint8_t *)policy;
	size_t off, rlen;
	int count = 0;

	if (len < sizeof(*policy))
		return fail(reason, "policy shorter than its header");
	for (off = sizeof(*policy); off < len; off += rlen) {
		if (check_request(p + off, len - off, &rlen, reason) == -1)
			return -1;
		count++;
	}
	return count;
}

int
key_policy_begin(struct key_buf *b, uint16_t type, uint8_t dir,
    uint8_t scope, uint32_t id, uint32_t priority)
{
	struct sadb_x_policy pol;
	uint8_t *p;

	if (b->len != 0) {
		key_buf_set_error(b, EINVAL);
		return -1;
	}
	if ((p = key_buf_append(b, sizeof(pol))) == NULL)
		return -1;
	memset(&pol, 0, sizeof(pol));
	pol.sadb_x_policy_len = (uint16_t)PFKEY_UNIT64(sizeof(pol));
	pol.sadb_x_policy_exttype = SADB_X_EXT_POLICY;
	pol.sadb_x_policy_type = type;
	pol.sadb_x_policy_dir = dir;
	pol.sadb_x_policy_scope = scope;
	pol.sadb_x_policy_id = id;
	pol.sadb_x_policy_priority = priority;
	memcpy(p, &pol, sizeof(pol));
	return 0;
}

int
key_policy_add_request(struct key_buf *b, uint16_t proto, uint8_t mode,
    uint8_t level, uint16_t reqid, const struct sockaddr *src,
    const struct sockaddr *dst)
{
	struct sadb_x_ipsecrequest req;
	size_t srclen = 0, dstlen = 0, rlen;
	uint16_t units;
	uint8_t *p;

	if (b->len < sizeof(struct sadb_x_policy) || b->data == NULL ||
	    (src == NULL) != (dst == NULL)) {
		key_buf_set_error(b, EINVAL);
		return -1;
	}
	if (src != NULL) {
		if (src->sa_family != dst->sa_family) {
			key_buf_set_error(b, EINVAL);
			return -1;
		}
		srclen = key_sockaddr_bsdlen(src->sa_family);
		dstlen = srclen;
		if (srclen == 0) {
			key_buf_set_error(b, EAFNOSUPPORT);
			return -1;
		}
	}
	rlen = PFKEY_ALIGN8(sizeof(req) + srclen + dstlen);
	if ((p = key_buf_append(b, rlen)) == NULL)
		return -1;
	memset(&req, 0, sizeof(req));
	req.sadb_x_ipsecrequest_len = (uint16_t)rlen;
	req.sadb_x_ipsecrequest_proto = proto;
	req.sadb_x_ipsecrequest_mode = mode;
	req.sadb_x_ipsecrequest_level = level;
	req.sadb_x_ipsecrequest_reqid = reqid;
	memcpy(p, &req, sizeof(req));
	if (src != NULL) {
		key_sockaddr_to_bsd(src, p + sizeof(req), srclen);
		key_sockaddr_to_bsd(dst, p + sizeof(req) + srclen, dstlen);
	}
	units = (uint16_t)PFKEY_UNIT64(PFKEY_ALIGN8(b->len));
	memcpy(b->data + offsetof(struct sadb_x_policy, sadb_x_policy_len),
	    &units, sizeof(units));
	return 0;
}

int
key_policy_requests(const struct sadb_x_policy *policy, size_t len,
    struct key_ipsecrequest *reqs, size_t max, size_t *nreqs)
{
	struct sadb_x_ipsecrequest req;
	const uint8_t *p = (const uint8_t *)policy;
	const char *reason;
	size_t off, n = 0;
	int count;

	if ((count = key_policy_check(policy, len, &reason)) == -1)
		return -1;
	if ((size_t)count > max) {
		errno = EINVAL;
		return -1;
	}
	for (off = sizeof(*policy); off < len;
	    off += req.sadb_x_ipsecrequest_len) {
		memcpy(&req, p + off, sizeof(req));
		memset(&reqs[n], 0, sizeof(reqs[n]));
		reqs[n].proto = req.sadb_x_ipsecrequest_proto;
		reqs[n].mode = req.sadb_x_ipsecrequest_mode;
		reqs[n].level = req.sadb_x_ipsecrequest_level;
		reqs[n].reqid = req.sadb_x_ipsecrequest_reqid;
		if (req.sadb_x_ipsecrequest_len > sizeof(req)) {
			const uint8_t *s = p + off + sizeof(req);

			reqs[n].has_addrs = true;
			key_sockaddr_from_bsd(s, s[0], &reqs[n].src);
			key_sockaddr_from_bsd(s + s[0], s[s[0]], &reqs[n].dst);
		}
		n++;
	}
	*nreqs = n;
	return 0;
}

static const char *
dir_name(uint8_t dir)
{
	switch (dir) {
	case IPSEC_DIR_ANY:
		return "any";
	case IPSEC_DIR_INBOUND:
		return "in";
	case IPSEC_DIR_OUTBOUND:
		return "out";
	default:
		return NULL;
	}
}

static const char *
type_name(uint16_t type)
{
	switch (type) {
	case IPSEC_POLICY_DISCARD:
		return "discard";
	case IPSEC_POLICY_NONE:
		return "none";
	case IPSEC_POLICY_IPSEC:
		return "ipsec";
	case IPSEC_POLICY_ENTRUST:
		return "entrust";
	case IPSEC_POLICY_BYPASS:
		return "bypass";
	default:
		return NULL;
	}
}

static const char *
proto_name(uint16_t proto)
{
	switch (proto) {
	case IPSEC_PROTO_ESP:
		return "esp";
	case IPSEC_PROTO_AH:
		return "ah";
	case IPSEC_PROTO_IPCOMP:
		return "ipcomp";
	default:
		return "tcp";
	}
}

static const char *
mode_name(uint8_t mode)
{
	switch (mode) {
	case IPSEC_MODE_TRANSPORT:
		return "transport";
	case IPSEC_MODE_TUNNEL:
		return "tunnel";
	default:
		return "any";
	}
}

static const char *
level_name(uint8_t level)
{
	static const char *const names[] = {
		"default", "use", "require", "unique"
	};

	return names[level & 3];
}

static int
print_addr(FILE *fp, const struct sockaddr_storage *ss)
{
	char host[NI_MAXHOST];
	socklen_t sslen;

	sslen = ss->ss_family == AF_INET ? sizeof(struct sockaddr_in) :
	    sizeof(struct sockaddr_in6);
	if (getnameinfo((const struct sockaddr *)ss, sslen, host,
	    sizeof(host), NULL, 0, NI_NUMERICHOST) != 0) {
		errno = EINVAL;
		return -1;
	}
	fputs(host, fp);
	return 0;
}

static int
print_request(FILE *fp, const struct key_ipsecrequest *r)
{
	fprintf(fp, "%s/%s/", proto_name(r->proto), mode_name(r->mode));
	if (r->has_addrs) {
		if (print_addr(fp, &r->src) == -1)
			return -1;
		fputc('-', fp);
		if (print_addr(fp, &r->dst) == -1)
			return -1;
	}
	fprintf(fp, "/%s", level_name(r->level));
	if (r->reqid != 0)
		fprintf(fp, "%c%u",
		    r->reqid > IPSEC_MANUAL_REQID_MAX ? '#' : ':', r->reqid);
	return 0;
}

char *
key_policy_format(const struct sadb_x_policy *policy, size_t len,
    const char *delimiter)
{
	struct key_ipsecrequest *reqs = NULL;
	const char *dir, *type;
	size_t i, n = 0, maxreqs, size = 0;
	char *text = NULL;
	FILE *fp;
	int error = 0;

	if (policy == NULL || len < sizeof(*policy)) {
		errno = EINVAL;
		return NULL;
	}
	dir = dir_name(policy->sadb_x_policy_dir);
	type = type_name(policy->sadb_x_policy_type);
	if (dir == NULL || type == NULL) {
		errno = EINVAL;
		return NULL;
	}
	maxreqs = (len - sizeof(*policy)) / sizeof(struct sadb_x_ipsecrequest);
	if (maxreqs > 0 && (reqs = calloc(maxreqs, sizeof(*reqs))) == NULL)
		return NULL;
	if (key_policy_requests(policy, len, reqs, maxreqs, &n) == -1) {
		free(reqs);
		return NULL;
	}
	if ((fp = open_memstream(&text, &size)) == NULL) {
		free(reqs);
		return NULL;
	}
	fprintf(fp, "%s %s", dir, type);
	for (i = 0; i < n && error == 0; i++) {
		fputs(delimiter != NULL ? delimiter : " ", fp);
		if (print_request(fp, &reqs[i]) == -1)
			error = errno;
	}
	if (fclose(fp) != 0 && error == 0)
		error = ENOMEM;
	free(reqs);
	if (error != 0) {
		free(text);
		errno = error;
		return NULL;
	}
	return text;
}
