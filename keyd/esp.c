/*
 * ESP SA contexts: algorithm table, key setup and the cipher and integrity
 * primitives that esp_packet.c frames into packets.
 *
 * Every EVP object is created once per SA.  Per packet the cipher contexts
 * are only re-initialised with a new IV (the key schedule stays), and HMAC
 * restarts from the key it was given, so this code allocates nothing per
 * packet.  NOTE: OpenSSL 3.0's HMAC still copies its digest state with two
 * internal allocations per packet (counted with CRYPTO_set_mem_functions);
 * ciphers, AEADs and AES-XCBC allocate nothing.
 */

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/provider.h>
#include <openssl/rand.h>

#include "pfkeyv2.h"
#include "esp.h"

/* The context flags reuse FreeBSD's SA flag bits, so keyd passes them on. */
_Static_assert(ESP_F_ESN == SADB_X_SAFLAGS_ESN, "ESN flag");
_Static_assert(ESP_PAD_SEQ == SADB_X_EXT_PSEQ, "seq-pad flag");
_Static_assert(ESP_PAD_RANDOM == SADB_X_EXT_PRAND, "random-pad flag");
_Static_assert(ESP_PAD_ZERO == SADB_X_EXT_PZERO, "zero-pad flag");
_Static_assert(ESP_PAD_MASK == SADB_X_EXT_PMASK, "padding mask");

struct enc_alg {
	uint8_t			 id;
	const char		*name;		/* setkey's name */
	const char		*evp[3];	/* 128/192/256-bit or any key */
	enum esp_cipher_mode	 mode;
	size_t			 minkey;	/* key bytes, salt excluded */
	size_t			 maxkey;
	bool			 aeskey;	/* exactly 16, 24 or 32 bytes */
	size_t			 saltlen;
	size_t			 ivlen;
	size_t			 icvlen;	/* AEAD tag */
};

struct auth_alg {
	uint8_t			 id;
	const char		*name;
	const char		*digest;	/* NULL for AES-XCBC */
	size_t			 icvlen;
};

/*
 * Key lengths follow setkey(8) and RFC 3602, 3686, 4106 and 7634.  The
 * IV of a CBC cipher is one block; counter modes send 8 bytes.
 */
