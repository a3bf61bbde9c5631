#! /usr/bin/env atf-sh
#
# keyd's protections beyond its socket's access check: capture files it
# writes as root, key material in its log and memory, core dumps, and
# floods of connections from users it rejects.
#

. "$(atf_get_srcdir)/hostile.subr"

NS=hst-priv-$$
GROUP=hst-g$$

# Keys no other test uses, so any copy found is one of these SAs.
ENC_ASCII='HostileSecretKey-0123456789abcd!'
AUTH_ASCII='AuthSecretKey-0123456789abcdef!!'
ENC_HEX=$(printf '%s' "$ENC_ASCII" | od -An -tx1 | tr -d ' \n')
AUTH_HEX=$(printf '%s' "$AUTH_ASCII" | od -An -tx1 | tr -d ' \n')
SA_HEAD="192.168.0.3 192.168.0.5 esp 0x4000 -m tunnel"
SA_KEYS="-E aes-cbc \"$ENC_ASCII\" -A hmac-sha256 \"$AUTH_ASCII\""
SA_LINE="$SA_HEAD $SA_KEYS"

# key_copies NS: prints the number of copies of the two keys in the
# memory of keyd in NS.
key_copies()
{
	/usr/bin/python3 "$HST_SRCDIR/memscan.py" "$(keyd_pid "$1")" \
	    "$ENC_HEX" "$AUTH_HEX" > memscan.out ||
	    atf_fail "memscan.py failed"
	cat memscan.out
	awk '{ n += $2 } END { print n + 0 }' memscan.out
}

# setkey_run NS SCRIPT: runs the setkey SCRIPT in NS and fails on any
# diagnostic.
setkey_run()
{
	echo "$2" > script.conf
	in_ns "$1" "$SETKEY" -f script.conf > setkey.out 2>&1 ||
	    atf_fail "setkey '$2': $(cat setkey.out)"
}

atf_test_case capture_root_only cleanup
capture_root_only_head()
{
	atf_set descr "Only root may make keyd write a capture file"
	atf_set require.user root
}
capture_root_only_body()
{
	local gid

	hst_require
	echo $GROUP >> created_groups
	groupadd $GROUP || atf_fail "cannot create group $GROUP"
	gid=$(getent group $GROUP | cut -d: -f3)
	keyd_start $NS @keyd -g $GROUP

	# A member of the keyd group is served, but keyd opens capture
	# files as root, so it must not open one for the member.
	in_ns $NS setpriv --reuid=65534 --regid="$gid" --clear-groups \
	    "$IFIPSECCTL" -w "$(pwd)/member.pcap" > member.out 2>&1
	cat member.out
	expect_line member.out 'Operation not permitted'
	[ ! -e member.pcap ] || atf_fail "keyd created member.pcap for a group member"

	in_ns $NS "$IFIPSECCTL" -w "$(pwd)/root.pcap" > root.out 2>&1 ||
	    atf_fail "capture as root: $(cat root.out)"
	[ -f root.pcap ] || atf_fail "keyd did not create root.pcap for root"
	in_ns $NS "$IFIPSECCTL" -W > /dev/null 2>&1
	keyd_answers $NS
}
capture_root_only_cleanup()
{
	keyd_cleanup
}

atf_test_case keys_not_logged cleanup
keys_not_logged_head()
{
	atf_set descr "keyd -vvv logs no key, in hex or as text"
	atf_set require.user root
}
keys_not_logged_body()
{
	local form

	hst_require
	keyd_start $NS @keyd -vvv
	setkey_run $NS "add $SA_LINE;"
	setkey_run $NS "get 192.168.0.3 192.168.0.5 esp 0x4000;"
	in_ns $NS "$SETKEY" -D > dump.out 2>&1
	grep -q "$(echo "$ENC_HEX" | cut -c1-16)" dump.out ||
	    grep -q '486f7374' dump.out ||
	    atf_fail "setkey -D does not show the key, so the SA is missing"
	# A rejected ADD carrying the same keys: the SPI is in use.
	in_ns $NS "$SETKEY" -c > /dev/null 2>&1 <<EOF
add $SA_LINE;
EOF
	setkey_run $NS "delete 192.168.0.3 192.168.0.5 esp 0x4000;"
	setkey_run $NS "add $SA_LINE; flush;"
	kill "$(keyd_pid $NS)"
	sleep 0.5
	cp keyd.$NS.log log
	[ -s log ] || atf_fail "keyd -vvv wrote no log"
	grep -c . log
	expect_line log 'SPI 0x00004000'
	for form in "$ENC_ASCII" "$AUTH_ASCII" HostileSecret AuthSecret \
	    "$(echo "$ENC_HEX" | cut -c1-12)" \
	    "$(echo "$AUTH_HEX" | cut -c1-12)" \
	    "$(echo "$ENC_HEX" | cut -c1-12 | tr a-f A-F)" \
	    "48 6f 73 74 69 6c" "48:6f:73:74:69:6c" "41 75 74 68 53 65"; do
		if grep -qF -- "$form" log; then
			grep -nF -- "$form" log
			atf_fail "the log contains key material: $form"
		fi
	done
}
keys_not_logged_cleanup()
{
	keyd_cleanup
}

