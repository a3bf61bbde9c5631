#! /usr/bin/env atf-sh
#
# ipsec0's MTU as if_ipsec(4) defines it: 1400 by default, settable from
# 1280 to 8192.  Inner packets up to the MTU cross whole; larger ones are
# fragmented before ESP.  The outer header has DF clear, so when the
# encrypted packet outgrows the veth the outer packet is fragmented and
# still arrives.
#

. "$(atf_get_srcdir)/tunnel.subr"

# mtu_hosts: builds the tunnel over IPv4 with AES-GCM-16.
mtu_hosts()
{
	tunnel_hosts 4 "-E aes-gcm-16 0x$(hexkey $ENC_HEX 20)" \
	    "-E aes-gcm-16 0x$(hexkey $ENC_HEX 20 flip)"
}

# expect_mtu NS MTU: fails unless Linux reports MTU for ipsec0 in NS.
expect_mtu()
{
	local mtu

	mtu=$(ip -n "$1" -o link show dev ipsec0 |
	    sed -E 's/.* mtu ([0-9]+) .*/\1/')
	[ "$mtu" = "$2" ] || atf_fail "ipsec0 in $1 has MTU $mtu, expected $2"
}

atf_test_case default_mtu cleanup
default_mtu_head()
{
	atf_set descr "ipsec0 has MTU 1400; 1400-byte packets cross whole"
	atf_set require.user root
	atf_set timeout 90
}
default_mtu_body()
{
	mtu_hosts
	expect_mtu "$NS_A" 1400
	in_ns "$NS_A" ifconfig ipsec0 > ifconfig.out
	cat ifconfig.out
	grep -q "^ipsec0: .* mtu 1400$" ifconfig.out ||
	    atf_fail "ifconfig ipsec0 does not show mtu 1400"

	# 1372 bytes of ICMP data make a 1400-byte IPv4 packet.
	ping_ok "$NS_A" 172.16.0.5 2 -M do -s 1372
	ping_fails "$NS_A" 172.16.0.5 -M do -s 1373
	# Larger packets without DF are fragmented before encryption.
	ping_ok "$NS_A" 172.16.0.5 2 -M dont -s 3000
}
default_mtu_cleanup()
{
	tnt_cleanup
}

atf_test_case mtu_range cleanup
mtu_range_head()
{
	atf_set descr "ifconfig ipsec0 mtu accepts 1280 to 8192 only"
	atf_set require.user root
	atf_set timeout 60
}
mtu_range_body()
{
	mtu_hosts
	for mtu in 1279 8193; do
		in_ns "$NS_A" ifconfig ipsec0 mtu $mtu > mtu.out 2>&1 &&
		    atf_fail "ifconfig ipsec0 mtu $mtu succeeded"
		cat mtu.out
		expect_mtu "$NS_A" 1400
	done
	for mtu in 1280 8192; do
		in_ns "$NS_A" ifconfig ipsec0 mtu $mtu ||
		    atf_fail "ifconfig ipsec0 mtu $mtu failed"
		expect_mtu "$NS_A" $mtu
	done
}
mtu_range_cleanup()
{
	tnt_cleanup
}

atf_test_case outer_fragments cleanup
outer_fragments_head()
{
	atf_set descr "ESP larger than the veth's MTU leaves in fragments"
	atf_set require.user root
	atf_set timeout 90
}
outer_fragments_body()
{
	mtu_hosts
	in_ns "$NS_A" ifconfig ipsec0 mtu 1500
	in_ns "$NS_B" ifconfig ipsec0 mtu 1500
	capture_start "$NS_A" "$VETH_A" wire.pcap
	# A 1500-byte inner packet needs more than 1500 bytes of ESP.
	ping_ok "$NS_A" 172.16.0.5 2 -M do -s 1472
	capture_stop wire.pcap
	expect_frames wire.pcap "ip.src == 192.168.0.3 && ip.flags.mf == 1" 2 \
	    "first fragments of ESP from A"
	expect_frames wire.pcap "ip.src == 192.168.0.3 && esp" 2 \
	    "reassembled ESP packets from A"
}
outer_fragments_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case default_mtu
	atf_add_test_case mtu_range
	atf_add_test_case outer_fragments
}
