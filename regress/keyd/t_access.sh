#! /usr/bin/env atf-sh
#
# Access to keyd: one keyd per network namespace, root or a configured
# group only, and the socket name chosen with -s and KEYD_SOCKET.
#

. "$(atf_get_srcdir)/keyd_test.subr"

SA_ADDRS="src=192.168.0.3 dst=192.168.0.5"
GROUP=kct-keyd

atf_test_case namespaces cleanup
namespaces_head()
{
	atf_set descr "Each namespace has its own keyd and its own SAD"
	atf_set require.user root
}
namespaces_body()
{
	keyd_start kct-iso1
	keyd_start kct-iso2
	kc kct-iso1 out1 <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
EOF
	expect_line out1 '^a: msg type=ADD errno=0 '
	expect_line out1 '^a: msg type=GET errno=0 '

	kc kct-iso2 out2 <<EOF
open a
echo == get
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
echo == dump
send a DUMP
recv a
echo == add
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
send a ADD satype=esp spi=2000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
EOF
	expect_in out2 get '^a: msg type=GET errno=ESRCH '
	expect_in out2 dump '^a: msg type=DUMP errno=ENOENT '
	# The SPI namespace is per keyd: 1000 is free in the second one.
	expect_in out2 add '^a: msg type=ADD errno=0 .*'
	expect_count out2 '^a: msg type=ADD errno=0 ' 2

	kc kct-iso1 out3 <<EOF
open a
send a DUMP
dumpall a
EOF
	expect_line out3 '^a: dumpall count=1 ordered=yes end=seq0$'
	expect_line out3 '^a:   sa spi=1000 '
	expect_no_line out3 '^a:   sa spi=2000 '
}
namespaces_cleanup()
{
	keyd_cleanup
}

atf_test_case unprivileged cleanup
unprivileged_head()
{
	atf_set descr "A client that is neither root nor in the keyd group is not served"
	atf_set require.user root
}
unprivileged_body()
{
	keyd_start kct-acc
	kc_as kct-acc out 65534 65534 <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
send a DUMP
recv a
EOF
	expect_no_line out '^a: msg ' "unprivileged client"
	expect_line out '^a: (open error|closed|send error|recv error)' \
	    "unprivileged client"
	keyd_alive kct-acc

	kc kct-acc root <<EOF
open a
send a DUMP
recv a
EOF
	expect_line root '^a: msg type=DUMP errno=ENOENT '
}
unprivileged_cleanup()
{
	keyd_cleanup
}

atf_test_case group cleanup
group_head()
{
	atf_set descr "keyd -g GROUP serves members of GROUP and no other user"
	atf_set require.user root
}
group_body()
{
	local gid

	keyd_require
	echo $GROUP >> created_groups
	groupadd $GROUP || atf_fail "cannot create group $GROUP"
	gid=$(getent group $GROUP | cut -d: -f3)
	[ -n "$gid" ] || atf_fail "group $GROUP has no gid"
	keyd_start kct-acc @keyd -g $GROUP

	kc_as kct-acc member 65534 "$gid" <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
EOF
	expect_line member '^a: msg type=ADD errno=0 '

	kc_as kct-acc other 65534 65534 <<EOF
open a
send a DUMP
recv a
EOF
	expect_no_line other '^a: msg ' "user outside $GROUP"

	kc kct-acc root <<EOF
open a
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
EOF
	expect_line root '^a: msg type=GET errno=0 '
}
group_cleanup()
{
	keyd_cleanup
}

atf_test_case socket_name cleanup
socket_name_head()
{
	atf_set descr "keyd -s and KEYD_SOCKET select another socket name"
	atf_set require.user root
}
socket_name_body()
{
	keyd_start kct-acc @kct-other -s @kct-other
	kc kct-acc default <<EOF
open a
EOF
	expect_line default '^a: open error ECONNREFUSED$'

	export KEYD_SOCKET=@kct-other
	kc kct-acc env <<EOF
open a
send a DUMP
recv a
EOF
	unset KEYD_SOCKET
	expect_line env '^a: open @kct-other$'
	expect_line env '^a: msg type=DUMP errno=ENOENT '
}
socket_name_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case namespaces
	atf_add_test_case unprivileged
	atf_add_test_case group
	atf_add_test_case socket_name
}
