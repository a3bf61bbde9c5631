#! /usr/bin/env atf-sh
#
# keyd's SA messages (GETSPI, UPDATE, ADD, DELETE, GET, FLUSH, DUMP) and
# their error replies, checked against FreeBSD's key engine.
#

. "$(atf_get_srcdir)/keyd_test.subr"

NS=kct-sa-$$
SA_ADDRS="src=192.168.0.3 dst=192.168.0.5"

atf_test_case add_manpage cleanup
add_manpage_head()
{
	atf_set descr "The setkey man-page ADD is answered to every socket without its key"
	atf_set require.user root
}
add_manpage_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == send
sendhex a $(echo $ADD_MANPAGE_HEX)
echo == add-a
recv a
echo == add-b
recv b
echo == get
send a GET satype=esp spi=10000 $SA_ADDRS seq=7
recv a
expect-none b 300
echo == get-other-dst
send a GET satype=esp spi=10000 src=192.168.0.3 dst=192.168.0.9
recv a
echo == get-other-proto
send a GET satype=ah spi=10000 $SA_ADDRS
recv a
echo == again
sendhex a $(echo $ADD_OTHERDST_HEX)
recv a
expect-none b 300
echo == again-ah
send a ADD satype=ah spi=10000 src=192.168.0.7 dst=192.168.0.8 auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314
recv a
expect-none b 300
echo == get-unknown
send a GET satype=esp spi=10001 $SA_ADDRS
recv a
expect-none b 300
EOF
	expect_in out send '^a: sent bytes=120$'
	for s in a b; do
		expect_in out add-$s "^$s: msg type=ADD errno=0 satype=esp len=12 seq=0 pid=$ADD_MANPAGE_PID "
		expect_in out add-$s "^$s:   sa spi=10000 replay=0 state=[a-z0-9]+ auth=0 encrypt=12 flags=0x40$"
		expect_in out add-$s "^$s:   sa2 mode=tunnel reqid=100 seq=0$"
		expect_in out add-$s "^$s:   src proto=255 plen=32 192\.168\.0\.3$"
		expect_in out add-$s "^$s:   dst proto=255 plen=32 192\.168\.0\.5$"
		expect_not_in out add-$s "key_"
	done

	expect_in out get '^a: msg type=GET errno=0 satype=esp len=[0-9]+ seq=7 '
	expect_in out get '^a:   sa spi=10000 replay=0 state=mature auth=0 encrypt=12 flags=0x40$'
	expect_in out get '^a:   sa2 mode=tunnel reqid=100 '
	expect_in out get '^a:   key_encrypt bits=128 566572795365637572654b6579212131$'
	expect_in out get '^a:   lifetime_current '
	expect_in out get '^a:   src proto=255 plen=32 192\.168\.0\.3$'
	expect_in out get '^a:   dst proto=255 plen=32 192\.168\.0\.5$'
	expect_in out get '^b: none$'

	# GET lists extensions in the order of FreeBSD's key_setdumpsa().
	expect_ext_order sect.get a "sa sa2 lifetime_current src dst key_encrypt"
	expect_in out get-other-proto '^a: msg type=GET errno=ESRCH '
	expect_in out get-other-dst '^a: msg type=GET errno=ESRCH '
	expect_in out again '^a: msg type=ADD errno=EEXIST '
	expect_in out again '^b: none$'
	# SPIs are unique across the whole SAD, whatever the protocol.
	expect_in out again-ah '^a: msg type=ADD errno=EEXIST '
	expect_in out again-ah '^b: none$'
	expect_in out get-unknown '^a: msg type=GET errno=ESRCH '
	expect_in out get-unknown '^b: none$'
	keyd_alive $NS
}
add_manpage_cleanup()
{
	keyd_cleanup
}

atf_test_case delete cleanup
delete_head()
{
	atf_set descr "DELETE with an SA extension, without one, and of an unknown SPI"
	atf_set require.user root
}
delete_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a ADD satype=esp spi=1001 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=esp spi=1002 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=esp spi=1003 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=esp spi=1004 src=192.168.0.5 dst=192.168.0.3 enc=aes-cbc:$KEY16
send a ADD satype=ah spi=1005 $SA_ADDRS auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314
drain a
drain b
echo == delete-one
send a DELETE satype=esp spi=1001 $SA_ADDRS
recv a
recv b
echo == get-deleted
send a GET satype=esp spi=1001 $SA_ADDRS
recv a
echo == delete-unknown
send a DELETE satype=esp spi=1001 $SA_ADDRS
recv a
expect-none b 300
echo == delete-wrong-dst
send a DELETE satype=esp spi=1002 src=192.168.0.3 dst=192.168.0.9
recv a
send a GETSPI satype=esp $SA_ADDRS spirange=1006-1006
recv a
echo == delete-all
send a DELETE satype=esp $SA_ADDRS
recv a
recv b
echo == dump
send a DUMP
dumpall a
echo == delete-none
send a DELETE satype=esp src=192.168.0.7 dst=192.168.0.8
recv a
EOF
	expect_in out delete-one '^a: msg type=DELETE errno=0 satype=esp len=10 '
	expect_in out delete-one '^a:   sa spi=1001 '
	section out delete-one | grep '^a:' > delete-one.a
	expect_ext_order delete-one.a a "sa src dst"
	expect_in out delete-one '^b: msg type=DELETE errno=0 satype=esp '
	expect_in out get-deleted '^a: msg type=GET errno=ESRCH '
	expect_in out delete-unknown '^a: msg type=DELETE errno=ESRCH '
	expect_in out delete-unknown '^b: none$'
	expect_in out delete-wrong-dst '^a: msg type=DELETE errno=ESRCH '
	# The reply is <base, SRC, DST>.
	expect_in out delete-all '^a: msg type=DELETE errno=0 satype=esp len=8 '
	expect_not_in out delete-all '^a:   sa '
	expect_in out delete-all '^b: msg type=DELETE errno=0 satype=esp '
	# The reverse-direction ESP SA, the AH SA and the larval SA remain,
	# because DELETE without an SA extension removes only alive SAs.
	expect_in out dump '^a: dumpall count=3 ordered=yes end=seq0$'
	expect_in out dump '^a:   sa spi=1004 '
	expect_in out dump '^a:   sa spi=1005 '
	expect_in out dump '^a:   sa spi=1006 replay=[0-9]+ state=larval '
	expect_in out delete-none '^a: msg type=DELETE errno=0 '
	keyd_alive $NS
}
delete_cleanup()
{
	keyd_cleanup
}