static const struct enc_alg enc_algs[] = {
	{ SADB_EALG_NULL, "null", { NULL }, ESP_MODE_NULL,
	    0, 256, false, 0, 0, 0 },
	{ SADB_EALG_3DESCBC, "3des-cbc", { "DES-EDE3-CBC" }, ESP_MODE_CBC,
	    24, 24, false, 0, 8, 0 },
	{ SADB_X_EALG_CAST128CBC, "cast128-cbc", { "CAST5-CBC" },
	    ESP_MODE_CBC, 5, 16, false, 0, 8, 0 },
	{ SADB_X_EALG_BLOWFISHCBC, "blowfish-cbc", { "BF-CBC" },
	    ESP_MODE_CBC, 5, 56, false, 0, 8, 0 },
	{ SADB_X_EALG_AESCBC, "aes-cbc",
	    { "AES-128-CBC", "AES-192-CBC", "AES-256-CBC" }, ESP_MODE_CBC,
	    16, 32, true, 0, 16, 0 },
	{ SADB_X_EALG_CAMELLIACBC, "camellia-cbc",
	    { "CAMELLIA-128-CBC", "CAMELLIA-192-CBC", "CAMELLIA-256-CBC" },
	    ESP_MODE_CBC, 16, 32, true, 0, 16, 0 },
	{ SADB_X_EALG_AESCTR, "aes-ctr",
	    { "AES-128-CTR", "AES-192-CTR", "AES-256-CTR" }, ESP_MODE_CTR,
	    16, 32, true, 4, 8, 0 },
	{ SADB_X_EALG_AESGCM8, "aes-gcm-8",
	    { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" }, ESP_MODE_AEAD,
	    16, 32, true, 4, 8, 8 },
	{ SADB_X_EALG_AESGCM12, "aes-gcm-12",
	    { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" }, ESP_MODE_AEAD,
	    16, 32, true, 4, 8, 12 },
	{ SADB_X_EALG_AESGCM16, "aes-gcm-16",
	    { "AES-128-GCM", "AES-192-GCM", "AES-256-GCM" }, ESP_MODE_AEAD,
	    16, 32, true, 4, 8, 16 },
	{ SADB_X_EALG_CHACHA20POLY1305, "chacha20-poly1305",
	    { "ChaCha20-Poly1305" }, ESP_MODE_AEAD, 32, 32, false, 4, 8, 16 },
};

/* ICV lengths: RFC 2403, 2404, 2857 and 3566 (96 bits), RFC 4868 (half). */
static const struct auth_alg auth_algs[] = {
	{ SADB_AALG_NONE, "none", NULL, 0 },
	{ SADB_AALG_MD5HMAC, "hmac-md5", "MD5", 12 },
	{ SADB_AALG_SHA1HMAC, "hmac-sha1", "SHA1", 12 },
	{ SADB_X_AALG_SHA2_256, "hmac-sha2-256", "SHA2-256", 16 },
	{ SADB_X_AALG_SHA2_384, "hmac-sha2-384", "SHA2-384", 24 },
	{ SADB_X_AALG_SHA2_512, "hmac-sha2-512", "SHA2-512", 32 },
	{ SADB_X_AALG_RIPEMD160HMAC, "hmac-ripemd160", "RIPEMD160", 12 },
	{ SADB_X_AALG_AES_XCBC_MAC, "aes-xcbc-mac", NULL, 12 },
};

static const char *const status_text[ESP_ERR_COUNT] = {
	[ESP_OK] = "success",
	[ESP_ERR_TRUNCATED] = "truncated packet",
	[ESP_ERR_LENGTH] = "ciphertext not a multiple of the block size "
	    "or of 4 bytes",
	[ESP_ERR_ICV] = "ICV mismatch",
	[ESP_ERR_PADLEN] = "pad length exceeds the payload",
	[ESP_ERR_PADDING] = "invalid padding bytes",
	[ESP_ERR_NOSPACE] = "output buffer too small",
	[ESP_ERR_TOOBIG] = "packet too large",
	[ESP_ERR_INVAL] = "invalid argument",
	[ESP_ERR_IV_EXHAUSTED] = "IV counter exhausted",
	[ESP_ERR_CRYPTO] = "OpenSSL operation failed",
};

const char *
esp_strerror(int status)
{
	if (status < 0 || status >= ESP_ERR_COUNT)
		return "unknown ESP error";
	return status_text[status];
}

static const struct enc_alg *
find_enc(uint8_t id)
{
	size_t i;

	for (i = 0; i < sizeof(enc_algs) / sizeof(enc_algs[0]); i++)
		if (enc_algs[i].id == id)
			return &enc_algs[i];
	return NULL;
}

static const struct auth_alg *
find_auth(uint8_t id)
{
	size_t i;

	for (i = 0; i < sizeof(auth_algs) / sizeof(auth_algs[0]); i++)
		if (auth_algs[i].id == id)
			return &auth_algs[i];
	return NULL;
}

static OSSL_PROVIDER *legacy_provider;	/* kept loaded for the process */
static pthread_once_t legacy_once = PTHREAD_ONCE_INIT;

/*
 * Loads OpenSSL's legacy provider, for Blowfish and CAST-128 (and
 * RIPEMD-160 before OpenSSL 3.0.7).  try_load with retain_fallbacks keeps
 * the default provider, which an explicit load would otherwise disable.
 */
static void
try_load_legacy(void)
{
	legacy_provider = OSSL_PROVIDER_try_load(NULL, "legacy", 1);
	if (legacy_provider == NULL)
		ERR_clear_error();
}

/* Returns whether the legacy provider is loaded, trying once per process. */
static bool
load_legacy(void)
{
	pthread_once(&legacy_once, try_load_legacy);
	return legacy_provider != NULL;
}

static EVP_CIPHER *
fetch_cipher(const char *name)
{
	EVP_CIPHER *cipher;

	cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	if (cipher == NULL && load_legacy())
		cipher = EVP_CIPHER_fetch(NULL, name, NULL);
	if (cipher == NULL)
		ERR_clear_error();
	return cipher;
}

static bool
digest_available(const char *name)
{
	EVP_MD *md;

	md = EVP_MD_fetch(NULL, name, NULL);
	if (md == NULL && load_legacy())
		md = EVP_MD_fetch(NULL, name, NULL);
	if (md == NULL) {
		ERR_clear_error();
		return false;
	}
	EVP_MD_free(md);
	return true;
}

static int
fail(struct esp_ctx *ctx, int err, const char *why)
{
	esp_ctx_free(ctx);
	ctx->error = why;
	return err;
}

static bool
enc_keylen_ok(const struct enc_alg *alg, size_t keylen)
{
	if (alg->aeskey)
		return keylen == 16 || keylen == 24 || keylen == 32;
	return keylen >= alg->minkey && keylen <= alg->maxkey;
}

/* Creates one direction's EVP context with the cipher key. */
static EVP_CIPHER_CTX *
new_cipher_ctx(const struct esp_ctx *ctx, const uint8_t *key, size_t keylen,
    int encrypt)
{
	EVP_CIPHER_CTX *c;

	c = EVP_CIPHER_CTX_new();
	if (c == NULL)
		return NULL;
	if (EVP_CipherInit_ex(c, ctx->cipher, NULL, NULL, NULL, encrypt) != 1)
		goto bad;
	/* Blowfish and CAST-128 take variable keys; set before the key. */
	if ((size_t)EVP_CIPHER_CTX_get_key_length(c) != keylen &&
	    EVP_CIPHER_CTX_set_key_length(c, (int)keylen) != 1)
		goto bad;
	if (EVP_CipherInit_ex(c, NULL, NULL, key, NULL, encrypt) != 1)
		goto bad;
	/*
	 * ESP pads block ciphers itself, so CBC needs EVP's padding off.
	 * Other modes keep the default, because OpenSSL 3.0 repeats a
	 * padding setting through its parameter lookup at every IV change.
	 */
	if (ctx->mode == ESP_MODE_CBC && EVP_CIPHER_CTX_set_padding(c, 0) != 1)
		goto bad;
	return c;
bad:
	EVP_CIPHER_CTX_free(c);
	return NULL;
}

static int
init_cipher(struct esp_ctx *ctx, const struct enc_alg *alg,
    const uint8_t *key, size_t keylen)
{
	const char *evpname;

	ctx->enc_name = alg->name;
	ctx->mode = alg->mode;
	ctx->ivlen = alg->ivlen;
	ctx->icvlen = alg->icvlen;
	ctx->blocklen = alg->mode == ESP_MODE_CBC ? alg->ivlen : 1;
	ctx->padalign = ctx->blocklen > 4 ? ctx->blocklen : 4;
	/*
	 * FreeBSD pads AES-CTR to the AES block by default (its
	 * esp_ctr_compatibility setting), because older FreeBSD receivers
	 * cannot decrypt a partial CTR block.  Received packets need only
	 * end on a 4-byte boundary.
	 */
	if (alg->mode == ESP_MODE_CTR)
		ctx->padalign = 16;
	if (alg->mode == ESP_MODE_NULL)
		return 0;

	if (keylen < alg->saltlen ||
	    !enc_keylen_ok(alg, keylen - alg->saltlen))
		return fail(ctx, -EINVAL,
		    "encryption key length invalid for the algorithm");
	keylen -= alg->saltlen;
	memcpy(ctx->salt, key + keylen, alg->saltlen);

	evpname = alg->evp[0];
	if (alg->aeskey)
		evpname = alg->evp[(keylen - 16) / 8];
	ctx->cipher = fetch_cipher(evpname);
	if (ctx->cipher == NULL)
		return fail(ctx, -ENOENT, "OpenSSL provides no implementation "
		    "of the encryption algorithm (Blowfish and CAST-128 need "
		    "the legacy provider)");
	if ((size_t)EVP_CIPHER_get_block_size(ctx->cipher) != ctx->blocklen)
		return fail(ctx, -EIO, "unexpected OpenSSL cipher block size");

	ctx->enc = new_cipher_ctx(ctx, key, keylen, 1);
	ctx->dec = new_cipher_ctx(ctx, key, keylen, 0);
	if (ctx->enc == NULL || ctx->dec == NULL)
		return fail(ctx, -EIO, "OpenSSL cipher setup failed");
	return 0;
}

static int
init_hmac(struct esp_ctx *ctx, const struct auth_alg *alg,
    const uint8_t *key, size_t keylen)
{
	OSSL_PARAM params[2];

	if (!digest_available(alg->digest))
		return fail(ctx, -ENOENT, "OpenSSL provides no implementation "
		    "of the integrity algorithm's digest");
	ctx->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (ctx->mac == NULL)
		return fail(ctx, -ENOENT, "OpenSSL provides no HMAC");
	ctx->mac_ctx = EVP_MAC_CTX_new(ctx->mac);
	if (ctx->mac_ctx == NULL)
		return fail(ctx, -ENOMEM, "out of memory");
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)alg->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx->mac_ctx, key, keylen, params) != 1) {
		ERR_clear_error();
		return fail(ctx, -EIO, "OpenSSL HMAC setup failed");
	}
	return 0;
}

