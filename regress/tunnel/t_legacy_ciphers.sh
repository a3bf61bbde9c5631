#! /usr/bin/env atf-sh
#
# ESP with the ciphers FreeBSD 13 dropped and older scripts still use:
# 3DES, Blowfish, CAST-128 and Camellia in CBC mode, with HMAC-SHA1.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases tripledes	3des-cbc	24	hmac-sha1	20
alg_cases blowfish	blowfish-cbc	16	hmac-sha1	20
alg_cases cast128	cast128-cbc	16	hmac-sha1	20
alg_cases camellia128	camellia-cbc	16	hmac-sha1	20
alg_cases camellia256	camellia-cbc	32	hmac-sha1	20

atf_init_test_cases()
{
	alg_init
}
