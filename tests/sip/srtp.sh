# tests/sip/srtp.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has, sanitized,
# compile, freeport, lp_*, waitpid_for, PIDS, LIFE; SIP_PART=srtp runs it alone).
#
# 2h. SRTP with SDES keys (docs/sip.md "SRTP") against baresip's srtp module with
# mediaenc=srtp-mand (it takes RTP/SAVP only, and decrypts what it receives):
#  - outbound under --srtp require, over UDP and over TLS: a 5 s WAV plays and baresip receives about 250 packets
#    it could authenticate and decrypt (it drops the others before its RTP statistics), its
#    RFC 4733 digit reaches the document; the trace shows RTP/SAVP with the keys masked;
#  - inbound under --srtp offer: baresip calls with RTP/SAVP, we answer in kind and receive
#    its audio (the call record's packets); 20 packets with a wrong authentication tag sent
#    to our RTP port during the call are dropped and counted (/metrics);
#  - a join of two SRTP calls: the mixer relays each one's tone to the other, both decrypted by
#    baresip;
#  - a plain RTP baresip under --srtp require: our call to it fails (connection.failed), its
#    call to us gets 488; under --srtp offer its call is answered in plain RTP;
#  - an INVITE without SDP under --srtp require (sipp): our 200 offers RTP/SAVP with both keys,
#    the ACK's SAVP answer connects the call;
#  - a caller's re-INVITE with a new key (sipp): answered SAVP under its tag;
#  - a sipp UAS answering our SAVP offer with plain RTP/AVP: ACK, our BYE, connection.failed
#    reason media (RFC 4568 has no plain fallback within one m-line);
#  - SRTP media from a far end of our own (srtp_send.py) on sipp calls: forged SSRCs, SRTCP, a
#    re-key, a renumbered key, an SSRC put out of the 8 followed and replayed, an SSRC past the
#    key's 1024 refused and logged once; and plain RTP with
#    RTCP on the RTP port (rtcp-mux), neither RTP received nor audio.
compile "$T/srtpin.ccxml" "$W/srtpin"
printf 'admin-0123456789abcdef\n' >"$W/srtp.admin" && chmod 600 "$W/srtp.admin"

