#!/bin/sh
# Runs the if_ipsec(4) manual page's example with the installed tools.
# Hosts A (192.168.0.3) and B (192.168.0.5) are network namespaces joined
# by a veth pair, each with its own keyd.  Each host runs its command
# lines as the manual page prints them, with `ifconfig` resolving to the
# compatibility link.  Then A and B ping each other through the tunnel,
# and the script shows setkey -D and the ESP that crossed the wire.
# Everything it creates is removed on exit: the namespaces (with the veth
# pair and ipsec0) and, by PID, the processes it started.
#
# SBINDIR (default /usr/local/sbin) locates keyd, setkey and ifipsecctl;
# COMPATDIR (default SBINDIR's sibling libexec/ipsec-userland) the
# ifconfig link.
set -eu

sbindir=${SBINDIR:-/usr/local/sbin}
compatdir=${COMPATDIR:-$(dirname "$sbindir")/libexec/ipsec-userland}
ns_a=iu-demo-a.$$
ns_b=iu-demo-b.$$
pids=
namespaces=
tmp=

cleanup() {
	for pid in $pids; do
		kill "$pid" 2>/dev/null || true
	done
	for pid in $pids; do
		wait "$pid" 2>/dev/null || true
	done
	for ns in $namespaces; do
		ip netns del "$ns" 2>/dev/null || true
	done
	[ -z "$tmp" ] || rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "demo.sh: $*" >&2
	exit 1
}

# on NS COMMAND...: runs COMMAND in namespace NS with the compatibility
# directory first in PATH, as an administrator of that host would.
on() {
	local_ns=$1
	shift
	ip netns exec "$local_ns" env PATH="$compatdir:$sbindir:$PATH" "$@"
}

# wait_for FILE TEXT PID: waits until FILE contains TEXT while PID runs.
wait_for() {
	tries=0
	until grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || fail "$(cat "$1")"
		tries=$((tries + 1))
		[ "$tries" -lt 100 ] || fail "timed out waiting for '$2' in $1"
		sleep 0.1
	done
}

[ "$(id -u)" -eq 0 ] ||
    fail "run as root: it creates network namespaces"
for tool in "$sbindir/keyd" "$sbindir/setkey" "$sbindir/ifipsecctl" \
    "$compatdir/ifconfig"; do
	[ -x "$tool" ] || fail "$tool not found; run 'make install' first"
done
for tool in ip ping tcpdump; do
	command -v "$tool" >/dev/null ||
	    fail "$tool not found; run 'make deps' first"
done
tmp=$(mktemp -d)

echo "==> hosts A ($ns_a, 192.168.0.3) and B ($ns_b, 192.168.0.5)"
for ns in "$ns_a" "$ns_b"; do
	ip netns add "$ns"
	namespaces="$namespaces $ns"
	ip -n "$ns" link set lo up
	# The example is IPv4 only; without IPv6 on the new interfaces the
	# capture below contains nothing but the example's traffic.
	ip netns exec "$ns" sysctl -q -w net.ipv6.conf.default.disable_ipv6=1
done
ip link add veth-a netns "$ns_a" type veth peer name veth-b netns "$ns_b"
ip -n "$ns_a" addr add 192.168.0.3/24 dev veth-a
ip -n "$ns_b" addr add 192.168.0.5/24 dev veth-b
ip -n "$ns_a" link set veth-a up
ip -n "$ns_b" link set veth-b up

for ns in "$ns_a" "$ns_b"; do
	# ip netns exec runs keyd by exec, so $! is keyd's PID.
	ip netns exec "$ns" "$sbindir/keyd" -F 2>"$tmp/keyd.$ns.log" &
	pids="$pids $!"
	tries=0
	until on "$ns" setkey -D >/dev/null 2>&1; do
		tries=$((tries + 1))
		[ "$tries" -lt 50 ] || fail "keyd did not start in $ns"
		sleep 0.1
	done
done
echo "==> keyd runs in both hosts; ifconfig is $(on "$ns_a" sh -c \
    'command -v ifconfig')"

echo "==> host A:"
cat > "$tmp/host-a.sh" <<'EOF'
ifconfig ipsec0 create reqid 100
ifconfig ipsec0 inet tunnel 192.168.0.3 192.168.0.5
ifconfig ipsec0 inet 172.16.0.3/16 172.16.0.5
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
on "$ns_a" sh -ev "$tmp/host-a.sh"

echo "==> host B:"
cat > "$tmp/host-b.sh" <<'EOF'
ifconfig ipsec0 create reqid 200
ifconfig ipsec0 inet tunnel 192.168.0.5 192.168.0.3
ifconfig ipsec0 inet 172.16.0.5/16 172.16.0.3
setkey -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 200 -E rijndael-cbc "VerySecureKey!!2";
EOT
EOF
on "$ns_b" sh -ev "$tmp/host-b.sh"

echo "==> ifconfig ipsec0 on host A"
on "$ns_a" ifconfig ipsec0

# Resolve 192.168.0.5's MAC first, so the capture contains only ESP.
ip netns exec "$ns_a" ping -q -c 1 -W 2 192.168.0.5 >/dev/null ||
    fail "the veth pair does not carry IPv4"
ip netns exec "$ns_b" timeout 20 tcpdump -n -c 12 -i veth-b \
    >"$tmp/tcpdump.out" 2>"$tmp/tcpdump.err" &
tcpdump_pid=$!
pids="$pids $tcpdump_pid"
wait_for "$tmp/tcpdump.err" "listening on" "$tcpdump_pid"

echo "==> host A: ping -c 3 172.16.0.5 (host B's ipsec0)"
ip netns exec "$ns_a" ping -c 3 -i 0.3 -W 2 172.16.0.5
echo "==> host B: ping -c 3 172.16.0.3 (host A's ipsec0)"
ip netns exec "$ns_b" ping -c 3 -i 0.3 -W 2 172.16.0.3

echo "==> setkey -D on host A"
on "$ns_a" setkey -D

wait "$tcpdump_pid" || true
echo "==> the 12 packets on the wire (tcpdump -n -c 12 -i veth-b)"
cat "$tmp/tcpdump.out"

echo "==> done; removing both hosts"
