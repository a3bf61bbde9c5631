/*
 * key_msg_parse(): one test case per validation rule of FreeBSD's
 * key_parse(), key_align() and key_validate_ext().  Messages are written
 * byte by byte here, not with libkey's builder, so that malformed ones
 * can be made.
 */

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <atf-c.h>

#include "libkey.h"

struct raw {
	uint8_t b[2048];
	size_t len;
};

static void
put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static void
raw_begin(struct raw *r, uint8_t type, uint8_t satype)
{
	memset(r, 0, sizeof(*r));
	r->b[0] = PF_KEY_V2;
	r->b[1] = type;
	r->b[3] = satype;
	r->len = 16;
}

/* Appends an extension of bytes bytes (header included) of type type. */
static uint8_t *
raw_ext(struct raw *r, uint16_t type, size_t bytes)
{
	uint8_t *p = r->b + r->len;

	ATF_REQUIRE(r->len + bytes <= sizeof(r->b));
	put16(p, (uint16_t)(bytes / 8));
	put16(p + 2, type);
	r->len += bytes;
	return p;
}

/* Sets sadb_msg_len from the bytes written. */
static void
raw_end(struct raw *r)
{
	put16(r->b + 4, (uint16_t)(r->len / 8));
}

/* Writes a BSD sockaddr of the given length byte and family at p. */
static void
put_sockaddr(uint8_t *p, uint8_t salen, uint8_t family, uint8_t last)
{
	p[0] = salen;
	p[1] = family;
	if (family == KEY_AF_INET) {
		p[4] = 192;
		p[5] = 0;
		p[6] = 2;
		p[7] = last;
	} else if (family == KEY_AF_INET6) {
		p[8] = 0x20;
		p[9] = 0x01;
		p[10] = 0x0d;
		p[11] = 0xb8;
		p[23] = last;
	}
}

static uint8_t *
raw_addr(struct raw *r, uint16_t type, uint8_t proto, uint8_t plen,
    uint8_t family, uint8_t salen, uint8_t last)
{
	uint8_t *p = raw_ext(r, type, 8 + ((salen + 7u) & ~7u));

	p[4] = proto;
	p[5] = plen;
	put_sockaddr(p + 8, salen, family, last);
	return p;
}

static uint8_t *
raw_sa(struct raw *r)
{
	uint8_t *p = raw_ext(r, SADB_EXT_SA, 16);

	p[6] = 0x27;		/* spi 10000 */
	p[7] = 0x10;
	p[11] = SADB_X_EALG_AESCBC;
	return p;
}

/* A valid ESP SADB_GET for 192.0.2.3 -> 192.0.2.5. */
static void
raw_get(struct raw *r)
{
	raw_begin(r, SADB_GET, SADB_SATYPE_ESP);
	raw_sa(r);
	raw_addr(r, SADB_EXT_ADDRESS_SRC, 255, 32, KEY_AF_INET, 16, 3);
	raw_addr(r, SADB_EXT_ADDRESS_DST, 255, 32, KEY_AF_INET, 16, 5);
}

#define expect_accept(r)	accept_at(__LINE__, r)
#define expect_reject(r, e)	reject_at(__LINE__, r, e)

static void
accept_at(int line, struct raw *r)
{
	struct key_msg m;
	int rc;

	rc = key_msg_parse(&m, r->b, r->len);
	ATF_CHECK_MSG(rc == 0, "line %d: rejected: %s", line,
	    m.reason != NULL ? m.reason : "(no reason)");
	if (rc == 0) {
		ATF_CHECK_EQ(m.len, r->len);
		ATF_CHECK(m.base == (const void *)r->b);
	}
}

static void
reject_at(int line, struct raw *r, int err)
{
	struct key_msg m;
	int rc;

	errno = 0;
	rc = key_msg_parse(&m, r->b, r->len);
	ATF_CHECK_MSG(rc == -1, "line %d: accepted", line);
	if (rc != -1)
		return;
	ATF_CHECK_MSG(errno == err, "line %d: errno %d (%s), expected %d",
	    line, errno, strerror(errno), err);
	ATF_CHECK_MSG(m.reason != NULL && m.reason[0] != '\0',
	    "line %d: no reason", line);
}

