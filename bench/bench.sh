#!/bin/bash
#
# bench.sh: measures keyd's ESP data plane and control plane next to the
# bare veth and to strongSwan's userspace ESP (charon with the
# kernel-libipsec plugin), all in one invocation, and prints a Markdown
# table of medians and ratios.
#
# Topology (two network namespaces per phase, removed on exit):
#
#	bnt-a-PID  192.168.0.3/24 <-- veth --> 192.168.0.5/24  bnt-b-PID
#	           172.16.0.3 (tunnel inside)   172.16.0.5
#
# First bench/esp_speed times keyd's ESP transforms for one packet.
# Phase 1 runs keyd in both namespaces with an ipsec0 interface as in the
# if_ipsec(4) example and measures the bare veth, then each ESP
# algorithm, then the round-trip time with busy polling off.  Phase 2 measures keyd's control plane in a third namespace
# and tunnel throughput with many SAs installed.  Phase 3 replaces keyd
# with two charon daemons (one mount namespace with a private /run each)
# and measures the algorithms strongSwan offers.
#
# Each path gets one TCP stream (iperf3, median of BENCH_RUNS runs) and
# the highest UDP rate of 1400-byte datagrams with under 1% loss
# (bisection, then BENCH_RUNS confirmation runs).  It also gets the ping
# round-trip time, the daemons' CPU time per gigabyte (utime + stime from
# /proc/PID/stat) and their peak memory (VmHWM) after an unlimited-rate
# UDP flood.
#
# Environment:
#	BENCH_QUICK=1	one run of 3 s each and short searches, for development
#	BENCH_RUNS	runs per measurement (default 3, quick 1)
#	BENCH_DUR	seconds per iperf3 run (default 10, quick 3)
#	BENCH_SAS	SAs for the control-plane tests (default 100000)
#	BENCH_POLICIES	policies for the control-plane tests (default 10000)
#	BENCH_ALGS	keyd algorithms (default "aes-gcm cbc-sha1 chacha null")
#	BENCH_STRONGSWAN=0  skips strongSwan
#	BENCH_OUTDIR	where logs, JSON and results.md go (default a new
#			directory under /tmp)
#	KEYD, SETKEY, IFIPSECCTL  the programs (default: the build tree's)
#
# Needs root.  Installs iperf3, jq, strongSwan's charon, swanctl and the
# kernel-libipsec plugin with apt-get when they are missing.  Traffic
# stays inside the namespaces this script creates; every process it starts
# is ended by PID.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
KEYD=${KEYD:-$TOP/keyd/keyd}
SETKEY=${SETKEY:-$TOP/setkey/setkey}
IFIPSECCTL=${IFIPSECCTL:-$TOP/ifipsecctl/ifipsecctl}
CHARON=/usr/lib/ipsec/charon
LIBIPSEC_PLUGIN=/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	RUNS=${BENCH_RUNS:-1}
	DUR=${BENCH_DUR:-3}
	PROBE_DUR=1
	PROBES=4
	PINGS=20
else
	RUNS=${BENCH_RUNS:-3}
	DUR=${BENCH_DUR:-10}
	PROBE_DUR=3
	PROBES=6
	PINGS=50
fi
NSAS=${BENCH_SAS:-100000}
NPOLICIES=${BENCH_POLICIES:-10000}
ALGS=${BENCH_ALGS:-aes-gcm cbc-sha1 chacha null}
UDP_LEN=1372		# + 8 UDP + 20 IPv4 = 1400-byte inner packets
UDP_BUF=4M		# iperf3 -w: the default buffer overflows on bursts
PORT=5201

NS_A=bnt-a-$$
NS_B=bnt-b-$$
NS_C=bnt-c-$$
A_OUT=192.168.0.3
B_OUT=192.168.0.5
A_IN=172.16.0.3
B_IN=172.16.0.5

PIDS=()			# processes started here, ended by PID on exit
NAMESPACES=()
declare -A R		# results: R[path,metric]
declare -A LABEL	# path -> row label
BG_LOADS=()

log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
die() { log "bench: $*"; exit 1; }

# ---- set-up and clean-up --------------------------------------------------

cleanup() {
	local p ns

	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	PIDS=()
	for ns in "${NAMESPACES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NAMESPACES=()
}

# stop_pid PID: ends one process started here and removes it from PIDS.
stop_pid() {
	local p keep=()

	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	for p in "${PIDS[@]}"; do
		[ "$p" = "$1" ] || keep+=("$p")
	done
	PIDS=("${keep[@]}")
}

# need_packages: installs what the benchmark runs, when missing.
need_packages() {
	local p missing=()

	for p in iperf3 jq iputils-ping iproute2; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q "install ok installed" || missing+=("$p")
	done
	if [ "${BENCH_STRONGSWAN:-1}" = 1 ]; then
		for p in strongswan-charon strongswan-swanctl \
		    libcharon-extra-plugins; do
			dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			    grep -q "install ok installed" || missing+=("$p")
		done
	fi
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	apt-get update -q >&2 || die "apt-get update failed"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" \
	    >&2 || die "cannot install ${missing[*]}"
}