atf_test_case malformed cleanup
malformed_head()
{
	atf_set descr "Truncated messages and wrong length fields change nothing"
	atf_set require.user root
}
malformed_body()
{
	local hex

	keyd_start $NS
	hex=$(echo $ADD_MANPAGE_HEX | tr -d ' ')
	kc $NS out <<EOF
open a
open b
send a ADD satype=esp spi=2000 $SA_ADDRS enc=aes-cbc:$KEY16
drain a
drain b
echo == before
send a DUMP
dumpall a
echo == truncated
sendhex a $(echo "$hex" | cut -c1-120)
recv a 500
echo == short-header
sendhex a 0203000302000000
recv a 500
echo == len-too-big
sendhex a ${hex}0000000000000000
recv a 500
echo == len-too-small
sendhex a $(echo "$hex" | sed 's/^020300030f00/020300030e00/')
recv a 500
echo == ext-overruns
sendhex a 0203000304000000000000000000000009000900800000005665727953656375
recv a 500
echo == ext-zero-len
sendhex a 0203000303000000 0000000000000000 0000010000000000
recv a 500
echo == msg-len-zero
sendhex a 020a000000000000 0000000000000000
recv a 500
echo == close-after-send
open c
send c DUMP
close c
open d
sendhex d $(echo "$hex" | cut -c1-120)
close d
echo == b-not-reached
expect-none b 300
echo == after-b
send b DUMP
dumpall b
EOF
	for s in truncated short-header len-too-big len-too-small ext-overruns \
	    ext-zero-len msg-len-zero; do
		expect_not_in out $s 'errno=0 '
	done
	expect_in out b-not-reached '^b: none$'

	# The SAD is the same as before, seen from a second connection.
	section out before | grep -v '^a: sent' | strip_prefix > before
	section out after-b | grep -v '^b: sent' | strip_prefix > after
	expect_line before 'dumpall count=1 ordered=yes end=seq0'
	if ! cmp -s before after; then
		diff -u before after
		atf_fail "the SAD changed after malformed messages"
	fi
	keyd_alive $NS

	# A new connection is served as well.
	kc $NS out2 <<EOF
open c
send c GET satype=esp spi=2000 $SA_ADDRS
recv c
EOF
	expect_line out2 '^c: msg type=GET errno=0 '
	expect_line out2 '^c:   sa spi=2000 '
}
malformed_cleanup()
{
	keyd_cleanup
}

atf_test_case address_errors cleanup
address_errors_head()
{
	atf_set descr "ADD rejects bad address families, prefix lengths and extensions"
	atf_set require.user root
}
address_errors_body()
{
	local family99 plen33 proto6

	keyd_start $NS
	family99=$(echo $ADD_MANPAGE_HEX | sed 's/ff 20 0000 10 02 /ff 20 0000 10 63 /g')
	plen33=$(echo $ADD_MANPAGE_HEX |
	    sed 's/0500 ff 20 0000 10 02/0500 ff 21 0000 10 02/')
	proto6=$(echo $ADD_MANPAGE_HEX |
	    sed 's/0600 ff 20 0000 10 02/0600 06 20 0000 10 02/')
	kc $NS out <<EOF
open a
open b
echo == family-99
sendhex a $family99
recv a 500
echo == prefixlen-33
sendhex a $plen33
recv a 500
echo == proto-mismatch
sendhex a $proto6
recv a 500
echo == family-mismatch
send a ADD satype=esp spi=3000 src=192.168.0.3 dst=2001:db8::1 enc=aes-cbc:$KEY16
recv a 500
echo == ext-duplicate
send a ADD satype=esp spi=3001 $SA_ADDRS enc=aes-cbc:$KEY16 ext=1:00000bb90000000c40000000
recv a 500
echo == ext-unknown
send a ADD satype=esp spi=3002 $SA_ADDRS enc=aes-cbc:$KEY16 ext=40:00000000
recv a 500
echo == ext-kmprivate
send a ADD satype=esp spi=3003 $SA_ADDRS enc=aes-cbc:$KEY16 ext=17:00000000
recv a 500
echo == others
expect-none b 300
echo == dump
send b DUMP
recv b
EOF
	expect_in out family-99 '^a: msg type=ADD errno=EAFNOSUPPORT '
	expect_in out prefixlen-33 '^a: msg type=ADD errno=EINVAL '
	expect_in out proto-mismatch '^a: msg type=ADD errno=EINVAL '
	expect_in out family-mismatch '^a: msg type=ADD errno=EINVAL '
	# FreeBSD fails the send itself for these, so keyd may reply with
	# EINVAL or not at all, but must not accept them.
	for s in ext-duplicate ext-unknown ext-kmprivate; do
		expect_not_in out $s 'errno=0 '
	done
	expect_in out others '^b: none$'
	expect_in out dump '^b: msg type=DUMP errno=ENOENT '
	keyd_alive $NS
}
address_errors_cleanup()
{
	keyd_cleanup
}

atf_test_case random_messages cleanup
random_messages_head()
{
	atf_set descr "keyd survives 3,000 pseudo-random messages and keeps its SAs"
	atf_set require.user root
	atf_set timeout 120
}
random_messages_body()
{
	keyd_start $NS
	kc $NS before <<EOF
open a
send a ADD satype=esp spi=2000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
EOF
	expect_line before '^a: msg type=ADD errno=0 '

	# Each message has a correct length field and a version of 2, so it
	# passes the first checks, then random types, satypes and extension
	# headers.  Types 4 (DELETE), 9 (FLUSH) and 2 (UPDATE) are left out
	# because a valid one would change the SAD on purpose.  The seed is
	# fixed, so a failure can be replayed.
	awk 'BEGIN {
		srand(7)
		split("1 3 5 6 7 8 10 11 12 13 14 15 16 17 18 20 21 22 23 255", types, " ")
		split("0 1 2 3 5 9 11 12 255", satypes, " ")
		for (i = 0; i < 3000; i++) {
			units = 2 + int(rand() * 8)
			type = types[1 + int(rand() * 20)]
			satype = satypes[1 + int(rand() * 9)]
			hex = sprintf("02%02x00%02x%02x%02x0000%08x00000000",
			    type, satype, units % 256, int(units / 256), i)
			for (off = 16; off < units * 8; off += 8) {
				if (rand() < 0.7) {
					elen = 1 + int(rand() * (units - off / 8))
					hex = hex sprintf("%02x00%02x00",
					    elen, int(rand() * 32))
				} else {
					hex = hex sprintf("%02x%02x%02x%02x",
					    int(rand() * 256), int(rand() * 256),
					    int(rand() * 256), int(rand() * 256))
				}
				hex = hex sprintf("%02x%02x%02x%02x",
				    int(rand() * 256), int(rand() * 256),
				    int(rand() * 256), int(rand() * 256))
			}
			printf "open c\nsendhex c %s\ndrain c 0\nclose c\n", hex
		}
	}' > script
	kc $NS fuzz -q < script > /dev/null
	keyd_alive $NS

	kc $NS after <<EOF
