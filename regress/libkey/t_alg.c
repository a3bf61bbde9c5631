/*
 * The algorithm table: names and aliases, ids, sizes and key lengths as
 * FreeBSD 14's setkey and kernel define them.
 */

#include <string.h>

#include <atf-c.h>

#include "libkey.h"

/* Expected table entries, written out from FreeBSD's definitions. */
static const struct expected {
	enum key_alg_kind kind;
	const char *name;
	const char *print_name;
	uint8_t id;
	uint8_t ivlen;
	uint8_t blocklen;
	uint8_t icvlen;
	uint8_t saltlen;
	bool deprecated;
	bool aead;
} expected[] = {
	{ KEY_ALG_ENC, "null", "null", 11, 0, 4, 0, 0, false, false },
	{ KEY_ALG_ENC, "simple", "null", 11, 0, 4, 0, 0, false, false },
	{ KEY_ALG_ENC, "3des-cbc", "3des-cbc", 3, 8, 8, 0, 0, true, false },
	{ KEY_ALG_ENC, "cast128-cbc", "cast128-cbc", 6, 8, 8, 0, 0, true,
	    false },
	{ KEY_ALG_ENC, "blowfish-cbc", "blowfish-cbc", 7, 8, 8, 0, 0, true,
	    false },
	{ KEY_ALG_ENC, "aes-cbc", "aes-cbc", 12, 16, 16, 0, 0, false, false },
	{ KEY_ALG_ENC, "rijndael-cbc", "aes-cbc", 12, 16, 16, 0, 0, false,
	    false },
	{ KEY_ALG_ENC, "aes-ctr", "aes-ctr", 13, 8, 4, 0, 4, false, false },
	{ KEY_ALG_ENC, "chacha20-poly1305", "chacha20-poly1305", 15, 8, 4,
	    16, 4, false, true },
	{ KEY_ALG_ENC, "aes-gcm-16", "aes-gcm-16", 20, 8, 4, 16, 4, false,
	    true },
	{ KEY_ALG_ENC, "camellia-cbc", "camellia-cbc", 22, 16, 16, 0, 0, true,
	    false },
	{ KEY_ALG_AUTH, "null", "null", 251, 0, 0, 12, 0, false, false },
	{ KEY_ALG_AUTH, "hmac-md5", "hmac-md5", 2, 0, 0, 12, 0, true, false },
	{ KEY_ALG_AUTH, "hmac-sha1", "hmac-sha1", 3, 0, 0, 12, 0, false,
	    false },
	{ KEY_ALG_AUTH, "hmac-sha2-256", "hmac-sha2-256", 5, 0, 0, 16, 0,
	    false, false },
	{ KEY_ALG_AUTH, "hmac-sha256", "hmac-sha2-256", 5, 0, 0, 16, 0,
	    false, false },
	{ KEY_ALG_AUTH, "hmac-sha2-384", "hmac-sha2-384", 6, 0, 0, 24, 0,
	    false, false },
	{ KEY_ALG_AUTH, "hmac-sha384", "hmac-sha2-384", 6, 0, 0, 24, 0,
	    false, false },
	{ KEY_ALG_AUTH, "hmac-sha2-512", "hmac-sha2-512", 7, 0, 0, 32, 0,
	    false, false },
	{ KEY_ALG_AUTH, "hmac-sha512", "hmac-sha2-512", 7, 0, 0, 32, 0,
	    false, false },
	{ KEY_ALG_AUTH, "hmac-ripemd160", "hmac-ripemd160", 8, 0, 0, 12, 0,
	    true, false },
	{ KEY_ALG_AUTH, "aes-xcbc-mac", "aes-xcbc-mac", 9, 0, 0, 12, 0, false,
	    false },
	{ KEY_ALG_AUTH, "tcp-md5", "tcp-md5", 252, 0, 0, 0, 0, false, false },
	{ KEY_ALG_COMP, "oui", "oui", 1, 0, 0, 0, 0, false, false },
	{ KEY_ALG_COMP, "deflate", "deflate", 2, 0, 0, 0, 0, false, false },
	{ KEY_ALG_COMP, "lzs", "lzs", 3, 0, 0, 0, 0, false, false },
};

