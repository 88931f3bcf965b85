#!/usr/bin/env bash
# tests/sip/run.sh BUILD — the SIP provider against real peers (docs/sip.md), all on 127.0.0.1
# with ports chosen at run time. BUILD is build or build/asan. Every peer runs under `timeout`
# and is stopped by its process id at the end; the whole run takes about half a minute.
#
#   1. the seed's step-5 program (examples/outbound/step5.ccxml), started by a token request when
#      the program has --http (else with --once), calls a baresip that answers; the test checks
#      the log and that baresip received about as many RTP packets as the WAV lasts (3 s: 150);
#   2. the callee hangs up in the middle of a spoken message (TTS fallback) after sending a DTMF
#      digit (RFC 4733): connection.signal, then connection.disconnected with trigger remote;
#   3. sipp as a UAS answering 486, 404 (sip:N!HOST@GW form) and 503 (over TCP), and never
#      answering (createcall timeout: CANCEL): each connection.failed reason is checked;
#   4. <dialogterminate> and error.dialog.notstarted against sipp's built-in UAS;
#   5. sipp as a UAC calling in: accept, reject, redirect;
#   5b. <redirect> of a connected call (REFER) to sipp UASes: NOTIFY sipfrag 200 (our BYE
#      follows), sipfrag 486, and a declined REFER (603).
# Exit status 0 when all passed.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
B=${1:-build}
[[ $B == /* ]] || B=$ROOT/$B
T=$ROOT/tests/sip
W=$(mktemp -d /tmp/ccxml-sip.XXXXXX)
PIDS=()
FAILS=0
N=0

cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$W"
}
trap cleanup EXIT

for tool in sipp baresip python3; do
	if ! command -v $tool >/dev/null; then
		echo "sip: $tool is not installed (see docs/sip.md)"
		exit 1
	fi
done

# A port P with P and P+1 free on UDP and TCP (baresip also binds P+1 for TLS), away from the
# ephemeral range and the program's RTP ports: scripts/lib-peers.sh explains the choice.
. "$(dirname "$0")/../../scripts/lib-peers.sh"
freeport() { lp_freeport; }

ok() {
	N=$((N + 1))
	echo "ok   $1"
}

# bad NAME WHY FILE... : one failure, with the tails of the files named
bad() {
	local f
	N=$((N + 1))
	FAILS=$((FAILS + 1))
	echo "FAIL $1: $2"
	shift 2
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "  --- $(basename "$f")"
		tail -n 25 "$f" | sed 's/^/  | /'
	done
}

# has FILE PATTERN... : every fixed string appears in FILE; else prints the first one missing
has() {
	local f=$1 p
	shift
	for p in "$@"; do
		if ! grep -qF -- "$p" "$f"; then
			echo "missing '$p'"
			return 1
		fi
	done
	return 0
}

sanitized() {
	grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)Sanitizer' "$@"
}

compile() { # compile SRC OUT
	ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0 \
		timeout 120 "$B/ccxmlc" -o "$2" "$1" >"$W/compile.log" 2>&1 || {
		echo "sip: cannot compile $1:"
		cat "$W/compile.log"
		exit 1
	}
}

# Waits (at most $2 seconds) until process $1 has ended.
waitpid_for() {
	local pid=$1 i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
}

# Test media: a 3 s 440 Hz tone as 22.05 kHz stereo 16-bit WAV (the player resamples it).
python3 - "$W/someFile.wav" <<'EOF'
import math, struct, sys, wave
w = wave.open(sys.argv[1], 'wb')
w.setnchannels(2); w.setsampwidth(2); w.setframerate(22050)
w.writeframes(b''.join(struct.pack('<hh', v, v) for v in
    (int(8000 * math.sin(2 * math.pi * 440 * i / 22050)) for i in range(22050 * 3))))
w.close()
EOF

compile "$ROOT/examples/outbound/step5.ccxml" "$W/step5"
compile "$T/out.ccxml" "$W/out"
compile "$T/in.ccxml" "$W/in"
compile "$T/refer.ccxml" "$W/refer"

# Section - baresip (tests 1 and 2)

# The callee of scripts/lib-peers.sh, plus a control socket (ctrl.py sends DTMF and hangs up)
# and a small jitter buffer.
CP=$(freeport)
BARESIP_EXTRA="audio_buffer		20-160
jitter_buffer_delay	5-10
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$CP"
lp_baresip_start "$W/baresip" 50 "$BARESIP_EXTRA" || true
BP=$LP_BARESIP_PORT
BARESIP=$LP_BARESIP_PID
BOUT=$LP_BARESIP_OUT
PIDS+=("$BARESIP")

# 1. step 5 of the seed: tel:4072223333 through the gateway (baresip), a 3 s WAV.
SP=$(freeport)
step5_args=(--sip "127.0.0.1:$SP" --gateway "127.0.0.1:$BP" --media-root "$W")
if "$W/step5" --help 2>&1 | grep -q -- '--token' && ! "$W/step5" --help 2>&1 | grep -q 'token.*not available'; then
	HP=$(freeport)
	(cd "$W" && exec timeout -k 2 30 ./step5 "${step5_args[@]}" --http "127.0.0.1:$HP" --token abc123) \
		>"$W/step5.out" 2>"$W/step5.err" &
	P=$!
	PIDS+=("$P")
	for ((i = 0; i < 50; i++)); do
		curl -s -o "$W/token.out" "http://127.0.0.1:$HP/SessionControl/CCXML10.start?tokenid=abc123" && break
		sleep 0.1
	done
	how="token request ($(head -c 40 "$W/token.out" | tr "\n" " "))"
	for ((i = 0; i < 150; i++)); do
		grep -q "DIALOG.OUTPUTS\|CONNECTION FAILED\|an error has occurred" "$W/step5.out" && break
		sleep 0.1
	done
	sleep 0.3
	kill "$P" 2>/dev/null
	waitpid_for "$P" 5
else
	how="--once (no --http in this build)"
	(cd "$W" && exec timeout -k 2 30 ./step5 "${step5_args[@]}" --once) >"$W/step5.out" 2>"$W/step5.err"
fi
for ((i = 0; i < 30; i++)); do
	grep -q "packets:" "$BOUT" && break
	sleep 0.1
done
rx=$(awk '/^packets:/ {print $3; exit}' "$BOUT")
if why=$(has "$W/step5.out" "CALL WAS ANSWERED" "PROTOCOL.NAME = sip" "PROTOCOL.VERSION = 2.0" \
		"ORIGINATOR = local" "REMOTE = tel:4072223333" "DIALOG EXIT REACHED" "DIALOG.TYPE = audio/wav") &&
	why="baresip received ${rx:-no} RTP packets, expected 140..160" && [ -n "$rx" ] &&
	[ "$rx" -ge 140 ] && [ "$rx" -le 160 ] && why="sanitizer report" && ! sanitized "$W/step5.err"; then
	ok "step5 via $how: answered, 3 s WAV played, baresip got $rx RTP packets"
else
	bad "step5 via $how" "$why" "$W/step5.out" "$W/step5.err" "$BOUT"
fi

# 2. TTS fallback (no such file), DTMF 5 from the callee, who hangs up after 2.5 s.
python3 "$T/ctrl.py" "$CP" 5 2500 >"$W/ctrl.out" 2>&1 &
CTRL=$!
PIDS+=("$CTRL")
sleep 0.3
SP=$(freeport)
(cd "$W" && exec timeout -k 2 30 ./out --sip "127.0.0.1:$SP" --once --media-root "$W" \
	--values "dest=sip:4072223333@127.0.0.1:$BP" \
	--values "src=nofile.wav?text=This+message+is+long+enough+to+be+cut+short+by+the+callee+who+hangs+up+after+two+seconds+and+a+half+while+it+still+plays.") \
	>"$W/hangup.out" 2>"$W/hangup.err"
rc=$?
waitpid_for "$CTRL" 10
if why=$(has "$W/hangup.out" "CONNECTED proto=sip/2.0 originator=local" "DIALOG STARTED" "DTMF 5 dtmf" \
		"DISCONNECTED trigger=remote reason=hangup") && why=$(has "$W/hangup.err" "speaking its text=") &&
	why="exit status $rc" && [ $rc = 0 ] && why="sanitizer report" && ! sanitized "$W/hangup.err"; then
	ok "callee hangs up mid-message (TTS): DTMF reported, connection.disconnected trigger remote"
else
	bad "callee hangs up mid-message" "$why" "$W/hangup.out" "$W/hangup.err" "$W/ctrl.out"
fi
kill "$BARESIP" 2>/dev/null
waitpid_for "$BARESIP" 5

# Section - sipp UAS (tests 3 and 4)

# uas NAME SCENARIO-ARGS -- PROGRAM-ARGS: sipp answers one call of ./out; logs in $W/NAME.*
uas() {
	local name=$1 UP SP
	shift
	local -a sargs=() pargs=()
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		sargs+=("$1")
		shift
	done
	shift
	pargs=("$@")
	UP=$(freeport)
	SP=$(freeport)
	timeout -k 2 20 sipp "${sargs[@]}" -i 127.0.0.1 -p "$UP" -m 1 -timeout 15s -nostdin \
		-trace_msg -message_file "$W/$name.msg" -trace_err -error_file "$W/$name.sipperr" \
		>/dev/null 2>&1 &
	local sp=$!
	PIDS+=("$sp")
	sleep 0.3
	local -a a=()
	local x
	for x in "${pargs[@]}"; do
		a+=("${x//@UP@/$UP}")
	done
	(cd "$W" && exec timeout -k 2 20 ./out --sip "127.0.0.1:$SP" --once --media-root "$W" "${a[@]}") \
		>"$W/$name.out" 2>"$W/$name.err"
	prc=$?
	waitpid_for "$sp" 10
	wait "$sp"
	src=$?
}

codes=("486|Busy Here|busy|sip:bob@127.0.0.1:@UP@|udp"
	"404|Not Found|badnumber|sip:4075551212!10.9.8.7@127.0.0.1:@UP@|udp"
	"503|Service Unavailable|unreachable|sip:carol@127.0.0.1:@UP@|tcp")
for c in "${codes[@]}"; do
	IFS='|' read -r code phrase reason dest tp <<<"$c"
	sed "s/@CODE@/$code/; s/@PHRASE@/$phrase/" "$T/uas_code.xml" >"$W/uas_$code.xml"
	targs=()
	sippt=()
	if [ "$tp" = tcp ]; then
		targs=(--transport tcp)
		sippt=(-t t1)
	fi
	uas "uas$code" -sf "$W/uas_$code.xml" "${sippt[@]+"${sippt[@]}"}" -- --values "dest=$dest" \
		--values aai=order-42 --values callerid=4075551212 "${targs[@]+"${targs[@]}"}"
	extra=()
	[ "$code" = 486 ] && extra=("X-CCXML-AAI: order-42" "From: <sip:4075551212@127.0.0.1:")
	[ "$code" = 404 ] && extra=("INVITE sip:4075551212@10.9.8.7 SIP/2.0" "Route: <sip:127.0.0.1:")
	[ "$tp" = tcp ] && extra=("SIP/2.0/TCP")
	if why=$(has "$W/uas$code.out" "PROGRESSING sipcode=180" "FAILED reason=$reason code=$code $phrase") &&
		why=$(has "$W/uas$code.msg" "${extra[@]+"${extra[@]}"}") &&
		why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/uas$code.err"; then
		ok "sipp UAS answers $code ($tp): connection.failed reason $reason"
	else
		bad "sipp UAS answers $code ($tp)" "$why" "$W/uas$code.out" "$W/uas$code.err" "$W/uas$code.sipperr"
	fi
done

uas noanswer -sf "$T/uas_noanswer.xml" -- --values "dest=sip:dave@127.0.0.1:@UP@" --values timeout=1500ms
if why=$(has "$W/noanswer.out" "PROGRESSING sipcode=180" "FAILED reason=timeout code=none") &&
	why=$(has "$W/noanswer.msg" "CANCEL sip:dave@127.0.0.1") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/noanswer.err"; then
	ok "sipp UAS never answers: CANCEL sent, connection.failed reason timeout"
else
	bad "sipp UAS never answers" "$why" "$W/noanswer.out" "$W/noanswer.err" "$W/noanswer.sipperr"
fi

uas terminate -sn uas -- --values "dest=sip:eve@127.0.0.1:@UP@" --values src=someFile.wav --values stopafter=1s
if why=$(has "$W/terminate.out" "DIALOG STARTED" "TERMINATE" "DIALOG EXIT" "DISCONNECTED trigger=local") &&
	why=$(has "$W/terminate.msg" "BYE sip:") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/terminate.err"; then
	ok "dialogterminate stops the audio; disconnect sends BYE"
else
	bad "dialogterminate" "$why" "$W/terminate.out" "$W/terminate.err" "$W/terminate.sipperr"
fi

uas notstarted -sn uas -- --values "dest=sip:eve@127.0.0.1:@UP@" --values src=missing.wav
if why=$(has "$W/notstarted.out" "DIALOG NOTSTARTED media not found") &&
	why=$(has "$W/notstarted.msg" "BYE sip:") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/notstarted.err"; then
	ok "no file and no text=: error.dialog.notstarted; the session's end hangs up"
else
	bad "error.dialog.notstarted" "$why" "$W/notstarted.out" "$W/notstarted.err" "$W/notstarted.sipperr"
fi

# Section - sipp UAC calling in (test 5)

IP=$(freeport)
(cd "$W" && exec timeout -k 2 30 ./in --sip "127.0.0.1:$IP") >"$W/in.out" 2>"$W/in.err" &
INP=$!
PIDS+=("$INP")
for ((i = 0; i < 50; i++)); do
	grep -q "SIP on" "$W/in.err" && break
	sleep 0.1
done
for s in accept reject redirect; do
	UP=$(freeport)
	timeout -k 2 15 sipp -sf "$T/uac_$s.xml" -s "$s" "127.0.0.1:$IP" -i 127.0.0.1 -p "$UP" -m 1 \
		-timeout 10s -nostdin -trace_err -error_file "$W/uac_$s.sipperr" >/dev/null 2>&1
	eval "rc_$s=$?"
done
sleep 0.3
kill "$INP" 2>/dev/null
waitpid_for "$INP" 12
want_accept=("ALERTING local=sip:accept@127.0.0.1:$IP originator=remote proto=sip/2.0"
	"AAI hello-from-sipp header=hello-from-sipp" "CONNECTED CONNECTED" "DISCONNECTED trigger=remote reason=hangup")
want_reject=("ALERTING local=sip:reject@" "FAILED reason=busy code=486")
want_redirect=("ALERTING local=sip:redirect@" "REDIRECTED reason=moved")
for s in accept reject redirect; do
	eval "want=(\"\${want_$s[@]}\")"
	eval "src=\$rc_$s"
	if why=$(has "$W/in.out" "${want[@]}") && why="sipp exit status $src" && [ "$src" = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/in.err"; then
		ok "sipp UAC calls in: $s"
	else
		bad "sipp UAC calls in: $s" "$why" "$W/in.out" "$W/in.err" "$W/uac_$s.sipperr"
	fi
done

# Section - <redirect> of a connected call: blind transfer with REFER (test 5b)

# NAME|SCENARIO|sipfrag CODE|PHRASE|lines the program logs
refers=("refer200|uas_refer|200|OK|REDIRECTED reason=transfer state=DISCONNECTED code=200"
	"refer486|uas_refer|486|Busy Here|REDIRECT FAILED reason=busy state=CONNECTED code=486"
	"refer603|uas_refer_reject|||REDIRECT FAILED reason=busy state=CONNECTED code=603")
for r in "${refers[@]}"; do
	IFS='|' read -r name scen code phrase want <<<"$r"
	sed "s/@CODE@/$code/; s/@PHRASE@/$phrase/" "$T/$scen.xml" >"$W/$name.xml"
	UP=$(freeport)
	SP=$(freeport)
	timeout -k 2 20 sipp -sf "$W/$name.xml" -i 127.0.0.1 -p "$UP" -m 1 -timeout 15s -nostdin \
		-trace_msg -message_file "$W/$name.msg" -trace_err -error_file "$W/$name.sipperr" \
		>/dev/null 2>&1 &
	sp=$!
	PIDS+=("$sp")
	sleep 0.3
	(cd "$W" && exec timeout -k 2 20 ./refer --sip "127.0.0.1:$SP" --once \
		--values "dest=sip:bob@127.0.0.1:$UP" --values "to=sip:carol@127.0.0.1:$UP") \
		>"$W/$name.out" 2>"$W/$name.err"
	prc=$?
	waitpid_for "$sp" 10
	wait "$sp"
	src=$?
	if why=$(has "$W/$name.out" "CONNECTED CONNECTED" "$want") &&
		why=$(has "$W/$name.msg" "Refer-To: <sip:carol@127.0.0.1:$UP>" "BYE sip:transferee@") &&
		why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/$name.err"; then
		ok "redirect of a connected call, REFER answered ${code:-603 (declined)}: ${want%% state=*}"
	else
		bad "redirect of a connected call ($name)" "$why" "$W/$name.out" "$W/$name.err" "$W/$name.sipperr"
	fi
done

# Section - joins and conferences (test 6)
#
# Leg A is a baresip sending a 440 Hz tone; legs B and C are sipp UASes whose SDP points the
# audio at rtpsink.py (B in PCMA, C in PCMU: the relay transcodes from A's PCMU).

compile "$T/join.ccxml" "$W/join"
lp_baresip_start "$W/baresip" 35 "$BARESIP_EXTRA" || true
BP=$LP_BARESIP_PORT
BARESIP=$LP_BARESIP_PID
BOUT=$LP_BARESIP_OUT
PIDS+=("$BARESIP")

# sink NAME PT LAW: a sipp UAS on $UP_NAME answering with its audio at an rtpsink
sink() {
	local up rp
	up=$(freeport)
	rp=$(freeport)
	sed "s/@RTP@/$rp/; s/@PT@/$2/g; s/@NAME@/$3/" "$T/uas_sink.xml" >"$W/sink_$1.xml"
	timeout -k 2 20 python3 "$T/rtpsink.py" "$rp" "$W/$1.json" 15 &
	PIDS+=("$!")
	SINKS+=("$!")
	timeout -k 2 20 sipp -sf "$W/sink_$1.xml" -i 127.0.0.1 -p "$up" -m 1 -timeout 15s -nostdin \
		-trace_err -error_file "$W/$1.sipperr" >/dev/null 2>&1 &
	PIDS+=("$!")
	SINKS+=("$!")
	eval "UP_$1=$up"
}

# json FILE KEY
json() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2" 2>/dev/null; }

endsinks() {
	local p
	sleep 0.3
	for p in "${SINKS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${SINKS[@]}"; do
		waitpid_for "$p" 5
	done
}

SINKS=()
sink jb 8 PCMA
sleep 0.3
SP=$(freeport)
(cd "$W" && exec timeout -k 2 20 ./join --sip "127.0.0.1:$SP" --once --media-root "$W" --values mode=join \
	--values "a=sip:4072223333@127.0.0.1:$BP" --values "b=sip:sink@127.0.0.1:$UP_jb") \
	>"$W/join.out" 2>"$W/join.err"
rc=$?
endsinks
n=$(json "$W/jb.json" packets)
loud=$(json "$W/jb.json" loud)
pts=$(json "$W/jb.json" pts)
if why=$(has "$W/join.out" "JOINED c" "UNJOINED c" "END") && why="exit status $rc" && [ $rc = 0 ] &&
	why="leg B got ${n:-no} packets (${loud:-0} loud, pts $pts), expected 80..125 loud PCMA" &&
	[ -n "$n" ] && [ "$n" -ge 80 ] && [ "$n" -le 125 ] && [ "$loud" -ge 60 ] && [ "$pts" = "[8]" ] &&
	why="sanitizer report" && ! sanitized "$W/join.err"; then
	ok "join: A's tone relayed to B (PCMU -> PCMA) for 2 s, unjoin stops it: B got $n packets, $loud loud"
else
	bad "join" "$why" "$W/join.out" "$W/join.err" "$BOUT"
fi

SINKS=()
sink cb 8 PCMA
sink cc 0 PCMU
sleep 0.3
SP=$(freeport)
(cd "$W" && exec timeout -k 2 20 ./join --sip "127.0.0.1:$SP" --once --media-root "$W" --values mode=conf \
	--values "a=sip:4072223333@127.0.0.1:$BP" --values "b=sip:sink@127.0.0.1:$UP_cb" \
	--values "c=sip:sink@127.0.0.1:$UP_cc" --values src=someFile.wav) \
	>"$W/conf.out" 2>"$W/conf.err"
rc=$?
endsinks
nb=$(json "$W/cb.json" packets)
nc=$(json "$W/cc.json" packets)
lb=$(json "$W/cb.json" loud)
lc=$(json "$W/cc.json" loud)
if why=$(has "$W/conf.out" "JOINED c" "PROMPT STARTED" "END") && why="exit status $rc" && [ $rc = 0 ] &&
	why="legs B/C got ${nb:-no}/${nc:-no} packets (${lb:-0}/${lc:-0} loud), expected >= 100 loud each" &&
	[ -n "$nb" ] && [ -n "$nc" ] && [ "$nb" -ge 100 ] && [ "$nc" -ge 100 ] && [ "$lb" -ge 100 ] &&
	[ "$lc" -ge 100 ] && why="sanitizer report" && ! sanitized "$W/conf.err"; then
	ok "conference: 3 legs and a prompt mixed: B got $nb packets, C $nc"
else
	bad "conference" "$why" "$W/conf.out" "$W/conf.err" "$BOUT"
fi
kill "$BARESIP" 2>/dev/null
waitpid_for "$BARESIP" 5

# 6. deep recursion in one session next to a call in another (its own file)
. "$T/deep-recursion.sh"

echo "sip: $((N - FAILS))/$N passed"
[ $FAILS = 0 ]
