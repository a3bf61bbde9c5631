#! /usr/bin/env atf-sh
#
# keyd's security policy messages (SPDADD, SPDUPDATE, SPDDELETE, SPDGET,
# SPDDUMP, SPDFLUSH, SPDSETIDX, SPDDELETE2), checked against FreeBSD.
#

. "$(atf_get_srcdir)/keyd_test.subr"

NS=kct-spd-$$
SEL="src=10.0.0.0/24 dst=10.0.1.0/24"
SEL2="src=10.0.2.0/24 dst=10.0.3.0/24"
TUNNEL_OUT="out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100"
TUNNEL_IN="in ipsec esp/tunnel/192.168.0.5-192.168.0.3/unique:100"

# policy_lines FILE: prints "dir id" for each policy extension in FILE.
policy_lines()
{
	sed -n 's/^[^:]*:   policy type=[^ ]* dir=\([^ ]*\) scope=[^ ]* id=\([0-9]*\) .*/\1 \2/p' "$1"
}

atf_test_case spdadd cleanup
spdadd_head()
{
	atf_set descr "SPDADD numbers policies from 1 and rejects duplicates and bad policies"
	atf_set require.user root
}
spdadd_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == add-out
send a SPDADD $SEL policy="$TUNNEL_OUT" seq=4
recv a
recv b
echo == add-in
send a SPDADD $SEL policy="$TUNNEL_IN"
recv a
recv b
echo == duplicate
send a SPDADD $SEL policy="out discard"
recv a
echo == dir-any
send a SPDADD $SEL2 policy="out discard" dir=any
recv a
echo == dir-3
send a SPDADD $SEL2 policy="out discard" dir=3
recv a
echo == entrust
send a SPDADD $SEL2 policy="out discard" ptype=entrust
recv a
echo == bypass
send a SPDADD $SEL2 policy="out discard" ptype=bypass
recv a
echo == ptype-7
send a SPDADD $SEL2 policy="out discard" ptype=7
recv a
echo == ipsec-no-request
send a SPDADD $SEL2 policy="out discard" ptype=ipsec
recv a
echo == no-policy
send a SPDADD $SEL2
recv a
echo == no-dst
send a SPDADD src=10.0.2.0/24 policy="out discard"
recv a
echo == others
expect-none b 300
echo == dump
send a SPDDUMP
dumpall a
EOF
	for s in a b; do
		expect_in out add-out "^$s: msg type=X_SPDADD errno=0 satype=unspec len=[0-9]+ seq=4 "
		expect_in out add-out "^$s:   policy type=ipsec dir=out scope=[a-z0-9]+ id=1 "
		expect_in out add-out "^$s:     request len=40 proto=esp mode=tunnel level=unique reqid=100 192\.168\.0\.3 - 192\.168\.0\.5$"
		expect_in out add-out "^$s:   src proto=255 plen=24 10\.0\.0\.0$"
		expect_in out add-out "^$s:   dst proto=255 plen=24 10\.0\.1\.0$"
		expect_in out add-in "^$s: msg type=X_SPDADD errno=0 "
		expect_in out add-in "^$s:   policy type=ipsec dir=in scope=[a-z0-9]+ id=2 "
	done
	# The reply is the request with the new id: <base, POLICY, SRC, DST>.
	section out add-in | grep '^a:' > add-in.a
	expect_ext_order add-in.a a "policy src dst"
	expect_in out duplicate '^a: msg type=X_SPDADD errno=EEXIST '
	for s in dir-any dir-3 entrust bypass ptype-7 ipsec-no-request \
	    no-policy no-dst; do
		expect_in out $s '^a: msg type=X_SPDADD errno=EINVAL '
	done
	expect_in out others '^b: none$'
	section out dump > dump
	expect_line dump '^a: dumpall count=2 ordered=yes end=seq0$'
	expect_line dump '^a:   policy type=ipsec dir=out scope=global id=1 prio=0$'
	expect_line dump '^a:   policy type=ipsec dir=in scope=global id=2 prio=0$'
	keyd_alive $NS
}
spdadd_cleanup()
{
	keyd_cleanup
}

