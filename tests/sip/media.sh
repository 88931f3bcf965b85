#!/usr/bin/env bash
# tests/sip/media.sh BUILD — the SIP provider's media plane against sipp on 127.0.0.1 (docs/sip.md
# "In-band DTMF"). BUILD is build or build/asan. sipp answers our call and streams a WAV made
# with sox as its RTP audio (rtp_stream):
#   1. in-band DTMF: the tones of 1 5 9 # from a peer without telephone-event are reported as
#      connection.signal (info.method inband), each once, in order;
#   2. the same tones from a peer that negotiated telephone-event are not reported (RFC 4733 is
#      preferred: a digit is never reported twice).
#   4. VoiceXML <record> (part vxrec): rec-call.vxml records the peer's tone until 1 s of quiet,
#      then until its in-band '#'; both WAVs and the shadow variables are checked.
#   4b. <record beep="true"> (part vxbeep): beep-call.vxml; the peer hears 250 ms of 1 kHz and
#      nothing else before the recording.
#   5. examples/campaign over SIP with AMD (part campaign): a human and a machine answer.
#   6. <merge> (part merge): tests/ccxml/s12-merge.ccxml with two talking peers (rtppeer.py) that
#      must hear each other after the merge; one hangs up, the other gets a BYE.
#   7. tests/ccxml/s12-join-rules.ccxml over SIP (part joinrules): the simulator's verdict.
#   8. <join> options (part joinopts): tests/ccxml/s12-join-options.ccxml; the enter and exit
#      tones are heard in the conference, DTMF (in-band: part joinopts, RFC 4733: part jointe)
#      reaches the other party only when not clamped; in part jointe B's enter tone is an http
#      WAV (1000 Hz, served by a local web server), fetched before the join is made.
#   9. autoinputgain/autooutputgain per join (parts gainin, gainconf, gainout): tests/sip/gain.ccxml
#      with three peers; A's quiet tone reaches B through a join whose gain is on, C through one
#      whose gain is off: B hears it raised, C as sent.
# ONLY=dtmf|rec|recx|amd|vxrec|vxbeep|campaign|merge|joinrules|joinopts|jointe|gainin|gainconf|gainout
# runs one part. KEEP=1 keeps the work directory. Exit status 0 when all passed.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-build}
[[ $B == /* ]] || B=$ROOT/$B
T=$ROOT/tests/sip W=$(mktemp -d /tmp/ccxml-media.XXXXXX) FAILS=0 N=0 SUITE=sipmedia
. "$ROOT/scripts/lib-peers.sh"
. "$T/lib.sh"
trap 'lp_stop_tracked 3; [ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
need sipp sox python3

compile "$T/media.ccxml" "$W/media" "$T/rec-call.vxml" "$T/beep-call.vxml"


# DTMF tones (low + high frequency, 120 ms each, 150 ms apart) as 8 kHz mu-law, after 300 ms of
# silence; sipp sends the file's bytes as PCMU payloads.
tone() { # tone LOW HIGH OUT
	sox -c 2 -r 8000 -n -c 1 -e u-law "$3" synth 0.12 sin "$1" sin "$2" remix 1,2 gain -n -8
}
sil() { # sil SECONDS OUT
	sox -r 8000 -n -c 1 -e u-law "$2" trim 0 "$1"
}
sil 0.3 "$W/s300.wav"
sil 0.15 "$W/s150.wav"
sil 1 "$W/s1000.wav"
tone 697 1209 "$W/d1.wav"
tone 770 1336 "$W/d5.wav"
tone 852 1477 "$W/d9.wav"
tone 941 1477 "$W/dh.wav"
sox "$W/s300.wav" "$W/d1.wav" "$W/s150.wav" "$W/d5.wav" "$W/s150.wav" "$W/d9.wav" "$W/s150.wav" \
	"$W/dh.wav" "$W/s1000.wav" "$W/dtmf.wav"

# uas NAME WAV TE PORT LIFE: a sipp UAS on PORT (its media on PORT+1, video PORT+3: a block of
# `lp_freeport 4`) that answers one call and streams WAV (TE: 1 to offer telephone-event in its
# answer), for at most LIFE seconds; its errors in $W/NAME.sipperr; sets UAS (its pid).
uas() {
	local name=$1 wav=$2
	# sipp sends the file's bytes as they are (a WAV header would be a loud first packet)
	sox "$wav" -t raw -e u-law -r 8000 -c 1 "$W/$name.ul"
	wav=$W/$name.ul
	if [ "$3" = 1 ]; then
		sed "s|@WAV@|$wav|; s|@TEPT@| 101|; s|^@TE@\$|      a=rtpmap:101 telephone-event/8000|" \
			"$T/uas_audio.xml" >"$W/$name.xml"
	else
		sed "s|@WAV@|$wav|; s|@TEPT@||; /^@TE@\$/d" "$T/uas_audio.xml" >"$W/$name.xml"
	fi
	timeout -k 2 "$5" sipp -sf "$W/$name.xml" -i 127.0.0.1 -p "$4" -mi 127.0.0.1 -mp $(($4 + 1)) -m 1 \
		-timeout $(($5 - 5))s -nostdin -trace_err -error_file "$W/$name.sipperr" >/dev/null 2>&1 &
	UAS=$!
	lp_track "$UAS"
}

# call NAME WAV TE -- PROGRAM-ARGS: ./media calls a sipp UAS that streams WAV (TE: 1 to offer
# telephone-event in its answer); logs in $W/NAME.*; sets prc and src (exit statuses).
call() {
	local name=$1 wav=$2 te=$3 UP sp x
	shift 4
	UP=$PP # the part's block (one call at a time): sipp's SIP and RTP
	uas "$name" "$wav" "$te" "$UP" "$LIFE"
	sp=$UAS
	lp_wait_udp "$UP" 30 # sipp listens before it is called
	local -a a=()
	for x in "$@"; do
		a+=("${x//@UP@/$UP}")
	done
	(cd "$W" && exec timeout -k 2 60 ./media --sip "127.0.0.1:$SP" --once "${a[@]}") \
		>"$W/$name.out" 2>"$W/$name.err"
	prc=$?
	[ -z "${TIMING:-}" ] || echo "$name: program done $(date +%s.%N)"
	waitpid_for "$sp" 10
	src=$?
	[ -z "${TIMING:-}" ] || echo "$name: sipp done $(date +%s.%N)"
}

part_dtmf() {
# 1. in-band digits from a peer without telephone-event
call inband "$W/dtmf.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=1800ms
got=$(grep -o 'DTMF . [a-z0-9]*' "$W/inband.out" | tr '\n' ' ')
if why="digits '$got', expected '1 5 9 #' in-band" &&
	[ "$got" = "DTMF 1 inband DTMF 5 inband DTMF 9 inband DTMF # inband " ] &&
	why=$(has "$W/inband.out" CONNECTED HANGUP "DISCONNECTED trigger=local") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/inband.err"; then
	ok "in-band DTMF: 1 5 9 # heard in the peer's PCMU audio, each reported once"
else
	bad "in-band DTMF" "$why" "$W/inband.out" "$W/inband.err" "$W/inband.sipperr"
fi

# 2. the same tones from a peer that negotiated telephone-event: RFC 4733 only
call te "$W/dtmf.wav" 1 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=1800ms
n=$(grep -c 'DTMF' "$W/te.out")
if why="$n digits reported, expected none" && [ "$n" = 0 ] &&
	why=$(has "$W/te.out" CONNECTED "DISCONNECTED trigger=local") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/te.err"; then
	ok "in-band DTMF: not reported when the peer negotiated telephone-event"
else
	bad "in-band DTMF with telephone-event" "$why" "$W/te.out" "$W/te.err" "$W/te.sipperr"
fi

}

# wavcheck WAV SAMPLES_MIN SAMPLES_MAX [HZ_TOLERANCE]: a 16-bit 8 kHz mono WAV of that many
# samples whose frequency (zero crossings) is 600 Hz +- HZ_TOLERANCE (30) and whose RMS is over
# 2000.
wavcheck() {
	python3 - "$@" <<'PY'
import math, struct, sys, wave
loudmode = sys.argv[1] == '--loud'
if loudmode:
    del sys.argv[1]
w = wave.open(sys.argv[1])
n = w.getnframes()
if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, 8000):
    sys.exit('format %r' % ((w.getnchannels(), w.getsampwidth(), w.getframerate()),))
if loudmode:
    s = struct.unpack('<%dh' % n, w.readframes(n))
    loud = sum(20 for i in range(0, n - 159, 160) if sum(abs(v) for v in s[i:i + 160]) / 160 > 1000)
    ms = n // 8
    if not (int(sys.argv[2]) <= ms <= int(sys.argv[3]) and int(sys.argv[4]) <= loud <= int(sys.argv[5])):
        sys.exit('%d ms, %d ms loud' % (ms, loud))
    print('%d ms, %d ms loud' % (ms, loud))
    sys.exit(0)
if not int(sys.argv[2]) <= n <= int(sys.argv[3]):
    sys.exit('%d samples' % n)
s = struct.unpack('<%dh' % n, w.readframes(n))
loud = [v for v in s if abs(v) > 500]
rms = math.sqrt(sum(v * v for v in s) / n)
# frequency over the loud part: crossings of zero per second / 2
a = s.index(loud[0]) if loud else 0
seg = s[a:]
z = sum(1 for i in range(1, len(seg)) if (seg[i - 1] < 0) != (seg[i] < 0))
f = z / 2 / (len(seg) / 8000) if seg else 0
if rms < 2000 or abs(f - 600) > (int(sys.argv[4]) if len(sys.argv) > 4 else 30):
    sys.exit('rms %.0f, frequency %.0f Hz' % (rms, f))
print('%d samples, rms %.0f, %.0f Hz' % (n, rms, f))
PY
}

# 3. recording (parts rec and recx): a 600 Hz tone from the peer, recorded with maxtime, until our
# hang-up, until <dialogterminate>, the names refused, a conference's mix
sox -r 8000 -n -c 1 -e u-law "$W/tone.wav" synth 3 sin 600 gain -n -6
mkdir "$W/rec"
echo keep >"$W/rec/exists.wav"

part_rec() {
call recmax "$W/tone.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=1800ms \
	--record-dir "$W/rec" --values "rec=record:max.wav?maxtime=1500ms"
if why=$(has "$W/recmax.out" "DIALOG STARTED" "RECORDED file=max.wav duration=1500 reason=maxtime" \
		"DISCONNECTED trigger=local") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why=$(wavcheck "$W/rec/max.wav" 12000 12000 2>&1) && wc=$why &&
	why="sanitizer report" && ! sanitized "$W/recmax.err"; then
	ok "recording: maxtime 1500ms: dialog.exit values file/duration/reason, the WAV holds the tone ($wc)"
else
	bad "recording with maxtime" "$why" "$W/recmax.out" "$W/recmax.err" "$W/recmax.sipperr"
fi

call rechup "$W/tone.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=1s \
	--record-dir "$W/rec" --values "rec=record:hup.wav"
d=$(sed -n 's/.*RECORDED file=hup.wav duration=\([0-9.]*\) reason=hangup.*/\1/p' "$W/rechup.out")
if why="duration '$d' ms, expected 500..1100" && [ -n "$d" ] && [ "${d%.*}" -ge 500 ] &&
	[ "${d%.*}" -le 1100 ] &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why=$(wavcheck "$W/rec/hup.wav" 4000 8800 2>&1) &&
	why="sanitizer report" && ! sanitized "$W/rechup.err"; then
	ok "recording: ended by the hang-up after $d ms, the WAV holds the tone"
else
	bad "recording ended by the hang-up" "$why" "$W/rechup.out" "$W/rechup.err" "$W/rechup.sipperr"
fi

}

part_recx() {
call recbad "$W/tone.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=500ms \
	--record-dir "$W/rec" --values "rec=record:../escape.wav"
if why=$(has "$W/recbad.out" "NOTSTARTED recording name is not NAME.wav" \
		"DISCONNECTED trigger=local") &&
	why="a file outside --record-dir" && [ ! -e "$W/escape.wav" ] &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/recbad.err"; then
	ok "recording: record:../escape.wav refused (error.dialog.notstarted), nothing written"
else
	bad "recording outside --record-dir" "$why" "$W/recbad.out" "$W/recbad.err"
fi

call recexist "$W/tone.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=500ms \
	--record-dir "$W/rec" --values "rec=record:exists.wav"
if why=$(has "$W/recexist.out" "NOTSTARTED recording file exists") &&
	why="exists.wav changed" && [ "$(cat "$W/rec/exists.wav")" = "keep" ] &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ]; then
	ok "recording: an existing file is not overwritten (error.dialog.notstarted)"
else
	bad "recording onto an existing file" "$why" "$W/recexist.out" "$W/recexist.err"
fi

call recterm "$W/tone.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=1500ms \
	--record-dir "$W/rec" --values "rec=record:term.wav" --values stoprec=700ms
d=$(sed -n 's/.*RECORDED file=term.wav duration=\([0-9.]*\) reason=terminated$/\1/p' "$W/recterm.out")
if why="no dialog.exit reason terminated with 300..900 ms ('$d')" && [ -n "$d" ] &&
	[ "${d%.*}" -ge 300 ] && [ "${d%.*}" -le 900 ] &&
	why=$(has "$W/recterm.out" "DISCONNECTED trigger=local") && [ "$(grep -c RECORDED "$W/recterm.out")" = 1 ] &&
	why=$(wavcheck "$W/rec/term.wav" 2400 7200 2>&1) &&
	why="sanitizer report" && ! sanitized "$W/recterm.err"; then
	ok "recording: <dialogterminate> after 0.7 s: one dialog.exit, reason terminated, $d ms"
else
	bad "recording ended by dialogterminate" "$why" "$W/recterm.out" "$W/recterm.err"
fi

call recconf "$W/tone.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=1800ms \
	--record-dir "$W/rec" --values "confrec=record:conf.wav?maxtime=1s"
if why=$(has "$W/recconf.out" JOINED "RECORDED file=conf.wav duration=1000 reason=maxtime") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why=$(wavcheck "$W/rec/conf.wav" 8000 8000 100 2>&1) && wc=$why &&
	why="sanitizer report" && ! sanitized "$W/recconf.err"; then
	ok "recording of a conference's mix (the peer joined): 1 s of its tone ($wc)"
else
	bad "recording of a conference" "$why" "$W/recconf.out" "$W/recconf.err"
fi
}