# srtp_call NAME SCENARIO [ARGS...] [-- SEND...]: srtpin as a service on fresh ports (SIP on SP,
# HTTP on HP) with ARGS, its call records and trace in W/NAME.cdr and W/NAME.trace (output in
# W/NAME.out and .err); with SEND, tests/sip/srtp_send.py runs on that trace with SEND's words
# beside the call (W/NAME.send); one call of the sipp SCENARIO to it (src: sipp's exit status;
# its errors and messages in W/NAME.sipperr and W/NAME.msg). Once the call is over
# (DISCONNECTED), /metrics goes to W/NAME.metrics and the program is stopped: dropped is the
# SRTP packets dropped (srtp_dropped), prx the RTP packets received (the call record).
srtp_call() {
	local name=$1 scen=$2 args=() send=() snd=
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		args+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift && send=("$@")
	SP=$(freeport)
	HP=$(freeport)
	(cd "$W" && exec timeout -k 2 "$LIFE" ./srtpin --sip "127.0.0.1:$SP" --http "127.0.0.1:$HP" \
		--admin-token-file "$W/srtp.admin" --cdr-file "$W/$name.cdr" --sip-trace "$W/$name.trace" \
		"${args[@]+"${args[@]}"}") >"$W/$name.out" 2>"$W/$name.err" &
	SIP_=$!
	PIDS+=("$SIP_")
	lp_wait_for "$W/$name.err" "running as a service" 30
	RCP=$(freeport)
	if [ ${#send[@]} -gt 0 ]; then
		SRTCP_IN="$RCP:$W/$name.srtcp" timeout -k 2 30 python3 "$T/srtp_send.py" "$W/$name.trace" \
			"${send[@]}" >"$W/$name.send" 2>&1 &
		snd=$!
		PIDS+=("$snd")
	fi
	UP=$(freeport)
	rm -f "$W/$name.msg"
	timeout -k 2 30 sipp -sf "$scen" -s srtp "127.0.0.1:$SP" -i 127.0.0.1 -p "$UP" -m 1 -key rtcpport "$RCP" \
		-timeout 20s -nostdin -trace_err -error_file "$W/$name.sipperr" -trace_msg \
		-message_file "$W/$name.msg" >/dev/null 2>&1
	src=$?
	[ -z "$snd" ] || waitpid_for "$snd" 10
	lp_wait_for "$W/$name.out" "DISCONNECTED" 10
	curl -s -m 5 -H 'Authorization: Bearer admin-0123456789abcdef' "http://127.0.0.1:$HP/metrics" >"$W/$name.metrics"
	lp_stop "$SIP_" 5
	dropped=$(srtp_dropped "$name")
	prx=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["rtp"]["packets_received"])' "$W/$name.cdr" 2>/dev/null)
}
# srtp_dropped NAME [REASON]: SRTP packets dropped for REASON (else all) in W/NAME.metrics
srtp_dropped() {
	awk -v r="${2:-}" '/^ccxml_srtp_packets_dropped_total\{/ && (r == "" || index($1, "\"" r "\"")) {
		n += $2; k = 1 } END { if (k) print n }' "$W/$1.metrics"
}
# srtp_sent NAME N REASON DIGIT...: the checks of a call of srtp_call with srtp_send.py: sipp
# ended well, the document got the DIGITs and ended the call, the sender's N packets meant to be
# dropped were (all for REASON) and every genuine one was received (sets genuine, from W/NAME.send),
# no sanitizer report; else 1 with why set
srtp_sent() {
	local name=$1 n=$2 reason=$3 d ev=(CONNECTED) forged
	shift 3
	for d in "$@"; do ev+=("DTMF $d"); done
	read -r _ genuine _ forged _ <"$W/$name.send"
	why="sipp exit status $src" && [ $src = 0 ] &&
		why=$(has "$W/$name.out" "${ev[@]}" "DISCONNECTED trigger=local") &&
		why="sender: $(cat "$W/$name.send")" && [ "${forged:-0}" = "$n" ] &&
		why="${dropped:-no} packets dropped ($(srtp_dropped "$name" "$reason") for $reason), expected $n" &&
		[ "${dropped:-x}" = "$n" ] && [ "$(srtp_dropped "$name" "$reason")" = "$n" ] &&
		why="${prx:-no} packets received, expected the ${genuine} genuine" && [ "${prx:-x}" = "$genuine" ] &&
		why="sanitizer report" && ! sanitized "$W/$name.err"
}
SCP=$(freeport)
LP_BARESIP_ACCOUNT=";mediaenc=srtp-mand" lp_baresip_start "$W/baresip-srtp" "$LIFE" "sip_certificate		$W/tls.pem
audio_buffer		20-160
jitter_buffer_delay	5-10
module			srtp.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$SCP" || true
SBP=$LP_BARESIP_PORT
SBPID=$LP_BARESIP_PID
SBOUT=$LP_BARESIP_OUT
PIDS+=("$SBPID")

# srtp_out NAME HOW DEST [ARGS...]: a --srtp require call to the SRTP baresip at DEST, a 5 s WAV,
# digit 7 from baresip once the call is up; baresip must have decrypted about 250 packets, and
# our SRTCP (its ctrl_tcp reports CALL_RTCP for an RTCP packet it could open). 5 s: our first
# report is due 1-3 s after the answer (RFC 3550 6.3), on a 250 ms clock; with 3 s of call a
# late one met the BYE (the RTCP BYE then came as baresip closed the call: one CI run in ten)
python3 - "$W/srtp5.wav" <<'EOF'
import math, struct, sys, wave
w = wave.open(sys.argv[1], 'wb')
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
    for i in range(8000 * 5)))
