#! /usr/bin/env atf-sh
#
# keyd's REGISTER, ACQUIRE, EXPIRE, X_PROMISC and X_PCHANGE messages, SA
# lifetimes, and the header checks every message goes through.
#

. "$(atf_get_srcdir)/keyd_test.subr"

NS=kct-msg-$$
SA_ADDRS="src=192.168.0.3 dst=192.168.0.5"

# alg_lines FILE EXT: prints the "alg" lines under extension EXT.
alg_lines()
{
	awk -v ext="$2" '
	    $2 == ext { on = 1; next }
	    on && $2 == "alg" { print; next }
	    { on = 0 }' "$1"
}

atf_test_case register cleanup
register_head()
{
	atf_set descr "REGISTER lists algorithms and registers a socket once per satype"
	atf_set require.user root
}
register_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
open c
echo == unspec
send a REGISTER seq=3
recv a
expect-none b 300
expect-none c 300
echo == register-c
send c REGISTER satype=esp
recv c
expect-none a 300
expect-none b 300
echo == register-a
send a REGISTER satype=esp seq=9
recv a
recv c
expect-none b 300
echo == again
send a REGISTER satype=esp
recv a
expect-none b 300
expect-none c 300
echo == register-ah
send a REGISTER satype=ah
recv a
EOF
	section out unspec > unspec
	expect_line unspec '^a: msg type=REGISTER errno=0 satype=unspec len=[0-9]+ seq=3 '
	expect_line unspec '^a:   supported_auth count=[1-9]'
	expect_line unspec '^a:   supported_encrypt count=[1-9]'
	alg_lines unspec supported_encrypt > enc
	alg_lines unspec supported_auth > auth
	expect_line enc 'alg id=12 ivlen=16 min=128 max=256$' "AES-CBC in supported_encrypt"
	expect_line enc 'alg id=20 ' "AES-GCM-16 in supported_encrypt"
	expect_line auth 'alg id=3 ivlen=0 min=160 max=160$' "HMAC-SHA1 in supported_auth"
	expect_line auth 'alg id=5 ivlen=0 min=256 max=256$' "HMAC-SHA2-256 in supported_auth"
	expect_no_line enc 'alg id=3 ivlen=0 min=160 max=160$' "HMAC-SHA1 in supported_encrypt"
	expect_no_line auth 'alg id=12 ivlen=16 ' "AES-CBC in supported_auth"
	expect_in out unspec '^b: none$'
	expect_in out unspec '^c: none$'

	expect_in out register-c '^c: msg type=REGISTER errno=0 satype=esp '
	expect_in out register-c '^a: none$'
	expect_in out register-c '^b: none$'
	expect_in out register-a '^a: msg type=REGISTER errno=0 satype=esp len=[0-9]+ seq=9 '
	expect_in out register-a '^a:   supported_encrypt count=[1-9]'
	expect_in out register-a '^c: msg type=REGISTER errno=0 satype=esp len=[0-9]+ seq=9 '
	expect_in out register-a '^b: none$'
	expect_in out again '^a: msg type=REGISTER errno=EEXIST satype=esp '
	expect_in out again '^b: none$'
	expect_in out again '^c: none$'
	expect_in out register-ah '^a: msg type=REGISTER errno=0 satype=ah '
}
register_cleanup()
{
	keyd_cleanup
}

atf_test_case register_unspec_copy cleanup
register_unspec_copy_head()
{
	atf_set descr "REGISTER with satype 0 also reaches registered sockets, as in FreeBSD"
	atf_set require.user root
}
register_unspec_copy_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
open c
send c REGISTER satype=esp
drain c
echo == unspec
send a REGISTER seq=4
recv a
recvall b 300
recvall c 300
EOF
	expect_in out unspec '^a: msg type=REGISTER errno=0 satype=unspec len=[0-9]+ seq=4 '
	expect_in out unspec '^b: received 0$'
	# FreeBSD's key_register() replies to every REGISTER, satype 0 included,
	# with key_sendup_mbuf(KEY_SENDUP_REGISTERED).
	expect_in out unspec '^c: msg type=REGISTER errno=0 satype=unspec len=[0-9]+ seq=4 '
	expect_in out unspec '^c: received 1$'
}
register_unspec_copy_cleanup()
{
	keyd_cleanup
}