ATF_TC_WITHOUT_HEAD(byname_every_name);
ATF_TC_BODY(byname_every_name, tc)
{
	const struct key_alg *a;
	size_t i;

	for (i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		const struct expected *e = &expected[i];

		a = key_alg_byname(e->kind, e->name);
		ATF_CHECK_MSG(a != NULL, "%s: not found", e->name);
		if (a == NULL)
			continue;
		ATF_CHECK_EQ_MSG(a->id, e->id, "%s: id", e->name);
		ATF_CHECK_EQ_MSG(a->kind, e->kind, "%s: kind", e->name);
		ATF_CHECK_STREQ_MSG(a->print_name, e->print_name, "%s",
		    e->name);
		ATF_CHECK_EQ_MSG(a->ivlen, e->ivlen, "%s: ivlen", e->name);
		ATF_CHECK_EQ_MSG(a->blocklen, e->blocklen, "%s: blocklen",
		    e->name);
		ATF_CHECK_EQ_MSG(a->icvlen, e->icvlen, "%s: icvlen", e->name);
		ATF_CHECK_EQ_MSG(a->saltlen, e->saltlen, "%s: saltlen",
		    e->name);
		ATF_CHECK_EQ_MSG((a->flags & KEY_ALGF_DEPRECATED) != 0,
		    e->deprecated, "%s: deprecated flag", e->name);
		ATF_CHECK_EQ_MSG((a->flags & KEY_ALGF_AEAD) != 0, e->aead,
		    "%s: aead flag", e->name);
		ATF_CHECK_MSG(a->flags & KEY_ALGF_ADVERTISED,
		    "%s: not advertised", e->name);
		/* An alias resolves to the canonical entry. */
		ATF_CHECK(key_alg_byid(e->kind, e->id) == a);
	}
}

ATF_TC_WITHOUT_HEAD(byname_rejects);
ATF_TC_BODY(byname_rejects, tc)
{
	/* FreeBSD 13 removed these outright; twofish was never in FreeBSD. */
	static const char *const gone_enc[] = {
		"des-cbc", "des-deriv", "des-32iv", "twofish-cbc", "aes-gcm-8",
		"AES-CBC", "aes-cbc ", "",
	};
	static const char *const gone_auth[] = {
		"keyed-md5", "keyed-sha1", "hmac-sha2", "md5", "",
	};
	size_t i;

	for (i = 0; i < sizeof(gone_enc) / sizeof(gone_enc[0]); i++)
		ATF_CHECK_MSG(key_alg_byname(KEY_ALG_ENC, gone_enc[i]) == NULL,
		    "\"%s\" found", gone_enc[i]);
	for (i = 0; i < sizeof(gone_auth) / sizeof(gone_auth[0]); i++)
		ATF_CHECK_MSG(key_alg_byname(KEY_ALG_AUTH, gone_auth[i]) ==
		    NULL, "\"%s\" found", gone_auth[i]);
	ATF_CHECK(key_alg_byname(KEY_ALG_ENC, NULL) == NULL);

	/* Names belong to one kind. */
	ATF_CHECK(key_alg_byname(KEY_ALG_ENC, "hmac-sha1") == NULL);
	ATF_CHECK(key_alg_byname(KEY_ALG_AUTH, "aes-cbc") == NULL);
	ATF_CHECK(key_alg_byname(KEY_ALG_ENC, "deflate") == NULL);
	ATF_CHECK(key_alg_byname(KEY_ALG_COMP, "null") == NULL);
	ATF_CHECK(key_alg_byname(KEY_ALG_ENC, "null") !=
	    key_alg_byname(KEY_ALG_AUTH, "null"));
}