# The greetings of the AMD parts: a human-like one (0.8 s "hello" tone burst, silence), a
# machine-like one (4 s of speech-like noise, syllables at 5 Hz, then a 1 kHz beep), the same
# without the beep, and silence only.
amd_wavs() {
sox -r 8000 -n -c 1 -e u-law "$W/hello.wav" synth 0.8 sin 300 sin 700 remix 1,2 tremolo 6 40 gain -n -6 2>/dev/null ||
	sox -c 2 -r 8000 -n -c 1 -e u-law "$W/hello.wav" synth 0.8 sin 300 sin 700 remix 1,2 tremolo 6 40 gain -n -6
sox -r 8000 -n -c 1 -e u-law "$W/speech.wav" synth 4 pinknoise tremolo 5 80 gain -n -8
sox -r 8000 -n -c 1 -e u-law "$W/beep.wav" synth 0.5 sin 1000 gain -n -8
sil 3 "$W/s3000.wav"
sox "$W/s300.wav" "$W/hello.wav" "$W/s3000.wav" "$W/human.wav"
sox "$W/s300.wav" "$W/speech.wav" "$W/beep.wav" "$W/s3000.wav" "$W/machine.wav"
sox "$W/s300.wav" "$W/speech.wav" "$W/s3000.wav" "$W/machine2.wav"
}

