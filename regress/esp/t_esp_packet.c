/*
 * Whole-packet tests of esp_encrypt() and esp_decrypt(): byte-exact RFC
 * and derived packets, rejection of tampered, truncated and badly padded
 * packets, padding modes, IV generation and every algorithm pair.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <atf-c.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "pfkeyv2.h"
#include "esp.h"
#include "replay.h"
#include "vectors.h"

#define BUFSZ	2048

/* One byte-exact packet case, gathered from a vector record. */
struct packet_case {
	const char	*name;
	uint8_t		 enc_id;
	uint8_t		 auth_id;
	uint8_t		*key;
	size_t		 keylen;
	uint8_t		*authkey;
	size_t		 authkeylen;
	uint32_t	 flags;
	int		 pad_mode;
	uint32_t	 spi;
	uint64_t	 seq;
	uint8_t		*iv;
	size_t		 ivlen;
	uint8_t		*cleartext;	/* payload | pad | padlen | nh */
	size_t		 cleartextlen;
	uint8_t		*expected;
	size_t		 expectedlen;
};

static void
load_case(const struct vrecord *r, struct packet_case *pc)
{
	const char *auth = vrecord_get(r, "auth"), *esn = vrecord_get(r, "esn");
	const char *pad = vrecord_get(r, "pad");

	memset(pc, 0, sizeof(*pc));
	pc->name = vrecord_name(r);
	pc->enc_id = enc_id_byname(vrecord_get(r, "cipher"));
	pc->auth_id = auth_id_byname(auth != NULL ? auth : "none");
	pc->key = vrecord_hex(r, vrecord_get(r, "setkey_key") != NULL ?
	    "setkey_key" : "key", &pc->keylen);
	if (pc->auth_id != SADB_AALG_NONE)
		pc->authkey = vrecord_hex(r, "auth_key", &pc->authkeylen);
	if (esn != NULL && strcmp(esn, "yes") == 0)
		pc->flags |= ESP_F_ESN;
	pc->pad_mode = ESP_PAD_SEQ;
	if (pad != NULL && strcmp(pad, "zero") == 0)
		pc->pad_mode = ESP_PAD_ZERO;
	pc->flags |= (uint32_t)pc->pad_mode;
	pc->spi = (uint32_t)strtoul(vrecord_get(r, "spi"), NULL, 16);
	pc->seq = strtoull(vrecord_get(r, "seq"), NULL, 16);
	if (vrecord_get(r, "iv") != NULL)
		pc->iv = vrecord_hex(r, "iv", &pc->ivlen);
	pc->cleartext = vrecord_hex(r, "esp_cleartext", &pc->cleartextlen);
	pc->expected = vrecord_hex(r, "expected_esp", &pc->expectedlen);
	ATF_REQUIRE(pc->cleartextlen >= 2);
	ATF_REQUIRE(pc->cleartext[pc->cleartextlen - 2] + 2U <=
	    pc->cleartextlen);
}

static void
free_case(struct packet_case *pc)
{
	free(pc->key);
	free(pc->authkey);
	free(pc->iv);
	free(pc->cleartext);
	free(pc->expected);
}

static void
init_ctx(struct esp_ctx *ctx, uint8_t enc_id, const uint8_t *key,
    size_t keylen, uint8_t auth_id, const uint8_t *authkey,
    size_t authkeylen, uint32_t flags)
{
	int rc;

	rc = esp_ctx_init(ctx, enc_id, key, keylen, auth_id, authkey,
	    authkeylen, flags);
	ATF_REQUIRE_MSG(rc == 0, "esp_ctx_init(%u, %u): %d %s", enc_id,
	    auth_id, rc, ctx->error);
}

/*
 * Builds the packet with the vector's IV and compares every byte, then
 * decrypts it into a separate buffer and in place, on a random-pad SA
 * when the vector has zero padding.  Returns false when OpenSSL lacks
 * one of the case's algorithms.
 */
static bool
run_case(const struct packet_case *pc)
{
	struct esp_ctx ctx;
	uint8_t out[BUFSZ], copy[BUFSZ], nh = 0, want_nh;
	size_t outlen = 0, plen = 0, payload_len;
	char what[128];
	int rc;

	want_nh = pc->cleartext[pc->cleartextlen - 1];
	payload_len = pc->cleartextlen - 2 - pc->cleartext[pc->cleartextlen - 2];
	rc = esp_ctx_init(&ctx, pc->enc_id, pc->key, pc->keylen, pc->auth_id,
	    pc->authkey, pc->authkeylen, pc->flags);
	if (rc == -ENOENT) {
		printf("%s: skipped, %s\n", pc->name, ctx.error);
		return false;
	}
	ATF_REQUIRE_MSG(rc == 0, "%s: esp_ctx_init: %d %s", pc->name, rc,
	    ctx.error);
	if (ctx.ivlen > 0)
		ATF_REQUIRE_EQ(esp_ctx_set_next_iv(&ctx, pc->iv, pc->ivlen), 0);

	rc = esp_encrypt(&ctx, pc->spi, pc->seq, want_nh, pc->cleartext,
	    payload_len, out, sizeof(out), pc->pad_mode, &outlen);
	ATF_CHECK_EQ_MSG(rc, ESP_OK, "%s: encrypt: %s", pc->name,
	    esp_strerror(rc));
	ATF_CHECK_EQ_MSG(outlen, esp_packet_len(&ctx, payload_len),
	    "%s: esp_packet_len", pc->name);
	snprintf(what, sizeof(what), "%s packet", pc->name);
	check_bytes(what, out, outlen, pc->expected, pc->expectedlen);

	if (pc->pad_mode == ESP_PAD_ZERO &&
	    pc->cleartext[pc->cleartextlen - 2] != 0) {
		/*
		 * Zero pad bytes fail the last-byte check of every SA but a
		 * random-pad one, so only such an SA takes these packets in.
		 */
		rc = esp_decrypt(&ctx, pc->expected, pc->expectedlen,
		    (uint32_t)(pc->seq >> 32), out, sizeof(out), &nh, &plen);
		ATF_CHECK_EQ_MSG(rc, ESP_ERR_PADDING, "%s: decrypt on the "
		    "zero-pad SA: %s", pc->name, esp_strerror(rc));
		esp_ctx_free(&ctx);
		init_ctx(&ctx, pc->enc_id, pc->key, pc->keylen, pc->auth_id,
		    pc->authkey, pc->authkeylen,
		    (pc->flags & ~(uint32_t)ESP_PAD_MASK) | ESP_PAD_RANDOM);
	}
	rc = esp_decrypt(&ctx, pc->expected, pc->expectedlen,
	    (uint32_t)(pc->seq >> 32), out, sizeof(out), &nh, &plen);
	ATF_CHECK_EQ_MSG(rc, ESP_OK, "%s: decrypt: %s", pc->name,
	    esp_strerror(rc));
	ATF_CHECK_EQ_MSG(nh, want_nh, "%s: next header", pc->name);
	snprintf(what, sizeof(what), "%s decrypted payload", pc->name);
	check_bytes(what, out, plen, pc->cleartext, payload_len);

	memcpy(copy, pc->expected, pc->expectedlen);
	rc = esp_decrypt(&ctx, copy, pc->expectedlen,
	    (uint32_t)(pc->seq >> 32), copy + esp_header_len(&ctx),
	    sizeof(copy) - esp_header_len(&ctx), &nh, &plen);
	ATF_CHECK_EQ_MSG(rc, ESP_OK, "%s: in-place decrypt: %s", pc->name,
	    esp_strerror(rc));
	snprintf(what, sizeof(what), "%s payload decrypted in place",
	    pc->name);
	check_bytes(what, copy + esp_header_len(&ctx), plen, pc->cleartext,
	    payload_len);
	esp_ctx_free(&ctx);
	return true;
}

