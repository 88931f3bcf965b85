#!/usr/bin/env bash
# The README's main job: install what is missing, build ccxmlc, compile the seed tutorial's
# outbound application (examples/outbound/step5.ccxml) and run it for real on 127.0.0.1:
#   - a baresip that auto-answers plays the callee (the tutorial's gateway), for at most 120 s;
#   - the compiled program runs as a service with --sip, --gateway, --http and a token;
#   - curl fires the tutorial's token request GET /SessionControl/CCXML10.start?tokenid=…;
#   - the call is placed, answered, someFile.wav is played as RTP, dialog.exit ends the session;
#   - the HTTP answer and the call's log are shown, everything is stopped (SIGTERM, bounded).
# Exit status 0 only when the log shows the whole flow (answered, message played, dialog exit,
# exit). `scripts/main-job.sh --sim` runs the same program on the simulator instead (--sim --once).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

sim=0
case "${1:-}" in
"") ;;
--sim) sim=1 ;;
*)
	echo "usage: scripts/main-job.sh [--sim]" >&2
	exit 2
	;;
esac

scripts/install-deps.sh
# Other builds may run in the same tree (the lock file is the project's convention); a plain
# `ninja` when flock is missing.
if command -v flock >/dev/null 2>&1; then
	flock /tmp/ccxmlc-ninja.lock ninja build/ccxmlc
else
	ninja build/ccxmlc
fi

work=build/main-job
mkdir -p "$work"
# The tutorial plays someFile.wav (falling back to its text= part). Make a short one: with the
# flite voice when the flite program is installed, else a two-second tone with sox.
if command -v flite >/dev/null 2>&1; then
	flite -t "This is an automated call from the ccxml compiler." -o "$work/someFile.wav"
	sox "$work/someFile.wav" -r 8000 -c 1 -b 16 "$work/someFile.8k.wav" && mv "$work/someFile.8k.wav" "$work/someFile.wav"
else
	sox -n -r 8000 -c 1 -b 16 "$work/someFile.wav" synth 2 sine 440
fi

build/ccxmlc -o "$work/outbound" examples/outbound/step5.ccxml

if [ $sim = 1 ]; then
	echo "main-job: running examples/outbound/step5.ccxml under --sim --once" >&2
	cd "$work"
	set +e
	./outbound --sim --once
	status=$?
	echo "main-job: the application ended with status $status" >&2
	exit $status
fi

# shellcheck source=scripts/lib-peers.sh
. scripts/lib-peers.sh
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do
		lp_stop "$p" 3
	done
}
trap cleanup EXIT

log=$work/outbound.log
rm -f "$log" "$work/baresip/baresip.out"
if ! lp_baresip_start "$ROOT/$work/baresip" 120; then
	PIDS+=("$LP_BARESIP_PID")
	echo "main-job: baresip did not start:" >&2
	cat "$LP_BARESIP_OUT" >&2
	exit 1
fi
PIDS+=("$LP_BARESIP_PID")
echo "main-job: baresip auto-answers tel: numbers on 127.0.0.1:$LP_BARESIP_PORT (pid $LP_BARESIP_PID, 120 s at most)"

SP=$(lp_freeport)
HP=$(lp_freeport)
TOKEN=abc123
# One file for the log (stdout) and the diagnostics (stderr), in the order they were written.
(cd "$work" && exec timeout -k 2 120 ./outbound --sip "127.0.0.1:$SP" --gateway "127.0.0.1:$LP_BARESIP_PORT" \
	--http "127.0.0.1:$HP" --token "$TOKEN" --media-root .) >"$log" 2>&1 &
APP=$!
PIDS+=("$APP")
echo "main-job: ./outbound --sip 127.0.0.1:$SP --gateway 127.0.0.1:$LP_BARESIP_PORT --http 127.0.0.1:$HP --token $TOKEN (pid $APP)"
if ! lp_wait_for "$log" "http: listening" 30; then
	echo "main-job: the program did not start listening:" >&2
	cat "$log" >&2
	exit 1
fi

url="http://127.0.0.1:$HP/SessionControl/CCXML10.start?tokenid=$TOKEN"
echo "main-job: GET $url"
echo "----- HTTP answer"
curl -sS -i --max-time 5 "$url" | tr -d '\r' || true

# The session ends after dialog.exit (or a failure): wait for its "ended" line, 40 s at most.
lp_wait_for "$log" ": ended" 40 || echo "main-job: the session did not end within 40 s" >&2
lp_stop "$APP" 12
lp_stop "$LP_BARESIP_PID" 5
PIDS=()
rx=$(awk '/^packets:/ {print $3; exit}' "$LP_BARESIP_OUT")
# the WAV's length in RTP packets (20 ms each)
want=$(python3 -c 'import sys, wave; w = wave.open(sys.argv[1]); print(round(w.getnframes() / w.getframerate() * 50))' "$work/someFile.wav")

echo "----- the call's log ($log)"
cat "$log"
echo "----- the callee (baresip) received ${rx:-no} RTP packets; someFile.wav lasts $want packets of 20 ms"

missing=""
for p in "CALL WAS ANSWERED" "DIALOG EXIT REACHED" "EVENT\$.DIALOG.TYPE = audio/wav" ": ended (exit)"; do
	grep -qF -- "$p" "$log" || missing="$missing '$p'"
done
played=0
[ -n "$rx" ] && [ "$rx" -ge $((want - 10)) ] && [ "$rx" -le $((want + 10)) ] && played=1
if [ -z "$missing" ] && [ $played = 1 ]; then
	echo "main-job: OK: token start -> call answered -> message played ($rx RTP packets) -> dialog.exit -> exit"
	exit 0
fi
[ -n "$missing" ] && echo "main-job: FAILED: the log lacks$missing" >&2
[ $played = 1 ] || echo "main-job: FAILED: the callee received ${rx:-no} RTP packets, expected about $want" >&2
exit 1