atf_test_case spd_requests cleanup
spd_requests_head()
{
	atf_set descr "SPDADD checks ipsecrequest records and assigns automatic reqids"
	atf_set require.user root
}
spd_requests_body()
{
	local head req

	keyd_start $NS
	# X_POLICY bodies: type ipsec, dir out, scope 0, id 0, priority 0,
	# then ipsecrequest records of len, proto, mode, level, reqid.
	head="0200 02 00 00000000 00000000"
	req="0800 3200 01 02 0000"
	kc $NS out <<EOF
open a
echo == tunnel-no-addresses
send a SPDADD $SEL ext=18:$(echo $head 0800 3200 02 02 0000 | tr -d ' ')
recv a
echo == proto-99
send a SPDADD $SEL ext=18:$(echo $head 0800 6300 01 02 0000 | tr -d ' ')
recv a
echo == proto-tcp
send a SPDADD $SEL ext=18:$(echo $head 0800 0600 01 02 0000 | tr -d ' ')
recv a
echo == mode-any
send a SPDADD $SEL ext=18:$(echo $head 0800 3200 00 02 0000 | tr -d ' ')
recv a
echo == mode-7
send a SPDADD $SEL ext=18:$(echo $head 0800 3200 07 02 0000 | tr -d ' ')
recv a
echo == level-9
send a SPDADD $SEL ext=18:$(echo $head 0800 3200 01 09 0000 | tr -d ' ')
recv a
echo == five-requests
send a SPDADD $SEL ext=18:$(echo $head $req $req $req $req $req | tr -d ' ')
recv a
echo == four-requests
send a SPDADD $SEL ext=18:$(echo $head $req $req $req $req | tr -d ' ')
recv a
echo == auto-reqid
send a SPDADD $SEL policy="in ipsec esp/transport//unique"
recv a
echo == reqid-20000
send a SPDADD $SEL2 ext=18:$(echo $head 0800 3200 01 03 204e | tr -d ' ')
recv a
echo == reqid-100
send a SPDADD $SEL2 policy="in ipsec esp/transport//unique:100"
recv a
echo == dump
send a SPDDUMP
dumpall a
EOF
	for s in tunnel-no-addresses mode-any mode-7 level-9 five-requests; do
		expect_in out $s '^a: msg type=X_SPDADD errno=EINVAL '
	done
	expect_in out four-requests '^a: msg type=X_SPDADD errno=0 '
	expect_in out auto-reqid '^a: msg type=X_SPDADD errno=0 '
	# The reply already carries the reqid assigned.
	expect_in out auto-reqid '^a:     request len=8 proto=esp mode=transport level=unique reqid=16385$'
	expect_in out reqid-20000 '^a: msg type=X_SPDADD errno=0 '
	expect_in out reqid-100 '^a: msg type=X_SPDADD errno=0 '

	section out dump > dump
	expect_line dump '^a: dumpall count=4 ordered=yes end=seq0$'
	expect_count dump '^a:     request len=8 proto=esp mode=transport level=require reqid=0$' 4
	# Manual reqids are 1-16383; a unique request without one, or with
	# one out of range, gets the next automatic reqid from 16385.
	expect_line dump '^a:     request len=8 proto=esp mode=transport level=unique reqid=16385$'
	expect_line dump '^a:     request len=8 proto=esp mode=transport level=unique reqid=16386$'
	expect_line dump '^a:     request len=8 proto=esp mode=transport level=unique reqid=100$'
	expect_no_line dump 'reqid=20000'

	# FreeBSD's key_msg2sp() rejects an unknown request protocol with
	# EPROTONOSUPPORT rather than EINVAL.
	expect_in out proto-tcp '^a: msg type=X_SPDADD errno=EPROTONOSUPPORT '
	expect_in out proto-99 '^a: msg type=X_SPDADD errno=EPROTONOSUPPORT '
}
spd_requests_cleanup()
{
	keyd_cleanup
}

atf_test_case spd_priority cleanup
spd_priority_head()
{
	atf_set descr "Policies of one direction are kept in priority order"
	atf_set require.user root
}
spd_priority_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
send a SPDADD $SEL policy="out discard" prio=10
send a SPDADD $SEL2 policy="out discard" prio=5
send a SPDADD src=10.0.4.0/24 dst=10.0.5.0/24 policy="out discard" prio=10
drain a
echo == dump
send a SPDDUMP
dumpall a
EOF
	section out dump > dump
	expect_line dump '^a: dumpall count=3 ordered=yes end=seq0$'
	policy_lines dump > order
	printf 'out 2\nout 1\nout 3\n' > expected
	if ! cmp -s order expected; then
		diff -u expected order
		atf_fail "SPDDUMP does not list lower priority values first"
	fi
	expect_line dump '^a:   policy type=discard dir=out scope=global id=2 prio=5$'
}
spd_priority_cleanup()
{
	keyd_cleanup
}