/* Runs every record of file; returns how many were skipped. */
static size_t
run_file(const atf_tc_t *tc, const char *file, size_t nrecords)
{
	struct packet_case pc;
	struct vfile vf;
	size_t i, skipped = 0;

	vfile_load(tc, file, &vf);
	ATF_CHECK_EQ(vf.nrecords, nrecords);
	for (i = 0; i < vf.nrecords; i++) {
		load_case(&vf.records[i], &pc);
		if (!run_case(&pc))
			skipped++;
		free_case(&pc);
	}
	vfile_free(&vf);
	return skipped;
}

ATF_TC(aes_cbc_packets_rfc3602);
ATF_TC_HEAD(aes_cbc_packets_rfc3602, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "AES-CBC ESP packets byte for byte, RFC 3602 cases 5-8");
}
ATF_TC_BODY(aes_cbc_packets_rfc3602, tc)
{
	run_file(tc, "rfc3602-esp-packets.txt", 4);
}

ATF_TC(aes_gcm_packets);
ATF_TC_HEAD(aes_gcm_packets, tc)
{
	atf_tc_set_md_var(tc, "descr", "AES-GCM-16 ESP packets, with and "
	    "without ESN, from draft-mcgrew-gcm-test-01");
}
ATF_TC_BODY(aes_gcm_packets, tc)
{
	run_file(tc, "mcgrew-gcm-esp.txt", 14);
}

ATF_TC(chacha20_poly1305_rfc7634);
ATF_TC_HEAD(chacha20_poly1305_rfc7634, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "ChaCha20-Poly1305 ESP packet, RFC 7634 appendix A");
}
ATF_TC_BODY(chacha20_poly1305_rfc7634, tc)
{
	run_file(tc, "rfc7634-esp-chacha20-poly1305.txt", 1);
}

ATF_TC(freebsd_tunnel_packets);
ATF_TC_HEAD(freebsd_tunnel_packets, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "Tunnel packets with the keys of FreeBSD's netipsec tests");
}
ATF_TC_BODY(freebsd_tunnel_packets, tc)
{
	run_file(tc, "derived-freebsd-tunnel-esp.txt", 7);
}

ATF_TC(other_algorithm_packets);
ATF_TC_HEAD(other_algorithm_packets, tc)
{
	atf_tc_set_md_var(tc, "descr", "Packets for CTR+HMAC, XCBC, the legacy "
	    "ciphers, ESN with HMAC, zero padding and short GCM ICVs, computed "
	    "with Python's cryptography package");
}
ATF_TC_BODY(other_algorithm_packets, tc)
{
	size_t skipped;

	skipped = run_file(tc, "derived-algorithms.txt", 16);
	if (skipped > 0)
		printf("%zu cases need algorithms OpenSSL lacks here\n",
		    skipped);
}

ATF_TC(gcm_esn_wrong_high_half);
ATF_TC_HEAD(gcm_esn_wrong_high_half, tc)
{
	atf_tc_set_md_var(tc, "descr",
	    "A GCM ESN packet fails its tag under another high half");
}
ATF_TC_BODY(gcm_esn_wrong_high_half, tc)
{
	struct packet_case pc;
	struct esp_ctx ctx;
	struct vfile vf;
	uint8_t out[BUFSZ], nh;
	size_t i, plen, tested = 0;

	vfile_load(tc, "mcgrew-gcm-esp.txt", &vf);
	for (i = 0; i < vf.nrecords; i++) {
		load_case(&vf.records[i], &pc);
		if (pc.flags & ESP_F_ESN) {
			init_ctx(&ctx, pc.enc_id, pc.key, pc.keylen,
			    SADB_AALG_NONE, NULL, 0, pc.flags);
			ATF_CHECK_EQ_MSG(esp_decrypt(&ctx, pc.expected,
			    pc.expectedlen, (uint32_t)(pc.seq >> 32) ^ 1, out,
			    sizeof(out), &nh, &plen), ESP_ERR_ICV, "%s",
			    pc.name);
			esp_ctx_free(&ctx);
			tested++;
		}
		free_case(&pc);
	}
	ATF_CHECK(tested > 0);
	vfile_free(&vf);
}

static const uint8_t key32[36] = "0123456789abcdef0123456789abcdefSALT";
static const uint8_t authkey64[64] =
    "authkey-authkey-authkey-authkey-authkey-authkey-authkey-authkey-";

ATF_TC(hmac_esn_icv);
ATF_TC_HEAD(hmac_esn_icv, tc)
{
	atf_tc_set_md_var(tc, "descr", "With ESN the HMAC covers the packet "
	    "and then the unsent high sequence half");
}
ATF_TC_BODY(hmac_esn_icv, tc)
{
	struct esp_ctx ctx;
	uint8_t payload[100], out[BUFSZ], mac[EVP_MAX_MD_SIZE], nh;
	uint8_t authed[BUFSZ];
	unsigned int maclen;
	size_t outlen, plen;
	uint64_t seq = UINT64_C(0x0000000700000009);

	memset(payload, 0x42, sizeof(payload));
	init_ctx(&ctx, SADB_X_EALG_AESCBC, key32, 16, SADB_AALG_SHA1HMAC,
	    authkey64, 20, ESP_F_ESN);
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 0x1000, seq, 4, payload,
	    sizeof(payload), out, sizeof(out), ESP_PAD_SEQ, &outlen), ESP_OK);
	ATF_CHECK_EQ(memcmp(out + 4, "\0\0\0\x09", 4), 0);

	/* Recompute with OpenSSL's one-shot HMAC over packet | seq_hi. */
	memcpy(authed, out, outlen - 12);
	memcpy(authed + outlen - 12, "\0\0\0\x07", 4);
	ATF_REQUIRE(HMAC(EVP_sha1(), authkey64, 20, authed, outlen - 8, mac,
	    &maclen) != NULL);
	check_bytes("ICV", out + outlen - 12, 12, mac, 12);

	ATF_CHECK_EQ(esp_decrypt(&ctx, out, outlen, 7, authed, sizeof(authed),
	    &nh, &plen), ESP_OK);
	ATF_CHECK_EQ(esp_decrypt(&ctx, out, outlen, 6, authed, sizeof(authed),
	    &nh, &plen), ESP_ERR_ICV);
	ATF_CHECK_EQ(esp_decrypt(&ctx, out, outlen, 0, authed, sizeof(authed),
	    &nh, &plen), ESP_ERR_ICV);
	esp_ctx_free(&ctx);
}