ATF_TC_WITHOUT_HEAD(valid_get);
ATF_TC_BODY(valid_get, tc)
{
	struct raw r;

	raw_get(&r);
	raw_end(&r);
	expect_accept(&r);

	/* A bare header is a whole message too. */
	raw_begin(&r, SADB_FLUSH, SADB_SATYPE_UNSPEC);
	raw_end(&r);
	expect_accept(&r);
}

ATF_TC_WITHOUT_HEAD(short_header);
ATF_TC_BODY(short_header, tc)
{
	struct raw r;
	struct key_msg m;

	raw_begin(&r, SADB_FLUSH, 0);
	put16(r.b + 4, 1);
	r.len = 8;
	expect_reject(&r, EINVAL);
	r.len = 15;
	expect_reject(&r, EINVAL);
	ATF_CHECK_EQ(key_msg_parse(&m, NULL, 16), -1);
	ATF_CHECK_EQ(errno, EINVAL);
}

ATF_TC_WITHOUT_HEAD(length_mismatch);
ATF_TC_BODY(length_mismatch, tc)
{
	struct raw r;

	raw_get(&r);
	raw_end(&r);
	put16(r.b + 4, (uint16_t)(r.len / 8 + 1));
	expect_reject(&r, EINVAL);
	put16(r.b + 4, (uint16_t)(r.len / 8 - 1));
	expect_reject(&r, EINVAL);

	/* A buffer that is not a multiple of 8 cannot match either. */
	raw_get(&r);
	raw_end(&r);
	r.len += 4;
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(bad_version);
ATF_TC_BODY(bad_version, tc)
{
	struct raw r;

	raw_get(&r);
	raw_end(&r);
	r.b[0] = 1;
	expect_reject(&r, EINVAL);
	r.b[0] = 3;
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(bad_message_type);
ATF_TC_BODY(bad_message_type, tc)
{
	static const uint8_t bad[] = { 0, 23, 100, 239, 249, 255 };
	struct raw r;
	size_t i;
	int t;

	for (i = 0; i < sizeof(bad); i++) {
		raw_begin(&r, bad[i], 0);
		raw_end(&r);
		expect_reject(&r, EINVAL);
	}
	/* The private interface requests 240..248 are accepted. */
	for (t = SADB_X_IF_CREATE; t <= SADB_X_IF_CAPTURE; t++) {
		raw_begin(&r, (uint8_t)t, 0);
		raw_end(&r);
		expect_accept(&r);
	}
	raw_begin(&r, SADB_MAX, 0);
	raw_end(&r);
	expect_accept(&r);
}

ATF_TC_WITHOUT_HEAD(zero_length_ext);
ATF_TC_BODY(zero_length_ext, tc)
{
	struct raw r;
	uint8_t *p;

	raw_begin(&r, SADB_FLUSH, 0);
	p = raw_ext(&r, SADB_X_EXT_SA_REPLAY, 8);
	put16(p, 0);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(ext_beyond_end);
ATF_TC_BODY(ext_beyond_end, tc)
{
	struct raw r;
	uint8_t *p;

	raw_begin(&r, SADB_FLUSH, 0);
	p = raw_ext(&r, SADB_X_EXT_SA_REPLAY, 8);
	put16(p, 2);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	raw_get(&r);
	p = raw_ext(&r, SADB_EXT_LIFETIME_HARD, 32);
	put16(p, 0xffff);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(duplicate_ext);
ATF_TC_BODY(duplicate_ext, tc)
{
	struct raw r;

	raw_get(&r);
	raw_sa(&r);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	raw_get(&r);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 32, KEY_AF_INET, 16, 7);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(unknown_ext_type);
ATF_TC_BODY(unknown_ext_type, tc)
{
	static const uint16_t bad[] = {
		SADB_EXT_RESERVED, SADB_X_EXT_KMPRIVATE, 29, 30, 31, 0x100,
		0xffff
	};
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		raw_get(&r);
		raw_ext(&r, bad[i], 8);
		raw_end(&r);
		expect_reject(&r, EINVAL);
	}
}

ATF_TC_WITHOUT_HEAD(ext_too_short);
ATF_TC_BODY(ext_too_short, tc)
{
	static const struct {
		uint16_t type;
		size_t bytes;
	} bad[] = {
		{ SADB_EXT_SA, 8 },
		{ SADB_EXT_SA, 24 },		/* fixed size 16 */
		{ SADB_EXT_LIFETIME_CURRENT, 24 },
		{ SADB_EXT_LIFETIME_SOFT, 40 },
		{ SADB_EXT_IDENTITY_SRC, 8 },
		{ SADB_EXT_SENSITIVITY, 8 },
		{ SADB_EXT_SPIRANGE, 8 },
		{ SADB_X_EXT_SA2, 8 },
		{ SADB_X_EXT_NAT_T_TYPE, 16 },
		{ SADB_X_EXT_SA_REPLAY, 16 },
		{ SADB_EXT_ADDRESS_PROXY, 8 },	/* no room for a sockaddr */
	};
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		raw_begin(&r, SADB_FLUSH, 0);
		raw_ext(&r, bad[i].type, bad[i].bytes);
		raw_end(&r);
		expect_reject(&r, EINVAL);
	}
}

ATF_TC_WITHOUT_HEAD(bad_sockaddr_len);
ATF_TC_BODY(bad_sockaddr_len, tc)
{
	struct raw r;
	uint8_t *p;

	/* sa_len 15 for AF_INET. */
	raw_begin(&r, SADB_GET, SADB_SATYPE_ESP);
	raw_sa(&r);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 32, KEY_AF_INET, 15, 3);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* sa_len 28 with AF_INET, and 16 with AF_INET6. */
	raw_begin(&r, SADB_FLUSH, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_PROXY, 255, 32, KEY_AF_INET, 28, 3);
	raw_end(&r);
	expect_reject(&r, EINVAL);
	raw_begin(&r, SADB_FLUSH, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_PROXY, 255, 64, KEY_AF_INET6, 16, 3);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* An IPv6 sockaddr in an extension sized for IPv4. */
	raw_begin(&r, SADB_FLUSH, 0);
	p = raw_addr(&r, SADB_X_EXT_NAT_T_OAI, 0, 32, KEY_AF_INET, 16, 3);
	p[8] = 28;
	p[9] = KEY_AF_INET6;
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* Extra room after the sockaddr: FreeBSD wants an exact fit. */
	raw_begin(&r, SADB_FLUSH, 0);
	p = raw_ext(&r, SADB_X_EXT_NEW_ADDRESS_SRC, 32);
	put_sockaddr(p + 8, 16, KEY_AF_INET, 3);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(bad_family);
ATF_TC_BODY(bad_family, tc)
{
	static const uint8_t bad[] = { 0, 1, 10, 17, 24, 255 };
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(bad); i++) {
		raw_begin(&r, SADB_GET, SADB_SATYPE_ESP);
		raw_sa(&r);
		raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 32, bad[i], 16, 3);
		raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 32, bad[i], 16, 5);
		raw_end(&r);
		expect_reject(&r, EAFNOSUPPORT);
	}
}

