#! /usr/bin/env atf-sh
#
# keyd's busy polling (-b): after at least a millisecond without packets,
# the first packet opens a window in which keyd polls its descriptors
# instead of sleeping, so that a reply arriving soon after finds it
# awake.  Polling shows as CPU time: with a 10 ms window each ping of a
# slow series costs host A up to 10 ms of CPU, and with -b 0 almost none.
# A virtual machine's CPU time excludes the time its host runs other work,
# so the window's share is checked with a wide margin.
#

. "$(atf_get_srcdir)/tunnel.subr"

# cpu_ns PID: prints the CPU time the process has used, in nanoseconds.
cpu_ns()
{
	cut -d' ' -f1 "/proc/$1/schedstat"
}

# ping_cpu_ms: pings B 20 times, 0.1 s apart, through the tunnel and
# prints the milliseconds of CPU time keyd in A used meanwhile.
ping_cpu_ms()
{
	local pid before after

	pid=$(cat "keyd.$NS_A.pid")
	before=$(cpu_ns "$pid")
	ping_ok "$NS_A" 172.16.0.5 20 -i 0.1 >&2
	after=$(cpu_ns "$pid")
	echo $(((after - before) / 1000000))
}

atf_test_case window cleanup
window_head()
{
	atf_set descr "keyd -b 10000 polls for 10 ms after each ping" \
	    "of a slow series"
	atf_set require.user root
}
window_body()
{
	local ms

	tnt_require
	KEYD_FLAGS="-b 10000" manpage_hosts
	ms=$(ping_cpu_ms)
	echo "keyd in A used $ms ms of CPU time for 20 pings"
	# 20 windows of 10 ms are 200 ms; ask for a fifth of that.
	[ "$ms" -ge 40 ] ||
	    atf_fail "keyd -b 10000 used $ms ms of CPU time for 20 pings;" \
	    "expected at least 40 ms of polling"
}
window_cleanup()
{
	tnt_cleanup
}

atf_test_case off cleanup
off_head()
{
	atf_set descr "keyd -b 0 sleeps between the pings of a slow series"
	atf_set require.user root
}
off_body()
{
	local ms

	tnt_require
	KEYD_FLAGS="-b 0" manpage_hosts
	ms=$(ping_cpu_ms)
	echo "keyd in A used $ms ms of CPU time for 20 pings"
	[ "$ms" -lt 20 ] ||
	    atf_fail "keyd -b 0 used $ms ms of CPU time for 20 pings;" \
	    "expected under 20 ms"
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
	    -e inline:"keyd: busy-poll time too long: 10001 (expected at most 10000 microseconds)\n" \
	    "$KEYD" -F -b 10001
	atf_check -s exit:1 -o empty -e match:'invalid busy-poll time: fast' \
	    "$KEYD" -F -b fast
	atf_check -s exit:1 -o empty -e match:'invalid busy-poll time: -5' \
	    "$KEYD" -F -b -5
}

atf_init_test_cases()
{
	atf_add_test_case window
	atf_add_test_case off
	atf_add_test_case option
}
