#! /usr/bin/env atf-sh
#
# How much of the ESP padding a keyd host checks on input.  FreeBSD's
# esp_input_cb() (sys/netipsec/xform_esp.c) checks only that the last pad
# byte equals the pad length, and skips even that on an SA with
# -f random-pad.  So a packet whose other pad bytes are not 1, 2, 3, ...
# still gets in.
#

. "$(atf_get_srcdir)/tunnel.subr"
. "$(atf_get_srcdir)/hostile.subr"

atf_test_case pad_middle cleanup
pad_middle_head()
{
	atf_set descr "A packet with a wrong pad byte before the last one is" \
	    "taken in"
	atf_set require.user root
	atf_set timeout 90
}
pad_middle_body()
{
	hostile_hosts
	ping_ok "$NS_A" 172.16.0.5 3
	craft pad-middle 10000 20 4801
	sleep 1
	decrypt_wire
	expect_replies 4801 1
	still_working
}
pad_middle_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case pad_middle
}
