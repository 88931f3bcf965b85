#!/bin/sh
# tests/front/run.sh — builds the front end alone (tests/front/build.sh, plain and with
# sanitizers, into /tmp/ccxmlc-front) and runs it on tests/front/valid (must pass with no
# diagnostics, every attribute value mapped back to the source) and on tests/invalid.
set -e
cd "$(dirname "$0")/../.."
out=/tmp/ccxmlc-front
tests/front/build.sh "$out"
SAN="-fsanitize=address,undefined -fno-omit-frame-pointer" tests/front/build.sh "$out/asan"
export ASAN_OPTIONS=detect_leaks=0
fail=0
for f in tests/front/valid/*.ccxml; do
	for fc in "$out/frontcheck" "$out/asan/frontcheck"; do
		if ! timeout 20 "$fc" --dump "$f" >"$out/dump" 2>"$out/err" || grep -q "error:" "$out/err"; then
			echo "FAIL $f: rejected"; cat "$out/err"; fail=1
		elif grep -q "(no map)" "$out/dump"; then
			echo "FAIL $f: a value lost its source map"; fail=1
		fi
	done
done
tests/invalid/run.sh "$out/frontcheck" || fail=1
tests/invalid/run.sh "$out/asan/frontcheck" || fail=1
[ $fail -eq 0 ] && echo "front: all passed"
exit $fail
