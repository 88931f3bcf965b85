#!/usr/bin/env bash
# tests/ops/run.sh BUILD — what an operator relies on (docs/service.md, Operations): log formats
# (text with timestamp and level, json, journal priorities), --log-file and SIGHUP (reopen the
# log, reload tokens and the admin token, the process lives on), GET /metrics validated by
# promtool and its counters checked against what was done, GET /sessions, and both behind the
# admin token. BUILD is build or build/asan. Everything on 127.0.0.1 with a system-chosen port;
# every process is bounded by `timeout`.
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin ops
T=tests/ops
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/app" $T/ops.ccxml >"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi
command -v promtool >/dev/null || { echo "FAIL promtool is missing (scripts/install-deps.sh installs prometheus)"; exit 1; }

ADMIN=admin-0123456789abcdef
printf '%s\n' "$ADMIN" >"$W/admin"
printf '# tokens\nt-one\n' >"$W/tokens"
chmod 600 "$W/admin" "$W/tokens"
# call records: to a file, and POSTed to a web server that fails the first two
mkdir -p "$W/spool"
timeout 120 python3 $T/cdr_sink.py "$W/cport" "$W/cdr-posted" 2 110 & PIDS+=($!)
waitfor "$W/cport" . 5 || { echo "FAIL the record sink did not start"; exit 1; }
timeout 120 "$W/app" --sim="$T/ops.scenario" --http 127.0.0.1:0 --tokens "$W/tokens" \
	--admin-token-file "$W/admin" --log-format text --log-file "$W/log" \
	--cdr-file "$W/cdr" --cdr-url "http://127.0.0.1:$(cat "$W/cport")/cdr" --cdr-spool "$W/spool" \
	>"$W/out" 2>"$W/err" &