open a
send a GET satype=esp spi=2000 $SA_ADDRS
recv a
send a ADD satype=esp spi=2001 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
EOF
	expect_line after '^a: msg type=GET errno=0 '
	expect_line after '^a:   key_encrypt bits=128 566572795365637572654b6579212131$'
	expect_line after '^a: msg type=ADD errno=0 '
	keyd_alive $NS
}
random_messages_cleanup()
{
	keyd_cleanup
}

atf_test_case getspi cleanup
getspi_head()
{
	atf_set descr "GETSPI allocates in the range, creates a larval SA, and rejects a used SPI"
	atf_set require.user root
}
getspi_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == single
send a GETSPI satype=esp $SA_ADDRS spirange=4096-4096 seq=3
recv a
expect-none b 300
echo == range
send a GETSPI satype=esp $SA_ADDRS spirange=8192-12287
recv a
echo == default
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.7
recv a
echo == ipcomp
send a GETSPI satype=ipcomp src=192.168.0.3 dst=192.168.0.9
recv a
echo == used
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.9 spirange=4096-4096
recv a
expect-none b 300
echo == dump
send a DUMP satype=esp
dumpall a
echo == spi-255
send a GETSPI satype=esp $SA_ADDRS spirange=255-255
recv a
EOF
	# The reply is <base, SA, SRC, DST>: 2 + 2 + 3 + 3 units.
	expect_in out single '^a: msg type=GETSPI errno=0 satype=esp len=10 seq=3 '
	expect_in out single '^a:   sa spi=4096 '
	expect_in out single '^a:   src proto=[0-9]+ plen=32 192\.168\.0\.3$'
	expect_in out single '^a:   dst proto=[0-9]+ plen=32 192\.168\.0\.5$'
	expect_in out single '^b: none$'

	section out range > range
	expect_line range '^a: msg type=GETSPI errno=0 '
	spi=$(sed -n 's/^a:   sa spi=\([0-9]*\) .*/\1/p' range)
	[ -n "$spi" ] || atf_fail "GETSPI reply without an SA extension"
	[ "$spi" -ge 8192 ] && [ "$spi" -le 12287 ] ||
	    atf_fail "GETSPI returned SPI $spi outside 8192-12287"

	section out default > default
	expect_line default '^a: msg type=GETSPI errno=0 '
	spi=$(sed -n 's/^a:   sa spi=\([0-9]*\) .*/\1/p' default)
	[ -n "$spi" ] || atf_fail "GETSPI reply without an SA extension"
	[ "$spi" -ge 256 ] && [ "$spi" -le 268435455 ] ||
	    atf_fail "GETSPI returned SPI $spi outside 0x100-0x0fffffff"

	# IPComp CPIs are 16 bits wide.
	section out ipcomp > ipcomp
	expect_line ipcomp '^a: msg type=GETSPI errno=0 satype=ipcomp '
	spi=$(sed -n 's/^a:   sa spi=\([0-9]*\) .*/\1/p' ipcomp)
	[ -n "$spi" ] || atf_fail "GETSPI reply without an SA extension"
	[ "$spi" -ge 256 ] && [ "$spi" -le 65535 ] ||
	    atf_fail "GETSPI returned CPI $spi outside 0x100-0xffff"
	expect_in out used '^a: msg type=GETSPI errno=EEXIST '
	expect_in out used '^b: none$'
	expect_in out dump '^a: dumpall count=3 ordered=yes end=seq0$'
	expect_in out dump '^a:   sa spi=4096 replay=[0-9]+ state=larval '
	expect_count sect.dump 'state=larval' 3
	# SPIs 1-255 are reserved for ESP and AH, for GETSPI as for ADD.
	expect_in out spi-255 '^a: msg type=GETSPI errno=EINVAL '
}
getspi_cleanup()
{
	keyd_cleanup
}

