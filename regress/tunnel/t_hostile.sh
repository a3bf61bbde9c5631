#! /usr/bin/env atf-sh
#
# Hostile ESP sent to a keyd host: a replayed packet, a packet with a
# damaged ICV, a truncated packet and a packet with an unknown SPI.  Each
# must be dropped without a reply, counted under its reason in
# ifipsecctl's statistics, and leave keyd running and the tunnel working.
#
# The SAs use a 32-byte (256-packet) anti-replay window.  Hostile packets
# come from host A's namespace, or from B's for A, with scapy.
#

. "$(atf_get_srcdir)/tunnel.subr"

# hostile_hosts [ENC ENCBYTES AUTH AUTHBYTES [REPLAY]]: builds the tunnel
# over IPv4 with AES-CBC and HMAC-SHA1 unless given other algorithms, and
# sets the keys EK1, EK2 (A to B, B to A), AK1, AK2 and the algorithms ENC
# and AUTH.  REPLAY is the setkey option for the replay window, -r 32
# unless given.
hostile_hosts()
{
	local ab ba replay=${5:--r 32}

	ENC=${1:-aes-cbc} AUTH=${3:-hmac-sha1}
	EK1=$(hexkey $ENC_HEX ${2:-16})
	EK2=$(hexkey $ENC_HEX ${2:-16} flip)
	AK1=$(hexkey $AUTH_HEX ${4:-20})
	AK2=$(hexkey $AUTH_HEX ${4:-20} flip)
	ab="$replay -E $ENC 0x$EK1"
	ba="$replay -E $ENC 0x$EK2"
	if [ "$AUTH" != none ]; then
		ab="$ab -A $AUTH 0x$AK1"
		ba="$ba -A $AUTH 0x$AK2"
	fi
	tunnel_hosts 4 "$ab" "$ba"
	capture_start "$NS_A" "$VETH_A" wire.pcap
}

# inject NS ARGS...: runs esp_inject.py with ARGS in NS.
inject()
{
	local ns=$1

	shift
	ip netns exec "$ns" "$PYTHON" "$TNT_SRCDIR/esp_inject.py" "$@" \
	    2> inject.err || atf_fail "esp_inject.py $1: $(cat inject.err)"
}

# craft FAULT SPI SEQ IDENT: sends from A to B an echo request with
# identifier IDENT, encrypted with the keys of SA 10000 but SPI SPI and
# sequence number SEQ, damaged as FAULT selects (none, icv or truncate).
craft()
{
	local fault=

	[ "$1" = none ] || fault="--fault $1"
	inject "$NS_A" craft --spi $2 --src 192.168.0.3 --dst 192.168.0.5 \
	    --enc $ENC --enc-key $EK1 --auth $AUTH --auth-key "$AK1" \
	    --seq $3 --ident $4 $fault
}

# decrypt_wire: stops the capture and decrypts it with scapy into
# wire.out (see esp_decrypt.py).
decrypt_wire()
{
	capture_stop wire.pcap
	"$PYTHON" "$TNT_SRCDIR/esp_decrypt.py" wire.pcap \
	    "10000,192.168.0.3,192.168.0.5,$ENC,$EK1,$AUTH,$AK1" \
	    "10001,192.168.0.5,192.168.0.3,$ENC,$EK2,$AUTH,$AK2" \
	    > wire.out 2> decrypt.err ||
	    atf_fail "esp_decrypt.py failed: $(cat decrypt.err)"
	echo "=== scapy decryption of wire.pcap"
	cat wire.out
}

