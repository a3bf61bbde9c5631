/*
 * ESP packet framing (RFC 4303): header, IV, trailer and ICV around the
 * primitives in esp.c.  The packet layout is drawn in esp.h.
 */

#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "esp.h"

#define ESP_MAX_PACKET		65535	/* an IP datagram's maximum */
#define NONCE_LEN		12	/* salt and explicit IV */
#define AAD_MAX			12	/* SPI, seq_hi, seq_lo */

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

size_t
esp_header_len(const struct esp_ctx *ctx)
{
	return ESP_HDRLEN + ctx->ivlen;
}

/* Returns the ciphertext length for a payload: payload, pad, 2 bytes. */
static size_t
padded_len(const struct esp_ctx *ctx, size_t payload_len)
{
	size_t n = payload_len + 2;

	return (n + ctx->padalign - 1) / ctx->padalign * ctx->padalign;
}

size_t
esp_packet_len(const struct esp_ctx *ctx, size_t payload_len)
{
	return esp_header_len(ctx) + padded_len(ctx, payload_len) +
	    ctx->icvlen;
}

size_t
esp_overhead_max(const struct esp_ctx *ctx)
{
	return esp_header_len(ctx) + ctx->padalign - 1 + 2 + ctx->icvlen;
}

size_t
esp_decrypt_len(const struct esp_ctx *ctx, size_t len)
{
	size_t fixed = esp_header_len(ctx) + ctx->icvlen;

	return len > fixed ? len - fixed : 0;
}

int
esp_peek(const uint8_t *pkt, size_t len, uint32_t *spi, uint32_t *seq_lo)
{
	if (len < ESP_HDRLEN)
		return ESP_ERR_TRUNCATED;
	*spi = get32(pkt);
	*seq_lo = get32(pkt + 4);
	return ESP_OK;
}

/* Stores the additional data of RFC 4106 section 5; returns its length. */
static size_t
build_aad(const struct esp_ctx *ctx, const uint8_t *hdr, uint32_t seq_hi,
    uint8_t aad[AAD_MAX])
{
	if (!(ctx->flags & ESP_F_ESN)) {
		memcpy(aad, hdr, ESP_HDRLEN);
		return ESP_HDRLEN;
	}
	memcpy(aad, hdr, 4);
	put32(aad + 4, seq_hi);
	memcpy(aad + 8, hdr + 4, 4);
	return AAD_MAX;
}

static void
build_nonce(const struct esp_ctx *ctx, const uint8_t *iv,
    uint8_t nonce[NONCE_LEN])
{
	memcpy(nonce, ctx->salt, ESP_SALTLEN);
	memcpy(nonce + ESP_SALTLEN, iv, 8);
}

/* Encrypts buf in place and stores the tag after it. */
static int
aead_seal(struct esp_ctx *ctx, const uint8_t *hdr, uint32_t seq_hi,
    const uint8_t *iv, uint8_t *buf, size_t len)
{
	EVP_CIPHER_CTX *c = ctx->enc;
	uint8_t nonce[NONCE_LEN], aad[AAD_MAX];
	OSSL_PARAM params[2];
	size_t aadlen;
	int outl;

	build_nonce(ctx, iv, nonce);
	aadlen = build_aad(ctx, hdr, seq_hi, aad);
	if (EVP_EncryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_EncryptUpdate(c, NULL, &outl, aad, (int)aadlen) != 1)
		return ESP_ERR_CRYPTO;
	if (len > 0 && (EVP_EncryptUpdate(c, buf, &outl, buf,
	    (int)len) != 1 || (size_t)outl != len))
		return ESP_ERR_CRYPTO;
	if (EVP_EncryptFinal_ex(c, buf + len, &outl) != 1 || outl != 0)
		return ESP_ERR_CRYPTO;
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    buf + len, ctx->icvlen);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_CIPHER_CTX_get_params(c, params) != 1)
		return ESP_ERR_CRYPTO;
	return ESP_OK;
}

/*
 * Decrypts len bytes of ct into out and checks the tag that follows ct.
 * EVP reports a tag mismatch only at the end, so the output is wiped then.
 */