/* An algorithm pair and the key lengths it takes. */
struct alg_pair {
	uint8_t		 enc_id;
	size_t		 keylen;
	uint8_t		 auth_id;
	size_t		 authkeylen;
};

static const struct alg_pair pairs[] = {
	{ SADB_EALG_NULL, 0, SADB_AALG_NONE, 0 },
	{ SADB_EALG_NULL, 0, SADB_AALG_SHA1HMAC, 20 },
	{ SADB_X_EALG_AESCBC, 16, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_AESCBC, 16, SADB_AALG_SHA1HMAC, 20 },
	{ SADB_X_EALG_AESCBC, 24, SADB_X_AALG_SHA2_256, 32 },
	{ SADB_X_EALG_AESCBC, 32, SADB_X_AALG_SHA2_384, 48 },
	{ SADB_X_EALG_AESCBC, 32, SADB_X_AALG_SHA2_512, 64 },
	{ SADB_X_EALG_AESCBC, 16, SADB_X_AALG_AES_XCBC_MAC, 16 },
	{ SADB_X_EALG_AESCBC, 16, SADB_AALG_MD5HMAC, 16 },
	{ SADB_X_EALG_AESCBC, 16, SADB_X_AALG_RIPEMD160HMAC, 20 },
	{ SADB_X_EALG_AESCTR, 20, SADB_X_AALG_SHA2_256, 32 },
	{ SADB_X_EALG_AESCTR, 28, SADB_AALG_SHA1HMAC, 20 },
	{ SADB_X_EALG_AESCTR, 36, SADB_X_AALG_AES_XCBC_MAC, 16 },
	{ SADB_X_EALG_AESGCM16, 20, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_AESGCM16, 28, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_AESGCM16, 36, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_AESGCM12, 20, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_AESGCM8, 36, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_CHACHA20POLY1305, 36, SADB_AALG_NONE, 0 },
	{ SADB_X_EALG_CAMELLIACBC, 16, SADB_X_AALG_SHA2_256, 32 },
	{ SADB_X_EALG_CAMELLIACBC, 32, SADB_AALG_SHA1HMAC, 20 },
	{ SADB_EALG_3DESCBC, 24, SADB_AALG_SHA1HMAC, 20 },
	{ SADB_X_EALG_BLOWFISHCBC, 16, SADB_AALG_SHA1HMAC, 20 },
	{ SADB_X_EALG_BLOWFISHCBC, 56, SADB_AALG_MD5HMAC, 16 },
	{ SADB_X_EALG_CAST128CBC, 16, SADB_X_AALG_SHA2_256, 32 },
	{ SADB_X_EALG_CAST128CBC, 5, SADB_AALG_SHA1HMAC, 20 },
};

#define NPAIRS	(sizeof(pairs) / sizeof(pairs[0]))

/* Sets up a pair; returns false when OpenSSL lacks one of the algorithms. */
static bool
init_pair(struct esp_ctx *ctx, const struct alg_pair *p, uint32_t flags)
{
	int rc;

	rc = esp_ctx_init(ctx, p->enc_id, key32, p->keylen, p->auth_id,
	    authkey64, p->authkeylen, flags);
	if (rc == -ENOENT)
		return false;
	ATF_REQUIRE_MSG(rc == 0, "esp_ctx_init(%u, %u): %d %s", p->enc_id,
	    p->auth_id, rc, ctx->error);
	return true;
}

static bool
has_integrity(const struct esp_ctx *ctx)
{
	return ctx->icvlen > 0;
}

/*
 * Runs one received packet through the inbound steps keyd takes: read
 * the header, check the window, decrypt with the inferred high half and
 * mark the window.  Returns the first failing step's status, with ESP
 * codes offset by 100 to tell them from REPLAY_ERR_* codes.
 */
static int
receive_packet(struct esp_ctx *ctx, struct replay_window *w,
    const uint8_t *pkt, size_t len, uint8_t *out, size_t *plen)
{
	uint32_t spi, seq_lo;
	uint64_t seq;
	uint8_t nh;
	int rc;

	rc = esp_peek(pkt, len, &spi, &seq_lo);
	if (rc != ESP_OK)
		return 100 + rc;
	rc = replay_check(w, seq_lo, &seq);
	if (rc != REPLAY_OK)
		return rc;
	rc = esp_decrypt(ctx, pkt, len, (uint32_t)(seq >> 32), out, BUFSZ,
	    &nh, plen);
	if (rc != ESP_OK)
		return 100 + rc;
	return replay_update(w, seq);
}

ATF_TC(esn_flow_across_rollover);
ATF_TC_HEAD(esn_flow_across_rollover, tc)
{
	atf_tc_set_md_var(tc, "descr", "Packets numbered across 2^32 with ESN "
	    "pass the inbound steps out of order, and replays fail");
}
ATF_TC_BODY(esn_flow_across_rollover, tc)
{
	static const size_t order[] = { 0, 1, 3, 2, 5, 4 };
	static const struct alg_pair algs[] = {
		{ SADB_X_EALG_AESGCM16, 20, SADB_AALG_NONE, 0 },
		{ SADB_X_EALG_AESCBC, 16, SADB_X_AALG_SHA2_256, 32 },
	};
	struct esp_ctx tx, rx;
	struct replay_counter counter;
	struct replay_window w;
	uint8_t pkts[6][256], payload[64], out[BUFSZ];
	size_t lens[6], a, i, plen;
	uint64_t seq;

	memset(payload, 0x2e, sizeof(payload));
	for (a = 0; a < 2; a++) {
		init_ctx(&tx, algs[a].enc_id, key32, algs[a].keylen,
		    algs[a].auth_id, authkey64, algs[a].authkeylen, ESP_F_ESN);
		init_ctx(&rx, algs[a].enc_id, key32, algs[a].keylen,
		    algs[a].auth_id, authkey64, algs[a].authkeylen, ESP_F_ESN);
		replay_counter_init(&counter, true, false);
		counter.last = UINT32_MAX - 3;
		ATF_REQUIRE_EQ(replay_window_init(&w, 32, true), 0);
		ATF_REQUIRE_EQ(replay_update(&w, UINT32_MAX - 3), REPLAY_OK);

		for (i = 0; i < 6; i++) {
			ATF_REQUIRE_EQ(replay_counter_next(&counter, &seq),
			    REPLAY_OK);
			ATF_REQUIRE_EQ(esp_encrypt(&tx, 0x4000, seq, 4,
			    payload, sizeof(payload), pkts[i],
			    sizeof(pkts[i]), ESP_PAD_SEQ, &lens[i]), ESP_OK);
		}
		ATF_CHECK_EQ(seq, (UINT64_C(1) << 32) + 2);
		for (i = 0; i < 6; i++) {
			ATF_CHECK_EQ_MSG(receive_packet(&rx, &w,
			    pkts[order[i]], lens[order[i]], out, &plen), 0,
			    "%s packet %zu", rx.enc_name, order[i]);
			ATF_CHECK_EQ(plen, sizeof(payload));
		}
		ATF_CHECK_EQ(w.top, (UINT64_C(1) << 32) + 2);
		for (i = 0; i < 6; i++)
			ATF_CHECK_EQ_MSG(receive_packet(&rx, &w, pkts[i],
			    lens[i], out, &plen), REPLAY_ERR_DUPLICATE,
			    "%s replay of packet %zu", rx.enc_name, i);
		replay_window_free(&w);
		esp_ctx_free(&tx);
		esp_ctx_free(&rx);
	}
}

