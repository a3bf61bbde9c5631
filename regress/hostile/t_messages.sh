#! /usr/bin/env atf-sh
#
# Messages that no honest client sends: larger than any PF_KEY message,
# larger than the socket's default buffer, and well-formed requests that
# contradict themselves or the SAD.  Each must get FreeBSD's errno on
# the same connection, which keeps working, and leave the SAD and SPD
# as they were.
#

. "$(atf_get_srcdir)/hostile.subr"

NS=hst-msg-$$
A="src=192.168.0.3 dst=192.168.0.5"

atf_test_case truncated cleanup
truncated_head()
{
	atf_set descr "Truncated and mis-sized messages get EINVAL on a connection that stays"
	atf_set require.user root
}
truncated_body()
{
	local hex

	hst_require
	keyd_start $NS
	populate $NS 10
	snapshot $NS before
	hex=$(echo $ADD_MANPAGE_HEX | tr -d ' ')
	kc $NS out <<EOF
open a
echo == cut
sendhex a $(echo "$hex" | cut -c1-120)
recv a 1000
echo == half-header
sendhex a 0203000302000000
recv a 1000
echo == len-too-big
sendhex a ${hex}0000000000000000
recv a 1000
echo == len-too-small
sendhex a $(echo "$hex" | sed 's/^020300030f00/020300030e00/')
recv a 1000
echo == ext-overruns
sendhex a 0203000304000000000000000000000009000900800000005665727953656375
recv a 1000
echo == ext-zero-length
sendhex a 020300030300000000000000000000000000010000000000
recv a 1000
echo == after
send a DUMP
dumpall a
EOF
	for s in cut half-header len-too-big len-too-small ext-overruns \
	    ext-zero-length; do
		expect_in out $s 'errno=EINVAL '
	done
	expect_in out after '^a: dumpall count=10 ordered=yes end=seq0$'
	keyd_answers $NS
	snapshot $NS after
	expect_same before after
}
truncated_cleanup()
{
	keyd_cleanup
}

atf_test_case oversized cleanup
oversized_head()
{
	atf_set descr "Messages over 524280 bytes get EMSGSIZE and the connection stays"
	atf_set require.user root
}
oversized_body()
{
	local bytes

	hst_require
	keyd_start $NS
	populate $NS 10
	snapshot $NS before
	# 600000 bytes: over the largest PF_KEY message (65535 units of 8
	# bytes), so keyd's read is truncated.  1 MiB: far over it.
	for bytes in 600000 1048576; do
		in_ns $NS "$HOSTILE" oversize $bytes > over.$bytes 2>&1
		cat over.$bytes
		expect_line over.$bytes '^reply type=10 errno=EMSGSIZE '
		expect_line over.$bytes '^after: type=10 errno=0$'
	done
	# The largest message, and one over the socket's default buffer of
	# about 208 KiB: whole messages whose extension lengths are 0.
	for bytes in 524280 300000; do
		in_ns $NS "$HOSTILE" oversize $bytes > max.$bytes 2>&1
		cat max.$bytes
		expect_line max.$bytes '^reply type=10 errno=EINVAL '
		expect_line max.$bytes '^after: type=10 errno=0$'
	done
	keyd_answers $NS
	snapshot $NS after
	expect_same before after
}
oversized_cleanup()
{
	keyd_cleanup
}

atf_test_case large_broadcast cleanup
large_broadcast_head()
{
	atf_set descr "A 299960-byte body passed on by X_PROMISC reaches another client"
	atf_set require.user root
}
large_broadcast_body()
{
	hst_require
	keyd_start $NS
	# The inner message is larger than a socket's default send buffer,
	# so keyd must size its client sockets for it or drop it, and must
	# not close the other connection.
	in_ns $NS "$HOSTILE" broadcast 300000 > bcast.out 2>&1
	cat bcast.out
	expect_line bcast.out '^listener: 299960 bytes$'
	expect_line bcast.out '^listener after: type=10 errno=ENOENT$'
	keyd_answers $NS
}
large_broadcast_cleanup()
{
	keyd_cleanup
}