# ns_pair: creates namespaces A and B joined by a veth pair, IPv4 only.
ns_pair() {
	local ns

	for ns in "$NS_A" "$NS_B"; do
		ip netns add "$ns" || die "cannot create namespace $ns"
		NAMESPACES+=("$ns")
		ip netns exec "$ns" sysctl -q -w \
		    net.ipv6.conf.all.disable_ipv6=1 \
		    net.ipv6.conf.default.disable_ipv6=1
		ip -n "$ns" link set lo up
	done
	ip link add bnt-va netns "$NS_A" type veth peer name bnt-vb \
	    netns "$NS_B" || die "cannot create the veth pair"
	ip -n "$NS_A" addr add "$A_OUT/24" dev bnt-va
	ip -n "$NS_B" addr add "$B_OUT/24" dev bnt-vb
	ip -n "$NS_A" link set bnt-va up
	ip -n "$NS_B" link set bnt-vb up
	ip netns exec "$NS_A" ping -q -c 1 -W 2 "$B_OUT" >/dev/null ||
	    die "the veth pair carries no IPv4"
}

# ns_drop NS...: deletes namespaces that this script made.
ns_drop() {
	local ns n keep

	for ns in "$@"; do
		ip netns del "$ns" 2>/dev/null
		keep=()
		for n in "${NAMESPACES[@]}"; do
			[ "$n" = "$ns" ] || keep+=("$n")
		done
		NAMESPACES=("${keep[@]}")
	done
}

# keyd_start NS VAR: runs keyd -F in NS, with the options in KEYD_FLAGS
# if set, and stores its PID in VAR.
keyd_start() {
	local ns=$1 pid i

	# ip netns exec runs keyd by exec, so $! is keyd's PID.
	# shellcheck disable=SC2086
	ip netns exec "$ns" "$KEYD" -F ${KEYD_FLAGS:-} \
	    2>>"$OUT/keyd.$ns.log" &
	pid=$!
	PIDS+=("$pid")
	printf -v "$2" '%s' "$pid"
	for i in $(seq 100); do
		ip netns exec "$ns" awk '$NF == "@keyd" { f = 1 }
		    END { exit !f }' /proc/net/unix && return 0
		kill -0 "$pid" 2>/dev/null ||
		    die "keyd exited in $ns: $(cat "$OUT/keyd.$ns.log")"
		sleep 0.05
	done
	die "keyd does not listen in $ns"
}

setkey_in() {
	local ns=$1

	shift
	ip netns exec "$ns" "$SETKEY" "$@"
}

# keyd_tunnel: keyd and ipsec0 in both namespaces, as in if_ipsec(4).
keyd_tunnel() {
	keyd_start "$NS_A" KEYD_A
	keyd_start "$NS_B" KEYD_B
	ip netns exec "$NS_A" "$IFIPSECCTL" ipsec0 create reqid 100 &&
	ip netns exec "$NS_A" "$IFIPSECCTL" ipsec0 inet tunnel "$A_OUT" \
	    "$B_OUT" &&
	ip netns exec "$NS_A" "$IFIPSECCTL" ipsec0 inet "$A_IN/16" "$B_IN" &&
	ip netns exec "$NS_B" "$IFIPSECCTL" ipsec0 create reqid 100 &&
	ip netns exec "$NS_B" "$IFIPSECCTL" ipsec0 inet tunnel "$B_OUT" \
	    "$A_OUT" &&
	ip netns exec "$NS_B" "$IFIPSECCTL" ipsec0 inet "$B_IN/16" "$A_IN" ||
	    die "cannot set up ipsec0"
}

# hexkey BYTES SEED: prints a key of BYTES bytes in hex.
hexkey() {
	head -c "$1" /dev/zero | tr "\\0" "$2" | od -An -v -tx1 | tr -d ' \n'
}

# keyd_sas ALG: replaces the SAs of both hosts with a pair using ALG.
keyd_sas() {
	local algs_ab algs_ba ns

	case $1 in
	aes-gcm)
		algs_ab="-E aes-gcm-16 0x$(hexkey 20 a)"
		algs_ba="-E aes-gcm-16 0x$(hexkey 20 b)" ;;
	cbc-sha1)
		algs_ab="-E aes-cbc 0x$(hexkey 16 c) -A hmac-sha1 0x$(hexkey 20 d)"
		algs_ba="-E aes-cbc 0x$(hexkey 16 e) -A hmac-sha1 0x$(hexkey 20 f)" ;;
	chacha)
		algs_ab="-E chacha20-poly1305 0x$(hexkey 36 g)"
		algs_ba="-E chacha20-poly1305 0x$(hexkey 36 h)" ;;
	null)
		algs_ab='-E null ""'
		algs_ba='-E null ""' ;;
	*)	die "unknown algorithm $1" ;;
	esac
	for ns in "$NS_A" "$NS_B"; do
		setkey_in "$ns" -c >/dev/null <<EOF || die "setkey failed in $ns"
flush;
add $A_OUT $B_OUT esp 10000 -m tunnel -u 100 $algs_ab;
add $B_OUT $A_OUT esp 10001 -m tunnel -u 100 $algs_ba;
EOF
	done
	ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 2 "$B_IN" >/dev/null ||
	    die "no ping through the keyd tunnel with $1"
}

