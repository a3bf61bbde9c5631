/*
 * Known-answer tests of the ciphers and integrity algorithms as an ESP
 * context sets them up: RFC 3602 and 3686 blocks, RFC 2202, 4231 and 4868
 * HMACs with their ESP truncation, and RFC 3566 AES-XCBC-MAC-96.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>

#include "pfkeyv2.h"
#include "esp.h"
#include "vectors.h"

/* Sets up a context for a cipher without integrity, or fails the test. */
static void
cipher_ctx(struct esp_ctx *ctx, uint8_t enc_id, const uint8_t *key,
    size_t keylen)
{
	int rc;

	rc = esp_ctx_init(ctx, enc_id, key, keylen, SADB_AALG_NONE, NULL, 0,
	    0);
	ATF_REQUIRE_MSG(rc == 0, "esp_ctx_init: %d %s", rc, ctx->error);
}

/* Sets up a context with null encryption and an integrity algorithm. */
static void
auth_ctx(struct esp_ctx *ctx, uint8_t auth_id, const uint8_t *key,
    size_t keylen)
{
	int rc;

	rc = esp_ctx_init(ctx, SADB_EALG_NULL, NULL, 0, auth_id, key, keylen,
	    0);
	ATF_REQUIRE_MSG(rc == 0, "esp_ctx_init: %d %s", rc, ctx->error);
}

/* Encrypts and decrypts one cipher-kat record; enckey_field names the key. */
static void
run_cipher_record(const struct vrecord *r, uint8_t enc_id,
    const char *enckey_field)
{
	struct esp_ctx ctx;
	uint8_t *key, *iv, *pt, *ct, *buf;
	size_t keylen, ivlen, ptlen, ctlen;
	char what[128];

	key = vrecord_hex(r, enckey_field, &keylen);
	iv = vrecord_hex(r, "iv", &ivlen);
	pt = vrecord_hex(r, "plaintext", &ptlen);
	ct = vrecord_hex(r, "ciphertext", &ctlen);
	buf = malloc(ptlen + 1);
	ATF_REQUIRE(buf != NULL);
	cipher_ctx(&ctx, enc_id, key, keylen);
	ATF_REQUIRE_EQ(ctx.ivlen, ivlen);

	ATF_CHECK_EQ(esp_cipher(&ctx, true, iv, pt, ptlen, buf), ESP_OK);
	snprintf(what, sizeof(what), "%s ciphertext", vrecord_name(r));
	check_bytes(what, buf, ptlen, ct, ctlen);

	ATF_CHECK_EQ(esp_cipher(&ctx, false, iv, ct, ctlen, buf), ESP_OK);
	snprintf(what, sizeof(what), "%s plaintext", vrecord_name(r));
	check_bytes(what, buf, ctlen, pt, ptlen);

	esp_ctx_free(&ctx);
	free(key);
	free(iv);
	free(pt);
	free(ct);
	free(buf);
}

ATF_TC(aes_cbc_rfc3602);
ATF_TC_HEAD(aes_cbc_rfc3602, tc)
{
	atf_tc_set_md_var(tc, "descr", "AES-128-CBC, RFC 3602 cases 1-4");
}
ATF_TC_BODY(aes_cbc_rfc3602, tc)
{
	struct vfile vf;
	size_t i;

	vfile_load(tc, "rfc3602-aes-cbc-kat.txt", &vf);
	ATF_CHECK_EQ(vf.nrecords, 4);
	for (i = 0; i < vf.nrecords; i++)
		run_cipher_record(&vf.records[i], SADB_X_EALG_AESCBC, "key");
	vfile_free(&vf);
}

ATF_TC(aes_ctr_rfc3686);
ATF_TC_HEAD(aes_ctr_rfc3686, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "AES-CTR with the nonce from the key, RFC 3686 vectors 1-9");
}
ATF_TC_BODY(aes_ctr_rfc3686, tc)
{
	struct vfile vf;
	size_t i;

	vfile_load(tc, "rfc3686-aes-ctr.txt", &vf);
	ATF_CHECK_EQ(vf.nrecords, 9);
	for (i = 0; i < vf.nrecords; i++)
		run_cipher_record(&vf.records[i], SADB_X_EALG_AESCTR,
		    "setkey_key");
	vfile_free(&vf);
}

static uint8_t
hmac_id(const char *hash)
{
	static const struct {
		const char	*hash;
		uint8_t		 id;
	} ids[] = {
		{ "md5", SADB_AALG_MD5HMAC },
		{ "sha1", SADB_AALG_SHA1HMAC },
		{ "sha256", SADB_X_AALG_SHA2_256 },
		{ "sha384", SADB_X_AALG_SHA2_384 },
		{ "sha512", SADB_X_AALG_SHA2_512 },
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(ids[i].hash, hash) == 0)
			return ids[i].id;
	atf_tc_fail("unknown hash %s", hash);
}