w.close()
EOF
srtp_out() {
	local name=$1 how=$2 dest=$3 ctrl calls rx
	shift 3
	calls=$(grep -c "^packets:" "$SBOUT")
	python3 "$T/ctrl.py" "$SCP" 7 8000 >"$W/ctrl-$name.out" 2>&1 &
	ctrl=$!
	PIDS+=("$ctrl")
	lp_wait_for "$W/ctrl-$name.out" 'ctrl: connected' 15
	SP=$(freeport)
	(cd "$W" && exec timeout -k 2 60 ./out --sip "127.0.0.1:$SP" --once --media-root "$W" --srtp require \
		--sip-trace "$W/$name.trace" --values "dest=$dest" --values "src=srtp5.wav" "$@") \
		>"$W/$name.out" 2>"$W/$name.err"
	rc=$?
	waitpid_for "$ctrl" 10
	for ((i = 0; i < 30; i++)); do
		[ "$(grep -c "^packets:" "$SBOUT")" -gt "$calls" ] && break
		sleep 0.1
	done
	rx=$(awk -v n="$calls" '/^packets:/ && k++ == n {print $3; exit}' "$SBOUT")
	if why=$(has "$W/$name.out" "CONNECTED proto=sip/2.0" "DIALOG STARTED" "DTMF 7 dtmf" "DIALOG EXIT") &&
		why=$(has "$W/$name.trace" "RTP/SAVP" "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:***" \
			"a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:***") &&
		why="a key in the trace" && ! grep -qE "inline:[A-Za-z0-9+/]{8}" "$W/$name.trace" &&
		why="baresip could not decrypt" && ! grep -qi "srtp.*fail\|unprotect" "$SBOUT" &&
		why="baresip got no RTCP of ours (SRTCP: its ctrl event CALL_RTCP)" &&
		grep -q "event CALL_RTCP" "$W/ctrl-$name.out" &&
		why="baresip received ${rx:-no} RTP packets, expected 240..260" && [ -n "$rx" ] &&
		[ "$rx" -ge 240 ] && [ "$rx" -le 260 ] &&
		why="exit status $rc" && [ $rc = 0 ] && why="sanitizer report" && ! sanitized "$W/$name.err"; then
		ok "SRTP outbound $how (--srtp require): RTP/SAVP, baresip (srtp-mand) decrypted $rx packets of the 5 s WAV and our SRTCP, its RFC 4733 digit 7 reached the document, keys masked in the trace"
	else
		bad "SRTP outbound $how" "$why" "$W/$name.out" "$W/$name.err" "$W/ctrl-$name.out" "$SBOUT"
	fi
}
srtp_out srtpout "over UDP" "sip:4072223333@127.0.0.1:$SBP"
# over TLS (run.sh's certificates, 2d): the keys travel encrypted, as a trunk would want
srtp_out srtptls "over TLS" "sip:4072223333@127.0.0.1:$((SBP + 1));transport=tls" \
	--sip-tls-cert "$W/tls.pem" --sip-tls-ca "$W/tls.crt"

# inbound: baresip calls with SRTP; forged packets to our RTP port are dropped
SP=$(freeport)
HP=$(freeport)
(cd "$W" && exec timeout -k 2 "$LIFE" ./srtpin --sip "127.0.0.1:$SP" --srtp offer --http "127.0.0.1:$HP" \
	--admin-token-file "$W/srtp.admin" --cdr-file "$W/srtpin.cdr" \
	--sip-trace "$W/srtpin.trace") >"$W/srtpin.out" 2>"$W/srtpin.err" &
SIP_=$!
PIDS+=("$SIP_")
lp_wait_for "$W/srtpin.err" "running as a service" 30
CTRL_DIAL="sip:ccxml@127.0.0.1:$SP" timeout -k 2 90 python3 "$T/ctrl.py" "$SCP" 30000 \
	>"$W/ctrl-srtpin.out" 2>&1 &
ctrl=$!
PIDS+=("$ctrl")
lp_wait_for "$W/srtpin.out" "CONNECTED" 30
# our RTP port, from our answer in the trace; 20 packets of baresip's kind with a wrong tag
rport=$(awk '/^----- .* sent / {s = 1} /^----- .* received / {s = 0} s && /^m=audio/ {print $2}' "$W/srtpin.trace" | tail -1)
python3 - "${rport:-9}" <<'PYEOF'
import os, socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(20):
    hdr = struct.pack('!BBHII', 0x80, 0, 50000 + i, 160 * i, 0x12345678)
    s.sendto(hdr + os.urandom(160) + os.urandom(10), ('127.0.0.1', int(sys.argv[1])))
PYEOF
sleep 0.5
curl -s -m 5 -H 'Authorization: Bearer admin-0123456789abcdef' "http://127.0.0.1:$HP/metrics" >"$W/srtpin.metrics"
lp_wait_for "$W/srtpin.out" "DISCONNECTED" 30
waitpid_for "$ctrl" 10
lp_stop "$SIP_" 5
dropped=$(srtp_dropped srtpin auth)
prx=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["rtp"]["packets_received"])' "$W/srtpin.cdr" 2>/dev/null)
if why=$(has "$W/srtpin.out" "CONNECTED" "DISCONNECTED trigger=local") &&
	why=$(has "$W/ctrl-srtpin.out" "CALL_ESTABLISHED" "CALL_CLOSED") &&
	why="our answer is not RTP/SAVP with a key" &&
	awk '/^----- .* sent / {s = 1} /^----- .* received / {s = 0} s' "$W/srtpin.trace" | grep -q "^m=audio $rport RTP/SAVP" &&
	awk '/^----- .* sent / {s = 1} /^----- .* received / {s = 0} s' "$W/srtpin.trace" | grep -q "^a=crypto:[0-9]* AES_CM_128_HMAC_SHA1_[38][02] inline:\*\*\*" &&
	why="${dropped:-no} forged packets dropped (reason auth), expected 20" && [ "${dropped:-0}" = 20 ] &&
	why="${prx:-no} packets received from baresip, expected 100 or more" && [ "${prx:-0}" -ge 100 ] &&
	why="sanitizer report" && ! sanitized "$W/srtpin.err"; then
	ok "SRTP inbound (--srtp offer): answered RTP/SAVP, $prx of baresip's packets decrypted, 20 with a wrong tag dropped and counted"