ATF_TC_WITHOUT_HEAD(prefixlen_too_big);
ATF_TC_BODY(prefixlen_too_big, tc)
{
	struct raw r;

	raw_begin(&r, SADB_X_SPDADD, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 33, KEY_AF_INET, 16, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 24, KEY_AF_INET, 16, 5);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	raw_begin(&r, SADB_X_SPDADD, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 128, KEY_AF_INET6, 28, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 129, KEY_AF_INET6, 28, 5);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* The full lengths and 0 are fine. */
	raw_begin(&r, SADB_X_SPDADD, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 128, KEY_AF_INET6, 28, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 0, KEY_AF_INET6, 28, 5);
	raw_end(&r);
	expect_accept(&r);
	raw_begin(&r, SADB_X_SPDADD, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 32, KEY_AF_INET, 16, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 0, KEY_AF_INET, 16, 5);
	raw_end(&r);
	expect_accept(&r);
}

ATF_TC_WITHOUT_HEAD(src_dst_family_mismatch);
ATF_TC_BODY(src_dst_family_mismatch, tc)
{
	struct raw r;

	raw_begin(&r, SADB_GET, SADB_SATYPE_ESP);
	raw_sa(&r);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 32, KEY_AF_INET, 16, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 128, KEY_AF_INET6, 28, 5);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(src_dst_proto_mismatch);
