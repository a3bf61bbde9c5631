#! /usr/bin/env atf-sh
#
# keyd without -F detaches: it writes its pid file, keeps none of the
# descriptors its caller left open, and removes the pid file on SIGTERM.
#

. "$(atf_get_srcdir)/keyd_test.subr"

NS=kct-dmn-$$

atf_test_case detach cleanup
detach_head()
{
	atf_set descr "A detached keyd writes its pid file and closes" \
	    "inherited descriptors"
	atf_set require.user root
}
detach_body()
{
	local pid fd i=0

	keyd_require
	ns_create $NS
	# Descriptor 7 stays open in the shell that starts keyd.
	exec 7> inherited.out
	ip netns exec $NS "$KEYD" -s @kct-dmn -p "$PWD/keyd.pid" ||
	    atf_fail "keyd did not start"
	exec 7>&-
	while [ ! -s keyd.pid ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "keyd wrote no pid file"
		sleep 0.05
	done
	pid=$(cat keyd.pid)
	echo "$pid" >> started_pids
	kill -0 "$pid" || atf_fail "keyd $pid is not running"
	ls -l "/proc/$pid/fd"
	for fd in /proc/"$pid"/fd/*; do
		[ "$(readlink "$fd")" != "$PWD/inherited.out" ] ||
		    atf_fail "keyd kept its caller's descriptor as $fd"
	done
	for i in 0 1 2; do
		[ "$(readlink "/proc/$pid/fd/$i")" = /dev/null ] ||
		    atf_fail "keyd's descriptor $i is not /dev/null"
	done
	kill -TERM "$pid"
	i=0
	while kill -0 "$pid" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "keyd did not exit on SIGTERM"
		sleep 0.05
	done
	[ ! -e keyd.pid ] || atf_fail "keyd left its pid file behind"
}
detach_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case detach
}
