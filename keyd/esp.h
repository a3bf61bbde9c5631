/*
 * ESP (RFC 4303) packet transforms for keyd's data plane: one context per
 * SA, and encryption and decryption of whole ESP packets held in flat
 * buffers.  The functions do no I/O and keep no global state apart from
 * loading OpenSSL's legacy provider once, so they can be fed any bytes.
 *
 * Packet layout (what follows the outer IP header, as on the wire):
 *
 *	0      4      8          8+ivlen
 *	+------+------+----------+---------------------------+-------+
 *	| SPI  | seq  |    IV    | payload | pad | padlen nh | ICV   |
 *	+------+------+----------+---------------------------+-------+
 *	                         |<------ ciphertext ------->|
 *
 *	SPI, seq	32 bits each, network byte order.  With extended
 *			sequence numbers (ESN) only the low 32 bits are sent.
 *	IV		ivlen bytes: 16 random bytes for AES-CBC and Camellia,
 *			8 for 3DES, Blowfish and CAST-128; 8 bytes of a per-SA
 *			counter for AES-CTR, AES-GCM and ChaCha20-Poly1305;
 *			none for null encryption.
 *	pad		0-255 bytes so that payload, pad and the two trailer
 *			bytes fill whole blocks of max(4, cipher block size),
 *			or of 16 bytes for AES-CTR as FreeBSD sends it.
 *			The bytes are 1, 2, 3, ... (seq-pad, RFC 4303 section
 *			2.4), zeros (zero-pad) or random (random-pad).
 *	nh		next header: 4 (IPv4) or 41 (IPv6) in tunnel mode,
 *			59 for a dummy packet.
 *	ICV		icvlen bytes.  HMAC and AES-XCBC cover SPI through the
 *			end of the ciphertext.  With ESN they also cover the
 *			high 32 bits of the sequence number, appended for the
 *			computation only (RFC 4303 section 2.2.1).  AEAD
 *			ciphers authenticate SPI|seq, or SPI|seq_hi|seq_lo
 *			with ESN, as additional data (RFC 4106 section 5,
 *			RFC 7634).
 *
 * All lengths are in bytes.  Sequence numbers are passed as 64-bit values;
 * without ESN their high half must be zero.  Outbound, a packet takes
 * replay_counter_next() and then esp_encrypt(); the inbound order of
 * esp_peek(), the replay window and esp_decrypt() is described in replay.h.
 *
 * esp_encrypt() and esp_decrypt() return 0 or one ESP_ERR_* code.  The codes
 * are small positive integers below ESP_ERR_COUNT, so a caller can index a
 * per-reason drop counter array with them.
 *
 * A context is not safe for concurrent use, because encryption advances
 * its IV counter and random pool and every packet re-initialises the
 * context's EVP objects.
 */

#ifndef KEYD_ESP_H
#define KEYD_ESP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#define ESP_HDRLEN		8	/* SPI and sequence number */
#define ESP_MAX_IVLEN		16
#define ESP_MAX_ICVLEN		32
#define ESP_SALTLEN		4	/* AES-CTR nonce, GCM and ChaCha salt */
#define ESP_RANDPOOL		512	/* bytes of random data fetched at once */

/* Padding modes: FreeBSD's SADB_X_EXT_PSEQ, _PRAND and _PZERO values. */
#define ESP_PAD_SEQ		0x0000
#define ESP_PAD_RANDOM		0x0100
#define ESP_PAD_ZERO		0x0200
#define ESP_PAD_MASK		0x0300

/* Context flag: FreeBSD's SADB_X_SAFLAGS_ESN, next to the ESP_PAD_* bits. */
#define ESP_F_ESN		0x0400

enum esp_status {
	ESP_OK = 0,
	ESP_ERR_TRUNCATED,	/* shorter than header, IV, trailer and ICV */
	ESP_ERR_LENGTH,		/* ciphertext not whole blocks or 4 bytes */
	ESP_ERR_ICV,		/* ICV or AEAD tag mismatch */
	ESP_ERR_PADLEN,		/* pad length exceeds the decrypted data */
	ESP_ERR_PADDING,	/* last pad byte is not the pad length */
	ESP_ERR_NOSPACE,	/* output buffer too small */
	ESP_ERR_TOOBIG,		/* packet would exceed 65535 bytes */
	ESP_ERR_INVAL,		/* invalid argument from the caller */
	ESP_ERR_IV_EXHAUSTED,	/* the SA's IV counter has run out */
	ESP_ERR_CRYPTO,		/* an OpenSSL call failed */
	ESP_ERR_COUNT
};

enum esp_cipher_mode {
	ESP_MODE_NULL,
	ESP_MODE_CBC,		/* random IV, block padding */
	ESP_MODE_CTR,		/* RFC 3686: nonce | IV | counter from 1 */
	ESP_MODE_AEAD		/* RFC 4106 GCM, RFC 7634 ChaCha20-Poly1305 */
};

enum esp_mac_kind {
	ESP_MAC_NONE,
	ESP_MAC_HMAC,
	ESP_MAC_XCBC		/* RFC 3566 AES-XCBC-MAC-96 */
};