ATF_TC_WITHOUT_HEAD(byid);
ATF_TC_BODY(byid, tc)
{
	const struct key_alg *a;

	a = key_alg_byid(KEY_ALG_ENC, SADB_X_EALG_AESCBC);
	ATF_REQUIRE(a != NULL);
	ATF_CHECK_STREQ(a->name, "aes-cbc");
	a = key_alg_byid(KEY_ALG_AUTH, SADB_X_AALG_NULL);
	ATF_REQUIRE(a != NULL);
	ATF_CHECK(a->flags & KEY_ALGF_NOKEY);
	a = key_alg_byid(KEY_ALG_AUTH, SADB_X_AALG_CHACHA20POLY1305);
	ATF_REQUIRE(a != NULL);
	ATF_CHECK(a->flags & KEY_ALGF_AEAD);
	ATF_CHECK((a->flags & KEY_ALGF_ADVERTISED) == 0);

	ATF_CHECK(key_alg_byid(KEY_ALG_ENC, SADB_EALG_DESCBC) == NULL);
	ATF_CHECK(key_alg_byid(KEY_ALG_ENC, SADB_EALG_NONE) == NULL);
	ATF_CHECK(key_alg_byid(KEY_ALG_AUTH, SADB_X_AALG_MD5) == NULL);
	ATF_CHECK(key_alg_byid(KEY_ALG_AUTH, SADB_X_AALG_SHA) == NULL);
	ATF_CHECK(key_alg_byid(KEY_ALG_COMP, SADB_X_CALG_NONE) == NULL);
	ATF_CHECK(key_alg_byid(KEY_ALG_ENC, 255) == NULL);
}

ATF_TC_WITHOUT_HEAD(table_consistent);
ATF_TC_BODY(table_consistent, tc)
{
	const struct key_alg *t;
	size_t n, i, j;

	t = key_alg_table(&n);
	ATF_REQUIRE(t != NULL);
	/* 9 ciphers, 10 MACs, 3 compressors. */
	ATF_CHECK_EQ(n, 22);
	for (i = 0; i < n; i++) {
		ATF_CHECK_MSG(key_alg_byname(t[i].kind, t[i].name) == &t[i],
		    "%s: lookup by name", t[i].name);
		ATF_CHECK_MSG(t[i].minbits <= t[i].maxbits, "%s: bits",
		    t[i].name);
		if (t[i].kind == KEY_ALG_ENC)
			ATF_CHECK_MSG(t[i].blocklen >= 4, "%s: blocklen",
			    t[i].name);
		for (j = i + 1; j < n; j++)
			ATF_CHECK_MSG(t[i].kind != t[j].kind ||
			    t[i].id != t[j].id, "%s and %s share an id",
			    t[i].name, t[j].name);
	}
}

struct bits_case {
	enum key_alg_kind kind;
	const char *name;
	unsigned int bits;
	bool ok;
};

