# regress/setkey: the golden-file tests of setkey.

SETKEY_TESTS_SH := $(wildcard regress/setkey/t_*.sh)
SETKEY_TESTS := $(SETKEY_TESTS_SH:.sh=)

TARGETS += $(SETKEY_TESTS)
CLEANFILES += $(SETKEY_TESTS)

# Written to a temporary name first, so a concurrent make never sees a
# half-copied script.
regress/setkey/t_%: regress/setkey/t_%.sh
	$(E) GEN $@
	$(Q)cp $< $@.tmp && chmod 0755 $@.tmp && mv -f $@.tmp $@