ATF_TC(round_trip_all_algorithms);
ATF_TC_HEAD(round_trip_all_algorithms, tc)
{
	atf_tc_set_md_var(tc, "descr", "Every algorithm pair decrypts what it "
	    "encrypts, payloads of 0-300 and 1400 bytes, with and without ESN");
}
ATF_TC_BODY(round_trip_all_algorithms, tc)
{
	static const uint32_t flag_sets[] = { 0, ESP_F_ESN };
	struct esp_ctx ctx;
	uint8_t payload[1400], out[BUFSZ], dec[BUFSZ], nh;
	size_t i, f, len, outlen, plen, skipped = 0;
	uint64_t seq;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 31 + 7);
	for (i = 0; i < NPAIRS; i++) {
		for (f = 0; f < 2; f++) {
			if (!init_pair(&ctx, &pairs[i], flag_sets[f])) {
				skipped++;
				continue;
			}
			for (len = 0; len <= 1400; len = len < 300 ?
			    len + 1 : 1400 + (len == 1400)) {
				seq = flag_sets[f] ? (UINT64_C(3) << 32) + len :
				    len + 1;
				ATF_REQUIRE_EQ_MSG(esp_encrypt(&ctx, 0x1234, seq,
				    41, payload, len, out, sizeof(out),
				    ESP_PAD_SEQ, &outlen), ESP_OK, "%s/%s len %zu",
				    ctx.enc_name, ctx.auth_name, len);
				ATF_CHECK_EQ(outlen, esp_packet_len(&ctx, len));
				ATF_CHECK((outlen - esp_header_len(&ctx) -
				    ctx.icvlen) % ctx.padalign == 0);
				ATF_CHECK_EQ_MSG(esp_decrypt(&ctx, out, outlen,
				    (uint32_t)(seq >> 32), dec, sizeof(dec),
				    &nh, &plen), ESP_OK, "%s/%s len %zu",
				    ctx.enc_name, ctx.auth_name, len);
				ATF_CHECK_EQ(plen, len);
				ATF_CHECK_EQ(nh, 41);
				ATF_CHECK(memcmp(dec, payload, len) == 0);
			}
			esp_ctx_free(&ctx);
		}
	}
	if (skipped > 0)
		printf("%zu legacy algorithm setups unavailable\n", skipped);
}

ATF_TC(legacy_algorithms);
ATF_TC_HEAD(legacy_algorithms, tc)
{
	atf_tc_set_md_var(tc, "descr", "Blowfish and CAST-128 set up through "
	    "OpenSSL's legacy provider, or the test is skipped");
}
ATF_TC_BODY(legacy_algorithms, tc)
{
	static const uint8_t ids[] = { SADB_X_EALG_BLOWFISHCBC,
	    SADB_X_EALG_CAST128CBC };
	struct esp_ctx ctx;
	size_t i;
	int rc;

	for (i = 0; i < sizeof(ids); i++) {
		rc = esp_ctx_init(&ctx, ids[i], key32, 16, SADB_AALG_NONE,
		    NULL, 0, 0);
		if (rc == -ENOENT)
			atf_tc_skip("OpenSSL lacks algorithm %u: %s", ids[i],
			    ctx.error);
		ATF_REQUIRE_EQ_MSG(rc, 0, "%s", ctx.error);
		ATF_CHECK_EQ(ctx.ivlen, 8);
		ATF_CHECK_EQ(ctx.padalign, 8);
		esp_ctx_free(&ctx);
	}
}

/* Encrypts a payload of payload_len bytes into buf; returns its length. */
static size_t
sample_packet(struct esp_ctx *ctx, size_t payload_len, uint8_t *buf)
{
	uint8_t payload[512];
	size_t outlen;

	memset(payload, 0x33, sizeof(payload));
	ATF_REQUIRE(payload_len <= sizeof(payload));
	ATF_REQUIRE_EQ(esp_encrypt(ctx, 0xabcd, 77, 4, payload, payload_len,
	    buf, BUFSZ, ESP_PAD_SEQ, &outlen), ESP_OK);
	return outlen;
}

ATF_TC(tampered_packets_rejected);
ATF_TC_HEAD(tampered_packets_rejected, tc)
{
	atf_tc_set_md_var(tc, "descr", "Flipping any bit of a packet with "
	    "integrity gives ESP_ERR_ICV");
}
ATF_TC_BODY(tampered_packets_rejected, tc)
{
	struct esp_ctx ctx;
	uint8_t pkt[BUFSZ], out[BUFSZ], nh;
	size_t i, pos, len, plen;
	int bit, rc;

	for (i = 0; i < NPAIRS; i++) {
		if (!init_pair(&ctx, &pairs[i], 0))
			continue;
		if (!has_integrity(&ctx)) {
			esp_ctx_free(&ctx);
			continue;
		}
		len = sample_packet(&ctx, 61, pkt);
		for (pos = 0; pos < len; pos++) {
			for (bit = 0; bit < 8; bit += 7) {
				pkt[pos] ^= (uint8_t)(1 << bit);
				rc = esp_decrypt(&ctx, pkt, len, 0, out,
				    sizeof(out), &nh, &plen);
				ATF_CHECK_EQ_MSG(rc, ESP_ERR_ICV,
				    "%s/%s byte %zu bit %d: %s", ctx.enc_name,
				    ctx.auth_name, pos, bit, esp_strerror(rc));
				pkt[pos] ^= (uint8_t)(1 << bit);
			}
		}
		ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, len, 0, out, sizeof(out),
		    &nh, &plen), ESP_OK);
		esp_ctx_free(&ctx);
	}
}

