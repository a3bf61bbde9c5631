#!/bin/sh
# Runs the regress suite with Kyua and ends with one line of the form
# "N passed, N failed, N skipped", derived from Kyua's report.  Exits 0
# only when no test failed or broke.
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
results=${KYUA_RESULTS:-$top/regress/kyua-results.db}
rm -f "$results"

cd "$top/regress" || exit 2
kyua test -r "$results" </dev/null
rc=$?

# The details of failed and broken cases, without Kyua's execution
# context, which lists every environment variable of the caller.
if [ "$rc" -ne 0 ]; then
	kyua report -r "$results" --verbose --results-filter=broken,failed |
	    awk '/^===> / { skip = ($0 == "===> Execution context") }
		!skip { print }' || true
fi
kyua report -r "$results" --results-filter= 2>/dev/null |
awk '
/^Test cases:/ {
	gsub(/,/, "")
	# Test cases: T total S skipped X expected failures B broken F failed
	total = $3; skipped = $5; broken = $10; failed = $12
	printf "%d passed, %d failed, %d skipped\n", \
	    total - skipped - broken - failed, failed + broken, skipped
	found = 1
}
END {
	if (!found) {
		print "0 passed, 1 failed"
		exit 1
	}
}'
exit $rc
