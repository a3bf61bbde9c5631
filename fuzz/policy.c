/*
 * libFuzzer harness for libkey's policy text parser, key_policy_parse(),
 * with the input read as ipsec_set_policy(3) text.  What parses must
 * decode with key_policy_requests(), format with key_policy_format(),
 * and parse back from that text to the same bytes (reqids above 16383
 * print as unique#N, which is output only, so those skip the last step).
 */

#include <stdlib.h>
#include <string.h>

#include "libkey.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void
check_requests(const void *pol, size_t len)
{
	struct key_ipsecrequest reqs[KEY_POLICY_MAXREQ];
	size_t n = 0, i;

	if (key_policy_requests(pol, len, reqs, KEY_POLICY_MAXREQ, &n) != 0)
		abort();
	if (n > KEY_POLICY_MAXREQ)
		abort();
	for (i = 0; i < n; i++)
		sink += reqs[i].proto + reqs[i].mode + reqs[i].level;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256], *input, *text = NULL;
	void *pol = NULL, *again = NULL;
	size_t len, len2;

	if ((input = malloc(size + 1)) == NULL)
		return 0;
	memcpy(input, data, size);
	input[size] = '\0';
	if (key_policy_parse(input, &pol, &len, err, sizeof(err)) != 0) {
		/* The message must be a terminated string within errbuf. */
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		goto done;
	}
	if (len < sizeof(struct sadb_x_policy) || len % 8 != 0 ||
	    PFKEY_UNUNIT64(((const struct sadb_x_policy *)pol)->
	    sadb_x_policy_len) != len)
		abort();
	check_requests(pol, len);
	if ((text = key_policy_format(pol, len, " ")) == NULL)
		abort();
	if (strchr(text, '#') == NULL) {
		if (key_policy_parse(text, &again, &len2, err,
		    sizeof(err)) != 0)
			abort();
		if (len2 != len || memcmp(pol, again, len) != 0)
			abort();
	}
done:
	free(again);
	free(text);
	free(pol);
	free(input);
	return 0;
}