ATF_TC(aead_failure_wipes_output);
ATF_TC_HEAD(aead_failure_wipes_output, tc)
{
	atf_tc_set_md_var(tc, "descr", "A GCM packet with a bad tag leaves "
	    "no plaintext behind, also when decrypted in place");
}
ATF_TC_BODY(aead_failure_wipes_output, tc)
{
	static const uint8_t zeros[BUFSZ];
	struct esp_ctx ctx;
	uint8_t payload[100], pkt[BUFSZ], out[BUFSZ], nh;
	size_t len, plen, ctlen;

	memset(payload, 0x61, sizeof(payload));
	init_ctx(&ctx, SADB_X_EALG_AESGCM16, key32, 20, SADB_AALG_NONE, NULL,
	    0, 0);
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 5, 5, 4, payload, sizeof(payload),
	    pkt, sizeof(pkt), ESP_PAD_SEQ, &len), ESP_OK);
	ctlen = esp_decrypt_len(&ctx, len);
	pkt[len - 1] ^= 0x80;

	memset(out, 0xff, sizeof(out));
	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_ICV);
	ATF_CHECK(memcmp(out, zeros, ctlen) == 0);

	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, len, 0, pkt + 16, len - 16, &nh,
	    &plen), ESP_ERR_ICV);
	ATF_CHECK(memcmp(pkt + 16, zeros, ctlen) == 0);
	esp_ctx_free(&ctx);
}

ATF_TC(truncated_packets_rejected);
ATF_TC_HEAD(truncated_packets_rejected, tc)
{
	atf_tc_set_md_var(tc, "descr", "Every prefix of a packet is rejected, "
	    "short ones as truncated, and extended ones fail too");
}
ATF_TC_BODY(truncated_packets_rejected, tc)
{
	struct esp_ctx ctx;
	uint8_t pkt[BUFSZ], out[BUFSZ], nh;
	size_t i, cut, len, plen, minlen;
	int rc;

	for (i = 0; i < NPAIRS; i++) {
		if (!init_pair(&ctx, &pairs[i], 0))
			continue;
		len = sample_packet(&ctx, 45, pkt);
		minlen = esp_header_len(&ctx) + ctx.icvlen +
		    (ctx.blocklen > 2 ? ctx.blocklen : 2);
		for (cut = 0; cut < len; cut++) {
			rc = esp_decrypt(&ctx, pkt, cut, 0, out, sizeof(out),
			    &nh, &plen);
			ATF_CHECK_MSG(rc != ESP_OK, "%s/%s: prefix %zu "
			    "accepted", ctx.enc_name, ctx.auth_name, cut);
			if (cut < minlen)
				ATF_CHECK_EQ_MSG(rc, ESP_ERR_TRUNCATED,
				    "%s/%s: prefix %zu: %s", ctx.enc_name,
				    ctx.auth_name, cut, esp_strerror(rc));
		}
		if (has_integrity(&ctx)) {
			pkt[len] = 0;
			ATF_CHECK(esp_decrypt(&ctx, pkt, len + 1, 0, out,
			    sizeof(out), &nh, &plen) != ESP_OK);
		}
		esp_ctx_free(&ctx);
	}
}

ATF_TC(random_packets_safe);
ATF_TC_HEAD(random_packets_safe, tc)
{
	atf_tc_set_md_var(tc, "descr", "Random bytes of every length up to 600 "
	    "never decrypt on SAs with integrity and never overrun");
}
ATF_TC_BODY(random_packets_safe, tc)
{
	struct esp_ctx ctx;
	uint8_t pkt[600], out[600], nh;
	size_t i, len, plen;
	uint32_t state = 12345;
	int rc;

	for (i = 0; i < NPAIRS; i++) {
		if (!init_pair(&ctx, &pairs[i], ESP_F_ESN))
			continue;
		for (len = 0; len < sizeof(pkt); len++) {
			state = state * 1103515245 + 12345;
			memset(pkt, (int)(state >> 16), sizeof(pkt));
			pkt[len / 2] ^= (uint8_t)state;
			rc = esp_decrypt(&ctx, pkt, len, state, out, len, &nh,
			    &plen);
			if (has_integrity(&ctx))
				ATF_CHECK_MSG(rc != ESP_OK, "%s/%s len %zu",
				    ctx.enc_name, ctx.auth_name, len);
			if (rc == ESP_OK)
				ATF_CHECK(plen + 2 <= esp_decrypt_len(&ctx,
				    len));
		}
		esp_ctx_free(&ctx);
	}
}

/*
 * Builds a null-encryption packet by hand, so the trailer bytes are
 * exactly as given, and returns its length.
 */
static size_t
null_packet(uint8_t *pkt, const uint8_t *trailer, size_t trailer_len,
    size_t payload_len)
{
	memcpy(pkt, "\0\0\x10\0\0\0\0\x01", 8);
	memset(pkt + 8, 0x77, payload_len);
	memcpy(pkt + 8 + payload_len, trailer, trailer_len);
	return 8 + payload_len + trailer_len;
}