atf_test_case acquire cleanup
acquire_head()
{
	atf_set descr "ACQUIRE from a user reaches registered sockets only"
	atf_set require.user root
}
acquire_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
open c
open d
send c REGISTER satype=esp
drain c
send d REGISTER
drain d
drain c
echo == acquire
send a ACQUIRE satype=esp $SA_ADDRS ext=13:00000000
recvall c 500
recvall b 300
recvall d 300
recvall a 300
echo == again
send a ACQUIRE satype=esp $SA_ADDRS ext=13:00000000
expect-none c 300
echo == with-reqid
send a ACQUIRE satype=esp src=192.168.0.3 dst=192.168.0.7 mode=tunnel reqid=7 ext=13:00000000
recvall c 500
echo == with-sa
send a ADD satype=esp spi=4000 $SA_ADDRS enc=aes-cbc:$KEY16
drain a
drain b
drain c
send a ACQUIRE satype=esp $SA_ADDRS ext=13:00000000
recv a
echo == failure-report
send a ACQUIRE satype=esp seq=5 errno=60
expect-none a 300
expect-none c 300
echo == after
send a GET satype=esp spi=4000 $SA_ADDRS
recv a
EOF
	expect_in out acquire '^c: msg type=ACQUIRE errno=0 satype=esp '
	expect_in out acquire '^c:   src proto=[0-9]+ plen=32 192\.168\.0\.3$'
	expect_in out acquire '^c:   dst proto=[0-9]+ plen=32 192\.168\.0\.5$'
	expect_in out acquire '^b: received 0$'
	# REGISTER with satype 0 only lists algorithms and registers nothing.
	expect_in out acquire '^d: received 0$'
	# FreeBSD's key_acquire2() sends no reply to an unregistered sender.
	expect_in out acquire '^a: received 0$'
	expect_in out with-sa '^a: msg type=ACQUIRE errno=EEXIST '
	# A second ACQUIRE for the same SA index is held back, as FreeBSD's
	# key_getacq() does until net.key.blockacq_count more requests.
	expect_in out again '^c: none$'
	# A bare header with seq and errno reports a key manager's failure
	# and gets no reply.
	expect_in out failure-report '^a: none$'
	expect_in out failure-report '^c: none$'
	expect_in out after '^a: msg type=GET errno=0 '

	# The kernel's ACQUIRE: <base, SRC, DST, PROPOSAL>, pid 0, a nonzero
	# sequence number, and a proposal with a replay window of 32.  SA2
	# is added only for a nonzero reqid.
	section out acquire > acquire
	expect_line acquire '^c: msg type=ACQUIRE errno=0 satype=esp len=[0-9]+ seq=[1-9][0-9]* pid=0 '
	expect_line acquire '^c:     comb auth=[0-9]+ encrypt=12 '
	expect_ext_order acquire c "src dst proposal"
	expect_line acquire '^c:   proposal replay=32 count=[1-9]'
	expect_in out with-reqid '^c: msg type=ACQUIRE errno=0 satype=esp '
	# With a nonzero reqid the kernel's ACQUIRE carries SA2 before the
	# proposal.
	expect_in out with-reqid '^c:   sa2 mode=tunnel reqid=7 seq=0$'
	expect_ext_order sect.with-reqid c "src dst sa2 proposal"
}
acquire_cleanup()
{
	keyd_cleanup
}

atf_test_case expire_from_user cleanup
expire_from_user_head()
{
	atf_set descr "EXPIRE, X_PCHANGE and X_SPDACQUIRE from a user are invalid"
	atf_set require.user root
}
expire_from_user_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
send a ADD satype=esp spi=4000 $SA_ADDRS enc=aes-cbc:$KEY16
drain a
drain b
echo == expire
send a EXPIRE satype=esp spi=4000 $SA_ADDRS lh=1 ls=1
recv a
echo == pchange
send a X_PCHANGE
recv a
echo == spdexpire
send a X_SPDEXPIRE src=10.0.0.0/24 dst=10.0.1.0/24 policy="out discard"
recv a
echo == spdacquire
send a X_SPDACQUIRE src=10.0.0.0/24 dst=10.0.1.0/24 policy="out discard"
recv a
echo == others
expect-none b 300
echo == get
send a GET satype=esp spi=4000 $SA_ADDRS
recv a
EOF
	expect_in out expire '^a: msg type=EXPIRE errno=EINVAL '
	expect_in out pchange '^a: msg type=X_PCHANGE errno=EINVAL '
	expect_in out spdexpire '^a: msg type=X_SPDEXPIRE errno=EINVAL '
	expect_in out spdacquire '^a: msg type=X_SPDACQUIRE errno=EINVAL '
	expect_in out others '^b: none$'
	expect_in out get '^a:   sa spi=4000 replay=0 state=mature '
}
expire_from_user_cleanup()
{
	keyd_cleanup
}

