#! /usr/bin/env atf-sh
#
# A 100 MB TCP stream through the tunnel arrives intact: the SHA-256 of
# what host B receives equals the SHA-256 of what host A sent.  Within a
# shorter stream, captured on the wire, scapy finds every TCP checksum of
# the decrypted segments right: those keyd computes when it cuts the
# kernel's 64 KB segments and those of the returning acknowledgements.
#

. "$(atf_get_srcdir)/tunnel.subr"

BULK_BYTES=104857600

# expect_sa_bytes NS ADDRESSES MIN: fails unless the SA whose setkey -D
# address line is ADDRESSES counted at least MIN bytes, which shows that
# the stream went through ESP.
expect_sa_bytes()
{
	local n

	in_ns "$1" setkey -D > sad.out
	n=$(awk -v sa="$2" '
	    /^[^\t]/ { on = ($0 == sa) }
	    on && /^\tcurrent: [0-9]+\(bytes\)/ {
		sub(/^\tcurrent: /, ""); sub(/\(bytes\).*/, ""); print
	    }' sad.out)
	echo "SA $2 counted ${n:-no} bytes"
	[ -n "$n" ] && [ "$n" -ge "$3" ] ||
	    atf_fail "SA $2 counted ${n:-no} bytes, expected at least $3"
}

# bulk_test OUTER DEST [BYTES [capture]]: sends BULK_BYTES, or BYTES,
# from A to B's inner address DEST over an IPv4 or IPv6 (OUTER 4 or 6)
# tunnel with AES-GCM-16.  With capture, the veth is captured meanwhile
# and scapy checks the TCP checksums inside the ESP packets.
bulk_test()
{
	local outer=$1 dst=$2 bytes=${3:-$BULK_BYTES} capture=${4:-} pid rc
	local ek1 ek2

	ek1=0x$(hexkey $ENC_HEX 20)
	ek2=0x$(hexkey $ENC_HEX 20 flip)
	tunnel_hosts "$outer" "-E aes-gcm-16 $ek1" "-E aes-gcm-16 $ek2"
	ping_ok "$NS_A" "$dst" 1
	[ -z "$capture" ] || capture_start "$NS_A" "$VETH_A" wire.pcap

	ip netns exec "$NS_B" "$PYTHON" "$TNT_SRCDIR/tcp_bulk.py" receive \
	    "$dst" 5001 receiver.ready > received.out 2> receiver.err &
	pid=$!
	record_pid $pid
	while [ ! -f receiver.ready ]; do
		kill -0 $pid 2>/dev/null ||
		    atf_fail "the receiver exited: $(cat receiver.err)"
		sleep 0.1
	done
	ip netns exec "$NS_A" "$PYTHON" "$TNT_SRCDIR/tcp_bulk.py" send \
	    "$dst" 5001 $bytes > sent.out 2> sender.err ||
	    atf_fail "sending failed: $(cat sender.err)"
	wait $pid
	rc=$?
	[ $rc -eq 0 ] || atf_fail "the receiver failed: $(cat receiver.err)"
	echo "sent:     $(cat sent.out)"
	echo "received: $(cat received.out)"
	atf_check -o inline:"$bytes $(cut -d' ' -f2 sent.out)\n" \
	    cat received.out
	expect_sa_bytes "$NS_A" "$LA $LB" $bytes
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
	[ -n "$capture" ] || return 0

	capture_stop wire.pcap
	"$PYTHON" "$TNT_SRCDIR/tcp_checksums.py" wire.pcap \
	    "10000,$LA,$LB,aes-gcm-16,$ek1,none," \
	    "10001,$LB,$LA,aes-gcm-16,$ek2,none," > checksums.out \
	    2> checksums.err
	rc=$?
	cat checksums.out
	[ $rc -eq 0 ] || atf_fail "tcp_checksums.py: $(head -n 5 \
	    checksums.out) $(cat checksums.err)"
}

atf_test_case tcp_v4 cleanup
tcp_v4_head()
{
	atf_set descr "100 MB of TCP over IPv4 in IPv4 arrive intact"
	atf_set require.user root
	atf_set timeout 300
}
tcp_v4_body()
{
	bulk_test 4 172.16.0.5
}
tcp_v4_cleanup()
{
	tnt_cleanup
}

atf_test_case tcp_v6 cleanup
tcp_v6_head()
{
	atf_set descr "100 MB of TCP over IPv6 in IPv6 arrive intact"
	atf_set require.user root
	atf_set timeout 300
}
tcp_v6_body()
{
	bulk_test 6 2001:db8:1::5
}
tcp_v6_cleanup()
{
	tnt_cleanup
}

atf_test_case checksums_v4 cleanup
checksums_v4_head()
{
	atf_set descr "TCP segments cut by keyd carry right checksums, IPv4"
	atf_set require.user root
	atf_set timeout 300
}
checksums_v4_body()
{
	tnt_require_scapy
	bulk_test 4 172.16.0.5 2000000 capture
}
checksums_v4_cleanup()
{
	tnt_cleanup
}

atf_test_case checksums_v6 cleanup
checksums_v6_head()
{
	atf_set descr "TCP segments cut by keyd carry right checksums, IPv6"
	atf_set require.user root
	atf_set timeout 300
}
checksums_v6_body()
{
	tnt_require_scapy
	bulk_test 6 2001:db8:1::5 2000000 capture
}
checksums_v6_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case tcp_v4
	atf_add_test_case tcp_v6
	atf_add_test_case checksums_v4
	atf_add_test_case checksums_v6
}
