/*
 * Shared part of the setkey harnesses: setkey.c compiled in with its main
 * renamed, for its file-local algorithm list, and the replacements for
 * exit() in the scanner and getaddrinfo() in the grammar.
 */

#include <fcntl.h>
#include <setjmp.h>

#include "fuzz_setkey.h"

int	setkey_main(int, char **);

#define main	setkey_main
#include "../setkey/setkey.c"
#undef main

jmp_buf fuzz_setkey_jmp;
bool fuzz_setkey_armed;

/*
 * The scanner's yyfatal() ends setkey with exit(1).  The harness arms a
 * jump back to itself first; an exit without one is a harness bug.
 */
void
fuzz_setkey_exit(int status)
{
	(void)status;
	if (!fuzz_setkey_armed)
		abort();
	longjmp(fuzz_setkey_jmp, 1);
}

/* Resolves numeric addresses and ports only, so no query leaves the host. */
int
fuzz_getaddrinfo(const char *host, const char *port,
    const struct addrinfo *hints, struct addrinfo **res)
{
	struct addrinfo h = *hints;

	h.ai_flags |= AI_NUMERICHOST | AI_NUMERICSERV;
	return getaddrinfo(host, port, &h, res);
}

void
fuzz_setkey_init(void)
{
	fuzz_quiet_stdout();
	opts.mode = MODE_SCRIPT;
	opts.noaction = true;
	/* -v prints each message, which runs debug.c over it. */
	opts.verbose = true;
	local_supported();
}

/* The scanner's tokens whose value is a malloc'd string. */
static bool
token_has_string(int token)
{
	switch (token) {
	case STRING:
	case QUOTEDSTRING:
	case HEXSTRING:
	case PL_REQUESTS:
	case F_AIFLAGS:
		return true;
	default:
		return false;
	}
}

int
fuzz_setkey_scan(const uint8_t *data, size_t size, size_t *ntokens)
{
	volatile size_t n = 0;
	FILE *fp;
	int token, rc = 0;

	if (size == 0 || (fp = fmemopen((void *)(uintptr_t)data, size,
	    "r")) == NULL)
		return -1;
	scanner_reset(fp);
	fuzz_setkey_armed = true;
	if (setjmp(fuzz_setkey_jmp) != 0) {
		rc = -1;
		goto done;
	}
	while ((token = yylex()) != 0) {
		n++;
		if (token_has_string(token) && yylval.val.buf != NULL) {
			key_wipe(yylval.val.buf, yylval.val.len);
			free(yylval.val.buf);
		}
		yylval.val.buf = NULL;
	}
done:
	fuzz_setkey_armed = false;
	scanner_done();
	fclose(fp);
	if (ntokens != NULL)
		*ntokens = n;
	return rc;
}

void
fuzz_quiet_stdout(void)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY)) == -1)
		return;
	dup2(fd, STDOUT_FILENO);
	close(fd);
}
