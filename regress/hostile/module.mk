# regress/hostile: hostile input against a real keyd, and the driver that
# sends it (oversized messages, crowds of clients, ESP floods).

HOSTILE := regress/hostile/hostile
HOSTILE_OBJS := regress/hostile/hostile.o regress/hostile/hst_keyd_esp.o \
	regress/hostile/hst_keyd_esp_packet.o regress/hostile/hst_keyd_esp_xcbc.o
HOSTILE_TESTS_SH := $(wildcard regress/hostile/t_*.sh)
HOSTILE_TESTS := $(HOSTILE_TESTS_SH:.sh=)
HOSTILE_LIBS := $(shell pkg-config --libs libcrypto 2>/dev/null)

TARGETS += $(HOSTILE) $(HOSTILE_TESTS)
CLEANFILES += $(HOSTILE) $(HOSTILE_OBJS) $(HOSTILE_TESTS)

$(HOSTILE_OBJS): CPPFLAGS += -Ikeyd

# The driver encrypts its ESP packets with keyd's own transforms.
regress/hostile/hst_keyd_%.o: keyd/%.c
	$(E) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(HOSTILE): $(HOSTILE_OBJS) $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $(HOSTILE_OBJS) $(LIBKEY_A) $(HOSTILE_LIBS)

# Written to a temporary name first, so a concurrent make never sees a
# half-copied script.
regress/hostile/t_%: regress/hostile/t_%.sh
	$(E) GEN $@
	$(Q)cp $< $@.tmp && chmod 0755 $@.tmp && mv -f $@.tmp $@
