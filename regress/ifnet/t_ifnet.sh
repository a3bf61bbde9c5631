#! /usr/bin/env atf-sh
#
# The control path of ipsecN interfaces: ifipsecctl's requests to keyd,
# FreeBSD's reqid and tunnel rules, and the four interface policies that
# setkey -DP shows.
#

. "$(atf_get_srcdir)/ifnet_test.subr"

NS=ift-ctl-$$
IFC="ip netns exec $NS $IFIPSECCTL"
IFCONFIG="ip netns exec $NS bin/ifconfig"
SK="ip netns exec $NS $SETKEY"

atf_test_case create_destroy cleanup
create_destroy_head()
{
	atf_set descr "create makes a down NOARP TAP with MTU 1400; destroy removes it"
	atf_set require.user root
}
create_destroy_body()
{
	ift_start $NS
	atf_check -o empty $IFC ipsec0 create
	atf_check -o save:link ip -n $NS link show ipsec0
	atf_check -o match:'NOARP' -o match:'mtu 1400' -o match:'state DOWN' \
	    cat link
	atf_check -o match:'^ipsec0: flags=8010<POINTOPOINT,MULTICAST> metric 0 mtu 1400$' \
	    -o match:'^	reqid: 0$' -o match:'^	groups: ipsec$' \
	    -o not-match:'tunnel' $IFC
	atf_check -o empty $IFC ipsec0 destroy
	atf_check -s not-exit:0 -e ignore ip -n $NS link show ipsec0
	atf_check -o empty $IFC
	ift_alive $NS
}
create_destroy_cleanup()
{
	ift_cleanup
}

atf_test_case tap_deleted cleanup
tap_deleted_head()
{
	atf_set descr "deleting the TAP with ip link del destroys the interface and its policies"
	atf_set require.user root
}
tap_deleted_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create reqid 100
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	atf_check ip -n $NS link del ipsec0
	sleep 0.5
	atf_check -o inline:'No SPD entries.\n' $SK -DP
	atf_check -o empty $IFC
	# keyd no longer watches the dead descriptor, so it is idle.
	sleep 1
	atf_check -o match:'^ *0\.[0-9]$' \
	    ps -o pcpu= -p "$(cat keyd.$NS.pid)"
	atf_check $IFC ipsec0 create reqid 100
	ift_alive $NS
}
tap_deleted_cleanup()
{
	ift_cleanup
}

atf_test_case create_names cleanup
create_names_head()
{
	atf_set descr "ipsec alone picks the lowest free unit; other names are rejected"
	atf_set require.user root
}
create_names_body()
{
	ift_start $NS
	atf_check -o inline:'ipsec0\n' $IFC ipsec create
	atf_check -o inline:'ipsec1\n' $IFC ipsec create
	atf_check -o empty $IFC ipsec0 destroy
	atf_check -o inline:'ipsec0\n' $IFC ipsec create
	atf_check -s exit:1 -e match:'ipsec1: cannot create: an interface of that name exists' \
	    $IFC ipsec1 create
	atf_check -s exit:1 -e match:'tun0: cannot create: invalid name' \
	    $IFC tun0 create
	atf_check -s exit:1 -e match:'lo: cannot create: an interface of that name exists' \
	    $IFC lo create
	atf_check -s exit:1 -e match:'ipsec7: interface does not exist' \
	    $IFC ipsec7 destroy
	ift_alive $NS
}
create_names_cleanup()
{
	ift_cleanup
}