atf_test_case spdupdate cleanup
spdupdate_head()
{
	atf_set descr "SPDUPDATE replaces a policy with the same selector, or adds one"
	atf_set require.user root
}
spdupdate_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a SPDADD $SEL policy="out discard"
drain a
drain b
echo == update
send a SPDUPDATE $SEL policy="out none"
recv a
recv b
echo == dump
send a SPDDUMP
dumpall a
echo == update-new
send a SPDUPDATE $SEL2 policy="in none"
recv a
drain b
echo == dump2
send a SPDDUMP
dumpall a
EOF
	expect_in out update '^a: msg type=X_SPDUPDATE errno=0 '
	expect_in out update '^b: msg type=X_SPDUPDATE errno=0 '
	# The replacement is a new policy with the next id.
	expect_in out update '^a:   policy type=none dir=out scope=[a-z0-9]+ id=2 '
	section out dump > dump
	expect_line dump '^a: dumpall count=1 ordered=yes end=seq0$'
	expect_line dump '^a:   policy type=none dir=out scope=global id=2 '
	expect_in out update-new '^a: msg type=X_SPDUPDATE errno=0 '
	section out dump2 > dump2
	expect_line dump2 '^a: dumpall count=2 ordered=yes end=seq0$'
	expect_line dump2 '^a:   policy type=none dir=in scope=global '
}
spdupdate_cleanup()
{
	keyd_cleanup
}

atf_test_case spddelete cleanup
spddelete_head()
{
	atf_set descr "SPDDELETE by selector and direction; a missing policy is EINVAL"
	atf_set require.user root
}
spddelete_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a SPDADD $SEL policy="out discard"
send a SPDADD $SEL policy="in discard"
drain a
drain b
echo == delete
send a SPDDELETE $SEL policy="out discard"
recv a
recv b
echo == again
send a SPDDELETE $SEL policy="out discard"
recv a
echo == other-prefix
send a SPDDELETE src=10.0.0.0/25 dst=10.0.1.0/24 policy="in discard"
recv a
echo == other-port
send a SPDDELETE src=10.0.0.0/24[80] dst=10.0.1.0/24 policy="in discard"
recv a
echo == other-proto
send a SPDDELETE $SEL proto=6 policy="in discard"
recv a
echo == others
expect-none b 300
echo == dump
send a SPDDUMP
dumpall a
EOF
	expect_in out delete '^a: msg type=X_SPDDELETE errno=0 '
	# The reply carries the id of the policy removed.
	expect_in out delete '^a:   policy type=discard dir=out scope=[a-z0-9]+ id=1 '
	expect_in out delete '^b: msg type=X_SPDDELETE errno=0 '
	for s in again other-prefix other-port other-proto; do
		expect_in out $s '^a: msg type=X_SPDDELETE errno=EINVAL '
	done
	expect_in out others '^b: none$'
	expect_in out dump '^a: dumpall count=1 ordered=yes end=seq0$'
	expect_in out dump '^a:   policy type=discard dir=in '
}
spddelete_cleanup()
{
	keyd_cleanup
}

atf_test_case spdget cleanup
spdget_head()
{
	atf_set descr "SPDGET by id answers the sender only; an unknown id is ENOENT"
	atf_set require.user root
}
spdget_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a SPDADD $SEL policy="$TUNNEL_OUT"
drain a
drain b
echo == get
send a SPDGET policy="out discard" id=1 seq=8
recv a
expect-none b 300
echo == unknown
send a SPDGET policy="out discard" id=99
recv a
expect-none b 300
EOF
	expect_in out get '^a: msg type=X_SPDGET errno=0 satype=unspec len=[0-9]+ seq=8 '
	expect_in out get '^a:   policy type=ipsec dir=out scope=global id=1 '
	expect_in out get '^a:     request len=40 proto=esp mode=tunnel level=unique reqid=100 192\.168\.0\.3 - 192\.168\.0\.5$'
	expect_in out get '^a:   src proto=255 plen=24 10\.0\.0\.0$'
	expect_in out get '^a:   dst proto=255 plen=24 10\.0\.1\.0$'
	expect_in out get '^b: none$'
	expect_ext_order sect.get a "src dst policy"
	expect_in out unknown '^a: msg type=X_SPDGET errno=ENOENT '
	expect_in out unknown '^b: none$'
}
spdget_cleanup()
{
	keyd_cleanup
}