# ---- measurements -----------------------------------------------------------

# cpu_ticks PID...: prints the sum of utime and stime of the processes.
cpu_ticks() {
	local p t=0 v

	for p in "$@"; do
		v=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' \
		    "/proc/$p/stat" 2>/dev/null)
		t=$((t + ${v:-0}))
	done
	echo "$t"
}

# hwm_kb PID...: prints the largest VmHWM of the processes, in KiB.
hwm_kb() {
	local p m=0 v

	for p in "$@"; do
		v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null)
		[ "${v:-0}" -gt "$m" ] && m=$v
	done
	echo "$m"
}

rss_kb() {
	awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# busy_cores: prints how many cores were busy over the last second.
busy_cores() {
	local a b

	a=$(awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i;
	    print t, $5 + $6 }' /proc/stat)
	sleep 1
	b=$(awk '/^cpu / { t = 0; for (i = 2; i <= 9; i++) t += $i;
	    print t, $5 + $6 }' /proc/stat)
	echo "$a $b" | awk -v n="$(nproc)" '{ d = $3 - $1; if (d <= 0) d = 1
	    printf "%.2f", n * (d - ($4 - $2)) / d }'
}

# median: prints the median of the numbers on standard input.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) { print "-"; exit }
	    if (NR % 2) print v[(NR + 1) / 2];
	    else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# range: prints "min-max" of the numbers on standard input, rounded.
range() {
	sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 }
	    END { if (NR > 1) printf "%.0f-%.0f", lo, hi }'
}

# iperf JSON DEST ARGS...: runs an iperf3 client in A against DEST.
iperf() {
	local json=$1 dst=$2

	shift 2
	ip netns exec "$NS_A" timeout $((DUR + 30)) iperf3 -c "$dst" \
	    -p "$PORT" -J "$@" 2>/dev/null | sed -n '/^{/,$p' > "$json"
}

iperf_server() {
	ip netns exec "$NS_B" iperf3 -s -p "$PORT" >/dev/null 2>&1 &
	IPERF_PID=$!
	PIDS+=("$IPERF_PID")
	sleep 0.5
}