APP=$!
PIDS+=($APP)
waitfor "$W/log" 'http: listening on' 10 || { echo "FAIL the program did not start"; cat "$W/err" "$W/log"; exit 1; }
P=$(sed -n 's/.*http: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/log" | head -n 1)
# signals go to the program itself: `timeout` passes on only the first one it gets
PROG=$(pgrep -P $APP | head -n 1)
# a service starts itself again once with malloc's per-thread cache off (runtime/main.c;
# glibc shows only the first tunable of a list in /proc/PID/environ: none is set here)
check "service mode: running with GLIBC_TUNABLES=glibc.malloc.tcache_count=0 (restarted once)" bash -c \
	"tr '\\0' '\\n' </proc/$PROG/environ | grep -qx 'GLIBC_TUNABLES=glibc.malloc.tcache_count=0'"
U=http://127.0.0.1:$P
code() { curl -s -m 5 -o "$W/body" -w '%{http_code}' "$@"; }
bearer=(-H "Authorization: Bearer $ADMIN")

# the admin resources are closed to everyone without the token
check "/metrics without a token: 401 with WWW-Authenticate" bash -c \
	"curl -s -i -m 5 '$U/metrics' | grep -q '^HTTP/1.1 401' && curl -s -i -m 5 '$U/metrics' | grep -qi '^WWW-Authenticate: Bearer'"
check "/metrics with a wrong token: 401" test "$(code -H 'Authorization: Bearer admin-0123456789abcdeX' "$U/metrics")" = 401
check "/sessions without a token: 401" test "$(code "$U/sessions")" = 401
check "/metrics: POST is 405" test "$(code -X POST "${bearer[@]}" "$U/metrics")" = 405

# three calls: answered, busy, 404
for d in ok busy gone; do
	check "token start ($d)" test "$(code "$U/CCXML10.start?tokenid=t-one&dest=sip:$d@example.com")" = 200
done
waitfor "$W/log" "FAILED .* badnumber" 5
waitfor "$W/log" "CONNECTED " 5
check "/metrics with the token: 200, text format 0.0.4" bash -c \
	"curl -s -i -m 5 -H 'Authorization: Bearer $ADMIN' '$U/metrics' >'$W/m.http' && grep -q '^HTTP/1.1 200' '$W/m.http' &&
	 grep -qi '^Content-Type: text/plain; version=0.0.4' '$W/m.http'"
curl -s -m 5 "${bearer[@]}" "$U/metrics" >"$W/metrics"
check "promtool check metrics: no problem found" bash -c "promtool check metrics <'$W/metrics' >'$W/promtool' 2>&1 || { cat '$W/promtool'; false; }"
m() { awk -v k="$1" '$1 == k {print $2}' "$W/metrics"; }
check "sessions: 3 running, 3 started ($(m ccxml_sessions), $(m ccxml_sessions_started_total))" \
	test "$(m ccxml_sessions) $(m ccxml_sessions_started_total)" = "3 3"
check "calls: 1 connected, 1 busy, 1 badnumber (outbound)" bash -c \
	"[ '$(m 'ccxml_calls_total{direction="outbound",outcome="connected"}')' = 1 ] &&
	 [ '$(m 'ccxml_calls_total{direction="outbound",outcome="busy"}')' = 1 ] &&
	 [ '$(m 'ccxml_calls_total{direction="outbound",outcome="badnumber"}')' = 1 ]"
check "HTTP requests: 3 token starts answered 200, 3 refusals of /metrics or /sessions counted 401" bash -c \
	"[ '$(m 'ccxml_http_requests_total{route="/CCXML10.start",code="200"}')' = 3 ] &&
	 [ '$(m 'ccxml_http_requests_total{route="/metrics",code="401"}')' -ge 3 ]"
check "event latency histogram: count = +Inf bucket > 0" bash -c \
	"[ '$(m ccxml_event_latency_seconds_count)' = '$(m 'ccxml_event_latency_seconds_bucket{le="+Inf"}')' ] &&
	 [ '$(m ccxml_event_latency_seconds_count)' -gt 6 ]"
check "process metrics: resident memory and open fds" bash -c "[ '$(m process_resident_memory_bytes)' -gt 1000000 ] && [ '$(m process_open_fds)' -gt 3 ]"
# (under AddressSanitizer malloc is ASan's: glibc's counts stay 0)
check "malloc: held from the system >= in use ($(m ccxml_heap_held_bytes) >= $(m ccxml_heap_inuse_bytes))" bash -c \
	"[ '$(m ccxml_heap_held_bytes)' -ge '$(m ccxml_heap_inuse_bytes)' ] && { [[ '$B' == *asan* ]] || [ '$(m ccxml_heap_inuse_bytes)' -gt 0 ]; }"

# the inspector
curl -s -m 5 "${bearer[@]}" "$U/sessions" >"$W/sessions.json"
check "/sessions: 3 sessions, one with a CONNECTED outbound connection, no secret in it" python3 - "$W/sessions.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
ss = d["sessions"]
assert d["sessions_running"] == 3 and len(ss) == 3 and d["truncated"] is False, d
conns = [c for s in ss for c in s["connections"]]
assert [c["state"] for c in conns].count("CONNECTED") == 1, conns
assert all(c["direction"] == "outbound" for c in conns), conns
assert all(s["document"].endswith("ops.ccxml") and s["startupmode"] == "external" for s in ss), ss
assert "secret" not in open(sys.argv[1]).read()
EOF
SID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["sessions"][0]["id"])' "$W/sessions.json")
check "/sessions?id=SID: that session" bash -c "curl -s -m 5 -H 'Authorization: Bearer $ADMIN' '$U/sessions?id=$SID' | python3 -c 'import json,sys; assert json.load(sys.stdin)[\"id\"] == \"$SID\"'"
check "/sessions?id=unknown: 404" test "$(code "${bearer[@]}" "$U/sessions?id=s9-0000000000000000")" = 404
check "/sessions?limit=1: one, truncated" bash -c "curl -s -m 5 -H 'Authorization: Bearer $ADMIN' '$U/sessions?limit=1' |
	python3 -c 'import json,sys; d = json.load(sys.stdin); assert len(d[\"sessions\"]) == 1 and d[\"truncated\"]'"
check "/sessions?limit=0: 400" test "$(code "${bearer[@]}" "$U/sessions?limit=0")" = 400

# the text format: timestamp, level, [session], message
check "log lines: ISO-8601 UTC timestamp with ms, level, session" \
	grep -E -q '^20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{3}Z info \[s[0-9]+-[0-9a-f]{16}\] call: CONNECTED ' "$W/log"