/*
 * Computes the ICV of data under auth_id and compares it with the first
 * bytes of want (a full or truncated MAC): the ICV is ctx.icvlen bytes,
 * or fewer when the vector itself is shorter.
 */
static void
check_icv(const struct vrecord *r, uint8_t auth_id, const char *field)
{
	struct esp_ctx ctx;
	uint8_t *key, *data, *want, icv[ESP_MAX_ICVLEN];
	size_t keylen, datalen, wantlen, n;
	char what[128];

	key = vrecord_hex(r, "key", &keylen);
	data = vrecord_hex(r, "data", &datalen);
	want = vrecord_hex(r, field, &wantlen);
	auth_ctx(&ctx, auth_id, key, keylen);
	ATF_CHECK_EQ(esp_compute_icv(&ctx, data, datalen, NULL, icv), ESP_OK);
	n = ctx.icvlen < wantlen ? ctx.icvlen : wantlen;
	snprintf(what, sizeof(what), "%s %s ICV", vrecord_name(r), field);
	check_bytes(what, icv, n, want, n);
	esp_ctx_free(&ctx);
	free(key);
	free(data);
	free(want);
}

ATF_TC(hmac_rfc2202);
ATF_TC_HEAD(hmac_rfc2202, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "HMAC-MD5-96 and HMAC-SHA1-96, RFC 2202 cases 1-7");
}
ATF_TC_BODY(hmac_rfc2202, tc)
{
	struct vfile vf;
	size_t i;

	vfile_load(tc, "rfc2202-hmac.txt", &vf);
	ATF_CHECK_EQ(vf.nrecords, 14);
	for (i = 0; i < vf.nrecords; i++)
		check_icv(&vf.records[i],
		    hmac_id(vrecord_get(&vf.records[i], "hash")), "mac_96");
	vfile_free(&vf);
}

ATF_TC(hmac_sha2_rfc4231);
ATF_TC_HEAD(hmac_sha2_rfc4231, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "HMAC-SHA-256/384/512 truncated to ESP's ICV, RFC 4231 cases 1-7");
}
ATF_TC_BODY(hmac_sha2_rfc4231, tc)
{
	struct vfile vf;
	size_t i;

	vfile_load(tc, "rfc4231-hmac-sha2.txt", &vf);
	ATF_CHECK_EQ(vf.nrecords, 7);
	for (i = 0; i < vf.nrecords; i++) {
		check_icv(&vf.records[i], SADB_X_AALG_SHA2_256, "mac_sha256");
		check_icv(&vf.records[i], SADB_X_AALG_SHA2_384, "mac_sha384");
		check_icv(&vf.records[i], SADB_X_AALG_SHA2_512, "mac_sha512");
	}
	vfile_free(&vf);
}

ATF_TC(hmac_sha2_rfc4868);
ATF_TC_HEAD(hmac_sha2_rfc4868, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "ESP ICV lengths of HMAC-SHA-256/384/512, RFC 4868 2.7.2");
}
ATF_TC_BODY(hmac_sha2_rfc4868, tc)
{
	struct vfile vf;
	struct esp_ctx ctx;
	const struct vrecord *r;
	uint8_t *key;
	size_t i, keylen;

	vfile_load(tc, "rfc4868-esp-icv.txt", &vf);
	ATF_CHECK_EQ(vf.nrecords, 9);
	for (i = 0; i < vf.nrecords; i++) {
		r = &vf.records[i];
		check_icv(r, hmac_id(vrecord_get(r, "hash")), "icv");

		key = vrecord_hex(r, "key", &keylen);
		auth_ctx(&ctx, hmac_id(vrecord_get(r, "hash")), key, keylen);
		ATF_CHECK_EQ_MSG(ctx.icvlen * 8,
		    strtoul(vrecord_get(r, "icv_bits"), NULL, 10),
		    "%s: ICV length", vrecord_name(r));
		esp_ctx_free(&ctx);
		free(key);
	}
	vfile_free(&vf);
}