static int
aead_open(struct esp_ctx *ctx, const uint8_t *pkt, uint32_t seq_hi,
    const uint8_t *ct, size_t len, uint8_t *out)
{
	EVP_CIPHER_CTX *c = ctx->dec;
	uint8_t nonce[NONCE_LEN], aad[AAD_MAX], tag[ESP_MAX_ICVLEN];
	OSSL_PARAM params[2];
	size_t aadlen;
	int outl;

	build_nonce(ctx, pkt + ESP_HDRLEN, nonce);
	aadlen = build_aad(ctx, pkt, seq_hi, aad);
	memcpy(tag, ct + len, ctx->icvlen);
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG,
	    tag, ctx->icvlen);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_DecryptInit_ex(c, NULL, NULL, NULL, nonce) != 1 ||
	    EVP_CIPHER_CTX_set_params(c, params) != 1 ||
	    EVP_DecryptUpdate(c, NULL, &outl, aad, (int)aadlen) != 1)
		return ESP_ERR_CRYPTO;
	if (EVP_DecryptUpdate(c, out, &outl, ct, (int)len) != 1 ||
	    (size_t)outl != len)
		return ESP_ERR_CRYPTO;
	if (EVP_DecryptFinal_ex(c, out + len, &outl) != 1) {
		OPENSSL_cleanse(out, len);
		return ESP_ERR_ICV;
	}
	return ESP_OK;
}

/* Chooses the explicit IV: the test hook's, random, or the SA counter. */
static int
next_iv(struct esp_ctx *ctx, uint8_t *iv)
{
	if (ctx->ivlen == 0)
		return ESP_OK;
	if (ctx->next_iv_set) {
		memcpy(iv, ctx->next_iv, ctx->ivlen);
		ctx->next_iv_set = false;
		return ESP_OK;
	}
	if (ctx->mode == ESP_MODE_CBC)
		return esp_random(ctx, iv, ctx->ivlen);
	/*
	 * A counter-mode IV must never repeat under one key (RFC 3686
	 * section 2.1, RFC 4106 section 3), so it comes from a 64-bit
	 * counter of its own: the sequence number may cycle on SAs that
	 * allow it.
	 */
	if (ctx->iv_counter == UINT64_MAX)
		return ESP_ERR_IV_EXHAUSTED;
	ctx->iv_counter++;
	put32(iv, (uint32_t)(ctx->iv_counter >> 32));
	put32(iv + 4, (uint32_t)ctx->iv_counter);
	return ESP_OK;
}

static int
add_trailer(struct esp_ctx *ctx, uint8_t *p, size_t padlen,
    uint8_t next_header, int pad_mode)
{
	size_t i;
	int rc;

	switch (pad_mode) {
	case ESP_PAD_SEQ:
		for (i = 0; i < padlen; i++)
			p[i] = (uint8_t)(i + 1);
		break;
	case ESP_PAD_ZERO:
		memset(p, 0, padlen);
		break;
	case ESP_PAD_RANDOM:
		rc = esp_random(ctx, p, padlen);
		if (rc != ESP_OK)
			return rc;
		break;
	}
	p[padlen] = (uint8_t)padlen;
	p[padlen + 1] = next_header;
	return ESP_OK;
}

/*
 * Encrypts and authenticates the packet at out.  With chain, its IV field
 * contains random bytes for esp_cbc_seal() rather than a chosen IV.
 */
static int
seal(struct esp_ctx *ctx, uint8_t *out, size_t ctlen, uint32_t seq_hi,
    bool chain)
{
	uint8_t *iv = out + ESP_HDRLEN, *ct = iv + ctx->ivlen;
	uint8_t ext[4];
	int rc;

	if (ctx->mode == ESP_MODE_AEAD)
		return aead_seal(ctx, out, seq_hi, iv, ct, ctlen);
	if (chain)
		rc = esp_cbc_seal(ctx, iv, ctlen);
	else
		rc = esp_cipher(ctx, true, iv, ct, ctlen, ct);
	if (rc != ESP_OK || ctx->mac_kind == ESP_MAC_NONE)
		return rc;
	put32(ext, seq_hi);
	return esp_compute_icv(ctx, out, ESP_HDRLEN + ctx->ivlen + ctlen,
	    (ctx->flags & ESP_F_ESN) ? ext : NULL, ct + ctlen);
}

int
esp_encrypt(struct esp_ctx *ctx, uint32_t spi, uint64_t seq,
    uint8_t next_header, const uint8_t *payload, size_t payload_len,
    uint8_t *out, size_t out_cap, int pad_mode, size_t *out_len)
{
	size_t hdrlen = esp_header_len(ctx), ctlen, total;
	uint8_t *ct = out + hdrlen;
	bool chain;
	int rc;

	if (!(ctx->flags & ESP_F_ESN) && seq > UINT32_MAX)
		return ESP_ERR_INVAL;
	if (pad_mode != ESP_PAD_SEQ && pad_mode != ESP_PAD_ZERO &&
	    pad_mode != ESP_PAD_RANDOM)
		return ESP_ERR_INVAL;
	if (payload_len > ESP_MAX_PACKET)
		return ESP_ERR_TOOBIG;
	ctlen = padded_len(ctx, payload_len);
	total = hdrlen + ctlen + ctx->icvlen;
	if (total > ESP_MAX_PACKET)
		return ESP_ERR_TOOBIG;
	if (total > out_cap)
		return ESP_ERR_NOSPACE;

	/* Move the payload first, so it may overlap the header's bytes. */
	if (payload != ct && payload_len > 0)
		memmove(ct, payload, payload_len);
	put32(out, spi);
	put32(out + 4, (uint32_t)seq);
	chain = ctx->mode == ESP_MODE_CBC && !ctx->next_iv_set;
	rc = next_iv(ctx, out + ESP_HDRLEN);
	if (rc != ESP_OK)
		return rc;
	rc = add_trailer(ctx, ct + payload_len, ctlen - payload_len - 2,
	    next_header, pad_mode);
	if (rc == ESP_OK)
		rc = seal(ctx, out, ctlen, (uint32_t)(seq >> 32), chain);
	if (rc != ESP_OK)
		return rc;
	*out_len = total;
	return ESP_OK;
}

