#! /usr/bin/env atf-sh
#
# keyd against scapy's ESP implementation: host B is not keyd but a scapy
# script that decrypts host A's ESP and replies to each echo request with
# an echo reply that it encrypts itself.  A's pings succeed only if keyd's
# ESP and scapy's agree in both directions.
#

. "$(atf_get_srcdir)/tunnel.subr"

# peer_test OUTER ENC ENCBYTES AUTH AUTHBYTES [esn]: runs host A with keyd
# over an IPv4 or IPv6 (OUTER 4 or 6) tunnel to a scapy host B, and pings
# B's inner IPv4 and IPv6 addresses three times each.  With esn, both use
# extended sequence numbers (setkey -esn).
peer_test()
{
	local outer=$1 enc=$2 auth=$4 ek1 ek2 ak1 ak2 ab ba family pid rc
	local esn_flag= esn_opt=

	if [ "${6:-}" = esn ]; then
		esn_flag=-esn
		esn_opt=--esn
	fi

	tnt_require_scapy
	ek1=$(hexkey $ENC_HEX "$3")
	ek2=$(hexkey $ENC_HEX "$3" flip)
	ak1=$(hexkey $AUTH_HEX "$5")
	ak2=$(hexkey $AUTH_HEX "$5" flip)
	ab="$esn_flag -E $enc $(setkey_key "$ek1")"
	ba="$esn_flag -E $enc $(setkey_key "$ek2")"
	if [ "$auth" != none ]; then
		ab="$ab -A $auth 0x$ak1"
		ba="$ba -A $auth 0x$ak2"
	fi
	if [ "$outer" = 4 ]; then
		LA=192.168.0.3 LB=192.168.0.5 family=inet
	else
		LA=2001:db8::3 LB=2001:db8::5 family=inet6
	fi

	tnt_hosts
	keyd_start "$NS_A"
	host_run "$NS_A" A <<EOF
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 $family tunnel $LA $LB
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
ifconfig ipsec0 inet6 2001:db8:1::3/128 2001:db8:1::5
setkey -c <<'EOT'
add $LA $LB esp 10000 -m tunnel -u 100 $ab;
add $LB $LA esp 10001 -m tunnel -u 100 $ba;
EOT
EOF
	wait_ipv6_ready "$NS_A"

	ip netns exec "$NS_B" "$PYTHON" "$TNT_SRCDIR/esp_peer.py" \
	    --local $LB --remote $LA --spi-in 10000 --spi-out 10001 \
	    --enc $enc --enc-key-in "$ek1" --enc-key-out "$ek2" \
	    --auth $auth --auth-key-in "$ak1" --auth-key-out "$ak2" \
	    --count 6 --timeout 30 --ready peer.ready $esn_opt \
	    > peer.log 2> peer.err &
	pid=$!
	record_pid $pid
	while [ ! -f peer.ready ]; do
		kill -0 $pid 2>/dev/null ||
		    atf_fail "esp_peer.py exited: $(cat peer.err)"
		sleep 0.1
	done

	ping_ok "$NS_A" 172.16.0.5 3
	ping_ok "$NS_A" 2001:db8:1::5 3
	wait $pid
	rc=$?
	echo "=== scapy peer (exit $rc)"
	cat peer.log
	grep -v Warning peer.err >&2
	[ $rc -eq 0 ] || atf_fail "the scapy peer did not send 6 replies"
	expect_no_bad peer.log
	keyd_alive "$NS_A"
}

# expect_no_bad LOG: fails if the scapy peer rejected a packet from keyd.
expect_no_bad()
{
	! grep -q "^bad " "$1" ||
	    atf_fail "scapy rejected ESP from keyd: $(grep "^bad " "$1")"
}

peer_case()
{
	local name=$1 outer=$2 descr=$3

	shift 3
	atf_test_case "$name" cleanup
	eval "${name}_head()
	{
		atf_set descr '$descr'
		atf_set require.user root
		atf_set timeout 90
	}
	${name}_body()
	{
		peer_test $outer $*
	}
	${name}_cleanup()
	{
		tnt_cleanup
	}"
}

peer_case aes_gcm_v4 4 "keyd and scapy exchange AES-GCM-16 ESP over IPv4" \
    aes-gcm-16 20 none 0
peer_case aes_gcm_v6 6 "keyd and scapy exchange AES-GCM-16 ESP over IPv6" \
    aes-gcm-16 20 none 0
peer_case aes_cbc_hmac_sha1_v4 4 \
    "keyd and scapy exchange AES-CBC with HMAC-SHA1 ESP over IPv4" \
    aes-cbc 16 hmac-sha1 20
peer_case aes_cbc_hmac_sha1_v6 6 \
    "keyd and scapy exchange AES-CBC with HMAC-SHA1 ESP over IPv6" \
    aes-cbc 16 hmac-sha1 20

peer_case aes_gcm_esn 4 "keyd and scapy exchange AES-GCM-16 ESP with ESN" \
    aes-gcm-16 20 none 0 esn
peer_case aes_cbc_hmac_sha1_esn 4 \
    "keyd and scapy exchange AES-CBC with HMAC-SHA1 ESP with ESN" \
    aes-cbc 16 hmac-sha1 20 esn
# The other algorithm families, each paired with another integrity
# algorithm, so that scapy checks keyd's input side for all of them.
peer_case aes_ctr_hmac_sha2_256 4 \
    "keyd and scapy exchange AES-CTR with HMAC-SHA2-256 ESP" \
    aes-ctr 20 hmac-sha2-256 32
peer_case chacha20_poly1305 4 \
    "keyd and scapy exchange ChaCha20-Poly1305 ESP" \
    chacha20-poly1305 36 none 0
peer_case null_hmac_sha2_384 4 \
    "keyd and scapy exchange null-cipher ESP with HMAC-SHA2-384" \
    null 0 hmac-sha2-384 48
peer_case tripledes_hmac_md5 4 \
    "keyd and scapy exchange 3DES-CBC with HMAC-MD5 ESP" \
    3des-cbc 24 hmac-md5 16
peer_case blowfish_hmac_sha2_512 4 \
    "keyd and scapy exchange Blowfish-CBC with HMAC-SHA2-512 ESP" \
    blowfish-cbc 16 hmac-sha2-512 64
peer_case cast128_hmac_ripemd160 4 \
    "keyd and scapy exchange CAST128-CBC with HMAC-RIPEMD160 ESP" \
    cast128-cbc 16 hmac-ripemd160 20
peer_case camellia_aes_xcbc_mac 4 \
    "keyd and scapy exchange Camellia-CBC with AES-XCBC-MAC ESP" \
    camellia-cbc 32 aes-xcbc-mac 16

atf_init_test_cases()
{
	atf_add_test_case aes_gcm_v4
	atf_add_test_case aes_gcm_v6
	atf_add_test_case aes_cbc_hmac_sha1_v4
	atf_add_test_case aes_cbc_hmac_sha1_v6
	atf_add_test_case aes_gcm_esn
	atf_add_test_case aes_cbc_hmac_sha1_esn
	atf_add_test_case aes_ctr_hmac_sha2_256
	atf_add_test_case chacha20_poly1305
	atf_add_test_case null_hmac_sha2_384
	atf_add_test_case tripledes_hmac_md5
	atf_add_test_case blowfish_hmac_sha2_512
	atf_add_test_case cast128_hmac_ripemd160
	atf_add_test_case camellia_aes_xcbc_mac
}
