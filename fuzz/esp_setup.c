/*
 * SA configurations the ESP harnesses decrypt with: one of each cipher
 * mode and integrity algorithm kind, with and without ESN, and each
 * padding check.  The keys are fixed, so a harness can build packets
 * that pass the ICV and reach the later checks.
 */

#include "fuzz.h"

static const uint8_t key16[] = "0123456789abcdef";
static const uint8_t key20[] = "0123456789abcdefSALT";
static const uint8_t key24[] = "0123456789abcdefghijklmn";
static const uint8_t key32[] = "0123456789abcdefghijklmnopqrstuv";
static const uint8_t key36[] = "0123456789abcdefghijklmnopqrstuvSALT";

const struct fuzz_sa_setup fuzz_sa_setups[] = {
	{ "aes-cbc/hmac-sha256", SADB_X_EALG_AESCBC, SADB_X_AALG_SHA2_256,
	    key16, 16, key32, 32, ESP_PAD_SEQ },
	{ "aes-cbc/hmac-sha1 esn", SADB_X_EALG_AESCBC, SADB_AALG_SHA1HMAC,
	    key32, 32, key20, 20, ESP_F_ESN | ESP_PAD_SEQ },
	{ "null/hmac-sha256", SADB_EALG_NULL, SADB_X_AALG_SHA2_256,
	    NULL, 0, key32, 32, ESP_PAD_SEQ },
	{ "null/hmac-sha512 zero-pad", SADB_EALG_NULL, SADB_X_AALG_SHA2_512,
	    NULL, 0, key32, 32, ESP_PAD_ZERO },
	{ "aes-ctr/aes-xcbc", SADB_X_EALG_AESCTR, SADB_X_AALG_AES_XCBC_MAC,
	    key20, 20, key16, 16, ESP_PAD_SEQ },
	{ "aes-gcm-16", SADB_X_EALG_AESGCM16, SADB_AALG_NONE,
	    key20, 20, NULL, 0, ESP_PAD_SEQ },
	{ "aes-gcm-16 esn", SADB_X_EALG_AESGCM16, SADB_AALG_NONE,
	    key36, 36, NULL, 0, ESP_F_ESN | ESP_PAD_SEQ },
	{ "chacha20-poly1305", SADB_X_EALG_CHACHA20POLY1305, SADB_AALG_NONE,
	    key36, 36, NULL, 0, ESP_PAD_RANDOM },
	{ "3des-cbc/hmac-md5", SADB_EALG_3DESCBC, SADB_AALG_MD5HMAC,
	    key24, 24, key16, 16, ESP_PAD_SEQ },
	{ "aes-cbc/none", SADB_X_EALG_AESCBC, SADB_AALG_NONE,
	    key16, 16, NULL, 0, ESP_PAD_SEQ },
};

const size_t fuzz_sa_nsetups = nitems(fuzz_sa_setups);