else
	bad "SRTP inbound" "$why" "$W/srtpin.out" "$W/srtpin.err" "$W/ctrl-srtpin.out" "$W/srtpin.metrics"
fi

# a join of two SRTP calls (to this baresip and a second one, each call its own keys): for the
# 2 s of the join each call hears the other's tone through the mixer, decrypted from one leg
# and encrypted for the other; each baresip decrypts about 100 packets
compile "$T/join.ccxml" "$W/join"
LP_BARESIP_ACCOUNT=";mediaenc=srtp-mand" lp_baresip_start "$W/baresip-srtp2" "$LIFE" "module		srtp.so" || true
SBP2=$LP_BARESIP_PORT
SBPID2=$LP_BARESIP_PID
SBOUT2=$LP_BARESIP_OUT
PIDS+=("$SBPID2")
calls=$(grep -c "^packets:" "$SBOUT")
SP=$(freeport)
(cd "$W" && exec timeout -k 2 60 ./join --sip "127.0.0.1:$SP" --once --srtp require --values mode=join \
	--values "a=sip:4072223333@127.0.0.1:$SBP" --values "b=sip:4072223333@127.0.0.1:$SBP2") \
	>"$W/srtpjoin.out" 2>"$W/srtpjoin.err"
rc=$?
for ((i = 0; i < 50; i++)); do
	[ "$(grep -c "^packets:" "$SBOUT")" -gt "$calls" ] && grep -q "^packets:" "$SBOUT2" && break
	sleep 0.1
done
rxa=$(awk -v n="$calls" '/^packets:/ && k++ == n {print $3; exit}' "$SBOUT")
rxb=$(awk '/^packets:/ {print $3; exit}' "$SBOUT2")
rxs="${rxa:-no} and ${rxb:-no}"
lp_stop "$SBPID2" 5
if why=$(has "$W/srtpjoin.out" "JOINED c" "UNJOINED c" "END") && why="exit status $rc" && [ $rc = 0 ] &&
	why="baresip received ${rxs:-no} packets on the two calls, expected 90..125 each" &&
	[ -n "$rxa" ] && [ -n "$rxb" ] && [ "$rxa" -ge 90 ] && [ "$rxa" -le 125 ] && [ "$rxb" -ge 90 ] && [ "$rxb" -le 125 ] &&
	why="sanitizer report" && ! sanitized "$W/srtpjoin.err"; then
	ok "SRTP join: two SRTP calls joined for 2 s, each heard the other (baresip decrypted $rxa and $rxb packets)"
else
	bad "SRTP join" "$why" "$W/srtpjoin.out" "$W/srtpjoin.err" "$SBOUT" "$SBOUT2"
fi
lp_stop "$SBPID" 5

# a plain RTP baresip under --srtp require: our call to it fails, its call to us gets 488
PCP=$(freeport)
lp_baresip_start "$W/baresip-plain" "$LIFE" "module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$PCP" || true
PBP=$LP_BARESIP_PORT
PBPID=$LP_BARESIP_PID
PIDS+=("$PBPID")
SP=$(freeport)
(cd "$W" && exec timeout -k 2 60 ./out --sip "127.0.0.1:$SP" --once --srtp require \
	--sip-trace "$W/srtpplain.trace" --values "dest=sip:4072223333@127.0.0.1:$PBP") \
	>"$W/srtpplain.out" 2>"$W/srtpplain.err"
rc=$?
if why=$(has "$W/srtpplain.out" "FAILED reason=") &&
	why="connected to a plain RTP peer" && ! grep -q "CONNECTED" "$W/srtpplain.out" &&
	why="exit status $rc" && [ $rc = 0 ] && why="sanitizer report" && ! sanitized "$W/srtpplain.err"; then
	ok "SRTP required, outbound to a plain RTP peer: $(grep -o 'FAILED.*' "$W/srtpplain.out"), no call"
