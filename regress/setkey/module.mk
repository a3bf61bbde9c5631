# regress/setkey: the golden-file tests of setkey.

SETKEY_TESTS_SH := $(wildcard regress/setkey/t_*.sh)
SETKEY_TESTS := $(SETKEY_TESTS_SH:.sh=)
SPDUMP_FIXTURE := regress/setkey/t_spdump_fixture

TARGETS += $(SETKEY_TESTS) $(SPDUMP_FIXTURE)
CLEANFILES += $(SETKEY_TESTS) $(SPDUMP_FIXTURE) $(SPDUMP_FIXTURE).o

# Prints interface policies with setkey's own dump code.
$(SPDUMP_FIXTURE): $(SPDUMP_FIXTURE).o setkey/dump.o $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(SPDUMP_FIXTURE).o setkey/dump.o \
	    $(LIBKEY_A) $(LIBKEY_LIBS)

# Written to a temporary name first, so a concurrent make never sees a
# half-copied script.
regress/setkey/t_%: regress/setkey/t_%.sh
	$(E) GEN $@
	$(Q)cp $< $@.tmp && chmod 0755 $@.tmp && mv -f $@.tmp $@
