/*
 * Splitting and validating PF_KEYv2 messages with the rules of FreeBSD's
 * key_parse(), key_align() and key_validate_ext() in sys/netipsec/key.c.
 */

#include <netinet/in.h>

#include <errno.h>
#include <string.h>

#include "libkey.h"
#include "key_private.h"

/*
 * Extension sizes: the minimum, and for fixed-size extensions the exact
 * size (FreeBSD's minsize[] and maxsize[] tables).  A max of 0 means
 * variable size.  KMPRIVATE has no entry because it is always rejected.
 */
static const struct {
	uint16_t min;
	uint16_t max;
} ext_size[SADB_EXT_MAX + 1] = {
	[SADB_EXT_SA] = { 16, 16 },
	[SADB_EXT_LIFETIME_CURRENT] = { 32, 32 },
	[SADB_EXT_LIFETIME_HARD] = { 32, 32 },
	[SADB_EXT_LIFETIME_SOFT] = { 32, 32 },
	[SADB_EXT_ADDRESS_SRC] = { 8, 0 },
	[SADB_EXT_ADDRESS_DST] = { 8, 0 },
	[SADB_EXT_ADDRESS_PROXY] = { 8, 0 },
	[SADB_EXT_KEY_AUTH] = { 8, 0 },
	[SADB_EXT_KEY_ENCRYPT] = { 8, 0 },
	[SADB_EXT_IDENTITY_SRC] = { 16, 0 },
	[SADB_EXT_IDENTITY_DST] = { 16, 0 },
	[SADB_EXT_SENSITIVITY] = { 16, 0 },
	[SADB_EXT_PROPOSAL] = { 8, 0 },
	[SADB_EXT_SUPPORTED_AUTH] = { 8, 0 },
	[SADB_EXT_SUPPORTED_ENCRYPT] = { 8, 0 },
	[SADB_EXT_SPIRANGE] = { 16, 16 },
	[SADB_X_EXT_POLICY] = { 16, 0 },
	[SADB_X_EXT_SA2] = { 16, 16 },
	[SADB_X_EXT_NAT_T_TYPE] = { 8, 8 },
	[SADB_X_EXT_NAT_T_SPORT] = { 8, 8 },
	[SADB_X_EXT_NAT_T_DPORT] = { 8, 8 },
	[SADB_X_EXT_NAT_T_OAI] = { 8, 0 },
	[SADB_X_EXT_NAT_T_OAR] = { 8, 0 },
	[SADB_X_EXT_NAT_T_FRAG] = { 8, 8 },
	[SADB_X_EXT_SA_REPLAY] = { 8, 8 },
	[SADB_X_EXT_NEW_ADDRESS_SRC] = { 8, 0 },
	[SADB_X_EXT_NEW_ADDRESS_DST] = { 8, 0 },
};

static int
fail(struct key_msg *out, int err, const char *reason)
{
	out->reason = reason;
	errno = err;
	return -1;
}

static bool
is_address_type(uint16_t type)
{
	switch (type) {
	case SADB_EXT_ADDRESS_SRC:
	case SADB_EXT_ADDRESS_DST:
	case SADB_EXT_ADDRESS_PROXY:
	case SADB_X_EXT_NAT_T_OAI:
	case SADB_X_EXT_NAT_T_OAR:
	case SADB_X_EXT_NEW_ADDRESS_SRC:
	case SADB_X_EXT_NEW_ADDRESS_DST:
		return true;
	default:
		return false;
	}
}

/*
 * Checks that the sockaddr after base bytes fills the rest of the
 * extension, as key_validate_ext() requires: base + PFKEY_ALIGN8(sa_len)
 * == len.  Its family and length byte are checked later, in
 * check_addresses(), as key_parse() does after the satype.
 */
static int
check_ext_sockaddr(struct key_msg *out, const uint8_t *p, size_t base,
    size_t len)
{
	if (len - base < 2 || base + PFKEY_ALIGN8((size_t)p[base]) != len)
		return fail(out, EINVAL,
		    "sockaddr does not fill its extension");
	return 0;
}

static int
check_identity(struct key_msg *out, const uint8_t *p, size_t len)
{
	struct sadb_ident ident;

	memcpy(&ident, p, sizeof(ident));
	if (ident.sadb_ident_type == SADB_X_IDENTTYPE_ADDR)
		return check_ext_sockaddr(out, p, sizeof(ident), len);
	if (len > sizeof(ident) &&
	    memchr(p + sizeof(ident), '\0', len - sizeof(ident)) == NULL)
		return fail(out, EINVAL, "identity string not terminated");
	return 0;
}

