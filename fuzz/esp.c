/*
 * libFuzzer harness for keyd's ESP input transform, esp_decrypt(), with
 * each SA configuration of esp_setup.c.
 *
 * Input: byte 0 picks the SA configuration, byte 1 the mode, bytes 2-5
 * the high sequence bits used with ESN, and the rest is the packet.
 *
 *	mode 0	decrypt the packet as it came
 *	mode 1	put the correct ICV on the packet first (integrity
 *		algorithms that are not AEAD), so that the fuzzer reaches
 *		the decryption and padding checks.  The ICV check must
 *		pass.
 *	mode 2	encrypt the bytes as a payload and decrypt the result,
 *		which must give them back
 *
 * Bit 2 of the mode byte decrypts in place.  Buffers are allocated at
 * their exact sizes, so ASan reports any access beyond them.
 */

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define MODE_RAW	0
#define MODE_FIXICV	1
#define MODE_ROUNDTRIP	2
#define MODE_INPLACE	0x04

static struct esp_ctx *ctxs;
static bool *ready;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const struct fuzz_sa_setup *s;
	size_t i;

	(void)argc;
	(void)argv;
	ctxs = calloc(fuzz_sa_nsetups, sizeof(*ctxs));
	ready = calloc(fuzz_sa_nsetups, sizeof(*ready));
	if (ctxs == NULL || ready == NULL)
		abort();
	for (i = 0; i < fuzz_sa_nsetups; i++) {
		s = &fuzz_sa_setups[i];
		/* Without OpenSSL's legacy provider some ciphers are absent. */
		ready[i] = esp_ctx_init(&ctxs[i], s->enc, s->enckey,
		    s->enckeylen, s->auth, s->authkey, s->authkeylen,
		    s->flags) == 0;
		if (!ready[i])
			fprintf(stderr, "%s: not available: %s\n", s->name,
			    ctxs[i].error != NULL ? ctxs[i].error : "?");
	}
	return 0;
}

static void
decrypt(struct esp_ctx *ctx, uint8_t *pkt, size_t len, uint32_t seq_hi,
    bool inplace, int expect_not)
{
	size_t hdrlen = esp_header_len(ctx), cap, plen = 0;
	uint8_t *out = NULL, nh = 0;
	int rc;

	if (inplace) {
		cap = len > hdrlen ? len - hdrlen : 0;
		rc = esp_decrypt(ctx, pkt, len, seq_hi, pkt + hdrlen, cap,
		    &nh, &plen);
	} else {
		cap = esp_decrypt_len(ctx, len);
		if ((out = malloc(cap > 0 ? cap : 1)) == NULL)
			return;
		rc = esp_decrypt(ctx, pkt, len, seq_hi, out, cap, &nh, &plen);
	}
	FUZZ_ASSERT(rc >= 0 && rc < ESP_ERR_COUNT);
	FUZZ_ASSERT(rc != expect_not);
	if (rc == ESP_OK)
		FUZZ_ASSERT(plen + 2 <= cap);
	free(out);
}

static void
fix_icv(struct esp_ctx *ctx, uint8_t *pkt, size_t len, uint32_t seq_hi)
{
	uint32_t ext = htonl(seq_hi);

	FUZZ_ASSERT(esp_compute_icv(ctx, pkt, len - ctx->icvlen,
	    (ctx->flags & ESP_F_ESN) ? (const uint8_t *)&ext : NULL,
	    pkt + len - ctx->icvlen) == ESP_OK);
}

static void
roundtrip(struct esp_ctx *ctx, const uint8_t *data, size_t len,
    uint32_t seq_hi)
{
	uint64_t seq = (uint64_t)seq_hi << 32 | 1;
	uint8_t *pkt, *out, nh = 0;
	size_t pktcap, pktlen = 0, plen = 0;
	int rc;

	if (len < 1)
		return;
	if (!(ctx->flags & ESP_F_ESN))
		seq &= 0xffffffff;
	pktcap = esp_packet_len(ctx, len - 1);
	if ((pkt = malloc(pktcap)) == NULL)
		return;
	rc = esp_encrypt(ctx, 0x1000, seq, data[0], data + 1, len - 1, pkt,
	    pktcap, ctx->flags & ESP_PAD_MASK, &pktlen);
	if (rc == ESP_ERR_TOOBIG) {
		free(pkt);
		return;
	}
	FUZZ_ASSERT(rc == ESP_OK);
	FUZZ_ASSERT(pktlen == pktcap);
	out = malloc(esp_decrypt_len(ctx, pktlen));
	FUZZ_ASSERT(out != NULL);
	rc = esp_decrypt(ctx, pkt, pktlen, seq_hi, out,
	    esp_decrypt_len(ctx, pktlen), &nh, &plen);
	/*
	 * As on FreeBSD, a receiver rejects a non-zero pad length whose last
	 * pad byte differs from it unless the SA is random-pad, so a zero-pad
	 * SA rejects its own padded packets.
	 */
	if ((ctx->flags & ESP_PAD_MASK) == ESP_PAD_ZERO &&
	    rc == ESP_ERR_PADDING) {
		free(out);
		free(pkt);
		return;
	}
	FUZZ_ASSERT(rc == ESP_OK);
	FUZZ_ASSERT(nh == data[0]);
	FUZZ_ASSERT(plen == len - 1);
	FUZZ_ASSERT(memcmp(out, data + 1, plen) == 0);
	free(out);
	free(pkt);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct esp_ctx *ctx;
	uint32_t seq_hi;
	uint8_t *pkt;
	size_t i, len;
	int mode;

	if (size < 6)
		return 0;
	i = data[0] % fuzz_sa_nsetups;
	if (!ready[i])
		return 0;
	ctx = &ctxs[i];
	mode = data[1] & 0x03;
	seq_hi = (ctx->flags & ESP_F_ESN) ? (uint32_t)data[2] << 24 |
	    (uint32_t)data[3] << 16 | (uint32_t)data[4] << 8 | data[5] : 0;
	len = size - 6;
	if (mode == MODE_ROUNDTRIP) {
		roundtrip(ctx, data + 6, len, seq_hi);
		return 0;
	}
	if ((pkt = malloc(len > 0 ? len : 1)) == NULL)
		return 0;
	memcpy(pkt, data + 6, len);
	if (mode == MODE_FIXICV && ctx->mode != ESP_MODE_AEAD &&
	    ctx->mac_kind != ESP_MAC_NONE &&
	    len >= esp_header_len(ctx) + ctx->icvlen + 2 &&
	    len <= 65535) {
		fix_icv(ctx, pkt, len, seq_hi);
		decrypt(ctx, pkt, len, seq_hi, (data[1] & MODE_INPLACE) != 0,
		    ESP_ERR_ICV);
	} else
		decrypt(ctx, pkt, len, seq_hi, (data[1] & MODE_INPLACE) != 0,
		    -1);
	free(pkt);
	return 0;
}
