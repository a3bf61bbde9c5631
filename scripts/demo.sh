#!/bin/sh
# Demonstrates the installed tools on the if_ipsec(4) example's host A:
# starts keyd in a fresh network namespace, loads the example's two SAs
# with setkey, and prints keyd's SAD and SPD dumps.  Everything it creates
# is removed on exit.
set -eu

sbindir=${SBINDIR:-/usr/local/sbin}
keyd=$sbindir/keyd
setkey=$sbindir/setkey
ns=iu-demo-a.$$
keyd_pid=

cleanup() {
	if [ -n "$keyd_pid" ]; then
		kill "$keyd_pid" 2>/dev/null || true
		wait "$keyd_pid" 2>/dev/null || true
	fi
	ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" -ne 0 ]; then
	echo "demo.sh: run as root: it creates a network namespace" >&2
	exit 1
fi
for tool in "$keyd" "$setkey"; do
	if [ ! -x "$tool" ]; then
		echo "demo.sh: $tool not found; run 'make install' first" >&2
		exit 1
	fi
done

ip netns add "$ns"
ip -n "$ns" link set lo up

echo "==> starting keyd in network namespace $ns"
ip netns exec "$ns" "$keyd" -F &
keyd_pid=$!

# keyd is ready once setkey can reach it.
tries=0
until ip netns exec "$ns" "$setkey" -D >/dev/null 2>&1; do
	tries=$((tries + 1))
	if [ "$tries" -ge 50 ]; then
		echo "demo.sh: keyd did not start" >&2
		exit 1
	fi
	sleep 0.1
done

echo "==> setkey -D on an empty SAD"
ip netns exec "$ns" "$setkey" -D

echo "==> loading the if_ipsec(4) example SAs with setkey -c"
ip netns exec "$ns" "$setkey" -c <<'EOT'
add 192.168.0.3 192.168.0.5 esp 10000 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!1";
add 192.168.0.5 192.168.0.3 esp 10001 -m tunnel -u 100 -E rijndael-cbc "VerySecureKey!!2";
spdadd 172.16.0.3/32 172.16.0.5/32 any -P out ipsec esp/tunnel/192.168.0.3-192.168.0.5/unique:100;
EOT

echo "==> setkey -D"
ip netns exec "$ns" "$setkey" -D
echo "==> setkey -DP"
ip netns exec "$ns" "$setkey" -DP
echo "==> done; removing namespace $ns"