static int
check_key(struct key_msg *out, const uint8_t *p, size_t len)
{
	struct sadb_key key;

	memcpy(&key, p, sizeof(key));
	if (sizeof(key) + ((size_t)key.sadb_key_bits + 7) / 8 > len)
		return fail(out, EINVAL, "key bits exceed the extension");
	return 0;
}

static int
check_sensitivity(struct key_msg *out, const uint8_t *p, size_t len)
{
	struct sadb_sens sens;
	size_t words;

	memcpy(&sens, p, sizeof(sens));
	words = (size_t)sens.sadb_sens_sens_len + sens.sadb_sens_integ_len;
	if (sizeof(sens) + words * 8 > len)
		return fail(out, EINVAL, "sensitivity bitmaps exceed the "
		    "extension");
	return 0;
}

static int
check_policy(struct key_msg *out, const uint8_t *p, size_t len)
{
	const char *reason;

	if (key_policy_check((const struct sadb_x_policy *)(const void *)p,
	    len, &reason) == -1)
		return fail(out, errno, reason);
	return 0;
}

/* Applies the size and content rules for one extension of known type. */
static int
check_ext(struct key_msg *out, uint16_t type, const uint8_t *p, size_t len)
{
	if (len < ext_size[type].min)
		return fail(out, EINVAL, "extension too short for its type");
	if (ext_size[type].max != 0 && len != ext_size[type].max)
		return fail(out, EINVAL, "extension has the wrong size for its "
		    "type");
	if (is_address_type(type))
		return check_ext_sockaddr(out, p, sizeof(struct sadb_address),
		    len);
	switch (type) {
	case SADB_EXT_KEY_AUTH:
	case SADB_EXT_KEY_ENCRYPT:
		return check_key(out, p, len);
	case SADB_EXT_IDENTITY_SRC:
	case SADB_EXT_IDENTITY_DST:
		return check_identity(out, p, len);
	case SADB_EXT_SENSITIVITY:
		return check_sensitivity(out, p, len);
	case SADB_EXT_PROPOSAL:
		if ((len - sizeof(struct sadb_prop)) %
		    sizeof(struct sadb_comb) != 0)
			return fail(out, EINVAL, "proposal holds a partial "
			    "sadb_comb");
		return 0;
	case SADB_EXT_SUPPORTED_AUTH:
	case SADB_EXT_SUPPORTED_ENCRYPT:
		if ((len - sizeof(struct sadb_supported)) %
		    sizeof(struct sadb_alg) != 0)
			return fail(out, EINVAL, "supported list holds a "
			    "partial sadb_alg");
		return 0;
	case SADB_X_EXT_POLICY:
		return check_policy(out, p, len);
	default:
		return 0;
	}
}

static bool
is_private_type(uint8_t type)
{
	return type >= SADB_X_IF_CREATE && type <= SADB_X_IF_CAPTURE;
}

/*
 * Accepts a private extension in a private message.  It needs only a
 * header; key_msg_parse() does not index it, so its reader checks the
 * rest.
 */
static bool
is_private_ext(const uint8_t *buf, uint16_t exttype)
{
	return is_private_type(buf[1]) && exttype >= SADB_X_EXT_IF_FIRST &&
	    exttype <= SADB_X_EXT_IF_LAST;
}

static int
split_exts(struct key_msg *out, const uint8_t *buf, size_t len)
{
	struct sadb_ext ext;
	size_t off, extlen;

	for (off = sizeof(struct sadb_msg); off < len; off += extlen) {
		if (len - off < sizeof(ext))
			return fail(out, EINVAL, "truncated extension header");
		memcpy(&ext, buf + off, sizeof(ext));
		extlen = PFKEY_UNUNIT64(ext.sadb_ext_len);
		if (extlen == 0)
			return fail(out, EINVAL, "extension length is zero");
		if (extlen > len - off)
			return fail(out, EINVAL, "extension extends past the "
			    "end of the message");
		if (is_private_ext(buf, ext.sadb_ext_type))
			continue;
		if (ext.sadb_ext_type == SADB_EXT_RESERVED ||
		    ext.sadb_ext_type > SADB_EXT_MAX ||
		    ext.sadb_ext_type == SADB_X_EXT_KMPRIVATE)
			return fail(out, EINVAL, "unknown extension type");
		if (out->ext[ext.sadb_ext_type] != NULL)
			return fail(out, EINVAL, "duplicate extension");
		if (check_ext(out, ext.sadb_ext_type, buf + off, extlen) == -1)
			return -1;
		out->ext[ext.sadb_ext_type] =
		    (const struct sadb_ext *)(const void *)(buf + off);
	}
	return 0;
}

