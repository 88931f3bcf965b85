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
# c=0.0.0.0 hold ended the call: rtp-timeout). Then keys in INFOs (docs/sip.md "DTMF"):
# dtmf-relay's Signal=5 with its Duration, application/dtmf's '#', Signal=10 ('*'), each a
# connection.signal with info.method 'info'; the 5 sent again at once as RFC 4733 events is
# the same press (reported once); Signal=Q gets 400, another type 415 with Accept, no body 200
# (before: 501 to every INFO, no key). RTCP (docs/sip.md "RTCP"): the caller gets a sender
# report (SR and SDES CNAME, the SSRC of the program's RTP) at its RTP port + 1 over the
# call, 160 octets a packet counted, its RTP time that of its RTP, a block on the caller's
# stream with the 5 packets the caller skipped lost, and a BYE when the call ends; the
# program's RTCP port is open, and the caller's receiver report (3 lost, jitter 80 at 8 kHz,
# the LSR/DLSR of the program's last SR) is in the call record (far_lost 3, far_jitter_ms
# 10.0, rtt_ms the round trip) beside what the program measured (lost 5); /metrics adds them
# up (packets lost, RTCP sent and received, the call's jitter and round trip histograms). The
# program sends its RTP from its media send thread (--media-thread on; docs/sip.md).
compile "$T/hold.ccxml" "$W/hold"
hold_port=$(freeport)
hold_http=$(freeport)
printf 'admin-0123456789abcdef\n' >"$W/hold.admin" && chmod 600 "$W/hold.admin"
(cd "$W" && exec timeout -k 2 "$LIFE" ./hold --sip "127.0.0.1:$hold_port" --rtp-timeout 1 --media-thread on \
	--cdr-file "$W/hold.cdr" --http "127.0.0.1:$hold_http" --admin-token-file "$W/hold.admin") \
	>"$W/hold.out" 2>"$W/hold.err" &
hold_pid=$!
PIDS+=("$hold_pid")
lp_wait_for "$W/hold.err" "SIP on 127.0.0.1" 30
(cd "$T" && timeout -k 2 60 python3 holdpeer.py "$hold_port" 1.6) >"$W/hold.peer" 2>&1
rc_hold=$?
lp_wait_for "$W/hold.out" "DISCONNECTED" 10
curl -s -m 5 -H 'Authorization: Bearer admin-0123456789abcdef' "http://127.0.0.1:$hold_http/metrics" \
	>"$W/hold.metrics"
lp_stop "$hold_pid" 5
if why="holdpeer.py status $rc_hold: $(tail -1 "$W/hold.peer")" && [ "$rc_hold" = 0 ] &&
	why=$(has "$W/hold.peer" "sendonly dir=recvonly rtp=0 " "zero dir=sendrecv rtp=0 " \
		"recvonly dir=sendonly" "inactive dir=inactive rtp=0 " "resume dir=sendrecv" "ok") &&
	why=$(has "$W/hold.out" "CONNECTED" "SIGNAL 5 info 160" "SIGNAL # info undefined" \
		"SIGNAL * info undefined" "SIGNAL 5 info 100" "DISCONNECTED trigger=remote reason=hangup") &&
	why="$(grep -c SIGNAL "$W/hold.out") keys reported, want 4 (the 5 sent both ways once)" &&
	[ "$(grep -c SIGNAL "$W/hold.out")" = 4 ] &&
	why=$(has "$W/hold.peer" "-> 415 Accept: application/dtmf-relay, application/dtmf" \
		"types=200,202 ssrc-match=True cname=True port=open bye=True") &&
	why=$(has "$W/hold.cdr" '"rtcp_received":1,"far_lost":3,"far_jitter_ms":10.0,"rtt_ms":') &&
	why="the call record's rtt_ms is not the round trip of the caller's report (0-500 ms)" &&
	grep -Eq '"rtt_ms":([0-9]|[0-9][0-9]|[1-4][0-9][0-9])\.[0-9]' "$W/hold.cdr" &&
	why="the call record's lost is not the 5 packets the caller skipped" &&
	grep -Eq '"lost":5,"jitter_ms":[0-9]+\.[0-9],"rtcp_received"' "$W/hold.cdr" &&
	why=$(has "$W/hold.metrics" "ccxml_rtp_packets_lost_total 5" \
		'ccxml_rtcp_packets_total{direction="received"} 1' "ccxml_call_jitter_seconds_count 1" \
		'ccxml_call_jitter_seconds_bucket{le="+Inf"} 1' "ccxml_call_rtt_seconds_count 1" \
		'ccxml_call_rtt_seconds_bucket{le="0.5"} 1') &&
	why="no RTCP packet sent in /metrics" &&
	grep -Eq '^ccxml_rtcp_packets_total\{direction="sent"\} [1-9]' "$W/hold.metrics" &&
	why="RTP send errors logged" && ! grep -q "RTP send" "$W/hold.err" &&
	why="no media send thread under --media-thread on" &&
	grep -q "media send thread started" "$W/hold.err" &&
	why="sanitizer report" && ! sanitized "$W/hold.err"; then
	ok "hold: sendonly, c=0.0.0.0, inactive and recvonly answered as RFC 3264 says, no RTP while held, resumed, no rtp-timeout; keys in INFOs"