atf_test_case update cleanup
update_head()
{
	atf_set descr "UPDATE makes a larval SA mature, only for the pid that created it"
	atf_set require.user root
}
update_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == getspi
send a GETSPI satype=esp $SA_ADDRS spirange=5000-5000 pid=1111
recv a
echo == other-pid
send a UPDATE satype=esp spi=5000 $SA_ADDRS enc=aes-cbc:$KEY16 pid=2222
recv a
expect-none b 300
echo == unknown-spi
send a UPDATE satype=esp spi=5001 $SA_ADDRS enc=aes-cbc:$KEY16 pid=1111
recv a
echo == no-key
send a UPDATE satype=esp spi=5000 $SA_ADDRS enc=aes-cbc pid=1111
recv a
echo == update
send a UPDATE satype=esp spi=5000 $SA_ADDRS enc=aes-cbc:$KEY16 pid=1111
recv a
recv b
echo == get
send a GET satype=esp spi=5000 $SA_ADDRS
recv a
echo == other-dst
send a UPDATE satype=esp spi=5000 src=192.168.0.3 dst=192.168.0.9 lh=100 ls=50 pid=1111
recv a
echo == mature-key
send a UPDATE satype=esp spi=5000 $SA_ADDRS enc=aes-cbc:$KEY16 pid=1111
recv a
echo == mature-lifetimes
send a UPDATE satype=esp spi=5000 $SA_ADDRS lh=100 ls=50 pid=1111
recv a
recv b
echo == get-lifetimes
send a GET satype=esp spi=5000 $SA_ADDRS
recv a
echo == getspi-sa2
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.7 spirange=5100-5100 mode=tunnel reqid=9
recv a
send a GET satype=esp spi=5100 src=192.168.0.3 dst=192.168.0.7
recv a
echo == reqid-mismatch
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.8 spirange=5200-5200
recv a
send a UPDATE satype=esp spi=5200 src=192.168.0.3 dst=192.168.0.8 enc=aes-cbc:$KEY16 mode=tunnel reqid=9
recv a
EOF
	expect_in out getspi '^a: msg type=GETSPI errno=0 .* pid=1111 '
	expect_in out other-pid '^a: msg type=UPDATE errno=EINVAL '
	expect_in out other-pid '^b: none$'
	expect_in out unknown-spi '^a: msg type=UPDATE errno=EINVAL '
	expect_in out no-key '^a: msg type=UPDATE errno=EINVAL '
	expect_in out update '^a: msg type=UPDATE errno=0 satype=esp .* pid=1111 '
	expect_in out update '^b: msg type=UPDATE errno=0 satype=esp '
	expect_not_in out update 'key_encrypt'
	expect_in out get '^a:   sa spi=5000 replay=0 state=mature '
	expect_in out get '^a:   key_encrypt bits=128 566572795365637572654b6579212131$'
	expect_in out other-dst '^a: msg type=UPDATE errno=ESRCH '
	# A mature SA takes new lifetimes but no new keys.
	expect_in out mature-key '^a: msg type=UPDATE errno=EINVAL '
	expect_in out mature-lifetimes '^a: msg type=UPDATE errno=0 '
	expect_in out mature-lifetimes '^b: msg type=UPDATE errno=0 '
	expect_in out get-lifetimes '^a:   sa spi=5000 replay=0 state=mature '
	expect_in out get-lifetimes '^a:   lifetime_hard alloc=0 bytes=0 add=100 use=0$'
	expect_in out get-lifetimes '^a:   lifetime_soft alloc=0 bytes=0 add=50 use=0$'
	# GETSPI's SA2 sets the mode and reqid of the larval SA.
	expect_in out getspi-sa2 '^a:   sa2 mode=tunnel reqid=9 '
	# An UPDATE naming a reqid the larval SA lacks does not match it.
	expect_in out reqid-mismatch '^a: msg type=UPDATE errno=ESRCH '
	section out get-lifetimes | grep '^a:' > get-lifetimes.a
	expect_ext_order get-lifetimes.a a "sa sa2 lifetime_hard lifetime_soft lifetime_current src dst key_encrypt"
}
update_cleanup()
{
	keyd_cleanup
}

atf_test_case sa2_mode cleanup
sa2_mode_head()
{
	atf_set descr "GETSPI, ADD and UPDATE reject an unknown SA2 mode with EINVAL"
	atf_set require.user root
}
sa2_mode_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == add-tunnel
send a ADD satype=esp spi=6000 $SA_ADDRS enc=aes-cbc:$KEY16 mode=tunnel reqid=5 pid=1111
recv a
recv b
echo == add-transport
send a ADD satype=esp spi=6001 src=192.168.0.3 dst=192.168.0.6 enc=aes-cbc:$KEY16 mode=transport
recv a
recv b
echo == add-any
send a ADD satype=esp spi=6002 src=192.168.0.3 dst=192.168.0.7 enc=aes-cbc:$KEY16 mode=any
recv a
recv b
echo == add-200
send a ADD satype=esp spi=6003 src=192.168.0.3 dst=192.168.0.8 enc=aes-cbc:$KEY16 mode=200
recv a
expect-none b 300
echo == add-tcpmd5
send a ADD satype=esp spi=6004 src=192.168.0.3 dst=192.168.0.8 enc=aes-cbc:$KEY16 mode=3
recv a
echo == add-200-taken-spi
send a ADD satype=esp spi=6000 $SA_ADDRS enc=aes-cbc:$KEY16 mode=200 reqid=5
recv a
echo == getspi-200
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.9 spirange=6100-6100 mode=200
recv a
echo == getspi
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.9 spirange=6200-6200 pid=2222
recv a
echo == update-larval-200
send a UPDATE satype=esp spi=6200 src=192.168.0.3 dst=192.168.0.9 enc=aes-cbc:$KEY16 mode=200 pid=2222
recv a
expect-none b 300
echo == update-mature-200
send a UPDATE satype=esp spi=6000 $SA_ADDRS lh=100 ls=50 mode=200 reqid=5 pid=1111
recv a
expect-none b 300
echo == get-mature
send a GET satype=esp spi=6000 $SA_ADDRS
recv a
echo == get-larval
send a GET satype=esp spi=6200 src=192.168.0.3 dst=192.168.0.9
recv a
echo == get-200
send a GET satype=esp spi=6003 src=192.168.0.3 dst=192.168.0.8
recv a
echo == get-getspi-200
send a GET satype=esp spi=6100 src=192.168.0.3 dst=192.168.0.9
recv a
echo == dump
send a DUMP
recv a
recv a
recv a
recv a
expect-none a 300
EOF
	expect_in out add-tunnel '^a: msg type=ADD errno=0 '
	expect_in out add-tunnel '^b: msg type=ADD errno=0 '
	expect_in out add-transport '^a: msg type=ADD errno=0 '
	expect_in out add-any '^a: msg type=ADD errno=0 '

	# Only modes 0 (any), 1 (transport) and 2 (tunnel) are accepted;
	# 3 is the TCP-MD5 mode FreeBSD's kernel uses internally.
	expect_in out add-200 '^a: msg type=ADD errno=EINVAL '
	expect_in out add-200 '^b: none$'
	expect_in out add-tcpmd5 '^a: msg type=ADD errno=EINVAL '
	# The mode is checked before the SPI is looked up.
	expect_in out add-200-taken-spi '^a: msg type=ADD errno=EINVAL '
	expect_in out getspi-200 '^a: msg type=GETSPI errno=EINVAL '
	expect_in out getspi '^a: msg type=GETSPI errno=0 '
	expect_in out update-larval-200 '^a: msg type=UPDATE errno=EINVAL '
	expect_in out update-larval-200 '^b: none$'
	expect_in out update-mature-200 '^a: msg type=UPDATE errno=EINVAL '
	expect_in out update-mature-200 '^b: none$'

	# The rejected requests left the SAD as it was.
	expect_in out get-mature '^a: msg type=GET errno=0 '
	expect_in out get-mature '^a:   sa spi=6000 replay=0 state=mature '
	expect_in out get-mature '^a:   sa2 mode=tunnel reqid=5 '
	expect_in out get-mature '^a:   key_encrypt bits=128 566572795365637572654b6579212131$'
	expect_not_in out get-mature 'lifetime_hard'
	expect_in out get-larval '^a: msg type=GET errno=0 '
	expect_in out get-larval '^a:   sa spi=6200 replay=0 state=larval '
	expect_in out get-larval '^a:   sa2 mode=any reqid=0 '
	expect_not_in out get-larval 'key_encrypt'
	expect_in out get-200 '^a: msg type=GET errno=ESRCH '
	expect_in out get-getspi-200 '^a: msg type=GET errno=ESRCH '
	expect_count sect.dump '^a: msg type=DUMP errno=0 ' 4 "dump"
	expect_in out dump '^a: none$'
	expect_not_in out dump 'mode=(200|3|tcpmd5) '
	keyd_alive $NS
}
sa2_mode_cleanup()
{
	keyd_cleanup
}