# tcp_test PATH DEST PID...: one TCP stream, RUNS times; stores the median
# Mbit/s and the CPU seconds per GB of the processes PID.
tcp_test() {
	local path=$1 dst=$2 i json t0 t1 bytes mbps rates=() cpus=()

	shift 2
	for i in $(seq "$RUNS"); do
		json=$OUT/$path-tcp-$i.json
		t0=$(cpu_ticks "$@")
		iperf "$json" "$dst" -t "$DUR"
		t1=$(cpu_ticks "$@")
		mbps=$(jq -r '.end.sum_received.bits_per_second / 1e6' \
		    "$json" 2>/dev/null)
		bytes=$(jq -r '.end.sum_received.bytes' "$json" 2>/dev/null)
		if [ -z "$mbps" ] || [ "$mbps" = null ]; then
			log "  $path TCP run $i failed"
			continue
		fi
		rates+=("$mbps")
		[ $# -gt 0 ] && cpus+=("$(awk -v t=$((t1 - t0)) \
		    -v hz="$HZ" -v b="$bytes" \
		    'BEGIN { printf "%.2f", t / hz / (b / 1e9) }')")
		log "  $path TCP run $i: $(printf '%.0f' "$mbps") Mbit/s"
	done
	R[$path,tcp]=$(printf '%s\n' "${rates[@]}" | median)
	R[$path,tcp_range]=$(printf '%s\n' "${rates[@]}" | range)
	[ ${#cpus[@]} -gt 0 ] &&
	    R[$path,cpu_tcp]=$(printf '%s\n' "${cpus[@]}" | median)
}

# udp_probe JSON DEST RATE SECS: one UDP run at RATE (iperf3 -b syntax);
# prints "sent_mbps received_mbps loss_percent".
udp_probe() {
	iperf "$1" "$2" -u -b "$3" -l "$UDP_LEN" -w "$UDP_BUF" -t "$4"
	jq -r '[(.end.sum_sent.bits_per_second // .end.sum.bits_per_second)
	    / 1e6, (.end.sum_received.bits_per_second //
	    .end.sum.bits_per_second) / 1e6, .end.sum.lost_percent] |
	    @tsv' "$1" 2>/dev/null
}

# udp_test PATH DEST: the highest rate with under 1% loss.  An unlimited
# probe gives the upper bound; PROBES bisection steps narrow it; RUNS
# runs at the rate found give the median received Mbit/s.
udp_test() {
	local path=$1 dst=$2 hi lo=0 mid i line loss rates=() worst=0
	local attempt losses=()

	line=$(udp_probe "$OUT/$path-udp-max.json" "$dst" 0 "$PROBE_DUR")
	hi=$(echo "$line" | awk '{ printf "%d", $1 }')
	[ -n "$hi" ] && [ "$hi" -gt 0 ] || { log "  $path UDP failed"; return; }
	loss=$(echo "$line" | awk '{ print $3 }')
	if awk -v l="$loss" 'BEGIN { exit !(l < 1) }'; then
		lo=$hi
	else
		for i in $(seq "$PROBES"); do
			mid=$(((lo + hi) / 2))
			[ "$mid" -lt 1 ] && break
			line=$(udp_probe "$OUT/$path-udp-probe.json" "$dst" \
			    "${mid}M" "$PROBE_DUR")
			loss=$(echo "$line" | awk '{ print $3 }')
			log "  $path UDP probe ${mid} Mbit/s: loss ${loss:-?}%"
			if awk -v l="${loss:-100}" 'BEGIN { exit !(l < 1) }'
			then
				lo=$mid
			else
				hi=$mid
			fi
		done
	fi
	[ "$lo" -lt 1 ] && { log "  $path: no rate with under 1% loss"; return; }
	# Short probes can be lucky: when the longer runs lose 1% or more in
	# the median, they are repeated once at 85% of the rate.
	for attempt in 1 2; do
		rates=()
		losses=()
		worst=0
		for i in $(seq "$RUNS"); do
			line=$(udp_probe "$OUT/$path-udp-$i.json" "$dst" \
			    "${lo}M" "$DUR")
			[ -n "$line" ] || continue
			rates+=("$(echo "$line" | awk '{ print $2 }')")
			losses+=("$(echo "$line" | awk '{ print $3 }')")
			worst=$(echo "$line $worst" |
			    awk '{ print ($3 > $4 ? $3 : $4) }')
			log "  $path UDP at ${lo} Mbit/s: $line"
		done
		awk -v l="$(printf '%s\n' "${losses[@]}" | median)" \
		    'BEGIN { exit !(l >= 1) }' || break
		lo=$((lo * 85 / 100))
	done
	R[$path,udp]=$(printf '%s\n' "${rates[@]}" | median)
	R[$path,udp_loss]=$worst
}

# flood_test PATH DEST PID...: an unlimited-rate UDP flood for DUR
# seconds; stores the CPU seconds per received GB and the peak memory.
flood_test() {
	local path=$1 dst=$2 json t0 t1 bytes

	shift 2
	json=$OUT/$path-flood.json
	t0=$(cpu_ticks "$@")
	iperf "$json" "$dst" -u -b 0 -l "$UDP_LEN" -w "$UDP_BUF" -t "$DUR"
	t1=$(cpu_ticks "$@")
	bytes=$(jq -r '(.end.sum_received.bytes // .end.sum.bytes)' "$json" \
	    2>/dev/null)
	R[$path,flood_rx]=$(jq -r '(.end.sum_received.bits_per_second //
	    .end.sum.bits_per_second) / 1e6' "$json" 2>/dev/null)
	if [ -n "$bytes" ] && [ "$bytes" != null ] && [ "$bytes" -gt 0 ]; then
		R[$path,cpu_flood]=$(awk -v t=$((t1 - t0)) -v hz="$HZ" \
		    -v b="$bytes" 'BEGIN { printf "%.2f", t / hz / (b / 1e9) }')
	fi
	R[$path,hwm]=$(hwm_kb "$@")
}

# ping_test PATH DEST: stores the median round-trip time in ms.
ping_test() {
	R[$1,rtt]=$(ip netns exec "$NS_A" ping -n -c "$PINGS" -i 0.05 -W 1 \
	    "$2" 2>/dev/null | sed -n 's/.* time=\([0-9.]*\) ms.*/\1/p' |
	    median)
}

# path_test PATH LABEL DEST PID...: every data-plane measurement of a path.
path_test() {
	local path=$1

	LABEL[$path]=$2
	BG_LOADS+=("$(busy_cores)")
	log "$2 (background load ${BG_LOADS[-1]} cores)"
	ping_test "$path" "$3"
	shift 2
	tcp_test "$path" "$@"
	udp_test "$path" "$1"
	shift
	[ $# -gt 0 ] && flood_test "$path" "$B_IN" "$@"
}

# polling_test: measures the aes-gcm tunnel's round-trip time with keyd's
# default busy polling, then with both keyds restarted with -b 0.  It
# leaves keyds with the default options running.
polling_test() {
	local flags

	keyd_sas aes-gcm
	ping_test poll "$B_IN"
	for flags in "-b 0" ""; do
		stop_pid "$KEYD_A"
		stop_pid "$KEYD_B"
		KEYD_FLAGS=$flags keyd_tunnel
		keyd_sas aes-gcm
		[ -n "$flags" ] && ping_test nopoll "$B_IN"
	done
}

# ---- control plane -----------------------------------------------------------

# gen_sas N: prints N setkey add statements for aes-gcm-16 SAs between
# distinct 10.x addresses, with SPIs from 65536 up.
gen_sas() {
	awk -v n="$1" -v key="$(hexkey 20 k)" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "add 10.%d.%d.%d 10.%d.%d.%d esp %d -m tunnel " \
			    "-E aes-gcm-16 0x%s;\n", 1 + int(i / 65536),
			    int(i / 256) % 256, i % 256, 128 + int(i / 65536),
			    int(i / 256) % 256, i % 256, 65536 + i, key
	}'
}

# gen_policies N: prints N spdadd statements between distinct 10.x hosts.
gen_policies() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++)
			printf "spdadd 10.%d.%d.%d/32 10.%d.%d.%d/32 any " \
			    "-P out ipsec esp/tunnel/192.168.0.3-192.168.0.5/" \
			    "require;\n", 1 + int(i / 65536),
			    int(i / 256) % 256, i % 256, 128 + int(i / 65536),
			    int(i / 256) % 256, i % 256
	}'
}