/* Returns ESP_OK when the packet's ICV matches, in constant time. */
static int
verify_icv(struct esp_ctx *ctx, const uint8_t *pkt, size_t authlen,
    uint32_t seq_hi)
{
	uint8_t icv[ESP_MAX_ICVLEN], ext[4];
	int rc;

	put32(ext, seq_hi);
	rc = esp_compute_icv(ctx, pkt, authlen,
	    (ctx->flags & ESP_F_ESN) ? ext : NULL, icv);
	if (rc != ESP_OK)
		return rc;
	if (CRYPTO_memcmp(icv, pkt + authlen, ctx->icvlen) != 0)
		return ESP_ERR_ICV;
	return ESP_OK;
}

/* Checks the ciphertext length before any cryptography. */
static int
check_length(const struct esp_ctx *ctx, size_t len, size_t ctlen)
{
	if (len < esp_header_len(ctx) + ctx->icvlen + 2)
		return ESP_ERR_TRUNCATED;
	if (ctlen < ctx->blocklen)
		return ESP_ERR_TRUNCATED;
	if (len > ESP_MAX_PACKET)
		return ESP_ERR_TOOBIG;
	/*
	 * CBC needs whole blocks.  RFC 4303 section 2.4 has every sender end
	 * the ciphertext on a 4-byte boundary, and FreeBSD drops ESP packets
	 * of other lengths, so this receiver does too (Linux accepts them).
	 */
	if (ctlen % ctx->blocklen != 0 || ctlen % 4 != 0)
		return ESP_ERR_LENGTH;
	return ESP_OK;
}

/*
 * Validates the trailer of the decrypted data pt (RFC 4303 2.4, 2.5) as
 * FreeBSD's esp_input_cb() does: unless the SA is set to random-pad, a
 * non-zero pad length must equal the last pad byte.  The pad bytes before
 * it are not checked.
 */
static int
check_trailer(const struct esp_ctx *ctx, const uint8_t *pt, size_t ctlen,
    size_t *padlen)
{
	size_t n = pt[ctlen - 2];

	if (n + 2 > ctlen)
		return ESP_ERR_PADLEN;
	if ((ctx->flags & ESP_PAD_MASK) != ESP_PAD_RANDOM && n != 0 &&
	    pt[ctlen - 3] != n)
		return ESP_ERR_PADDING;
	*padlen = n;
	return ESP_OK;
}

int
esp_decrypt(struct esp_ctx *ctx, const uint8_t *pkt, size_t len,
    uint32_t seq_hi, uint8_t *out, size_t out_cap, uint8_t *next_header,
    size_t *payload_len)
{
	size_t hdrlen = esp_header_len(ctx), ctlen, padlen;
	const uint8_t *ct;
	int rc;

	ctlen = esp_decrypt_len(ctx, len);
	rc = check_length(ctx, len, ctlen);
	if (rc != ESP_OK)
		return rc;
	if (out_cap < ctlen)
		return ESP_ERR_NOSPACE;
	ct = pkt + hdrlen;

	if (ctx->mode == ESP_MODE_AEAD) {
		rc = aead_open(ctx, pkt, seq_hi, ct, ctlen, out);
	} else {
		if (ctx->mac_kind != ESP_MAC_NONE)
			rc = verify_icv(ctx, pkt, hdrlen + ctlen, seq_hi);
		if (rc == ESP_OK)
			rc = esp_cipher(ctx, false, pkt + ESP_HDRLEN, ct,
			    ctlen, out);
	}
	if (rc != ESP_OK)
		return rc;

	rc = check_trailer(ctx, out, ctlen, &padlen);
	if (rc != ESP_OK)
		return rc;
	*next_header = out[ctlen - 1];
	*payload_len = ctlen - 2 - padlen;
	return ESP_OK;
}