else
	bad "SRTP required, outbound to a plain peer" "$why" "$W/srtpplain.out" "$W/srtpplain.err" "$W/srtpplain.trace"
fi
SP=$(freeport)
(cd "$W" && exec timeout -k 2 "$LIFE" ./srtpin --sip "127.0.0.1:$SP" --srtp require \
	--sip-trace "$W/srtpreq.trace") >"$W/srtpreq.out" 2>"$W/srtpreq.err" &
SIP_=$!
PIDS+=("$SIP_")
lp_wait_for "$W/srtpreq.err" "running as a service" 30
CTRL_DIAL="sip:ccxml@127.0.0.1:$SP" timeout -k 2 90 python3 "$T/ctrl.py" "$PCP" 3000 \
	>"$W/ctrl-srtpreq.out" 2>&1
lp_wait_for "$W/srtpreq.trace" "SIP/2.0 488" 10
lp_stop "$SIP_" 5
if why=$(has "$W/srtpreq.trace" "SIP/2.0 488 Not Acceptable Here") &&
	why=$(has "$W/srtpreq.err" "offers no RTP/SAVP (--srtp require) audio") &&
	why="a call connected" && ! grep -q "CONNECTED" "$W/srtpreq.out" &&
	why="sanitizer report" && ! sanitized "$W/srtpreq.err"; then
	ok "SRTP required, inbound from a plain RTP peer: 488, no call"
else
	bad "SRTP required, inbound from a plain peer" "$why" "$W/srtpreq.out" "$W/srtpreq.err" "$W/ctrl-srtpreq.out"
fi
# the same plain caller under --srtp offer: answered in kind (RTP/AVP, no key), the call runs
SP=$(freeport)
(cd "$W" && exec timeout -k 2 "$LIFE" ./srtpin --sip "127.0.0.1:$SP" --srtp offer \
	--sip-trace "$W/srtpoff.trace") >"$W/srtpoff.out" 2>"$W/srtpoff.err" &
SIP_=$!
PIDS+=("$SIP_")
lp_wait_for "$W/srtpoff.err" "running as a service" 30
CTRL_DIAL="sip:ccxml@127.0.0.1:$SP" timeout -k 2 90 python3 "$T/ctrl.py" "$PCP" 30000 \
	>"$W/ctrl-srtpoff.out" 2>&1
lp_wait_for "$W/srtpoff.out" "DISCONNECTED" 30
lp_stop "$SIP_" 5
if why=$(has "$W/srtpoff.out" "CONNECTED" "DISCONNECTED trigger=local") &&
	why="our answer is not plain RTP/AVP" &&
	awk '/^----- .* sent / {s = 1} /^----- .* received / {s = 0} s' "$W/srtpoff.trace" | grep -q "^m=audio [1-9][0-9]* RTP/AVP " &&
	why="a key in our answer" && ! grep -q "a=crypto" "$W/srtpoff.trace" &&
	why="sanitizer report" && ! sanitized "$W/srtpoff.err"; then
	ok "SRTP offered, inbound from a plain RTP peer: answered RTP/AVP, the call runs"
else
	bad "SRTP offered, inbound from a plain peer" "$why" "$W/srtpoff.out" "$W/srtpoff.err" "$W/ctrl-srtpoff.out" "$W/srtpoff.trace"
fi
lp_stop "$PBPID" 5

# an INVITE without SDP (sipp, tests/sip/uac_srtp_late.xml) to a --srtp require program: our 200
# offers RTP/SAVP with both keys, the ACK's answer takes tag 1 and the call connects
srtp_call srtplate "$T/uac_srtp_late.xml" --srtp require
if why="sipp exit status $src" && [ $src = 0 ] &&
	why=$(has "$W/srtplate.out" "CONNECTED" "DISCONNECTED trigger=remote") &&
	why="sanitizer report" && ! sanitized "$W/srtplate.err"; then
	ok "SRTP late offer: an INVITE without SDP gets our RTP/SAVP offer with both keys, the ACK's SAVP answer connects"
else
	bad "SRTP late offer" "$why" "$W/srtplate.out" "$W/srtplate.err" "$W/srtplate.sipperr"
fi