ATF_TC(padding_checks);
ATF_TC_HEAD(padding_checks, tc)
{
	atf_tc_set_md_var(tc, "descr", "SAs other than random-pad require the "
	    "last pad byte to equal the pad length; every SA rejects a pad "
	    "length beyond the data");
}
ATF_TC_BODY(padding_checks, tc)
{
	struct esp_ctx seqpad, zeropad, randpad;
	uint8_t pkt[64], out[64], nh;
	size_t len, plen;

	init_ctx(&seqpad, SADB_EALG_NULL, NULL, 0, SADB_AALG_NONE, NULL, 0,
	    ESP_PAD_SEQ);
	init_ctx(&zeropad, SADB_EALG_NULL, NULL, 0, SADB_AALG_NONE, NULL, 0,
	    ESP_PAD_ZERO);
	init_ctx(&randpad, SADB_EALG_NULL, NULL, 0, SADB_AALG_NONE, NULL, 0,
	    ESP_PAD_RANDOM);

	/* Pad bytes 1, 2, 3: every SA takes them. */
	len = null_packet(pkt, (const uint8_t *)"\x01\x02\x03\x03\x04", 5, 7);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 7);
	ATF_CHECK_EQ(nh, 4);
	ATF_CHECK_EQ(esp_decrypt(&zeropad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(esp_decrypt(&randpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);

	/* Wrong bytes before a right last pad byte are not checked. */
	len = null_packet(pkt, (const uint8_t *)"\x09\xff\x03\x03\x04", 5, 7);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 7);
	ATF_CHECK_EQ(esp_decrypt(&zeropad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 7);

	/* A last pad byte other than the pad length. */
	len = null_packet(pkt, (const uint8_t *)"\x01\x02\x04\x03\x04", 5, 7);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADDING);
	ATF_CHECK_EQ(esp_decrypt(&zeropad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADDING);
	ATF_CHECK_EQ(esp_decrypt(&randpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);

	/* Zero padding fails the check too, even on a zero-pad SA. */
	len = null_packet(pkt, (const uint8_t *)"\0\0\0\x03\x04", 5, 7);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADDING);
	ATF_CHECK_EQ(esp_decrypt(&zeropad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADDING);
	ATF_CHECK_EQ(esp_decrypt(&randpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 7);

	/* Pad length 0: the payload's last byte is not a pad byte. */
	len = null_packet(pkt, (const uint8_t *)"\x00\x04", 2, 10);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 10);
	ATF_CHECK_EQ(esp_decrypt(&zeropad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 10);

	/* Pad length 13 in 12 bytes of cleartext, then 10: no payload. */
	len = null_packet(pkt, (const uint8_t *)"\x0d\x04", 2, 10);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADLEN);
	ATF_CHECK_EQ(esp_decrypt(&randpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADLEN);
	len = null_packet(pkt, (const uint8_t *)"\x0a\x04", 2, 10);
	ATF_CHECK_EQ(esp_decrypt(&randpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 0);

	/* 9 bytes of cleartext do not end on a 4-byte boundary. */
	len = null_packet(pkt, (const uint8_t *)"\x00\x04", 2, 5);
	ATF_CHECK_EQ(esp_decrypt(&seqpad, pkt, len, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_LENGTH);

	esp_ctx_free(&seqpad);
	esp_ctx_free(&zeropad);
	esp_ctx_free(&randpad);
}

ATF_TC(cbc_bad_padding_after_decrypt);
ATF_TC_HEAD(cbc_bad_padding_after_decrypt, tc)
{
	atf_tc_set_md_var(tc, "descr", "AES-CBC packets with a bad pad "
	    "length or last pad byte are rejected after decryption");
}
ATF_TC_BODY(cbc_bad_padding_after_decrypt, tc)
{
	struct esp_ctx ctx;
	uint8_t pkt[64], out[64], iv[16], nh;
	size_t plen;

	init_ctx(&ctx, SADB_X_EALG_AESCBC, key32, 16, SADB_AALG_NONE, NULL, 0,
	    ESP_PAD_SEQ);
	memset(iv, 0x11, sizeof(iv));
	memcpy(pkt, "\0\0\0\x01\0\0\0\x02", 8);
	memcpy(pkt + 8, iv, 16);

	/* 32 bytes of cleartext ending in pad length 31: too long. */
	memset(pkt + 24, 0, 30);
	pkt[24 + 30] = 31;
	pkt[24 + 31] = 4;
	ATF_REQUIRE_EQ(esp_cipher(&ctx, true, iv, pkt + 24, 32, pkt + 24),
	    ESP_OK);
	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, 56, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADLEN);

	/* Pad length 3 with bytes 1, 2, 2. */
	memset(pkt + 24, 0, 32);
	memcpy(pkt + 24 + 27, "\x01\x02\x02\x03\x04", 5);
	ATF_REQUIRE_EQ(esp_cipher(&ctx, true, iv, pkt + 24, 32, pkt + 24),
	    ESP_OK);
	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, 56, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_PADDING);

	/* A ciphertext that is not whole blocks. */
	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, 55, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_LENGTH);
	esp_ctx_free(&ctx);
}

ATF_TC(pad_modes);
ATF_TC_HEAD(pad_modes, tc)
{
	atf_tc_set_md_var(tc, "descr", "Outbound padding: 1, 2, 3, ..., zeros "
	    "or random bytes, always the minimum length");
}
ATF_TC_BODY(pad_modes, tc)
{
	struct esp_ctx ctx, rx;
	uint8_t payload[16], pkt[BUFSZ], clear[64], first[13], nh;
	size_t i, outlen, plen;

	memset(payload, 0xee, sizeof(payload));
	init_ctx(&ctx, SADB_X_EALG_AESCBC, key32, 16, SADB_AALG_NONE, NULL, 0,
	    0);
	init_ctx(&rx, SADB_X_EALG_AESCBC, key32, 16, SADB_AALG_NONE, NULL, 0,
	    ESP_PAD_RANDOM);

	/* 1 byte of payload in a 16-byte block: 13 pad bytes. */
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 1, 1, 4, payload, 1, pkt, sizeof(pkt),
	    ESP_PAD_SEQ, &outlen), ESP_OK);
	ATF_REQUIRE_EQ(outlen, 8 + 16 + 16);
	ATF_REQUIRE_EQ(esp_cipher(&ctx, false, pkt + 8, pkt + 24, 16, clear),
	    ESP_OK);
	for (i = 0; i < 13; i++)
		ATF_CHECK_EQ(clear[1 + i], i + 1);
	ATF_CHECK_EQ(clear[14], 13);
	ATF_CHECK_EQ(clear[15], 4);

	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 1, 2, 4, payload, 1, pkt, sizeof(pkt),
	    ESP_PAD_ZERO, &outlen), ESP_OK);
	ATF_REQUIRE_EQ(esp_cipher(&ctx, false, pkt + 8, pkt + 24, 16, clear),
	    ESP_OK);
	for (i = 0; i < 13; i++)
		ATF_CHECK_EQ(clear[1 + i], 0);
	ATF_CHECK_EQ(clear[14], 13);

	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 1, 3, 4, payload, 1, pkt, sizeof(pkt),
	    ESP_PAD_RANDOM, &outlen), ESP_OK);
	ATF_REQUIRE_EQ(esp_cipher(&ctx, false, pkt + 8, pkt + 24, 16, clear),
	    ESP_OK);
	memcpy(first, clear + 1, 13);
	ATF_CHECK_EQ(clear[14], 13);
	ATF_CHECK_EQ(esp_decrypt(&rx, pkt, outlen, 0, clear, sizeof(clear),
	    &nh, &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 1);
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 1, 4, 4, payload, 1, pkt, sizeof(pkt),
	    ESP_PAD_RANDOM, &outlen), ESP_OK);
	ATF_REQUIRE_EQ(esp_cipher(&ctx, false, pkt + 8, pkt + 24, 16, clear),
	    ESP_OK);
	ATF_CHECK(memcmp(first, clear + 1, 13) != 0);

	/* 14 bytes fill the block exactly: no pad bytes. */
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 1, 5, 4, payload, 14, pkt, sizeof(pkt),
	    ESP_PAD_SEQ, &outlen), ESP_OK);
	ATF_CHECK_EQ(outlen, 8 + 16 + 16);
	ATF_CHECK_EQ(esp_encrypt(&ctx, 1, 6, 4, payload, 1, pkt, sizeof(pkt),
	    ESP_PAD_MASK, &outlen), ESP_ERR_INVAL);
	esp_ctx_free(&ctx);
	esp_ctx_free(&rx);
}

