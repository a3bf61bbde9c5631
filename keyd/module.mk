# keyd: the key engine daemon.

KEYD_SRCS := $(wildcard keyd/*.c)
KEYD_OBJS := $(KEYD_SRCS:.c=.o)
KEYD_LIBS := $(shell pkg-config --libs libcrypto libpcap)

TARGETS += keyd/keyd
CLEANFILES += $(KEYD_OBJS) keyd/keyd
INSTALL_TARGETS += install-keyd

keyd/keyd: $(KEYD_OBJS) $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(KEYD_OBJS) $(LIBKEY_A) $(KEYD_LIBS)

.PHONY: install-keyd
install-keyd: keyd/keyd
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 keyd/keyd $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 man/keyd.8 $(DESTDIR)$(MANDIR)/man8/

# The libFuzzer harness of the PF_KEY core; built only on request, with
# clang: make keyd/fuzz/fuzz_dispatch
KEYD_FUZZ_SRCS := keyd/fuzz/fuzz_dispatch.c \
	$(filter-out keyd/keyd.c keyd/control.c, $(KEYD_SRCS)) $(LIBKEY_SRCS)
CLEANFILES += keyd/fuzz/fuzz_dispatch keyd/fuzz/fuzz_dispatch.d

keyd/fuzz/fuzz_dispatch: $(KEYD_FUZZ_SRCS)
	$(E) FUZZ $@
	$(Q)clang $(BASEFLAGS) -Ikeyd -g -O1 \
	    -fsanitize=fuzzer,address,undefined -o $@ $(KEYD_FUZZ_SRCS) \
	    $(KEYD_LIBS)
