#! /usr/bin/env atf-sh
#
# ESP with AES-GCM and a 16-byte ICV (RFC 4106): the key is followed by a
# 4-byte salt.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases aes128_gcm	aes-gcm-16	20	none	0
alg_cases aes256_gcm	aes-gcm-16	36	none	0

atf_init_test_cases()
{
	alg_init
}
