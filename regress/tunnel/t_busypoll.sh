#! /usr/bin/env atf-sh
#
# keyd's busy polling (-b): a packet sent after at least a millisecond
# without traffic opens a window in which keyd polls its descriptors
# instead of sleeping, until a packet comes in, so that the reply finds it
# awake.  Polling shows as CPU time.  When B cannot reply (its SA back to
# A is deleted), every window of a 10 ms setting runs its full length, so
# 20 pings cost keyd in A up to 200 ms of CPU time.  When B replies, the
# windows close after about 0.2 ms, and with -b 0 there are none.  A
# virtual machine's CPU time leaves out the time its host runs other
# work, so the thresholds keep a wide margin.
#

. "$(atf_get_srcdir)/tunnel.subr"

# cpu_ns PID: prints the CPU time the process has used, in nanoseconds.
cpu_ns()
{
	cut -d' ' -f1 "/proc/$1/schedstat"
}

# ping_cpu_ms: pings 172.16.0.5 from A 20 times, 0.1 s apart, and prints
# the milliseconds of CPU time keyd in A used meanwhile.  The pings'
# output goes to ping.out.
ping_cpu_ms()
{
	local pid before after

	pid=$(cat "keyd.$NS_A.pid")
	before=$(cpu_ns "$pid")
	ip netns exec "$NS_A" ping -n -c 20 -i 0.1 -W 1 172.16.0.5 \
	    > ping.out 2>&1
	after=$(cpu_ns "$pid")
	echo $(((after - before) / 1000000))
}

# mute_b: deletes B's SA towards A, so that B drops its echo replies.
mute_b()
{
	in_ns "$NS_B" setkey -c <<'EOF2' || atf_fail "cannot delete B's SA"
delete 192.168.0.5 192.168.0.3 esp 10001;
EOF2
}

# expect_replies N: fails unless ping.out reports N replies.
expect_replies()
{
	cat ping.out
	grep -q "^20 packets transmitted, $1 received," ping.out ||
	    atf_fail "expected $1 replies to 20 pings"
}

atf_test_case full_window cleanup
full_window_head()
{
	atf_set descr "keyd -b 10000 polls for 10 ms after each ping" \
	    "that gets no reply"
	atf_set require.user root
}
full_window_body()
{
	local ms

	tnt_require
	KEYD_FLAGS="-b 10000" manpage_hosts
	mute_b
	ms=$(ping_cpu_ms)
	expect_replies 0
	echo "keyd in A used $ms ms of CPU time for 20 pings"
	# 20 windows of 10 ms are 200 ms, so a fifth of that is required.
	[ "$ms" -ge 40 ] ||
	    atf_fail "keyd -b 10000 used $ms ms of CPU time for 20" \
	    "unanswered pings; expected at least 40 ms of polling"
}
full_window_cleanup()
{
	tnt_cleanup
}

atf_test_case reply_closes cleanup
reply_closes_head()
{
	atf_set descr "keyd -b 10000 stops polling when the reply arrives"
	atf_set require.user root
}
reply_closes_body()
{
	local ms

	tnt_require
	KEYD_FLAGS="-b 10000" manpage_hosts
	ms=$(ping_cpu_ms)
	expect_replies 20
	echo "keyd in A used $ms ms of CPU time for 20 pings"
	[ "$ms" -lt 30 ] ||
	    atf_fail "keyd -b 10000 used $ms ms of CPU time for 20" \
	    "answered pings; expected under 30 ms"
}
reply_closes_cleanup()
{
	tnt_cleanup
}

atf_test_case off cleanup
off_head()
{
	atf_set descr "keyd -b 0 sleeps after each ping that gets no reply"
	atf_set require.user root
}
off_body()
{
	local ms

	tnt_require
	KEYD_FLAGS="-b 0" manpage_hosts
	mute_b
	ms=$(ping_cpu_ms)
	expect_replies 0
	echo "keyd in A used $ms ms of CPU time for 20 pings"
	[ "$ms" -lt 30 ] ||
	    atf_fail "keyd -b 0 used $ms ms of CPU time for 20" \
	    "unanswered pings; expected under 30 ms"
}
off_cleanup()
{
	tnt_cleanup
}

atf_test_case option
option_head()
{
	atf_set descr "keyd rejects a -b value that is not a number of" \
	    "microseconds up to 10000"
}
option_body()
{
	atf_check -s exit:1 -o empty \
	    -e inline:"keyd: invalid busy-poll time: 10001 (expected a number from 0 to 10000)\n" \
	    "$KEYD" -F -b 10001
	atf_check -s exit:1 -o empty -e match:'invalid busy-poll time: fast' \
	    "$KEYD" -F -b fast
	atf_check -s exit:1 -o empty -e match:'invalid busy-poll time: -5' \
	    "$KEYD" -F -b -5
}

atf_init_test_cases()
{
	atf_add_test_case full_window
	atf_add_test_case reply_closes
	atf_add_test_case off
	atf_add_test_case option
}