/* Checks that SRC and DST agree, as key_parse() does when both exist. */
static int
check_src_dst(struct key_msg *out)
{
	struct sadb_address src, dst;
	const uint8_t *s, *d;

	s = (const uint8_t *)out->ext[SADB_EXT_ADDRESS_SRC];
	d = (const uint8_t *)out->ext[SADB_EXT_ADDRESS_DST];
	if (s == NULL || d == NULL)
		return 0;
	memcpy(&src, s, sizeof(src));
	memcpy(&dst, d, sizeof(dst));
	if (src.sadb_address_proto != dst.sadb_address_proto)
		return fail(out, EINVAL, "upper-layer protocol of source and "
		    "destination differs");
	if (s[sizeof(src) + 1] != d[sizeof(dst) + 1])
		return fail(out, EINVAL, "address family of source and "
		    "destination differs");
	if (s[sizeof(src)] != d[sizeof(dst)])
		return fail(out, EINVAL, "sockaddr length of source and "
		    "destination differs");
	return 0;
}

/* Checks the family, sockaddr length and prefix length of every address. */
static int
check_addresses(struct key_msg *out)
{
	struct sadb_address addr;
	const char *reason;
	const uint8_t *p;
	uint16_t type;

	if (check_src_dst(out) == -1)
		return -1;
	for (type = 1; type <= SADB_EXT_MAX; type++) {
		p = (const uint8_t *)out->ext[type];
		if (p == NULL || !is_address_type(type))
			continue;
		memcpy(&addr, p, sizeof(addr));
		if (key_bsd_check(p + sizeof(addr),
		    PFKEY_UNUNIT64(addr.sadb_address_len) - sizeof(addr),
		    &reason) == -1)
			return fail(out, errno, reason);
		if (addr.sadb_address_prefixlen >
		    key_bsd_bits(p[sizeof(addr) + 1]))
			return fail(out, EINVAL, "prefix length too large");
	}
	return 0;
}

static bool
is_sa_message(uint8_t type)
{
	switch (type) {
	case SADB_GETSPI:
	case SADB_UPDATE:
	case SADB_ADD:
	case SADB_DELETE:
	case SADB_GET:
	case SADB_ACQUIRE:
	case SADB_EXPIRE:
		return true;
	default:
		return false;
	}
}

static bool
is_spd_message(uint8_t type)
{
	return type >= SADB_X_SPDUPDATE && type <= SADB_X_SPDDELETE2;
}

/* Checks sadb_msg_satype against the message type. */
static int
check_satype(struct key_msg *out, uint8_t type, uint8_t satype)
{
	if (type == SADB_X_SPDDUMP) {
		/* SPDDUMP carries a policy scope mask instead of an satype. */
		switch (satype) {
		case IPSEC_POLICYSCOPE_ANY:
		case IPSEC_POLICYSCOPE_GLOBAL:
		case IPSEC_POLICYSCOPE_IFNET:
		case IPSEC_POLICYSCOPE_PCB:
			return 0;
		default:
			return fail(out, EINVAL,
			    "invalid scope mask in SPDDUMP");
		}
	}
	switch (satype) {
	case SADB_SATYPE_UNSPEC:
		if (is_sa_message(type))
			return fail(out, EINVAL, "message type requires an "
			    "satype");
		return 0;
	case SADB_SATYPE_AH:
	case SADB_SATYPE_ESP:
	case SADB_X_SATYPE_IPCOMP:
	case SADB_X_SATYPE_TCPSIGNATURE:
		if (is_spd_message(type))
			return fail(out, EINVAL, "SA type given with a policy "
			    "message");
		return 0;
	case SADB_SATYPE_RSVP:
	case SADB_SATYPE_OSPFV2:
	case SADB_SATYPE_RIPV2:
	case SADB_SATYPE_MIP:
		return fail(out, EOPNOTSUPP, "unsupported satype");
	case 1:
		/* FreeBSD lets satype 1 through for SADB_X_PROMISC only. */
		if (type == SADB_X_PROMISC)
			return 0;
		return fail(out, EINVAL, "invalid satype");
	default:
		return fail(out, EINVAL, "invalid satype");
	}
}

