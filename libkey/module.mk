# libkey: the PF_KEYv2 library, shared and static.

LIBKEY_MAJOR := 0
LIBKEY_VERSION := 0.1.0
LIBKEY_SRCS := $(wildcard libkey/*.c)
LIBKEY_OBJS := $(LIBKEY_SRCS:.c=.o)
LIBKEY_SO := libkey/libkey.so.$(LIBKEY_VERSION)
LIBKEY_A := libkey/libkey.a
LIBKEY_LIBS :=

TARGETS += $(LIBKEY_A) $(LIBKEY_SO) libkey/libkey.so libkey/libkey.pc
CLEANFILES += $(LIBKEY_OBJS) $(LIBKEY_A) $(LIBKEY_SO) libkey/libkey.so \
	libkey/libkey.so.$(LIBKEY_MAJOR) libkey/libkey.pc
INSTALL_TARGETS += install-libkey

$(LIBKEY_A): $(LIBKEY_OBJS)
	$(E) AR $@
	$(Q)rm -f $@ && ar rcs $@ $^

$(LIBKEY_SO): $(LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(CC) -shared -Wl,-soname,libkey.so.$(LIBKEY_MAJOR) $(LDFLAGS) \
	    -o $@ $^ $(LIBKEY_LIBS)

libkey/libkey.so: $(LIBKEY_SO)
	$(Q)ln -sf libkey.so.$(LIBKEY_VERSION) libkey/libkey.so.$(LIBKEY_MAJOR)
	$(Q)ln -sf libkey.so.$(LIBKEY_VERSION) $@

libkey/libkey.pc: libkey/libkey.pc.in Makefile
	$(E) GEN $@
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
	    -e 's|@VERSION@|$(LIBKEY_VERSION)|' $< > $@

.PHONY: install-libkey
install-libkey: $(LIBKEY_A) $(LIBKEY_SO) libkey/libkey.pc
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/libkey \
	    $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 0644 $(LIBKEY_A) $(DESTDIR)$(LIBDIR)/
	$(INSTALL) -m 0755 $(LIBKEY_SO) $(DESTDIR)$(LIBDIR)/
	ln -sf libkey.so.$(LIBKEY_VERSION) \
	    $(DESTDIR)$(LIBDIR)/libkey.so.$(LIBKEY_MAJOR)
	ln -sf libkey.so.$(LIBKEY_VERSION) $(DESTDIR)$(LIBDIR)/libkey.so
	$(INSTALL) -m 0644 libkey/libkey.h libkey/pfkeyv2.h \
	    $(DESTDIR)$(INCLUDEDIR)/libkey/
	$(INSTALL) -m 0644 libkey/libkey.pc $(DESTDIR)$(PKGCONFIGDIR)/
	@# An installation into the running system refreshes the loader's
	@# cache, so programs linked with -lkey find libkey.so.0.
	$(Q)if [ -z "$(DESTDIR)" ] && command -v ldconfig >/dev/null; then \
	    ldconfig; fi