else
	bad "hold and resume (RFC 3264 6.1, 8.4)" "$why" "$W/hold.peer" "$W/hold.out" "$W/hold.err" "$W/hold.cdr"
fi

# 5h. A caller behind a NAT (docs/sip.md "Behind a NAT"): in a network namespace of the test's
# own (unshare -rn), whose loopback also has 192.168.77.7 standing for the caller's private
# address, tests/sip/natpeer.py calls with that address in its SDP and sends its RTP from
# 127.0.0.1 (its SIP's address) and another port, after a stranger on 127.0.0.2 sent some to
# the program's port. --rtp-latch nat (the default): the program's RTP goes where the caller's
# comes from, none to the stranger nor to the SDP's private address, and its RTCP report to
# the port the caller's report came from; --rtp-latch off: all to the SDP's address (as
# before, when a NATed caller heard nothing); --rtcp off: latched, and no RTCP at all (with
# --media-thread off: the event loop sends the RTP, no send thread is started).
nat_case() { # nat_case MODE [PROGRAM OPTIONS...]
	local mode=$1 rc
	shift
	W="$W" T="$T" P="$(freeport)" MODE="$mode" timeout -k 2 60 unshare -rn bash -c '
		ip link set lo up && ip addr add 192.168.77.7/32 dev lo || exit 3
		(cd "$W" && exec timeout -k 2 30 ./hold --sip "127.0.0.1:$P" "$@") \
			>"$W/nat-$MODE.out" 2>"$W/nat-$MODE.err" &
		for i in $(seq 100); do grep -qs "SIP on 127.0.0.1" "$W/nat-$MODE.err" && break; sleep 0.1; done
		(cd "$T" && timeout -k 2 30 python3 natpeer.py "$P" "$MODE")
		rc=$?
		for i in $(seq 50); do grep -qs DISCONNECTED "$W/nat-$MODE.out" && break; sleep 0.1; done
		kill %1 2>/dev/null; wait
		exit $rc' nat "$@" >"$W/nat-$mode.peer" 2>&1
	rc=$?
	if why="natpeer.py status $rc: $(tail -1 "$W/nat-$mode.peer")" && [ "$rc" = 0 ] &&
		why=$(has "$W/nat-$mode.out" "CONNECTED" "DISCONNECTED trigger=remote reason=hangup") &&
		why="the latch logged ($mode)" &&
		if [ "$mode" != off ]; then
			grep -q "RTP comes from 127.0.0.1:[0-9]*, the SDP says 192.168.77.7:4000 (behind a NAT)" \
				"$W/nat-$mode.err"
		else
			! grep -q "behind a NAT" "$W/nat-$mode.err"
		fi &&
		why="a media send thread under --media-thread off" &&
		{ [ "$mode" != nortcp ] || ! grep -q "media send thread started" "$W/nat-$mode.err"; } &&
		why="sanitizer report" && ! sanitized "$W/nat-$mode.err"; then
		ok "behind a NAT, ${*:---rtp-latch nat}: $(head -1 "$W/nat-$mode.peer")"
	else
		bad "behind a NAT (${*:---rtp-latch nat})" "$why" "$W/nat-$mode.peer" "$W/nat-$mode.out" \
			"$W/nat-$mode.err"
	fi
}
if ! unshare -rn true 2>/dev/null; then
	echo "skipped: no network namespace of our own (unshare -rn) for the NAT cases"
else
	nat_case nat
	nat_case off --rtp-latch off
	nat_case nortcp --rtcp off --media-thread off
fi

# 5i. rtcp-mux (RFC 5761; docs/sip.md "RTCP"): a caller (tests/sip/muxpeer.py) offers it; the
# answer takes it, the program's reports and its RTCP BYE come to the caller's RTP port and
# none to the port after it, and the caller's receiver report sent to the program's RTP port
# is read (the call record's far_lost 3); with --rtcp off the answer does not take it and no
# RTCP comes (before: not taken, reports to RTP + 1, the caller's report dropped).
mux_case() { # mux_case MODE [PROGRAM OPTIONS...]
	local mode=$1 rc P
	shift
	P=$(freeport)
	(cd "$W" && exec timeout -k 2 30 ./hold --sip "127.0.0.1:$P" --cdr-file "$W/mux-$mode.cdr" "$@") \
		>"$W/mux-$mode.out" 2>"$W/mux-$mode.err" &
	local pid=$!
	PIDS+=("$pid")
	lp_wait_for "$W/mux-$mode.err" "SIP on 127.0.0.1" 30
	(cd "$T" && timeout -k 2 30 python3 muxpeer.py "$P" "$mode") >"$W/mux-$mode.peer" 2>&1
	rc=$?
	lp_wait_for "$W/mux-$mode.out" "DISCONNECTED" 10
	lp_stop "$pid" 5
	if why="muxpeer.py status $rc: $(tail -1 "$W/mux-$mode.peer")" && [ "$rc" = 0 ] &&
		if [ "$mode" = mux ]; then
			why=$(has "$W/mux-$mode.cdr" '"rtcp_received":1,"far_lost":3,"far_jitter_ms":10.0')
		fi &&
		why="sanitizer report" && ! sanitized "$W/mux-$mode.err"; then
		ok "rtcp-mux offered, ${*:---rtcp on}: $(head -1 "$W/mux-$mode.peer")"
	else
		bad "rtcp-mux (${*:---rtcp on})" "$why" "$W/mux-$mode.peer" "$W/mux-$mode.out" \
			"$W/mux-$mode.err" "$W/mux-$mode.cdr"
	fi
}
mux_case mux
mux_case off --rtcp off