atf_test_case keys_wiped cleanup
keys_wiped_head()
{
	atf_set descr "No copy of a key stays in keyd's memory after delete, flush and expiry"
	atf_set require.user root
}
keys_wiped_body()
{
	local n

	hst_require
	keyd_start $NS
	setkey_run $NS "add $SA_LINE;"
	setkey_run $NS "get 192.168.0.3 192.168.0.5 esp 0x4000;"
	in_ns $NS "$SETKEY" -D > /dev/null 2>&1
	n=$(key_copies $NS | tail -n 1)
	# The scan must see the SA's own copy, or it proves nothing.
	[ "$n" -ge 2 ] || atf_fail "the scan found $n key copies in a live SA"

	setkey_run $NS "delete 192.168.0.3 192.168.0.5 esp 0x4000;"
	n=$(key_copies $NS | tail -n 1)
	[ "$n" -eq 0 ] || atf_fail "$n key copies remain after delete"

	setkey_run $NS "add $SA_LINE;"
	in_ns $NS "$SETKEY" -D > /dev/null 2>&1
	setkey_run $NS "flush;"
	n=$(key_copies $NS | tail -n 1)
	[ "$n" -eq 0 ] || atf_fail "$n key copies remain after flush"

	# A hard lifetime of 2 s: the SA expires within the next checks.
	setkey_run $NS "add $SA_HEAD -lh 2 -ls 1 $SA_KEYS;"
	sleep 4
	in_ns $NS "$SETKEY" -D > expired.out 2>&1
	expect_no_line expired.out '0x00004000|spi=16384' "SAD after expiry"
	n=$(key_copies $NS | tail -n 1)
	[ "$n" -eq 0 ] || atf_fail "$n key copies remain after expiry"
	keyd_answers $NS
}
keys_wiped_cleanup()
{
	keyd_cleanup
}

atf_test_case no_core_dump cleanup
no_core_dump_head()
{
	atf_set descr "keyd runs with RLIMIT_CORE 0 and is not dumpable"
	atf_set require.user root
}
no_core_dump_body()
{
	local pid owner

	hst_require
	keyd_start $NS
	pid=$(keyd_pid $NS)
	grep 'Max core file size' /proc/$pid/limits
	awk '/^Max core file size/ { exit !($5 == 0 && $6 == 0) }' \
	    /proc/$pid/limits || atf_fail "keyd's RLIMIT_CORE is not 0"

	# A process that is not dumpable has its /proc files owned by root
	# even when it runs as another user, which shows prctl's effect.
	ns_create ${NS}-u
	in_ns ${NS}-u setpriv --reuid=65534 --regid=65534 --clear-groups \
	    "$KEYD" -F -s @hst-user > user.log 2>&1 &
	pid=$!
	echo $pid >> started_pids
	sleep 0.5
	kill -0 $pid 2>/dev/null || atf_fail "keyd as uid 65534: $(cat user.log)"
	owner=$(stat -c %u /proc/$pid/status)
	[ "$owner" -eq 0 ] ||
	    atf_fail "/proc/$pid of keyd as uid 65534 belongs to uid $owner: keyd is dumpable"
}
no_core_dump_cleanup()
{
	keyd_cleanup
}

atf_test_case reject_flood cleanup
reject_flood_head()
{
	atf_set descr "300 rejected connections are logged at most 10 times and change nothing"
	atf_set require.user root
}
reject_flood_body()
{
	local lines

	hst_require
	keyd_start $NS
	populate $NS 10
	snapshot $NS before
	in_ns $NS setpriv --reuid=65534 --regid=65534 --clear-groups \
	    /usr/bin/python3 -c '
import socket
for i in range(300):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        s.connect("\0keyd")
        s.send(b"\x02\x0a\x00\x00\x02\x00\x00\x00" + bytes(8))
        s.recv(64)
    except OSError:
        pass
    s.close()
' || atf_fail "the connection flood did not run"
	keyd_answers $NS
	lines=$(grep -c 'rejected' keyd.$NS.log)
	echo "rejection lines: $lines"
	[ "$lines" -ge 1 ] || atf_fail "no rejection was logged"
	[ "$lines" -le 10 ] || atf_fail "$lines rejections were logged"
	snapshot $NS after
	expect_same before after
}
reject_flood_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case capture_root_only
	atf_add_test_case keys_not_logged
	atf_add_test_case keys_wiped
	atf_add_test_case no_core_dump
	atf_add_test_case reject_flood
}