/*
 * AES-XCBC-MAC state (RFC 3566): CBC-MAC under the derived key K1, with K2
 * or K3 mixed into the last block.
 */
struct esp_xcbc {
	EVP_CIPHER_CTX		*cbc;		/* AES-128-CBC keyed with K1 */
	uint8_t			 k2[16];
	uint8_t			 k3[16];
	uint8_t			 block[16];	/* input not yet encrypted */
	size_t			 blocklen;
};

/*
 * One SA's transform state.  Callers allocate it (it is embedded in the SA)
 * and treat the fields as read-only; esp_ctx_init() fills them.
 */
struct esp_ctx {
	uint8_t			 enc_id;	/* SADB_EALG_* */
	uint8_t			 auth_id;	/* SADB_AALG_* */
	uint32_t		 flags;		/* ESP_F_ESN, ESP_PAD_* */
	enum esp_cipher_mode	 mode;
	enum esp_mac_kind	 mac_kind;
	const char		*enc_name;	/* setkey's algorithm names */
	const char		*auth_name;
	size_t			 ivlen;		/* explicit IV on the wire */
	size_t			 blocklen;	/* cipher block, 1 for streams */
	size_t			 padalign;	/* max(4, blocklen); 16 for CTR */
	size_t			 icvlen;

	EVP_CIPHER		*cipher;
	EVP_CIPHER_CTX		*enc;
	EVP_CIPHER_CTX		*dec;
	uint8_t			 salt[ESP_SALTLEN];

	EVP_MAC			*mac;
	EVP_MAC_CTX		*mac_ctx;
	struct esp_xcbc		 xcbc;

	uint64_t		 iv_counter;	/* last counter-mode IV used */
	uint8_t			 pool[ESP_RANDPOOL];
	size_t			 pool_used;	/* bytes of pool consumed */

	uint8_t			 next_iv[ESP_MAX_IVLEN];
	bool			 next_iv_set;

	const char		*error;		/* why esp_ctx_init() failed */
};

/*
 * Sets up ctx for one SA.  enc_id and auth_id are PF_KEY algorithm ids
 * (SADB_EALG_*, SADB_AALG_*; SADB_AALG_NONE for no integrity).  With an
 * AEAD cipher auth_id is SADB_AALG_NONE or the id FreeBSD records for the
 * AEAD's authenticator (SADB_X_AALG_AES128GMAC .. AES256GMAC matching the
 * GCM key, SADB_X_AALG_CHACHA20POLY1305), and the integrity key is unused.  For AES-CTR, AES-GCM and ChaCha20-Poly1305 the last 4
 * bytes of enckey are the nonce or salt.  flags contains ESP_F_ESN and the
 * ESP_PAD_* mode that decryption checks against (see esp_decrypt()).
 *
 * Returns 0, or a negative errno with ctx->error describing the failure:
 *	-EINVAL		a key of the wrong length, or an AEAD cipher with
 *			another integrity algorithm
 *	-ENOTSUP	an algorithm id this module does not implement
 *	-ENOENT		OpenSSL provides no implementation (Blowfish and
 *			CAST-128 need its legacy provider)
 *	-ENOMEM, -EIO	out of memory, or another OpenSSL failure
 * On failure ctx needs no esp_ctx_free().
 */
int	esp_ctx_init(struct esp_ctx *ctx, uint8_t enc_id, const uint8_t *enckey,
	    size_t enckeylen, uint8_t auth_id, const uint8_t *authkey,
	    size_t authkeylen, uint32_t flags);

/* Releases the OpenSSL objects and wipes all key material in ctx. */
void	esp_ctx_free(struct esp_ctx *ctx);

/*
 * Sets the IV of the next esp_encrypt() call, for known-answer tests only:
 * a fixed IV breaks CBC's unpredictability and, reused, GCM's security.
 * len must equal ctx->ivlen.  Returns 0 or -EINVAL.
 */
int	esp_ctx_set_next_iv(struct esp_ctx *ctx, const uint8_t *iv,
	    size_t len);

/* Returns the length of SPI, sequence number and IV. */
size_t	esp_header_len(const struct esp_ctx *ctx);

/* Returns the ESP packet length esp_encrypt() makes of payload_len bytes. */
size_t	esp_packet_len(const struct esp_ctx *ctx, size_t payload_len);

/* Returns the largest number of bytes ESP adds to a payload. */
size_t	esp_overhead_max(const struct esp_ctx *ctx);

/*
 * Builds the ESP packet for payload in out: header, IV, ciphertext of
 * payload and trailer, ICV.  spi is in host byte order.  pad_mode is one of
 * ESP_PAD_*.  payload may overlap out; placed at out + esp_header_len(ctx)
 * it is encrypted where it lies, without a copy.  Stores the
 * packet length in *out_len.  Returns 0, ESP_ERR_NOSPACE, ESP_ERR_TOOBIG,
 * ESP_ERR_INVAL (seq above 32 bits without ESN, unknown pad_mode),
 * ESP_ERR_IV_EXHAUSTED or ESP_ERR_CRYPTO.
 */