ATF_TC(aes_xcbc_rfc3566);
ATF_TC_HEAD(aes_xcbc_rfc3566, tc)
{
	atf_tc_set_md_var(tc, "descr", "AES-XCBC-MAC-96, RFC 3566 cases 1-7");
}
ATF_TC_BODY(aes_xcbc_rfc3566, tc)
{
	struct vfile vf;
	struct esp_xcbc x;
	const struct vrecord *r;
	uint8_t *key, *data, *want, mac[16];
	size_t i, keylen, datalen, wantlen;
	char what[128];

	vfile_load(tc, "rfc3566-aes-xcbc.txt", &vf);
	ATF_CHECK_EQ(vf.nrecords, 7);
	for (i = 0; i < vf.nrecords; i++) {
		r = &vf.records[i];
		check_icv(r, SADB_X_AALG_AES_XCBC_MAC, "mac_96");

		/* The full 128-bit MAC from the primitive itself. */
		key = vrecord_hex(r, "key", &keylen);
		data = vrecord_hex(r, "data", &datalen);
		want = vrecord_hex(r, "mac", &wantlen);
		ATF_REQUIRE_EQ(keylen, 16);
		ATF_REQUIRE_EQ(esp_xcbc_init(&x, key), 0);
		ATF_CHECK_EQ(esp_xcbc_begin(&x), 0);
		ATF_CHECK_EQ(esp_xcbc_update(&x, data, datalen), 0);
		ATF_CHECK_EQ(esp_xcbc_final(&x, mac), 0);
		snprintf(what, sizeof(what), "%s full MAC", vrecord_name(r));
		check_bytes(what, mac, sizeof(mac), want, wantlen);
		esp_xcbc_free(&x);
		free(key);
		free(data);
		free(want);
	}
	vfile_free(&vf);
}

ATF_TC(aes_xcbc_split_input);
ATF_TC_HEAD(aes_xcbc_split_input, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "AES-XCBC-MAC gives the same MAC however the input is split");
}
ATF_TC_BODY(aes_xcbc_split_input, tc)
{
	struct esp_xcbc x;
	uint8_t key[16], data[80], whole[16], parts[16];
	size_t len, cut1, cut2;
	char what[64];

	for (len = 0; len < sizeof(key); len++)
		key[len] = (uint8_t)(0xa0 + len);
	for (len = 0; len < sizeof(data); len++)
		data[len] = (uint8_t)(len * 7);
	ATF_REQUIRE_EQ(esp_xcbc_init(&x, key), 0);
	for (len = 0; len <= sizeof(data); len++) {
		ATF_REQUIRE_EQ(esp_xcbc_begin(&x), 0);
		ATF_REQUIRE_EQ(esp_xcbc_update(&x, data, len), 0);
		ATF_REQUIRE_EQ(esp_xcbc_final(&x, whole), 0);
		for (cut1 = 0; cut1 <= len; cut1++) {
			cut2 = cut1 + (len - cut1) / 2;
			ATF_REQUIRE_EQ(esp_xcbc_begin(&x), 0);
			ATF_REQUIRE_EQ(esp_xcbc_update(&x, data, cut1), 0);
			ATF_REQUIRE_EQ(esp_xcbc_update(&x, data + cut1,
			    cut2 - cut1), 0);
			ATF_REQUIRE_EQ(esp_xcbc_update(&x, data + cut2,
			    len - cut2), 0);
			ATF_REQUIRE_EQ(esp_xcbc_final(&x, parts), 0);
			snprintf(what, sizeof(what), "len %zu cut %zu/%zu",
			    len, cut1, cut2);
			check_bytes(what, parts, 16, whole, 16);
		}
	}
	esp_xcbc_free(&x);
}

ATF_TC(icv_extension_bytes);
ATF_TC_HEAD(icv_extension_bytes, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "The ESN high half is MACed as 4 bytes after the data");
}
ATF_TC_BODY(icv_extension_bytes, tc)
{
	static const uint8_t ids[] = { SADB_AALG_SHA1HMAC,
	    SADB_X_AALG_SHA2_256, SADB_X_AALG_AES_XCBC_MAC };
	struct esp_ctx ctx;
	uint8_t key[16], data[40], joined[44], icv1[32], icv2[32];
	size_t i;

	memset(key, 0x5c, sizeof(key));
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	memcpy(joined, data, sizeof(data));
	memcpy(joined + sizeof(data), "\x01\x02\x03\x04", 4);
	for (i = 0; i < sizeof(ids); i++) {
		auth_ctx(&ctx, ids[i], key, sizeof(key));
		ATF_CHECK_EQ(esp_compute_icv(&ctx, data, sizeof(data),
		    joined + sizeof(data), icv1), ESP_OK);
		ATF_CHECK_EQ(esp_compute_icv(&ctx, joined, sizeof(joined),
		    NULL, icv2), ESP_OK);
		check_bytes(ctx.auth_name, icv1, ctx.icvlen, icv2,
		    ctx.icvlen);
		esp_ctx_free(&ctx);
	}
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, aes_cbc_rfc3602);
	ATF_TP_ADD_TC(tp, aes_ctr_rfc3686);
	ATF_TP_ADD_TC(tp, hmac_rfc2202);
	ATF_TP_ADD_TC(tp, hmac_sha2_rfc4231);
	ATF_TP_ADD_TC(tp, hmac_sha2_rfc4868);
	ATF_TP_ADD_TC(tp, aes_xcbc_rfc3566);
	ATF_TP_ADD_TC(tp, aes_xcbc_split_input);
	ATF_TP_ADD_TC(tp, icv_extension_bytes);
	return atf_no_error();
}