ATF_TC_BODY(src_dst_proto_mismatch, tc)
{
	struct raw r;

	raw_begin(&r, SADB_X_SPDADD, 0);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 6, 32, KEY_AF_INET, 16, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 17, 32, KEY_AF_INET, 16, 5);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(satype_required);
ATF_TC_BODY(satype_required, tc)
{
	static const uint8_t need[] = {
		SADB_GETSPI, SADB_UPDATE, SADB_ADD, SADB_DELETE, SADB_GET,
		SADB_ACQUIRE, SADB_EXPIRE
	};
	static const uint8_t optional[] = {
		SADB_REGISTER, SADB_FLUSH, SADB_DUMP, SADB_X_SPDADD,
		SADB_X_SPDFLUSH, SADB_X_SPDDUMP
	};
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(need); i++) {
		raw_begin(&r, need[i], SADB_SATYPE_UNSPEC);
		raw_end(&r);
		expect_reject(&r, EINVAL);
		raw_begin(&r, need[i], SADB_SATYPE_ESP);
		raw_end(&r);
		expect_accept(&r);
	}
	for (i = 0; i < sizeof(optional); i++) {
		raw_begin(&r, optional[i], SADB_SATYPE_UNSPEC);
		raw_end(&r);
		expect_accept(&r);
	}
}

ATF_TC_WITHOUT_HEAD(sa_satype_with_spd);
ATF_TC_BODY(sa_satype_with_spd, tc)
{
	static const uint8_t satypes[] = {
		SADB_SATYPE_AH, SADB_SATYPE_ESP, SADB_X_SATYPE_IPCOMP,
		SADB_X_SATYPE_TCPSIGNATURE
	};
	struct raw r;
	size_t i;
	int t;

	for (t = SADB_X_SPDUPDATE; t <= SADB_X_SPDDELETE2; t++) {
		if (t == SADB_X_SPDDUMP)
			continue;
		for (i = 0; i < sizeof(satypes); i++) {
			raw_begin(&r, (uint8_t)t, satypes[i]);
			raw_end(&r);
			expect_reject(&r, EINVAL);
		}
	}
}

ATF_TC_WITHOUT_HEAD(spddump_scope_mask);
ATF_TC_BODY(spddump_scope_mask, tc)
{
	static const uint8_t good[] = { 0, 1, 2, 4 };
	static const uint8_t bad[] = { 3, 5, 6, 7, 8, 9, 11, 255 };
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(good); i++) {
		raw_begin(&r, SADB_X_SPDDUMP, good[i]);
		raw_end(&r);
		expect_accept(&r);
	}
	for (i = 0; i < sizeof(bad); i++) {
		raw_begin(&r, SADB_X_SPDDUMP, bad[i]);
		raw_end(&r);
		expect_reject(&r, EINVAL);
	}
}

ATF_TC_WITHOUT_HEAD(unsupported_satype);
ATF_TC_BODY(unsupported_satype, tc)
{
	static const uint8_t satypes[] = {
		SADB_SATYPE_RSVP, SADB_SATYPE_OSPFV2, SADB_SATYPE_RIPV2,
		SADB_SATYPE_MIP
	};
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(satypes); i++) {
		raw_begin(&r, SADB_ADD, satypes[i]);
		raw_end(&r);
		expect_reject(&r, EOPNOTSUPP);
		raw_begin(&r, SADB_FLUSH, satypes[i]);
		raw_end(&r);
		expect_reject(&r, EOPNOTSUPP);
	}
}

