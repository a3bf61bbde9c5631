# regress/tunnel: the end-to-end tunnel tests between two namespaces.

TUNNEL_TESTS_SH := $(wildcard regress/tunnel/t_*.sh)
TUNNEL_TESTS := $(TUNNEL_TESTS_SH:.sh=)

TARGETS += $(TUNNEL_TESTS)
CLEANFILES += $(TUNNEL_TESTS)

# Written to a temporary name first, so a concurrent make never sees a
# half-copied script.
regress/tunnel/t_%: regress/tunnel/t_%.sh
	$(E) GEN $@
	$(Q)cp $< $@.tmp && chmod 0755 $@.tmp && mv -f $@.tmp $@