# a plain call's re-INVITE without SDP (sipp, tests/sip/uac_reinvite_empty.xml): the 200 is our
# offer (a port, our address), the ACK's answer is taken, the call goes on until its BYE (the
# empty body was decoded as an offer: the 200 refused the stream, port 0)
srtp_call reempty "$T/uac_reinvite_empty.xml"
if why="sipp exit status $src" && [ $src = 0 ] &&
	why=$(has "$W/reempty.out" "CONNECTED" "DISCONNECTED trigger=remote") &&
	why="sanitizer report" && ! sanitized "$W/reempty.err"; then
	ok "a plain call's re-INVITE without SDP: the 200 offers our media, the ACK answers it, the call goes on"
else
	bad "re-INVITE without SDP" "$why" "$W/reempty.out" "$W/reempty.err" "$W/reempty.sipperr"
fi

# a caller's re-INVITE with a new key (sipp, tests/sip/uac_srtp_reinvite.xml): answered SAVP
# with its tag, the call goes on until its BYE
srtp_call srtpre "$T/uac_srtp_reinvite.xml" --srtp require
if why="sipp exit status $src" && [ $src = 0 ] &&
	why=$(has "$W/srtpre.out" "CONNECTED" "DISCONNECTED trigger=remote") &&
	why="sanitizer report" && ! sanitized "$W/srtpre.err"; then
	ok "SRTP re-INVITE with a new key: answered RTP/SAVP with its tag, the call goes on"
else
	bad "SRTP re-INVITE with a new key" "$why" "$W/srtpre.out" "$W/srtpre.err" "$W/srtpre.sipperr"
fi

# SRTP media from a far end of our own (tests/sip/srtp_send.py, RFC 3711 in python) on a sipp
# call (tests/sip/uac_srtp_media.xml): before its first packet, and again before its second
# SSRC, packets forged under 10 SSRCs (no key) reach our RTP port; its digits 1 and 2 must
# still arrive (libre 1.1.0's receiver kept state for 8 SSRCs, made before the tag check: the
# far end was shut out), the forged ones counted as dropped. Then a re-INVITE without SDP:
# our 200 offers RTP/SAVP with the key of our first 200, the ACK's answer brings a new key of
# the far end, and its digit 3 under that key arrives (an SRTP call answered it 488).
# SRTCP sent to our RTP port is neither RTP received nor forged RTP dropped; to our RTCP port,
# one under the far end's key is read (the call record's rtcp_received), one with a wrong tag
# and a replay of the genuine one are dropped and counted (both counts must be exact). Our own
# SRTCP to the port sipp's a=rtcp names is opened with our key from sipp's message log
# (RFC 3711 3.4): reports with SDES, a BYE last, rising indices (before 2026-12-03 an SRTP call
# sent no RTCP and dropped the far end's).
srtp_call srtpmed "$T/uac_srtp_media.xml" --srtp require -- ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB \
	'yMnKy8zNzs/Q0dLT1NXW19jZ2tvc3d7f4OHi4+Tl'
read -r _ genuine _ forged _ srtcp <"$W/srtpmed.send"
# our key in the first 200 and in the re-INVITE's (sipp's log of what it received)
keys=$(awk '/ message received / {r = 1} / message sent / {r = 0} r' "$W/srtpmed.msg" 2>/dev/null |
	grep -o 'inline:[A-Za-z0-9+/]\{40\}' | sort | uniq -c | awk '{print $1 " " $2}')
srtcpin=$(python3 "$T/srtp_send.py" open-srtcp "$W/srtpmed.srtcp" "${keys##*inline:}" 2>&1)
rrx=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["rtp"]["rtcp_received"])' "$W/srtpmed.cdr" 2>/dev/null)
if why="sipp exit status $src" && [ $src = 0 ] &&
	why=$(has "$W/srtpmed.out" "CONNECTED" "DTMF 1" "DTMF 2" "DTMF 3" "DISCONNECTED trigger=local") &&
	why="our two offers do not carry one same key (${keys:-none})" &&
	[ "$(printf '%s\n' "$keys" | wc -l)" = 1 ] && [ "${keys%% *}" -ge 2 ] &&
	why="sender: $(cat "$W/srtpmed.send")" && [ "${genuine:-0}" -gt 0 ] && [ "${srtcp:-0}" -gt 0 ] &&
	why="${dropped:-no} packets dropped, expected the ${forged:-?} forged" && [ "${dropped:-x}" = "$forged" ] &&
	why="${prx:-no} packets received, expected the ${genuine} genuine" && [ "${prx:-x}" = "$genuine" ] &&
	why="${rrx:-no} SRTCP packets received in the call record, expected the $srtcp genuine" &&
	[ "${rrx:-x}" = "$srtcp" ] &&
	why="our SRTCP: ${srtcpin:-none}" && [[ "$srtcpin" =~ ^srtcp-in\ ([0-9]+)\ ok\ ([0-9]+)\ types\ 20[01],202(,203)?\ bye\ True\ ix-rising\ True$ ]] &&
	[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[2]}" ] && [ "${BASH_REMATCH[1]}" -ge 2 ] &&
	why="sanitizer report" && ! sanitized "$W/srtpmed.err"; then
	ok "SRTP media under forged SSRCs: $genuine genuine packets all received (digits 1, 2, and 3 after a re-INVITE without SDP got our same key and the ACK a new one of the far end), $forged forged dropped and counted (SRTP and SRTCP), $srtcp SRTCP packets read; ours: ${srtcpin#srtcp-in }"