part_amd() {
# 4. answering-machine detection (hints.amd, defaults: maxsilence 1000, maxtime 3000 ms) on the
# greetings of amd_wavs (silence only with runtime 1500 ms)

# amdcase NAME WAV AMD EXPECTED-RESULT SPEECH-MIN SPEECH-MAX HOLD
amdcase() {
	call "$1" "$W/$2" 0 -- --values "dest=sip:callee@127.0.0.1:@UP@" --values "hold=$7" \
		--values "amd=$3"
	local sp
	sp=$(sed -n "s/.*CONNECTED amd=$4 speech=\([0-9]*\)\$/\1/p" "$W/$1.out")
	if why="connection.connected amd=$4 with speech $5..$6 ms not logged" && [ -n "$sp" ] &&
		[ "$sp" -ge "$5" ] && [ "$sp" -le "$6" ] &&
		why=$(has "$W/$1.out" "DISCONNECTED trigger=local") &&
		why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
		why="sanitizer report" && ! sanitized "$W/$1.err"; then
		AMD_OK="connection.connected amd=$4 after $sp ms of speech"
		return 0
	fi
	bad "answering-machine detection: $1" "$why" "$W/$1.out" "$W/$1.err" "$W/$1.sipperr"
	return 1
}
amdcase amdhuman human.wav 1 human 700 900 300ms &&
	ok "answering-machine detection, 0.8 s hello: $AMD_OK"
if amdcase amdmachine machine.wav 1 machine 2900 3100 1500ms; then
	g=$(sed -n 's/.*BEEP cause=beep greeting=\([0-9]*\)$/\1/p' "$W/amdmachine.out")
	if [ -n "$g" ] && [ "$g" -ge 4000 ] && [ "$g" -le 4400 ]; then
		ok "answering-machine detection, 4 s greeting + beep: $AMD_OK, beep after $g ms"
	else
		bad "answering-machine detection: the beep" "no BEEP cause=beep greeting=4000..4400" "$W/amdmachine.out"
	fi
fi
if amdcase amdnobeep machine2.wav 1 machine 2900 3100 2500ms; then
	g=$(sed -n 's/.*BEEP cause=silence greeting=\([0-9]*\)$/\1/p' "$W/amdnobeep.out")
	if [ -n "$g" ] && [ "$g" -ge 4800 ] && [ "$g" -le 5200 ]; then
		ok "answering-machine detection, 4 s greeting, no beep: $AMD_OK, its end (silence) after $g ms"
	else
		bad "answering-machine detection: the greeting's end" "no BEEP cause=silence greeting=4800..5200" "$W/amdnobeep.out"
	fi
fi
amdcase amdsilent s3000.wav 1500 unknown 0 0 300ms &&
	ok "answering-machine detection, silence (runtime 1500 ms): $AMD_OK"
}

