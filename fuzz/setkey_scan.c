/*
 * libFuzzer harness for setkey's flex scanner alone: every token is read
 * and freed, and a character the scanner rejects ends the input as it
 * ends setkey, without leaking what was read before it.
 */

#include "fuzz_setkey.h"

static volatile size_t sink;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_setkey_init();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t n = 0;

	if (fuzz_setkey_scan(data, size, &n) == 0)
		sink += n;
	return 0;
}