atf_test_case reqid_rules cleanup
reqid_rules_head()
{
	atf_set descr "reqids are unique among interfaces (EEXIST); 0x64 is 100; automatic ones start at 16385"
	atf_set require.user root
}
reqid_rules_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create reqid 100
	atf_check -s exit:1 \
	    -e match:'ipsec1: cannot create: reqid 100 is already used by another ipsec interface \(File exists\); choose another reqid' \
	    $IFC ipsec1 create reqid 100
	atf_check -s not-exit:0 -e ignore ip -n $NS link show ipsec1
	atf_check $IFC ipsec1 create
	atf_check -s exit:1 \
	    -e match:'ipsec1: reqid 100 is already used by another ipsec interface \(File exists\)' \
	    $IFC ipsec1 reqid 0x64
	atf_check $IFC ipsec1 reqid 0x65
	atf_check -o match:'^	reqid: 101$' $IFC ipsec1
	atf_check -s exit:1 -e match:'reqid 4294967296: invalid' \
	    $IFC ipsec1 reqid 4294967296
	atf_check -s exit:1 -e match:'reqid -1: invalid' \
	    $IFC ipsec1 reqid -1

	# No reqid: one is assigned when the tunnel is set.
	atf_check $IFC ipsec2 create
	atf_check -o match:'^	reqid: 0$' $IFC ipsec2
	atf_check $IFC ipsec2 tunnel 192.168.1.3 192.168.1.5
	atf_check -o match:'^	reqid: 16385$' $IFC ipsec2
	atf_check -o match:'esp/tunnel/192\.168\.1\.3-192\.168\.1\.5/unique#16385' \
	    $SK -DP
	# reqid 0 keeps an existing reqid but replaces the policies.
	atf_check $IFC ipsec2 reqid 0
	atf_check -o match:'^	reqid: 16385$' $IFC ipsec2
	$SK -DP > spd
	atf_check_equal "$(spd_ids spd)" "5 7 6 8 "
	# On an interface without a reqid, 0 assigns the next automatic one.
	atf_check $IFC ipsec3 create
	atf_check $IFC ipsec3 reqid 0
	atf_check -o match:'^	reqid: 16386$' $IFC ipsec3
	ift_alive $NS
}
reqid_rules_cleanup()
{
	ift_cleanup
}

atf_test_case four_policies cleanup
four_policies_head()
{
	atf_set descr "tunnel installs four ifnet policies, listed as FreeBSD lists them"
	atf_set require.user root
}
four_policies_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create reqid 100
	atf_check -o inline:'No SPD entries.\n' $SK -DP
	atf_check $IFC ipsec0 inet tunnel 192.168.0.3 192.168.0.5
	$SK -DP | sed -e 's/ pid=[0-9]*/ pid=P/' > spd
	cat > expected <<'EXP'
0.0.0.0/0[any] 0.0.0.0/0[any] any
	in ipsec
	esp/tunnel/192.168.0.5-192.168.0.3/unique:100
	spid=1 seq=3 pid=P scope=ifnet ifname=ipsec0
	refcnt=1
::/0[any] ::/0[any] any
	in ipsec
	esp/tunnel/192.168.0.5-192.168.0.3/unique:100
	spid=3 seq=2 pid=P scope=ifnet ifname=ipsec0
	refcnt=1
0.0.0.0/0[any] 0.0.0.0/0[any] any
	out ipsec
	esp/tunnel/192.168.0.3-192.168.0.5/unique:100
	spid=2 seq=1 pid=P scope=ifnet ifname=ipsec0
	refcnt=1
::/0[any] ::/0[any] any
	out ipsec
	esp/tunnel/192.168.0.3-192.168.0.5/unique:100
	spid=4 seq=0 pid=P scope=ifnet ifname=ipsec0
	refcnt=1
EXP
	atf_check -o file:expected cat spd
	atf_check -o match:'^	tunnel inet 192\.168\.0\.3 --> 192\.168\.0\.5$' \
	    -o match:'^	reqid: 100$' $IFC ipsec0

	# -DPg hides them, -DPt shows only them.
	atf_check -o inline:'No SPD entries.\n' $SK -DPg
	atf_check -o match:'spid=4' $SK -DPt

	# Setting the same tunnel again changes nothing.
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	$SK -DP > spd
	atf_check_equal "$(spd_ids spd)" "1 3 2 4 "
	ift_alive $NS
}
four_policies_cleanup()
{
	ift_cleanup
}

atf_test_case policies_protected cleanup
policies_protected_head()
{
	atf_set descr "spdflush and spddelete leave interface policies; SPDDELETE2 gives EACCES"
	atf_set require.user root
}
policies_protected_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create reqid 100
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	atf_check $SK -FP
	$SK -DP > spd
	atf_check_equal "$(spd_ids spd)" "1 3 2 4 "
	atf_check -o match:'The result of line 1: Invalid argument' $SK -c <<'EOS'