# 4. <record> of a VoiceXML dialog: the peer sends a 600 Hz tone for 1.5 s, 2 s of silence, the
# tone for 1 s, 0.3 s of silence, an in-band '#' and 1.5 s of silence.
sox "$W/tone.wav" "$W/tone15.wav" trim 0 1.5
sox "$W/tone.wav" "$W/tone10.wav" trim 0 1
sil 2 "$W/s2000.wav"
sil 1.5 "$W/s1500.wav"
sox "$W/tone15.wav" "$W/s2000.wav" "$W/tone10.wav" "$W/s300.wav" "$W/dh.wav" "$W/s1500.wav" "$W/vxrec.wav"

# wavcheck --loud WAV MS_MIN MS_MAX LOUD_MIN LOUD_MAX: a WAV (as above) lasting MS_MIN..MS_MAX ms
# whose loud 20 ms frames (mean |sample| over 1000) add up to LOUD_MIN..LOUD_MAX ms.
vxwav() {
	wavcheck --loud "$@"
}

# 4b. <record beep="true"> over SIP (beep-call.vxml): the peer (rtppeer.py behind a sipp UAS,
# silent itself) hears the platform's beep, 250 ms of 1 kHz, then the 1 s recording runs.
part_vxbeep() {
local pr n=vxbeep MP
MP=$(lp_freeport 2)
sed "s/@RTP@/$((PP + 2))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/$n.xml"
timeout -k 2 "$((LIFE + 10))" python3 "$T/rtppeer.py" $((PP + 2)) 0 "$W/$n.json" "$LIFE" &
pr=$!
lp_track "$pr"
timeout -k 2 "$((LIFE + 10))" sipp -sf "$W/$n.xml" -i 127.0.0.1 -p "$PP" -mi 127.0.0.1 -mp "$MP" -m 1 \
	-timeout "${LIFE}s" -nostdin -trace_err -error_file "$W/$n.sipperr" >/dev/null 2>&1 &
local sa=$!
lp_track "$sa"
lp_wait_udp "$PP" 30
for ((prc = 0; prc < 600; prc++)); do
	[ -e "$W/$n.json.ready" ] && break
	sleep 0.1
done
(cd "$W" && exec timeout -k 2 60 ./media --sip "127.0.0.1:$SP" --once --record-dir "$W/rec" \
	--values "dest=sip:beep@127.0.0.1:$PP" --values hold=4s --values vx=beep-call.vxml) \
	>"$W/$n.out" 2>"$W/$n.err"
prc=$?
waitpid_for "$sa" 10
src=$?
kill "$pr" 2>/dev/null
wait "$pr"
local verdict
verdict=$(python3 - "$W/$n.json" <<'PY' 2>&1
import json, sys
a = json.load(open(sys.argv[1]))
t, q = a['times'], a['seqs']
beep = [i for i, (x, p) in enumerate(t) if abs(p - 1000) <= 50]
assert 10 <= len(beep) <= 15, 'heard %d packets of 1 kHz, expected 10..15 (250 ms): %s' % (len(beep), a)
# 250 ms is 12.5 packets: the last one is half beep (its pitch reads about 500 Hz), the packet
# sent right after the last 1 kHz one. The RTP sequence numbers say which packet it is: the
# times this peer heard them at do not (under load it was heard 30, then 60 ms later)
tail = (q[beep[-1]] + 1) & 0xffff
other = [(x, p) for i, (x, p) in enumerate(t) if abs(p - 1000) > 50 and q[i] != tail]
assert not other, 'heard other loud packets: %s' % other
span = (q[beep[-1]] - q[beep[0]]) & 0xffff
assert span <= 17, 'the 1 kHz packets span %d packet times, not one beep of 250 ms' % span
print('%d packets of 1 kHz over %d packet times, nothing else loud' % (len(beep), span + 1))
PY
)
if why="$verdict" && [[ $verdict == *"packets of 1 kHz"* ]] &&
	why=$(has "$W/$n.out" "CONNECTED" "DIALOG STARTED" 'VALUES {"d":') &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/$n.err"; then
	ok "VoiceXML <record beep=\"true\"> over SIP: the peer heard the beep ($verdict)"
else
	bad "VoiceXML <record beep> over SIP" "$why" "$W/$n.out" "$W/$n.err" "$W/$n.sipperr"
fi
}

part_vxrec() {
call vxrec "$W/vxrec.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=7s \
	--record-dir "$W/rec" --values vx=rec-call.vxml
local vals a b ad bd
vals=$(sed -n 's/.*VALUES //p' "$W/vxrec.out")
a=$(printf '%s' "$vals" | python3 -c 'import json,sys; print(json.load(sys.stdin)["a"])' 2>/dev/null)
b=$(printf '%s' "$vals" | python3 -c 'import json,sys; print(json.load(sys.stdin)["b"])' 2>/dev/null)
ad=$(printf '%s' "$vals" | python3 -c 'import json,sys; v=json.load(sys.stdin); print(v["ad"] if v["at"] is None and v["bt"] == "#" and v["as"] == 44 + 16 * v["ad"] else "bad")' 2>/dev/null)
bd=$(printf '%s' "$vals" | python3 -c 'import json,sys; print(json.load(sys.stdin)["bd"])' 2>/dev/null)
if why="values $vals" && [ -n "$a" ] && [ -n "$b" ] && [ -n "$ad" ] && [ "$ad" != bad ] &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="a: $(vxwav "$W/rec/$a" 1800 2800 1300 1560 2>&1)" && wa=$why &&
	why="b: $(vxwav "$W/rec/$b" 1800 2900 900 1300 2>&1)" && wb=$why &&
	[ "$(( $(stat -c %s "$W/rec/$a") ))" = "$((44 + 16 * ad))" ] &&
	why="sanitizer report" && ! sanitized "$W/vxrec.err"; then
	ok "VoiceXML <record> over SIP: finalsilence ($wa), in-band '#' dtmfterm ($wb, termchar #)"
else
	bad "VoiceXML <record> over SIP" "$why" "$W/vxrec.out" "$W/vxrec.err" "$W/vxrec.sipperr"
fi
}