check "log lines: a refused admin request is a warning, without the token" bash -c \
	"grep -E -q 'Z warning http: /metrics from 127.0.0.1:[0-9]+ refused: no admin token' '$W/log' && ! grep -q '$ADMIN' '$W/log'"
check "log lines: every line of the file has the format" bash -c \
	"! grep -v -E '^20[0-9-]{8}T[0-9:.]{12}Z (error|warning|notice|info|debug) ' '$W/log'"
check "nothing on stdout or stderr with --log-file" bash -c "[ ! -s '$W/out' ] && ! grep -v -E 'AddressSanitizer|^$' '$W/err' | grep -q ."

# SIGHUP: logrotate moves the file away; the tokens and the admin token change
mv "$W/log" "$W/log.1"
printf 't-two\n' >"$W/tokens"
ADMIN2=admin-fedcba9876543210
printf '%s\n' "$ADMIN2" >"$W/admin"
kill -HUP $PROG
waitfor "$W/log" 'tokens file .* reloaded: 1 token\(s\), was 1' 5
check "SIGHUP: the process lives on and opened a new log file" bash -c "kill -0 $PROG && grep -q 'SIGHUP: log reopened' '$W/log'"
check "SIGHUP: the new token starts a session, the old one is refused" bash -c \
	"[ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' '$U/CCXML10.start?tokenid=t-two&dest=sip:ok@x') = 200 ] &&
	 [ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' '$U/CCXML10.start?tokenid=t-one&dest=sip:ok@x') = 403 ]"
check "SIGHUP: the new admin token opens /metrics, the old one does not" bash -c \
	"[ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $ADMIN2' '$U/metrics') = 200 ] &&
	 [ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $ADMIN' '$U/metrics') = 401 ]"
printf 't-three\nt-four=nosuchdocument.ccxml\n' >"$W/tokens"
kill -HUP $PROG
waitfor "$W/log" 'not reloaded' 5
check "SIGHUP with a bad tokens file: the old tokens stay in force" bash -c \
	"grep -q 'not reloaded (error above); its 1 token(s) stay in force' '$W/log' &&
	 [ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' '$U/CCXML10.start?tokenid=t-two&dest=sip:ok@x') = 200 ] &&
	 [ \$(curl -s -m 5 -o /dev/null -w '%{http_code}' '$U/CCXML10.start?tokenid=t-three&dest=sip:ok@x') = 403 ]"
# the two calls started since the log moved are answered 50 ms after their start (the simulator):
# stop only once both are, so that every record of a call to sip:ok has its answer
for ((i = 0; i < 200; i++)); do
	[ "$(grep -c 'CONNECTED ' "$W/log")" -ge 2 ] && break
	sleep 0.05
done
kill -TERM $APP
wait $APP
rc=$?
check "SIGTERM after that: exit status 0 (got $rc)" test $rc = 0
check "call records: one per call in --cdr-file (5), each a JSON object with the fields" python3 - "$W/cdr" <<'EOF'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 5, recs
keys = {"session", "connection", "callid", "direction", "from", "to", "start", "progress",
        "answer", "end", "duration_s", "setup_s", "state", "sipcode", "reason", "trigger", "rtp"}
assert all(keys <= set(r) for r in recs), recs
by = {}
for r in recs:
    by.setdefault(r["to"].split("@")[0], []).append(r)
busy, gone, ok = by["sip:busy"][0], by["sip:gone"][0], by["sip:ok"]
assert busy["state"] == "FAILED" and busy["reason"] == "busy" and busy["sipcode"] == 486 and busy["answer"] is None, busy
assert gone["reason"] == "badnumber" and gone["sipcode"] == 404, gone
assert len(ok) == 3 and all(r["answer"] and r["duration_s"] > 0 and r["reason"] == "session ended" for r in ok), ok
assert all(r["start"] <= (r["progress"] or r["start"]) <= r["end"] and r["direction"] == "outbound" for r in recs), recs
EOF
check "call records: the web server got all 5 (after failing 2 POSTs) or they wait in the spool" bash -c \
	"[ \$(( \$(wc -l <'$W/cdr-posted') + \$(ls '$W/spool' | grep -c '\.json\$') )) = 5 ] &&
	 grep -q 'cdr: POST to http://127.0.0.1:[0-9]*/cdr failed (HTTP status 500); [0-9]* record(s) kept in the spool' '$W/log.1' '$W/log'"
# a web server that is down loses nothing: the records wait in the spool for the next start
rm -f "$W/spool"/*
timeout 30 "$W/app" --sim="$T/ops.scenario" --once --values dest=sip:busy@x \
	--cdr-url "http://127.0.0.1:1/cdr" --cdr-spool "$W/spool" >/dev/null 2>"$W/err2"
check "web server down: the record stays in the spool after the program ended" \
	test "$(ls "$W/spool" | grep -c '\.json$')" = 1
: >"$W/cdr-posted2"
timeout 60 python3 $T/cdr_sink.py "$W/cport2" "$W/cdr-posted2" 0 50 & PIDS+=($!)
waitfor "$W/cport2" . 5
printf 't-one\n' >"$W/tokens2"
timeout 30 "$W/app" --sim="$T/ops.scenario" --http 127.0.0.1:0 --tokens "$W/tokens2" \
	--cdr-url "http://127.0.0.1:$(cat "$W/cport2")/cdr" --cdr-spool "$W/spool" >/dev/null 2>"$W/err3" &
R=$!
PIDS+=($R)
waitfor "$W/cdr-posted2" busy 10
kill -TERM $R
wait $R
check "next start: the spooled record is sent first, the spool is empty" bash -c \
	"grep -q 'left in the spool by an earlier run' '$W/err3' && [ \$(wc -l <'$W/cdr-posted2') = 1 ] &&
	 grep -q '\"reason\":\"busy\"' '$W/cdr-posted2' && [ -z \"\$(ls '$W/spool')\" ]"
check "--cdr-url without --cdr-spool: refused with a reason" bash -c \
	"timeout 10 '$W/app' --sim --once --values dest=sip:ok@x --cdr-url http://127.0.0.1:1/ 2>&1 >/dev/null | grep -q 'go together'"
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W/err' '$W/log' '$W/log.1' '$W/err2' '$W/err3'"

# json: one object a line, documents' and the platform's lines alike
timeout 30 "$W/app" --sim="$T/ops.scenario" --once --values dest=sip:gone@x --log-format json >"$W/jout" 2>"$W/jerr" &
J=$!
PIDS+=($J)
waitfor "$W/jout" 'FAILED' 30
kill -TERM $J 2>/dev/null
wait $J
check "json: every line an object with ts, level, source, msg; the <log> label kept" python3 - "$W/jout" "$W/jerr" <<'EOF'
import json, sys
lines = [l for f in sys.argv[1:] for l in open(f) if not l.startswith(("=", "SUMMARY", "    #"))]
objs = [json.loads(l) for l in lines if l.strip()]
assert objs and all({"ts", "level", "source", "msg"} <= set(o) for o in objs), objs
doc = [o for o in objs if o["source"] == "document" and o.get("label") == "call"]
assert doc and doc[0]["msg"].startswith("FAILED ") and doc[0]["level"] == "info", objs
assert any(o["source"] == "platform" and o["level"] in ("notice", "warning") for o in objs), objs
EOF

# journald: its stream in JOURNAL_STREAM chooses the journal format by itself
: >"$W/jnl"
JOURNAL_STREAM=$(stat -c '%d:%i' "$W/jnl") timeout 30 "$W/app" --sim="$T/ops.scenario" --once \
	--values dest=sip:gone@x --log-file /dev/null --log-level nope >/dev/null 2>>"$W/jnl"
check "--log-level nope: refused (exit 2) with a reason" grep -q "log-level: 'nope' is not" "$W/jnl"
: >"$W/jnl"
JOURNAL_STREAM=$(stat -c '%d:%i' "$W/jnl") timeout 30 "$W/app" --sim="$T/ops.scenario" --once \
	--values dest=sip:gone@x >"$W/jnl.out" 2>>"$W/jnl" &
J=$!
PIDS+=($J)
waitfor "$W/jnl.out" 'FAILED' 30
kill -TERM $J 2>/dev/null
wait $J
st=$?
check "journal: syslog priority prefixes (<6> info on stdout, <5> notice on stderr)" bash -c \
	"grep -q '^<6>\[s1-[0-9a-f]*\] call: FAILED' '$W/jnl.out' && grep -q '^<5>signal 15: stopping' '$W/jnl' ||
	 { echo '     exit status: $st'; echo '     stdout:'; head -5 '$W/jnl.out'; echo '     stderr:'; head -5 '$W/jnl'; false; }"

# SIGTERMs at once (systemd, `timeout` and shells send one to the process and one to its
# group): one graceful stop. libre's own handler, System V style, left a window in which a
# repeat met the default action and killed the process without its stop (serve.c): three at
# once did so in 8 of 40 runs, ten make it likelier still.
timeout 30 "$W/app" --sim="$T/ops.scenario" --once --values dest=sip:gone@x >"$W/t3.out" 2>"$W/t3.err" &
J=$!
PIDS+=($J)
waitfor "$W/t3.out" 'FAILED' 30
A=$(pgrep -P $J | head -1)
for k in 1 2 3 4 5 6 7 8 9 10; do kill -TERM $A 2>/dev/null; done
wait $J
st=$?
check "ten SIGTERMs at once: one graceful stop (the signal logged, exit status 0, got $st)" bash -c \
	"[ $st = 0 ] && grep -q 'signal 15: stopping' '$W/t3.err'"

# limits: a token that starts at most 2 sessions at a time; past it 503 with Retry-After
INJ=inject-0123456789abcdef
timeout 60 "$W/app" --sim="$T/ops.scenario" --http 127.0.0.1:0 --token 't-max,max=2' \
	--token t-free --max-sessions 3 --inject-token "$INJ" >"$W/lout" 2>"$W/lerr" &
L=$!
PIDS+=($L)
waitfor "$W/lerr" 'http: listening on' 10
LU=http://127.0.0.1:$(sed -n 's/.*http: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/lerr" | head -n 1)
start() { curl -s -i -m 5 "$LU/CCXML10.start?tokenid=$1&dest=sip:ok@x"; }
A1=$(start t-max) A2=$(start t-max) A3=$(start t-max)
check "--token ID,max=2: two sessions start, the third gets 503 with Retry-After: 5" bash -c \
	"grep -q '^HTTP/1.1 200' <<<'$A1' && grep -q '^HTTP/1.1 200' <<<'$A2' &&
	 grep -q '^HTTP/1.1 503' <<<'$A3' && grep -qi '^Retry-After: 5' <<<'$A3' &&
	 grep -q 'too many sessions for this token' <<<'$A3'"
F1=$(start t-free) F2=$(start t-free)
check "--max-sessions 3: another token's second start gets 503 with Retry-After (out of sessions)" bash -c \
	"grep -q '^HTTP/1.1 200' <<<'$F1' && grep -q '^HTTP/1.1 503' <<<'$F2' && grep -qi '^Retry-After: 5' <<<'$F2'"
S1=$(printf '%s' "$A1" | tail -n 1 | tr -d '\r')
curl -s -m 5 -o /dev/null "$LU/basichttp?sessionid=$S1&name=user.bye&token=$INJ"
waitfor "$W/lerr" "session $S1: ended" 5
check "--token ID,max=2: when one of its sessions ended, a start succeeds again" bash -c \
	"start() { curl -s -i -m 5 \"$LU/CCXML10.start?tokenid=\$1&dest=sip:ok@x\"; }; start t-max | grep -q '^HTTP/1.1 200'"
curl -s -m 5 -o /dev/null "$LU/basichttp?sessionid=x%0Accxml:%20session%20FORGED:%20started&secret=00&name=user.x"
check "a refusal's logged session id is escaped: no forged line" bash -c \
	"grep -q -F 'to session x\\nccxml: session FORGED: started refused: wrong secret' '$W/lerr' && ! grep -q '^ccxml: session FORGED' '$W/lerr'"
# at most one line per 10 s (CX_HTTP_LOG_MS) for each kind: a loaded machine may take longer
# than that for the 50 requests, which then earn one more line per 10 s they took
t0=$SECONDS
for i in $(seq 1 50); do curl -s -m 5 -o /dev/null "$LU/CCXML10.start?tokenid=guess$i"; done
ntok=$((1 + (SECONDS - t0) / 10))
t0=$SECONDS
for i in $(seq 1 50); do curl -s -m 5 -o /dev/null "$LU/basichttp?sessionid=$S1&name=user.x&secret=guess$i"; done
nsec=$((2 + (SECONDS - t0) / 10))
check "50 wrong tokens and 50 wrong secrets: one log line each per 10 s, not 100" bash -c \
	"[ \$(grep -c 'refused: unknown tokenid' '$W/lerr') -ge 1 ] && [ \$(grep -c 'refused: unknown tokenid' '$W/lerr') -le $ntok ] &&
	 [ \$(grep -c 'refused: wrong secret' '$W/lerr') -le $nsec ]"
check "--token ID,max=0: refused at start with a reason" bash -c \
	"timeout 10 '$W/app' --sim --http 127.0.0.1:0 --token 'a,max=0' 2>&1 | grep -q \"',max=' needs a number of sessions\""
kill -TERM $L
wait $L
# every refusal is in the log: logged, or counted into a line ("; N more since the last such
# line"), also the last ones, which no later refusal's line took (written when their quiet
# time ended or at the stop): 50 unknown tokens; 50 wrong secrets and the forged session's
# qsum PATTERN: the refusals the lines matching it count (a refusal's line: 1 + its "N more"; a
# line of the count alone, "… refused; N more …": N)
qsum() { grep -E "$1" "$W/lerr" | awk '!/refused;/ {n++} match($0, /; [0-9]+ more since/) {n += substr($0, RSTART + 2, RLENGTH - 13)} END {print n + 0}'; }
qtok='refused: (unknown|no) tokenid|tokenid refused' qsec='refused: (wrong|no) (secret|token)|right secret or token refused'
check "the refusals not logged are counted: $(qsum "$qtok") of 50 unknown tokens, $(qsum "$qsec") of 51 wrong secrets" \
	bash -c "[ '$(qsum "$qtok")' = 50 ] && [ '$(qsum "$qsec")' = 51 ]"

# --max-cps 5: ten calls asked for at once leave at 200 ms intervals, in order
timeout 60 "$W/app" --sim="$T/ops.scenario" --http 127.0.0.1:0 --token t-cps --max-cps 5 --malloc-tcache \
	--cdr-file "$W/cps.cdr" --admin-token-file "$W/admin" >/dev/null 2>"$W/cerr" &
C=$!
PIDS+=($C)
waitfor "$W/cerr" 'http: listening on' 10
check "--malloc-tcache: not restarted, no GLIBC_TUNABLES" bash -c \
	"! tr '\\0' '\\n' </proc/$(pgrep -P $C | head -n 1)/environ | grep -q '^GLIBC_TUNABLES='"
CU=http://127.0.0.1:$(sed -n 's/.*http: listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/cerr" | head -n 1)
# the ten starts from one curl (one connection, kept alive): they come within milliseconds even
# on a loaded machine, so calls are still waiting when the gauge is read
urls=()
for i in 0 1 2 3 4 5 6 7 8 9; do urls+=(-o /dev/null "$CU/CCXML10.start?tokenid=t-cps&dest=sip:gone@x$i"); done
curl -s -m 10 "${urls[@]}"
waiting=$(curl -s -m 5 -H "Authorization: Bearer $ADMIN2" "$CU/metrics" | awk '$1 == "ccxml_calls_waiting" {print $2}')
for i in $(seq 200); do [ "$(wc -l <"$W/cps.cdr" 2>/dev/null || echo 0)" -ge 10 ] && break; sleep 0.05; done
sleep 0.3
kill -TERM $C
wait $C
check "--max-cps 5: 10 calls placed at >= 190 ms intervals (progress times), some waited (gauge $waiting)" python3 - "$W/cps.cdr" "$waiting" <<'EOF'
import datetime, json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 10, len(recs)
t = sorted(datetime.datetime.fromisoformat(r["progress"].replace("Z", "+00:00")).timestamp() for r in recs)
gaps = [b - a for a, b in zip(t, t[1:])]
assert min(gaps) >= 0.19 and t[-1] - t[0] >= 1.7, gaps
assert int(sys.argv[2]) >= 1, sys.argv[2]
EOF

# systemd's notification protocol: READY, RELOADING/READY around SIGHUP, WATCHDOG, STOPPING
timeout 40 python3 $T/notify_sink.py "$W/notify.sock" "$W/notify" 30 & PIDS+=($!)
waitfor "$W/notify" BOUND 5
NOTIFY_SOCKET=$W/notify.sock WATCHDOG_USEC=400000 timeout 30 "$W/app" --sim --http 127.0.0.1:0 \
	--tokens "$W/tokens2" >/dev/null 2>"$W/nerr" &
N=$!
PIDS+=($N)
waitfor "$W/notify" '^READY=1' 10
NP=$(pgrep -P $N | head -n 1)
kill -HUP $NP
waitfor "$W/notify" '^RELOADING=1' 5 && sleep 0.5
kill -TERM $NP
wait $N
check "notify: READY=1 with MAINPID, RELOADING=1 then READY=1 on SIGHUP, STOPPING=1 on SIGTERM" bash -c \
	"grep -q '^READY=1|STATUS=serving; 0 session(s)|MAINPID=$NP\$' '$W/notify' &&
	 sed -n '/^RELOADING=1/,\$p' '$W/notify' | grep -q '^READY=1' &&
	 grep -q '^STOPPING=1|STATUS=stopping (signal 15)' '$W/notify'"
check "notify: WATCHDOG=1 at half of WatchdogSec (several in ~1 s)" bash -c "[ \$(grep -c '^WATCHDOG=1' '$W/notify') -ge 2 ]"
# the unit in dist/ is hardened: systemd's own measure of its exposure (lower is better)
cp dist/ccxmlc-app@.service "$W/ccxmlc-app@outbound.service"
score=$(systemd-analyze security --offline=true "$W/ccxmlc-app@outbound.service" 2>/dev/null |
	sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
check "dist/ccxmlc-app@.service: systemd-analyze security exposure ${score:-?} <= 2.0" \
	python3 -c 'import sys; sys.exit(not (sys.argv[1] and float(sys.argv[1]) <= 2.0))' "${score:-}"

# timers count elapsed time: the wall clock stepped an hour back (libfaketime, monotonic clock
# left alone) does not hold up a delayed send (libre 1.1.0's own timers read gettimeofday)
FT=$(ls /usr/lib/*/faketime/libfaketime.so.1 2>/dev/null | head -n 1)
if [ -z "$FT" ]; then
	check "libfaketime is installed (scripts/install-deps.sh installs it)" false
elif ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/clockstep" $T/clockstep.ccxml >"$W/cs.log" 2>&1; then
	# the step comes once the document has logged START (a loaded machine may take longer than
	# the 2 s delay to start the program); the time is counted from there
	echo +0 >"$W/faketime"
	timeout -k 1 30 env LD_PRELOAD="$FT" FAKETIME_TIMESTAMP_FILE="$W/faketime" FAKETIME_NO_CACHE=1 \
		FAKETIME_DONT_FAKE_MONOTONIC=1 ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
		"$W/clockstep" --realtime --sim --once >"$W/cs.out" 2>"$W/cs.err" &
	cs=$!
	waitfor "$W/cs.out" START 20
	t0=$(date +%s%N)
	echo -3600 >"$W/faketime"
	wait "$cs"
	ms=$((($(date +%s%N) - t0) / 1000000))
	check "the wall clock stepped an hour back after START: <send delay=2s> still arrives within 2 s of it (${ms} ms), Date went back" \
		bash -c "grep -q TICK '$W/cs.out' && [ $ms -le 6000 ] && python3 -c 'import re,sys; t=[int(x) for x in re.findall(r\"(?:START|TICK) (\\d+)\", open(sys.argv[1]).read())]; sys.exit(0 if len(t) == 2 and t[0] - t[1] > 3500000 else 1)' '$W/cs.out'"
else
	cat "$W/cs.log"
	check "tests/ops/clockstep.ccxml compiles" false
fi
lc_end ops