# 5j. Media addresses (docs/sip.md "Media addresses"): in a network namespace of the test's own
# (only its loopback, which also has 192.168.77.8 standing for another host), tests/sip/
# grouppeer.py offers 224.0.0.1 (a multicast group), then 127.0.0.1 from 192.168.77.8 (this
# host's loopback, for a caller elsewhere): each refused with 488, the offer logged; then
# 10.9.9.9, which no route reaches: the call is answered and
# every packet of the program's audio fails (ENETUNREACH), which /metrics counts
# (ccxml_rtp_send_errors_total) and the log tells a line per 10 s, not a line per packet (the
# event loop's own sends, --media-thread off, as the thread's, on).
group_case() { # group_case MODE (--media-thread MODE)
	local mode=$1 rc
	W="$W" T="$T" P="$(freeport)" HP="$(freeport)" MODE="$mode" timeout -k 2 60 unshare -rn bash -c '
		ip link set lo up && ip addr add 192.168.77.8/32 dev lo || exit 3
		printf "admin-0123456789abcdef\n" >"$W/group-$MODE.admin"
		(cd "$W" && exec timeout -k 2 30 ./hold --sip "127.0.0.1:$P" --http "127.0.0.1:$HP" \
			--admin-token-file "$W/group-$MODE.admin" --media-thread "$MODE") \
			>"$W/group-$MODE.out" 2>"$W/group-$MODE.err" &
		for i in $(seq 100); do grep -qs "listening on" "$W/group-$MODE.err" && break; sleep 0.1; done
		cd "$T" && timeout -k 2 20 python3 grouppeer.py "$P" 224.0.0.1 488 &&
			timeout -k 2 20 python3 grouppeer.py "$P" 127.0.0.1 488 192.168.77.8 &&
			timeout -k 2 20 python3 grouppeer.py "$P" 10.9.9.9 200
		rc=$?
		for i in $(seq 50); do grep -qs DISCONNECTED "$W/group-$MODE.out" && break; sleep 0.1; done
		sleep 0.3 # the media clock'"'"'s tick after the last packet logs what is left
		curl -s -m 5 -H "Authorization: Bearer admin-0123456789abcdef" \
			"http://127.0.0.1:$HP/metrics" >"$W/group-$MODE.metrics"
		kill %1 2>/dev/null; wait
		exit $rc' group >"$W/group-$mode.peer" 2>&1
	rc=$?
	local lines errs
	lines=$(grep -c "RTP send" "$W/group-$mode.err")
	errs=$(sed -n 's/^ccxml_rtp_send_errors_total \([0-9]*\)$/\1/p' "$W/group-$mode.metrics")
	if why="grouppeer.py status $rc: $(tail -1 "$W/group-$mode.peer")" && [ "$rc" = 0 ] &&
		why="the multicast offer not logged" &&
		grep -q "offers media to 224.0.0.1, a multicast or broadcast address" "$W/group-$mode.err" &&
		why="the loopback offer from another host not logged" &&
		grep -q "offers media to 127.0.0.1, a loopback address, from another host" "$W/group-$mode.err" &&
		why="no 'RTP send: Network is unreachable (N packets)' line" &&
		grep -q "sip: RTP send: Network is unreachable ([0-9]* packets)" "$W/group-$mode.err" &&
		why="$lines lines of RTP send errors (a line per 10 s at most)" && [ "$lines" -le 2 ] &&
		why="ccxml_rtp_send_errors_total is '$errs' (3 s of audio: about 150)" &&
		[ -n "$errs" ] && [ "$errs" -ge 100 ] &&
		why="sanitizer report" && ! sanitized "$W/group-$mode.err"; then
		ok "media addresses, --media-thread $mode: offers of a multicast group and of loopback from elsewhere refused (488); $errs sends to an unreachable far end counted, $lines log line(s)"
	else
		bad "media addresses (--media-thread $mode)" "$why" "$W/group-$mode.peer" "$W/group-$mode.out" \
			"$W/group-$mode.err" "$W/group-$mode.metrics"
	fi
}
if unshare -rn true 2>/dev/null; then
	group_case off
	group_case on
fi
