#!/usr/bin/env bash
# examples/campaign/run.sh [BUILD] — the campaign example in the simulator: six numbers (answered,
# busy, no answer, answered late, 404, answered) at --max-cps 4, the message played to those who
# answer, one call record each, and the summary POSTed to a local web server. BUILD: build (default)
# or build/asan. Part of the suite (tests/run.sh: campaign:run).
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin campaign
E=examples/campaign
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/campaign" $E/campaign.ccxml >"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi
timeout 120 python3 $E/report_sink.py "$W/port" "$W/report" 100 & PIDS+=($!)
waitfor "$W/port" . 5 || { echo "FAIL the report server did not start"; exit 1; }
LIST=+14075550101,+14075550102,+14075550103,+14075550104,+14075550105,+14075550106
(cd "$W" && timeout 90 ./campaign --sim="$OLDPWD/$E/campaign.scenario" --once --max-cps 4 \
	--values "list=$LIST" --values "report=http://127.0.0.1:$(cat "$W/port")/campaign" \
	--values 'message=message.wav?text=Hello, this is the campaign example. Goodbye.' --values timeout=3s \
	--cdr-file "$W/calls.cdr") >"$W/out" 2>"$W/err"
rc=$?
check "the program ends by itself (exit status 0, got $rc)" test $rc = 0
check "summary: 6 numbers, 3 answered, 3 failed (busy, timeout, badnumber)" \
	grep -q 'SUMMARY total=6 answered=3 failed=3 reasons=busy badnumber timeout$' "$W/out"
check "the report server got the summary (basichttp POST)" bash -c \
	"grep -q 'name=campaign.done' '$W/report' && grep -q 'total=6' '$W/report' && grep -q 'answered=3' '$W/report'"
check "one call record per number, the answered ones with a duration" python3 - "$W/calls.cdr" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 6, len(recs)
by = {r["to"]: r for r in recs}
assert sorted(by) == ["tel:+1407555010%d" % i for i in range(1, 7)], sorted(by)
ans = [r for r in recs if r["answer"]]
assert len(ans) == 3 and all(r["duration_s"] > 1 for r in ans), ans
assert by["tel:+14075550102"]["reason"] == "busy" and by["tel:+14075550105"]["sipcode"] == 404, recs
PY
check "--max-cps 4: the six INVITEs spread over >= 1.2 s" python3 - "$W/calls.cdr" <<'PY'
import datetime, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
t = sorted(datetime.datetime.fromisoformat(r["progress"].replace("Z", "+00:00")).timestamp() for r in recs if r["progress"])
assert len(t) == 6 and t[-1] - t[0] >= 1.2, t
PY
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W/err'"
lc_end campaign