spddelete 0.0.0.0/0 0.0.0.0/0 any -P out;
EOS
	ip netns exec $NS "$KEYCLIENT" > kc <<'EOS'
open a
send a SPDDELETE2 policy="out discard" id=1
recv a
EOS
	atf_check -o match:'^a: msg type=X_SPDDELETE2 errno=EACCES ' cat kc
	$SK -DP > spd
	atf_check_equal "$(spd_ids spd)" "1 3 2 4 "
	ift_alive $NS
}
policies_protected_cleanup()
{
	ift_cleanup
}

atf_test_case policies_replaced cleanup
policies_replaced_head()
{
	atf_set descr "new endpoints or reqid replace the policies; -tunnel and destroy remove them"
	atf_set require.user root
}
policies_replaced_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create reqid 100
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	# A listening client sees the announcements.
	ip netns exec $NS "$KEYCLIENT" -q > kc <<'EOS' &
open a
sleep 1500
recvall a 500
EOS
	kcpid=$!
	sleep 0.5
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.9
	wait $kcpid
	atf_check -o match:'^4$' grep -c '^a: msg type=X_SPDADD errno=0 .* pid=0 ' kc
	atf_check -o match:'^4$' grep -c '^a: msg type=X_SPDDELETE errno=0 .* pid=0 ' kc
	$SK -DP > spd
	atf_check_equal "$(spd_ids spd)" "5 7 6 8 "
	atf_check -o match:'192\.168\.0\.3-192\.168\.0\.9/unique:100' cat spd

	atf_check $IFC ipsec0 reqid 200
	$SK -DP > spd
	atf_check_equal "$(spd_ids spd)" "9 11 10 12 "
	atf_check -o match:'unique:200' -o not-match:'unique:100' cat spd

	atf_check $IFC ipsec0 -tunnel
	atf_check -o inline:'No SPD entries.\n' $SK -DP
	atf_check -o match:'^	reqid: 200$' -o not-match:tunnel $IFC ipsec0
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	atf_check $IFC ipsec0 deletetunnel
	atf_check -o inline:'No SPD entries.\n' $SK -DP
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	atf_check $IFC ipsec0 destroy
	atf_check -o inline:'No SPD entries.\n' $SK -DP
	ift_alive $NS
}
policies_replaced_cleanup()
{
	ift_cleanup
}

atf_test_case sas_untouched cleanup
sas_untouched_head()
{
	atf_set descr "interface changes never add or remove SAs"
	atf_set require.user root
}
sas_untouched_body()
{
	ift_start $NS
	atf_check $SK -c <<'EOS'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
EOS
	atf_check $IFC ipsec0 create reqid 100
	atf_check $IFC ipsec0 tunnel 192.168.0.3 192.168.0.5
	atf_check $IFC ipsec0 -tunnel
	atf_check $IFC ipsec0 destroy
	atf_check -o match:'spi=10000\(0x00002710\)' $SK -D
	ift_alive $NS
}
sas_untouched_cleanup()
{
	ift_cleanup
}

atf_test_case tunnel_errors cleanup
tunnel_errors_head()
{
	atf_set descr "tunnel rejects mixed families, unspecified and invalid addresses"
	atf_set require.user root
}
tunnel_errors_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create
	atf_check -s exit:1 -e match:'tunnel 192\.168\.0\.3 2001:db8::5: the addresses are of different families' \
	    $IFC ipsec0 tunnel 192.168.0.3 2001:db8::5
	atf_check -s exit:1 -e match:'0\.0\.0\.0 is unspecified \(Cannot assign requested address\)' \
	    $IFC ipsec0 tunnel 0.0.0.0 192.168.0.5
	atf_check -s exit:1 -e match:':: is unspecified' \
	    $IFC ipsec0 tunnel 2001:db8::3 ::
	atf_check -s exit:1 -e match:'invalid IPv6 address' \
	    $IFC ipsec0 inet6 tunnel 192.168.0.3 192.168.0.5
	atf_check -s exit:1 -e match:'invalid address' \
	    $IFC ipsec0 tunnel host.example 192.168.0.5
	atf_check -o inline:'No SPD entries.\n' $SK -DP
	atf_check -o match:'^	reqid: 0$' $IFC ipsec0

	# An IPv6 tunnel, family inferred.
	atf_check $IFC ipsec0 tunnel 2001:db8::3 2001:db8::5
	atf_check -o match:'^	tunnel inet6 2001:db8::3 --> 2001:db8::5$' \
	    $IFC ipsec0
	atf_check -o match:'esp/tunnel/2001:db8::5-2001:db8::3/unique#16385' \
	    $SK -DP
	ift_alive $NS
}
tunnel_errors_cleanup()
{
	ift_cleanup
}

