#!/usr/bin/env bash
# bench/reap.sh [BUILD...] — one session making N (REAP_N, default 2000) sequential calls on the
# simulator (bench/reap.ccxml): peak RSS and wall time per call (/usr/bin/time), and, with
# REAP_CALLGRIND=1, the instructions of the whole run (valgrind --tool=callgrind: stable on a
# busy machine). BUILD: a build directory holding ccxmlc and its libraries (default build).
# docs/performance.md "reap" has the results before and after ended calls were freed.
set -u
cd "$(dirname "$0")/.."
N=${REAP_N:-2000}
W=$(mktemp -d /tmp/ccxml-reap.XXXXXX)
trap 'rm -rf "$W"' EXIT
for b in "${@:-build}"; do
	timeout 300 "$b/ccxmlc" -o "$W/reap" bench/reap.ccxml || exit 1
	for n in $((N / 4)) "$N"; do
		/usr/bin/time -f '%e %M' -o "$W/time" timeout 600 "$W/reap" --sim=bench/reap.scenario --once \
			--values "n=$n" >"$W/out" 2>&1
		grep -q "done $n calls" "$W/out" || { echo "$b: the run of $n calls failed"; cat "$W/out"; exit 1; }
		read -r secs kb <"$W/time"
		line=$(awk -v b="$b" -v n="$n" -v s="$secs" -v k="$kb" \
			'BEGIN { printf "%s: %d calls: %.2f s (%.1f us a call), peak RSS %d KB", b, n, s, s * 1e6 / n, k }')
		if [ "${REAP_CALLGRIND:-0}" = 1 ]; then
			timeout 1800 valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$W/reap" --sim=bench/reap.scenario --once \
				--values "n=$n" >"$W/cgout" 2>&1
			ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$W/cgout")
			[ -n "$ir" ] || ir=$(grep -o 'refs: *[0-9,]*' "$W/cgout" | tr -dc 0-9)
			line="$line, $ir instructions ($((ir / n)) a call)"
		fi
		echo "$line"
	done
done