ATF_TC_WITHOUT_HEAD(invalid_satype);
ATF_TC_BODY(invalid_satype, tc)
{
	static const uint8_t satypes[] = { 1, 4, 10, 12, 13, 200, 255 };
	struct raw r;
	size_t i;

	for (i = 0; i < sizeof(satypes); i++) {
		raw_begin(&r, SADB_FLUSH, satypes[i]);
		raw_end(&r);
		expect_reject(&r, EINVAL);
	}
	/* FreeBSD lets satype 1 through with SADB_X_PROMISC. */
	raw_begin(&r, SADB_X_PROMISC, 1);
	raw_end(&r);
	expect_accept(&r);
}

/*
 * FreeBSD checks extension framing before the satype, and the satype
 * before address families, so a message with several faults gets the
 * errno of the first of those checks.
 */
ATF_TC_WITHOUT_HEAD(check_order);
ATF_TC_BODY(check_order, tc)
{
	struct raw r;

	/* Unsupported satype and a duplicate extension: framing first. */
	raw_begin(&r, SADB_ADD, SADB_SATYPE_RSVP);
	raw_sa(&r);
	raw_sa(&r);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* Unsupported satype and an unknown family: satype first. */
	raw_begin(&r, SADB_ADD, SADB_SATYPE_RSVP);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 32, 10, 16, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 32, 10, 16, 5);
	raw_end(&r);
	expect_reject(&r, EOPNOTSUPP);

	/* Families that differ and one unknown: the mismatch first. */
	raw_begin(&r, SADB_ADD, SADB_SATYPE_ESP);
	raw_addr(&r, SADB_EXT_ADDRESS_SRC, 255, 32, KEY_AF_INET, 16, 3);
	raw_addr(&r, SADB_EXT_ADDRESS_DST, 255, 32, 10, 16, 5);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(key_bits_exceed_ext);
ATF_TC_BODY(key_bits_exceed_ext, tc)
{
	struct raw r;
	uint8_t *p;

	raw_get(&r);
	p = raw_ext(&r, SADB_EXT_KEY_ENCRYPT, 16);
	put16(p + 4, 65);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	raw_get(&r);
	p = raw_ext(&r, SADB_EXT_KEY_AUTH, 16);
	put16(p + 4, 64);
	raw_end(&r);
	expect_accept(&r);
}