atf_test_case contradictions cleanup
contradictions_head()
{
	atf_set descr "Self-contradicting requests get FreeBSD's errno and change nothing"
	atf_set require.user root
}
contradictions_body()
{
	local sel="src=10.1.0.0/16 dst=10.2.0.0/16"
	local tun="esp/tunnel/192.168.0.3-192.168.0.5/require"

	hst_require
	keyd_start $NS
	populate $NS 10
	snapshot $NS before
	kc $NS out <<EOF
open a
echo == hard-only
send a ADD satype=esp spi=5000 $A enc=aes-cbc:$KEY16 lh=10
recv a 1000
echo == no-key
send a ADD satype=esp spi=5001 $A
recv a 1000
echo == spi-255
send a ADD satype=esp spi=255 $A enc=aes-cbc:$KEY16
recv a 1000
echo == spi-in-use
send a ADD satype=esp spi=1000 src=192.168.0.7 dst=192.168.0.8 enc=aes-cbc:$KEY16
recv a 1000
echo == families
send a ADD satype=esp spi=5002 src=192.168.0.3 dst=2001:db8::5 enc=aes-cbc:$KEY16
recv a 1000
echo == key-length
send a ADD satype=esp spi=5003 $A enc=aes-cbc:0x0102
recv a 1000
echo == delete-wrong-dst
send a DELETE satype=esp spi=1000 src=192.168.0.1 dst=192.168.0.9
recv a 1000
echo == get-unknown
send a GET satype=esp spi=9999 $A
recv a 1000
echo == update-keys
send a UPDATE satype=esp spi=1000 src=192.168.0.1 dst=192.168.0.5 enc=aes-cbc:$KEY16
recv a 1000
echo == spd-duplicate
send a SPDADD $sel policy="out ipsec $tun"
recv a 1000
echo == spd-tunnel-noaddr
send a SPDADD src=10.9.0.0/16 dst=10.8.0.0/16 ext=18:0200020000000000000000000800320002020000
recv a 1000
echo == spddelete-missing
send a SPDDELETE src=10.9.0.0/16 dst=10.8.0.0/16 policy="out discard"
recv a 1000
echo == spddelete2-unknown
send a SPDDELETE2 id=99999 policy="out discard"
recv a 1000
echo == register-rsvp
send a REGISTER satype=rsvp
recv a 1000
echo == spddump-scope
send a SPDDUMP satype=8
recv a 1000
echo == version-1
send a DUMP version=1
recv a 1000
echo == pchange
send a X_PCHANGE
recv a 1000
echo == after
send a DUMP
dumpall a
EOF
	expect_in out hard-only 'errno=EINVAL '
	expect_in out no-key 'errno=EINVAL '
	expect_in out spi-255 'errno=EINVAL '
	expect_in out spi-in-use 'errno=EEXIST '
	expect_in out families 'errno=EINVAL '
	expect_in out key-length 'errno=EINVAL '
	expect_in out delete-wrong-dst 'errno=ESRCH '
	expect_in out get-unknown 'errno=ESRCH '
	expect_in out update-keys 'errno=EINVAL '
	expect_in out spd-duplicate 'errno=EEXIST '
	expect_in out spd-tunnel-noaddr 'errno=EINVAL '
	expect_in out spddelete-missing 'errno=EINVAL '
	expect_in out spddelete2-unknown 'errno=EINVAL '
	expect_in out register-rsvp 'errno=EOPNOTSUPP '
	expect_in out spddump-scope 'errno=EINVAL '
	expect_in out version-1 'errno=EINVAL '
	expect_in out pchange 'errno=EINVAL '
	expect_in out after '^a: dumpall count=10 ordered=yes end=seq0$'
	keyd_answers $NS
	snapshot $NS after
	expect_same before after
}
contradictions_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case truncated
	atf_add_test_case oversized
	atf_add_test_case large_broadcast
	atf_add_test_case contradictions
}
