#! /usr/bin/env atf-sh
#
# Floods of ESP from a peer namespace at a keyd host: unknown SPIs,
# damaged ICVs, replays of one valid packet and short garbage.  Every
# packet but the first copy of the valid one must be dropped, counted
# under its reason in ifipsecctl -s, and logged at most 10 times a
# minute.  The SAD and SPD stay as they were and keyd keeps serving
# requests.
#

. "$(atf_get_srcdir)/hostile.subr"

NS_V=hst-espv-$$
NS_P=hst-espp-$$
COUNT=2000
# Keys of the SA from the peer to the victim, SPI 0x1001.
ENCKEY=0x4573704b65794f6656696374696d2121
AUTHKEY=0x417574684b65794f6656696374696d2121212121

# hosts: the victim V (192.168.77.1, keyd, ipsec0 with reqid 7 and its
# two SAs) and the peer P (192.168.77.2) joined by a veth pair.
hosts()
{
	hst_require
	keyd_start $NS_V
	ns_create $NS_P
	ip link add hst-vv netns $NS_V type veth peer name hst-vp netns $NS_P ||
	    atf_fail "cannot create the veth pair"
	ip -n $NS_V addr add 192.168.77.1/24 dev hst-vv
	ip -n $NS_P addr add 192.168.77.2/24 dev hst-vp
	ip -n $NS_V addr add 2001:db8:77::1/64 dev hst-vv nodad
	ip -n $NS_P addr add 2001:db8:77::2/64 dev hst-vp nodad
	ip -n $NS_V link set hst-vv up
	ip -n $NS_P link set hst-vp up
	in_ns $NS_V "$IFIPSECCTL" ipsec0 create reqid 7 ||
	    atf_fail "ipsec0 create failed"
	in_ns $NS_V "$IFIPSECCTL" ipsec0 inet tunnel 192.168.77.1 \
	    192.168.77.2 || atf_fail "ipsec0 tunnel failed"
	in_ns $NS_V "$IFIPSECCTL" ipsec0 inet 172.16.77.1/24 172.16.77.2 ||
	    atf_fail "ipsec0 inet failed"
	cat > sas.conf <<EOF
add 192.168.77.2 192.168.77.1 esp 0x1001 -m tunnel -u 7 -r 32
	-E aes-cbc $ENCKEY -A hmac-sha1 $AUTHKEY;
add 192.168.77.1 192.168.77.2 esp 0x1002 -m tunnel -u 7 -r 32
	-E aes-cbc $ENCKEY -A hmac-sha1 $AUTHKEY;
EOF
	in_ns $NS_V "$SETKEY" -f sas.conf > sas.out 2>&1 ||
	    atf_fail "setkey -f sas.conf: $(cat sas.out)"
	[ ! -s sas.out ] || atf_fail "setkey -f sas.conf: $(cat sas.out)"
}

# flood KIND [ARGS...]: sends COUNT packets of KIND from the peer to the
# victim's IPv4 address, or to the address in DST when it is set.
flood()
{
	local kind=$1

	shift
	in_ns $NS_P "$HOSTILE" espflood $kind $COUNT ${DST:-192.168.77.1} \
	    "$@" > flood.$kind 2>&1 ||
	    atf_fail "espflood $kind: $(cat flood.$kind)"
	# Let keyd read what is still in its socket buffer.
	sleep 0.5
}

# stats FILE: writes ifipsecctl -s of the victim to FILE.
stats()
{
	in_ns $NS_V "$IFIPSECCTL" -s > "$1" 2>&1 ||
	    atf_fail "ifipsecctl -s: $(cat "$1")"
}

# drops FILE REASON: prints the sum of the "dropped, REASON: N" lines of
# the interfaces and of "no interface" in FILE (SA records excluded, so
# each packet counts once).
drops()
{
	awk -v r="dropped, $2:" '
	    /^[^ \t]/ { sa = ($1 == "esp" || $1 == "ah") }
	    !sa && index($0, r) { n += $NF }
	    END { print n + 0 }' "$1"
}

# expect_drops BEFORE AFTER REASON N: fails unless the REASON counter
# grew by exactly N between the two statistics files.
expect_drops()
{
	local b a

	b=$(drops "$1" "$3")
	a=$(drops "$2" "$3")
	echo "dropped, $3: $b before, $a after"
	[ "$a" -eq $((b + $4)) ] ||
	    atf_fail "'$3' drops grew from $b to $a, expected $4 more"
}

# total_drops FILE: prints the sum of all drop counters outside SAs.
total_drops()
{
	awk '/^[^ \t]/ { sa = ($1 == "esp" || $1 == "ah") }
	    !sa && /dropped, / { n += $NF }
	    END { print n + 0 }' "$1"
}