# expect_replies IDENT N: fails unless exactly N decrypted echo replies
# from B with identifier IDENT (any identifier if IDENT is "any") crossed
# the wire.
expect_replies()
{
	local n

	n=$(awk -F'|' -v id="$1" '$6 == "192.168.0.5,172.16.0.5" &&
	    $8 == "0" && (id == "any" || $10 == id)' wire.out | wc -l)
	[ "$n" -eq "$2" ] ||
	    atf_fail "$n echo replies with identifier $1 from B, expected $2"
}

# stats NS FILE: writes the statistics of every interface, SA and
# interface-less drop in NS to FILE.
stats()
{
	in_ns "$1" ifipsecctl -s > "$2" 2>&1 ||
	    atf_fail "ifipsecctl -s in $1: $(cat "$2")"
}

# drops FILE REASON [SPI]: prints the sum of the "dropped, REASON: N"
# counters in the statistics FILE.  Without SPI it adds up the records of
# the interfaces and of "no interface", which count every dropped packet
# once.  With SPI it reads that SA's record.
drops()
{
	awk -v r="dropped, $2:" -v spi="${3:-}" '
	    /^[^\t]/ {
		on = (spi == "") ? ($0 !~ /^esp spi=/) : \
		    index($0, "esp spi=" spi "(") == 1
	    }
	    on && index($0, r) { n += $NF }
	    END { print n + 0 }' "$1"
}

# expect_drop NS REASON BEFORE [SPI]: fails unless the REASON drops of NS
# grew by exactly one since the statistics in the file BEFORE, at the
# interface level and, with SPI, in that SA's record too.
expect_drop()
{
	local ns=$1 reason=$2 file=$3 spi=${4:-} before after i=0

	before=$(drops "$file" "$reason")
	# keyd may still be working on the packet on a busy machine.
	while :; do
		stats "$ns" stats.after
		after=$(drops stats.after "$reason")
		[ "$after" -le "$before" ] && [ $i -lt 30 ] || break
		sleep 0.1
		i=$((i + 1))
	done
	echo "=== statistics in $ns"
	cat stats.after
	[ "$after" -eq $((before + 1)) ] ||
	    atf_fail "drops for '$reason' in $ns: $before before, $after after"
	[ -n "$spi" ] || return 0
	before=$(drops "$file" "$reason" "$spi")
	after=$(drops stats.after "$reason" "$spi")
	[ "$after" -eq $((before + 1)) ] ||
	    atf_fail "drops for '$reason' on SA $spi in $ns:" \
	    "$before before, $after after"
}

# still_working: fails unless both keyd run and pings pass both ways.
still_working()
{
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
	ping_ok "$NS_A" 172.16.0.5 2
	ping_ok "$NS_B" 172.16.0.3 2
}

atf_test_case replay_request cleanup
replay_request_head()
{
	atf_set descr "A replayed echo request is dropped and not answered"
	atf_set require.user root
	atf_set timeout 90
}
replay_request_body()
{
	hostile_hosts
	ping_ok "$NS_A" 172.16.0.5 3
	stats "$NS_B" stats.before
	# The first ESP packet from A: ping's request with sequence 1.
	inject "$NS_A" replay wire.pcap 10000 1
	sleep 1
	expect_drop "$NS_B" "replay check failed" stats.before 10000
	decrypt_wire
	# Three replies to the three requests, none to the replayed one.
	expect_replies any 3
	still_working
}
replay_request_cleanup()
{
	tnt_cleanup
}

atf_test_case replay_reply cleanup
replay_reply_head()
{
	atf_set descr "A replayed echo reply is dropped during a ping"
	atf_set require.user root
	atf_set timeout 90
}
replay_reply_body()
{
	local pid

	hostile_hosts
	stats "$NS_A" stats.before
	ip netns exec "$NS_A" ping -n -c 6 -i 0.5 -W 2 172.16.0.5 \
	    > ping.out 2>&1 &
	pid=$!
	record_pid $pid
	sleep 1.2
	# B's reply to the first request, sent again from B's namespace.
	inject "$NS_B" replay wire.pcap 10001 1
	wait $pid
	echo "=== ping during the replay"
	cat ping.out
	grep -q "^6 packets transmitted, 6 received," ping.out ||
	    atf_fail "ping did not get exactly its 6 replies"
	! grep -q "duplicates" ping.out ||
	    atf_fail "ping counted the replayed reply as a duplicate"
	expect_drop "$NS_A" "replay check failed" stats.before 10001
	still_working
}
replay_reply_cleanup()
{
	tnt_cleanup
}

# fault_test REASON FAULT SPI [DROP_SPI]: sends A's SA a fresh echo
# request damaged as FAULT selects, with SPI SPI, and then an intact one.
# Only the intact one may get a reply, and the damaged one must be
# counted under REASON (also on SA DROP_SPI when given).
fault_test()
{
	ping_ok "$NS_A" 172.16.0.5 3
	stats "$NS_B" stats.before
	craft "$2" "$3" 20 4401
	sleep 1
	expect_drop "$NS_B" "$1" stats.before ${4:-}
	# The same request intact, with the next sequence number, gets a reply.
	craft none 10000 21 4402
	sleep 1
	decrypt_wire
	expect_replies 4401 0
	expect_replies 4402 1
	still_working
}

atf_test_case icv_hmac cleanup
icv_hmac_head()
{
	atf_set descr "A packet with a damaged HMAC-SHA1 ICV is dropped"
	atf_set require.user root
	atf_set timeout 90
}
icv_hmac_body()
{
	hostile_hosts
	fault_test "ICV mismatch" icv 10000 10000
}
icv_hmac_cleanup()
{
	tnt_cleanup
}

atf_test_case icv_gcm cleanup
icv_gcm_head()
{
	atf_set descr "A packet with a damaged AES-GCM-16 tag is dropped"
	atf_set require.user root
	atf_set timeout 90
}
icv_gcm_body()
{
	hostile_hosts aes-gcm-16 20 none 0
	fault_test "ICV mismatch" icv 10000 10000
}
icv_gcm_cleanup()
{
	tnt_cleanup
}

atf_test_case truncated cleanup
truncated_head()
{
	atf_set descr "A packet cut after 12 bytes of ESP is dropped"
	atf_set require.user root
	atf_set timeout 90
}
truncated_body()
{
	hostile_hosts
	fault_test "malformed packet" truncate 10000
}
truncated_cleanup()
{
	tnt_cleanup
}

atf_test_case unknown_spi cleanup
unknown_spi_head()
{
	atf_set descr "A packet for an SPI no SA has is dropped"
	atf_set require.user root
	atf_set timeout 90
}
unknown_spi_body()
{
	hostile_hosts
	fault_test "unknown SPI" none 30000
}
unknown_spi_cleanup()
{
	tnt_cleanup
}

atf_test_case dummy cleanup
dummy_head()
{
	atf_set descr "A dummy packet (next header 59) is counted and discarded"
	atf_set require.user root
	atf_set timeout 90
}
dummy_body()
{
	hostile_hosts
	ping_ok "$NS_A" 172.16.0.5 3
	stats "$NS_B" stats.before
	craft dummy 10000 20 4601
	sleep 1
	stats "$NS_B" stats.after
	cat stats.after
	grep -q "^	dummy packets: 1$" stats.after ||
	    atf_fail "B did not count the dummy packet"
	[ "$(drops stats.after "invalid inner packet")" -eq 0 ] ||
	    atf_fail "B counted the dummy packet as an invalid inner packet"
	craft none 10000 21 4602
	sleep 1
	decrypt_wire
	expect_replies 4602 1
	still_working
}
dummy_cleanup()
{
	tnt_cleanup
}

# window_test BYTES: checks that an SA added with -r BYTES keeps a replay
# window of BYTES * 8 packets: after sequence number TOP, TOP - W + 1 is
# still accepted and TOP - W is too old.  Every packet is a fresh echo
# request crafted with the SA's keys, so only the window decides.
window_test()
{
	local window=$(($1 * 8)) top

	top=$((window + 100))
	hostile_hosts aes-cbc 16 hmac-sha1 20 "-r $1"
	ping_ok "$NS_A" 172.16.0.5 1
	craft none 10000 $top 4501
	sleep 0.5
	stats "$NS_B" stats.before
	craft none 10000 $((top - window)) 4502
	sleep 1
	expect_drop "$NS_B" "replay check failed" stats.before 10000
	craft none 10000 $((top - window + 1)) 4503
	sleep 1
	decrypt_wire
	expect_replies 4501 1
	expect_replies 4502 0
	expect_replies 4503 1
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
}

atf_test_case window_32 cleanup
window_32_head()
{
	atf_set descr "-r 32 gives a replay window of 256 packets"
	atf_set require.user root
	atf_set timeout 90
}
window_32_body()
{
	window_test 32
}
window_32_cleanup()
{
	tnt_cleanup
}

atf_test_case window_1024 cleanup
window_1024_head()
{
	atf_set descr "-r 1024 gives a replay window of 8192 packets"
	atf_set require.user root
	atf_set timeout 90
}
window_1024_body()
{
	window_test 1024
}
window_1024_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case dummy
	atf_add_test_case window_32
	atf_add_test_case window_1024
	atf_add_test_case replay_request
	atf_add_test_case replay_reply
	atf_add_test_case icv_hmac
	atf_add_test_case icv_gcm
	atf_add_test_case truncated
	atf_add_test_case unknown_spi
}