atf_test_case lifetime_expiry cleanup
lifetime_expiry_head()
{
	atf_set descr "Soft then hard lifetime expiry sends EXPIRE to registered sockets"
	atf_set require.user root
	atf_set timeout 30
}
lifetime_expiry_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
open c
open d
send c REGISTER satype=esp
drain c
send d REGISTER satype=ah
drain d
send a ADD satype=esp spi=6000 $SA_ADDRS enc=aes-cbc:$KEY16 ls=1 lh=3
drain a
drain b
drain c
drain d
echo == soft
recv c 3000
echo == soft-ah-registered
recv d 1000
echo == dying
send a GET satype=esp spi=6000 $SA_ADDRS
recv a
echo == hard
recv c 4000
echo == hard-ah-registered
recv d 1000
echo == gone
send a GET satype=esp spi=6000 $SA_ADDRS
recv a
echo == unregistered
expect-none a 300
expect-none b 300
EOF
	expect_in out soft '^c: msg type=EXPIRE errno=0 satype=esp '
	expect_in out soft '^c:   sa spi=6000 '
	expect_in out soft '^c:   lifetime_current '
	expect_in out soft '^c:   lifetime_soft alloc=0 bytes=0 add=1 use=0$'
	expect_not_in out soft 'lifetime_hard'
	expect_in out soft '^c:   src proto=255 plen=32 192\.168\.0\.3$'
	expect_in out soft '^c:   dst proto=255 plen=32 192\.168\.0\.5$'
	expect_not_in out soft 'key_'
	# The kernel's EXPIRE: <base, SA, SA2, LIFETIME_CURRENT, LIFETIME_SOFT
	# or LIFETIME_HARD, SRC, DST>, with pid 0.
	expect_in out soft '^c: msg type=EXPIRE errno=0 satype=esp len=[0-9]+ seq=[0-9]+ pid=0 '
	expect_ext_order sect.soft c "sa sa2 lifetime_current lifetime_soft src dst"
	# Expiry goes to sockets registered for any satype.
	expect_in out soft-ah-registered '^d: msg type=EXPIRE errno=0 satype=esp '
	expect_in out soft-ah-registered '^d:   lifetime_soft '
	expect_in out hard-ah-registered '^d: msg type=EXPIRE errno=0 satype=esp '
	expect_in out hard-ah-registered '^d:   lifetime_hard '
	expect_in out dying '^a:   sa spi=6000 replay=0 state=dying '
	expect_in out hard '^c: msg type=EXPIRE errno=0 satype=esp '
	expect_in out hard '^c:   sa spi=6000 '
	expect_in out hard '^c:   lifetime_hard alloc=0 bytes=0 add=3 use=0$'
	expect_not_in out hard 'lifetime_soft'
	expect_ext_order sect.hard c "sa sa2 lifetime_current lifetime_hard src dst"
	expect_in out gone '^a: msg type=GET errno=ESRCH '
	expect_in out unregistered '^a: none$'
	expect_in out unregistered '^b: none$'
}
lifetime_expiry_cleanup()
{
	keyd_cleanup
}

atf_test_case dying_update cleanup
dying_update_head()
{
	atf_set descr "UPDATE with new lifetimes makes a dying SA mature again"
	atf_set require.user root
	atf_set timeout 30
}
dying_update_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open c
send c REGISTER satype=esp
drain c
send a ADD satype=esp spi=6100 $SA_ADDRS enc=aes-cbc:$KEY16 ls=1 lh=100
drain a
drain c
echo == soft
recv c 3000
echo == dying
send a GET satype=esp spi=6100 $SA_ADDRS
recv a
echo == update
send a UPDATE satype=esp spi=6100 $SA_ADDRS lh=200 ls=100
recv a
echo == mature
send a GET satype=esp spi=6100 $SA_ADDRS
recv a
EOF
	expect_in out soft '^c: msg type=EXPIRE errno=0 satype=esp '
	expect_in out dying '^a:   sa spi=6100 replay=0 state=dying '
	expect_in out update '^a: msg type=UPDATE errno=0 '
	expect_in out mature '^a:   sa spi=6100 replay=0 state=mature '
	expect_in out mature '^a:   lifetime_hard alloc=0 bytes=0 add=200 use=0$'
	expect_in out mature '^a:   lifetime_soft alloc=0 bytes=0 add=100 use=0$'
}
dying_update_cleanup()
{
	keyd_cleanup
}

