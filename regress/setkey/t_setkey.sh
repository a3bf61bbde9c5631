#! /usr/bin/env atf-sh
#
# setkey against a real keyd.  Each live/NN.in is one test case, run in a
# network namespace of its own (skt-NN-PID) with a fresh keyd, so policy
# ids, reqids and dump order start from a known state.  The cases below
# the golden ones cover the options that run until killed (-x, -l).

. "$(atf_get_srcdir)/setkey_test.subr"

# live_setup NN: creates the namespace and starts keyd in it.  A file
# live/NN.hosts becomes the namespace's /etc/hosts, for host names with
# several addresses.
live_setup()
{
	local ns=skt-$1-$$ pid i hosts

	[ -x "$KEYD" ] || atf_skip "keyd is not built: $KEYD"
	echo "$ns" > ns_name
	ip netns add "$ns" || atf_fail "cannot create namespace $ns"
	ip -n "$ns" link set lo up
	hosts=$(atf_get_srcdir)/live/$1.hosts
	if [ -f "$hosts" ]; then
		mkdir -p "/etc/netns/$ns"
		cp "$hosts" "/etc/netns/$ns/hosts"
	fi
	ip netns exec "$ns" "$KEYD" -F > keyd.log 2>&1 &
	pid=$!
	echo "$pid" > keyd_pid
	i=0
	until ip netns exec "$ns" cat /proc/net/unix | grep -q '@keyd$'; do
		kill -0 "$pid" 2>/dev/null || {
			cat keyd.log
			atf_fail "keyd exited at startup"
		}
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "keyd does not listen on @keyd"
		sleep 0.05
	done
}

# live_cleanup: kills this case's keyd by its PID and deletes its
# namespace and hosts file.
live_cleanup()
{
	local ns pid

	if [ -f keyd_pid ]; then
		pid=$(cat keyd_pid)
		kill "$pid" 2>/dev/null
		sleep 0.1
		kill -9 "$pid" 2>/dev/null
	fi
	if [ -f bg_pid ]; then
		kill "$(cat bg_pid)" 2>/dev/null
	fi
	if [ -f ns_name ]; then
		ns=$(cat ns_name)
		ip netns del "$ns" 2>/dev/null
		rm -rf "/etc/netns/$ns"
	fi
	return 0
}

atf_test_case promisc_x cleanup
promisc_x_head()
{
	atf_set descr "setkey -x prints every message after a timestamp"
	atf_set require.user root
}
promisc_x_body()
{
	live_setup x
	# ip netns exec execs setkey, so $! is setkey's PID.
	TZ=UTC ip netns exec "$(cat ns_name)" "$SETKEY" -x > x.out 2>&1 &
	echo $! > bg_pid
	sleep 0.3
	atf_check -o empty -e empty ip netns exec "$(cat ns_name)" "$SETKEY" -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
EOT
	sleep 0.3
	kill "$(cat bg_pid)"
	cat x.out
	head -n 1 x.out | mask_output > x.first
	atf_check -o inline:"TIMESTAMP \n" cat x.first
	atf_check -o match:'^sadb_msg\{ version=2 type=3 errno=0 satype=3$' \
	    cat x.out
	atf_check -o match:'^sadb_sa\{ spi=10000 replay=0 state=[0-9]$' \
	    cat x.out
}
promisc_x_cleanup()
{
	live_cleanup
}

atf_test_case promisc_xx cleanup
promisc_xx_head()
{
	atf_set descr "setkey -xx prints timestamps as seconds since the epoch"
	atf_set require.user root
}
promisc_xx_body()
{
	live_setup xx
	ip netns exec "$(cat ns_name)" "$SETKEY" -xx > xx.out 2>&1 &
	echo $! > bg_pid
	sleep 0.3
	kill "$(cat bg_pid)"
	cat xx.out
	atf_check -o match:'^[0-9]+\.[0-9]{6} $' head -n 1 xx.out
}
promisc_xx_cleanup()
{
	live_cleanup
}

atf_test_case shortdump_l cleanup
shortdump_l_head()
{
	atf_set descr "setkey -D -l prints one line per SA every second"
	atf_set require.user root
}
shortdump_l_body()
{
	live_setup l
	atf_check -o empty -e empty ip netns exec "$(cat ns_name)" "$SETKEY" -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 0x10001 -lh 600 -ls 500 -E rijndael-cbc "VerySecureKey!!2";
EOT
	ip netns exec "$(cat ns_name)" "$SETKEY" -D -l > l.out 2>&1 &
	echo $! > bg_pid
	sleep 1.5
	kill "$(cat bg_pid)"
	cat l.out
	head -n 3 l.out | sed -E 's/^[0-9]{4} /MMSS /; s/ +[0-9]+\/600 / AGE\/600 /' > l.head
	cat > l.expected <<'EOT'
time p   s spi      ltime   src -> dst
MMSS esp M 00010001 AGE/600 #255 192.168.0.5 -> #255 192.168.0.3
MMSS esp M 00002710 ???/??? #255 192.168.0.3 -> #255 192.168.0.5
EOT
	atf_check -o file:l.expected cat l.head
}
shortdump_l_cleanup()
{
	live_cleanup
}

