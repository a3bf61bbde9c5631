#! /usr/bin/env atf-sh
#
# ESP with ChaCha20-Poly1305 (RFC 7634): a 256-bit key and a 4-byte salt.
# tshark 4.0 cannot decrypt it, so scapy is the only oracle.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases chacha20_poly1305	chacha20-poly1305	36	none	0

atf_init_test_cases()
{
	alg_init
}
