#! /usr/bin/env atf-sh
#
# ESP with AES-CTR (RFC 3686): the key is followed by a 4-byte nonce.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases aes128_ctr	aes-ctr	20	none	0
alg_cases aes128_ctr_hmac_sha1	aes-ctr	20	hmac-sha1	20
alg_cases aes192_ctr_hmac_sha2_256	aes-ctr	28	hmac-sha2-256	32
alg_cases aes256_ctr_hmac_sha2_512	aes-ctr	36	hmac-sha2-512	64

atf_init_test_cases()
{
	alg_init
}
