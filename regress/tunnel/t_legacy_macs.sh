#! /usr/bin/env atf-sh
#
# ESP with the integrity algorithms FreeBSD 13 dropped: HMAC-MD5-96
# (RFC 2403) and HMAC-RIPEMD-160-96 (RFC 2857), with AES-CBC.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases aes128_hmac_md5	aes-cbc	16	hmac-md5	16
alg_cases aes128_hmac_ripemd160	aes-cbc	16	hmac-ripemd160	20

atf_init_test_cases()
{
	alg_init
}
