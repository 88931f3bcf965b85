# tests/sip/reap.sh — sourced by tests/sip/run.sh (uses its W, T, B, ROOT, ok, bad, has,
# sanitized, compile, freeport, lp_*, PIDS, LIFE; SIP_PART=reap runs it alone).
#
# 5d. A long-running session does not keep its finished calls (docs/decisions.md "Ended
# connections and dialogs are freed"): one session (tests/sip/reap.ccxml) places REAP_CALLS
# (default 300) calls one after another to sipp's UAS, each answered and hung up with our BYE.
# It pauses after the 50th call and after the last until this script posts a basichttp event;
# at both points /metrics must show no connection or dialog held (ccxml_connections_held and
# ccxml_dialogs_held 0: the ended calls, their sipsess, SDP and media state are freed) and, in
# the optimised build, the program's RSS (VmRSS) must not have grown by more than REAP_RSS_KB
# (default 3072) between the two (an ASan build keeps freed memory in its quarantine: not
# measured there). Before the change the session kept every call (and /metrics had no such
# gauges): RSS grew by about 3.4 MB between the 50th and the 300th call, now by about 1 MB,
# which is libre keeping each answered INVITE's ACK for 64*T1 = 32 s (RFC 3261 13.2.2.4):
# it is all given back 40 s later (docs/performance.md "reap").
REAP_CALLS=${REAP_CALLS:-300}
REAP_RSS_KB=${REAP_RSS_KB:-3072}
compile "$T/reap.ccxml" "$W/reap"
RP=$(freeport)
RHP=$(freeport)
RUP=$(freeport)
printf 'admin-0123456789abcdef\n' >"$W/reap.admin" && chmod 600 "$W/reap.admin"
timeout -k 2 "$((LIFE + 10))" sipp -sn uas -i 127.0.0.1 -p "$RUP" -m "$REAP_CALLS" -timeout "${LIFE}s" \
	-nostdin -trace_err -error_file "$W/reap.sipperr" >/dev/null 2>&1 &
reap_sipp=$!
PIDS+=("$reap_sipp")
lp_wait_udp "$RUP" 10 || sleep 0.3
(cd "$W" && exec timeout -k 2 "$LIFE" ./reap --sip "127.0.0.1:$RP" --http "127.0.0.1:$RHP" --once \
	--admin-token-file "$W/reap.admin" --values "dest=sip:reap@127.0.0.1:$RUP" \
	--values "n=$REAP_CALLS") >"$W/reap.out" 2>"$W/reap.err" &
reap_t=$!
PIDS+=("$reap_t")
# the program itself (timeout's child): its RSS
reap_rss() { lp_rss_kb "$(pgrep -P "$reap_t" | head -1)"; }
reap_met() { # reap_met FILE: /metrics into FILE
	curl -s -m 10 -H 'Authorization: Bearer admin-0123456789abcdef' \
		"http://127.0.0.1:$RHP/metrics" >"$1"
}
reap_m() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
reap_go() { # reap_go EVENT: basichttp to the session (its URL has the secret)
	curl -s -m 10 -o /dev/null "$(sed -n 's/.*URL \(http[^ ]*\).*/\1/p' "$W/reap.out" | head -1)&name=$1"
}
rss50='' rssend='' why="the session did not pause after the 50th call"
if lp_wait_for "$W/reap.out" "PAUSE 50" 120; then
	rss50=$(reap_rss)
	reap_met "$W/reap.m50"
	reap_go go
	why="the session did not end its $REAP_CALLS calls"
	# a call takes a few ms; a loaded machine and ASan may take 100 times that
	if lp_wait_for "$W/reap.out" "DONE $REAP_CALLS" 300; then
		rssend=$(reap_rss)
		reap_met "$W/reap.mend"
		reap_go finish
		why=''
	fi
fi
lp_wait_for "$W/reap.out" "PASS" 30
lp_stop "$reap_t" 5
waitpid_for "$reap_sipp" 20
wait "$reap_sipp"
reap_src=$?
echo "  reap: $REAP_CALLS calls; RSS ${rss50:-?} KB after 50, ${rssend:-?} KB after $REAP_CALLS; heap in use" \
	"$(reap_m ccxml_heap_inuse_bytes "$W/reap.m50" 2>/dev/null) -> $(reap_m ccxml_heap_inuse_bytes "$W/reap.mend" 2>/dev/null) bytes;" \
	"held $(reap_m ccxml_connections_held "$W/reap.mend" 2>/dev/null)/$(reap_m ccxml_dialogs_held "$W/reap.mend" 2>/dev/null)"
if [ -z "$why" ] && why=$(has "$W/reap.out" "PASS $REAP_CALLS calls") &&
	why="/metrics after 50: ccxml_connections_held $(reap_m ccxml_connections_held "$W/reap.m50"), ccxml_dialogs_held $(reap_m ccxml_dialogs_held "$W/reap.m50")" &&
	[ "$(reap_m ccxml_connections_held "$W/reap.m50")" = 0 ] && [ "$(reap_m ccxml_dialogs_held "$W/reap.m50")" = 0 ] &&
	why="/metrics after $REAP_CALLS: ccxml_connections_held $(reap_m ccxml_connections_held "$W/reap.mend"), ccxml_dialogs_held $(reap_m ccxml_dialogs_held "$W/reap.mend"), ccxml_calls_total $(grep '^ccxml_calls_total' "$W/reap.mend" | tr '\n' ' ')" &&
	[ "$(reap_m ccxml_connections_held "$W/reap.mend")" = 0 ] && [ "$(reap_m ccxml_dialogs_held "$W/reap.mend")" = 0 ] &&
	grep -q "^ccxml_calls_total{direction=\"outbound\",outcome=\"connected\"} $REAP_CALLS\$" "$W/reap.mend" &&
	why="RSS ${rss50:-?} KB after 50 calls, ${rssend:-?} KB after $REAP_CALLS (at most $REAP_RSS_KB KB more)" &&
	[ -n "$rss50" ] && [ -n "$rssend" ] &&
	{ [[ $B == */asan ]] || [ $((rssend - rss50)) -le "$REAP_RSS_KB" ]; } &&
	why="sipp exit status $reap_src ($REAP_CALLS calls answered, each ended by our BYE)" && [ "$reap_src" = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/reap.err"; then
	if [[ $B == */asan ]]; then
		ok "one session, $REAP_CALLS sequential SIP calls: none held after their end (/metrics 0; RSS not measured under ASan)"
	else
		ok "one session, $REAP_CALLS sequential SIP calls: none held after their end (/metrics 0), RSS ${rss50} -> ${rssend} KB"
	fi
else
	bad "$REAP_CALLS sequential calls in one session" "$why" "$W/reap.out" "$W/reap.err" "$W/reap.sipperr" "$W/reap.mend"
fi