part_campaign() {
# 5. examples/campaign over SIP with AMD: two numbers, sipp answering one with a human-like
# greeting and one with a machine's greeting and beep; the human hears the message at once, the
# machine after its beep (the records count the RTP packets sent); every call ends, one record
# each, the summary is POSTed.
compile "$ROOT/examples/campaign/campaign.ccxml" "$W/campaign"
local hp mp hpid mpid crc rs
hp=$(lp_freeport 4) mp=$(lp_freeport 4) # SIP P, media P+1 (sipp's video P+3)
timeout "$((LIFE + 10))" python3 "$ROOT/examples/campaign/report_sink.py" "$W/cport" "$W/creport" "$LIFE" &
rs=$!
lp_track "$rs"
uas camp-human "$W/human.wav" 0 "$hp" "$LIFE"
hpid=$UAS
uas camp-machine "$W/machine.wav" 0 "$mp" "$LIFE"
mpid=$UAS
lp_wait_for "$W/cport" . 30
lp_wait_udp "$hp" 30 && lp_wait_udp "$mp" 30
(cd "$W" && exec timeout -k 2 60 ./campaign --sip "127.0.0.1:$SP" --once --max-cps 4 \
	--values "list=sip:human@127.0.0.1:$hp,sip:machine@127.0.0.1:$mp" \
	--values "report=http://127.0.0.1:$(cat "$W/cport")/campaign" \
	--values 'message=message.wav?text=Hello, this is the campaign example. Goodbye.' \
	--cdr-file "$W/camp.cdr") >"$W/camp.out" 2>"$W/camp.err"
crc=$?
waitpid_for "$hpid" 10; local hrc=$?
waitpid_for "$mpid" 10; local mrc=$?
lp_stop "$rs" 3 # the summary came before the program ended (the parts run in subshells: no trap stops it)
local order
# the machine's message starts after its beep: its ANSWERED line comes before BEEP
order=$(grep -o -E "ANSWERED sip:(human|machine)@[^ ]* (human|machine)|BEEP sip:machine@[^ ]*" "$W/camp.out" |
	sed 's/@[^ ]*//' | tr '\n' ',')
if why="exit status $crc, sipp human $hrc, machine $mrc" && [ $crc = 0 ] && [ $hrc = 0 ] && [ $mrc = 0 ] &&
	why="order of ANSWERED/BEEP: $order" &&
	[[ $order == *"ANSWERED sip:human human"* ]] && [[ $order == *"ANSWERED sip:machine machine,BEEP sip:machine"* ]] &&
	why=$(has "$W/camp.out" "SUMMARY total=2 answered=2 failed=0") &&
	why="report: $(head -c 300 "$W/creport" 2>/dev/null)" && grep -q 'answered=2' "$W/creport" &&
	why="records: $(cat "$W/camp.cdr" 2>/dev/null | head -c 400)" &&
	python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; assert len(r)==2 and all(x["answer"] and x["duration_s"]>1 and x["rtp"]["packets_sent"]>=100 for x in r), r' "$W/camp.cdr" 2>/dev/null &&
	why="sanitizer report" && ! sanitized "$W/camp.err"; then
	ok "examples/campaign over SIP with AMD: the human got the message at once, the machine after its beep (>= 100 RTP packets each); 2 records, summary POSTed"
else
	bad "examples/campaign over SIP with AMD" "$why" "$W/camp.out" "$W/camp.err" "$W/camp-human.sipperr" "$W/camp-machine.sipperr"
fi
}

# uaspair NAME: sipp UASes $W/NAME-a.xml on $PP and $W/NAME-b.xml on $PP+1 (media ports from
# the block MP), one call each, errors in $W/NAME-[ab].sipperr; sets sa and sb (their pids).
uaspair() {
	timeout -k 2 "$((LIFE + 10))" sipp -sf "$W/$1-a.xml" -i 127.0.0.1 -p "$PP" -mi 127.0.0.1 -mp "$MP" \
		-m 1 -timeout "${LIFE}s" -nostdin -trace_err -error_file "$W/$1-a.sipperr" >/dev/null 2>&1 &
	sa=$!
	lp_track "$sa"
	timeout -k 2 "$((LIFE + 10))" sipp -sf "$W/$1-b.xml" -i 127.0.0.1 -p $((PP + 1)) -mi 127.0.0.1 \
		-mp $((MP + 1)) -m 1 -timeout "${LIFE}s" -nostdin -trace_err -error_file "$W/$1-b.sipperr" >/dev/null 2>&1 &
	sb=$!
	lp_track "$sb"
}

# pairrun PROG ARGS...: $W/PROG --once calls the pair of uaspair (session.values a and b);
# output in $W/PROG.out/.err; sets rc (its exit status), arc and brc (the sipps')
pairrun() {
	local prog=$1
	shift
	(cd "$W" && exec timeout -k 2 60 "./$prog" --sip "127.0.0.1:$SP" --once "$@" \
		--values "a=sip:a@127.0.0.1:$PP" --values "b=sip:b@127.0.0.1:$((PP + 1))") \
		>"$W/$prog.out" 2>"$W/$prog.err"
	rc=$?
	waitpid_for "$sa" 10
	arc=$?
	waitpid_for "$sb" 10
	brc=$?
}

