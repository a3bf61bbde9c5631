#! /usr/bin/env atf-sh
#
# Two ipsec interfaces on one host: A has ipsec0 (reqid 100) to B and
# ipsec1 (reqid 101) to C, on a second veth pair.  Each interface must use
# only the SAs with its own reqid and take in only the ESP of its peer,
# and a reqid cannot serve two interfaces.
#
#	B 192.168.0.5 <-> 192.168.0.3 A 192.168.1.3 <-> 192.168.1.7 C
#

. "$(atf_get_srcdir)/tunnel.subr"

# multi_hosts: builds A and B as the other tests do, adds C, and runs the
# three hosts' lines.
multi_hosts()
{
	tnt_hosts noipv6
	NS_C=tnt-c-$$
	ns_create "$NS_C"
	ip netns exec "$NS_C" sysctl -q -w \
	    net.ipv6.conf.default.disable_ipv6=1
	ip link add tnt-veth-ac netns "$NS_A" type veth \
	    peer name tnt-veth-c netns "$NS_C" ||
	    atf_fail "cannot create the veth pair to C"
	ip -n "$NS_A" addr add 192.168.1.3/24 dev tnt-veth-ac
	ip -n "$NS_C" addr add 192.168.1.7/24 dev tnt-veth-c
	ip -n "$NS_A" link set tnt-veth-ac up
	ip -n "$NS_C" link set tnt-veth-c up
	tnt_keyds
	keyd_start "$NS_C"

	host_run "$NS_A" A <<'EOF'
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
ifconfig ipsec1 create reqid 101
ifconfig ipsec1 inet tunnel 192.168.1.3 192.168.1.7
ifconfig ipsec1 inet 172.17.0.3/16 172.17.0.7
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
add 192.168.1.3 192.168.1.7 esp 20000 -m tunnel -u 101 -E rijndael-cbc "VerySecureKey!!3";
add 192.168.1.7 192.168.1.3 esp 20001 -m tunnel -u 101 -E rijndael-cbc "VerySecureKey!!4";
EOT
EOF
	host_run "$NS_B" B <<'EOF'
ifconfig ipsec0 create reqid 200
ifconfig ipsec0 inet tunnel 192.168.0.5 192.168.0.3
ifconfig ipsec0 inet 172.16.0.5/16 172.16.0.3
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	host_run "$NS_C" C <<'EOF'
ifconfig ipsec0 create reqid 300
ifconfig ipsec0 inet tunnel 192.168.1.7 192.168.1.3
ifconfig ipsec0 inet 172.17.0.7/16 172.17.0.3
setkey -c <<'EOT'
add 192.168.1.3 192.168.1.7 esp 20000 -m tunnel -u 300 -E rijndael-cbc "VerySecureKey!!3";
add 192.168.1.7 192.168.1.3 esp 20001 -m tunnel -u 300 -E rijndael-cbc "VerySecureKey!!4";
EOT
EOF
}

# iface_packets NS IFACE DIRECTION: prints the "DIRECTION: N packets"
# count of IFACE's record in ifipsecctl -s in NS.
iface_packets()
{
	in_ns "$1" ifipsecctl -s | awk -v i="$2:" -v d="$3:" '
	    /^[^\t]/ { on = ($1 == i) }
	    on && $1 == d { print $2 }'
}

atf_test_case two_peers cleanup
two_peers_head()
{
	atf_set descr "ipsec0 and ipsec1 each carry only their peer's traffic"
	atf_set require.user root
	atf_set timeout 90
}
two_peers_body()
{
	local dir n

	multi_hosts
	capture_start "$NS_A" "$VETH_A" to_b.pcap
	capture_start "$NS_A" tnt-veth-ac to_c.pcap
	ping_ok "$NS_A" 172.16.0.5 3
	ping_ok "$NS_A" 172.17.0.7 2
	ping_ok "$NS_B" 172.16.0.3 3
	ping_ok "$NS_C" 172.17.0.3 2
	capture_stop to_b.pcap
	capture_stop to_c.pcap
	expect_spis to_b.pcap 10000 10001
	expect_spis to_c.pcap 20000 20001
	expect_frames to_b.pcap esp 12 "ESP packets between A and B"
	expect_frames to_c.pcap esp 8 "ESP packets between A and C"

	# Six packets each way crossed ipsec0, four ipsec1.
	for dir in output input; do
		n=$(iface_packets "$NS_A" ipsec0 $dir)
		[ "$n" = 6 ] ||
		    atf_fail "ipsec0 counted $n $dir packets, expected 6"
		n=$(iface_packets "$NS_A" ipsec1 $dir)
		[ "$n" = 4 ] ||
		    atf_fail "ipsec1 counted $n $dir packets, expected 4"
	done
}
two_peers_cleanup()
{
	tnt_cleanup
}

atf_test_case reqid_in_use cleanup
reqid_in_use_head()
{
	atf_set descr "A reqid another ipsec interface has is rejected"
	atf_set require.user root
	atf_set timeout 60
}
reqid_in_use_body()
{
	multi_hosts
	in_ns "$NS_A" ifconfig ipsec2 create reqid 100 > create.out 2>&1 &&
	    atf_fail "ipsec2 was created with ipsec0's reqid 100"
	cat create.out
	! ip -n "$NS_A" link show dev ipsec2 >/dev/null 2>&1 ||
	    atf_fail "ipsec2 exists after the rejected create"
	in_ns "$NS_A" ifconfig ipsec1 reqid 100 > reqid.out 2>&1 &&
	    atf_fail "ipsec1 took ipsec0's reqid 100"
	cat reqid.out
	ping_ok "$NS_A" 172.16.0.5 2
	ping_ok "$NS_A" 172.17.0.7 2
}
reqid_in_use_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case two_peers
	atf_add_test_case reqid_in_use
}
