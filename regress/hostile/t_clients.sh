#! /usr/bin/env atf-sh
#
# Clients that misbehave as a crowd: many at once, ones that vanish in
# the middle of a dump, and ones that never read while broadcasts flow.
# keyd must serve the others, keep its memory bounded and leave the SAD
# and SPD as the well-behaved requests left them.
#

. "$(atf_get_srcdir)/hostile.subr"

NS=hst-cli-$$

atf_test_case crowd cleanup
crowd_head()
{
	atf_set descr "100 concurrent clients add, get, dump and delete SAs"
	atf_set require.user root
	atf_set timeout 300
}
crowd_body()
{
	hst_require
	keyd_start $NS
	populate $NS 50
	snapshot $NS before
	in_ns $NS "$HOSTILE" crowd 100 5 > crowd.out 2>&1
	rc=$?
	tail -n 20 crowd.out
	[ $rc -eq 0 ] || atf_fail "hostile crowd failed"
	expect_line crowd.out '^crowd: 100 clients, 100 passed, 0 failed$'
	keyd_answers $NS
	# Every client deleted its own SAs, so the SAD is as before.
	snapshot $NS after
	expect_same before after
}
crowd_cleanup()
{
	keyd_cleanup
}

atf_test_case vanish_mid_dump cleanup
vanish_mid_dump_head()
{
	atf_set descr "200 clients that close during a dump of 20000 SAs leave keyd unchanged"
	atf_set require.user root
	atf_set timeout 300
}
vanish_mid_dump_body()
{
	local pid before

	hst_require
	keyd_start $NS
	populate $NS 20000
	snapshot $NS snap.before
	pid=$(keyd_pid $NS)
	# A whole dump first: it streams past the first batches.
	kc $NS dump0.out -q <<EOF
open a
send a DUMP
dumpall a 10000 quiet
EOF
	expect_line dump0.out '^a: dumpall count=20000 ordered=yes end=seq0$'
	before=$(vmrss_kb $pid)
	in_ns $NS "$HOSTILE" vanish 100 3 > vanish.out 2>&1 ||
	    atf_fail "hostile vanish: $(cat vanish.out)"
	in_ns $NS "$HOSTILE" vanish 100 0 >> vanish.out 2>&1 ||
	    atf_fail "hostile vanish: $(cat vanish.out)"
	cat vanish.out
	keyd_answers $NS
	# The dumps were cancelled and their memory freed; allow 16 MiB
	# for the allocator keeping freed pages.
	expect_rss_within $pid $before $((before + 16384)) "200 vanished dumps"

	kc $NS dump.out -q <<EOF
open a
send a DUMP
dumpall a 10000 quiet
EOF
	expect_line dump.out '^a: dumpall count=20000 ordered=yes end=seq0$'
	snapshot $NS snap.after
	expect_same snap.before snap.after
}
vanish_mid_dump_cleanup()
{
	keyd_cleanup
}

# stalled_readers QUEUE_BYTES ROUNDS: runs keyd -q QUEUE_BYTES with five
# clients that read nothing while another adds and deletes one SA ROUNDS
# times, then checks keyd's memory, that the stalled clients are still
# served, and that the SAD is unchanged.
stalled_readers()
{
	local q=$1 rounds=$2 pid before i

	hst_require
	keyd_start $NS @keyd -q $q
	populate $NS 10
	snapshot $NS snap.before
	pid=$(keyd_pid $NS)
	before=$(vmrss_kb $pid)
	for i in 1 2 3 4 5; do
		cat > stalled.$i.script <<EOF
open z
sleep 12000
drain z 500
send z SPDDUMP
recvall z 2000
EOF
		in_ns $NS "$KEYCLIENT" -q < stalled.$i.script \
		    > stalled.$i.out 2>&1 &
		echo $! >> started_pids
		echo $! > stalled.$i.pid
	done
	sleep 0.5
	awk -v key=$KEY16 -v n=$rounds 'BEGIN {
		print "open a"
		for (i = 0; i < n; i++) {
			print "send a ADD satype=esp spi=7000 src=192.168.7.1" \
			    " dst=192.168.7.2 enc=aes-cbc:" key
			print "recv a 2000"
			print "send a DELETE satype=esp spi=7000" \
			    " src=192.168.7.1 dst=192.168.7.2"
			print "recv a 2000"
		}
	}' > flood.script
	kc $NS flood.out -q < flood.script > /dev/null
	expect_count flood.out '^a: msg type=(ADD|DELETE) errno=0 ' \
	    $((rounds * 2))
	# Each stalled client's queue contains at most QUEUE_BYTES; the
	# bound allows as much again for the allocator's overhead.
	expect_rss_within $pid $before $((before + 5 * 2 * q / 1024 + 4096)) \
	    "$((rounds * 2)) broadcasts with -q $q"
	keyd_answers $NS
	for i in 1 2 3 4 5; do
		wait "$(cat stalled.$i.pid)"
		# Broadcasts beyond the queue were dropped for this client,
		# but it is still connected and served.  Queued broadcasts
		# may still come before the reply.
		expect_line stalled.$i.out '^z: msg type=X_SPDDUMP errno=0 '
	done
	snapshot $NS snap.after
	expect_same snap.before snap.after
	kill "$pid"
	sleep 0.5
	expect_line keyd.$NS.log '[0-9]+ messages were dropped for full client queues'
}

