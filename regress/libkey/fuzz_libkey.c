/*
 * libFuzzer harness for libkey's decoders: key_msg_parse() with the
 * accessors and key_policy_format() on what it accepts, and
 * key_policy_parse() on the same bytes read as policy text.  A policy
 * that parses must format, and the text must parse back to the same
 * bytes.  Build and run with `make fuzz-libkey`.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libkey.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the compiler from dropping the reads the harness makes. */
static volatile size_t sink;

static void
fuzz_message(const uint8_t *data, size_t size)
{
	struct sockaddr_storage ss;
	struct key_msg m;
	const struct sadb_x_policy *pol;
	size_t len = size & ~(size_t)7;
	uint16_t units = (uint16_t)(len / 8);
	unsigned int bits;
	uint8_t *copy, plen, proto;
	uint16_t type;
	char *text;

	if (len < sizeof(struct sadb_msg))
		return;
	if ((copy = malloc(len)) == NULL)
		return;
	memcpy(copy, data, len);
	/* A matching length and version let the input reach the extensions. */
	memcpy(copy + 4, &units, sizeof(units));
	copy[0] = PF_KEY_V2;
	if (key_msg_parse(&m, copy, len) == 0) {
		for (type = 1; type <= SADB_EXT_MAX; type++)
			if (key_msg_address(&m, type, &ss, &plen, &proto) == 0)
				sink += plen + proto + ss.ss_family;
		if (key_msg_key(&m, SADB_EXT_KEY_ENCRYPT, &bits) != NULL)
			sink += bits;
		pol = (const struct sadb_x_policy *)(const void *)
		    m.ext[SADB_X_EXT_POLICY];
		if (pol != NULL &&
		    (text = key_policy_format(pol,
		    PFKEY_UNUNIT64(pol->sadb_x_policy_len), NULL)) != NULL) {
			sink += strlen(text);
			free(text);
		}
	}
	free(copy);
}

static void
fuzz_policy_text(const uint8_t *data, size_t size)
{
	char err[128], *input, *text = NULL;
	void *pol = NULL, *again = NULL;
	size_t len, len2;

	if ((input = malloc(size + 1)) == NULL)
		return;
	memcpy(input, data, size);
	input[size] = '\0';
	if (key_policy_parse(input, &pol, &len, err, sizeof(err)) == 0) {
		if ((text = key_policy_format(pol, len, "\n")) == NULL)
			abort();
		/* Reqids above 16383 print as unique#N, which is not input. */
		if (strchr(text, '#') == NULL) {
			if (key_policy_parse(text, &again, &len2, err,
			    sizeof(err)) != 0)
				abort();
			if (len2 != len || memcmp(pol, again, len) != 0)
				abort();
		}
	}
	free(again);
	free(text);
	free(pol);
	free(input);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_message(data, size);
	fuzz_policy_text(data, size);
	return 0;
}
