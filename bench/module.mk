# bench: `make bench` measures keyd's data and control planes against the
# bare veth and strongSwan (root; not part of `make check`).
# BENCH_QUICK=1 makes one short run of each measurement.

BENCH_QUICK ?= 0

.PHONY: bench
bench: all
	$(Q)BENCH_QUICK=$(BENCH_QUICK) bash bench/bench.sh

# esp_speed times keyd's ESP transforms per packet; bench.sh runs it.
ESP_SPEED_SRCS := keyd/esp.c keyd/esp_packet.c keyd/esp_xcbc.c
ESP_SPEED_OBJS := $(patsubst keyd/%.c,bench/keyd_%.o,$(ESP_SPEED_SRCS))

TARGETS += bench/esp_speed
CLEANFILES += bench/esp_speed bench/esp_speed.o $(ESP_SPEED_OBJS)

bench/esp_speed.o $(ESP_SPEED_OBJS): CPPFLAGS += -Ikeyd -Ilibkey

bench/keyd_%.o: keyd/%.c
	$(E) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

bench/esp_speed: bench/esp_speed.o $(ESP_SPEED_OBJS)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ bench/esp_speed.o $(ESP_SPEED_OBJS) \
	    $(shell pkg-config --libs libcrypto) -lpthread