atf_test_case mtu_range cleanup
mtu_range_head()
{
	atf_set descr "mtu takes 1280 to 8192 on ipsec interfaces"
	atf_set require.user root
}
mtu_range_body()
{
	ift_start $NS
	atf_check $IFC ipsec0 create
	atf_check -s exit:1 -e match:'mtu 1279: out of range \(Invalid argument\); ipsec interfaces take 1280 to 8192' \
	    $IFC ipsec0 mtu 1279
	atf_check -s exit:1 -e match:'mtu 8193: out of range' \
	    $IFC ipsec0 mtu 8193
	atf_check $IFC ipsec0 mtu 8192
	atf_check -o match:'mtu 8192$' $IFC ipsec0
	atf_check $IFC ipsec0 mtu 1280
	atf_check -o match:'mtu 1280 ' ip -n $NS link show ipsec0
	ift_alive $NS
}
mtu_range_cleanup()
{
	ift_cleanup
}

atf_test_case manpage_lines cleanup
manpage_lines_head()
{
	atf_set descr "as ifconfig, the if_ipsec(4) lines work as written"
	atf_set require.user root
}
manpage_lines_body()
{
	ift_start $NS
	# RUNNING needs the local endpoint to be an address of the host.
	ip -n $NS addr add 192.168.0.3/32 dev lo
	atf_check -o empty $IFCONFIG ipsec0 create reqid 100
	atf_check -o empty $IFCONFIG ipsec0 inet tunnel 192.168.0.3 192.168.0.5
	atf_check -o empty $IFCONFIG ipsec0 inet 172.16.0.3/16 172.16.0.5
	atf_check -o save:show $IFCONFIG ipsec0
	atf_check -o match:'^ipsec0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> metric 0 mtu 1400$' \
	    -o match:'^	tunnel inet 192\.168\.0\.3 --> 192\.168\.0\.5$' \
	    -o match:'^	inet 172\.16\.0\.3 --> 172\.16\.0\.5 netmask 0xffff0000$' \
	    -o match:'^	reqid: 100$' cat show
	atf_check ip -n $NS addr del 192.168.0.3/32 dev lo
	atf_check -o match:'^ipsec0: flags=8011<UP,POINTOPOINT,MULTICAST> ' \
	    $IFCONFIG ipsec0
	atf_check -o match:'inet 172\.16\.0\.3 peer 172\.16\.0\.5/16' \
	    -o match:'UP' ip -n $NS addr show ipsec0
	# Without arguments ifconfig lists every interface.
	atf_check -o match:'^lo: flags=' -o match:'^ipsec0: ' $IFCONFIG
	atf_check -o match:'^ipsec0: ' -o not-match:'^lo:' $IFC -a
	ift_alive $NS
}
manpage_lines_cleanup()
{
	ift_cleanup
}

atf_test_case inet6_peer_route cleanup
inet6_peer_route_head()
{
	atf_set descr "an inet6 point-to-point address always gets its peer route"
	atf_set require.user root
}
inet6_peer_route_body()
{
	local i

	ift_start $NS
	ip -n $NS addr add 192.0.2.10/32 dev lo
	# The route was missing in some runs only, so try several times.
	for i in 1 2 3 4 5 6; do
		atf_check $IFCONFIG ipsec0 create reqid 7
		atf_check $IFCONFIG ipsec0 tunnel 192.0.2.10 192.0.2.20
		atf_check $IFCONFIG ipsec0 inet6 2001:db8:a::1 2001:db8:b::1 \
		    prefixlen 128
		sleep 0.3
		atf_check -o match:'^2001:db8:b::1 proto kernel' \
		    ip -n $NS -6 route show dev ipsec0
		atf_check -o match:'UP' ip -n $NS link show ipsec0
		atf_check $IFCONFIG ipsec0 destroy
	done
	ift_alive $NS
}
inet6_peer_route_cleanup()
{
	ift_cleanup
}

