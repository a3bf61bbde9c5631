/*
 * The algorithms setkey accepts and keyd implements.
 *
 * Names, ids and key ranges follow FreeBSD 14's setkey and kernel.  The
 * ciphers and MACs FreeBSD 13 removed (3des-cbc, blowfish-cbc,
 * cast128-cbc, camellia-cbc, hmac-md5, hmac-ripemd160) are kept with
 * KEY_ALGF_DEPRECATED and print under FreeBSD 12's names.  des-cbc and
 * the keyed-md5/keyed-sha1 AH transforms are gone for good.
 */

#include <string.h>

#include "libkey.h"

#define ENC	KEY_ALG_ENC
#define AUTH	KEY_ALG_AUTH
#define COMP	KEY_ALG_COMP
#define ADV	KEY_ALGF_ADVERTISED
#define OLD	(KEY_ALGF_DEPRECATED | KEY_ALGF_ADVERTISED)

static const struct key_alg algs[] = {
	/* name, print_name, kind, id, minbits, maxbits,
	 * salt, iv, block, icv, flags */
	{ "null", "null", ENC, SADB_EALG_NULL, 0, 2048,
	    0, 0, 4, 0, ADV },
	{ "3des-cbc", "3des-cbc", ENC, SADB_EALG_3DESCBC, 192, 192,
	    0, 8, 8, 0, OLD },
	{ "cast128-cbc", "cast128-cbc", ENC, SADB_X_EALG_CAST128CBC, 40, 128,
	    0, 8, 8, 0, OLD },
	{ "blowfish-cbc", "blowfish-cbc", ENC, SADB_X_EALG_BLOWFISHCBC,
	    40, 448, 0, 8, 8, 0, OLD },
	{ "aes-cbc", "aes-cbc", ENC, SADB_X_EALG_AESCBC, 128, 256,
	    0, 16, 16, 0, KEY_ALGF_AESKEY | ADV },
	{ "aes-ctr", "aes-ctr", ENC, SADB_X_EALG_AESCTR, 128, 256,
	    4, 8, 4, 0, KEY_ALGF_AESKEY | ADV },
	{ "chacha20-poly1305", "chacha20-poly1305", ENC,
	    SADB_X_EALG_CHACHA20POLY1305, 256, 256,
	    4, 8, 4, 16, KEY_ALGF_AEAD | ADV },
	{ "aes-gcm-16", "aes-gcm-16", ENC, SADB_X_EALG_AESGCM16, 128, 256,
	    4, 8, 4, 16, KEY_ALGF_AEAD | KEY_ALGF_AESKEY | ADV },
	{ "camellia-cbc", "camellia-cbc", ENC, SADB_X_EALG_CAMELLIACBC,
	    128, 256, 0, 16, 16, 0, KEY_ALGF_AESKEY | OLD },

	{ "hmac-md5", "hmac-md5", AUTH, SADB_AALG_MD5HMAC, 128, 128,
	    0, 0, 0, 12, OLD },
	{ "hmac-sha1", "hmac-sha1", AUTH, SADB_AALG_SHA1HMAC, 160, 160,
	    0, 0, 0, 12, ADV },
	{ "hmac-sha2-256", "hmac-sha2-256", AUTH, SADB_X_AALG_SHA2_256,
	    256, 256, 0, 0, 0, 16, ADV },
	{ "hmac-sha2-384", "hmac-sha2-384", AUTH, SADB_X_AALG_SHA2_384,
	    384, 384, 0, 0, 0, 24, ADV },
	{ "hmac-sha2-512", "hmac-sha2-512", AUTH, SADB_X_AALG_SHA2_512,
	    512, 512, 0, 0, 0, 32, ADV },
	{ "hmac-ripemd160", "hmac-ripemd160", AUTH,
	    SADB_X_AALG_RIPEMD160HMAC, 160, 160, 0, 0, 0, 12, OLD },
	{ "aes-xcbc-mac", "aes-xcbc-mac", AUTH, SADB_X_AALG_AES_XCBC_MAC,
	    128, 128, 0, 0, 0, 12, ADV },
	/*
	 * The Poly1305 half of chacha20-poly1305.  FreeBSD's setkey lexes
	 * the name after -A too, but keyd takes the whole AEAD from -E, so
	 * it is not advertised.
	 */
	{ "chacha20-poly1305", "chacha20-poly1305", AUTH,
	    SADB_X_AALG_CHACHA20POLY1305, 256, 256, 0, 0, 0, 16,
	    KEY_ALGF_AEAD },
	{ "null", "null", AUTH, SADB_X_AALG_NULL, 0, 0,
	    0, 0, 0, 12, KEY_ALGF_NOKEY | ADV },
	/* TCP-MD5 signs TCP segments; it has no ESP ICV. */
	{ "tcp-md5", "tcp-md5", AUTH, SADB_X_AALG_TCP_MD5, 8, 640,
	    0, 0, 0, 0, ADV },

	{ "oui", "oui", COMP, SADB_X_CALG_OUI, 0, 0,
	    0, 0, 0, 0, KEY_ALGF_NOKEY | ADV },
	{ "deflate", "deflate", COMP, SADB_X_CALG_DEFLATE, 0, 0,
	    0, 0, 0, 0, KEY_ALGF_NOKEY | ADV },
	{ "lzs", "lzs", COMP, SADB_X_CALG_LZS, 0, 0,
	    0, 0, 0, 0, KEY_ALGF_NOKEY | ADV },
};

/* Other names setkey accepts for an algorithm of the table. */
static const struct {
	const char *name;
	enum key_alg_kind kind;
	uint8_t id;
} aliases[] = {
	{ "rijndael-cbc", ENC, SADB_X_EALG_AESCBC },
	{ "simple", ENC, SADB_EALG_NULL },	/* obsolete name of null */
	{ "hmac-sha256", AUTH, SADB_X_AALG_SHA2_256 },
	{ "hmac-sha384", AUTH, SADB_X_AALG_SHA2_384 },
	{ "hmac-sha512", AUTH, SADB_X_AALG_SHA2_512 },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

const struct key_alg *
key_alg_byid(enum key_alg_kind kind, uint8_t id)
{
	size_t i;

	for (i = 0; i < NITEMS(algs); i++)
		if (algs[i].kind == kind && algs[i].id == id)
			return &algs[i];
	return NULL;
}

const struct key_alg *
key_alg_byname(enum key_alg_kind kind, const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < NITEMS(algs); i++)
		if (algs[i].kind == kind && strcmp(algs[i].name, name) == 0)
			return &algs[i];
	for (i = 0; i < NITEMS(aliases); i++)
		if (aliases[i].kind == kind &&
		    strcmp(aliases[i].name, name) == 0)
			return key_alg_byid(kind, aliases[i].id);
	return NULL;
}

const struct key_alg *
key_alg_table(size_t *count)
{
	*count = NITEMS(algs);
	return algs;
}

bool
key_alg_keybits_ok(const struct key_alg *alg, unsigned int keybits)
{
	unsigned int salt = (unsigned int)alg->saltlen * 8;

	if (alg->flags & KEY_ALGF_NOKEY)
		return keybits == 0;
	if (keybits < salt)
		return false;
	keybits -= salt;
	if (keybits < alg->minbits || keybits > alg->maxbits)
		return false;
	if (alg->flags & KEY_ALGF_AESKEY)
		return keybits == 128 || keybits == 192 || keybits == 256;
	return true;
}