# timed VAR COMMAND...: runs COMMAND, stores its wall time in s in VAR.
timed() {
	local var=$1 t0 t1 rc

	shift
	t0=$(date +%s%N)
	"$@"
	rc=$?
	t1=$(date +%s%N)
	printf -v "$var" '%s' "$(awk -v d=$((t1 - t0)) \
	    'BEGIN { printf "%.2f", d / 1e9 }')"
	return $rc
}

control_plane() {
	local i t load=() dump=() dumpp=() r0 r1 n

	gen_sas "$NSAS" > "$OUT/sas.conf"
	gen_policies "$NPOLICIES" > "$OUT/policies.conf"
	ip netns add "$NS_C" || die "cannot create namespace $NS_C"
	NAMESPACES+=("$NS_C")
	keyd_start "$NS_C" KEYD_C
	for i in $(seq "$RUNS"); do
		setkey_in "$NS_C" -F
		setkey_in "$NS_C" -FP
		sleep 0.2
		# freed SAs stay in keyd's heap: only the first load grows it
		[ "$i" -eq 1 ] && r0=$(rss_kb "$KEYD_C")
		timed t eval 'setkey_in "$NS_C" -f "$OUT/sas.conf" \
		    >> "$OUT/setkey.log"' || log "  setkey -f failed"
		load+=("$t")
		[ "$i" -eq 1 ] && r1=$(rss_kb "$KEYD_C")
		n=$(setkey_in "$NS_C" -D | grep -c '^10\.')
		[ "$n" -eq "$NSAS" ] || log "  only $n of $NSAS SAs loaded"
		timed t eval 'setkey_in "$NS_C" -D > /dev/null'
		dump+=("$t")
		timed t eval 'setkey_in "$NS_C" -f "$OUT/policies.conf" \
		    >> "$OUT/setkey.log"'
		timed t eval 'setkey_in "$NS_C" -DP > /dev/null'
		dumpp+=("$t")
		log "  control plane run $i: load ${load[-1]} s, dump " \
		    "${dump[-1]} s, policy dump ${dumpp[-1]} s"
	done
	R[cp,load]=$(printf '%s\n' "${load[@]}" | median)
	R[cp,dump]=$(printf '%s\n' "${dump[@]}" | median)
	R[cp,dumpp]=$(printf '%s\n' "${dumpp[@]}" | median)
	R[cp,per_sa]=$(awk -v a="$r0" -v b="$r1" -v n="$NSAS" \
	    'BEGIN { printf "%.0f", (b - a) * 1024 / n }')
	R[cp,rss]=$r1
	R[cp,hwm]=$(hwm_kb "$KEYD_C")
	stop_pid "$KEYD_C"
	ns_drop "$NS_C"
}

# many_sas_test: tunnel throughput with two SAs, then with NSAS SAs and
# NPOLICIES policies more in both hosts.
many_sas_test() {
	local ns

	keyd_sas aes-gcm
	tcp_test few "$B_IN" "$KEYD_A" "$KEYD_B"
	for ns in "$NS_A" "$NS_B"; do
		setkey_in "$ns" -f "$OUT/sas.conf" >> "$OUT/setkey.log"
		setkey_in "$ns" -f "$OUT/policies.conf" >> "$OUT/setkey.log"
	done
	tcp_test many "$B_IN" "$KEYD_A" "$KEYD_B"
}

# ---- strongSwan ----------------------------------------------------------------

# charon_conf SIDE LOCAL REMOTE LOCAL_TS REMOTE_TS PROPOSAL
charon_conf() {
	local d=$SWDIR/$1

	mkdir -p "$d"
	cat > "$d/strongswan.conf" <<EOF
charon {
	# kernel-libipsec before kernel-netlink: its IPsec interface wins,
	# while kernel-netlink keeps routes and addresses.
	load = random nonce openssl hmac gcm sha1 sha2 aes pem pkcs1 pubkey curve25519 kdf kernel-libipsec kernel-netlink socket-default vici
	install_virtual_ip = no
	filelog {
		log {
			path = $d/charon.log
			default = 1
		}
	}
	syslog {
		daemon {
			default = -1
		}
	}
	plugins {
		vici {
			socket = unix://$d/charon.vici
		}
	}
}
EOF
	cat > "$d/swanctl.conf" <<EOF
connections {
	bnt {
		version = 2
		local_addrs = $2
		remote_addrs = $3
		proposals = aes128-sha256-x25519
		local {
			auth = psk
			id = $1.bench.invalid
		}
		remote {
			auth = psk
		}
		children {
			bnt {
				local_ts = $4
				remote_ts = $5
				esp_proposals = $6
				mode = tunnel
			}
		}
	}
}
secrets {
	ike-bnt {
		id-a = a.bench.invalid
		id-b = b.bench.invalid
		secret = "benchmark-only-psk"
	}
}
EOF
}

