#! /usr/bin/env atf-sh
#
# ESP with AES-CBC (RFC 3602) and 128, 192 and 256-bit keys, alone and
# with each HMAC-SHA1 and HMAC-SHA2 integrity algorithm.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases aes128	aes-cbc	16	none	0
alg_cases aes128_hmac_sha1	aes-cbc	16	hmac-sha1	20
alg_cases aes128_hmac_sha2_256	aes-cbc	16	hmac-sha2-256	32
alg_cases aes128_hmac_sha2_384	aes-cbc	16	hmac-sha2-384	48
alg_cases aes128_hmac_sha2_512	aes-cbc	16	hmac-sha2-512	64
alg_cases aes192	aes-cbc	24	none	0
alg_cases aes192_hmac_sha1	aes-cbc	24	hmac-sha1	20
alg_cases aes192_hmac_sha2_256	aes-cbc	24	hmac-sha2-256	32
alg_cases aes192_hmac_sha2_384	aes-cbc	24	hmac-sha2-384	48
alg_cases aes192_hmac_sha2_512	aes-cbc	24	hmac-sha2-512	64
alg_cases aes256	aes-cbc	32	none	0
alg_cases aes256_hmac_sha1	aes-cbc	32	hmac-sha1	20
alg_cases aes256_hmac_sha2_256	aes-cbc	32	hmac-sha2-256	32
alg_cases aes256_hmac_sha2_384	aes-cbc	32	hmac-sha2-384	48
alg_cases aes256_hmac_sha2_512	aes-cbc	32	hmac-sha2-512	64

atf_init_test_cases()
{
	alg_init
}
