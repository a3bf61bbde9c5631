#! /usr/bin/env atf-sh
#
# Rekeying by hand.  With two SAs for the same tunnel and reqid, the
# oldest carries the traffic, because FreeBSD's net.key.preferred_oldsa
# is 1 by default.  Once it is deleted, the newer one takes over without
# any change to ipsec0.
#

. "$(atf_get_srcdir)/tunnel.subr"

KEY3=0x566572795365637572654b6579212133	# "VerySecureKey!!3"
KEY4=0x566572795365637572654b6579212134	# "VerySecureKey!!4"

# rekey_host NS NAME REQID N PEER: runs the manual page's lines for the
# host 192.168.0.N, whose peer is 192.168.0.PEER, then adds a second,
# newer SA pair 10002 and 10003.
rekey_host()
{
	host_run "$1" "$2" <<EOF
ifconfig ipsec0 create reqid $3
ifconfig ipsec0 inet tunnel 192.168.0.$4 192.168.0.$5
ifconfig ipsec0 inet 172.16.0.$4/16 172.16.0.$5
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u $3 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u $3 -E rijndael-cbc "VerySecureKey!!2";
EOT
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10002 -m tunnel -u $3 -E rijndael-cbc "VerySecureKey!!3";
add 192.168.0.5 192.168.0.3 esp 10003 -m tunnel -u $3 -E rijndael-cbc "VerySecureKey!!4";
EOT
EOF
}

atf_test_case oldest_then_newer cleanup
oldest_then_newer_head()
{
	atf_set descr "The oldest SA carries traffic until it is deleted"
	atf_set require.user root
	atf_set timeout 90
}
oldest_then_newer_body()
{
	tnt_hosts noipv6
	tnt_keyds
	rekey_host "$NS_A" A 100 3 5
	rekey_host "$NS_B" B 200 5 3

	capture_start "$NS_A" "$VETH_A" old.pcap
	ping_ok "$NS_A" 172.16.0.5 2
	ping_ok "$NS_B" 172.16.0.3 2
	capture_stop old.pcap
	expect_spis old.pcap 10000 10001

	for ns in "$NS_A" "$NS_B"; do
		in_ns "$ns" setkey -c > delete.out 2>&1 <<'EOF'
delete 192.168.0.3 192.168.0.5 esp 10000;
delete 192.168.0.5 192.168.0.3 esp 10001;
EOF
		atf_check -o empty cat delete.out
	done

	capture_start "$NS_A" "$VETH_A" new.pcap
	ping_ok "$NS_A" 172.16.0.5 2
	ping_ok "$NS_B" 172.16.0.3 2
	capture_stop new.pcap
	expect_spis new.pcap 10002 10003
	tshark_decrypt new.pcap new.out \
	    "$(uat_sa IPv4 192.168.0.3 192.168.0.5 10002 \
	    'AES-CBC [RFC3602]' $KEY3 NULL '')" \
	    "$(uat_sa IPv4 192.168.0.5 192.168.0.3 10003 \
	    'AES-CBC [RFC3602]' $KEY4 NULL '')"
	expect_decrypted new.out no 8
	keyd_alive "$NS_A"
	keyd_alive "$NS_B"
}
oldest_then_newer_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case oldest_then_newer
}
