/*
 * The setkey harnesses' shared functions (setkey_common.c).
 */

#ifndef FUZZ_FUZZ_SETKEY_H
#define FUZZ_FUZZ_SETKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "setkey.h"
#include "parse.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int	LLVMFuzzerInitialize(int *argc, char ***argv);

void	fuzz_setkey_exit(int status) __attribute__((noreturn));
int	fuzz_getaddrinfo(const char *host, const char *port,
	    const struct addrinfo *hints, struct addrinfo **res);

/* Sends stdout, where setkey prints, to /dev/null. */
void	fuzz_quiet_stdout(void);

/* Sets setkey's options for parsing with -n -v. */
void	fuzz_setkey_init(void);

/*
 * Runs the scanner alone over the input and frees every token.  Returns
 * 0, or -1 when the scanner rejected a character (yyfatal), and stores
 * the number of tokens in *ntokens.
 */
int	fuzz_setkey_scan(const uint8_t *data, size_t size, size_t *ntokens);

#endif /* FUZZ_FUZZ_SETKEY_H */
