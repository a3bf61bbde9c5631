#! /usr/bin/env atf-sh
#
# ESP with AES-XCBC-MAC-96 (RFC 3566) and AES-CBC.  tshark decrypts
# without checking the ICV; scapy, with an AES-XCBC-MAC added, checks it.
# Each case runs IPv4 and IPv6 pings both ways over an IPv4 (_v4) and
# an IPv6 (_v6) tunnel between two keyd hosts.
#

. "$(atf_get_srcdir)/tunnel.subr"

alg_cases aes128_xcbc	aes-cbc	16	aes-xcbc-mac	16

atf_init_test_cases()
{
	alg_init
}
