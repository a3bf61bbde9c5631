# setkey: FreeBSD's setkey(8), a bison grammar and flex scanner on libkey.

SETKEY_SRCS := setkey/setkey.c setkey/msg.c setkey/dump.c setkey/debug.c
SETKEY_GEN := setkey/parse.c setkey/parse.h setkey/token.c
SETKEY_OBJS := $(SETKEY_SRCS:.c=.o) setkey/parse.o setkey/token.o

# bison's and flex's output does not meet the project's warning set.
SETKEY_GENFLAGS := -Wno-sign-compare -Wno-unused-function \
	-Wno-unused-parameter -Wno-missing-prototypes \
	-Wno-missing-declarations -Wno-shadow -Wno-cast-qual

TARGETS += setkey/setkey
CLEANFILES += $(SETKEY_OBJS) setkey/setkey $(SETKEY_GEN)
INSTALL_TARGETS += install-setkey

setkey/parse.c: setkey/parse.y
	$(E) BISON $@
	$(Q)bison -Wall -Werror --defines=setkey/parse.h -o $@ $<

setkey/parse.h: setkey/parse.c

setkey/token.c: setkey/token.l
	$(E) FLEX $@
	$(Q)flex -o $@ $<

setkey/parse.o: setkey/parse.c setkey/setkey.h
	$(E) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SETKEY_GENFLAGS) -c -o $@ $<

setkey/token.o: setkey/token.c setkey/parse.h setkey/setkey.h
	$(E) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) $(SETKEY_GENFLAGS) -c -o $@ $<

setkey/setkey: $(SETKEY_OBJS) $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(SETKEY_OBJS) $(LIBKEY_A) $(LIBKEY_LIBS)

.PHONY: install-setkey
install-setkey: setkey/setkey
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 0755 setkey/setkey $(DESTDIR)$(SBINDIR)/
	$(INSTALL) -m 0644 man/setkey.8 $(DESTDIR)$(MANDIR)/man8/
