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