atf_test_case spdget_requests cleanup
spdget_requests_head()
{
	atf_set descr "SPDGET returns IPv6 selectors and mixed requests as added"
	atf_set require.user root
}
spdget_requests_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
send a SPDADD src=2001:db8:1::/48[443] dst=2001:db8:2::/64 proto=6 policy="in ipsec esp/tunnel/2001:db8::5-2001:db8::3/require ah/transport//use ipcomp/tunnel/192.168.0.5-192.168.0.3/unique:100"
drain a
echo == get
send a SPDGET policy="out discard" id=1
recv a
EOF
	expect_in out get '^a: msg type=X_SPDGET errno=0 '
	expect_in out get '^a:   src proto=6 plen=48 2001:db8:1::\[443\]$'
	expect_in out get '^a:   dst proto=6 plen=64 2001:db8:2::$'
	expect_in out get '^a:     request len=64 proto=esp mode=tunnel level=require reqid=0 2001:db8::5 - 2001:db8::3$'
	expect_in out get '^a:     request len=8 proto=ah mode=transport level=use reqid=0$'
	expect_in out get '^a:     request len=40 proto=ipcomp mode=tunnel level=unique reqid=100 192\.168\.0\.5 - 192\.168\.0\.3$'
}
spdget_requests_cleanup()
{
	keyd_cleanup
}

atf_test_case spddump cleanup
spddump_head()
{
	atf_set descr "SPDDUMP lists in before out, filters by scope, and rejects scope 3"
	atf_set require.user root
}
spddump_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == empty
send a SPDDUMP
recv a
send a SPDADD $SEL policy="out discard"
send a SPDADD $SEL policy="in discard"
send a SPDADD $SEL2 policy="out none"
drain a
drain b
echo == all
send a SPDDUMP seq=3
dumpall a
expect-none b 300
echo == scope1
send a SPDDUMP satype=1
dumpall a
echo == scope2
send a SPDDUMP satype=2
recv a
echo == scope4
send a SPDDUMP satype=4
recv a
echo == scope3
send a SPDDUMP satype=3
recv a
echo == scope8
send a SPDDUMP satype=8
recv a
EOF
	expect_in out empty '^a: msg type=X_SPDDUMP errno=ENOENT '
	section out all > all
	expect_line all '^a: dumpall count=3 ordered=yes end=seq0$'
	expect_line all '^b: none$'
	grep '^a: msg' all | awk '{ print $3, $7 }' > headers
	expect_count all '^a: msg type=X_SPDDUMP errno=0 satype=unspec ' 3
	printf 'type=X_SPDDUMP seq=2\ntype=X_SPDDUMP seq=1\ntype=X_SPDDUMP seq=0\n' > expected
	if ! cmp -s headers expected; then
		diff -u expected headers
		atf_fail "SPDDUMP headers are not X_SPDDUMP with seq 2, 1, 0"
	fi
	policy_lines all > order
	printf 'in 2\nout 1\nout 3\n' > expected
	if ! cmp -s order expected; then
		diff -u expected order
		atf_fail "SPDDUMP order is not in, then out in insertion order"
	fi
	expect_in out scope1 '^a: dumpall count=3 ordered=yes end=seq0$'
	expect_in out scope2 '^a: msg type=X_SPDDUMP errno=ENOENT '
	expect_in out scope4 '^a: msg type=X_SPDDUMP errno=ENOENT '
	expect_in out scope3 '^a: msg type=X_SPDDUMP errno=EINVAL '
	expect_in out scope8 '^a: msg type=X_SPDDUMP errno=EINVAL '
}
spddump_cleanup()
{
	keyd_cleanup
}

atf_test_case spdflush cleanup
spdflush_head()
{
	atf_set descr "SPDFLUSH removes every global policy and tells every socket"
	atf_set require.user root
}
spdflush_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a SPDADD $SEL policy="out discard"
send a SPDADD $SEL2 policy="in none"
send a ADD satype=esp spi=1000 src=192.168.0.3 dst=192.168.0.5 enc=aes-cbc:$KEY16
drain a
drain b
echo == flush
send a SPDFLUSH seq=2
recv a
recv b
echo == dump
send a SPDDUMP
recv a
echo == with-extension
send a SPDFLUSH $SEL
recv a
echo == sad
send a DUMP
dumpall a
EOF
	expect_in out flush '^a: msg type=X_SPDFLUSH errno=0 satype=unspec len=2 seq=2 '
	expect_in out flush '^b: msg type=X_SPDFLUSH errno=0 satype=unspec len=2 '
	expect_in out dump '^a: msg type=X_SPDDUMP errno=ENOENT '
	# FreeBSD's SPDFLUSH takes a bare header only.
	expect_in out with-extension '^a: msg type=X_SPDFLUSH errno=EINVAL '
	expect_in out sad '^a: dumpall count=1 ordered=yes end=seq0$'
}
spdflush_cleanup()
{
	keyd_cleanup
}