/*
 * HMAC takes any non-empty key (RFC 2104); setkey's fixed key lengths are
 * enforced when the SA is added, not here.
 */
static int
init_auth(struct esp_ctx *ctx, const struct auth_alg *alg,
    const uint8_t *key, size_t keylen)
{
	ctx->auth_name = alg->name;
	ctx->icvlen = alg->icvlen;
	if (alg->id == SADB_AALG_NONE)
		return 0;
	if (alg->digest != NULL) {
		ctx->mac_kind = ESP_MAC_HMAC;
		if (keylen == 0)
			return fail(ctx, -EINVAL, "empty integrity key");
		return init_hmac(ctx, alg, key, keylen);
	}
	ctx->mac_kind = ESP_MAC_XCBC;
	if (keylen != 16)
		return fail(ctx, -EINVAL, "aes-xcbc-mac needs a 128-bit key");
	if (esp_xcbc_init(&ctx->xcbc, key) == -1)
		return fail(ctx, -EIO, "OpenSSL AES setup failed");
	return 0;
}

/*
 * Returns whether auth_id may accompany an AEAD cipher: none, or the id
 * FreeBSD's kernel records for the AEAD's own authenticator (AES-GMAC of
 * the key's size for GCM, Poly1305 for ChaCha20).  Its key is ignored.
 */
