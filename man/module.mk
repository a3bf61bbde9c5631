# man: pages not installed by their program's module.mk.

INSTALL_TARGETS += install-man-libkey

.PHONY: install-man-libkey lint-man
install-man-libkey:
	$(INSTALL) -d $(DESTDIR)$(MANDIR)/man3
	$(INSTALL) -m 0644 man/libkey.3 $(DESTDIR)$(MANDIR)/man3/

# Cross references resolve against the pages in man/, so lint from there.
lint-man:
	cd man && mandoc -Tlint -Wstyle *.[0-9]