atf_test_case silent_keyd cleanup
silent_keyd_head()
{
	atf_set descr "setkey reports a reply that does not come in time"
}
silent_keyd_body()
{
	local sock=skt-silent-$$

	# A listener that accepts connections and never replies.
	/usr/bin/python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind("\0" + sys.argv[1])
s.listen(4)
conns = []
while True:
    c, _ = s.accept()
    conns.append(c)
' "$sock" &
	echo $! > bg_pid
	sleep 0.3
	KEYD_SOCKET=@$sock atf_check -s exit:0 -o empty \
	    -e inline:"recv: Resource temporarily unavailable\n" "$SETKEY" -D
	KEYD_SOCKET=@$sock atf_check -s exit:255 -o empty \
	    -e inline:"setkey: Resource temporarily unavailable\n" \
	    "$SETKEY" -c < /dev/null
}
silent_keyd_cleanup()
{
	[ -f bg_pid ] && kill "$(cat bg_pid)" 2>/dev/null
	return 0
}

atf_test_case ifnet_dump cleanup
ifnet_dump_head()
{
	atf_set descr "-DP layout of the if_ipsec(4) example's policies"
	atf_set require.user root
}
ifnet_dump_body()
{
	local ns=skt-ifnet-$$

	echo "$ns" > ns_name
	ip netns add "$ns" || atf_fail "cannot create namespace $ns"
	ip -n "$ns" link add ipsec0 type veth peer name skt-peer0 ||
	    atf_fail "cannot create ipsec0 in $ns"
	atf_check -o file:"$(atf_get_srcdir)/ifnet-example.out" \
	    ip netns exec "$ns" "$(atf_get_srcdir)/t_spdump_fixture"
}
ifnet_dump_cleanup()
{
	live_cleanup
}

atf_test_case ifipsec_example cleanup
ifipsec_example_head()
{
	atf_set descr "-DP, -DPg, -DPt and -FP with if_ipsec(4) policies"
	atf_set require.user root
}
ifipsec_example_body()
{
	local ifipsecctl=$(atf_get_srcdir)/../../ifipsecctl/ifipsecctl
	local dir=$(atf_get_srcdir)

	[ -x "$ifipsecctl" ] || atf_skip "ifipsecctl is not built"
	live_setup ifipsec
	atf_check ip netns exec "$(cat ns_name)" "$ifipsecctl" ipsec0 create \
	    reqid 100
	atf_check ip netns exec "$(cat ns_name)" "$ifipsecctl" ipsec0 inet \
	    tunnel 192.168.0.3 192.168.0.5

	ip netns exec "$(cat ns_name)" "$SETKEY" -DP > dp.out 2> dp.err
	compare_output stdout "$dir/ifnet-example.out" dp.out
	ip netns exec "$(cat ns_name)" "$SETKEY" -DPt > dpt.out 2> dp.err
	compare_output stdout "$dir/ifnet-example.out" dpt.out

	atf_check ip netns exec "$(cat ns_name)" "$SETKEY" -c <<'EOT'
spdadd 10.0.11.41/32[21] 10.0.11.33/32[any] any -P out ipsec esp/tunnel/192.168.0.1-192.168.1.2/require;
EOT
	ip netns exec "$(cat ns_name)" "$SETKEY" -DP > dp2.out 2> dp.err
	compare_output stdout "$dir/ifnet-global.out" dp2.out
	ip netns exec "$(cat ns_name)" "$SETKEY" -DPg > dpg.out 2> dp.err
	compare_output stdout "$dir/ifnet-only-global.out" dpg.out

	# spdflush and -FP leave the interface's policies.
	atf_check ip netns exec "$(cat ns_name)" "$SETKEY" -FP
	ip netns exec "$(cat ns_name)" "$SETKEY" -DP > dp3.out 2> dp.err
	compare_output stdout "$dir/ifnet-example.out" dp3.out
	atf_check -o inline:"The result of line 1: Invalid argument.\n" \
	    ip netns exec "$(cat ns_name)" "$SETKEY" -c <<'EOT'
spddelete 0.0.0.0/0 0.0.0.0/0 any -P out;
EOT
}
ifipsec_example_cleanup()
{
	live_cleanup
}