# charon_start SIDE NS VAR: runs charon in NS in a mount namespace of its
# own with a tmpfs on /run (its pid file path is fixed) and stores the PID.
charon_start() {
	local d=$SWDIR/$1 pid i

	rm -f "$d/charon.vici"
	STRONGSWAN_CONF=$d/strongswan.conf ip netns exec "$2" \
	    unshare -m --propagation private sh -c \
	    "mount -t tmpfs bnt-run /run && exec $CHARON" \
	    > "$d/charon.out" 2>&1 &
	pid=$!
	PIDS+=("$pid")
	printf -v "$3" '%s' "$pid"
	for i in $(seq 50); do
		[ -S "$d/charon.vici" ] && return 0
		sleep 0.2
	done
	log "charon $1 did not start: $(tail -5 "$d/charon.log")"
	return 1
}

swan() {
	local side=$1

	shift
	swanctl "$@" --uri "unix://$SWDIR/$side/charon.vici"
}

# strongswan_test PATH PROPOSAL LABEL
strongswan_test() {
	local path=$1 prop=$2

	SWDIR=$SSDIR/$path
	charon_conf a "$A_OUT" "$B_OUT" "$A_IN/32" "$B_IN/32" "$prop"
	charon_conf b "$B_OUT" "$A_OUT" "$B_IN/32" "$A_IN/32" "$prop"
	charon_start a "$NS_A" CH_A && charon_start b "$NS_B" CH_B || return
	if ! swan a --load-all --file "$SWDIR/a/swanctl.conf" \
	    > "$SWDIR/load.log" 2>&1 ||
	    ! swan b --load-all --file "$SWDIR/b/swanctl.conf" \
	    >> "$SWDIR/load.log" 2>&1; then
		log "swanctl --load-all failed: $(tail -2 "$SWDIR/load.log")"
	elif ! swan a --initiate --child bnt --timeout 20 \
	    > "$SWDIR/initiate.log" 2>&1; then
		log "strongSwan does not offer $prop: $(tail -2 \
		    "$SWDIR/initiate.log" | tr '\n' ' ')"
		LABEL[$path]="$3 (not offered)"
	elif ! ip netns exec "$NS_A" ping -q -c 2 -i 0.2 -W 2 "$B_IN" \
	    >/dev/null; then
		log "no ping through strongSwan with $prop"
	else
		path_test "$path" "$3" "$B_IN" "$CH_A" "$CH_B"
	fi
	stop_pid "$CH_A"
	stop_pid "$CH_B"
}

# ---- output ------------------------------------------------------------------

fmt() {
	[ -n "${1:-}" ] && [ "$1" != - ] && printf "%.${2:-0}f" "$1" ||
	    printf -- -
}

ratio() {
	if [ -n "${1:-}" ] && [ -n "${2:-}" ] && [ "$1" != - ] &&
	    [ "$2" != - ]; then
		awk -v a="$1" -v b="$2" \
		    'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'
	else
		printf -- -
	fi
}

added_rtt() {
	if [ -n "${R[$1,rtt]:-}" ] && [ -n "${R[veth,rtt]:-}" ]; then
		awk -v a="${R[$1,rtt]}" -v b="${R[veth,rtt]}" \
		    'BEGIN { printf "%.3f", a - b }'
	else
		printf -- -
	fi
}

# ss_path ALG: the strongSwan path measured with keyd's ALG.
ss_path() {
	case $1 in
	aes-gcm) echo ss-aes-gcm ;;
	cbc-sha1) echo ss-cbc-sha1 ;;
	chacha) echo ss-chacha ;;
	*) echo none ;;
	esac
}