atf_test_case add_errors cleanup
add_errors_head()
{
	atf_set descr "ADD rejects a low SPI, one lifetime, a missing or bad key, AEAD with auth"
	atf_set require.user root
}
add_errors_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == spi-255
send a ADD satype=esp spi=255 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == spi-1
send a ADD satype=ah spi=1 $SA_ADDRS auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314
recv a
echo == hard-only
send a ADD satype=esp spi=3000 $SA_ADDRS enc=aes-cbc:$KEY16 lh=10
recv a
echo == soft-only
send a ADD satype=esp spi=3001 $SA_ADDRS enc=aes-cbc:$KEY16 ls=10
recv a
echo == no-key
send a ADD satype=esp spi=3002 $SA_ADDRS enc=aes-cbc
recv a
echo == ah-no-key
send a ADD satype=ah spi=3003 $SA_ADDRS auth=hmac-sha1
recv a
echo == bad-key-length
send a ADD satype=esp spi=3004 $SA_ADDRS enc=aes-cbc:0x0102030405060708090a0b0c0d0e0f
recv a
echo == aead-with-auth
send a ADD satype=esp spi=3005 $SA_ADDRS enc=aes-gcm-16:0x0102030405060708090a0b0c0d0e0f1011121314 auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314
recv a
echo == no-dst
send a ADD satype=esp spi=3006 src=192.168.0.3 enc=aes-cbc:$KEY16
recv a
echo == update-bad-key
send a GETSPI satype=esp $SA_ADDRS spirange=3010-3010
recv a
send a UPDATE satype=esp spi=3010 $SA_ADDRS enc=aes-cbc:0x0102030405060708090a0b0c0d0e0f
recv a
echo == others
expect-none b 300
echo == dump
send a DUMP
recv a
echo == spi-256
send a ADD satype=esp spi=256 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == both-lifetimes
send a ADD satype=esp spi=3007 $SA_ADDRS enc=aes-cbc:$KEY16 lh=100 ls=50
recv a
echo == aead
send a ADD satype=esp spi=3008 $SA_ADDRS enc=aes-gcm-16:0x0102030405060708090a0b0c0d0e0f1011121314
recv a
EOF
	for s in spi-255 spi-1 hard-only soft-only no-key ah-no-key \
	    bad-key-length aead-with-auth no-dst; do
		expect_in out $s '^a: msg type=ADD errno=EINVAL '
	done
	expect_in out update-bad-key '^a: msg type=UPDATE errno=EINVAL '
	expect_in out others '^b: none$'
	# Only the larval SA of the UPDATE with a bad key exists.
	expect_in out dump '^a: msg type=DUMP errno=0 .* seq=0 '
	expect_in out dump '^a:   sa spi=3010 replay=[0-9]+ state=larval '
	expect_in out spi-256 '^a: msg type=ADD errno=0 '
	expect_in out both-lifetimes '^a: msg type=ADD errno=0 '
	expect_in out both-lifetimes '^a:   lifetime_hard alloc=0 bytes=0 add=100 use=0$'
	expect_in out both-lifetimes '^a:   lifetime_soft alloc=0 bytes=0 add=50 use=0$'
	expect_in out aead '^a: msg type=ADD errno=0 '
	keyd_alive $NS
}
add_errors_cleanup()
{
	keyd_cleanup
}

atf_test_case sa_flags cleanup
sa_flags_head()
{
	atf_set descr "ADD rejects SA flags beyond 0xfff, flag combinations FreeBSD refuses and replay windows over keyd's limit"
	atf_set require.user root
}
sa_flags_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
echo == flags-0x1000
send a ADD satype=esp spi=3000 $SA_ADDRS enc=aes-cbc:$KEY16 flags=0x1040
recv a
echo == ah-derived
send a ADD satype=ah spi=3001 $SA_ADDRS auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314 flags=0x60
recv a
echo == esp-old-derived
send a ADD satype=esp spi=3002 $SA_ADDRS enc=aes-cbc:$KEY16 flags=0x61
recv a
echo == ah-with-cipher
send a ADD satype=ah spi=3003 $SA_ADDRS enc=aes-cbc auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314
recv a
echo == replay-too-big
send a ADD satype=esp spi=3004 $SA_ADDRS enc=aes-cbc:$KEY16 replay=255 sareplay=4294967295
recv a
echo == replay-over-limit
send a ADD satype=esp spi=3005 $SA_ADDRS enc=aes-cbc:$KEY16 replay=255 sareplay=8388609
recv a
echo == replay-at-limit
send a ADD satype=esp spi=3006 $SA_ADDRS enc=aes-cbc:$KEY16 replay=255 sareplay=8388608
recv a
echo == dump
send a DUMP
recv a
EOF
	for s in flags-0x1000 ah-derived esp-old-derived ah-with-cipher \
	    replay-too-big; do
		expect_in out $s '^a: msg type=ADD errno=EINVAL '
	done
	# keyd's own limit: a bitmap of at most 1 MiB (8,388,608 packets).
	expect_in out replay-over-limit '^a: msg type=ADD errno=ENOBUFS '
	expect_in out replay-at-limit '^a: msg type=ADD errno=0 '
	expect_in out dump '^a:   sa spi=3006 '
	grep -q 'SA SPI 0x00000bbd rejected: a replay window of 1048577 bytes is over keyd.s limit of 1048576 bytes' keyd.$NS.log ||
	    atf_fail "keyd did not log the rejected replay window"
}
sa_flags_cleanup()
{
	keyd_cleanup
}

