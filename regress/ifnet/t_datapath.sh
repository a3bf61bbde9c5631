#! /usr/bin/env atf-sh
#
# Smoke tests of the data plane behind ipsecN interfaces: counters, the
# ACQUIRE for a tunnel without SAs, and pcap capture.  The end-to-end
# tunnel tests with independent ESP implementations live elsewhere.
#

. "$(atf_get_srcdir)/ifnet_test.subr"

NS_A=ift-dpa-$$
NS_B=ift-dpb-$$
IFC_A="ip netns exec $NS_A $IFIPSECCTL"
IFC_B="ip netns exec $NS_B $IFIPSECCTL"

# hosts: host A (192.168.0.3) and host B (192.168.0.5) joined by a veth
# pair, each with keyd and ipsec0 set up as in the if_ipsec(4) example,
# without SAs.
hosts()
{
	ift_start $NS_A
	ift_start $NS_B
	ip link add ift-va netns $NS_A type veth peer name ift-vb netns $NS_B
	ip -n $NS_A addr add 192.168.0.3/24 dev ift-va
	ip -n $NS_B addr add 192.168.0.5/24 dev ift-vb
	ip -n $NS_A link set ift-va up
	ip -n $NS_B link set ift-vb up
	atf_check $IFC_A ipsec0 create reqid 100
	atf_check $IFC_A ipsec0 inet tunnel 192.168.0.3 192.168.0.5
	atf_check $IFC_A ipsec0 inet 172.16.0.3/16 172.16.0.5
	atf_check $IFC_B ipsec0 create reqid 100
	atf_check $IFC_B ipsec0 inet tunnel 192.168.0.5 192.168.0.3
	atf_check $IFC_B ipsec0 inet 172.16.0.5/16 172.16.0.3
}

# sas NS: adds the example's two SAs in NS.
sas()
{
	atf_check -o empty ip netns exec $1 "$SETKEY" -c <<'EOS'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
EOS
}

atf_test_case acquire_no_sa cleanup
acquire_no_sa_head()
{
	atf_set descr "without an SA, packets are dropped and one ACQUIRE goes to registered sockets"
	atf_set require.user root
}
acquire_no_sa_body()
{
	hosts
	ip netns exec $NS_A "$KEYCLIENT" -q > kc <<'EOS' &
open a
send a REGISTER satype=esp
recv a
sleep 2500
recvall a 300
EOS
	kcpid=$!
	echo $kcpid >> started_pids
	sleep 0.5
	atf_check -s exit:1 -o ignore \
	    ip netns exec $NS_A ping -c 3 -i 0.2 -W 1 172.16.0.5
	wait $kcpid
	atf_check -o inline:'1\n' grep -c '^a: msg type=ACQUIRE ' kc
	atf_check -o match:'dropped, no SA \(ACQUIRE sent\): 3$' $IFC_A -s ipsec0
	ift_alive $NS_A
}
acquire_no_sa_cleanup()
{
	ift_cleanup
}

atf_test_case acquire_repeat cleanup
acquire_repeat_head()
{
	atf_set descr "the ACQUIRE is sent again only after more than 10 further packets"
	atf_set require.user root
}
acquire_repeat_body()
{
	hosts
	ip netns exec $NS_A "$KEYCLIENT" -q > kc <<'EOS' &
open a
send a REGISTER satype=esp
recv a
sleep 3000
recvall a 300
EOS
	kcpid=$!
	echo $kcpid >> started_pids
	sleep 0.5
	# The first packet sends an ACQUIRE, the next 11 are counted, and
	# the 13th sends it again.
	atf_check -s exit:1 -o ignore \
	    ip netns exec $NS_A ping -c 13 -i 0.05 -W 1 172.16.0.5
	wait $kcpid
	atf_check -o inline:'2\n' grep -c '^a: msg type=ACQUIRE ' kc
	atf_check -o match:'dropped, no SA \(ACQUIRE sent\): 13$' $IFC_A -s ipsec0
	ift_alive $NS_A
}
acquire_repeat_cleanup()
{
	ift_cleanup
}

atf_test_case counters cleanup
counters_head()
{
	atf_set descr "pings through the tunnel count on the interface and SAs and in setkey -D"
	atf_set require.user root
}
counters_body()
{
	hosts
	sas $NS_A
	sas $NS_B
	atf_check -o match:'3 received' \
	    ip netns exec $NS_A ping -c 3 -i 0.2 -W 1 172.16.0.5
	$IFC_A -s > stats
	cat stats
	atf_check -o match:'^ipsec0: reqid 100$' \
	    -o match:'^	output: 3 packets, 252 bytes$' \
	    -o match:'^	input: 3 packets, 252 bytes$' cat stats
	atf_check -o match:'^esp spi=10000\(0x00002710\) 192\.168\.0\.3 -> 192\.168\.0\.5 mode=tunnel reqid=100 state=mature seq=3$' \
	    -o match:'^	output: 3 packets, 420 bytes$' cat stats
	atf_check -o not-match:dropped cat stats
	ip netns exec $NS_A "$SETKEY" -D > sad
	atf_check -o match:'seq=0x00000003 ' -o match:'current: 420\(bytes\)' \
	    -o match:'allocated: 3	' cat sad
	ift_alive $NS_A
	ift_alive $NS_B
}
counters_cleanup()
{
	ift_cleanup
}