report() {
	local alg p s

	echo "## ipsec-userland benchmark, $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo
	echo "Machine: $(nproc) cores, $(awk -F': ' '/^model name/ \
	    { print $2; exit }' /proc/cpuinfo), Linux $(uname -r)," \
	    "$(openssl version | cut -d' ' -f1-2), $(iperf3 --version |
	    head -1 | cut -d' ' -f1-2)$( [ -x "$CHARON" ] &&
	    echo ", strongSwan $($CHARON --version 2>&1 | head -1 |
	    sed 's/.*strongSwan //; s/[^0-9.].*//')")."
	echo "Mode: $RUNS run(s) of ${DUR} s per measurement$( \
	    [ "${BENCH_QUICK:-0}" = 1 ] && echo ' (quick mode)'); load" \
	    "average at start $LOAD0, at end $(cut -d' ' -f1-3 \
	    /proc/loadavg); busy cores before each path (of $(nproc))" \
	    "$(printf '%s\n' "${BG_LOADS[@]}" | sort -g | awk 'NR == 1 \
	    { lo = $1 } { hi = $1 } END { print lo "-" hi }')."
	echo
	echo "### Data plane"
	echo
	echo "| path | TCP 1 stream, Mbit/s (range) | UDP 1400 B, Mbit/s" \
	    "(worst loss) | added RTT, ms | CPU s/GB TCP | CPU s/GB UDP" \
	    "flood | peak memory, MiB |"
	echo "|---|---|---|---|---|---|---|"
	for p in veth $(for alg in $ALGS; do echo "keyd-$alg \
	    $(ss_path "$alg")"; done); do
		[ -n "${LABEL[$p]:-}" ] || continue
		printf '| %s | %s (%s) | %s (%s%%) | %s | %s | %s | %s |\n' \
		    "${LABEL[$p]}" "$(fmt "${R[$p,tcp]:-}")" \
		    "${R[$p,tcp_range]:-}" "$(fmt "${R[$p,udp]:-}")" \
		    "$(fmt "${R[$p,udp_loss]:-}" 1)" \
		    "$( [ "$p" = veth ] && fmt "${R[$p,rtt]:-}" 3 ||
		    added_rtt "$p")" "$(fmt "${R[$p,cpu_tcp]:-}" 2)" \
		    "$(fmt "${R[$p,cpu_flood]:-}" 2)" \
		    "$( [ -n "${R[$p,hwm]:-}" ] && awk -v k="${R[$p,hwm]}" \
		    'BEGIN { printf "%.1f", k / 1024 }' || printf -- -)"
	done
	echo
	echo "UDP is the median received rate at the highest sending rate" \
	    "that short probes found with under 1% loss (lowered once by" \
	    "15% when the longer runs lost 1% or more in the median); the" \
	    "worst loss of the longer runs is in brackets."
	echo "The veth row gives its plain RTT.  CPU is both daemons'" \
	    "utime + stime per GB received; peak memory is the larger" \
	    "VmHWM of the two after all tests of the path."
	echo
	echo "### Ratios"
	echo
	echo "| algorithm | TCP keyd / strongSwan | UDP keyd / strongSwan |" \
	    "TCP keyd / veth | CPU per GB strongSwan / keyd |"
	echo "|---|---|---|---|---|"
	for alg in $ALGS; do
		p=keyd-$alg
		s=$(ss_path "$alg")
		[ -n "${LABEL[$p]:-}" ] || continue
		printf '| %s | %s | %s | %s | %s |\n' "${LABEL[$p]#keyd, }" \
		    "$(ratio "${R[$p,tcp]:-}" "${R[$s,tcp]:-}")" \
		    "$(ratio "${R[$p,udp]:-}" "${R[$s,udp]:-}")" \
		    "$(ratio "${R[$p,tcp]:-}" "${R[veth,tcp]:-}")" \
		    "$(ratio "${R[$s,cpu_tcp]:-}" "${R[$p,cpu_tcp]:-}")"
	done
	echo
	echo "### ESP transforms"
	echo
	echo "CPU time of keyd's ESP code for one packet with a 1400-byte" \
	    "inner packet (bench/esp_speed, median of 7 rounds of 20000)."
	echo
	cat "$OUT/esp_speed.md"
	echo
	echo "### Busy polling"
	echo
	echo "Added round-trip time of the aes-gcm-16-128 tunnel, measured" \
	    "back to back after the data-plane paths."
	echo
	echo "| keyd | added RTT, ms |"
	echo "|---|---|"
	echo "| default (\`-b 100\`) | $(added_rtt poll) |"
	echo "| \`-b 0\` (no polling) | $(added_rtt nopoll) |"
	echo
	echo "### Control plane ($NSAS SAs, $NPOLICIES policies)"
	echo
	echo "| measurement | result |"
	echo "|---|---|"
	echo "| \`setkey -f\` of $NSAS add statements | ${R[cp,load]:--} s |"
	echo "| \`setkey -D\` of $NSAS SAs | ${R[cp,dump]:--} s |"
	echo "| \`setkey -DP\` of $NPOLICIES policies | ${R[cp,dumpp]:--} s |"
	echo "| keyd memory per SA (VmRSS growth / SAs) |" \
	    "${R[cp,per_sa]:--} bytes |"
	echo "| keyd VmHWM with all SAs and policies |" \
	    "$(fmt "$(awk -v k="${R[cp,hwm]:-0}" \
	    'BEGIN { print k / 1024 }')" 1) MiB |"
	echo "| TCP aes-gcm-16-128 with 2 SAs | $(fmt "${R[few,tcp]:-}")" \
	    "Mbit/s (${R[few,tcp_range]:-}) |"
	echo "| TCP with $NSAS SAs and $NPOLICIES policies more |" \
	    "$(fmt "${R[many,tcp]:-}") Mbit/s (${R[many,tcp_range]:-}) |"
	echo "| ratio many / two | $(ratio "${R[many,tcp]:-}" \
	    "${R[few,tcp]:-}") |"
	echo
	targets
}

# check NAME VALUE OP LIMIT: prints one row of the targets table.
check() {
	local verdict=-

	if [ -n "$2" ] && [ "$2" != - ]; then
		verdict=$(awk -v v="$2" -v l="$4" -v op="$3" 'BEGIN {
		    ok = (op == ">=") ? v >= l : (op == ">") ? v > l : \
		        (op == "<=") ? v <= l : v < l
		    print ok ? "met" : "not met" }')
	fi
	printf '| %s | %s | %s %s | %s |\n' "$1" "${2:--}" "$3" "$4" "$verdict"
}

