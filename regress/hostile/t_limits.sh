#! /usr/bin/env atf-sh
#
# keyd's configurable limits: the number of SAs (-m), of policies (-M)
# and the bytes queued for a client (-q).  A request over a limit gets
# ENOBUFS, leaves the stored entries as they were, and the limit frees up
# again when entries are removed.
#

. "$(atf_get_srcdir)/hostile.subr"

NS=hst-lim-$$
A="src=192.168.0.3 dst=192.168.0.5"

atf_test_case max_sas cleanup
max_sas_head()
{
	atf_set descr "keyd -m 10: the 11th SA gets ENOBUFS, from ADD and GETSPI"
	atf_set require.user root
}
max_sas_body()
{
	hst_require
	keyd_start $NS @keyd -m 10
	awk -v key=$KEY16 -v a="$A" 'BEGIN {
		print "open a"
		for (i = 0; i < 10; i++) {
			printf "send a ADD satype=esp spi=%d %s enc=aes-cbc:%s\n",
			    1000 + i, a, key
			print "recv a 1000"
		}
		print "echo == add-11"
		printf "send a ADD satype=esp spi=2000 %s enc=aes-cbc:%s\n", a, key
		print "recv a 1000"
		print "echo == getspi-11"
		printf "send a GETSPI satype=esp %s spirange=3000-4000\n", a
		print "recv a 1000"
		print "echo == delete-one"
		printf "send a DELETE satype=esp spi=1000 %s\n", a
		print "recv a 1000"
		print "echo == add-again"
		printf "send a ADD satype=esp spi=2000 %s enc=aes-cbc:%s\n", a, key
		print "recv a 1000"
		print "echo == dump"
		print "send a DUMP"
		print "dumpall a"
	}' > script
	kc $NS out < script
	expect_count out '^a: msg type=ADD errno=0 ' 11
	expect_in out add-11 '^a: msg type=ADD errno=ENOBUFS '
	expect_in out getspi-11 '^a: msg type=GETSPI errno=ENOBUFS '
	expect_in out delete-one '^a: msg type=DELETE errno=0 '
	expect_in out add-again '^a: msg type=ADD errno=0 '
	expect_in out dump '^a: dumpall count=10 ordered=yes end=seq0$'
	keyd_answers $NS
}
max_sas_cleanup()
{
	keyd_cleanup
}

atf_test_case max_policies cleanup
max_policies_head()
{
	atf_set descr "keyd -M 5: the 6th policy gets ENOBUFS"
	atf_set require.user root
}
max_policies_body()
{
	hst_require
	keyd_start $NS @keyd -M 5
	awk 'BEGIN {
		print "open a"
		for (i = 1; i <= 5; i++) {
			printf "send a SPDADD src=10.%d.0.0/16 dst=10.99.0.0/16" \
			    " policy=\"out discard\"\n", i
			print "recv a 1000"
		}
		print "echo == spdadd-6"
		print "send a SPDADD src=10.6.0.0/16 dst=10.99.0.0/16" \
		    " policy=\"out discard\""
		print "recv a 1000"
		print "echo == spdupdate-6"
		print "send a SPDUPDATE src=10.7.0.0/16 dst=10.99.0.0/16" \
		    " policy=\"out discard\""
		print "recv a 1000"
		print "echo == spddelete-one"
		print "send a SPDDELETE src=10.1.0.0/16 dst=10.99.0.0/16" \
		    " policy=\"out discard\""
		print "recv a 1000"
		print "echo == spdadd-again"
		print "send a SPDADD src=10.6.0.0/16 dst=10.99.0.0/16" \
		    " policy=\"out discard\""
		print "recv a 1000"
	}' > script
	kc $NS out < script
	expect_count out '^a: msg type=X_SPDADD errno=0 ' 6
	expect_in out spdadd-6 '^a: msg type=X_SPDADD errno=ENOBUFS '
	expect_in out spdupdate-6 '^a: msg type=X_SPDUPDATE errno=ENOBUFS '
	expect_in out spddelete-one '^a: msg type=X_SPDDELETE errno=0 '
	expect_in out spdadd-again '^a: msg type=X_SPDADD errno=0 '
	in_ns $NS "$SETKEY" -DP > spd.out 2>&1
	expect_count spd.out '^10\.[0-9]+\.0\.0/16\[any\] 10\.99\.0\.0/16' 5
	# A tunnel's four interface policies do not fit either, and
	# ifipsecctl names the limit.
	in_ns $NS "$IFIPSECCTL" ipsec0 create ||
	    atf_fail "cannot create ipsec0"
	atf_check -s exit:1 -o empty \
	    -e match:'ipsec0: tunnel: No buffer space available; keyd has reached its policy limit \(keyd -M\)' \
	    ip netns exec $NS "$IFIPSECCTL" ipsec0 inet tunnel 192.168.0.3 \
	    192.168.0.5
	keyd_answers $NS
}
max_policies_cleanup()
{
	keyd_cleanup
}

atf_test_case queue_minimum cleanup
queue_minimum_head()
{
	atf_set descr "keyd -q rejects a queue smaller than 65536 bytes"
	atf_set require.user root
}
queue_minimum_body()
{
	hst_require
	atf_check -s exit:1 -e match:'invalid queue size' "$KEYD" -F -q 65535
	atf_check -s exit:1 -e match:'invalid maximum SAs' "$KEYD" -F -m 0
	atf_check -s exit:1 -e match:'invalid maximum policies' "$KEYD" -F -M 0
}

atf_init_test_cases()
{
	atf_add_test_case max_sas
	atf_add_test_case max_policies
	atf_add_test_case queue_minimum
}
