#!/usr/bin/env bash
# examples/survey/run.sh [BUILD] — the survey example over SIP: a token request starts the
# session (--http), which calls a baresip; the VoiceXML dialog plays the message, baresip presses
# the key as RFC 4733 events (tests/sip/ctrl.py), and after the hang-up the result is POSTed
# (basichttp) to a local web server (examples/campaign/report_sink.py). Twice: key 1
# (confirmed) and key 2 (cancelled). BUILD: build (default) or build/asan. Part of the suite
# (tests/run.sh: survey:run).
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
. scripts/lib-peers.sh
LC_BUILD=${1:-build} lc_begin survey
E=examples/survey
for tool in baresip python3 curl; do
	command -v $tool >/dev/null || { echo "FAIL $tool is not installed (scripts/install-deps.sh)"; exit 1; }
done
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/survey" $E/survey.ccxml $E/survey.vxml \
	>"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi
timeout 120 python3 examples/campaign/report_sink.py "$W/port" "$W/report" 100 & PIDS+=($!)
waitfor "$W/port" . 5 || { echo "FAIL the report server did not start"; exit 1; }
REPORT=http://127.0.0.1:$(cat "$W/port")/survey

# survey KEY ORDER: one token-started call to a fresh baresip that presses KEY.
survey() {
	local key=$1 order=$2 cp hp sp p ctrl i
	cp=$(lp_freeport)
	lp_baresip_start "$W/baresip-$key" 40 "module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$cp" || { echo "baresip did not start"; return 1; }
	PIDS+=("$LP_BARESIP_PID")
	python3 tests/sip/ctrl.py "$cp" "$key" 20000 >"$W/ctrl-$key.out" 2>&1 &
	ctrl=$!
	PIDS+=("$ctrl")
	lp_wait_for "$W/ctrl-$key.out" 'ctrl: connected' 15 # the call only once ctrl.py listens
	hp=$(lp_freeport)
	sp=$(lp_freeport)
	(cd "$W" && exec timeout -k 2 40 ./survey --sip "127.0.0.1:$sp" --http "127.0.0.1:$hp" \
		--token survey-token) >"$W/out-$key" 2>"$W/err-$key" &
	p=$!
	PIDS+=("$p")
	for ((i = 0; i < 100; i++)); do
		curl -s -o "$W/token-$key" -G "http://127.0.0.1:$hp/SessionControl/CCXML10.start" \
			--data-urlencode tokenid=survey-token --data-urlencode "order=$order" \
			--data-urlencode "number=sip:4072223333@127.0.0.1:$LP_BARESIP_PORT" \
			--data-urlencode "report=$REPORT" && break
		sleep 0.1
	done
	waitfor "$W/out-$key" 'RESULT POSTED|an error has occurred' 30
	kill "$p" "$ctrl" "$LP_BARESIP_PID" 2>/dev/null
	wait "$p" "$ctrl" "$LP_BARESIP_PID" 2>/dev/null
	return 0
}

survey 1 A-100
check "key 1: the dialog's answer is confirmed, the call is hung up, the result POSTed" \
	grep -q 'RESULT POSTED: confirmed' "$W/out-1"
check "key 1: the callee pressed 1 (RFC 4733) during the message" grep -q 'survey order A-100: confirmed' "$W/out-1"
survey 2 B-200
check "key 2: the dialog's answer is cancelled, the result POSTed" grep -q 'RESULT POSTED: cancelled' "$W/out-2"
check "the web server got both results after the hang-ups (basichttp POST bodies)" python3 - "$W/report" <<'PY'
import sys, urllib.parse
bodies = [dict(urllib.parse.parse_qsl(l.strip())) for l in open(sys.argv[1]) if l.strip()]
got = sorted((b.get("name"), b.get("order"), b.get("answer")) for b in bodies)
want = [("survey.result", "A-100", "confirmed"), ("survey.result", "B-200", "cancelled")]
assert got == want, got
assert all(b.get("number", "").startswith("sip:4072223333@127.0.0.1:") for b in bodies), bodies
PY
check "no sanitizer report" bash -c "! grep -l 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' '$W'/err-* 2>/dev/null | grep -q ."
[ "$fails" = 0 ] || for f in "$W"/out-* "$W"/err-* "$W"/ctrl-*; do echo "--- $f"; tail -15 "$f"; done
lc_end survey
