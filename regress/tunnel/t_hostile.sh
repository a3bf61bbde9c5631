#! /usr/bin/env atf-sh
#
# Hostile ESP sent to a keyd host: a replayed packet, a packet with a
# damaged ICV, a truncated packet, a packet with an unknown SPI, bad
# padding or the wrong destination.  Each must be dropped without a
# reply, counted under its reason in ifipsecctl's statistics, and leave
# keyd running and the tunnel working.  Packets FreeBSD takes in (random
# pad bytes on a random-pad SA, another source address) must get a reply,
# and dummy packets and the replay window must behave as FreeBSD's.
#
# The SAs use a 32-byte (256-packet) anti-replay window unless a case
# says otherwise.  Packets come from host A's namespace, or from B's for
# A, made with scapy.
#

. "$(atf_get_srcdir)/tunnel.subr"
. "$(atf_get_srcdir)/hostile.subr"

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

atf_test_case pad_last cleanup
pad_last_head()
{
	atf_set descr "A packet whose last pad byte is not the pad length is" \
	    "dropped"
	atf_set require.user root
	atf_set timeout 90
}
pad_last_body()
{
	hostile_hosts
	fault_test "invalid padding" pad-last 10000 10000
}
pad_last_cleanup()
{
	tnt_cleanup
}

atf_test_case random_pad cleanup
random_pad_head()
{
	atf_set descr "An SA with -f random-pad takes in random pad bytes"
	atf_set require.user root
	atf_set timeout 90
}
random_pad_body()
{
	hostile_hosts aes-cbc 16 hmac-sha1 20 "-r 32 -f random-pad"
	ping_ok "$NS_A" 172.16.0.5 3
	craft pad-random 10000 20 4701
	sleep 1
	decrypt_wire
	expect_replies 4701 1
	still_working
}
random_pad_cleanup()
{
	tnt_cleanup
}

atf_test_case other_destination cleanup
other_destination_head()
{
	atf_set descr "ESP sent to another address of B than the SA's is" \
	    "dropped"
	atf_set require.user root
	atf_set timeout 90
}
other_destination_body()
{
	hostile_hosts
	ip -n "$NS_B" addr add 192.168.0.6/24 dev "$VETH_B"
	ping_ok "$NS_A" 172.16.0.5 3
	stats "$NS_B" stats.before
	craft none 10000 20 4901 192.168.0.3 192.168.0.6
	sleep 1
	expect_drop "$NS_B" "SA state or address mismatch" stats.before 10000
	decrypt_wire
	expect_replies 4901 0
	still_working
}
other_destination_cleanup()
{
	tnt_cleanup
}

atf_test_case other_source cleanup
other_source_head()
{
	atf_set descr "ESP from another source than the SA's is taken in, as" \
	    "FreeBSD finds SAs by SPI and destination"
	atf_set require.user root
	atf_set timeout 90
}
other_source_body()
{
	hostile_hosts
	ip -n "$NS_A" addr add 192.168.0.4/24 dev "$VETH_A"
	ping_ok "$NS_A" 172.16.0.5 3
	craft none 10000 20 4902 192.168.0.4 192.168.0.5
	sleep 1
	decrypt_wire
	expect_replies 4902 1
	still_working
}
other_source_cleanup()
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
	atf_add_test_case pad_last
	atf_add_test_case random_pad
	atf_add_test_case other_destination
	atf_add_test_case other_source
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
