# regress/keyd: keyclient and the atf-sh tests that run keyd.

KEYCLIENT := regress/keyd/keyclient
KEYD_TESTS_SH := $(wildcard regress/keyd/t_*.sh)
KEYD_TESTS := $(KEYD_TESTS_SH:.sh=)

TARGETS += $(KEYCLIENT) $(KEYD_TESTS)
CLEANFILES += $(KEYCLIENT) regress/keyd/keyclient.o $(KEYD_TESTS)

$(KEYCLIENT): regress/keyd/keyclient.o $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ regress/keyd/keyclient.o $(LIBKEY_A)

# Written to a temporary name first, so a concurrent make never sees a
# half-copied script.
regress/keyd/t_%: regress/keyd/t_%.sh
	$(E) GEN $@
	$(Q)cp $< $@.tmp && chmod 0755 $@.tmp && mv -f $@.tmp $@