atf_test_case spdsetidx cleanup
spdsetidx_head()
{
	atf_set descr "SPDSETIDX adds a policy as SPDADD does"
	atf_set require.user root
}
spdsetidx_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == setidx
send a X_SPDSETIDX $SEL policy="out discard"
recv a
recv b
echo == dump
send a SPDDUMP
dumpall a
EOF
	expect_in out setidx '^a: msg type=X_SPDSETIDX errno=0 '
	expect_in out setidx '^b: msg type=X_SPDSETIDX errno=0 '
	expect_in out dump '^a: dumpall count=1 ordered=yes end=seq0$'
	expect_in out dump '^a:   policy type=discard dir=out scope=global '
}
spdsetidx_cleanup()
{
	keyd_cleanup
}

atf_test_case spddelete2 cleanup
spddelete2_head()
{
	atf_set descr "SPDDELETE2 removes a policy by id; an unknown id is EINVAL"
	atf_set require.user root
}
spddelete2_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a SPDADD $SEL policy="out discard"
send a SPDADD $SEL policy="in discard"
drain a
drain b
echo == delete2
send a SPDDELETE2 policy="out discard" id=1
recv a
recv b
echo == again
send a SPDDELETE2 policy="out discard" id=1
recv a
expect-none b 300
echo == dump
send a SPDDUMP
dumpall a
EOF
	expect_in out delete2 '^a: msg type=X_SPDDELETE2 errno=0 '
	expect_in out delete2 '^b: msg type=X_SPDDELETE2 errno=0 '
	section out delete2 | grep '^a:' > delete2.a
	expect_ext_order delete2.a a "policy"
	expect_in out again '^a: msg type=X_SPDDELETE2 errno=EINVAL '
	expect_in out again '^b: none$'
	expect_in out dump '^a: dumpall count=1 ordered=yes end=seq0$'
	expect_in out dump '^a:   policy type=discard dir=in scope=global id=2 '
}
spddelete2_cleanup()
{
	keyd_cleanup
}

atf_test_case spd_lifetime cleanup
spd_lifetime_head()
{
	atf_set descr "A policy with a hard lifetime expires with X_SPDEXPIRE to registered sockets"
	atf_set require.user root
	atf_set timeout 30
}
spd_lifetime_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
open c
send c REGISTER satype=esp
drain c
echo == add
send a SPDADD $SEL policy="out discard" lh=2
recv a
drain b
drain c
echo == dump-before
send a SPDDUMP
recv a
echo == expire
recv c 5000
echo == unregistered
expect-none a 300
expect-none b 300
echo == dump
send a SPDDUMP
recv a
EOF
	expect_in out add '^a: msg type=X_SPDADD errno=0 '
	expect_in out add '^a:   lifetime_hard alloc=0 bytes=0 add=2 use=0$'
	expect_ext_order sect.add a "policy lifetime_hard src dst"
	expect_in out expire '^c: msg type=X_SPDEXPIRE errno=0 '
	expect_in out expire '^c:   lifetime_hard alloc=0 bytes=0 add=2 use=0$'
	expect_in out expire '^c:   policy type=discard dir=out scope=global id=1 '
	expect_in out expire '^c:   src proto=255 plen=24 10\.0\.0\.0$'
	expect_in out expire '^c: msg type=X_SPDEXPIRE errno=0 satype=unspec len=[0-9]+ seq=0 pid=0 '
	expect_ext_order sect.expire c "lifetime_current lifetime_hard src dst policy"
	expect_in out unregistered '^a: none$'
	expect_in out unregistered '^b: none$'
	expect_in out dump '^a: msg type=X_SPDDUMP errno=ENOENT '
	# FreeBSD's key_setdumpsp() puts the current and hard lifetimes of a
	# policy after the policy.
	section out dump-before | grep '^a:' > dump-before.a
	expect_ext_order dump-before.a a "src dst policy lifetime_current lifetime_hard"
}
spd_lifetime_cleanup()
{
	keyd_cleanup
}