static bool
is_known_type(uint8_t type)
{
	if (is_private_type(type))
		return true;
	return type != SADB_RESERVED && type <= SADB_MAX;
}

int
key_msg_parse(struct key_msg *out, const void *buf, size_t len)
{
	struct sadb_msg msg;

	memset(out, 0, sizeof(*out));
	if (buf == NULL || len < sizeof(msg))
		return fail(out, EINVAL, "message shorter than its header");
	memcpy(&msg, buf, sizeof(msg));
	if (PFKEY_UNUNIT64(msg.sadb_msg_len) != len)
		return fail(out, EINVAL, "sadb_msg_len does not match the "
		    "message length");
	if (msg.sadb_msg_version != PF_KEY_V2)
		return fail(out, EINVAL, "version is not PF_KEY_V2");
	if (!is_known_type(msg.sadb_msg_type))
		return fail(out, EINVAL, "invalid message type");
	/* The order of the checks below decides the errno, as in FreeBSD. */
	if (split_exts(out, buf, len) == -1 ||
	    check_satype(out, msg.sadb_msg_type, msg.sadb_msg_satype) == -1 ||
	    check_addresses(out) == -1) {
		memset(out->ext, 0, sizeof(out->ext));
		return -1;
	}
	out->base = buf;
	out->len = len;
	return 0;
}

int
key_msg_address(const struct key_msg *m, uint16_t exttype,
    struct sockaddr_storage *sa, uint8_t *prefixlen, uint8_t *proto)
{
	struct sadb_address addr;
	const uint8_t *p;

	if (exttype > SADB_EXT_MAX || !is_address_type(exttype)) {
		errno = EINVAL;
		return -1;
	}
	if ((p = (const uint8_t *)m->ext[exttype]) == NULL) {
		errno = ENOENT;
		return -1;
	}
	memcpy(&addr, p, sizeof(addr));
	if (sa != NULL && key_sockaddr_from_bsd(p + sizeof(addr),
	    PFKEY_UNUNIT64(addr.sadb_address_len) - sizeof(addr), sa) == -1)
		return -1;
	if (prefixlen != NULL)
		*prefixlen = addr.sadb_address_prefixlen;
	if (proto != NULL)
		*proto = addr.sadb_address_proto;
	return 0;
}

const uint8_t *
key_msg_key(const struct key_msg *m, uint16_t exttype, unsigned int *bits)
{
	struct sadb_key key;
	const uint8_t *p;

	if (exttype != SADB_EXT_KEY_AUTH && exttype != SADB_EXT_KEY_ENCRYPT) {
		errno = EINVAL;
		return NULL;
	}
	if ((p = (const uint8_t *)m->ext[exttype]) == NULL) {
		errno = ENOENT;
		return NULL;
	}
	memcpy(&key, p, sizeof(key));
	if (bits != NULL)
		*bits = key.sadb_key_bits;
	return p + sizeof(key);
}

uint8_t
key_satype_to_proto(uint8_t satype)
{
	switch (satype) {
	case SADB_SATYPE_AH:
		return IPSEC_PROTO_AH;
	case SADB_SATYPE_ESP:
		return IPSEC_PROTO_ESP;
	case SADB_X_SATYPE_IPCOMP:
		return IPSEC_PROTO_IPCOMP;
	case SADB_X_SATYPE_TCPSIGNATURE:
		return IPPROTO_TCP;
	default:
		return 0;
	}
}

uint8_t
key_proto_to_satype(uint8_t proto)
{
	switch (proto) {
	case IPSEC_PROTO_AH:
		return SADB_SATYPE_AH;
	case IPSEC_PROTO_ESP:
		return SADB_SATYPE_ESP;
	case IPSEC_PROTO_IPCOMP:
		return SADB_X_SATYPE_IPCOMP;
	case IPPROTO_TCP:
		return SADB_X_SATYPE_TCPSIGNATURE;
	default:
		return 0;
	}
}
