#!/bin/sh
# Runs one harness: run.sh NAME SECONDS JOBS [LIBFUZZER OPTIONS...]
#
# The corpus grows in fuzz/corpus/NAME, starting from fuzz/seeds/NAME,
# and crashes go to fuzz/crash/NAME-*.  When unshare(1) can create a
# network namespace the harness runs in a new one, with no interfaces up.
set -u

name=$1 seconds=$2 jobs=$3
shift 3
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2

case $name in
setkey_scan|setkey_parse|dataplane)	maxlen=4096 ;;
keyd)		maxlen=8192 ;;
esp)		maxlen=2048 ;;
policy)		maxlen=512 ;;
*)		maxlen=1024 ;;
esac

# The grammar leaves a failed statement's strings to setkey's exit.
if [ "$name" = setkey_parse ]; then
	LSAN_OPTIONS=suppressions=$top/fuzz/lsan-setkey.supp
	export LSAN_OPTIONS
fi

mkdir -p "fuzz/corpus/$name" fuzz/crash "fuzz/seeds/$name"
netns=
if unshare -n true 2>/dev/null; then
	netns="unshare -n"
fi
echo "fuzz: $name for $seconds s (corpus fuzz/corpus/$name)"
if [ "$jobs" -gt 1 ]; then
	set -- -jobs="$jobs" -workers="$jobs" "$@"
fi
exec $netns "fuzz/fuzz_$name" -max_total_time="$seconds" \
    -max_len="$maxlen" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="fuzz/crash/$name-" "$@" \
    "fuzz/corpus/$name" "fuzz/seeds/$name"