atf_test_case sa_fields cleanup
sa_fields_head()
{
	atf_set descr "GET returns replay windows, flags and the creation time as given"
	atf_set require.user root
}
sa_fields_body()
{
	local now added

	keyd_start $NS
	kc $NS out -t <<EOF
open a
send a ADD satype=esp spi=1001 $SA_ADDRS enc=aes-cbc:$KEY16 replay=64 flags=0x240
send a ADD satype=esp spi=1002 $SA_ADDRS enc=aes-cbc:$KEY16 replay=255 sareplay=2048 mode=transport reqid=77
drain a
echo == small
send a GET satype=esp spi=1001 $SA_ADDRS
recv a
echo == large
send a GET satype=esp spi=1002 $SA_ADDRS
recv a
EOF
	now=$(date +%s)
	expect_in out small '^a:   sa spi=1001 replay=64 state=mature auth=0 encrypt=12 flags=0x240$'
	expect_not_in out small 'sa_replay'
	expect_in out large '^a:   sa spi=1002 replay=255 state=mature auth=0 encrypt=12 flags=0x40$'
	expect_in out large '^a:   sa2 mode=transport reqid=77 '
	# Windows over 255 bytes travel in SA_REPLAY, counted in packets.
	expect_in out large '^a:   sa_replay replay=2048$'
	expect_ext_order sect.large a "sa sa2 sa_replay lifetime_current src dst key_encrypt"

	# LIFETIME_CURRENT contains the time of day the SA was added.
	added=$(sed -n 's/^a:   lifetime_current alloc=0 bytes=0 add=\([0-9]*\) use=0$/\1/p' sect.large)
	[ -n "$added" ] || atf_fail "GET reply without a lifetime_current line"
	[ $((now - added)) -ge 0 ] && [ $((now - added)) -le 10 ] ||
	    atf_fail "lifetime_current add=$added is not the time of day ($now)"
}
sa_fields_cleanup()
{
	keyd_cleanup
}

atf_test_case error_echo cleanup
error_echo_head()
{
	atf_set descr "An error reply is the whole request with errno set, as FreeBSD's key_senderror sends it"
	atf_set require.user root
}
error_echo_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
echo == get
send a GET satype=esp spi=9999 $SA_ADDRS seq=12
recv a
echo == add
send a ADD satype=esp spi=200 $SA_ADDRS enc=aes-cbc:$KEY16 seq=13
recv a
EOF
	expect_in out get '^a: msg type=GET errno=ESRCH satype=esp len=10 seq=12 '
	expect_ext_order sect.get a "sa src dst"
	expect_in out add '^a: msg type=ADD errno=EINVAL satype=esp len=13 seq=13 '
	expect_ext_order sect.add a "sa src dst key_encrypt"
}
error_echo_cleanup()
{
	keyd_cleanup
}

atf_test_case ipv6 cleanup
ipv6_head()
{
	atf_set descr "IPv6 SAs carry 28-byte BSD sockaddrs with family 28"
	atf_set require.user root
}
ipv6_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
echo == add
send a ADD satype=esp spi=1000 src=2001:db8::1 dst=2001:db8::2 enc=aes-cbc:$KEY16
recv a
echo == get
send a GET satype=esp spi=1000 src=2001:db8::1 dst=2001:db8::2
recv a
echo == get-v4
send a GET satype=esp spi=1000 src=192.168.0.3 dst=192.168.0.5
recv a
echo == prefixlen-129
send a ADD satype=esp spi=1001 src=2001:db8::1/129 dst=2001:db8::2 enc=aes-cbc:$KEY16
recv a
EOF
	# <base, SA, SRC, DST>: 2 + 2 + 5 + 5 units.
	expect_in out add '^a: msg type=ADD errno=0 satype=esp len=14 '
	expect_in out add '^a:   src proto=255 plen=128 2001:db8::1$'
	expect_in out add '^a:   dst proto=255 plen=128 2001:db8::2$'
	expect_in out get '^a: msg type=GET errno=0 '
	expect_in out get '^a:   src proto=255 plen=128 2001:db8::1$'
	expect_in out get '^a:   dst proto=255 plen=128 2001:db8::2$'
	expect_in out get-v4 '^a: msg type=GET errno=ESRCH '
	expect_in out prefixlen-129 '^a: msg type=ADD errno=EINVAL '
}
ipv6_cleanup()
{
	keyd_cleanup
}

atf_test_case ipcomp_tcp cleanup
ipcomp_tcp_head()
{
	atf_set descr "IPComp CPIs stay below 0x10000; TCP-MD5 SAs are found by address"
	atf_set require.user root
}
ipcomp_tcp_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
echo == ipcomp
send a ADD satype=ipcomp spi=4096 $SA_ADDRS comp=deflate
recv a
echo == ipcomp-big
send a ADD satype=ipcomp spi=70000 src=192.168.0.3 dst=192.168.0.7 comp=deflate
recv a
echo == ipcomp-rawcpi
send a ADD satype=ipcomp spi=70001 src=192.168.0.3 dst=192.168.0.8 comp=deflate flags=0xc0
recv a
echo == ipcomp-auth
send a ADD satype=ipcomp spi=4099 src=192.168.0.3 dst=192.168.0.9 comp=deflate auth=hmac-sha1
recv a
echo == tcp
send a ADD satype=tcp spi=4097 $SA_ADDRS auth=tcp-md5:secret
recv a
echo == tcp-get
send a GET satype=tcp spi=9999 $SA_ADDRS
recv a
echo == tcp-again
send a ADD satype=tcp spi=4098 $SA_ADDRS auth=tcp-md5:secret
recv a
EOF
	expect_in out ipcomp '^a: msg type=ADD errno=0 satype=ipcomp '
	# Without SADB_X_EXT_RAWCPI (0x80) a CPI must fit in 16 bits.
	expect_in out ipcomp-big '^a: msg type=ADD errno=EINVAL '
	expect_in out ipcomp-rawcpi '^a: msg type=ADD errno=0 '
	expect_in out ipcomp-auth '^a: msg type=ADD errno=EINVAL '
	expect_in out tcp '^a: msg type=ADD errno=0 satype=tcp '
	# FreeBSD keeps one TCP-MD5 SA per address pair and finds it by the
	# addresses, whatever SPI a GET or a second ADD names.
	expect_in out tcp-get '^a: msg type=GET errno=0 satype=tcp '
	expect_in out tcp-get '^a:   sa spi=4097 '
	expect_in out tcp-again '^a: msg type=ADD errno=EEXIST '
}
ipcomp_tcp_cleanup()
{
	keyd_cleanup
}