atf_test_case larval_timeout cleanup
larval_timeout_head()
{
	atf_set descr "A larval SA is discarded 30 seconds after GETSPI"
	atf_set require.user root
	atf_set timeout 60
}
larval_timeout_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
send a GETSPI satype=esp $SA_ADDRS spirange=7000-7000
drain a
sleep 20000
echo == at20
send a DUMP
recv a
sleep 15000
echo == at35
send a DUMP
recv a
EOF
	expect_in out at20 '^a: msg type=DUMP errno=0 '
	expect_in out at20 '^a:   sa spi=7000 replay=[0-9]+ state=larval '
	expect_in out at35 '^a: msg type=DUMP errno=ENOENT '
}
larval_timeout_cleanup()
{
	keyd_cleanup
}

atf_test_case promisc cleanup
promisc_head()
{
	atf_set descr "X_PROMISC on and off; promiscuous sockets get wrapped copies"
	atf_set require.user root
}
promisc_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
open c
echo == on
send b X_PROMISC satype=1
recvall b 300
recvall a 300
recvall c 300
echo == add
send a ADD satype=esp spi=8000 $SA_ADDRS enc=aes-cbc:$KEY16
recvall b 300
recvall c 300
drain a
echo == get
send a GET satype=esp spi=8000 $SA_ADDRS
recvall b 300
recvall c 300
drain a
echo == off
send b X_PROMISC satype=0
recvall b 300
drain a
drain c
echo == satype-3
send b X_PROMISC satype=esp
recv b
expect-none a 300
echo == after-off
send a ADD satype=esp spi=8001 $SA_ADDRS enc=aes-cbc:$KEY16
recvall b 300
drain a
drain c
EOF
	expect_in out on '^a: msg type=X_PROMISC errno=0 satype=1 len=2 '
	expect_in out on '^b: msg type=X_PROMISC errno=0 satype=1 len=2 '
	expect_in out on '^c: msg type=X_PROMISC errno=0 satype=1 len=2 '

	expect_in out add '^b: msg type=ADD errno=0 satype=esp '
	expect_in out add '^b: msg type=X_PROMISC '
	expect_in out add '^b:   inner type=ADD errno=0 satype=esp '
	expect_in out add '^b:     sa spi=8000 '
	expect_in out add '^c: msg type=ADD errno=0 satype=esp '
	expect_not_in out add '^c: msg type=X_PROMISC'

	expect_in out get '^b: msg type=X_PROMISC '
	expect_in out get '^b:   inner type=GET errno=0 satype=esp '
	expect_not_in out get '^b: msg type=GET'
	expect_in out get '^c: received 0$'

	expect_in out off '^b: msg type=X_PROMISC errno=0 satype=unspec len=2 '
	expect_in out satype-3 '^b: msg type=X_PROMISC errno=EINVAL '
	expect_in out satype-3 '^a: none$'
	expect_in out after-off '^b: msg type=ADD errno=0 satype=esp '
	expect_not_in out after-off '^b: msg type=X_PROMISC'
	expect_in out after-off '^b: received 1$'
}
promisc_cleanup()
{
	keyd_cleanup
}