ATF_TC(ctr_pads_to_aes_block);
ATF_TC_HEAD(ctr_pads_to_aes_block, tc)
{
	atf_tc_set_md_var(tc, "descr", "AES-CTR pads to 16 bytes as FreeBSD "
	    "does, and accepts packets padded to 4 bytes only");
}
ATF_TC_BODY(ctr_pads_to_aes_block, tc)
{
	struct esp_ctx ctx;
	uint8_t payload[20] = { 0 }, pkt[BUFSZ], out[BUFSZ], iv[8] = { 0 };
	uint8_t nh;
	size_t len, plen;

	init_ctx(&ctx, SADB_X_EALG_AESCTR, key32, 20, SADB_AALG_NONE, NULL,
	    0, 0);
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 1, 1, 4, payload, 1, pkt,
	    sizeof(pkt), ESP_PAD_SEQ, &len), ESP_OK);
	ATF_CHECK_EQ(len, 8 + 8 + 16);

	/* 6 bytes of payload, pad length 0, next header 4: 8 bytes. */
	memcpy(pkt, "\0\0\0\1\0\0\0\2", 8);
	memcpy(pkt + 8, iv, 8);
	memcpy(pkt + 16, "abcdef\0\4", 8);
	ATF_REQUIRE_EQ(esp_cipher(&ctx, true, iv, pkt + 16, 8, pkt + 16),
	    ESP_OK);
	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, 24, 0, out, sizeof(out), &nh,
	    &plen), ESP_OK);
	ATF_CHECK_EQ(plen, 6);
	ATF_CHECK_EQ(memcmp(out, "abcdef", 6), 0);

	/* A ciphertext that does not end on a 4-byte boundary. */
	ATF_CHECK_EQ(esp_decrypt(&ctx, pkt, 23, 0, out, sizeof(out), &nh,
	    &plen), ESP_ERR_LENGTH);
	esp_ctx_free(&ctx);
}

ATF_TC(iv_generation);
ATF_TC_HEAD(iv_generation, tc)
{
	atf_tc_set_md_var(tc, "descr", "CBC IVs are random; counter-mode IVs "
	    "count 1, 2, 3 independently of the sequence number");
}
ATF_TC_BODY(iv_generation, tc)
{
	struct esp_ctx cbc, gcm;
	uint8_t payload[32] = { 0 }, a[BUFSZ], b[BUFSZ];
	uint8_t fixed[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
	size_t alen, blen, i;

	init_ctx(&cbc, SADB_X_EALG_AESCBC, key32, 16, SADB_AALG_SHA1HMAC,
	    authkey64, 20, 0);
	ATF_REQUIRE_EQ(esp_encrypt(&cbc, 1, 1, 4, payload, 32, a, BUFSZ,
	    ESP_PAD_SEQ, &alen), ESP_OK);
	for (i = 0; i < 600; i++) {
		ATF_REQUIRE_EQ(esp_encrypt(&cbc, 1, 1, 4, payload, 32, b,
		    BUFSZ, ESP_PAD_SEQ, &blen), ESP_OK);
		ATF_CHECK(memcmp(a + 8, b + 8, 16) != 0);
	}
	esp_ctx_free(&cbc);

	init_ctx(&gcm, SADB_X_EALG_AESGCM16, key32, 20, SADB_AALG_NONE, NULL,
	    0, 0);
	ATF_REQUIRE_EQ(esp_encrypt(&gcm, 1, 500, 4, payload, 32, a, BUFSZ,
	    ESP_PAD_SEQ, &alen), ESP_OK);
	ATF_CHECK_EQ(memcmp(a + 8, "\0\0\0\0\0\0\0\x01", 8), 0);
	ATF_REQUIRE_EQ(esp_ctx_set_next_iv(&gcm, fixed, sizeof(fixed)), 0);
	ATF_REQUIRE_EQ(esp_encrypt(&gcm, 1, 500, 4, payload, 32, a, BUFSZ,
	    ESP_PAD_SEQ, &alen), ESP_OK);
	ATF_CHECK_EQ(memcmp(a + 8, fixed, 8), 0);
	ATF_REQUIRE_EQ(esp_encrypt(&gcm, 1, 500, 4, payload, 32, a, BUFSZ,
	    ESP_PAD_SEQ, &alen), ESP_OK);
	ATF_CHECK_EQ(memcmp(a + 8, "\0\0\0\0\0\0\0\x02", 8), 0);
	ATF_CHECK_EQ(esp_ctx_set_next_iv(&gcm, fixed, 7), -EINVAL);

	gcm.iv_counter = UINT64_MAX;
	ATF_CHECK_EQ(esp_encrypt(&gcm, 1, 500, 4, payload, 32, a, BUFSZ,
	    ESP_PAD_SEQ, &alen), ESP_ERR_IV_EXHAUSTED);
	esp_ctx_free(&gcm);
}

ATF_TC(encrypt_argument_errors);
ATF_TC_HEAD(encrypt_argument_errors, tc)
{
	atf_tc_set_md_var(tc, "descr", "esp_encrypt() rejects small buffers, "
	    "oversized payloads and 64-bit sequence numbers without ESN");
}
ATF_TC_BODY(encrypt_argument_errors, tc)
{
	static uint8_t big[70000];
	struct esp_ctx ctx;
	uint8_t out[BUFSZ];
	size_t outlen, need;

	init_ctx(&ctx, SADB_X_EALG_AESCBC, key32, 16, SADB_AALG_SHA1HMAC,
	    authkey64, 20, 0);
	need = esp_packet_len(&ctx, 100);
	ATF_CHECK_EQ(need, 8 + 16 + 112 + 12);
	ATF_CHECK(need <= 100 + esp_overhead_max(&ctx));
	ATF_CHECK_EQ(esp_encrypt(&ctx, 1, 1, 4, big, 100, out, need - 1,
	    ESP_PAD_SEQ, &outlen), ESP_ERR_NOSPACE);
	ATF_CHECK_EQ(esp_encrypt(&ctx, 1, 1, 4, big, 100, out, need,
	    ESP_PAD_SEQ, &outlen), ESP_OK);
	ATF_CHECK_EQ(esp_encrypt(&ctx, 1, 1, 4, big, sizeof(big), out,
	    sizeof(out), ESP_PAD_SEQ, &outlen), ESP_ERR_TOOBIG);
	ATF_CHECK_EQ(esp_encrypt(&ctx, 1, 65500, 4, big, 65500, big,
	    sizeof(big), ESP_PAD_SEQ, &outlen), ESP_ERR_TOOBIG);
	ATF_CHECK_EQ(esp_encrypt(&ctx, 1, UINT64_C(1) << 32, 4, big, 10, out,
	    sizeof(out), ESP_PAD_SEQ, &outlen), ESP_ERR_INVAL);
	ATF_CHECK_EQ(esp_decrypt(&ctx, out, need, 0, out + 24, 10, NULL,
	    NULL), ESP_ERR_NOSPACE);
	esp_ctx_free(&ctx);
}

ATF_TC(in_place_encrypt);
ATF_TC_HEAD(in_place_encrypt, tc)
{
	atf_tc_set_md_var(tc, "descr", "A payload at the ciphertext offset, "
	    "or overlapping the output elsewhere, gives the same packet");
}
ATF_TC_BODY(in_place_encrypt, tc)
{
	struct esp_ctx ctx;
	uint8_t payload[200], a[BUFSZ], b[BUFSZ], iv[16];
	size_t alen, blen, i;

	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	memset(iv, 0x5a, sizeof(iv));
	init_ctx(&ctx, SADB_X_EALG_AESCBC, key32, 32, SADB_X_AALG_SHA2_256,
	    authkey64, 32, 0);
	ATF_REQUIRE_EQ(esp_ctx_set_next_iv(&ctx, iv, 16), 0);
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 7, 9, 4, payload, sizeof(payload), a,
	    BUFSZ, ESP_PAD_SEQ, &alen), ESP_OK);
	memcpy(b + esp_header_len(&ctx), payload, sizeof(payload));
	ATF_REQUIRE_EQ(esp_ctx_set_next_iv(&ctx, iv, 16), 0);
	ATF_REQUIRE_EQ(esp_encrypt(&ctx, 7, 9, 4, b + esp_header_len(&ctx),
	    sizeof(payload), b, BUFSZ, ESP_PAD_SEQ, &blen), ESP_OK);
	check_bytes("in-place packet", b, blen, a, alen);

	/* Payloads overlapping the header, or lying further on. */
	for (i = 0; i < 60; i += 7) {
		memcpy(b + i, payload, sizeof(payload));
		ATF_REQUIRE_EQ(esp_ctx_set_next_iv(&ctx, iv, 16), 0);
		ATF_REQUIRE_EQ(esp_encrypt(&ctx, 7, 9, 4, b + i,
		    sizeof(payload), b, BUFSZ, ESP_PAD_SEQ, &blen), ESP_OK);
		check_bytes("overlapping payload", b, blen, a, alen);
	}
	esp_ctx_free(&ctx);
}

