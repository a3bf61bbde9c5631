/*
 * libFuzzer harness for setkey's grammar, as `setkey -n -v -c` runs it:
 * statements are parsed, their PF_KEY messages built and printed, and
 * nothing is sent.  Input the scanner rejects would end setkey through
 * exit(), so the scanner reads it alone first (fuzz_setkey_scan()) and
 * the parser only gets input that scans.
 */

#include "fuzz_setkey.h"

static volatile int sink;

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
	FILE *fp;

	if (fuzz_setkey_scan(data, size, NULL) != 0)
		return 0;
	if ((fp = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return 0;
	sink += parse(fp);
	fclose(fp);
	return 0;
}
