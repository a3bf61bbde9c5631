# ipsec-userland: top-level GNU Makefile.
#
#   make              build everything, warnings as errors
#   make check        run the regress suite with Kyua (as root)
#   make check-sanitize  the same against an ASan and UBSan build
#   make fuzz         run the libFuzzer harnesses (clang; FUZZ_TIME=60 s each)
#   make bench        run the benchmarks (as root; BENCH_QUICK=1 for a short run)
#   make install      install under $(DESTDIR)$(PREFIX)
#   make demo         build the if_ipsec(4) example hosts and show them work
#   make deps         install the Debian packages the build and tests need
#   make clean        remove what the build wrote
#
# Each component adds its targets in its own module.mk.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
SBINDIR ?= $(PREFIX)/sbin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
COMPATDIR ?= $(PREFIX)/libexec/ipsec-userland

CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS := -Wall -Wextra -Werror -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wshadow \
	-Wpointer-arith -Wcast-qual -Wsign-compare -Wformat=2
BASEFLAGS := -std=gnu11 -D_GNU_SOURCE -fPIC -MMD -MP -Ilibkey
ALL_CFLAGS = $(BASEFLAGS) $(WARNFLAGS) $(CPPFLAGS) $(CFLAGS)
INSTALL ?= install

ifeq ($(V),1)
Q :=
E := @:
else
Q := @
E := @printf '  %-7s %s\n'
endif

# Filled in by the module.mk files.
TARGETS :=
CLEANFILES :=
INSTALL_TARGETS :=
CHECK_TARGETS :=

.PHONY: all check install clean demo deps
all: build-all

# regress/*/module.mk are picked up by the wildcard; no need to list them.
MODULES := $(wildcard libkey/module.mk keyd/module.mk setkey/module.mk \
	ifipsecctl/module.mk man/module.mk regress/*/module.mk \
	bench/module.mk fuzz/module.mk)
include $(MODULES)

build-all: $(TARGETS)

%.o: %.c
	$(E) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

check: all $(CHECK_TARGETS)
	$(Q)sh regress/run-kyua.sh

install: all $(INSTALL_TARGETS)

demo: install
	$(Q)SBINDIR=$(DESTDIR)$(SBINDIR) sh scripts/demo.sh

deps:
	$(Q)sh scripts/deps.sh

clean:
	$(E) CLEAN
	$(Q)rm -f $(CLEANFILES) $(CLEANFILES:.o=.d)

-include $(wildcard */*.d regress/*/*.d)
