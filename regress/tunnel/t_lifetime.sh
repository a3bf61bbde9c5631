#! /usr/bin/env atf-sh
#
# SA lifetimes on the data path: an SA past its soft lifetime is dying
# but still carries traffic.  Past its hard lifetime it is gone, and the
# tunnel drops packets for want of an SA (keyd sends SADB_ACQUIRE).
#

. "$(atf_get_srcdir)/tunnel.subr"

atf_test_case soft_then_hard cleanup
soft_then_hard_head()
{
	atf_set descr "A dying SA still works; an expired SA stops the tunnel"
	atf_set require.user root
	atf_set timeout 90
}
soft_then_hard_body()
{
	local start

	tnt_hosts noipv6
	tnt_keyds
	# keyd checks lifetimes once a second, so A's SAs turn dying 2 to 3
	# seconds after they were added and expire 8 to 9 seconds after.
	host_run "$NS_A" A <<'EOF'
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -ls 2 -lh 8 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -ls 2 -lh 8 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	start=$(date +%s)
	host_run "$NS_B" B <<'EOF'
ifconfig ipsec0 create reqid 200
ifconfig ipsec0 inet tunnel 192.168.0.5 192.168.0.3
ifconfig ipsec0 inet 172.16.0.5/16 172.16.0.3
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
	ping_ok "$NS_A" 172.16.0.5 2

	sleep $((start + 5 - $(date +%s)))
	in_ns "$NS_A" setkey -D > dying.out
	cat dying.out
	[ "$(grep -c 'state=dying $' dying.out)" -eq 2 ] ||
	    atf_fail "A's SAs are not both dying after their soft lifetime"
	ping_ok "$NS_A" 172.16.0.5 2

	sleep $((start + 11 - $(date +%s)))
	in_ns "$NS_A" setkey -D > expired.out
	atf_check -o inline:"No SAD entries.\n" cat expired.out
	ping_fails "$NS_A" 172.16.0.5
	in_ns "$NS_A" ifipsecctl -s > stats.out
	cat stats.out
	grep -q "dropped, no SA (ACQUIRE sent): [1-9]" stats.out ||
	    atf_fail "A counted no drops for want of an SA"
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
}
soft_then_hard_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case soft_then_hard
}