# log_drops: prints the number of logged inbound drops of the victim.
log_drops()
{
	grep -c 'inbound packet dropped' keyd.$NS_V.log
}

atf_test_case unknown_spi cleanup
unknown_spi_head()
{
	atf_set descr "2000 packets with unknown SPIs are dropped and counted"
	atf_set require.user root
	atf_set timeout 120
}
unknown_spi_body()
{
	hosts
	snapshot $NS_V snap.before
	stats s.before
	flood unknown
	stats s.after
	cat s.after
	expect_drops s.before s.after "unknown SPI" $COUNT
	# Unknown SPIs are logged at debug level only.
	[ "$(log_drops)" -eq 0 ] || atf_fail "unknown SPIs were logged"
	keyd_answers $NS_V
	snapshot $NS_V snap.after
	expect_same snap.before snap.after
}
unknown_spi_cleanup()
{
	keyd_cleanup
}

atf_test_case bad_icv cleanup
bad_icv_head()
{
	atf_set descr "2000 packets with a damaged ICV are dropped, counted and logged 10 times"
	atf_set require.user root
	atf_set timeout 120
}
bad_icv_body()
{
	hosts
	snapshot $NS_V snap.before
	stats s.before
	flood badicv 0x1001
	stats s.after
	cat s.after
	expect_drops s.before s.after "ICV mismatch" $COUNT
	n=$(log_drops)
	echo "logged drops: $n"
	[ "$n" -ge 1 ] && [ "$n" -le 10 ] ||
	    atf_fail "$n drops were logged, expected 1 to 10"
	keyd_answers $NS_V
	snapshot $NS_V snap.after
	expect_same snap.before snap.after
}
bad_icv_cleanup()
{
	keyd_cleanup
}

atf_test_case replays cleanup
replays_head()
{
	atf_set descr "One valid packet sent 2000 times is accepted once"
	atf_set require.user root
	atf_set timeout 120
}
replays_body()
{
	hosts
	stats s.before
	flood replay 0x1001 $ENCKEY $AUTHKEY
	stats s.after
	cat s.after
	expect_drops s.before s.after "replay check failed" $((COUNT - 1))
	# The first copy was decrypted and delivered to ipsec0.
	expect_line s.after '^	input: 1 packets, 28 bytes$'
	n=$(log_drops)
	[ "$n" -ge 1 ] && [ "$n" -le 10 ] ||
	    atf_fail "$n drops were logged, expected 1 to 10"
	keyd_answers $NS_V

	# The SA's transform state held the keys (AES's key schedule starts
	# with the key itself); after a flush no copy may remain.
	in_ns $NS_V "$SETKEY" -F
	/usr/bin/python3 "$HST_SRCDIR/memscan.py" "$(keyd_pid $NS_V)" \
	    "${ENCKEY#0x}" "${AUTHKEY#0x}" > memscan.out ||
	    atf_fail "memscan.py failed"
	cat memscan.out
	awk '$2 != 0 { exit 1 }' memscan.out ||
	    atf_fail "key copies remain in keyd after the flush"
}
replays_cleanup()
{
	keyd_cleanup
}

atf_test_case garbage cleanup
garbage_head()
{
	atf_set descr "2000 packets of 0 to 40 random bytes are each counted as a drop"
	atf_set require.user root
	atf_set timeout 120
}
garbage_body()
{
	garbage_flood 192.168.77.1
}
garbage_cleanup()
{
	keyd_cleanup
}

atf_test_case garbage_v6 cleanup
garbage_v6_head()
{
	atf_set descr "2000 packets of 0 to 40 random bytes over IPv6 are each counted as a drop"
	atf_set require.user root
	atf_set timeout 120
}
garbage_v6_body()
{
	garbage_flood 2001:db8:77::1
}
garbage_v6_cleanup()
{
	keyd_cleanup
}

# garbage_flood DST: sends COUNT packets of random bytes to DST and checks
# that each one is counted as a drop and that nothing else changed.
garbage_flood()
{
	local b a

	hosts
	snapshot $NS_V snap.before
	stats s.before
	DST=$1 flood garbage
	stats s.after
	cat s.after
	b=$(total_drops s.before)
	a=$(total_drops s.after)
	echo "drops: $b before, $a after"
	[ "$a" -eq $((b + COUNT)) ] ||
	    atf_fail "drops grew from $b to $a, expected $COUNT more"
	keyd_answers $NS_V
	snapshot $NS_V snap.after
	expect_same snap.before snap.after
}

atf_init_test_cases()
{
	atf_add_test_case unknown_spi
	atf_add_test_case bad_icv
	atf_add_test_case replays
	atf_add_test_case garbage
	atf_add_test_case garbage_v6
}
