#! /usr/bin/env atf-sh
#
# The reqid ties SAs to an ipsec interface, as if_ipsec(4) notes: "the
# value 100 on host A and value 200 on host B are used as reqid.  The same
# values should be used as identifier of the policy entry in the setkey
# command."  Here host B's SAs carry host A's reqid 100 by mistake.
#
# Outbound, FreeBSD picks only an SA whose reqid equals the interface's,
# so B finds none: it sends SADB_ACQUIRE and drops the packet.  Inbound,
# FreeBSD finds the SA by SPI and decrypts.  When no ipsec interface has
# the SA's reqid and addresses, if_ipsec leaves the packet as received on
# the physical interface, so the host still takes it in: FreeBSD's
# ipsec_if_input() returns 0 without setting rcvif.  The same holds for
# an inbound SA of mode any, which ipsec_if_input() never attributes to
# an interface.
#

. "$(atf_get_srcdir)/tunnel.subr"

# wrong_reqid_hosts: runs the manual page's lines on A, and on B with
# "-u 100" in place of "-u 200".
wrong_reqid_hosts()
{
	tnt_hosts noipv6
	tnt_keyds
	manpage_host_a
	host_run "$NS_B" B <<'EOF'
ifconfig ipsec0 create reqid 200
ifconfig ipsec0 inet tunnel 192.168.0.5 192.168.0.3
ifconfig ipsec0 inet 172.16.0.5/16 172.16.0.3
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
}

# acquire_drops NS: prints ipsec0's count of packets dropped for want of
# an SA in NS.
acquire_drops()
{
	in_ns "$1" ifipsecctl -s > stats.out
	cat stats.out >&2
	awk '/^[^\t]/ { on = /^ipsec0:/ }
	    on && /dropped, no SA \(ACQUIRE sent\):/ { n = $NF }
	    END { print n + 0 }' stats.out
}

# host_counter NS PATTERN: prints the counter of the "no interface"
# record of NS whose line matches the awk regular expression PATTERN.
host_counter()
{
	in_ns "$1" ifipsecctl -s > stats.out
	cat stats.out >&2
	awk -v re="$2" '/^[^\t]/ { on = /^no interface:/ }
	    on && $0 ~ re { n = ($NF == "packets") ? $(NF - 1) : $NF }
	    END { print n + 0 }' stats.out
}

# mode_any_hosts [noipv6]: runs the manual page's lines on A, and on B
# without "-m tunnel" on B's inbound SA, with IPv6 inside the tunnel too
# unless noipv6 is given.
mode_any_hosts()
{
	local inner6_a= inner6_b=

	if [ "${1:-}" != noipv6 ]; then
		inner6_a="ifconfig ipsec0 inet6 2001:db8:1::3/128 2001:db8:1::5"
		inner6_b="ifconfig ipsec0 inet6 2001:db8:1::5/128 2001:db8:1::3"
	fi
	tnt_hosts "${1:-}"
	tnt_keyds
	host_run "$NS_A" A <<EOF
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
$inner6_a
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	host_run "$NS_B" B <<EOF
ifconfig ipsec0 create reqid 200
ifconfig ipsec0 inet tunnel 192.168.0.5 192.168.0.3
ifconfig ipsec0 inet 172.16.0.5/16 172.16.0.3
$inner6_b
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -u 200 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	if [ -n "$inner6_a" ]; then
		wait_ipv6_ready "$NS_A"
		wait_ipv6_ready "$NS_B"
	fi
}

atf_test_case outbound cleanup
outbound_head()
{
	atf_set descr "B does not send with SAs of another reqid"
	atf_set require.user root
	atf_set timeout 60
}
outbound_body()
{
	wrong_reqid_hosts
	capture_start "$NS_B" "$VETH_B" wire.pcap
	ping_fails "$NS_B" 172.16.0.3
	capture_stop wire.pcap
	expect_frames wire.pcap "esp" 0 "ESP packets"
	[ "$(acquire_drops "$NS_B")" -eq 2 ] ||
	    atf_fail "B did not drop its 2 echo requests for want of an SA"
}
outbound_cleanup()
{
	tnt_cleanup
}

atf_test_case inbound cleanup
inbound_head()
{
	atf_set descr "B takes in ESP whose SA has another interface's reqid"
	atf_set require.user root
	atf_set timeout 60
}
inbound_body()
{
	wrong_reqid_hosts
	ping_fails "$NS_A" 172.16.0.5
	# B received both requests and tried to send the replies through
	# ipsec0, which has no SA with reqid 200.
	[ "$(acquire_drops "$NS_B")" -eq 2 ] ||
	    atf_fail "B did not take in A's 2 echo requests"
}
inbound_cleanup()
{
	tnt_cleanup
}

atf_test_case inbound_mode_any cleanup
inbound_mode_any_head()
{
	atf_set descr "B takes in ESP whose SA has mode any"
	atf_set require.user root
	atf_set timeout 60
}
inbound_mode_any_body()
{
	tnt_hosts noipv6
	tnt_keyds
	host_run "$NS_A" A <<'EOF'
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	# Host B's lines without "-m tunnel" on its inbound SA.  FreeBSD
	# decapsulates with it but attributes the packet to no interface,
	# which leaves it as received on the physical interface.  B's reply
	# then leaves through ipsec0 with SA 10001.
	host_run "$NS_B" B <<'EOF'
ifconfig ipsec0 create reqid 200
ifconfig ipsec0 inet tunnel 192.168.0.5 192.168.0.3
ifconfig ipsec0 inet 172.16.0.5/16 172.16.0.3
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -u 200 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	ping_ok "$NS_A" 172.16.0.5 2
	[ "$(host_counter "$NS_B" "delivered to the host stack")" -eq 2 ] ||
	    atf_fail "B did not count 2 packets delivered to its host stack"
}
inbound_mode_any_cleanup()
{
	tnt_cleanup
}

atf_test_case inbound_mode_any_v6 cleanup
inbound_mode_any_v6_head()
{
	atf_set descr "B takes in IPv6 from ESP whose SA has mode any"
	atf_set require.user root
	atf_set timeout 60
}
inbound_mode_any_v6_body()
{
	mode_any_hosts
	ping_ok "$NS_A" 2001:db8:1::5 2
	# Other IPv6 traffic between the two ipsec0 may add to the count.
	[ "$(host_counter "$NS_B" "delivered to the host stack")" -ge 2 ] ||
	    atf_fail "B did not count 2 packets delivered to its host stack"
}
inbound_mode_any_v6_cleanup()
{
	tnt_cleanup
}

atf_test_case loop_guard cleanup
loop_guard_head()
{
	atf_set descr "B drops a decapsulated packet routed into ipsec0"
	atf_set require.user root
	atf_set timeout 60
}
loop_guard_body()
{
	mode_any_hosts noipv6
	# 172.16.0.9 is no host's address, and B routes 172.16.0.0/16
	# into ipsec0, where the packet would be encrypted again.
	ping_fails "$NS_A" 172.16.0.9
	[ "$(host_counter "$NS_B" "dropped, loop guard")" -eq 2 ] ||
	    atf_fail "B did not drop A's 2 echo requests by its loop guard"
	[ "$(host_counter "$NS_B" "delivered to the host stack")" -eq 0 ] ||
	    atf_fail "B passed a packet for ipsec0 to its host stack"
}
loop_guard_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case outbound
	atf_add_test_case inbound
	atf_add_test_case inbound_mode_any
	atf_add_test_case inbound_mode_any_v6
	atf_add_test_case loop_guard
}