static bool
aead_auth_ok(const struct enc_alg *alg, uint8_t auth_id, size_t enckeylen)
{
	if (auth_id == SADB_AALG_NONE)
		return true;
	if (alg->id == SADB_X_EALG_CHACHA20POLY1305)
		return auth_id == SADB_X_AALG_CHACHA20POLY1305;
	if (enckeylen < alg->saltlen)
		return false;
	switch (enckeylen - alg->saltlen) {
	case 16:
		return auth_id == SADB_X_AALG_AES128GMAC;
	case 24:
		return auth_id == SADB_X_AALG_AES192GMAC;
	case 32:
		return auth_id == SADB_X_AALG_AES256GMAC;
	}
	return false;
}

int
esp_ctx_init(struct esp_ctx *ctx, uint8_t enc_id, const uint8_t *enckey,
    size_t enckeylen, uint8_t auth_id, const uint8_t *authkey,
    size_t authkeylen, uint32_t flags)
{
	const struct enc_alg *enc;
	const struct auth_alg *auth;
	int rc;

	memset(ctx, 0, sizeof(*ctx));
	ctx->enc_id = enc_id;
	ctx->auth_id = auth_id;
	ctx->flags = flags & (ESP_F_ESN | ESP_PAD_MASK);
	ctx->pool_used = sizeof(ctx->pool);

	enc = find_enc(enc_id);
	if (enc == NULL)
		return fail(ctx, -ENOTSUP, "unsupported encryption algorithm");
	if (auth_id == SADB_X_AALG_NULL)
		return fail(ctx, -EINVAL, "null integrity is rejected, as "
		    "FreeBSD does; omit the integrity algorithm instead");
	if (enc->mode == ESP_MODE_AEAD) {
		if (!aead_auth_ok(enc, auth_id, enckeylen))
			return fail(ctx, -EINVAL, "an AEAD cipher takes no "
			    "separate integrity algorithm");
		auth = find_auth(SADB_AALG_NONE);
	} else {
		auth = find_auth(auth_id);
		if (auth == NULL)
			return fail(ctx, -ENOTSUP,
			    "unsupported integrity algorithm");
	}
	if (enckeylen > 0 && enckey == NULL)
		return fail(ctx, -EINVAL, "missing encryption key");
	if (authkeylen > 0 && authkey == NULL)
		return fail(ctx, -EINVAL, "missing integrity key");
	if (enc->mode == ESP_MODE_NULL && enckeylen > enc->maxkey)
		return fail(ctx, -EINVAL, "null encryption key too long");

	rc = init_cipher(ctx, enc, enckey, enckeylen);
	if (rc == 0 && enc->mode != ESP_MODE_AEAD)
		rc = init_auth(ctx, auth, authkey, authkeylen);
	else if (rc == 0)
		ctx->auth_name = auth->name;
	return rc;
}