targets() {
	local mem=-

	if [ -n "${R[keyd-aes-gcm,hwm]:-}" ]; then
		mem=$(for alg in $ALGS; do echo "${R[keyd-$alg,hwm]:-0}"; done |
		    sort -g | tail -1 | awk '{ printf "%.1f", $1 / 1024 }')
	fi
	echo "### Targets"
	echo
	echo "| target | measured | limit | verdict |"
	echo "|---|---|---|---|"
	check "TCP aes-gcm-16-128, Mbit/s" "$(fmt "${R[keyd-aes-gcm,tcp]:-}")" \
	    ">" 2000
	check "TCP aes-gcm-16-128, keyd / strongSwan" \
	    "$(ratio "${R[keyd-aes-gcm,tcp]:-}" "${R[ss-aes-gcm,tcp]:-}")" ">=" 5
	check "TCP aes-cbc + hmac-sha1, keyd / strongSwan" \
	    "$(ratio "${R[keyd-cbc-sha1,tcp]:-}" "${R[ss-cbc-sha1,tcp]:-}")" \
	    ">=" 5
	check "added RTT aes-gcm-16-128, ms" "$(added_rtt keyd-aes-gcm)" "<=" \
	    0.15
	check "keyd peak memory under traffic, MiB" "$mem" "<" 64
	check "keyd peak memory with $NSAS SAs, MiB" "$(fmt "$(awk \
	    -v k="${R[cp,hwm]:-0}" 'BEGIN { print k / 1024 }')" 1)" "<" 64
	check "\`setkey -f\` of $NSAS SAs, s" "${R[cp,load]:-}" "<" 2
	check "\`setkey -D\` of $NSAS SAs, s" "${R[cp,dump]:-}" "<" 2
	check "TCP with $NSAS SAs / with 2" \
	    "$(ratio "${R[many,tcp]:-}" "${R[few,tcp]:-}")" ">=" 0.95
}

# ---- main --------------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || die "run as root: it creates network namespaces"
for p in "$KEYD" "$SETKEY" "$IFIPSECCTL"; do
	[ -x "$p" ] || die "$p not found; run make first"
done
if ip netns list | grep -qE '^pf(A|B)( |$)'; then
	die "namespaces pfA or pfB exist: another benchmark is running"
fi
need_packages
for p in iperf3 jq ping ip; do
	command -v "$p" >/dev/null || die "$p is not installed"
done
if [ "${BENCH_STRONGSWAN:-1}" = 1 ] &&
    { [ ! -x "$CHARON" ] || [ ! -e "$LIBIPSEC_PLUGIN" ]; }; then
	die "strongSwan's charon or kernel-libipsec plugin is missing"
fi
OUT=${BENCH_OUTDIR:-$(mktemp -d /tmp/bnt.XXXXXX)}
mkdir -p "$OUT/bin" || die "cannot create $OUT"
# Run copies, so that a rebuild of the tree meanwhile cannot break a run.
cp "$KEYD" "$SETKEY" "$IFIPSECCTL" "$OUT/bin/" || die "cannot copy the programs"
KEYD=$OUT/bin/$(basename "$KEYD")
SETKEY=$OUT/bin/$(basename "$SETKEY")
IFIPSECCTL=$OUT/bin/$(basename "$IFIPSECCTL")
SSDIR=$OUT/strongswan
HZ=$(getconf CLK_TCK)
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
trap cleanup EXIT
trap 'exit 1' INT TERM
log "results and logs in $OUT"

log "ESP transforms per packet"
"$HERE/esp_speed" > "$OUT/esp_speed.md" || die "esp_speed failed"
ns_pair
iperf_server
path_test veth "bare veth" "$B_OUT"
keyd_tunnel
for alg in $ALGS; do
	keyd_sas "$alg"
	case $alg in
	aes-gcm) label="keyd, aes-gcm-16-128" ;;
	cbc-sha1) label="keyd, aes-cbc-128 + hmac-sha1" ;;
	chacha) label="keyd, chacha20-poly1305" ;;
	null) label="keyd, null" ;;
	esac
	path_test "keyd-$alg" "$label" "$B_IN" "$KEYD_A" "$KEYD_B"
done
log "round-trip time with and without busy polling"
polling_test
log "control plane"
control_plane
log "throughput with $NSAS SAs"
many_sas_test
cleanup

if [ "${BENCH_STRONGSWAN:-1}" = 1 ]; then
	ns_pair
	ip -n "$NS_A" addr add "$A_IN/32" dev lo
	ip -n "$NS_B" addr add "$B_IN/32" dev lo
	iperf_server
	for alg in $ALGS; do
		case $alg in
		aes-gcm) strongswan_test ss-aes-gcm aes128gcm16 \
		    "strongSwan, aes128gcm16" ;;
		cbc-sha1) strongswan_test ss-cbc-sha1 aes128-sha1 \
		    "strongSwan, aes128-sha1" ;;
		chacha) strongswan_test ss-chacha chacha20poly1305 \
		    "strongSwan, chacha20poly1305" ;;
		esac
	done
	cleanup
fi

report | tee "$OUT/results.md"
