#!/usr/bin/env bash
# tests/es/run.sh — the ECMAScript checks of one build (docs/testing-es.md):
#   1. the differential cases (tests/es/cases/*.js: ccxmlc and node must print the same lines;
#      under ASan each program runs a second time with CX_GC_STRESS=1, a collection at every
#      safe point, which finds C code keeping values where the collector cannot see them);
#   2. a short differential fuzz run with fixed seeds;
#   3. the memory and time bounds (tests/es/limits/): heap limit and execution budget per
#      session, a long call of many events in a small heap with flat peak RSS, leak check
#      (cycles included) under ASan.
#   4. Date's zone name without TZ when /etc/localtime is missing or a copy (tests/es/localtime.sh,
#      in a mount namespace; skipped where there is none).
#   usage: tests/es/run.sh [BUILD]      (BUILD: build or build/asan; from anywhere)
# Environment: FUZZ_BATCHES (default 3; 2 under ASan), LONG_EVENTS (default 1000000; 20000
# under ASan, where the leak check is the point), ES_OPT (cc optimisation of the compiled
# cases, default -O0).
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
[[ $B == /* ]] || B=$(pwd)/$B
if ! command -v node >/dev/null 2>&1; then
	echo "tests/es/run.sh: node is needed (the differential tests compare with it)" >&2
	exit 1
fi
if [ ! -x "$B/ccxmlc" ]; then
	echo "tests/es/run.sh: $B/ccxmlc is missing; run ninja first" >&2
	exit 1
fi
asan=0
[[ $B == *asan* ]] && asan=1
T=$(mktemp -d /tmp/ccxmlc-es.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail=0

echo "== differential cases ($B)"
if [ $asan = 1 ]; then
	timeout -k 5 600 node tests/es/run.js "$B" --gc-stress || fail=1
else
	timeout -k 5 300 node tests/es/run.js "$B" || fail=1
fi

echo "== differential fuzz"
batches=${FUZZ_BATCHES:-$([ $asan = 1 ] && echo 2 || echo 3)}
timeout -k 5 300 node tests/es/fuzz.js "$B" --seed 1 --batches "$batches" || fail=1

# Runs a limits document: limits__run NAME ARGS... -> $T/NAME.out (stdout+stderr), rc in $rc.
limits__run() {
	local name=$1; shift
	local env=()
	# a small quarantine so that the peak RSS means something under ASan too
	[ $asan = 1 ] && env=(env ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1:quarantine_size_mb=1)
	(cd "$T" && timeout -k 5 120 "${env[@]}" "$@" >"$name.out" 2>&1)
	rc=$?
}
limits__check() { # NAME WHAT: no sanitizer report, rc 0, no FAIL line, every expected line
	local name=$1 what=$2; shift 2
	local why=""
	if grep -E -q 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$T/$name.out"; then why="sanitizer report"
	elif [ "$rc" != 0 ]; then why="exit status $rc"
	elif grep -q FAIL "$T/$name.out"; then why="a FAIL line"
	fi
	local want
	for want in "$@"; do
		[ -n "$why" ] && break
		grep -F -q -- "$want" "$T/$name.out" || why="no line: $want"
	done
	if [ -n "$why" ]; then
		echo "FAIL limits: $what: $why"
		sed 's/^/    | /' "$T/$name.out" | tail -30
		fail=1
	else
		echo "ok   limits: $what"
	fi
}

echo "== memory and time bounds"
for d in isolation longcall; do
	if ! ASAN_OPTIONS=detect_leaks=0 timeout -k 5 120 "$B/ccxmlc" -o "$T/$d" "tests/es/limits/$d.ccxml" >"$T/$d.cc" 2>&1; then
		echo "FAIL limits: $d does not compile"; sed 's/^/    | /' "$T/$d.cc"; fail=1
	fi
done
cp tests/es/limits/isolation.scenario "$T/"

limits__run isolation ./isolation --sim=isolation.scenario --heap-limit 2
limits__check isolation "heap limit and budget are per session; the other call goes on" \
	"hog-heap: error.semantic: RangeError: out of memory" \
	"hog-loop: error.semantic: RangeError: execution budget exceeded" \
	"good: call kept until the far end hung up: PASS"

events=${LONG_EVENTS:-$([ $asan = 1 ] && echo 20000 || echo 1000000)}
# a short run first: its peak RSS is the reference for the long one
limits__run long-short /usr/bin/time -f 'maxrss %M' ./longcall --sim --once --heap-limit 1 --values events=$((events / 10))
limits__check long-short "$((events / 10)) events in a 1 MiB heap" "events $((events / 10)) " PASS
limits__run long /usr/bin/time -f 'maxrss %M' ./longcall --sim --once --heap-limit 1 --values events="$events"
limits__check long "$events events in a 1 MiB heap (garbage and cycles collected between events)" "events $events " PASS
r1=$(sed -n 's/^maxrss //p' "$T/long-short.out" | tail -1)
r2=$(sed -n 's/^maxrss //p' "$T/long.out" | tail -1)
if [ -n "$r1" ] && [ -n "$r2" ]; then
	# no growth: ten times the events may not cost more than 1 MiB of peak RSS (ASan: 4 MiB,
	# its small quarantine still holds some freed memory)
	slackkb=$([ $asan = 1 ] && echo 4096 || echo 1024)
	if [ "$r2" -gt $((r1 + slackkb)) ]; then
		echo "FAIL limits: peak RSS grew from ${r1} KiB ($((events / 10)) events) to ${r2} KiB ($events events)"
		fail=1
	else
		echo "ok   limits: peak RSS ${r1} KiB after $((events / 10)) events, ${r2} KiB after $events"
	fi
else
	echo "FAIL limits: could not read the peak RSS (/usr/bin/time)"; fail=1
fi

echo "== Date's zone without TZ (/etc/localtime missing, copied)"
timeout -k 5 120 bash tests/es/localtime.sh "$B" || fail=1

[ $fail = 0 ] && echo "tests/es/run.sh: all passed ($B)" || echo "tests/es/run.sh: FAILED ($B)"
exit $fail