void
esp_ctx_free(struct esp_ctx *ctx)
{
	EVP_CIPHER_CTX_free(ctx->enc);
	EVP_CIPHER_CTX_free(ctx->dec);
	EVP_CIPHER_free(ctx->cipher);
	EVP_MAC_CTX_free(ctx->mac_ctx);
	EVP_MAC_free(ctx->mac);
	if (ctx->xcbc.cbc != NULL)
		esp_xcbc_free(&ctx->xcbc);
	OPENSSL_cleanse(ctx, sizeof(*ctx));
}

int
esp_ctx_set_next_iv(struct esp_ctx *ctx, const uint8_t *iv, size_t len)
{
	if (len != ctx->ivlen || len == 0)
		return -EINVAL;
	memcpy(ctx->next_iv, iv, len);
	ctx->next_iv_set = true;
	return 0;
}

/*
 * Runs a non-AEAD cipher context over len bytes with a full cipher IV (the
 * counter block for CTR).  Returns ESP_OK or ESP_ERR_*.
 */
int
esp_cipher_run(EVP_CIPHER_CTX *c, const uint8_t *iv, const uint8_t *in,
    size_t len, uint8_t *out)
{
	int outl;

	if (len > INT_MAX)
		return ESP_ERR_TOOBIG;
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, iv, -1) != 1)
		return ESP_ERR_CRYPTO;
	if (len == 0)
		return ESP_OK;
	if (EVP_CipherUpdate(c, out, &outl, in, (int)len) != 1 ||
	    (size_t)outl != len)
		return ESP_ERR_CRYPTO;
	return ESP_OK;
}

/*
 * Setting a new IV costs OpenSSL 3.0 a string-keyed parameter lookup, so
 * the CBC contexts keep chaining from one packet to the next instead.  In
 * CBC each block depends only on the key, the block and the ciphertext
 * block before it.
 *
 * Decryption first runs the IV block into a scratch block.  That leaves
 * the IV as the context's chaining value, so the packet then decrypts as
 * with the IV set.
 *
 * Encryption first runs a random block R, which turns into E(R xor C),
 * where C is the previous packet's last ciphertext block.  That output is
 * as unpredictable as RFC 3602 section 2 requires of an IV, and the
 * packet's blocks chain from it.
 */
static int
cbc_open(EVP_CIPHER_CTX *c, size_t blocklen, const uint8_t *iv,
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t scratch[EVP_MAX_BLOCK_LENGTH];
	int outl, ok;

	if (len > INT_MAX || blocklen > sizeof(scratch))
		return ESP_ERR_TOOBIG;
	ok = EVP_CipherUpdate(c, scratch, &outl, iv, (int)blocklen) == 1 &&
	    (size_t)outl == blocklen;
	OPENSSL_cleanse(scratch, sizeof(scratch));
	if (!ok)
		return ESP_ERR_CRYPTO;
	if (len > 0 && (EVP_CipherUpdate(c, out, &outl, in, (int)len) != 1 ||
	    (size_t)outl != len))
		return ESP_ERR_CRYPTO;
	return ESP_OK;
}

int
esp_cbc_seal(struct esp_ctx *ctx, uint8_t *buf, size_t len)
{
	size_t total = ctx->ivlen + len;
	int outl;

	if (ctx->mode != ESP_MODE_CBC)
		return ESP_ERR_INVAL;
	if (len % ctx->blocklen != 0)
		return ESP_ERR_LENGTH;
	if (total > INT_MAX)
		return ESP_ERR_TOOBIG;
	if (EVP_CipherUpdate(ctx->enc, buf, &outl, buf, (int)total) != 1 ||
	    (size_t)outl != total)
		return ESP_ERR_CRYPTO;
	return ESP_OK;
}

