# fuzz: libFuzzer harnesses for the parsers and for keyd's core.
#
#   make fuzz             build every harness and run each for FUZZ_TIME
#                         seconds (default 60), one after another
#   make fuzz-build       build the harnesses only
#   make fuzz-NAME        run one harness (fuzz-keyd, fuzz-esp, ...)
#
# The harnesses need clang's libFuzzer, so plain `make` builds none of
# this.  The project's sources are compiled a second time, with ASan and
# UBSan and coverage instrumentation, into fuzz/obj/, so the normal
# objects are untouched.  Each harness keeps its growing corpus in
# fuzz/corpus/NAME and starts from seeds that fuzz/mkseeds.sh writes to
# fuzz/seeds/NAME from the regress cases.  Crashes are written to
# fuzz/crash/.

FUZZ_CC ?= clang
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_FLAGS ?=
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
FUZZ_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g -O1 -MMD -MP $(FUZZ_SAN) \
	-fsanitize=fuzzer-no-link -Ilibkey -Ikeyd -Isetkey
FUZZ_DEFS :=
FUZZ_LIBS := $(shell pkg-config --libs libcrypto libpcap 2>/dev/null)

FUZZ_TARGETS := setkey_scan setkey_parse libkey_msg policy keyd esp dataplane
FUZZ_BINS := $(addprefix fuzz/fuzz_,$(FUZZ_TARGETS))

# Objects of the other components, built with the fuzzing flags.  Warnings
# stay on but do not stop the build, since clang warns about other things
# than the compiler the normal build uses.
fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(E) FUZZCC $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(FUZZ_DEFS) $(WARNFLAGS) -Wno-error \
	    $(SETKEY_GENFLAGS) -c -o $@ $<

FUZZ_LIBKEY_OBJS := $(patsubst %.c,fuzz/obj/%.o,$(LIBKEY_SRCS))
# keyd's core without the event loop, the control socket, the TAP devices
# and captures, which fuzz/stubs.c replaces with harmless stand-ins.
FUZZ_KEYD_CORE := $(filter-out keyd/keyd.c keyd/control.c keyd/tap.c \
	keyd/capture.c keyd/netio.c keyd/dataplane.c,$(KEYD_SRCS))
FUZZ_KEYD_OBJS := $(patsubst %.c,fuzz/obj/%.o,$(FUZZ_KEYD_CORE))
FUZZ_SETKEY_OBJS := $(patsubst %.c,fuzz/obj/%.o,setkey/msg.c setkey/dump.c \
	setkey/debug.c setkey/token.c setkey/parse.c)
FUZZ_ESP_OBJS := $(patsubst %.c,fuzz/obj/%.o,keyd/esp.c keyd/esp_packet.c \
	keyd/esp_xcbc.c keyd/replay.c)

# setkey's scanner calls exit() on a character it cannot match; the
# harness turns that into a jump back to itself.  Its parser resolves
# host names, which the harness restricts to numeric addresses.
fuzz/obj/setkey/token.o: FUZZ_DEFS := -Dexit=fuzz_setkey_exit
fuzz/obj/setkey/parse.o: FUZZ_DEFS := -Dgetaddrinfo=fuzz_getaddrinfo
fuzz/obj/setkey/token.o: setkey/token.c setkey/parse.h
fuzz/obj/setkey/parse.o: setkey/parse.c

fuzz/obj/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(E) FUZZCC $@
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) $(WARNFLAGS) -c -o $@ $<

FUZZ_LINK = $(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(FUZZ_LIBS)

fuzz/fuzz_setkey_scan: fuzz/obj/fuzz/setkey_scan.o fuzz/obj/fuzz/setkey_common.o \
    $(FUZZ_SETKEY_OBJS) $(FUZZ_LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

fuzz/fuzz_setkey_parse: fuzz/obj/fuzz/setkey_parse.o \
    fuzz/obj/fuzz/setkey_common.o $(FUZZ_SETKEY_OBJS) $(FUZZ_LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

fuzz/fuzz_libkey_msg: fuzz/obj/regress/libkey/fuzz_libkey.o $(FUZZ_LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

fuzz/fuzz_policy: fuzz/obj/fuzz/policy.o $(FUZZ_LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

fuzz/fuzz_keyd: fuzz/obj/fuzz/keyd.o fuzz/obj/fuzz/keyd_common.o fuzz/obj/fuzz/util.o \
    fuzz/obj/fuzz/stubs.o fuzz/obj/keyd/dataplane.o fuzz/obj/keyd/netio.o \
    $(FUZZ_KEYD_OBJS) $(FUZZ_LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

fuzz/fuzz_esp: fuzz/obj/fuzz/esp.o fuzz/obj/fuzz/esp_setup.o \
    fuzz/obj/fuzz/util.o $(FUZZ_ESP_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

# The data-plane harness compiles dataplane.c and netio.c into itself to
# reach their file-local input steps.
fuzz/obj/fuzz/dataplane.o: keyd/dataplane.c keyd/netio.c
fuzz/fuzz_dataplane: fuzz/obj/fuzz/dataplane.o fuzz/obj/fuzz/keyd_common.o \
    fuzz/obj/fuzz/util.o \
    fuzz/obj/fuzz/esp_setup.o fuzz/obj/fuzz/stubs.o $(FUZZ_KEYD_OBJS) \
    $(FUZZ_LIBKEY_OBJS)
	$(E) LD $@
	$(Q)$(FUZZ_LINK)

.PHONY: fuzz fuzz-build fuzz-seeds $(addprefix fuzz-,$(FUZZ_TARGETS))
fuzz-build: $(FUZZ_BINS)

fuzz-seeds: setkey/setkey
	$(Q)sh fuzz/mkseeds.sh

# Each run is confined to a new network namespace when unshare(1) may
# create one, so that nothing a harness does can reach a network.
$(addprefix fuzz-,$(FUZZ_TARGETS)): fuzz-%: fuzz/fuzz_% fuzz-seeds
	$(Q)sh fuzz/run.sh $* $(FUZZ_TIME) $(FUZZ_JOBS) $(FUZZ_FLAGS)

fuzz: fuzz-build
	$(Q)for t in $(FUZZ_TARGETS); do \
	    $(MAKE) --no-print-directory fuzz-$$t || exit 1; done

CLEANFILES += $(FUZZ_BINS)
-include $(wildcard fuzz/obj/*/*.d fuzz/obj/*/*/*.d)

# The whole regress suite against a build with ASan and UBSan, made in a
# copy of the tree (build/sanitize) so the normal build is untouched.
.PHONY: check-sanitize
check-sanitize:
	$(Q)sh fuzz/sanitize.sh
