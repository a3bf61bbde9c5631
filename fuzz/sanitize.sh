#!/bin/sh
# Builds a copy of the tree with AddressSanitizer and UndefinedBehavior-
# Sanitizer in build/sanitize and runs the whole regress suite there
# (make check-sanitize).  Any sanitizer report fails the run, including
# one from a process whose exit status no test checks, such as keyd's
# leak check at exit: reports go to files in build/sanitize/reports,
# and none of them may hold an error.  Leaks that are not the project's
# are suppressed by fuzz/lsan-suite.supp.
#
# SANITIZE_CC selects the compiler (default cc).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
dest=$top/build/sanitize
reports=$dest/reports
cc=${SANITIZE_CC:-cc}
flags="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all"
flags="$flags -fno-omit-frame-pointer"

# The sources: tracked files and new files git does not ignore.
mkdir -p "$dest" || exit 2
(cd "$top" && git ls-files -co --exclude-standard) |
while read -r f; do
	[ -f "$top/$f" ] && printf '%s\n' "$f"
done > "$dest/.sources"
tar -C "$top" -cf - -T "$dest/.sources" | tar -C "$dest" -xf - || exit 2

rm -rf "$reports"
mkdir -p "$reports" && chmod 1777 "$reports"
ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:log_path=$reports/asan
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan
LSAN_OPTIONS=suppressions=$top/fuzz/lsan-suite.supp
export ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS

echo "check-sanitize: building $dest with $cc $flags"
make -C "$dest" -j2 CC="$cc" CFLAGS="$flags" \
    LDFLAGS="-fsanitize=address,undefined" all > "$dest/build.log" 2>&1 || {
	tail -n 40 "$dest/build.log"
	echo "check-sanitize: the build failed"
	exit 1
}
make -C "$dest" CC="$cc" CFLAGS="$flags" \
    LDFLAGS="-fsanitize=address,undefined" check
rc=$?
# A leak check that only used suppressions still writes a file.
errors=$(grep -lE 'ERROR: |runtime error: ' "$reports"/* 2>/dev/null)
if [ -n "$errors" ]; then
	for f in $errors; do
		echo "=== $f"
		cat "$f"
	done
	echo "check-sanitize: $(echo "$errors" | wc -l) sanitizer reports"
	rc=1
fi
exit $rc
