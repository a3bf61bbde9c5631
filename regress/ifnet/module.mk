# regress/ifnet: atf-sh tests of ipsecN interfaces through ifipsecctl.

IFNET_TESTS_SH := $(wildcard regress/ifnet/t_*.sh)
IFNET_TESTS := $(IFNET_TESTS_SH:.sh=)

TARGETS += $(IFNET_TESTS)
CLEANFILES += $(IFNET_TESTS)

# Written to a temporary name first, so a concurrent make never sees a
# half-copied script.
regress/ifnet/t_%: regress/ifnet/t_%.sh
	$(E) GEN $@
	$(Q)cp $< $@.tmp && chmod 0755 $@.tmp && mv -f $@.tmp $@
