#!/usr/bin/env bash
# tests/sip/media.sh BUILD — the SIP provider's media plane against sipp on 127.0.0.1 (docs/sip.md
# "In-band DTMF"). BUILD is build or build/asan. sipp answers our call and streams a WAV made
# with sox as its RTP audio (rtp_stream):
#   1. in-band DTMF: the tones of 1 5 9 # from a peer without telephone-event are reported as
#      connection.signal (info.method inband), each once, in order;
#   2. the same tones from a peer that negotiated telephone-event are not reported (RFC 4733 is
#      preferred: a digit is never reported twice).
# Exit status 0 when all passed; about 15 seconds.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=${1:-build}
[[ $B == /* ]] || B=$ROOT/$B
T=$ROOT/tests/sip W=$(mktemp -d /tmp/ccxml-media.XXXXXX) FAILS=0 N=0 SUITE=sipmedia
. "$ROOT/scripts/lib-peers.sh"
. "$T/lib.sh"
trap 'lp_stop_tracked 3; rm -rf "$W"' EXIT
need sipp sox python3

compile "$T/media.ccxml" "$W/media"

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

# call NAME WAV TE -- PROGRAM-ARGS: ./media calls a sipp UAS that streams WAV (TE: 1 to offer
# telephone-event in its answer); logs in $W/NAME.*; sets prc and src (exit statuses).
call() {
	local name=$1 wav=$2 te=$3 UP SP MP sp x
	shift 4
	UP=$(lp_freeport)
	SP=$(lp_freeport)
	MP=$(lp_freeport)
	if [ "$te" = 1 ]; then
		sed "s|@WAV@|$wav|; s|@TEPT@| 101|; s|^@TE@\$|      a=rtpmap:101 telephone-event/8000|" \
			"$T/uas_audio.xml" >"$W/$name.xml"
	else
		sed "s|@WAV@|$wav|; s|@TEPT@||; /^@TE@\$/d" "$T/uas_audio.xml" >"$W/$name.xml"
	fi
	timeout -k 2 20 sipp -sf "$W/$name.xml" -i 127.0.0.1 -p "$UP" -mi 127.0.0.1 -mp "$MP" -m 1 \
		-timeout 15s -nostdin -trace_err -error_file "$W/$name.sipperr" >/dev/null 2>&1 &
	sp=$!
	lp_track "$sp"
	sleep 0.3
	local -a a=()
	for x in "$@"; do
		a+=("${x//@UP@/$UP}")
	done
	(cd "$W" && exec timeout -k 2 20 ./media --sip "127.0.0.1:$SP" --once "${a[@]}") \
		>"$W/$name.out" 2>"$W/$name.err"
	prc=$?
	for ((x = 0; x < 50; x++)); do
		kill -0 "$sp" 2>/dev/null || break
		sleep 0.1
	done
	wait "$sp"
	src=$?
}

# 1. in-band digits from a peer without telephone-event
call inband "$W/dtmf.wav" 0 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=2500ms
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
call te "$W/dtmf.wav" 1 -- --values "dest=sip:tones@127.0.0.1:@UP@" --values hold=2500ms
n=$(grep -c 'DTMF' "$W/te.out")
if why="$n digits reported, expected none" && [ "$n" = 0 ] &&
	why=$(has "$W/te.out" CONNECTED "DISCONNECTED trigger=local") &&
	why="exit status $prc, sipp $src" && [ $prc = 0 ] && [ $src = 0 ] &&
	why="sanitizer report" && ! sanitized "$W/te.err"; then
	ok "in-band DTMF: not reported when the peer negotiated telephone-event"
else
	bad "in-band DTMF with telephone-event" "$why" "$W/te.out" "$W/te.err" "$W/te.sipperr"
fi

echo "sipmedia: $((N - FAILS)) of $N passed"
[ "$FAILS" = 0 ]
