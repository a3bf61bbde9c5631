# libkey's unit tests: one atf-c program per regress/libkey/t_*.c, linked
# with the static library.

LIBKEY_TESTS := $(patsubst %.c,%,$(wildcard regress/libkey/t_*.c))
ATF_C_CFLAGS := $(shell pkg-config --cflags atf-c 2>/dev/null)
ATF_C_LIBS := $(shell pkg-config --libs atf-c 2>/dev/null)

TARGETS += $(LIBKEY_TESTS)
CLEANFILES += $(LIBKEY_TESTS) $(LIBKEY_TESTS:=.o)

$(LIBKEY_TESTS:=.o): CPPFLAGS += $(ATF_C_CFLAGS)

$(LIBKEY_TESTS): %: %.o $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(LIBKEY_A) $(ATF_C_LIBS)

# The fuzz harness needs clang's libFuzzer, so plain `make` skips it.
# `make fuzz-libkey FUZZ_SECONDS=N` builds it with ASan and UBSan and runs
# it for N seconds (default 60), keeping its corpus in FUZZ_CORPUS.
FUZZ_SECONDS ?= 60
FUZZ_CORPUS ?= /tmp/libkey-fuzz-corpus
CLEANFILES += regress/libkey/fuzz_libkey

regress/libkey/fuzz_libkey: regress/libkey/fuzz_libkey.c $(LIBKEY_SRCS)
	$(E) CLANG $@
	$(Q)clang -std=gnu11 -D_GNU_SOURCE -g -O1 -Ilibkey \
	    -fsanitize=fuzzer,address,undefined -o $@ $^

.PHONY: fuzz-libkey
fuzz-libkey: regress/libkey/fuzz_libkey
	$(Q)mkdir -p $(FUZZ_CORPUS)
	$(Q)regress/libkey/fuzz_libkey -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=1024 $(FUZZ_CORPUS)
