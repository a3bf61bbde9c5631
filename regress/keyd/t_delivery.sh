#! /usr/bin/env atf-sh
#
# Delivery of keyd's replies to every socket, to the sender only, or to the
# registered sockets and the sender, as FreeBSD's key_sendup delivers them.
#

. "$(atf_get_srcdir)/keyd_test.subr"

NS=kct-dlv-$$
SA_ADDRS="src=192.168.0.3 dst=192.168.0.5"
SEL="src=10.0.0.0/24 dst=10.0.1.0/24"

# Each row: case name, message counts for sockets a (the sender), b (a
# plain socket) and c (registered for ESP), expected errno, and the
# message a sends.  Rows run in order on one keyd.
CASES="\
add		1 1 1 0	ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16
getspi		1 0 0 0	GETSPI satype=esp $SA_ADDRS spirange=2000-2000
update		1 1 1 0	UPDATE satype=esp spi=2000 $SA_ADDRS enc=aes-cbc:$KEY16
get		1 0 0 0	GET satype=esp spi=1000 $SA_ADDRS
dump		2 0 0 0	DUMP satype=esp
spdadd		1 1 1 0	SPDADD $SEL policy=\"out discard\"
spdget		1 0 0 0	SPDGET policy=\"out discard\" id=1
spddump		1 0 0 0	SPDDUMP
spdupdate	1 1 1 0	SPDUPDATE $SEL policy=\"out none\"
spdsetidx	1 1 1 0	X_SPDSETIDX src=10.0.2.0/24 dst=10.0.3.0/24 policy=\"in none\"
spddelete	1 1 1 0	SPDDELETE $SEL policy=\"out none\"
spdflush	1 1 1 0	SPDFLUSH
delete		1 1 1 0	DELETE satype=esp spi=1000 $SA_ADDRS
flush		1 1 1 0	FLUSH
get-error	1 0 0 ESRCH	GET satype=esp spi=1000 $SA_ADDRS
delete-error	1 0 0 ESRCH	DELETE satype=esp spi=1000 $SA_ADDRS
add-error	1 0 0 EINVAL	ADD satype=esp spi=100 $SA_ADDRS enc=aes-cbc:$KEY16
spddelete-error	1 0 0 EINVAL	SPDDELETE $SEL policy=\"out none\"
spddelete2-error 1 0 0 EINVAL	SPDDELETE2 policy=\"out none\" id=77
spdget-error	1 0 0 ENOENT	SPDGET policy=\"out none\" id=77
dump-error	1 0 0 ENOENT	DUMP
version-error	1 0 0 EINVAL	FLUSH version=1
pchange-error	1 0 0 EINVAL	X_PCHANGE
register	1 0 1 0	REGISTER satype=ah"

atf_test_case delivery cleanup
delivery_head()
{
	atf_set descr "Replies reach all sockets, the sender only, or registered sockets"
	atf_set require.user root
}
delivery_body()
{
	local name na nb nc errno msg s n want type

	keyd_start $NS
	{
		echo "open a"
		echo "open b"
		echo "open c"
		echo "send c REGISTER satype=esp"
		echo "drain c"
		echo "$CASES" | while read -r name na nb nc errno msg; do
			echo "echo == $name"
			echo "send a $msg"
			echo "recvall a 300"
			echo "recvall b 200"
			echo "recvall c 200"
		done
	} > script
	kc $NS out < script

	# A here-document keeps the loop in this shell, so atf_fail ends
	# the test case.
	while read -r name na nb nc errno msg; do
		section out "$name" > "got.$name"
		type=$(echo "$msg" | awk '{ print $1 }')
		case $type in
		[A-Z]*)	type=$(echo "$type" |
			    sed -e 's/^SPD/X_SPD/' -e 's/^X_X_/X_/') ;;
		esac
		for s in a b c; do
			eval want=\$n$s
			expect_line "got.$name" "^$s: received $want\$" \
			    "$name: socket $s"
			[ "$want" -gt 0 ] || continue
			expect_line "got.$name" \
			    "^$s: msg type=$type errno=$errno " \
			    "$name: socket $s"
		done
	done <<EOF
$CASES
EOF
	keyd_alive $NS
}
delivery_cleanup()
{
	keyd_cleanup
}

atf_test_case many_listeners cleanup
many_listeners_head()
{
	atf_set descr "An ADD reaches each of 30 connected sockets exactly once"
	atf_set require.user root
}
many_listeners_body()
{
	local i

	keyd_start $NS
	{
		i=0
		while [ $i -lt 30 ]; do
			echo "open s$i"
			i=$((i + 1))
		done
		echo "send s0 ADD satype=esp spi=1000 $SA_ADDRS enc=aes-cbc:$KEY16"
		i=0
		while [ $i -lt 30 ]; do
			echo "recvall s$i 200"
			i=$((i + 1))
		done
	} > script
	kc $NS out < script
	expect_count out '^s[0-9]+: received 1$' 30
	expect_count out '^s[0-9]+: msg type=ADD errno=0 satype=esp len=10 ' 30
}
many_listeners_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case delivery
	atf_add_test_case many_listeners
}