part_merge() {
# 6. <merge> over SIP (tests/ccxml/s12-merge.ccxml, the simulator's document): legs A and B are
# sipp UASes whose audio is a talking rtppeer.py each (A says 400 Hz, B 1000 Hz). After the merge
# each must hear the other's tone (not its own, not silence, at its level: no automatic gain)
# through the process; B hangs up 3 s after answering, then A must get a BYE; the --once program
# ends with that bridge, not with its session; both call records say how the pair ended.
local MP pa pb sa sb rc arc brc
compile "$ROOT/tests/ccxml/s12-merge.ccxml" "$W/merge"
MP=$(lp_freeport 4)
sed "s/@RTP@/$((PP + 2))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/merge-a.xml"
sed "s/@RTP@/$((PP + 3))/; s/@HOLD@/3000/" "$T/uas_sink_bye.xml" >"$W/merge-b.xml"
timeout -k 2 "$((LIFE + 10))" python3 "$T/rtppeer.py" $((PP + 2)) 400 "$W/merge-a.json" "$LIFE" &
pa=$!
lp_track "$pa"
timeout -k 2 "$((LIFE + 10))" python3 "$T/rtppeer.py" $((PP + 3)) 1000 "$W/merge-b.json" "$LIFE" &
pb=$!
lp_track "$pb"
uaspair merge
for ((rc = 0; rc < 600; rc++)); do # the peers start slowly on a loaded machine
	[ -e "$W/merge-a.json.ready" ] && [ -e "$W/merge-b.json.ready" ] && break
	sleep 0.1
done
lp_wait_udp "$PP" 30 && lp_wait_udp $((PP + 1)) 30
pairrun merge --log-level info --cdr-file "$W/merge.cdr"
kill "$pa" "$pb" 2>/dev/null
wait "$pa" "$pb"
local verdict
verdict=$(python3 - "$W/merge-a.json" "$W/merge-b.json" "$W/merge.cdr" <<'PY' 2>&1
import json, statistics, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
def near(h, hz):
    return sum(v for k, v in h['heard'].items() if abs(int(k) - hz) <= 50)
ha, hb = near(a, 1000), near(b, 400)
assert ha >= 80 and hb >= 80, 'A heard B %d times, B heard A %d times (>= 80 each): %s %s' % (ha, hb, a, b)
assert near(a, 400) <= 3 and near(b, 1000) <= 3, 'a peer heard itself: %s %s' % (a, b)
# no automatic gain on a merged pair: each hears the other at its level (peak 8000, mean 5093;
# a gain would bring it to 2500)
la, lb = (statistics.median([l for t, l in x['levels'] if l >= 1000] or [0]) for x in (a, b))
assert la >= 4300 and lb >= 4300, 'A heard B at level %d, B heard A at %d (>= 4300: no gain)' % (la, lb)
r = {x['connection']: x for x in map(json.loads, open(sys.argv[3]))}
assert len(r) == 2, 'records: %s' % r
ends = sorted((x['reason'], x['trigger'], x['state']) for x in r.values())
assert ends == [('hangup', 'remote', 'DISCONNECTED'), ('merged call ended', 'local', 'DISCONNECTED')], ends
assert all(x['session'] and x['duration_s'] >= 2.5 and x['rtp']['packets_sent'] >= 100 for x in r.values()), r
print('A heard B %d times at level %d, B heard A %d times at level %d; records %s' % (ha, la, hb, lb, ends))
PY
)
if why=$(has "$W/merge.out" "MERGED c" "both calls merged and out of the session: PASS") &&
	why="a FAIL line: $(grep FAIL "$W/merge.out" | head -1)" && ! grep -q FAIL "$W/merge.out" &&
	why=$(has "$W/merge.err" "ended: hangup" "ended: merged call ended") &&
	why="exit status $rc, sipp A $arc, sipp B $brc" && [ $rc = 0 ] && [ $arc = 0 ] && [ $brc = 0 ] &&
	why="$verdict" && [[ $verdict == "A heard B"* ]] &&
	why="sanitizer report" && ! sanitized "$W/merge.err"; then
	ok "<merge> over SIP: the two far ends hear each other through the process after the session let them go; B's BYE ends A's call ($verdict)"
else
	bad "<merge> over SIP" "$why" "$W/merge.out" "$W/merge.err" "$W/merge-a.sipperr" "$W/merge-b.sipperr"
fi
}