atf_test_case ifconfig_generic cleanup
ifconfig_generic_head()
{
	atf_set descr "as ifconfig, generic lines apply to any interface through rtnetlink"
	atf_set require.user root
}
ifconfig_generic_body()
{
	ift_require
	echo $NS >> created_namespaces
	ip netns add $NS
	ip -n $NS link add ift-d0 type veth peer name ift-d1
	# No keyd runs: generic settings do not need it.
	atf_check -o empty $IFCONFIG ift-d0 inet 10.1.2.3/24 up
	atf_check -o match:'inet 10\.1\.2\.3/24' -o match:'UP' \
	    ip -n $NS addr show ift-d0
	atf_check -o empty $IFCONFIG ift-d0 mtu 1300
	atf_check -o match:'mtu 1300' ip -n $NS link show ift-d0
	atf_check -o empty $IFCONFIG ift-d0 inet6 2001:db8::1
	atf_check -o match:'inet6 2001:db8::1/64' ip -n $NS addr show ift-d0
	atf_check -o match:'^ift-d0: flags=.*UP.* mtu 1300$' \
	    -o match:'^	inet 10\.1\.2\.3 netmask 0xffffff00$' \
	    -o match:'^	inet6 2001:db8::1 prefixlen 64$' $IFCONFIG ift-d0
	atf_check -o empty $IFCONFIG ift-d0 inet 10.1.2.3/24 delete
	atf_check -o not-match:'10\.1\.2\.3' ip -n $NS addr show ift-d0
	atf_check -o empty $IFCONFIG ift-d0 down
	atf_check -o not-match:',UP' ip -n $NS link show ift-d0
	atf_check -s exit:1 -e match:'tunnel applies only to ipsec interfaces' \
	    $IFCONFIG ift-d0 tunnel 192.168.0.3 192.168.0.5
	atf_check -s exit:1 -e match:'bogus: unknown parameter' \
	    -e match:'valid parameters:' $IFCONFIG ift-d0 1.2.3.4 5.6.7.8 bogus
}
ifconfig_generic_cleanup()
{
	ift_cleanup
}

atf_test_case no_keyd cleanup
no_keyd_head()
{
	atf_set descr "without keyd, ifipsecctl says to start it"
	atf_set require.user root
}
no_keyd_body()
{
	ift_require
	echo $NS >> created_namespaces
	ip netns add $NS
	atf_check -s exit:1 -e match:'is keyd running in this network namespace\?' \
	    $IFC ipsec0 create
	atf_check -s exit:1 -e match:'is keyd running' $IFC
}
no_keyd_cleanup()
{
	ift_cleanup
}

atf_test_case unprivileged cleanup
unprivileged_head()
{
	atf_set descr "keyd turns away ifipsecctl run by an unprivileged user"
	atf_set require.user root
}
unprivileged_body()
{
	ift_start $NS
	atf_check -s exit:1 \
	    -e match:'ipsec0: cannot create: .*; keyd accepts only root and members of its group' \
	    ip netns exec $NS setpriv --reuid=65534 --regid=65534 \
	    --clear-groups "$IFIPSECCTL" ipsec0 create
	atf_check -s not-exit:0 -e ignore ip -n $NS link show ipsec0
	ift_alive $NS
}
unprivileged_cleanup()
{
	ift_cleanup
}

atf_init_test_cases()
{
	atf_add_test_case create_destroy
	atf_add_test_case tap_deleted
	atf_add_test_case create_names
	atf_add_test_case reqid_rules
	atf_add_test_case four_policies
	atf_add_test_case policies_protected
	atf_add_test_case policies_replaced
	atf_add_test_case sas_untouched
	atf_add_test_case tunnel_errors
	atf_add_test_case mtu_range
	atf_add_test_case manpage_lines
	atf_add_test_case inet6_peer_route
	atf_add_test_case ifconfig_generic
	atf_add_test_case no_keyd
	atf_add_test_case unprivileged
}