int
esp_cipher(struct esp_ctx *ctx, bool encrypt, const uint8_t *iv,
    const uint8_t *in, size_t len, uint8_t *out)
{
	uint8_t block[16];

	switch (ctx->mode) {
	case ESP_MODE_NULL:
		if (in != out)
			memmove(out, in, len);
		return ESP_OK;
	case ESP_MODE_CBC:
		if (len % ctx->blocklen != 0)
			return ESP_ERR_LENGTH;
		if (!encrypt)
			return cbc_open(ctx->dec, ctx->blocklen, iv, in, len,
			    out);
		return esp_cipher_run(ctx->enc, iv, in, len, out);
	case ESP_MODE_CTR:
		/* RFC 3686 section 4: nonce | IV | block counter from 1. */
		memcpy(block, ctx->salt, ESP_SALTLEN);
		memcpy(block + ESP_SALTLEN, iv, 8);
		memcpy(block + 12, "\0\0\0\1", 4);
		return esp_cipher_run(encrypt ? ctx->enc : ctx->dec, block, in,
		    len, out);
	case ESP_MODE_AEAD:
		break;
	}
	return ESP_ERR_INVAL;
}

static int
hmac_icv(struct esp_ctx *ctx, const uint8_t *data, size_t len,
    const uint8_t *ext, uint8_t *icv)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	size_t maclen;
	int rc = ESP_ERR_CRYPTO;

	if (EVP_MAC_init(ctx->mac_ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx->mac_ctx, data, len) != 1 ||
	    (ext != NULL && EVP_MAC_update(ctx->mac_ctx, ext, 4) != 1) ||
	    EVP_MAC_final(ctx->mac_ctx, mac, &maclen, sizeof(mac)) != 1 ||
	    maclen < ctx->icvlen)
		goto done;
	memcpy(icv, mac, ctx->icvlen);
	rc = ESP_OK;
done:
	OPENSSL_cleanse(mac, sizeof(mac));
	return rc;
}

static int
xcbc_icv(struct esp_ctx *ctx, const uint8_t *data, size_t len,
    const uint8_t *ext, uint8_t *icv)
{
	uint8_t mac[16];

	if (esp_xcbc_begin(&ctx->xcbc) == -1 ||
	    esp_xcbc_update(&ctx->xcbc, data, len) == -1 ||
	    (ext != NULL && esp_xcbc_update(&ctx->xcbc, ext, 4) == -1) ||
	    esp_xcbc_final(&ctx->xcbc, mac) == -1)
		return ESP_ERR_CRYPTO;
	memcpy(icv, mac, ctx->icvlen);
	OPENSSL_cleanse(mac, sizeof(mac));
	return ESP_OK;
}

int
esp_compute_icv(struct esp_ctx *ctx, const uint8_t *data, size_t len,
    const uint8_t *ext, uint8_t *icv)
{
	switch (ctx->mac_kind) {
	case ESP_MAC_HMAC:
		return hmac_icv(ctx, data, len, ext, icv);
	case ESP_MAC_XCBC:
		return xcbc_icv(ctx, data, len, ext, icv);
	case ESP_MAC_NONE:
		break;
	}
	return ESP_ERR_INVAL;
}

/* Copies n random bytes out of the SA's pool, refilling it when short. */
int
esp_random(struct esp_ctx *ctx, uint8_t *buf, size_t n)
{
	if (n > sizeof(ctx->pool))
		return RAND_bytes(buf, (int)n) == 1 ? ESP_OK : ESP_ERR_CRYPTO;
	if (sizeof(ctx->pool) - ctx->pool_used < n) {
		if (RAND_bytes(ctx->pool, sizeof(ctx->pool)) != 1)
			return ESP_ERR_CRYPTO;
		ctx->pool_used = 0;
	}
	memcpy(buf, ctx->pool + ctx->pool_used, n);
	ctx->pool_used += n;
	return ESP_OK;
}
