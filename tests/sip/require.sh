# tests/sip/require.sh — sourced by tests/sip/run.sh (uses its W, T, ok, bad, has, sanitized,
# freeport, lp_*, PIDS, LIFE and the compiled ./in; SIP_PART=require runs it alone).
#
# 5d. RFC 3261 8.2.2.3 (docs/sip.md "Extensions"): an INVITE that requires extensions the
# program lacks gets 420 Bad Extension with them in Unsupported, a Require that is not an
# option-tag gets 400, and neither reaches a session; the refusals are logged once (not a line
# per request); an INVITE that requires only "timer" (RFC 4028) is an ordinary call.
IP=$(freeport)
(cd "$W" && exec timeout -k 2 "$LIFE" ./in --sip "127.0.0.1:$IP") >"$W/req.out" 2>"$W/req.err" &
REQP=$!
PIDS+=("$REQP")
lp_wait_for "$W/req.err" "SIP on 127.0.0.1" 30
UP=$(freeport)
timeout -k 2 "$((LIFE + 10))" sipp -sf "$T/uac_require.xml" -s accept "127.0.0.1:$IP" -i 127.0.0.1 -p "$UP" \
	-m 1 -timeout "${LIFE}s" -nostdin -trace_msg -message_file "$W/req.msg" -trace_err \
	-error_file "$W/req.sipperr" >/dev/null 2>&1
rc_req=$?
lp_wait_for "$W/req.out" "DISCONNECTED" 30
lp_stop "$REQP" 5
nlog=$(grep -c "requires .*which this program does not support" "$W/req.err")
if why="sipp exit status $rc_req (420 with Unsupported: 100rel, x-foo; 400; then a call)" &&
	[ "$rc_req" = 0 ] &&
	why="$(grep -c '^SIP/2.0 420 Bad Extension' "$W/req.msg") 420s" &&
	[ "$(grep -c '^SIP/2.0 420 Bad Extension' "$W/req.msg")" = 1 ] &&
	why="$(grep -c '^SIP/2.0 400 ' "$W/req.msg") 400s" && [ "$(grep -c '^SIP/2.0 400 ' "$W/req.msg")" = 1 ] &&
	why=$(has "$W/req.out" "ALERTING local=sip:accept@" "CONNECTED CONNECTED" \
		"DISCONNECTED trigger=remote reason=hangup") &&
	why="a refused INVITE reached a session" && ! grep -q "local=sip:ext" "$W/req.out" &&
	why=$(has "$W/req.err" "sip: INVITE from 127.0.0.1:$UP requires 100rel, x-foo, which this program does not support: refused with 420 Bad Extension") &&
	why="$nlog log lines for two refusals (want 1; 2 only if 10 s passed between them)" &&
	[ "$nlog" -ge 1 ] && [ "$nlog" -le 2 ] &&
	why="sanitizer report" && ! sanitized "$W/req.err"; then
	ok "Require: 100rel gets 420 with Unsupported, a bad option-tag 400, neither a session; Require: timer is a call"
else
	bad "Require (RFC 3261 8.2.2.3)" "$why" "$W/req.out" "$W/req.err" "$W/req.sipperr" "$W/req.msg"
fi