static const struct bits_case bits_cases[] = {
	{ KEY_ALG_ENC, "aes-cbc", 128, true },
	{ KEY_ALG_ENC, "aes-cbc", 192, true },
	{ KEY_ALG_ENC, "aes-cbc", 256, true },
	{ KEY_ALG_ENC, "aes-cbc", 64, false },
	{ KEY_ALG_ENC, "aes-cbc", 136, false },
	{ KEY_ALG_ENC, "aes-cbc", 160, false },
	{ KEY_ALG_ENC, "aes-cbc", 288, false },
	{ KEY_ALG_ENC, "rijndael-cbc", 128, true },
	/* Counter and AEAD modes: key plus a 32-bit salt. */
	{ KEY_ALG_ENC, "aes-ctr", 160, true },
	{ KEY_ALG_ENC, "aes-ctr", 224, true },
	{ KEY_ALG_ENC, "aes-ctr", 288, true },
	{ KEY_ALG_ENC, "aes-ctr", 128, false },
	{ KEY_ALG_ENC, "aes-ctr", 256, false },
	{ KEY_ALG_ENC, "aes-gcm-16", 160, true },
	{ KEY_ALG_ENC, "aes-gcm-16", 288, true },
	{ KEY_ALG_ENC, "aes-gcm-16", 128, false },
	{ KEY_ALG_ENC, "aes-gcm-16", 16, false },
	{ KEY_ALG_ENC, "chacha20-poly1305", 288, true },
	{ KEY_ALG_ENC, "chacha20-poly1305", 256, false },
	{ KEY_ALG_ENC, "chacha20-poly1305", 160, false },
	{ KEY_ALG_ENC, "null", 0, true },
	{ KEY_ALG_ENC, "null", 8, true },
	{ KEY_ALG_ENC, "null", 2048, true },
	{ KEY_ALG_ENC, "null", 2056, false },
	{ KEY_ALG_ENC, "3des-cbc", 192, true },
	{ KEY_ALG_ENC, "3des-cbc", 128, false },
	{ KEY_ALG_ENC, "blowfish-cbc", 40, true },
	{ KEY_ALG_ENC, "blowfish-cbc", 448, true },
	{ KEY_ALG_ENC, "blowfish-cbc", 32, false },
	{ KEY_ALG_ENC, "blowfish-cbc", 456, false },
	{ KEY_ALG_ENC, "cast128-cbc", 40, true },
	{ KEY_ALG_ENC, "cast128-cbc", 128, true },
	{ KEY_ALG_ENC, "cast128-cbc", 136, false },
	{ KEY_ALG_ENC, "camellia-cbc", 192, true },
	{ KEY_ALG_ENC, "camellia-cbc", 160, false },
	{ KEY_ALG_AUTH, "null", 0, true },
	{ KEY_ALG_AUTH, "null", 8, false },
	{ KEY_ALG_AUTH, "hmac-sha1", 160, true },
	{ KEY_ALG_AUTH, "hmac-sha1", 128, false },
	{ KEY_ALG_AUTH, "hmac-sha2-256", 256, true },
	{ KEY_ALG_AUTH, "hmac-sha2-256", 160, false },
	{ KEY_ALG_AUTH, "hmac-sha2-384", 384, true },
	{ KEY_ALG_AUTH, "hmac-sha2-384", 256, false },
	{ KEY_ALG_AUTH, "hmac-sha2-512", 512, true },
	{ KEY_ALG_AUTH, "hmac-sha2-512", 384, false },
	{ KEY_ALG_AUTH, "hmac-md5", 128, true },
	{ KEY_ALG_AUTH, "hmac-md5", 160, false },
	{ KEY_ALG_AUTH, "hmac-ripemd160", 160, true },
	{ KEY_ALG_AUTH, "aes-xcbc-mac", 128, true },
	{ KEY_ALG_AUTH, "aes-xcbc-mac", 256, false },
	{ KEY_ALG_AUTH, "tcp-md5", 8, true },
	{ KEY_ALG_AUTH, "tcp-md5", 640, true },
	{ KEY_ALG_AUTH, "tcp-md5", 0, false },
	{ KEY_ALG_AUTH, "tcp-md5", 648, false },
	{ KEY_ALG_COMP, "deflate", 0, true },
	{ KEY_ALG_COMP, "deflate", 8, false },
};

ATF_TC_WITHOUT_HEAD(keybits);
ATF_TC_BODY(keybits, tc)
{
	const struct key_alg *a;
	size_t i;

	for (i = 0; i < sizeof(bits_cases) / sizeof(bits_cases[0]); i++) {
		const struct bits_case *c = &bits_cases[i];

		a = key_alg_byname(c->kind, c->name);
		ATF_REQUIRE_MSG(a != NULL, "%s: not found", c->name);
		ATF_CHECK_EQ_MSG(key_alg_keybits_ok(a, c->bits), c->ok,
		    "%s with %u bits: expected %s", c->name, c->bits,
		    c->ok ? "valid" : "invalid");
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, byname_every_name);
	ATF_TP_ADD_TC(tp, byname_rejects);
	ATF_TP_ADD_TC(tp, byid);
	ATF_TP_ADD_TC(tp, table_consistent);
	ATF_TP_ADD_TC(tp, keybits);
	return atf_no_error();
}