atf_test_case stalled_readers cleanup
stalled_readers_head()
{
	atf_set descr "Clients that never read cost keyd at most their queue limit"
	atf_set require.user root
	atf_set timeout 120
}
stalled_readers_body()
{
	# 24000 broadcasts of about 90 bytes overflow the 1 MiB queues.
	stalled_readers 1048576 12000
}
stalled_readers_cleanup()
{
	keyd_cleanup
}

atf_test_case stalled_small_queue cleanup
stalled_small_queue_head()
{
	atf_set descr "With keyd -q 65536 stalled clients cost at most 64 KiB each"
	atf_set require.user root
	atf_set timeout 120
}
stalled_small_queue_body()
{
	stalled_readers 65536 3000
}
stalled_small_queue_cleanup()
{
	keyd_cleanup
}

atf_test_case fd_exhaustion cleanup
fd_exhaustion_head()
{
	atf_set descr "Clients beyond keyd's descriptor limit are served once others leave"
	atf_set require.user root
	atf_set timeout 120
}
fd_exhaustion_body()
{
	hst_require
	ns_create $NS
	# keyd with 64 descriptors: about 55 are left for clients.
	in_ns $NS prlimit --nofile=64:64 "$KEYD" -F > keyd.$NS.log 2>&1 &
	echo $! >> started_pids
	echo $! > keyd.$NS.pid
	sleep 0.5
	keyd_alive $NS
	in_ns $NS /usr/bin/python3 - > fds.out 2>&1 <<'EOF'
import select
import socket
import struct
import time

def dump_request(seq):
    return struct.pack("<BBBBHHII", 2, 10, 0, 0, 2, 0, seq, 4660)

def answered(socks, timeout):
    """Return the sockets that have a reply within timeout seconds."""
    deadline = time.monotonic() + timeout
    pending = {s.fileno(): s for s in socks}
    poller = select.poll()
    for s in socks:
        poller.register(s, select.POLLIN)
    done = []
    while pending:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        for fd, _ in poller.poll(int(left * 1000) + 1):
            poller.unregister(fd)
            done.append(pending.pop(fd))
    return done

socks = []
for i in range(80):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.connect("\0keyd")
    s.send(dump_request(i + 1))
    socks.append(s)
first = answered(socks, 2.0)
waiting = [s for s in socks if s not in first]
print("answered at first:", len(first))
print("waiting:", len(waiting))
for s in first[:40]:
    s.close()
later = answered(waiting, 5.0)
print("answered later:", len(later))
EOF
	cat fds.out
	grep -q '^waiting: [1-9]' fds.out ||
	    atf_fail "keyd answered every client: the limit was not reached"
	w=$(awk '/^waiting:/ { print $2 }' fds.out)
	expect_line fds.out "^answered later: $w\$"
	keyd_answers $NS
}
fd_exhaustion_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case crowd
	atf_add_test_case vanish_mid_dump
	atf_add_test_case stalled_readers
	atf_add_test_case stalled_small_queue
	atf_add_test_case fd_exhaustion
}
