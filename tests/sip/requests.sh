# tests/sip/requests.sh — sourced by tests/sip/run.sh (uses its W, T, ok, bad, has, sanitized,
# freeport, lp_*, PIDS, LIFE and the compiled ./in; SIP_PART=requests runs it alone).
#
# 5e. What an INVITE carries. RFC 3261 8.2.2.3 (docs/sip.md "Other requests"): an INVITE that
# requires extensions the program lacks gets 420 Bad Extension with them in Unsupported, a
# Require that is not an option-tag gets 400, and neither reaches a session; the refusals are
# logged once (not a line per request; the others counted in a line when the 10 s end or the
# program stops); an INVITE that requires only "timer" (RFC 4028) is an
# ordinary call. RFC 3261 8.2.3 and RFC 5621 (docs/sip.md "Message bodies"): bodies that are no
# usable session description get 415 or 400 before any session; a SIP-I multipart body (SDP and
# an optional ISUP part) is a call.

# rq_call NAME SCENARIO: a service of ./in (output $W/NAME.out, .err), sipp's UAC running
# tests/sip/SCENARIO.xml against it (messages in $W/NAME.msg), the service stopped once the
# call it takes has ended. Sets rc_rq (sipp's status) and UP (sipp's port).
rq_call() {
	local ip pid
	ip=$(freeport)
	(cd "$W" && exec timeout -k 2 "$LIFE" ./in --sip "127.0.0.1:$ip") >"$W/$1.out" 2>"$W/$1.err" &
	pid=$!
	PIDS+=("$pid")
	lp_wait_for "$W/$1.err" "SIP on 127.0.0.1" 30
	UP=$(freeport)
	timeout -k 2 "$((LIFE + 10))" sipp -sf "$T/$2.xml" -s accept "127.0.0.1:$ip" -i 127.0.0.1 -p "$UP" \
		-m 1 -timeout "${LIFE}s" -nostdin -trace_msg -message_file "$W/$1.msg" -trace_err \
		-error_file "$W/$1.sipperr" >/dev/null 2>&1
	rc_rq=$?
	lp_wait_for "$W/$1.out" "DISCONNECTED" 30
	lp_stop "$pid" 5
}

# rq_tail NAME: the refusals the lines of the count say went unlogged (their "N more"), summed:
# written when the quiet time is over or the program stops (cx_quiet)
rq_tail() {
	sed -n 's/.*sip: requests refused for what they carry (Require, bodies); \([0-9]*\) more since.*/\1/p' \
		"$W/$1.err" | awk '{ n += $1 } END { print n + 0 }'
}

rq_call req uac_require
rc_req=$rc_rq
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
	why="$(rq_tail req) refusals counted in lines of the count, want $((2 - nlog)) (every refusal logged or counted)" &&
	[ "$(rq_tail req)" = $((2 - nlog)) ] &&
	why="sanitizer report" && ! sanitized "$W/req.err"; then
	ok "Require: 100rel gets 420 with Unsupported, a bad option-tag 400, neither a session; Require: timer is a call"
else
	bad "Require (RFC 3261 8.2.2.3)" "$why" "$W/req.out" "$W/req.err" "$W/req.sipperr" "$W/req.msg"
fi

rq_call bod uac_bodies
rc_bod=$rc_rq
nlog=$(grep -c "sip: INVITE from .* refused with" "$W/bod.err")
if why="sipp exit status $rc_bod (415, 415, 415, 400, then a multipart call)" && [ "$rc_bod" = 0 ] &&
	why="$(grep -c '^SIP/2.0 415 Unsupported Media Type' "$W/bod.msg") 415s" &&
	[ "$(grep -c '^SIP/2.0 415 Unsupported Media Type' "$W/bod.msg")" = 3 ] &&
	why="$(grep -c '^SIP/2.0 400 Bad Request (body)' "$W/bod.msg") 400s" &&
	[ "$(grep -c '^SIP/2.0 400 Bad Request (body)' "$W/bod.msg")" = 1 ] &&
	why=$(has "$W/bod.out" "ALERTING local=sip:accept@" "CONNECTED CONNECTED" \
		"DISCONNECTED trigger=remote reason=hangup") &&
	why="a refused INVITE reached a session" && ! grep -q "local=sip:body" "$W/bod.out" &&
	why=$(has "$W/bod.err" "sip: INVITE from 127.0.0.1:$UP refused with 415: a body that is neither application/sdp nor multipart") &&
	why="$nlog log lines for four refusals (want 1; 2 only if 10 s passed between them)" &&
	[ "$nlog" -ge 1 ] && [ "$nlog" -le 2 ] &&
	why="$(rq_tail bod) refusals counted in lines of the count, want $((4 - nlog)) (every refusal logged or counted)" &&
	[ "$(rq_tail bod)" = $((4 - nlog)) ] &&
	why="sanitizer report" && ! sanitized "$W/bod.err"; then
	ok "bodies: text/plain, gzip and a required ISUP part 415, a broken multipart 400, no session; SDP + optional ISUP is a call"
else
	bad "message bodies (RFC 3261 8.2.3, RFC 5621)" "$why" "$W/bod.out" "$W/bod.err" "$W/bod.sipperr" "$W/bod.msg"
fi