atf_test_case ifnet_policies cleanup
ifnet_policies_head()
{
	atf_set descr "An ipsec interface's policies are ifnet scope and survive SPDFLUSH"
	atf_set require.user root
}
ifnet_policies_body()
{
	local ifindex id

	[ -x "$IFIPSECCTL" ] || atf_fail "ifipsecctl is not built: $IFIPSECCTL"
	keyd_start $NS
	ip netns exec $NS "$IFIPSECCTL" ipsec0 create reqid 100 ||
	    atf_fail "ifipsecctl ipsec0 create failed"
	ip netns exec $NS "$IFIPSECCTL" ipsec0 tunnel 192.168.0.3 192.168.0.5 ||
	    atf_fail "ifipsecctl ipsec0 tunnel failed"
	ifindex=$(ip -n $NS -o link show ipsec0 | cut -d: -f1)
	kc $NS out <<EOF
open a
send a SPDADD $SEL policy="in discard"
send a SPDADD $SEL policy="out discard"
drain a
echo == all
send a SPDDUMP
dumpall a
echo == global
send a SPDDUMP satype=1
dumpall a
echo == ifnet
send a SPDDUMP satype=2
dumpall a
EOF
	section out all > all
	expect_line all '^a: dumpall count=6 ordered=yes end=seq0$'
	# Each direction lists global policies before ifnet ones.
	sed -n 's/^a:   policy type=[^ ]* dir=\([^ ]*\) scope=\([^ ]*\) .*/\1 \2/p' all > order
	printf 'in global\nin ifnet\nin ifnet\nout global\nout ifnet\nout ifnet\n' > expected
	if ! cmp -s order expected; then
		diff -u expected order
		atf_fail "SPDDUMP order is not in then out, global before ifnet"
	fi
	# Four policies, IPv4 and IPv6 in both directions, whose priority is
	# the interface index.
	expect_count all "^a:   policy type=ipsec dir=(in|out) scope=ifnet id=[0-9]+ prio=$ifindex\$" 4
	# Both inner families use the IPv4 tunnel endpoints, reversed inbound.
	expect_count all '^a:     request len=40 proto=esp mode=tunnel level=unique reqid=100 192\.168\.0\.3 - 192\.168\.0\.5$' 2
	expect_count all '^a:     request len=40 proto=esp mode=tunnel level=unique reqid=100 192\.168\.0\.5 - 192\.168\.0\.3$' 2
	expect_count all '^a:   src proto=255 plen=0 ::$' 2
	expect_in out global '^a: dumpall count=2 ordered=yes end=seq0$'
	expect_not_in out global 'scope=ifnet'
	expect_in out ifnet '^a: dumpall count=4 ordered=yes end=seq0$'
	expect_not_in out ifnet 'scope=global'

	id=$(sed -n 's/^a:   policy type=ipsec dir=out scope=ifnet id=\([0-9]*\) .*/\1/p' all | head -n 1)
	[ -n "$id" ] || atf_fail "no outbound ifnet policy in the dump"
	kc $NS out2 <<EOF
open a
echo == get
send a SPDGET policy="out discard" id=$id
recv a
echo == delete2
send a SPDDELETE2 policy="out discard" id=$id
recv a
echo == delete
send a SPDDELETE src=0.0.0.0/0 dst=0.0.0.0/0 policy="out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100"
recv a
echo == flush
send a SPDFLUSH
recv a
echo == after-flush
send a SPDDUMP satype=2
dumpall a
echo == global-after-flush
send a SPDDUMP satype=1
recv a
EOF
	expect_in out2 get '^a: msg type=X_SPDGET errno=0 '
	expect_in out2 get "^a:   policy type=ipsec dir=out scope=ifnet id=$id prio=$ifindex\$"
	expect_in out2 delete2 '^a: msg type=X_SPDDELETE2 errno=EACCES '
	expect_in out2 delete '^a: msg type=X_SPDDELETE errno=EINVAL '
	expect_in out2 flush '^a: msg type=X_SPDFLUSH errno=0 '
	expect_in out2 after-flush '^a: dumpall count=4 ordered=yes end=seq0$'
	expect_in out2 global-after-flush '^a: msg type=X_SPDDUMP errno=ENOENT '
}
ifnet_policies_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case spdadd
	atf_add_test_case spd_requests
	atf_add_test_case spd_priority
	atf_add_test_case spdupdate
	atf_add_test_case spddelete
	atf_add_test_case spdget
	atf_add_test_case spdget_requests
	atf_add_test_case spddump
	atf_add_test_case spdflush
	atf_add_test_case spdsetidx
	atf_add_test_case spddelete2
	atf_add_test_case spd_lifetime
	atf_add_test_case ifnet_policies
}