else
	bad "SRTP media under forged SSRCs" "$why" "$W/srtpmed.out" "$W/srtpmed.err" "$W/srtpmed.send" "$W/srtpmed.sipperr" "$W/srtpmed.metrics"
fi

# the same re-INVITE without SDP answered in its ACK with plain RTP: too late to refuse (the
# 200 is sent), so it is logged and the call keeps its keys until our BYE
awk '/RTP\/SAVP 0 101/ && ++n == 2 {sub(/RTP\/SAVP/, "RTP/AVP")} /^ *a=crypto:1 .*inline:yMnK/ {next} 1' \
	"$T/uac_srtp_media.xml" >"$W/srtpplainack.xml"
srtp_call srtpplainack "$W/srtpplainack.xml" --srtp require
if why="the scenario's ACK is not plain" && grep -q "RTP/AVP 0 101" "$W/srtpplainack.xml" &&
	why="sipp exit status $src" && [ $src = 0 ] &&
	why=$(has "$W/srtpplainack.out" "CONNECTED" "DISCONNECTED trigger=local") &&
	why=$(has "$W/srtpplainack.err" "the SDP answer takes none of our SRTP keys: the call keeps its keys") &&
	why="sanitizer report" && ! sanitized "$W/srtpplainack.err"; then
	ok "SRTP re-INVITE without SDP answered in the ACK with plain RTP: logged, the call keeps its keys until our BYE"
else
	bad "SRTP re-INVITE without SDP, plain answer" "$why" "$W/srtpplainack.out" "$W/srtpplainack.err" "$W/srtpplainack.sipperr"
fi

# a re-INVITE offering the far end's same key under another tag (a far end renumbering its
# a=crypto lines): the receiving state stays (RFC 3711 3.3.1), so one of its packets sent again
# after it is a replay, dropped; its digits before and after arrive (the tag was compared too,
# and the state made again let the replay in)
srtp_call srtpretag "$T/uac_srtp_retag.xml" --srtp require -- ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB retag
if srtp_sent srtpretag 1 replay 1 2; then
	ok "SRTP re-offer of the same key under another tag: the receiving state stays ($genuine packets received, a replay after it dropped)"
else
	bad "SRTP re-offer of the same key under another tag" "$why" "$W/srtpretag.out" "$W/srtpretag.err" "$W/srtpretag.send" "$W/srtpretag.sipperr" "$W/srtpretag.metrics"
fi

# 9 SSRCs of the far end, one after the other (tests/sip/uac_srtp_call.xml): the ninth puts the
# first out of the 8 followed, and the first's first packet sent again is a replay, dropped and
# counted as one; the first's next packets and digit 1 arrive (it came back with a fresh replay
# window: the packet was taken again, and any recorder of 9 SSRCs could replay them in turn)
srtp_call srtpevict "$T/uac_srtp_call.xml" --srtp require -- ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB evict
if srtp_sent srtpevict 1 replay 1; then
	ok "SRTP SSRC out of the 8 followed and heard again: its replayed packet dropped (reason replay), its next $((genuine - 45)) received"
else
	bad "SRTP replay of an SSRC put out of the 8" "$why" "$W/srtpevict.out" "$W/srtpevict.err" "$W/srtpevict.send" "$W/srtpevict.sipperr" "$W/srtpevict.metrics"
fi

# 1025 SSRCs of the far end under one key, one packet each: the 1025th is past the key's bound
# (CX_MP_SRTP_SSRCS), refused twice (reason ssrcs) and logged once for the call, with its SSRC;
# digit 1 under the 1024th arrives (counted only, not logged, before)
srtp_call srtpfull "$T/uac_srtp_call.xml" --srtp require -- ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB full
full=$(grep -c "SRTP SSRC 00001400 of the far end refused, its packets dropped: the far end's key has carried 1024 SSRCs already" "$W/srtpfull.err")
if srtp_sent srtpfull 2 ssrcs 1 && why="the refusal logged $full times, expected once" && [ "$full" = 1 ]; then
	ok "SRTP SSRC past the key's 1024: refused twice (reason ssrcs), logged once, the $genuine others and digit 1 received"