atf_test_case natt cleanup
natt_head()
{
	atf_set descr "ADD with NAT-T extensions keeps them; a bad type or port is EINVAL"
	atf_set require.user root
}
natt_body()
{
	# NAT_T_TYPE 2 is ESP in UDP; the ports are 4500 in network order.
	local natt="ext=20:02000000 ext=21:11940000 ext=22:11940000"

	keyd_start $NS
	kc $NS out <<EOF
open a
echo == add
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16 $natt
recv a
echo == get
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
echo == bad-type
send a ADD satype=esp spi=1001 $SA_ADDRS enc=aes-cbc:$KEY16 ext=20:01000000 ext=21:11940000 ext=22:11940000
recv a
echo == zero-port
send a ADD satype=esp spi=1002 $SA_ADDRS enc=aes-cbc:$KEY16 ext=20:02000000 ext=21:00000000 ext=22:11940000
recv a
EOF
	expect_in out add '^a: msg type=ADD errno=0 '
	expect_in out get '^a:   natt_type type=2$'
	expect_in out get '^a:   natt_sport port=4500$'
	expect_in out get '^a:   natt_dport port=4500$'
	expect_ext_order sect.get a "sa sa2 lifetime_current src dst key_encrypt natt_type natt_sport natt_dport"
	expect_in out bad-type '^a: msg type=ADD errno=EINVAL '
	expect_in out zero-port '^a: msg type=ADD errno=EINVAL '
}
natt_cleanup()
{
	keyd_cleanup
}

atf_test_case natt_addresses cleanup
natt_addresses_head()
{
	atf_set descr "NAT-T original addresses survive GET; UPDATE replaces or keeps NAT-T"
	atf_set require.user root
}
natt_addresses_body()
{
	# NAT_T_OAI is 192.168.1.7 and NAT_T_OAR is fe80::7 with scope id 11,
	# in host byte order (little-endian here).
	local oai="ext=23:ff20000010020000c0a801070000000000000000"
	local oar="ext=24:ff8000001c1c000000000000fe8000000000000000000000000000070b000000"
	local natt="ext=20:02000000 ext=21:11940000 ext=22:11950000"

	keyd_start $NS
	kc $NS out <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16 $natt $oai $oar
drain a
echo == get
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
send a UPDATE satype=esp spi=1000 $SA_ADDRS lh=100 ls=50
drain a
echo == get-kept
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
send a UPDATE satype=esp spi=1000 $SA_ADDRS ext=20:02000000 ext=21:13880000 ext=22:13890000
drain a
echo == get-replaced
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
send a GETSPI satype=esp src=192.168.0.3 dst=192.168.0.7 spirange=2000-2000
drain a
send a UPDATE satype=esp spi=2000 src=192.168.0.3 dst=192.168.0.7 enc=aes-cbc:$KEY16 $natt $oar
drain a
echo == get-larval
send a GET satype=esp spi=2000 src=192.168.0.3 dst=192.168.0.7
recv a
EOF
	expect_in out get '^a: msg type=GET errno=0 '
	expect_in out get '^a:   natt_sport port=4500$'
	expect_in out get '^a:   natt_dport port=4501$'
	expect_in out get '^a:   natt_oai proto=255 plen=32 192\.168\.1\.7$'
	expect_in out get '^a:   natt_oar proto=255 plen=128 fe80::7%11$'
	expect_ext_order sect.get a "sa sa2 lifetime_current src dst key_encrypt natt_type natt_sport natt_dport natt_oai natt_oar"
	# An UPDATE without NAT_T_TYPE leaves the NAT-T settings alone.
	expect_in out get-kept '^a:   lifetime_hard alloc=0 bytes=0 add=100 use=0$'
	expect_in out get-kept '^a:   natt_dport port=4501$'
	expect_in out get-kept '^a:   natt_oar proto=255 plen=128 fe80::7%11$'
	# One with NAT_T_TYPE replaces all of them, original addresses too.
	expect_in out get-replaced '^a:   natt_sport port=5000$'
	expect_in out get-replaced '^a:   natt_dport port=5001$'
	expect_not_in out get-replaced 'natt_oa[ir]'
	expect_in out get-larval '^a: msg type=GET errno=0 '
	expect_in out get-larval '^a:   natt_dport port=4501$'
	expect_in out get-larval '^a:   natt_oar proto=255 plen=128 fe80::7%11$'
	expect_not_in out get-larval 'natt_oai'
}
natt_addresses_cleanup()
{
	keyd_cleanup
}

atf_test_case ipv6_scope cleanup
ipv6_scope_head()
{
	atf_set descr "IPv6 SA addresses keep their scope id, which GET must match"
	atf_set require.user root
}
ipv6_scope_body()
{
	# fe80::1 and fe80::2 with scope id 7 or 8 (host byte order).
	local src="ext=5:ff8000001c1c000000000000fe80000000000000000000000000000107000000"
	local dst7="ext=6:ff8000001c1c000000000000fe80000000000000000000000000000207000000"
	local dst8="ext=6:ff8000001c1c000000000000fe80000000000000000000000000000208000000"

	keyd_start $NS
	kc $NS out <<EOF
open a
send a ADD satype=esp spi=1000 enc=aes-cbc:$KEY16 $src $dst7
drain a
echo == get
send a GET satype=esp spi=1000 $src $dst7
recv a
echo == get-other-scope
send a GET satype=esp spi=1000 $src $dst8
recv a
echo == dump
send a DUMP satype=esp
recv a
EOF
	expect_in out get '^a: msg type=GET errno=0 '
	expect_in out get '^a:   src proto=255 plen=128 fe80::1%7$'
	expect_in out get '^a:   dst proto=255 plen=128 fe80::2%7$'
	expect_in out get-other-scope '^a: msg type=GET errno=ESRCH '
	expect_in out dump '^a:   src proto=255 plen=128 fe80::1%7$'
	expect_in out dump '^a:   dst proto=255 plen=128 fe80::2%7$'
}
ipv6_scope_cleanup()
{
	keyd_cleanup
}

