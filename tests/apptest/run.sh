#!/usr/bin/env bash
# tests/apptest/run.sh [BUILD] — `ccxmlc --test DIR` and the simulator's virtual clock
# (docs/cli.md "Testing applications", docs/sim.md): the applications of tests/apptest/ pass
# (the seed's step 5 when nobody answers, per-attempt rules, basichttp events at a time, Date on
# the virtual clock, an inbound call with a VoiceXML sibling and DTMF), the 45 s timeout of the seed takes no wall time, tests/apptest/failing/ is
# reported as 1 passed and 2 failed with the right file:line, the messages for a missing
# directory and one without applications, and --realtime / --http keeping wall time.
# BUILD: build (default) or build/asan. Part of the suite (tests/run.sh: apptest:run).
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin apptest
CC1=(env ASAN_OPTIONS=detect_leaks=0 "$B/ccxmlc")

# 1. the applications of tests/apptest/ (the compiled programs are checked for leaks: an
#    ASan report makes their exit status non-zero, hence a FAIL)
timeout 600 "${CC1[@]}" --test tests/apptest >"$W/all.out" 2>&1
rc=$?
sed 's/^/  | /' "$W/all.out"
check "--test tests/apptest: exit status 0 (was $rc)" test $rc = 0
check "--test tests/apptest: 5 passed, 0 failed" grep -q -x '5 passed, 0 failed' "$W/all.out"
for app in basichttp pin retry step5-noanswer timeout-clock; do
	check "PASS $app" grep -q "^PASS $app (ran " "$W/all.out"
done
# the seed's 45 s createcall timeout on the virtual clock (docs/sim.md: measured < 1 s)
ran=$(sed -n 's/^PASS step5-noanswer (ran \([0-9.]*\) s)$/\1/p' "$W/all.out")
check "the seed's no-answer case ran in ${ran:-?} s (< 5 s; its timeout is 45 s)" \
	awk -v t="${ran:-99}" 'BEGIN { exit !(t < 5) }'

# 2. a directory with failures: the count, the exit status, the first mismatch with file:line
timeout 600 "${CC1[@]}" --test tests/apptest/failing >"$W/fail.out" 2>&1
rc=$?
sed 's/^/  | /' "$W/fail.out"
check "--test failing: exit status 1 (was $rc)" test $rc = 1
check "--test failing: 1 passed, 2 failed" grep -q -x '1 passed, 2 failed' "$W/fail.out"
check "--test failing: hello passes" grep -q '^PASS hello (ran ' "$W/fail.out"
check "--test failing: wrong fails at its expect line 3" grep -q -x -F \
	'FAIL wrong: tests/apptest/failing/wrong.expect:3: log line not seen (in order): goodbye' "$W/fail.out"
check "--test failing: badscen fails with the scenario's file:line" grep -q -x -F \
	"FAIL badscen: tests/apptest/failing/badscen.scenario:2: error: bad attempt '0' (want N, N-M or N-: the Nth <createcall> to the same dest, counted from 1)" "$W/fail.out"

# 3. what cannot be tested
"${CC1[@]}" --test "$W/none" >"$W/none.out" 2>&1
rc=$?
check "--test of a missing directory: status 2 and why (was $rc)" \
	grep -q -x -F "ccxmlc: error: --test $W/none: No such file or directory" "$W/none.out"
test $rc = 2 || check "status 2 for a missing directory" false
mkdir "$W/empty" && cp tests/apptest/failing/hello.ccxml "$W/empty/"
"${CC1[@]}" --test "$W/empty" >"$W/empty.out" 2>&1
rc=$?
check "--test of a directory without applications: status 2 and why (was $rc)" grep -q -x -F \
	"ccxmlc: error: --test $W/empty: no application to test (an application is NAME.ccxml with NAME.expect beside it; docs/cli.md)" "$W/empty.out"
test $rc = 2 || check "status 2 for no application" false

# 4. --realtime, and --http (a listener: real time), take the wall time of a 2 s timeout; on the
#    virtual clock a 30 s one takes a fraction of it (the bound leaves room for a loaded machine
#    and the sanitizers' start-up)
cat >"$W/wait.ccxml" <<'DOC'
<?xml version="1.0" encoding="UTF-8"?>
<ccxml version="1.0">
  <eventprocessor>
    <transition event="ccxml.loaded">
      <createcall dest="'tel:+1555'" timeout="session.values.t"/>
    </transition>
    <transition event="connection.failed">
      <log expr="'failed ' + event$.reason"/>
      <exit/>
    </transition>
  </eventprocessor>
</ccxml>
DOC
echo 'call * noanswer' >"$W/wait.scenario"
"${CC1[@]}" -o "$W/wait" "$W/wait.ccxml" || check "compile wait.ccxml" false
# wall ms of: wait ARGS...
wall() {
	local t0 t1
	t0=$(date +%s%3N)
	timeout 30 "$W/wait" --sim="$W/wait.scenario" --once "$@" >"$W/wait.out" 2>&1 || echo "exit $?" >>"$W/wait.out"
	t1=$(date +%s%3N)
	echo $((t1 - t0))
}
ms=$(wall --values t=30s)
check "virtual clock: the 30 s timeout in $ms ms (< 10000)" test "$ms" -lt 10000
check "virtual clock: connection.failed timeout" grep -q 'failed timeout$' "$W/wait.out"
ms=$(wall --values t=2s --realtime)
check "--realtime: the 2 s timeout in $ms ms (>= 2000)" test "$ms" -ge 2000
check "--realtime: connection.failed timeout" grep -q 'failed timeout$' "$W/wait.out"
ms=$(wall --values t=2s --http 127.0.0.1:0)
check "--http: the 2 s timeout in $ms ms (>= 2000: a listener keeps wall time)" test "$ms" -ge 2000

lc_end apptest
