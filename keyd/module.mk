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