int	esp_encrypt(struct esp_ctx *ctx, uint32_t spi, uint64_t seq,
	    uint8_t next_header, const uint8_t *payload, size_t payload_len,
	    uint8_t *out, size_t out_cap, int pad_mode, size_t *out_len);

/*
 * Reads the SPI and the low 32 sequence bits (host byte order) of pkt.
 * Returns 0 or ESP_ERR_TRUNCATED.
 */
int	esp_peek(const uint8_t *pkt, size_t len, uint32_t *spi,
	    uint32_t *seq_lo);

/* Returns the output space esp_decrypt() needs for a packet of len bytes. */
size_t	esp_decrypt_len(const struct esp_ctx *ctx, size_t len);

/*
 * Verifies and decrypts one ESP packet.  seq_hi is the high half of the
 * sequence number that the replay window inferred (0 without ESN).  The
 * ICV is checked in constant time before any decryption; AEAD ciphers check
 * their tag as part of decryption and wipe the output on a mismatch.  The
 * whole ciphertext is decrypted into out, whose size must be at least
 * esp_decrypt_len(); the payload then starts at out[0].  out may be
 * pkt + esp_header_len(ctx) to decrypt in place.
 *
 * The padding is checked as FreeBSD's esp_input_cb() checks it: unless the
 * ctx flags select random-pad, a non-zero pad length must equal the last
 * pad byte, which with 1, 2, 3, ... padding it does.  The other pad bytes
 * are not checked, so a peer's padding of any other content before the
 * last byte is accepted, on zero-pad SAs too.
 *
 * On success stores the next header in *next_header and the payload length
 * in *payload_len.  A next header of 59 marks a dummy packet, which the
 * caller drops after updating the replay window.  Returns 0,
 * ESP_ERR_TRUNCATED, ESP_ERR_TOOBIG (over 65535 bytes), ESP_ERR_LENGTH,
 * ESP_ERR_ICV, ESP_ERR_PADLEN, ESP_ERR_PADDING, ESP_ERR_NOSPACE or
 * ESP_ERR_CRYPTO.
 */
int	esp_decrypt(struct esp_ctx *ctx, const uint8_t *pkt, size_t len,
	    uint32_t seq_hi, uint8_t *out, size_t out_cap,
	    uint8_t *next_header, size_t *payload_len);

/* Returns a short description of an ESP_ERR_* code. */
const char *esp_strerror(int status);

/*
 * Lower-level operations, used by esp_encrypt() and esp_decrypt() and
 * exposed for known-answer tests.
 */

/*
 * Runs the SA's cipher (not an AEAD one) over len bytes with the explicit
 * IV iv (ctx->ivlen bytes); for AES-CTR the nonce from the key and the
 * block counter are added as RFC 3686 section 4 describes.  CBC needs whole
 * blocks.  in and out may be equal.  Returns 0 or ESP_ERR_*.
 */
int	esp_cipher(struct esp_ctx *ctx, bool encrypt, const uint8_t *iv,
	    const uint8_t *in, size_t len, uint8_t *out);

/*
 * Encrypts a CBC packet in place without giving the cipher a new IV.  buf
 * contains ctx->ivlen random bytes followed by len bytes of whole blocks.
 * The random block turns into the packet's IV, and the rest into its
 * ciphertext under that IV.  Returns 0 or ESP_ERR_*.
 */
int	esp_cbc_seal(struct esp_ctx *ctx, uint8_t *buf, size_t len);

/*
 * Computes the SA's integrity algorithm over data (and over the 4 bytes of
 * ext when ext is not NULL) and stores the first ctx->icvlen bytes of the
 * result in icv.  Returns 0 or ESP_ERR_*.
 */
int	esp_compute_icv(struct esp_ctx *ctx, const uint8_t *data, size_t len,
	    const uint8_t *ext, uint8_t *icv);

/* Shared by esp.c and esp_packet.c; no other caller needs them. */
int	esp_cipher_run(EVP_CIPHER_CTX *c, const uint8_t *iv,
	    const uint8_t *in, size_t len, uint8_t *out);
int	esp_random(struct esp_ctx *ctx, uint8_t *buf, size_t n);

/*
 * AES-XCBC-MAC (esp_xcbc.c).  esp_xcbc_init() derives K1, K2 and K3 from
 * the 16-byte key.  Each MAC takes esp_xcbc_begin(), any number of
 * esp_xcbc_update() calls and esp_xcbc_final(), which stores the full
 * 16-byte MAC; ESP sends its first 12 bytes.  The functions return 0, or
 * -1 when an OpenSSL call fails.
 */
int	esp_xcbc_init(struct esp_xcbc *x, const uint8_t key[16]);
int	esp_xcbc_begin(struct esp_xcbc *x);
int	esp_xcbc_update(struct esp_xcbc *x, const uint8_t *data, size_t len);
int	esp_xcbc_final(struct esp_xcbc *x, uint8_t mac[16]);
void	esp_xcbc_free(struct esp_xcbc *x);

#endif /* KEYD_ESP_H */
