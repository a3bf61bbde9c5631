# ifipsecctl: configures ipsecN interfaces; installed also as ifconfig in
# COMPATDIR, under which name it behaves as FreeBSD's ifconfig for them.

IFIPSECCTL_SRCS := $(wildcard ifipsecctl/*.c)
IFIPSECCTL_OBJS := $(IFIPSECCTL_SRCS:.c=.o)

TARGETS += ifipsecctl/ifipsecctl
CLEANFILES += $(IFIPSECCTL_OBJS) ifipsecctl/ifipsecctl
INSTALL_TARGETS += install-ifipsecctl

ifipsecctl/ifipsecctl: $(IFIPSECCTL_OBJS) $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(IFIPSECCTL_OBJS) $(LIBKEY_A)

.PHONY: install-ifipsecctl
install-ifipsecctl: ifipsecctl/ifipsecctl
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(COMPATDIR) \
	    $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man4
	$(INSTALL) -m 0755 ifipsecctl/ifipsecctl $(DESTDIR)$(SBINDIR)/
	ln -sf $(SBINDIR)/ifipsecctl $(DESTDIR)$(COMPATDIR)/ifconfig
	$(INSTALL) -m 0644 man/ifipsecctl.8 $(DESTDIR)$(MANDIR)/man8/
	$(INSTALL) -m 0644 man/if_ipsec.4 $(DESTDIR)$(MANDIR)/man4/
