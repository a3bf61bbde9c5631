# bench: `make bench` measures keyd's data and control planes against the
# bare veth and strongSwan (root; not part of `make check`).
# BENCH_QUICK=1 makes one short run of each measurement.

BENCH_QUICK ?= 0

.PHONY: bench
bench: all
	$(Q)BENCH_QUICK=$(BENCH_QUICK) bash bench/bench.sh