atf_test_case header_errors cleanup
header_errors_head()
{
	atf_set descr "Wrong version, message type and satype are rejected as FreeBSD does"
	atf_set require.user root
}
header_errors_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == satype-1
send a FLUSH satype=1
recv a
echo == version-1
send a ADD satype=esp spi=4000 $SA_ADDRS enc=aes-cbc:$KEY16 version=1
recv a
echo == version-3
send a DUMP version=3
recv a
echo == type-0
send a 0
recv a
echo == type-23
send a 23
recv a
echo == type-200
send a 200
recv a
echo == rsvp
send a ADD satype=rsvp spi=4000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == ospfv2
send a DUMP satype=ospfv2
recv a
echo == ripv2
send a FLUSH satype=ripv2
recv a
echo == mip
send a REGISTER satype=mip
recv a
echo == satype-4
send a DUMP satype=4
recv a
echo == getspi-unspec
send a GETSPI satype=0 $SA_ADDRS
recv a
echo == update-unspec
send a UPDATE satype=0 spi=4000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == add-unspec
send a ADD satype=0 spi=4000 $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == delete-unspec
send a DELETE satype=0 spi=4000 $SA_ADDRS
recv a
echo == get-unspec
send a GET satype=0 spi=4000 $SA_ADDRS
recv a
echo == acquire-unspec
send a ACQUIRE satype=0 $SA_ADDRS ext=13:00000000
recv a
echo == expire-unspec
send a EXPIRE satype=0 spi=4000 $SA_ADDRS
recv a
echo == spdadd-esp
send a SPDADD satype=esp src=10.0.0.0/24 dst=10.0.1.0/24 policy="out discard"
recv a
echo == spdflush-ah
send a SPDFLUSH satype=ah
recv a
echo == others
expect-none b 300
echo == dumps
send a DUMP
recv a
send a SPDDUMP
recv a
echo == errno-field
send a ADD satype=esp spi=4001 $SA_ADDRS enc=aes-cbc:$KEY16 errno=22
recv a
EOF
	for s in satype-1 version-1 version-3 type-0 type-23 type-200 satype-4 \
	    getspi-unspec update-unspec add-unspec delete-unspec get-unspec \
	    acquire-unspec expire-unspec spdadd-esp spdflush-ah; do
		expect_in out $s '^a: msg type=[A-Z0-9_]+ errno=EINVAL '
	done
	for s in rsvp ospfv2 ripv2 mip; do
		expect_in out $s '^a: msg type=[A-Z0-9_]+ errno=EOPNOTSUPP '
	done
	expect_in out type-23 '^a: msg type=23 errno=EINVAL '
	expect_in out others '^b: none$'
	expect_in out dumps '^a: msg type=DUMP errno=ENOENT '
	expect_in out dumps '^a: msg type=X_SPDDUMP errno=ENOENT '
	# The errno field of a request is ignored, and a reply clears it.
	expect_in out errno-field '^a: msg type=ADD errno=0 '
	keyd_alive $NS
}
header_errors_cleanup()
{
	keyd_cleanup
}

atf_test_case missing_extensions cleanup
missing_extensions_head()
{
	atf_set descr "Each message type rejects a request without its required extensions"
	atf_set require.user root
}
missing_extensions_body()
{
	keyd_start $NS
	kc $NS out <<EOF
open a
open b
echo == getspi-no-dst
send a GETSPI satype=esp src=192.168.0.3
recv a
echo == update-no-sa
send a UPDATE satype=esp $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == add-no-sa
send a ADD satype=esp $SA_ADDRS enc=aes-cbc:$KEY16
recv a
echo == delete-no-dst
send a DELETE satype=esp spi=1000 src=192.168.0.3
recv a
echo == get-no-sa
send a GET satype=esp $SA_ADDRS
recv a
echo == acquire-no-proposal
send a ACQUIRE satype=esp $SA_ADDRS
recv a
echo == spdadd-no-src
send a SPDADD dst=10.0.1.0/24 policy="out discard"
recv a
echo == spddelete-no-policy
send a SPDDELETE src=10.0.0.0/24 dst=10.0.1.0/24
recv a
echo == spdget-no-policy
send a SPDGET
recv a
echo == spddelete2-no-policy
send a SPDDELETE2
recv a
echo == others
expect-none b 300
echo == dumps
send a DUMP
recv a
send a SPDDUMP
recv a
EOF
	for s in getspi-no-dst update-no-sa add-no-sa delete-no-dst get-no-sa \
	    acquire-no-proposal spdadd-no-src spddelete-no-policy \
	    spdget-no-policy spddelete2-no-policy; do
		expect_in out $s '^a: msg type=[A-Z0-9_]+ errno=EINVAL '
	done
	expect_in out others '^b: none$'
	expect_in out dumps '^a: msg type=DUMP errno=ENOENT '
	expect_in out dumps '^a: msg type=X_SPDDUMP errno=ENOENT '
}
missing_extensions_cleanup()
{
	keyd_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case register
	atf_add_test_case register_unspec_copy
	atf_add_test_case acquire
	atf_add_test_case expire_from_user
	atf_add_test_case lifetime_expiry
	atf_add_test_case dying_update
	atf_add_test_case larval_timeout
	atf_add_test_case promisc
	atf_add_test_case header_errors
	atf_add_test_case missing_extensions
}
