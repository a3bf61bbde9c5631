#! /usr/bin/env atf-sh
#
# ESP with the null cipher (RFC 2410), with and without HMAC-SHA1.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases null		null	0	none	0
alg_cases null_hmac_sha1	null	0	hmac-sha1	20

atf_init_test_cases()
{
	alg_init
}
