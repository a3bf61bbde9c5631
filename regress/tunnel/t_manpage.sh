#! /usr/bin/env atf-sh
#
# The if_ipsec(4) manual page's example, run as written on two hosts:
# AES-CBC without integrity, reqid 100 on host A and 200 on host B.
#

. "$(atf_get_srcdir)/tunnel.subr"

KEY1=0x566572795365637572654b6579212131	# "VerySecureKey!!1"
KEY2=0x566572795365637572654b6579212132	# "VerySecureKey!!2"

# expect_layout FILE: checks the ESP packets of FILE against what
# FreeBSD's kernel sends for the example's SAs.  The outer header has TTL
# 64 and DF clear.  Each SA numbers its packets 1, 2, 3, ... and no 16-byte
# CBC IV repeats.  The trailer of an 84-byte echo packet has 10 seq-pad
# bytes 1, 2, 3, ..., which fill the last 16-byte block, and next header 4.
expect_layout()
{
	local msg

	tshark -n -r "$1" -o esp.enable_encryption_decode:TRUE \
	    -o "$(uat_sa IPv4 192.168.0.3 192.168.0.5 10000 \
	    'AES-CBC [RFC3602]' $KEY1 NULL '')" \
	    -o "$(uat_sa IPv4 192.168.0.5 192.168.0.3 10001 \
	    'AES-CBC [RFC3602]' $KEY2 NULL '')" \
	    -Y esp -T fields -E separator='|' -E occurrence=f \
	    -e frame.number -e ip.ttl -e ip.flags.df -e esp.spi \
	    -e esp.sequence -e esp.iv -e esp.pad -e esp.pad_len \
	    -e esp.protocol > layout.out 2>/dev/null
	echo "=== ESP layout of $1"
	cat layout.out
	msg=$(awk -F'|' '
	{
		if ($2 != 64)
			err = err " frame " $1 ": outer TTL " $2 "."
		if ($3 != 0)
			err = err " frame " $1 ": outer DF set."
		if ($5 != ++seq[$4])
			err = err " frame " $1 ": sequence " $5 ", expected " \
			    seq[$4] "."
		if (length($6) != 32 || iv[$6]++)
			err = err " frame " $1 ": IV " $6 " not 16 fresh bytes."
		if ($7 != "0102030405060708090a" || $8 != 10)
			err = err " frame " $1 ": padding " $7 " length " $8 "."
		if ($9 != "0x04")
			err = err " frame " $1 ": next header " $9 "."
	}
	END { print substr(err, 2) }' layout.out)
	[ -z "$msg" ] || atf_fail "ESP layout: $msg"
}

atf_test_case ping cleanup
ping_head()
{
	atf_set descr "Hosts A and B of if_ipsec(4) ping each other"
	atf_set require.user root
	atf_set timeout 60
}
ping_body()
{
	manpage_hosts
	ping_ok "$NS_A" 172.16.0.5 3
	ping_ok "$NS_B" 172.16.0.3 3
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
}
ping_cleanup()
{
	tnt_cleanup
}

atf_test_case sad_dump cleanup
sad_dump_head()
{
	atf_set descr "setkey -D prints FreeBSD's layout, with live counters"
	atf_set require.user root
	atf_set timeout 60
}
sad_dump_body()
{
	manpage_hosts
	expect_dump "$NS_A" manpage_a_sad.out -- -D
	expect_dump "$NS_B" manpage_b_sad.out -- -D

	# Three echo requests from A to B, three replies back.
	ping_ok "$NS_A" 172.16.0.5 3
	expect_dump "$NS_A" manpage_a_sad_used.out "192.168.0.5 192.168.0.3" \
	    -- -D
	expect_dump "$NS_B" manpage_b_sad_used.out "192.168.0.3 192.168.0.5" \
	    -- -D
}
sad_dump_cleanup()
{
	tnt_cleanup
}

# sa_field NS FIELD: prints the time after "FIELD: " in the setkey -D
# record of A's outbound SA (192.168.0.3 to 192.168.0.5) in NS.
sa_field()
{
	in_ns "$1" setkey -D | awk -v f="$2: " '
	    /^[^\t]/ { on = ($0 == "192.168.0.3 192.168.0.5") }
	    on && index($0, f) {
		print substr($0, index($0, f) + length(f), 20)
	    }'
}

atf_test_case first_use cleanup
first_use_head()
{
	atf_set descr "setkey -D shows the time of an SA's first use as last"
	atf_set require.user root
	atf_set timeout 60
}
first_use_body()
{
	local created first again

	manpage_hosts
	created=$(sa_field "$NS_A" created)
	sleep 2
	ping_ok "$NS_A" 172.16.0.5 1
	first=$(sa_field "$NS_A" last)
	sleep 2
	ping_ok "$NS_A" 172.16.0.5 1
	again=$(sa_field "$NS_A" last)
	echo "created: '$created', last after the first ping: '$first'," \
	    "after the second: '$again'"
	[ -n "$created" ] && [ -n "$first" ] ||
	    atf_fail "no created or last time in setkey -D"
	[ "$first" != "$created" ] ||
	    atf_fail "last shows the creation time, not the first use"
	[ "$again" = "$first" ] ||
	    atf_fail "last moved from '$first' to '$again' with later use"
}
first_use_cleanup()
{
	tnt_cleanup
}

atf_test_case spd_dump cleanup
spd_dump_head()
{
	atf_set descr "setkey -DP shows ipsec0's four ifnet policies"
	atf_set require.user root
	atf_set timeout 60
}
spd_dump_body()
{
	manpage_hosts
	expect_dump "$NS_A" manpage_a_spd.out -- -DP
	expect_dump "$NS_B" manpage_b_spd.out -- -DP
	# The global SPD is empty and a flush leaves the ifnet policies.
	in_ns "$NS_A" setkey -DPg > global.out
	atf_check -o inline:"No SPD entries.
" cat global.out
	in_ns "$NS_A" setkey -FP
	expect_dump "$NS_A" manpage_a_spd.out -- -DP
}
spd_dump_cleanup()
{
	tnt_cleanup
}

atf_test_case wire cleanup
wire_head()
{
	atf_set descr "Only ESP with SPIs 10000 and 10001 crosses the wire" \
	    "and tshark decrypts every packet with the example's keys"
	atf_set require.user root
	atf_set timeout 60
}
wire_body()
{
	manpage_hosts
	capture_start "$NS_B" "$VETH_B" wire.pcap
	ping_ok "$NS_A" 172.16.0.5 4
	ping_ok "$NS_B" 172.16.0.3 3
	capture_stop wire.pcap

	# No cleartext: every IP packet on the veth is ESP.
	expect_frames wire.pcap "ip && !esp" 0 "IPv4 packets other than ESP"
	expect_frames wire.pcap "esp" 14 "ESP packets"
	expect_frames wire.pcap "esp.spi == 10000 && ip.src == 192.168.0.3" 7 \
	    "ESP packets from A to B"
	expect_frames wire.pcap "esp.spi == 10001 && ip.src == 192.168.0.5" 7 \
	    "ESP packets from B to A"
	expect_spis wire.pcap 10000 10001
	expect_cleartext_free wire.pcap

	tshark_decrypt wire.pcap decrypted.out \
	    "$(uat_sa IPv4 192.168.0.3 192.168.0.5 10000 \
	    'AES-CBC [RFC3602]' $KEY1 NULL '')" \
	    "$(uat_sa IPv4 192.168.0.5 192.168.0.3 10001 \
	    'AES-CBC [RFC3602]' $KEY2 NULL '')"
	expect_decrypted decrypted.out no 14
	expect_echoes decrypted.out 192.168.0.3,172.16.0.3 8 4
	expect_echoes decrypted.out 192.168.0.5,172.16.0.5 0 4
	expect_echoes decrypted.out 192.168.0.5,172.16.0.5 8 3
	expect_echoes decrypted.out 192.168.0.3,172.16.0.3 0 3
	expect_layout wire.pcap
}
wire_cleanup()
{
	tnt_cleanup
}

atf_test_case destroy cleanup
destroy_head()
{
	atf_set descr "Destroying ipsec0 removes its policies, not the SAs"
	atf_set require.user root
	atf_set timeout 60
}
destroy_body()
{
	manpage_hosts
	ping_ok "$NS_A" 172.16.0.5 3
	in_ns "$NS_A" ifconfig ipsec0 destroy ||
	    atf_fail "ifconfig ipsec0 destroy failed"
	! ip -n "$NS_A" link show dev ipsec0 >/dev/null 2>&1 ||
	    atf_fail "ipsec0 still exists after destroy"
	in_ns "$NS_A" setkey -DP > spd.out
	atf_check -o inline:"No SPD entries.\n" cat spd.out
	expect_dump "$NS_A" manpage_a_sad_used.out "192.168.0.5 192.168.0.3" \
	    -- -D
	ping_fails "$NS_A" 172.16.0.5

	# The manual page's interface lines again: the kept SAs serve it.
	host_run "$NS_A" A-again <<'EOF'
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
EOF
	ping_ok "$NS_A" 172.16.0.5 3
	ping_ok "$NS_B" 172.16.0.3 3
}
destroy_cleanup()
{
	tnt_cleanup
}

atf_test_case tunnel_again cleanup
tunnel_again_head()
{
	atf_set descr "Setting ipsec0's tunnel again changes nothing"
	atf_set require.user root
	atf_set timeout 60
}
tunnel_again_body()
{
	manpage_hosts
	in_ns "$NS_A" ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5 ||
	    atf_fail "setting the same tunnel again failed"
	expect_dump "$NS_A" manpage_a_spd.out -- -DP
	ping_ok "$NS_A" 172.16.0.5 2
}
tunnel_again_cleanup()
{
	tnt_cleanup
}

atf_test_case deletetunnel cleanup
deletetunnel_head()
{
	atf_set descr "-tunnel removes ipsec0's policies and keeps its reqid"
	atf_set require.user root
	atf_set timeout 60
}
deletetunnel_body()
{
	manpage_hosts
	in_ns "$NS_A" ifconfig ipsec0 -tunnel ||
	    atf_fail "ifconfig ipsec0 -tunnel failed"
	in_ns "$NS_A" setkey -DP > spd.out
	atf_check -o inline:"No SPD entries.\n" cat spd.out
	ping_fails "$NS_A" 172.16.0.5

	# Policy ids keep counting: the new policies get ids 5 to 8.
	in_ns "$NS_A" ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5 ||
	    atf_fail "setting the tunnel again failed"
	expect_dump "$NS_A" manpage_a_spd_renewed.out -- -DP
	ping_ok "$NS_A" 172.16.0.5 2
}
deletetunnel_cleanup()
{
	tnt_cleanup
}

atf_test_case reqid_change cleanup
reqid_change_head()
{
	atf_set descr "A new reqid replaces ipsec0's policies and needs new SAs"
	atf_set require.user root
	atf_set timeout 60
}
reqid_change_body()
{
	manpage_hosts
	in_ns "$NS_A" ifconfig ipsec0 reqid 300 ||
	    atf_fail "ifconfig ipsec0 reqid 300 failed"
	expect_dump "$NS_A" manpage_a_spd_reqid300.out -- -DP
	# The SAs still carry reqid 100, so none serves ipsec0 now.
	ping_fails "$NS_A" 172.16.0.5
	in_ns "$NS_A" setkey -c > add.out 2>&1 <<'EOF'
delete 192.168.0.3 192.168.0.5 esp 10000;
delete 192.168.0.5 192.168.0.3 esp 10001;
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 300 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 300 -E rijndael-cbc "VerySecureKey!!2";
EOF
	atf_check -o empty cat add.out
	ping_ok "$NS_A" 172.16.0.5 2
}
reqid_change_cleanup()
{
	tnt_cleanup
}

atf_test_case mode_any_out cleanup
mode_any_out_head()
{
	atf_set descr "An outbound SA of mode any serves ipsec0's tunnel"
	atf_set require.user root
	atf_set timeout 60
}
mode_any_out_body()
{
	tnt_hosts noipv6
	tnt_keyds
	# Host A's lines without "-m tunnel" on its outbound SA.
	host_run "$NS_A" A <<'EOF'
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
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
	ping_ok "$NS_A" 172.16.0.5 2
	ping_ok "$NS_B" 172.16.0.3 2
}
mode_any_out_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case ping
	atf_add_test_case sad_dump
	atf_add_test_case first_use
	atf_add_test_case spd_dump
	atf_add_test_case wire
	atf_add_test_case destroy
	atf_add_test_case tunnel_again
	atf_add_test_case deletetunnel
	atf_add_test_case reqid_change
	atf_add_test_case mode_any_out
}