part_joinrules() {
# 7. tests/ccxml/s12-join-rules.ccxml (the simulator's document) over SIP: the same errors and
# events for joins, against two sipp UASes (their audio goes to ports nobody reads)
local MP sa sb rc arc brc
compile "$ROOT/tests/ccxml/s12-join-rules.ccxml" "$W/joinrules"
MP=$(lp_freeport 4)
sed "s/@RTP@/$((PP + 2))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/jr-a.xml"
sed "s/@RTP@/$((PP + 3))/; s/@PT@/8/g; s/@NAME@/PCMA/" "$T/uas_sink.xml" >"$W/jr-b.xml"
uaspair jr
lp_wait_udp "$PP" 30 && lp_wait_udp $((PP + 1)) 30
pairrun joinrules
if why=$(has "$W/joinrules.out" "joins as the SIP mixer does them: PASS") &&
	why="a FAIL line: $(grep FAIL "$W/joinrules.out" | head -1)" && ! grep -q FAIL "$W/joinrules.out" &&
	why="exit status $rc, sipp A $arc, sipp B $brc" && [ $rc = 0 ] && [ $arc = 0 ] && [ $brc = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/joinrules.err"; then
	ok "joins over SIP report what the simulator reports for tests/ccxml/s12-join-rules.ccxml"
else
	bad "s12-join-rules over SIP" "$why" "$W/joinrules.out" "$W/joinrules.err" "$W/jr-a.sipperr" "$W/jr-b.sipperr"
fi
}

# 8. tests/ccxml/s12-join-options.ccxml (the simulator's document) over SIP: A is a silent
# rtppeer.py, B one that sends the DTMF '#' (941 + 1477 Hz) 150 ms every 500 ms: in-band (part
# joinopts; no telephone-event) or as RFC 4733 events (part jointe). A is in the conference when
# B joins with the defaults: A must hear the platform's enter tone (600 then 900 Hz) and none of
# B's DTMF (dtmfclamp: in-band tones muted, events not relayed); 2 s later B leaves (A hears the
# exit tone, 900 then 600 Hz) and joins again with dtmfclamp="false": A must then hear B's '#'
# (in-band: relayed as it is; RFC 4733: regenerated as its tones).
part_joinopts() { joinopts dtmf in-band; }
part_jointe() { joinopts te "RFC 4733"; }
joinopts() { # joinopts MODE WHAT (MODE: rtppeer.py's HZ for B)
local MP pa pb pw rc arc brc verdict n=jo-$1 enter=900 tone=() WP
compile "$ROOT/tests/ccxml/s12-join-options.ccxml" "$W/$n"
MP=$(lp_freeport 4)
if [ "$1" = te ]; then # B's enter tone: an http WAV of 1000 Hz (300 ms), not the platform's
	mkdir -p "$W/$n-web"
	sox -n -r 8000 -c 1 -b 16 "$W/$n-web/enter.wav" synth 0.3 sin 1000 gain -n -8
	WP=$(lp_freeport)
	timeout -k 2 "$LIFE" python3 -m http.server -b 127.0.0.1 -d "$W/$n-web" "$WP" >"$W/$n-web.log" 2>&1 &
	pw=$!
	lp_track "$pw"
	lp_wait_udp "$WP" 30 -t
	tone=(--values "tone=http://127.0.0.1:$WP/enter.wav")
	enter=1000
fi
sed "s/@RTP@/$((PP + 2))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/$n-a.xml"
sed "s/@RTP@/$((PP + 3))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/$n-b.xml"
timeout -k 2 "$((LIFE + 10))" python3 "$T/rtppeer.py" $((PP + 2)) 0 "$W/$n-a.json" "$LIFE" &
pa=$!
lp_track "$pa"
timeout -k 2 "$((LIFE + 10))" python3 "$T/rtppeer.py" $((PP + 3)) "$1" "$W/$n-b.json" "$LIFE" &
pb=$!
lp_track "$pb"
uaspair "$n"
for ((rc = 0; rc < 600; rc++)); do
	[ -e "$W/$n-a.json.ready" ] && [ -e "$W/$n-b.json.ready" ] && break
	sleep 0.1
done
lp_wait_udp "$PP" 30 && lp_wait_udp $((PP + 1)) 30
pairrun "$n" --log-level info "${tone[@]+"${tone[@]}"}"
kill "$pa" "$pb" ${pw:+"$pw"} 2>/dev/null
wait "$pa" "$pb"
verdict=$(python3 - "$W/$n-a.json" "$enter" <<'PY' 2>&1
import json, sys
a = json.load(open(sys.argv[1]))
t = a['times']
enter = int(sys.argv[2])  # 900: the platform's enter tone (600 then 900 Hz); 1000: the web WAV
def near(p, hz):
    return abs(p - hz) <= 50
up = [x for x, p in t if near(p, enter)]
assert up, 'A heard no %d Hz enter tone: %s' % (enter, a)
t_in = up[0]
# the exit tone's 900 Hz half may be mixed with B's first '#' once B joined again: its 600 Hz
# half (150 ms later) marks it
later = [x for x, p in t if near(p, 600) and x > t_in + 1.2]
assert later, 'A heard no exit tone after the enter tone at %.2f s: %s' % (t_in, t)
t_out = later[0] - 0.15
beep = sum(1 for x, p in t if near(p, 600) or near(p, 900) or near(p, enter))
def dtmf(lo, hi):
    # a packet of '#' measures 1200..1400 Hz by its zero crossings (the two tones beat)
    return sum(1 for x, p in t if lo < x < hi and 1150 <= p <= 1450)
clamped, unclamped = dtmf(t_in + 0.3, t_out - 0.2), dtmf(t_out + 0.4, 1e9)
assert beep >= 20, 'A heard %d packets of the tones (>= 20: two beeps of 150 ms each, twice)' % beep
assert clamped <= 3 and unclamped >= 12, "B's DTMF heard by A: %d packets while clamped (<= 3), %d while not (>= 12): %s" % (clamped, unclamped, t)
kind = 'web (1000 Hz)' if enter == 1000 else "platform's"
print("A heard the %s enter tone at %.2f s and the exit tone at %.2f s (%d packets of tones); B's '#' reached A in %d packets while clamped, %d while not" % (kind, t_in, t_out, beep, clamped, unclamped))
PY
)
if why=$(has "$W/$n.out" "join options as the SIP mixer takes them: PASS") &&
	why="a FAIL line: $(grep FAIL "$W/$n.out" | head -1)" && ! grep -q FAIL "$W/$n.out" &&
	why="exit status $rc, sipp A $arc, sipp B $brc" && [ $rc = 0 ] && [ $arc = 0 ] && [ $brc = 0 ] &&
	why="$verdict" && [[ $verdict == "A heard the "* ]] &&
	why="the web tone was not fetched" && { [ "$1" != te ] || grep -q 'GET /enter.wav HTTP/1.1" 200' "$W/$n-web.log"; } &&
	why="sanitizer report" && ! sanitized "$W/$n.err"; then
	ok "<join> options over SIP, $2 DTMF: $verdict"
else
	bad "<join> options over SIP, $2 DTMF" "$why" "$W/$n.out" "$W/$n.err" "$W/$n-a.sipperr" "$W/$n-b.sipperr"
fi
}

# 9. gains per join (tests/sip/gain.ccxml; docs/sip.md "Join options"): legs A, B and C are sipp
# UASes whose audio is an rtppeer.py each: A talks a quiet 400 Hz tone (peak 1200, mean level
# about 764: over the gain's floor of 200, under its target of 2500), B and C are silent. A's
# audio reaches B and C through joins that differ only in their gains (part gainin: A's input
# gain on B's join of two calls; gainconf: on A's join into a conference B listens to; gainout:
# the output gain on B's join to that conference, while B's later join to another conference has
# it off and C's has it on): B must hear A raised to the target, C as A sent it. Each part fails
# with gains per call (a call taking the gains of its latest join). Levels are medians over the
# packets heard after the first 0.6 s, not timings.
part_gainin() { gains in "autoinputgain per join of two calls"; }
part_gainconf() { gains conf "autoinputgain per join, into a conference"; }
part_gainout() { gains out "autooutputgain per join, from a conference"; }
gains() { # gains MODE WHAT
local n=gain-$1 MP RP i l rc verdict legs=(a b c) hz=(400 0 0) peers=() uas=() urc=()
compile "$T/gain.ccxml" "$W/$n"
MP=$(lp_freeport 8) # sipp's media ports: audio at MP+i (0, 1, 4), video 2 above
RP=$(lp_freeport 4) # the rtppeers
for i in 0 1 2; do
	l=${legs[i]}
	sed "s/@RTP@/$((RP + i))/; s/@PT@/0/g; s/@NAME@/PCMU/" "$T/uas_sink.xml" >"$W/$n-$l.xml"
	timeout -k 2 "$((LIFE + 10))" python3 "$T/rtppeer.py" $((RP + i)) "${hz[i]}" "$W/$n-$l.json" "$LIFE" 1200 &
	peers+=($!)
	lp_track $!
done
# the peers start slowly on a loaded machine (33 s seen with the sanitizer build's parts running
# beside them): every peer's limit is the net LIFE (tests/sip/lib.sh), and they are stopped once
# the program is done
for ((rc = 0; rc < 600; rc++)); do
	[ -e "$W/$n-a.json.ready" ] && [ -e "$W/$n-b.json.ready" ] && [ -e "$W/$n-c.json.ready" ] && break
	sleep 0.1
done
for i in 0 1 2; do
	l=${legs[i]}
	timeout -k 2 "$((LIFE + 10))" sipp -sf "$W/$n-$l.xml" -i 127.0.0.1 -p $((PP + i)) -mi 127.0.0.1 \
		-mp $((MP + i + (i == 2 ? 2 : 0))) -m 1 -timeout "${LIFE}s" -nostdin -trace_err \
		-error_file "$W/$n-$l.sipperr" >/dev/null 2>&1 &
	uas+=($!)
	lp_track $!
done
lp_wait_udp "$PP" 30 && lp_wait_udp $((PP + 1)) 30 && lp_wait_udp $((PP + 2)) 30
(cd "$W" && exec timeout -k 2 60 "./$n" --sip "127.0.0.1:$SP" --once --values "mode=$1" \
	--values "a=sip:a@127.0.0.1:$PP" --values "b=sip:b@127.0.0.1:$((PP + 1))" \
	--values "c=sip:c@127.0.0.1:$((PP + 2))") >"$W/$n.out" 2>"$W/$n.err"
rc=$?
for i in 0 1 2; do
	waitpid_for "${uas[i]}" 10
	urc+=($?)
done
kill "${peers[@]}" 2>/dev/null
wait "${peers[@]}"
verdict=$(python3 - "$W/$n-b.json" "$W/$n-c.json" <<'PY' 2>&1
import json, math, statistics, sys
b, c = (json.load(open(p)) for p in sys.argv[1:3])
sent = 1200 * 2 / math.pi  # the mean level of A's sine
def level(who, x):
    v = [l for t, l in x['levels'] if t >= 0.6 and l >= 100]
    assert len(v) >= 40, '%s heard %d packets of A after 0.6 s (>= 40): %s' % (who, len(v), x['levels'])
    return statistics.median(v), len(v)
(lb, nb), (lc, nc) = level('B', b), level('C', c)
assert 2000 <= lb <= 3100 and 0.75 * sent <= lc <= 1.3 * sent, \
    'B heard A at level %d (2000..3100: raised toward 2500), C at %d (%d..%d: as sent)' % (
        lb, lc, 0.75 * sent, 1.3 * sent)
print('A sent level %d; B heard it at %d (%d packets), C at %d (%d packets)' % (sent, lb, nb, lc, nc))
PY
)
if why=$(has "$W/$n.out" "gains per join ($1): PASS") &&
	why="a FAIL line: $(grep FAIL "$W/$n.out" | head -1)" && ! grep -q FAIL "$W/$n.out" &&
	why="exit status $rc, sipp A B C ${urc[*]}" && [ $rc = 0 ] && [ "${urc[*]}" = "0 0 0" ] &&
	why="$verdict" && [[ $verdict == "A sent level"* ]] &&
	why="sanitizer report" && ! sanitized "$W/$n.err"; then
	ok "<join> $2 over SIP: $verdict"
else
	bad "<join> $2 over SIP" "$why" "$W/$n.out" "$W/$n.err" "$W/$n-a.sipperr" "$W/$n-b.sipperr" "$W/$n-c.sipperr"
fi
}

# the greetings, once: parts that run at the same time must not rewrite files another plays
amd_wavs

# The parts run at the same time (each call waits for audio, and a port search takes seconds on
# a loaded machine), each with its own ports; their lines are printed part by part.
pids=()
for part in dtmf rec recx amd vxrec vxbeep campaign merge joinrules joinopts jointe gainin gainconf gainout; do
	[ -z "${ONLY:-}" ] || [ "$ONLY" = "$part" ] || continue
	(SP=$(lp_freeport) && PP=$(lp_freeport 4) && "part_$part") >"$W/part-$part.log" 2>&1 &
	pids+=($!)
done
for p in "${pids[@]+"${pids[@]}"}"; do
	wait "$p"
done
for part in dtmf rec recx amd vxrec vxbeep campaign merge joinrules joinopts jointe gainin gainconf gainout; do
	[ -f "$W/part-$part.log" ] && cat "$W/part-$part.log"
done
N=$(cat "$W"/part-*.log 2>/dev/null | grep -c -E '^(ok|FAIL) ')
FAILS=$(cat "$W"/part-*.log 2>/dev/null | grep -c -E '^FAIL ')
echo "sipmedia: $((N - FAILS)) of $N passed"
[ "$FAILS" = 0 ] && [ "$N" -gt 0 ]