atf_test_case capture_file cleanup
capture_file_head()
{
	atf_set descr "capture writes cleartext and ESP of the interface to a pcap file"
	atf_set require.user root
}
capture_file_body()
{
	command -v tcpdump > /dev/null || atf_skip "tcpdump is not installed"
	hosts
	sas $NS_A
	sas $NS_B
	atf_check $IFC_A ipsec0 capture cap.pcap
	atf_check -o match:"^	capture: $PWD/cap.pcap\$" $IFC_A ipsec0
	atf_check -o match:'2 received' \
	    ip netns exec $NS_A ping -c 2 -i 0.2 -W 1 172.16.0.5
	atf_check $IFC_A ipsec0 -capture
	atf_check -o not-match:capture $IFC_A ipsec0
	tcpdump -n -r cap.pcap > dump 2> /dev/null
	cat dump
	atf_check -o inline:'2\n' grep -c 'IP 172\.16\.0\.3 > 172\.16\.0\.5: ICMP echo request' dump
	atf_check -o inline:'2\n' grep -c 'IP 172\.16\.0\.5 > 172\.16\.0\.3: ICMP echo reply' dump
	atf_check -o inline:'2\n' grep -c 'IP 192\.168\.0\.3 > 192\.168\.0\.5: ESP(spi=0x00002710' dump
	atf_check -o inline:'2\n' grep -c 'IP 192\.168\.0\.5 > 192\.168\.0\.3: ESP(spi=0x00002711' dump
	atf_check -s exit:1 -e match:"capture $PWD/relative/none/x.pcap: No such file or directory" \
	    $IFC_A ipsec0 capture relative/none/x.pcap
}
capture_file_cleanup()
{
	ift_cleanup
}

atf_test_case capture_all cleanup
capture_all_head()
{
	atf_set descr "ifipsecctl -w captures every ESP packet keyd receives, unknown SPIs too"
	atf_set require.user root
}
capture_all_body()
{
	command -v tcpdump > /dev/null || atf_skip "tcpdump is not installed"
	[ -x /usr/bin/python3 ] || atf_skip "/usr/bin/python3 is not installed"
	hosts
	sas $NS_A
	sas $NS_B
	atf_check $IFC_A -w all.pcap
	atf_check -o match:'1 received' \
	    ip netns exec $NS_A ping -c 1 -W 1 172.16.0.5
	cat > unknown.py <<'EOP'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
s.sendto(bytes.fromhex('0000999900000001') + bytes(32), ('192.168.0.3', 0))
EOP
	atf_check ip netns exec $NS_B /usr/bin/python3 unknown.py
	sleep 0.3
	atf_check $IFC_A -W
	tcpdump -n -r all.pcap > dump 2> /dev/null
	cat dump
	atf_check -o inline:'1\n' grep -c 'ICMP echo request' dump
	atf_check -o inline:'1\n' grep -c 'ICMP echo reply' dump
	atf_check -o inline:'1\n' grep -c 'ESP(spi=0x00002710,seq=0x1)' dump
	atf_check -o inline:'1\n' grep -c 'ESP(spi=0x00002711,seq=0x1)' dump
	atf_check -o inline:'1\n' grep -c 'ESP(spi=0x00009999,seq=0x1)' dump
	atf_check -o match:'dropped, unknown SPI: 1$' $IFC_A -s
}
capture_all_cleanup()
{
	ift_cleanup
}

atf_test_case garbage_esp cleanup
garbage_esp_head()
{
	atf_set descr "random ESP packets are counted as drops and do not disturb keyd"
	atf_set require.user root
}
garbage_esp_body()
{
	[ -x /usr/bin/python3 ] || atf_skip "/usr/bin/python3 is not installed"
	hosts
	sas $NS_A
	sas $NS_B
	# Random lengths, the tunnel's SPIs and unknown ones, random bodies.
	cat > garbage.py <<'EOP'
import os, random, socket, struct
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 50)
random.seed(4303)
for i in range(5000):
    spi = random.choice([10000, 10001, 4242, 0, 0xffffffff])
    n = random.choice([0, 1, 4, 7, 8, 12, 16, 24, 31, 32, 48, 100, 1400])
    pkt = struct.pack('>II', spi, random.getrandbits(32)) + os.urandom(n)
    s.sendto(pkt[:random.randint(0, len(pkt))], ('192.168.0.3', 0))
EOP
	atf_check ip netns exec $NS_B /usr/bin/python3 garbage.py
	sleep 0.5
	ift_alive $NS_A
	$IFC_A -s > stats
	cat stats
	atf_check -o match:'dropped, unknown SPI: [0-9]+$' \
	    -o match:'dropped, malformed packet: [0-9]+$' cat stats
	atf_check -o match:'1 received' \
	    ip netns exec $NS_A ping -c 1 -W 1 172.16.0.5
}
garbage_esp_cleanup()
{
	ift_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case acquire_no_sa
	atf_add_test_case acquire_repeat
	atf_add_test_case counters
	atf_add_test_case capture_file
	atf_add_test_case capture_all
	atf_add_test_case garbage_esp
}