atf_test_case soft_lifetime cleanup
soft_lifetime_head()
{
	atf_set descr "SAs past their soft and hard lifetimes"
	atf_set require.user root
}
soft_lifetime_body()
{
	live_setup soft
	atf_check ip netns exec "$(cat ns_name)" "$SETKEY" -c <<'EOT'
add 10.0.0.1 10.0.0.2 esp 0x1000 -lh 60 -ls 1 -E null "";
add 10.0.0.1 10.0.0.2 esp 0x1001 -lh 2 -ls 1 -E null "";
EOT
	# keyd checks lifetimes once a second, as FreeBSD's kernel does, so
	# wait up to 8 s for the first SA to be dying and the second gone.
	i=0
	while [ $i -lt 16 ]; do
		sleep 0.5
		ip netns exec "$(cat ns_name)" "$SETKEY" -D > d.out
		[ "$(grep -c 'state=dying' d.out)" = 1 ] &&
		    [ "$(grep -c 'state=' d.out)" = 1 ] && break
		i=$((i + 1))
	done
	cat d.out
	atf_check -o inline:"$(printf '\tseq=0x00000000 replay=0 flags=0x00000040 state=dying ')\n" \
	    grep state= d.out
	atf_check -o match:'^	diff: [0-9]+\(s\)	hard: 60\(s\)	soft: 1\(s\)$' \
	    cat d.out
}
soft_lifetime_cleanup()
{
	live_cleanup
}

atf_test_case unprivileged cleanup
unprivileged_head()
{
	atf_set descr "setkey fails when keyd rejects an unprivileged user"
	atf_set require.user root
	atf_set require.progs setpriv
}
unprivileged_body()
{
	local ns opt

	live_setup unpriv
	ns=$(cat ns_name)
	echo 'add 192.168.0.3 192.168.0.5 esp 10000 -E null "";' |
	    ip netns exec "$ns" "$SETKEY" -c || atf_fail "root add failed"
	ip netns exec "$ns" "$SETKEY" -D > before || atf_fail "root dump failed"
	for opt in -D -DP -F -FP; do
		# keyd may close the connection before or after the request
		# is sent, so the message names send or recv.
		atf_check -s exit:1 -o empty \
		    -e match:"^setkey: (send|recv): keyd closed the connection" \
		    ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 \
		    --clear-groups "$SETKEY" $opt
	done
	atf_check -s exit:255 -o empty -e not-empty \
	    ip netns exec "$ns" setpriv --reuid=65534 --regid=65534 \
	    --clear-groups "$SETKEY" -c < /dev/null
	# The rejected flushes left the SAD as it was.
	ip netns exec "$ns" "$SETKEY" -D > after || atf_fail "root dump failed"
	mask_output < before > before.masked
	mask_output < after > after.masked
	grep -q "spi=10000(" before.masked || atf_fail "the SA is missing"
	atf_check -o file:before.masked cat after.masked
}
unprivileged_cleanup()
{
	live_cleanup
}

atf_test_case no_keyd
no_keyd_head()
{
	atf_set descr "setkey reports a keyd it cannot reach"
}
no_keyd_body()
{
	local sock=@skt-absent-$$

	KEYD_SOCKET=$sock atf_check -s exit:1 -o empty \
	    -e inline:"pfkey_open: $sock: Connection refused\n" "$SETKEY" -D
	KEYD_SOCKET=$sock atf_check -s exit:1 -o empty \
	    -e inline:"pfkey_open: $sock: Connection refused\n" \
	    "$SETKEY" -c < /dev/null
}

atf_init_test_cases()
{
	local nn

	for nn in $(case_list live); do
		atf_test_case "live_$nn" cleanup
		eval "live_$nn""_head() {
			atf_set descr \"\$(describe live $nn)\"
			atf_set require.user root
		}
		live_$nn""_body() {
			live_setup $nn
			run_case live $nn ip netns exec \$(cat ns_name)
		}
		live_$nn""_cleanup() {
			live_cleanup
		}"
		atf_add_test_case "live_$nn"
	done
	atf_add_test_case promisc_x
	atf_add_test_case promisc_xx
	atf_add_test_case shortdump_l
	atf_add_test_case no_keyd
	atf_add_test_case unprivileged
	atf_add_test_case soft_lifetime
	atf_add_test_case ifnet_dump
	atf_add_test_case ifipsec_example
	atf_add_test_case silent_keyd
}