ATF_TC(context_setup_errors);
ATF_TC_HEAD(context_setup_errors, tc)
{
	atf_tc_set_md_var(tc, "descr", "esp_ctx_init() rejects bad keys, "
	    "unknown algorithms and AEAD with a foreign integrity id");
}
ATF_TC_BODY(context_setup_errors, tc)
{
	struct esp_ctx ctx;

	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, key32, 20,
	    SADB_AALG_NONE, NULL, 0, 0), -EINVAL);
	ATF_CHECK(ctx.error != NULL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGCM16, key32, 16,
	    SADB_AALG_NONE, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCTR, key32, 3,
	    SADB_AALG_NONE, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_CHACHA20POLY1305, key32,
	    32, SADB_AALG_NONE, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_EALG_3DESCBC, key32, 16,
	    SADB_AALG_NONE, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGCM16, key32, 20,
	    SADB_AALG_SHA1HMAC, authkey64, 20, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, key32, 16,
	    SADB_X_AALG_AES_XCBC_MAC, authkey64, 20, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, key32, 16,
	    SADB_AALG_SHA1HMAC, authkey64, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, key32, 16,
	    SADB_X_AALG_NULL, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_EALG_DESCBC, key32, 8,
	    SADB_AALG_NONE, NULL, 0, 0), -ENOTSUP);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGMAC, key32, 20,
	    SADB_AALG_NONE, NULL, 0, 0), -ENOTSUP);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, key32, 16,
	    SADB_X_AALG_TCP_MD5, authkey64, 16, 0), -ENOTSUP);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGCM16, key32, 20,
	    SADB_X_AALG_AES256GMAC, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_CHACHA20POLY1305, key32,
	    36, SADB_X_AALG_AES128GMAC, NULL, 0, 0), -EINVAL);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESCBC, key32, 16,
	    SADB_AALG_SHA1HMAC, authkey64, 20, 0), 0);
	ATF_CHECK_EQ(ctx.icvlen, 12);
	ATF_CHECK_EQ(ctx.ivlen, 16);
	esp_ctx_free(&ctx);

	/* The authenticator ids FreeBSD records for AEAD SAs. */
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGCM16, key32, 20,
	    SADB_X_AALG_AES128GMAC, NULL, 0, 0), 0);
	ATF_CHECK_EQ(ctx.icvlen, 16);
	esp_ctx_free(&ctx);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGCM16, key32, 28,
	    SADB_X_AALG_AES192GMAC, NULL, 0, 0), 0);
	esp_ctx_free(&ctx);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_AESGCM16, key32, 36,
	    SADB_X_AALG_AES256GMAC, NULL, 0, 0), 0);
	esp_ctx_free(&ctx);
	ATF_CHECK_EQ(esp_ctx_init(&ctx, SADB_X_EALG_CHACHA20POLY1305, key32,
	    36, SADB_X_AALG_CHACHA20POLY1305, NULL, 0, 0), 0);
	esp_ctx_free(&ctx);
}

ATF_TC(error_strings);
ATF_TC_HEAD(error_strings, tc)
{
	atf_tc_set_md_var(tc, "descr", "Every status code has a description");
}
ATF_TC_BODY(error_strings, tc)
{
	int i;

	for (i = 0; i < ESP_ERR_COUNT; i++)
		ATF_CHECK(strcmp(esp_strerror(i), "unknown ESP error") != 0);
	ATF_CHECK_STREQ(esp_strerror(ESP_ERR_COUNT), "unknown ESP error");
	ATF_CHECK_STREQ(esp_strerror(-1), "unknown ESP error");
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, aes_cbc_packets_rfc3602);
	ATF_TP_ADD_TC(tp, aes_gcm_packets);
	ATF_TP_ADD_TC(tp, chacha20_poly1305_rfc7634);
	ATF_TP_ADD_TC(tp, freebsd_tunnel_packets);
	ATF_TP_ADD_TC(tp, other_algorithm_packets);
	ATF_TP_ADD_TC(tp, gcm_esn_wrong_high_half);
	ATF_TP_ADD_TC(tp, hmac_esn_icv);
	ATF_TP_ADD_TC(tp, esn_flow_across_rollover);
	ATF_TP_ADD_TC(tp, round_trip_all_algorithms);
	ATF_TP_ADD_TC(tp, legacy_algorithms);
	ATF_TP_ADD_TC(tp, tampered_packets_rejected);
	ATF_TP_ADD_TC(tp, aead_failure_wipes_output);
	ATF_TP_ADD_TC(tp, truncated_packets_rejected);
	ATF_TP_ADD_TC(tp, random_packets_safe);
	ATF_TP_ADD_TC(tp, padding_checks);
	ATF_TP_ADD_TC(tp, cbc_bad_padding_after_decrypt);
	ATF_TP_ADD_TC(tp, pad_modes);
	ATF_TP_ADD_TC(tp, ctr_pads_to_aes_block);
	ATF_TP_ADD_TC(tp, iv_generation);
	ATF_TP_ADD_TC(tp, encrypt_argument_errors);
	ATF_TP_ADD_TC(tp, in_place_encrypt);
	ATF_TP_ADD_TC(tp, context_setup_errors);
	ATF_TP_ADD_TC(tp, error_strings);
	return atf_no_error();
}
