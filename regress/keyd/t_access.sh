#! /usr/bin/env atf-sh
#
# Access to keyd: one keyd per network namespace, root or a configured
# group only, and the socket name chosen with -s and KEYD_SOCKET.
#

. "$(atf_get_srcdir)/keyd_test.subr"

SA_ADDRS="src=192.168.0.3 dst=192.168.0.5"
# The process ID keeps the names apart from a concurrent run of the suite.
NS=kct-acc-$$
NS1=kct-iso1-$$
NS2=kct-iso2-$$
GROUP=kct-g$$

atf_test_case namespaces cleanup
namespaces_head()
{
	atf_set descr "Each namespace has its own keyd and its own SAD"
	atf_set require.user root
}
namespaces_body()
{
	keyd_start $NS1
	keyd_start $NS2
	kc $NS1 out1 <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
send a GET satype=esp spi=1000 $SA_ADDRS
recv a
EOF
	expect_line out1 '^a: msg type=ADD errno=0 '
	expect_line out1 '^a: msg type=GET errno=0 '

	kc $NS2 out2 <<EOF
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

	kc $NS1 out3 <<EOF
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
	keyd_start $NS
	kc_as $NS out 65534 65534 <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
send a DUMP
recv a
EOF
	expect_no_line out '^a: msg ' "unprivileged client"
	expect_line out '^a: (open error|closed|send error|recv error)' \
	    "unprivileged client"
	keyd_alive $NS

	kc $NS root <<EOF
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
	keyd_start $NS @keyd -g $GROUP

	kc_as $NS member 65534 "$gid" <<EOF
open a
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
EOF
	expect_line member '^a: msg type=ADD errno=0 '

	kc_as $NS other 65534 65534 <<EOF
open a
send a DUMP
recv a
EOF
	expect_no_line other '^a: msg ' "user outside $GROUP"

	kc $NS root <<EOF
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
	keyd_start $NS @kct-other -s @kct-other
	kc $NS default <<EOF
open a
EOF
	expect_line default '^a: open error ECONNREFUSED$'

	export KEYD_SOCKET=@kct-other
	kc $NS env <<EOF
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

atf_test_case socket_env cleanup
socket_env_head()
{
	atf_set descr "keyd without -s listens on the name in KEYD_SOCKET"
	atf_set require.user root
}
socket_env_body()
{
	export KEYD_SOCKET=@kct-env-$$
	keyd_start $NS @kct-env-$$
	kc $NS env <<EOF
open a
send a DUMP
recv a
EOF
	unset KEYD_SOCKET
	expect_line env "^a: open @kct-env-$$\$"
	expect_line env '^a: msg type=DUMP errno=ENOENT '
	kc $NS default <<EOF
open a
EOF
	expect_line default '^a: open error ECONNREFUSED$'
}
socket_env_cleanup()
{
	keyd_cleanup
}

atf_test_case socket_path cleanup
socket_path_head()
{
	atf_set descr "keyd -s PATH listens on a filesystem socket"
	atf_set require.user root
}
socket_path_body()
{
	local path

	path=$(pwd)/keyd.sock
	keyd_start $NS "$path" -s "$path"
	kc $NS out <<EOF
open a $path
send a ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
EOF
	expect_line out "^a: open $path\$"
	expect_line out '^a: msg type=ADD errno=0 '
	kc $NS default <<EOF
open a
EOF
	expect_line default '^a: open error ECONNREFUSED$'
}
socket_path_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case namespaces
	atf_add_test_case unprivileged
	atf_add_test_case group
	atf_add_test_case socket_name
	atf_add_test_case socket_env
	atf_add_test_case socket_path
}