ATF_TC_WITHOUT_HEAD(identity_string);
ATF_TC_BODY(identity_string, tc)
{
	struct raw r;
	uint8_t *p;

	/* Eight characters and no NUL. */
	raw_get(&r);
	p = raw_ext(&r, SADB_EXT_IDENTITY_SRC, 24);
	put16(p + 4, SADB_IDENTTYPE_FQDN);
	memcpy(p + 16, "abcdefgh", 8);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	raw_get(&r);
	p = raw_ext(&r, SADB_EXT_IDENTITY_SRC, 24);
	put16(p + 4, SADB_IDENTTYPE_FQDN);
	memcpy(p + 16, "abcdefg", 8);
	raw_end(&r);
	expect_accept(&r);

	/* An address identity carries a sockaddr that must fit exactly. */
	raw_get(&r);
	p = raw_ext(&r, SADB_EXT_IDENTITY_DST, 32);
	put16(p + 4, SADB_X_IDENTTYPE_ADDR);
	put_sockaddr(p + 16, 16, KEY_AF_INET, 9);
	raw_end(&r);
	expect_accept(&r);
	p[16] = 28;
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(sensitivity_bitmaps);
ATF_TC_BODY(sensitivity_bitmaps, tc)
{
	struct raw r;
	uint8_t *p;

	raw_begin(&r, SADB_FLUSH, 0);
	p = raw_ext(&r, SADB_EXT_SENSITIVITY, 32);
	p[9] = 1;	/* sens_len */
	p[11] = 1;	/* integ_len */
	raw_end(&r);
	expect_accept(&r);
	p[11] = 2;
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(proposal_partial_comb);
ATF_TC_BODY(proposal_partial_comb, tc)
{
	struct raw r;

	raw_begin(&r, SADB_ACQUIRE, SADB_SATYPE_ESP);
	raw_ext(&r, SADB_EXT_PROPOSAL, 8 + 72);
	raw_end(&r);
	expect_accept(&r);

	raw_begin(&r, SADB_ACQUIRE, SADB_SATYPE_ESP);
	raw_ext(&r, SADB_EXT_PROPOSAL, 8 + 72 + 8);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	raw_begin(&r, SADB_REGISTER, SADB_SATYPE_ESP);
	raw_ext(&r, SADB_EXT_SUPPORTED_ENCRYPT, 8 + 3 * 8);
	raw_ext(&r, SADB_EXT_SUPPORTED_AUTH, 8);
	raw_end(&r);
	expect_accept(&r);
}

/*
 * Appends an X_POLICY extension with a request area of reqlen bytes and
 * returns a pointer to that area.
 */
static uint8_t *
raw_policy(struct raw *r, size_t reqlen)
{
	uint8_t *p;

	raw_begin(r, SADB_X_SPDADD, 0);
	raw_addr(r, SADB_EXT_ADDRESS_SRC, 255, 24, KEY_AF_INET, 16, 0);
	raw_addr(r, SADB_EXT_ADDRESS_DST, 255, 24, KEY_AF_INET, 16, 0);
	p = raw_ext(r, SADB_X_EXT_POLICY, 16 + reqlen);
	put16(p + 4, IPSEC_POLICY_IPSEC);
	p[6] = IPSEC_DIR_OUTBOUND;
	return p + 16;
}

static void
put_request(uint8_t *p, uint16_t len, uint16_t proto, uint8_t mode,
    uint8_t level)
{
	put16(p, len);
	put16(p + 2, proto);
	p[4] = mode;
	p[5] = level;
}

/* A tunnel request with two IPv4 endpoints: 40 bytes. */
static void
put_tunnel4(uint8_t *p)
{
	put_request(p, 40, IPSEC_PROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_UNIQUE);
	put_sockaddr(p + 8, 16, KEY_AF_INET, 3);
	put_sockaddr(p + 24, 16, KEY_AF_INET, 5);
}

ATF_TC_WITHOUT_HEAD(policy_valid);
ATF_TC_BODY(policy_valid, tc)
{
	struct raw r;
	uint8_t *q;

	q = raw_policy(&r, 40 + 8);
	put_tunnel4(q);
	put_request(q + 40, 8, IPSEC_PROTO_AH, IPSEC_MODE_TRANSPORT,
	    IPSEC_LEVEL_REQUIRE);
	raw_end(&r);
	expect_accept(&r);

	/* Mode any, TCP for TCP-MD5, and a policy with no request. */
	q = raw_policy(&r, 8);
	put_request(q, 8, 6, IPSEC_MODE_ANY, IPSEC_LEVEL_DEFAULT);
	raw_end(&r);
	expect_accept(&r);
	raw_policy(&r, 0);
	raw_end(&r);
	expect_accept(&r);
}

ATF_TC_WITHOUT_HEAD(policy_shorter_than_header);
ATF_TC_BODY(policy_shorter_than_header, tc)
{
	struct raw r;

	raw_begin(&r, SADB_X_SPDDELETE2, 0);
	raw_ext(&r, SADB_X_EXT_POLICY, 8);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(ipsecrequest_len_short);
ATF_TC_BODY(ipsecrequest_len_short, tc)
{
	struct raw r;
	uint8_t *q;

	q = raw_policy(&r, 8);
	put_request(q, 4, IPSEC_PROTO_ESP, IPSEC_MODE_TRANSPORT, 0);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	q = raw_policy(&r, 8);
	put_request(q, 0, IPSEC_PROTO_ESP, IPSEC_MODE_TRANSPORT, 0);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(ipsecrequest_len_beyond);
ATF_TC_BODY(ipsecrequest_len_beyond, tc)
{
	struct raw r;
	uint8_t *q;

	q = raw_policy(&r, 40);
	put_tunnel4(q);
	put16(q, 48);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* Addresses that do not fit in the request's own length. */
	q = raw_policy(&r, 40);
	put_tunnel4(q);
	put16(q, 32);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(tunnel_request_no_addrs);
ATF_TC_BODY(tunnel_request_no_addrs, tc)
{
	struct raw r;
	uint8_t *q;

	q = raw_policy(&r, 8);
	put_request(q, 8, IPSEC_PROTO_ESP, IPSEC_MODE_TUNNEL,
	    IPSEC_LEVEL_REQUIRE);
	raw_end(&r);
	expect_reject(&r, EINVAL);
}

ATF_TC_WITHOUT_HEAD(ipsecrequest_bad_fields);
ATF_TC_BODY(ipsecrequest_bad_fields, tc)
{
	struct raw r;
	uint8_t *q;

	/* An unknown protocol, such as UDP, as FreeBSD's key_msg2sp(). */
	q = raw_policy(&r, 8);
	put_request(q, 8, 17, IPSEC_MODE_TRANSPORT, 0);
	raw_end(&r);
	expect_reject(&r, EPROTONOSUPPORT);

	q = raw_policy(&r, 8);
	put_request(q, 8, IPSEC_PROTO_ESP, IPSEC_MODE_TCPMD5, 0);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	q = raw_policy(&r, 8);
	put_request(q, 8, IPSEC_PROTO_ESP, IPSEC_MODE_TRANSPORT, 4);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* Tunnel endpoints of different families. */
	q = raw_policy(&r, 8 + 16 + 32);
	put_request(q, 8 + 16 + 28, IPSEC_PROTO_ESP, IPSEC_MODE_TUNNEL, 0);
	put_sockaddr(q + 8, 16, KEY_AF_INET, 3);
	put_sockaddr(q + 24, 28, KEY_AF_INET6, 5);
	raw_end(&r);
	expect_reject(&r, EINVAL);

	/* A tunnel endpoint of an unknown family. */
	q = raw_policy(&r, 40);
	put_tunnel4(q);
	q[25] = 10;
	raw_end(&r);
	expect_reject(&r, EAFNOSUPPORT);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, valid_get);
	ATF_TP_ADD_TC(tp, short_header);
	ATF_TP_ADD_TC(tp, length_mismatch);
	ATF_TP_ADD_TC(tp, bad_version);
	ATF_TP_ADD_TC(tp, bad_message_type);
	ATF_TP_ADD_TC(tp, zero_length_ext);
	ATF_TP_ADD_TC(tp, ext_beyond_end);
	ATF_TP_ADD_TC(tp, duplicate_ext);
	ATF_TP_ADD_TC(tp, unknown_ext_type);
	ATF_TP_ADD_TC(tp, ext_too_short);
	ATF_TP_ADD_TC(tp, bad_sockaddr_len);
	ATF_TP_ADD_TC(tp, bad_family);
	ATF_TP_ADD_TC(tp, prefixlen_too_big);
	ATF_TP_ADD_TC(tp, src_dst_family_mismatch);
	ATF_TP_ADD_TC(tp, src_dst_proto_mismatch);
	ATF_TP_ADD_TC(tp, satype_required);
	ATF_TP_ADD_TC(tp, sa_satype_with_spd);
	ATF_TP_ADD_TC(tp, spddump_scope_mask);
	ATF_TP_ADD_TC(tp, unsupported_satype);
	ATF_TP_ADD_TC(tp, invalid_satype);
	ATF_TP_ADD_TC(tp, check_order);
	ATF_TP_ADD_TC(tp, key_bits_exceed_ext);
	ATF_TP_ADD_TC(tp, identity_string);
	ATF_TP_ADD_TC(tp, sensitivity_bitmaps);
	ATF_TP_ADD_TC(tp, proposal_partial_comb);
	ATF_TP_ADD_TC(tp, policy_valid);
	ATF_TP_ADD_TC(tp, policy_shorter_than_header);
	ATF_TP_ADD_TC(tp, ipsecrequest_len_short);
	ATF_TP_ADD_TC(tp, ipsecrequest_len_beyond);
	ATF_TP_ADD_TC(tp, tunnel_request_no_addrs);
	ATF_TP_ADD_TC(tp, ipsecrequest_bad_fields);
	return atf_no_error();
}
