# regress/esp: known-answer and unit tests of keyd's ESP transforms,
# replay window and SAD, one atf-c program per regress/esp/t_*.c.  The keyd sources
# under test are compiled into the programs here, so the tests need no
# keyd binary.

ESP_TESTS := $(patsubst %.c,%,$(wildcard regress/esp/t_*.c))
ESP_TEST_SRCS := keyd/esp.c keyd/esp_packet.c keyd/esp_xcbc.c keyd/replay.c \
	keyd/sad.c
ESP_TEST_OBJS := $(patsubst keyd/%.c,regress/esp/keyd_%.o,$(ESP_TEST_SRCS)) \
	regress/esp/vectors.o
ESP_TEST_CFLAGS := $(shell pkg-config --cflags atf-c libcrypto 2>/dev/null)
ESP_TEST_LIBS := $(shell pkg-config --libs atf-c libcrypto 2>/dev/null)

TARGETS += $(ESP_TESTS)
CLEANFILES += $(ESP_TESTS) $(ESP_TESTS:=.o) $(ESP_TEST_OBJS)

$(ESP_TESTS:=.o) $(ESP_TEST_OBJS): CPPFLAGS += $(ESP_TEST_CFLAGS) -Ikeyd

regress/esp/keyd_%.o: keyd/%.c
	$(E) CC $@
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(ESP_TESTS): %: %.o $(ESP_TEST_OBJS) $(LIBKEY_A)
	$(E) LD $@
	$(Q)$(CC) $(LDFLAGS) -o $@ $< $(ESP_TEST_OBJS) $(LIBKEY_A) \
	    $(ESP_TEST_LIBS)
