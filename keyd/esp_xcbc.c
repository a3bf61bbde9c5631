/*
 * AES-XCBC-MAC-96 (RFC 3566) from AES-128 EVP calls.  OpenSSL's CMAC is a
 * different construction (its subkeys come from doubling in GF(2^128)), so
 * XCBC is assembled here from AES-128-ECB for the key derivation and
 * AES-128-CBC with a zero IV for the chaining.
 */

#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "esp.h"

#define XCBC_BLOCK	16
#define XCBC_CHUNK	256	/* CBC output discarded per EVP call */

static const uint8_t zero_iv[XCBC_BLOCK];

/* Encrypts the constant block filled with c under key (RFC 3566 2.1). */
static int
derive(EVP_CIPHER_CTX *ecb, uint8_t c, uint8_t out[XCBC_BLOCK])
{
	uint8_t in[XCBC_BLOCK];
	int outl;

	memset(in, c, sizeof(in));
	if (EVP_EncryptUpdate(ecb, out, &outl, in, XCBC_BLOCK) != 1 ||
	    outl != XCBC_BLOCK)
		return -1;
	return 0;
}

int
esp_xcbc_init(struct esp_xcbc *x, const uint8_t key[16])
{
	EVP_CIPHER_CTX *ecb;
	uint8_t k1[XCBC_BLOCK];
	int rc = -1;

	memset(x, 0, sizeof(*x));
	ecb = EVP_CIPHER_CTX_new();
	x->cbc = EVP_CIPHER_CTX_new();
	if (ecb == NULL || x->cbc == NULL)
		goto done;
	if (EVP_EncryptInit_ex(ecb, EVP_aes_128_ecb(), NULL, key, NULL) != 1)
		goto done;
	EVP_CIPHER_CTX_set_padding(ecb, 0);
	if (derive(ecb, 0x01, k1) == -1 || derive(ecb, 0x02, x->k2) == -1 ||
	    derive(ecb, 0x03, x->k3) == -1)
		goto done;
	if (EVP_EncryptInit_ex(x->cbc, EVP_aes_128_cbc(), NULL, k1,
	    zero_iv) != 1)
		goto done;
	EVP_CIPHER_CTX_set_padding(x->cbc, 0);
	rc = 0;
done:
	OPENSSL_cleanse(k1, sizeof(k1));
	EVP_CIPHER_CTX_free(ecb);
	if (rc == -1)
		esp_xcbc_free(x);
	return rc;
}

int
esp_xcbc_begin(struct esp_xcbc *x)
{
	x->blocklen = 0;
	if (EVP_EncryptInit_ex(x->cbc, NULL, NULL, NULL, zero_iv) != 1)
		return -1;
	return 0;
}

/* Chains len bytes (a multiple of 16) into the CBC state. */
static int
chain(struct esp_xcbc *x, const uint8_t *data, size_t len)
{
	uint8_t scratch[XCBC_CHUNK];
	size_t n;
	int outl;

	while (len > 0) {
		n = len < sizeof(scratch) ? len : sizeof(scratch);
		if (EVP_EncryptUpdate(x->cbc, scratch, &outl, data,
		    (int)n) != 1 || (size_t)outl != n)
			return -1;
		data += n;
		len -= n;
	}
	return 0;
}

/*
 * Keeps the last 1 to 16 bytes seen in x->block, because the final block
 * is combined with K2 or K3 before it is encrypted.
 */
int
esp_xcbc_update(struct esp_xcbc *x, const uint8_t *data, size_t len)
{
	size_t bulk, take;

	while (len > 0) {
		if (x->blocklen == XCBC_BLOCK) {
			if (chain(x, x->block, XCBC_BLOCK) == -1)
				return -1;
			x->blocklen = 0;
		}
		if (x->blocklen == 0 && len > XCBC_BLOCK) {
			bulk = (len - 1) / XCBC_BLOCK * XCBC_BLOCK;
			if (chain(x, data, bulk) == -1)
				return -1;
			data += bulk;
			len -= bulk;
		}
		take = XCBC_BLOCK - x->blocklen;
		if (take > len)
			take = len;
		memcpy(x->block + x->blocklen, data, take);
		x->blocklen += take;
		data += take;
		len -= take;
	}
	return 0;
}

int
esp_xcbc_final(struct esp_xcbc *x, uint8_t mac[16])
{
	const uint8_t *k;
	size_t i;
	int outl;

	if (x->blocklen == XCBC_BLOCK) {
		k = x->k2;
	} else {
		/* RFC 3566 2.4: pad with a single 1 bit, then zeros. */
		x->block[x->blocklen] = 0x80;
		memset(x->block + x->blocklen + 1, 0,
		    XCBC_BLOCK - x->blocklen - 1);
		k = x->k3;
	}
	for (i = 0; i < XCBC_BLOCK; i++)
		x->block[i] ^= k[i];
	if (EVP_EncryptUpdate(x->cbc, mac, &outl, x->block, XCBC_BLOCK) != 1 ||
	    outl != XCBC_BLOCK)
		return -1;
	OPENSSL_cleanse(x->block, sizeof(x->block));
	x->blocklen = 0;
	return 0;
}

void
esp_xcbc_free(struct esp_xcbc *x)
{
	EVP_CIPHER_CTX_free(x->cbc);
	OPENSSL_cleanse(x, sizeof(*x));
}
