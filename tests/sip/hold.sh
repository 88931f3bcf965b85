# tests/sip/hold.sh — sourced by tests/sip/run.sh (uses its W, T, ok, bad, has, sanitized,
# compile, freeport, lp_*, PIDS and LIFE; SIP_PART=hold runs it alone).
#
# 5g. Hold and resume (docs/sip.md "Hold"). A caller (tests/sip/holdpeer.py) talks to a
# program that speaks to it without pause (tests/sip/hold.ccxml), then re-INVITEs it the ways
# phones and PBXes hold a call: a=sendonly, RFC 2543's c=0.0.0.0, a=inactive, and a=recvonly (it
# only listens), then back to a=sendrecv. RFC 3264 6.1: each answer's direction is the offer's
# reversed, and the program sends no RTP while held (before, it went on sending, to 0.0.0.0
# too, which Linux delivers to this host). --rtp-timeout 1 with 1.6 s of each hold in which the
# caller sends nothing: a far end that holds or only listens is not waited for (before, the
# c=0.0.0.0 hold ended the call: rtp-timeout).
compile "$T/hold.ccxml" "$W/hold"
hold_port=$(freeport)
(cd "$W" && exec timeout -k 2 "$LIFE" ./hold --sip "127.0.0.1:$hold_port" --rtp-timeout 1) \
	>"$W/hold.out" 2>"$W/hold.err" &
hold_pid=$!
PIDS+=("$hold_pid")
lp_wait_for "$W/hold.err" "SIP on 127.0.0.1" 30
(cd "$T" && timeout -k 2 60 python3 holdpeer.py "$hold_port" 1.6) >"$W/hold.peer" 2>&1
rc_hold=$?
lp_wait_for "$W/hold.out" "DISCONNECTED" 10
lp_stop "$hold_pid" 5
if why="holdpeer.py status $rc_hold: $(tail -1 "$W/hold.peer")" && [ "$rc_hold" = 0 ] &&
	why=$(has "$W/hold.peer" "sendonly dir=recvonly rtp=0 " "zero dir=sendrecv rtp=0 " \
		"recvonly dir=sendonly" "inactive dir=inactive rtp=0 " "resume dir=sendrecv" "ok") &&
	why=$(has "$W/hold.out" "CONNECTED" "DISCONNECTED trigger=remote reason=hangup") &&
	why="RTP send errors logged" && ! grep -q "RTP send" "$W/hold.err" &&
	why="sanitizer report" && ! sanitized "$W/hold.err"; then
	ok "hold: sendonly, c=0.0.0.0, inactive and recvonly answered as RFC 3264 says, no RTP while held, resumed, no rtp-timeout"
else
	bad "hold and resume (RFC 3264 6.1, 8.4)" "$why" "$W/hold.peer" "$W/hold.out" "$W/hold.err"
fi