else
	bad "SRTP SSRC past the key's 1024" "$why" "$W/srtpfull.out" "$W/srtpfull.err" "$W/srtpfull.send" "$W/srtpfull.sipperr" "$W/srtpfull.metrics"
fi

# plain RTP with RTCP on the RTP port (rtcp-mux, RFC 5761: payload types 64-95 are RTCP's):
# the RTCP packets are no RTP received (call record, /metrics), no late packet (their length
# field read as a sequence number), and digit 1 after them arrives
sed 's/RTP\/SAVP/RTP\/AVP/; /^ *a=crypto:/d' "$T/uac_srtp_call.xml" >"$W/rtcpmux.xml"
srtp_call rtcpmux "$W/rtcpmux.xml" -- - rtcp
read -r _ genuine _ _ _ rtcp <"$W/rtcpmux.send"
rtprx=$(awk '$1 == "ccxml_rtp_packets_received_total" {print $2}' "$W/rtcpmux.metrics")
late=$(awk '$1 == "ccxml_rtp_packets_late_total" {print $2}' "$W/rtcpmux.metrics")
if why="the scenario is not plain" && ! grep -q "^ *m=audio.*SAVP\|^ *a=crypto:" "$W/rtcpmux.xml" &&
	why="sipp exit status $src" && [ $src = 0 ] &&
	why=$(has "$W/rtcpmux.out" "CONNECTED" "DTMF 1" "DISCONNECTED trigger=local") &&
	why="sender: $(cat "$W/rtcpmux.send")" && [ "${genuine:-0}" -gt 0 ] && [ "${rtcp:-0}" -gt 0 ] &&
	why="${prx:-no} packets received (call record), expected the ${genuine} RTP" && [ "${prx:-x}" = "$genuine" ] &&
	why="${rtprx:-no} packets received (/metrics), expected the ${genuine} RTP" && [ "${rtprx:-x}" = "$genuine" ] &&
	why="${late:-no} late packets, expected none" && [ "${late:-x}" = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/rtcpmux.err"; then
	ok "RTCP on a plain call's RTP port (rtcp-mux): $rtcp RTCP packets neither RTP received nor late, the $genuine RTP packets and digit 1 received"
else
	bad "RTCP on a plain call's RTP port" "$why" "$W/rtcpmux.out" "$W/rtcpmux.err" "$W/rtcpmux.send" "$W/rtcpmux.sipperr" "$W/rtcpmux.metrics"
fi

# a peer answering our SAVP offer with plain RTP (sipp): ACK, BYE, connection.failed
PP=$(freeport)
MP=$(lp_freeport 4)
sed "s/@RTP@/$((MP + 10))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/srtpsink.xml"
timeout -k 2 60 sipp -sf "$W/srtpsink.xml" -i 127.0.0.1 -p "$PP" -mi 127.0.0.1 -mp "$MP" -m 1 \
	-timeout 50s -nostdin -trace_err -error_file "$W/srtpsink.sipperr" >/dev/null 2>&1 &
sa=$!
PIDS+=("$sa")
lp_wait_udp "$PP" 30
SP=$(freeport)
(cd "$W" && exec timeout -k 2 60 ./out --sip "127.0.0.1:$SP" --once --srtp offer \
	--sip-trace "$W/srtpsink.trace" --values "dest=sip:sink@127.0.0.1:$PP") \
	>"$W/srtpsink.out" 2>"$W/srtpsink.err"
rc=$?
waitpid_for "$sa" 10
src=$?
if why=$(has "$W/srtpsink.out" "FAILED reason=media") &&
	why=$(has "$W/srtpsink.err" "the answer takes none of our SRTP keys") &&
	why=$(has "$W/srtpsink.trace" "ACK sip:sink@" "BYE sip:sink@") &&
	why="sipp exit status $src" && [ $src = 0 ] &&
	why="exit status $rc" && [ $rc = 0 ] && why="sanitizer report" && ! sanitized "$W/srtpsink.err"; then
	ok "SRTP offered, answered with plain RTP: ACK, our BYE, connection.failed reason media"
else
	bad "SRTP offered, answered with plain RTP" "$why" "$W/srtpsink.out" "$W/srtpsink.err" "$W/srtpsink.trace"
fi
