/*
 * Shared parts of the libFuzzer harnesses.
 */

#ifndef FUZZ_FUZZ_H
#define FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keyd.h"
#include "esp.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

/* Aborts with a message naming the broken invariant. */
#define FUZZ_ASSERT(cond)						\
	do {								\
		if (!(cond))						\
			fuzz_fail(__FILE__, __LINE__, #cond);		\
	} while (0)

void	fuzz_fail(const char *file, int line, const char *what)
	    __attribute__((noreturn));

/* Sends stdout and keyd's stderr logging to /dev/null. */
void	fuzz_quiet(void);

/* keyd_common.c */

/* Limits small enough for a fuzzer to reach them. */
#define FUZZ_MAX_SAS		24
#define FUZZ_MAX_POLICIES	24
#define FUZZ_CLIENTS		3

void	fuzz_keyd_init(struct keyd *k, struct client **clients, size_t n);
void	fuzz_keyd_free(struct keyd *k);

/*
 * Checks the SAD, the SPD and every client's queue for internal
 * consistency; aborts on a violation.
 */
void	fuzz_keyd_check(const struct keyd *k);

/*
 * Returns a digest of everything the SAD and SPD store: SAs with their
 * keys, addresses and lifetimes, and policies with their requests.
 */
uint64_t fuzz_keyd_digest(const struct keyd *k);

/*
 * Empties the queues of all clients.  With strict set, every queued
 * message must be a whole PF_KEY message; the body of an SADB_X_PROMISC
 * request is passed on as it came, so it is exempt.
 */
void	fuzz_keyd_drain(struct keyd *k, bool strict);

/* esp_setup.c */

/* An SA configuration: algorithms, keys and flags. */
struct fuzz_sa_setup {
	const char *name;
	uint8_t enc;
	uint8_t auth;
	const uint8_t *enckey;
	size_t enckeylen;
	const uint8_t *authkey;
	size_t authkeylen;
	uint32_t flags;			/* ESP_F_ESN, ESP_PAD_* */
};

extern const struct fuzz_sa_setup fuzz_sa_setups[];
extern const size_t fuzz_sa_nsetups;

#endif /* FUZZ_FUZZ_H */
