/*
 * esp_speed: measures the CPU time keyd's ESP transforms take for one
 * packet, sealing and opening, with the functions the data plane calls.
 * Each algorithm gets ROUNDS rounds of PACKETS packets of a 1400-byte
 * inner IPv4 packet.  The median round is printed as nanoseconds per
 * packet, in a Markdown table.  The process's own CPU clock is used, so
 * time spent on other work of the machine is not counted.  Algorithm
 * names given as arguments limit the table to those rows.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pfkeyv2.h"
#include "esp.h"

#define INNER_LEN	1400
#define PACKETS		20000
#define ROUNDS		7
#define NH_IPV4		4

struct alg {
	const char *name;
	uint8_t enc;
	size_t enckeylen;	/* bytes, salt included */
	uint8_t auth;
	size_t authkeylen;
};

static const struct alg algs[] = {
	{ "aes-gcm-16-128", SADB_X_EALG_AESGCM16, 20, SADB_AALG_NONE, 0 },
	{ "aes-cbc-128 + hmac-sha1", SADB_X_EALG_AESCBC, 16,
	    SADB_AALG_SHA1HMAC, 20 },
	{ "aes-cbc-128 + hmac-sha2-256", SADB_X_EALG_AESCBC, 16,
	    SADB_X_AALG_SHA2_256, 32 },
	{ "chacha20-poly1305", SADB_X_EALG_CHACHA20POLY1305, 36,
	    SADB_AALG_NONE, 0 },
	{ "null", SADB_EALG_NULL, 0, SADB_AALG_NONE, 0 },
};

static uint64_t
cpu_ns(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Measures one algorithm and prints its row.  Returns 0, or -1. */
static int
measure(const struct alg *a)
{
	static uint8_t inner[INNER_LEN], pkt[INNER_LEN + 256],
	    out[INNER_LEN + 256];
	uint64_t seal[ROUNDS], open[ROUNDS], t0;
	uint8_t key[64], nh;
	struct esp_ctx ctx;
	size_t len, plen;
	uint64_t seq = 1;
	int r, i;

	memset(key, 0x5a, sizeof(key));
	memset(inner, 0xa5, sizeof(inner));
	inner[0] = 0x45;
	if (esp_ctx_init(&ctx, a->enc, key, a->enckeylen, a->auth, key,
	    a->authkeylen, ESP_PAD_SEQ) != 0) {
		fprintf(stderr, "esp_speed: %s: %s\n", a->name,
		    ctx.error != NULL ? ctx.error : "setup failed");
		return -1;
	}
	for (r = 0; r < ROUNDS; r++) {
		t0 = cpu_ns();
		for (i = 0; i < PACKETS; i++)
			if (esp_encrypt(&ctx, 0x1000, seq++, NH_IPV4, inner,
			    sizeof(inner), pkt, sizeof(pkt), ESP_PAD_SEQ,
			    &len) != ESP_OK)
				goto fail;
		seal[r] = (cpu_ns() - t0) / PACKETS;
		t0 = cpu_ns();
		for (i = 0; i < PACKETS; i++)
			if (esp_decrypt(&ctx, pkt, len, 0, out, sizeof(out),
			    &nh, &plen) != ESP_OK || plen != sizeof(inner))
				goto fail;
		open[r] = (cpu_ns() - t0) / PACKETS;
	}
	esp_ctx_free(&ctx);
	qsort(seal, ROUNDS, sizeof(seal[0]), cmp_u64);
	qsort(open, ROUNDS, sizeof(open[0]), cmp_u64);
	printf("| %s | %zu | %llu | %llu |\n", a->name, len,
	    (unsigned long long)seal[ROUNDS / 2],
	    (unsigned long long)open[ROUNDS / 2]);
	return 0;
fail:
	fprintf(stderr, "esp_speed: %s: a packet failed to seal or open\n",
	    a->name);
	esp_ctx_free(&ctx);
	return -1;
}

/* Returns whether the command line selects the algorithm called name. */
static int
wanted(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	size_t i, n = 0;
	int rc = 0;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		n += wanted(algs[i].name, argc, argv);
	if (n == 0) {
		fprintf(stderr, "esp_speed: no algorithm matches the "
		    "arguments; use the names of the table's first column, "
		    "such as aes-gcm-16-128\n");
		return 2;
	}
	printf("| algorithm | ESP bytes | seal, ns | open, ns |\n");
	printf("|---|---|---|---|\n");
	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++)
		if (wanted(algs[i].name, argc, argv) && measure(&algs[i]) == -1)
			rc = 1;
	return rc;
}
