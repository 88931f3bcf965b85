#!/usr/bin/env bash
# What the C-stack bound costs (docs/ecmascript.md, "How deep a script may go"): bench/depth.ccxml
# (recursive fib, about 3.2 million calls) linked against the stdlib as built (every cx_call
# compares the frame address with the thread's floor) and against a copy of the stdlib compiled
# with -DCX_STACK_CHECK=0, in the same run, runs alternating; the best of R runs counts (CPU
# time, start-up subtracted).
# Prints ns per call for both, the difference, and the depth a one-argument function reaches.
#   bench/depth.sh            R=7, fib(27) x 5
#   R=3 N=25 bench/depth.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
R=${R:-7}
N=${N:-27}
REPS=${REPS:-5}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# The unchecked stdlib: every stdlib source with the optimised build's flags, plus the switch.
flags=$(sed -n 's/^defs = //p' build.ninja)
incs=$(sed -n 's/^incs = //p' build.ninja)
mkdir -p "$W/lib"
for c in stdlib/*.c; do
	# shellcheck disable=SC2086
	gcc $flags -O2 -g $incs -DCX_STACK_CHECK=0 -c "$c" -o "$W/lib/$(basename "$c" .c).o"
done
ar crs "$W/lib/libcxstd.a" "$W"/lib/*.o
cp build/libcxrt.a "$W/lib/"
build/ccxmlc -o "$W/checked" bench/depth.ccxml
CCXMLC_LIBDIR=$W/lib build/ccxmlc -o "$W/unchecked" bench/depth.ccxml

# CPU time (user + system) of a run with REPS rounds minus one with none: the machine may be
# shared, and CPU time is what the check costs (wall time would count waiting for a core).
cpu() { # cpu PROGRAM REPS DEEP -> milliseconds of CPU; the program's log in $W/out
	local t
	t=$( { /usr/bin/time -f '%U %S' "$W/$1" --sim --once --budget 2000000000 --values n="$N" \
		--values reps="$2" --values deep="$3" >"$W/out"; } 2>&1 | tail -n 1)
	echo "$t" | awk '{ printf "%d\n", ($1 + $2) * 1000 }'
}
best_c=999999 best_u=999999 base_c=999999 base_u=999999
for _ in $(seq "$R"); do
	for v in checked unchecked; do
		deep=1
		[ $v = unchecked ] && deep=0 # without the check, the depth probe would crash the program
		ms=$(cpu $v "$REPS" $deep)
		calls=$(sed -n 's/.*calls \([0-9]*\) ms.*/\1/p' "$W/out")
		[ $v = checked ] && depth=$(sed -n 's/.*depth \([0-9]*\).*/\1/p' "$W/out")
		ms0=$(cpu $v 0 $deep)
		if [ $v = checked ]; then
			((ms < best_c)) && best_c=$ms
			((ms0 < base_c)) && base_c=$ms0
		else
			((ms < best_u)) && best_u=$ms
			((ms0 < base_u)) && base_u=$ms0
		fi
	done
done
best_c=$((best_c - base_c))
best_u=$((best_u - base_u))
awk -v c="$best_c" -v u="$best_u" -v n="$calls" -v d="$depth" 'BEGIN {
	printf "calls per run        %d (fib(%s) x %s)\n", n, "'"$N"'", "'"$REPS"'"
	printf "with the check       %.2f ns per call (best %d ms)\n", c * 1e6 / n, c
	printf "without the check    %.2f ns per call (best %d ms)\n", u * 1e6 / n, u
	printf "cost of the check    %+.2f ns per call (%+.1f%%)\n", (c - u) * 1e6 / n, u ? (c - u) * 100 / u : 0
	printf "depth reached        %d calls of a one-argument function (default stack)\n", d
}'
