#! /usr/bin/env atf-sh
#
# A 100 MB TCP stream through the tunnel arrives intact: the SHA-256 of
# what host B receives equals the SHA-256 of what host A sent.
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

# bulk_test OUTER DEST: sends BULK_BYTES from A to B's inner address DEST
# over an IPv4 or IPv6 (OUTER 4 or 6) tunnel with AES-GCM-16.
bulk_test()
{
	local outer=$1 dst=$2 pid rc

	tunnel_hosts "$outer" \
	    "-E aes-gcm-16 0x$(hexkey $ENC_HEX 20)" \
	    "-E aes-gcm-16 0x$(hexkey $ENC_HEX 20 flip)"
	ping_ok "$NS_A" "$dst" 1

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
	    "$dst" 5001 $BULK_BYTES > sent.out 2> sender.err ||
	    atf_fail "sending failed: $(cat sender.err)"
	wait $pid
	rc=$?
	[ $rc -eq 0 ] || atf_fail "the receiver failed: $(cat receiver.err)"
	echo "sent:     $(cat sent.out)"
	echo "received: $(cat received.out)"
	atf_check -o inline:"$BULK_BYTES $(cut -d' ' -f2 sent.out)\n" \
	    cat received.out
	expect_sa_bytes "$NS_A" "$LA $LB" $BULK_BYTES
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
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

atf_init_test_cases()
{
	atf_add_test_case tcp_v4
	atf_add_test_case tcp_v6
}