atf_test_case update_addresses cleanup
update_addresses_head()
{
	atf_set descr "UPDATE with NEW_ADDRESS_DST moves a mature SA to the new destination"
	atf_set require.user root
}
update_addresses_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
drain a
drain b
echo == move
send a UPDATE satype=esp spi=1000 $SA_ADDRS ext=28:ff20000010020000c0a800090000000000000000
recv a
recv b
echo == old
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
echo == new
send a GET satype=esp spi=1000 src=192.168.0.3 dst=192.168.0.9
recv a
EOF
	expect_in out move '^a: msg type=UPDATE errno=0 '
	expect_in out move '^b: msg type=UPDATE errno=0 '
	expect_in out old '^a: msg type=GET errno=ESRCH '
	expect_in out new '^a: msg type=GET errno=0 '
	expect_in out new '^a:   dst proto=255 plen=32 192\.168\.0\.9$'
	expect_in out new '^a:   key_encrypt bits=128 566572795365637572654b6579212131$'
}
update_addresses_cleanup()
{
	keyd_cleanup
}

atf_test_case flush cleanup
flush_head()
{
	atf_set descr "FLUSH of one satype and of all, announced to every socket"
	atf_set require.user root
}
flush_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a ADD satype=esp spi=1001 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=esp spi=1002 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=ah spi=1003 $SA_ADDRS auth=hmac-sha1:0x0102030405060708090a0b0c0d0e0f1011121314
send a GETSPI satype=ah $SA_ADDRS spirange=1004-1004
drain a
drain b
echo == flush-esp
send a FLUSH satype=esp seq=5
recv a
recv b
echo == dump-esp
send a DUMP
dumpall a
echo == flush-all
send a FLUSH
recv a
recv b
echo == dump-all
send a DUMP
recv a
EOF
	expect_in out flush-esp '^a: msg type=FLUSH errno=0 satype=esp len=2 seq=5 '
	expect_in out flush-esp '^b: msg type=FLUSH errno=0 satype=esp len=2 '
	expect_in out dump-esp '^a: dumpall count=2 ordered=yes end=seq0$'
	expect_in out dump-esp '^a:   sa spi=1003 '
	expect_in out dump-esp '^a:   sa spi=1004 '
	# Within one SA head FreeBSD dumps larval SAs before alive ones.
	sed -n 's/^a:   sa spi=\([0-9]*\) .*/\1/p' sect.dump-esp | tr '\n' ' ' > order
	[ "$(cat order)" = "1004 1003 " ] ||
	    atf_fail "DUMP order is '$(cat order)', expected larval 1004 first"
	expect_in out flush-all '^a: msg type=FLUSH errno=0 satype=unspec len=2 '
	expect_in out flush-all '^b: msg type=FLUSH errno=0 satype=unspec len=2 '
	expect_in out dump-all '^a: msg type=DUMP errno=ENOENT '
}
flush_cleanup()
{
	keyd_cleanup
}

atf_test_case dump cleanup
dump_head()
{
	atf_set descr "DUMP lists SAs newest first with seq down to 0, to the sender only"
	atf_set require.user root
}
dump_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == empty
send a DUMP
recv a
send a ADD satype=esp spi=1001 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=esp spi=1002 $SA_ADDRS enc=aes-cbc:$KEY16
send a ADD satype=esp spi=1003 src=192.168.0.5 dst=192.168.0.3 enc=aes-cbc:$KEY16
drain a
drain b
echo == dump
pid
send a DUMP seq=77
dumpall a
expect-none b 300
echo == dump-ah
send a DUMP satype=ah
recv a
EOF
	expect_in out empty '^a: msg type=DUMP errno=ENOENT '
	section out dump > dump
	expect_line dump '^a: dumpall count=3 ordered=yes end=seq0$'
	grep '^a: msg' dump | awk '{ print $3, $7 }' > headers
	printf 'type=DUMP seq=2\ntype=DUMP seq=1\ntype=DUMP seq=0\n' > expected
	if ! cmp -s headers expected; then
		diff -u expected headers
		atf_fail "DUMP headers are not DUMP with seq 2, 1, 0"
	fi
	sed -n 's/^a:   sa spi=\([0-9]*\) .*/\1/p' dump > spis
	printf '1003\n1002\n1001\n' > expected
	if ! cmp -s spis expected; then
		diff -u expected spis
		atf_fail "DUMP does not list the newest SA first"
	fi
	expect_count dump '^a:   key_encrypt bits=128 566572795365637572654b6579212131$' 3
	# Every message of the dump carries the requester's pid.
	pid=$(sed -n 's/^pid //p' dump)
	expect_count dump "^a: msg type=DUMP errno=0 satype=esp len=[0-9]+ seq=[0-9]+ pid=$pid " 3
	expect_line dump '^b: none$'
	expect_in out dump-ah '^a: msg type=DUMP errno=ENOENT satype=ah '
}
dump_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case add_manpage
	atf_add_test_case delete
	atf_add_test_case malformed
	atf_add_test_case address_errors
	atf_add_test_case random_messages
	atf_add_test_case getspi
	atf_add_test_case update
	atf_add_test_case sa2_mode
	atf_add_test_case add_errors
	atf_add_test_case sa_flags
	atf_add_test_case sa_fields
	atf_add_test_case error_echo
	atf_add_test_case ipv6
	atf_add_test_case ipcomp_tcp
	atf_add_test_case natt
	atf_add_test_case natt_addresses
	atf_add_test_case ipv6_scope
	atf_add_test_case update_addresses
	atf_add_test_case flush
	atf_add_test_case dump
}
