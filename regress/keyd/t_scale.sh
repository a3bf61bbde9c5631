#! /usr/bin/env atf-sh
#
# keyd with 100,000 SAs: every one is added, a dump streams all of them,
# and another client is served while the dump is still being read.
#

. "$(atf_get_srcdir)/keyd_test.subr"

NS=kct-scale-$$
COUNT=100000

# add_sas NS: adds COUNT ESP SAs, SPI 1000 upwards, from 192.168.X.Y to
# 192.168.0.5, and fails unless keyd accepted every one.
add_sas()
{
	awk -v n=$COUNT -v key=$KEY16 'BEGIN {
		print "open a"
		for (i = 0; i < n; i++) {
			printf "send a ADD satype=esp spi=%d src=192.168.%d.%d" \
			    " dst=192.168.0.5 enc=aes-cbc:%s\n",
			    1000 + i, int(i / 250) % 250, i % 250 + 1, key
			print "recv a 5000"
		}
	}' > add_script
	ip netns exec $1 "$KEYCLIENT" -q < add_script > add_out 2>&1
	keyd_alive $1
	expect_count add_out '^a: msg type=ADD errno=0 ' $COUNT
}

# dump_during_get NS PAUSE_MS: starts a client that sends DUMP and reads
# the dump after PAUSE_MS, requests one SA from a second client while the
# dump is pending, and checks both replies.
dump_during_get()
{
	local pid i

	cat > dump_script <<EOF
open a
send a DUMP
echo dump-sent
sleep $2
dumpall a 10000 quiet
EOF
	ip netns exec $1 "$KEYCLIENT" -q < dump_script > dump_out 2>&1 &
	pid=$!
	echo $pid >> started_pids
	i=0
	until grep -q '^dump-sent$' dump_out; do
		i=$((i + 1))
		[ $i -lt 100 ] || atf_fail "the dumping client did not start"
		sleep 0.05
	done
	kc $1 get_out <<EOF
open b
send b GET satype=esp spi=51000 src=192.168.200.1 dst=192.168.0.5
recv b 2000
EOF
	expect_line get_out '^b: msg type=GET errno=0 ' \
	    "GET answered within 2 s during the dump"
	expect_line get_out '^b:   sa spi=51000 replay=0 state=mature '
	expect_line get_out '^b:   src proto=255 plen=32 192\.168\.200\.1$'

	wait $pid
	cat dump_out
	expect_line dump_out "^a: dumpall count=$COUNT ordered=yes end=seq0\$"
	expect_no_line dump_out 'errno=[A-Z]'
	keyd_alive $1
}

atf_test_case many_sas cleanup
many_sas_head()
{
	atf_set descr "100,000 SAs are dumped while another client is served"
	atf_set require.user root
	atf_set timeout 600
}
many_sas_body()
{
	keyd_start $NS
	add_sas $NS
	dump_during_get $NS 0
}
many_sas_cleanup()
{
	keyd_cleanup
}

atf_test_case dump_slow_reader cleanup
dump_slow_reader_head()
{
	atf_set descr "A dump of 100,000 SAs reaches a client that starts reading after 1 s"
	atf_set require.user root
	atf_set timeout 600
}
dump_slow_reader_body()
{
	keyd_start $NS
	add_sas $NS
	# The dumping client reads nothing for 1 s, so the whole dump is
	# pending in keyd while the second client requests one SA.
	dump_during_get $NS 1000
}
dump_slow_reader_cleanup()
{
	keyd_cleanup
}

atf_test_case stalled_listener cleanup
stalled_listener_head()
{
	atf_set descr "A socket that never reads does not stall replies to others"
	atf_set require.user root
	atf_set timeout 120
}
stalled_listener_body()
{
	keyd_start $NS
	# 5,000 broadcasts overflow the receive queue of socket z, which is
	# never read.
	awk -v key=$KEY16 'BEGIN {
		print "open z"
		print "open a"
		for (i = 0; i < 5000; i++) {
			printf "send a ADD satype=esp spi=%d src=192.168.0.3" \
			    " dst=192.168.0.5 enc=aes-cbc:%s\n", 1000 + i, key
			print "recv a 2000"
		}
		print "send a GET satype=esp spi=5999 src=192.168.0.3 dst=192.168.0.5"
		print "recv a 2000"
	}' > script
	kc $NS out -q < script > /dev/null
	expect_count out '^a: msg type=ADD errno=0 ' 5000
	expect_line out '^a: msg type=GET errno=0 '
	keyd_alive $NS
}
stalled_listener_cleanup()
{
	keyd_cleanup
}

atf_test_case dump_abandoned cleanup
dump_abandoned_head()
{
	atf_set descr "A client that closes during a dump leaves keyd serving others"
	atf_set require.user root
	atf_set timeout 120
}
dump_abandoned_body()
{
	keyd_start $NS
	awk -v key=$KEY16 'BEGIN {
		print "open a"
		for (i = 0; i < 5000; i++) {
			printf "send a ADD satype=esp spi=%d src=192.168.0.3" \
			    " dst=192.168.0.5 enc=aes-cbc:%s\n", 1000 + i, key
			print "recv a 2000"
		}
		for (i = 0; i < 20; i++) {
			printf "open d%d\nsend d%d DUMP\nclose d%d\n", i, i, i
		}
		print "send a GET satype=esp spi=5999 src=192.168.0.3 dst=192.168.0.5"
		print "recv a 2000"
		print "send a DUMP"
		print "dumpall a 10000 quiet"
	}' > script
	kc $NS out -q < script > /dev/null
	expect_count out '^a: msg type=ADD errno=0 ' 5000
	expect_line out '^a: msg type=GET errno=0 '
	expect_line out '^a: dumpall count=5000 ordered=yes end=seq0$'
	keyd_alive $NS
}
dump_abandoned_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case many_sas
	atf_add_test_case dump_slow_reader
	atf_add_test_case stalled_listener
	atf_add_test_case dump_abandoned
}
