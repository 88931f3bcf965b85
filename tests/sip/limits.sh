# tests/sip/limits.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has, sanitized,
# freeport, lp_*, PIDS, LIFE and the compiled ./in; SIP_PART=limits runs it alone).
#
# 5c. --max-calls 1 (docs/service.md "Limits"): with a call up, two more INVITEs get 503 with
# Retry-After and start no session (one log line for the run of refusals); the first call goes
# on and ends with its BYE; then a new call is taken (the count went back): /metrics says so.
IP=$(freeport)
HP=$(freeport)
printf 'admin-0123456789abcdef\n' >"$W/lim.admin" && chmod 600 "$W/lim.admin"
(cd "$W" && exec timeout -k 2 "$LIFE" ./in --sip "127.0.0.1:$IP" --http "127.0.0.1:$HP" \
	--admin-token-file "$W/lim.admin" --max-calls 1) >"$W/lim.out" 2>"$W/lim.err" &
LIMP=$!
PIDS+=("$LIMP")
lp_wait_for "$W/lim.err" "listening on" 30
UP=$(freeport)
timeout -k 2 "$((LIFE + 10))" sipp -sf "$T/uac_limit.xml" -s limit "127.0.0.1:$IP" -i 127.0.0.1 -p "$UP" \
	-m 1 -timeout "${LIFE}s" -nostdin -trace_msg -message_file "$W/lim.msg" -trace_err \
	-error_file "$W/lim.sipperr" >/dev/null 2>&1
rc_lim=$?
lp_wait_for "$W/lim.out" "DISCONNECTED" 30
UP=$(freeport)
timeout -k 2 "$((LIFE + 10))" sipp -sf "$T/uac_accept.xml" -s again "127.0.0.1:$IP" -i 127.0.0.1 -p "$UP" \
	-m 1 -timeout "${LIFE}s" -nostdin -trace_err -error_file "$W/again.sipperr" >/dev/null 2>&1
rc_again=$?
for ((i = 0; i < 300; i++)); do
	[ "$(grep -c DISCONNECTED "$W/lim.out")" -ge 2 ] && break
	sleep 0.1
done
curl -s -m 10 -H 'Authorization: Bearer admin-0123456789abcdef' "http://127.0.0.1:$HP/metrics" >"$W/lim.metrics"
lp_stop "$LIMP" 5
lm() { awk -v k="$1" '$1 == k {print $2}' "$W/lim.metrics"; }
nlog=$(grep -c "call from .* refused: the limit of 1 calls at a time is reached (--max-calls)" "$W/lim.err")
# the refusals not logged, counted in the line written when the quiet time ends or at the stop
ntail=$(sed -n 's/.*calls refused: the limit of 1 calls at a time is reached (--max-calls); \([0-9]*\) more since.*/\1/p' \
	"$W/lim.err" | awk '{ n += $1 } END { print n + 0 }')
n503=$(grep -c "^SIP/2.0 503 Service Unavailable" "$W/lim.msg")
if why="sipp exit status $rc_lim (503 with Retry-After twice, then the first call's BYE)" && [ "$rc_lim" = 0 ] &&
	why="$n503 503s sent" && [ "$n503" = 2 ] && why=$(has "$W/lim.msg" "Retry-After: 5") &&
	why=$(has "$W/lim.out" "ALERTING local=sip:limit@" "DISCONNECTED trigger=remote reason=hangup" \
		"ALERTING local=sip:again@") &&
	why="a refused INVITE reached a session" && ! grep -q "local=sip:second@\|local=sip:third@" "$W/lim.out" &&
	why="$nlog log lines for the refusals, want 1" && [ "$nlog" = 1 ] &&
	why="$ntail refusals counted unlogged, want 1 (every refusal logged or counted)" && [ "$ntail" = 1 ] &&
	why="the next call: sipp exit status $rc_again" && [ "$rc_again" = 0 ] &&
	why="/metrics: ccxml_calls $(lm ccxml_calls), refused inbound $(lm 'ccxml_calls_refused_total{direction="inbound"}')" &&
	[ "$(lm ccxml_calls)" = 0 ] && [ "$(lm 'ccxml_calls_refused_total{direction="inbound"}')" = 2 ] &&
	why="sanitizer report" && ! sanitized "$W/lim.err"; then
	ok "--max-calls 1: two INVITEs beside a call get 503 with Retry-After: 5, the call goes on; then one is taken"
else
	bad "--max-calls 1 (inbound)" "$why" "$W/lim.out" "$W/lim.err" "$W/lim.sipperr" "$W/again.sipperr" "$W/lim.metrics"
fi

# --max-calls 1, outbound: a second <createcall> beside a connected call gets connection.failed
# with the reason and a call record, and no INVITE leaves; the session's end hangs up the first.
UP=$(freeport)
SP=$(freeport)
timeout -k 2 "$((LIFE + 10))" sipp -sn uas -i 127.0.0.1 -p "$UP" -m 1 -timeout "${LIFE}s" -nostdin \
	-trace_msg -message_file "$W/limout.msg" -trace_err -error_file "$W/limout.sipperr" >/dev/null 2>&1 &
sp=$!
PIDS+=("$sp")
lp_wait_udp "$UP" 10 || sleep 0.3
(cd "$W" && exec timeout -k 2 "$LIFE" ./out --sip "127.0.0.1:$SP" --once --max-calls 1 \
	--values "dest=sip:bob@127.0.0.1:$UP" --values hold=1 --values twice=1 --cdr-file "$W/limout.cdr") \
	>"$W/limout.out" 2>"$W/limout.err"
prc=$?
waitpid_for "$sp" 10
wait "$sp"
src=$?
why_full="cannot place the call: the limit of 1 calls at a time is reached"
ninv=$(grep -c "^INVITE sip:" "$W/limout.msg")
if why=$(has "$W/limout.out" "CONNECTED proto=sip/2.0" "FAILED reason=$why_full code=none") &&
	why=$(has "$W/limout.err" "outbound call to sip:bob@127.0.0.1:$UP refused: the limit of 1 calls") &&
	why="$ninv INVITEs received by sipp" && [ "$ninv" = 1 ] && why=$(has "$W/limout.msg" "BYE sip:") &&
	why="call records: $(tr '\n' ' ' <"$W/limout.cdr" | head -c 600)" &&
	[ "$(grep -c . "$W/limout.cdr")" = 2 ] && grep -q "\"state\":\"FAILED\".*\"reason\":\"$why_full\"" "$W/limout.cdr" &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/limout.err"; then
	ok "--max-calls 1, outbound: the second <createcall> fails with the reason and a record, no INVITE"
else
	bad "--max-calls 1 (outbound)" "$why" "$W/limout.out" "$W/limout.err" "$W/limout.sipperr" "$W/limout.cdr"
fi
