#! /usr/bin/env atf-sh
#
# keyd's own capture of ipsec0 (ifipsecctl ipsec0 capture FILE), read by
# tshark: the file contains the cleartext crossing ipsec0 and the ESP sent
# and received for it, the ESP records are the packets seen on the veth,
# and tshark decrypts them with the SA keys.
#

. "$(atf_get_srcdir)/tunnel.subr"

KEY1=0x566572795365637572654b6579212131	# "VerySecureKey!!1"
KEY2=0x566572795365637572654b6579212132	# "VerySecureKey!!2"

# esp_ids FILE: prints SPI, sequence number and IP length of each ESP
# packet in FILE, sorted.
esp_ids()
{
	tsh "$1" -Y esp -T fields -E occurrence=f -e esp.spi -e esp.sequence \
	    -e ip.len | sort
}

atf_test_case capture cleanup
capture_head()
{
	atf_set descr "keyd's capture of ipsec0 has cleartext and ESP that" \
	    "tshark decrypts"
	atf_set require.user root
	atf_set timeout 60
}
capture_body()
{
	manpage_hosts
	capture_start "$NS_A" "$VETH_A" wire.pcap
	in_ns "$NS_A" ifipsecctl ipsec0 capture "$PWD/keyd.pcap" ||
	    atf_fail "ifipsecctl ipsec0 capture failed"
	ping_ok "$NS_A" 172.16.0.5 3
	in_ns "$NS_A" ifipsecctl ipsec0 -capture ||
	    atf_fail "ifipsecctl ipsec0 -capture failed"
	capture_stop wire.pcap

	[ "$(stat -c %a keyd.pcap)" = 600 ] ||
	    atf_fail "keyd.pcap has mode $(stat -c %a keyd.pcap), not 600"
	echo "=== keyd.pcap"
	tsh keyd.pcap
	expect_frames keyd.pcap "!esp && icmp.type == 8 &&
	    ip.src == 172.16.0.3" 3 "cleartext echo requests"
	expect_frames keyd.pcap "!esp && icmp.type == 0 &&
	    ip.src == 172.16.0.5" 3 "cleartext echo replies"
	expect_frames keyd.pcap "esp" 6 "ESP packets"

	esp_ids keyd.pcap > keyd.ids
	esp_ids wire.pcap > wire.ids
	if ! cmp -s wire.ids keyd.ids; then
		diff -u wire.ids keyd.ids
		atf_fail "the ESP in keyd.pcap differs from the ESP on the veth"
	fi

	tshark_decrypt keyd.pcap decrypted.out \
	    "$(uat_sa IPv4 192.168.0.3 192.168.0.5 10000 \
	    'AES-CBC [RFC3602]' $KEY1 NULL '')" \
	    "$(uat_sa IPv4 192.168.0.5 192.168.0.3 10001 \
	    'AES-CBC [RFC3602]' $KEY2 NULL '')"
	expect_decrypted decrypted.out no 6
}
capture_cleanup()
{
	tnt_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case capture
}
