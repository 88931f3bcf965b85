#!/usr/bin/env bash
# tests/media/run.sh BUILD — prompts on a web server (docs/sip.md, Prompts over HTTP): a dialog
# whose src is an http:// URI plays once the file is fetched, kept by HTTP caching (max-age: no
# new request; no-cache: revalidated, 304; no-store: fetched each time), shared by dialogs that
# ask meanwhile, and a failed fetch is error.dialog.notstarted with the reason, or the text=
# fallback spoken. The simulator plays each for the WAV's real length, read from the fetched
# copy. BUILD is build or build/asan. Every process is bounded by `timeout`.
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin media
T=tests/media
mkdir -p "$W/tmp"
export TMPDIR=$W/tmp   # where the programs keep fetched prompts
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/app" $T/prompts.ccxml >"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi
# a 0.6 s prompt at 16 kHz (resampled on the way)
sox -n -r 16000 -c 1 -b 16 "$W/tone.wav" synth 0.6 sine 440 2>/dev/null || { echo "FAIL sox"; exit 1; }
timeout 120 python3 $T/web.py "$W/tone.wav" "$W/port" "$W/requests" 110 & PIDS+=($!)
waitfor "$W/port" . 5 || { echo "FAIL the web server did not start"; exit 1; }
U=http://127.0.0.1:$(cat "$W/port")
# prompts slower than curl's 15 s, within and past their 30 s bound: run meanwhile, checked at the end
for s in 16 32; do
	timeout 60 "$W/app" --sim --once --values "src=$U/slow$s.wav" --values n=1 >"$W/slow$s.out" 2>"$W/slow$s.err" &
	PIDS+=($!)
	eval "P$s=\$!"
done
run() { # NAME SRC N -> $W/NAME.out, .err; the exit status
	timeout 30 "$W/app" --sim --once --values "src=$2" --values "n=$3" >"$W/$1.out" 2>"$W/$1.err"
}
reqs() { grep -c "^$1 $2\$" "$W/requests"; }
lens() { sed -n 's/.*EXIT after \([0-9]*\) ms/\1/p' "$W/$1.out" | tr '\n' ' '; }
played() { # NAME N: N dialogs, each about as long as the prompt (0.6 s)
	local n=0 ms
	for ms in $(lens "$1"); do [ "$ms" -ge 550 ] && [ "$ms" -le 2000 ] && n=$((n + 1)); done
	[ "$n" = "$2" ]
}

run fresh "$U/fresh.wav" 3
check "max-age=60: played 3 times ($(lens fresh)ms), fetched once" bash -c \
	"$(declare -f played lens); W='$W'; played fresh 3 && [ \$(grep -c '^/fresh.wav 200\$' '$W/requests') = 1 ]"
run reval "$U/revalidate.wav" 3
check "no-cache: played 3 times, fetched once then revalidated twice (304)" bash -c \
	"$(declare -f played lens); W='$W'; played reval 3 && [ \$(grep -c '^/revalidate.wav 200\$' '$W/requests') = 1 ] &&
	 [ \$(grep -c '^/revalidate.wav 304\$' '$W/requests') = 2 ]"
run nostore "$U/nostore.wav" 2
check "no-store: played twice, fetched twice, nothing kept" bash -c \
	"$(declare -f played lens); W='$W'; played nostore 2 && [ \$(grep -c '^/nostore.wav 200\$' '$W/requests') = 2 ]"
run missing "$U/missing.wav" 1
check "404: error.dialog.notstarted with the reason, a warning on stderr" bash -c \
	"grep -q 'NOTSTARTED HTTP status 404' '$W/missing.out' && grep -q 'prompt http://127.0.0.1:[0-9]*/missing.wav: fetch failed: HTTP status 404' '$W/missing.err'"
run fallback "$U/missing.wav?text=Your%20call%20is%20important" 1
check "404 with text=: the text is spoken instead" bash -c "grep -q 'EXIT after' '$W/fallback.out' && ! grep -q NOTSTARTED '$W/fallback.out'"
run refused "http://127.0.0.1:1/none.wav" 1
check "no server: error.dialog.notstarted naming the connection failure" grep -q "NOTSTARTED .*[Cc]onnect" "$W/refused.out"
# two sessions of one program asking for a slow prompt at once share one request
timeout 30 "$W/app" --sim --http 127.0.0.1:0 --token t >"$W/slow.out" 2>"$W/slow.err" &
S=$!
PIDS+=($S)
waitfor "$W/slow.err" 'listening on' 10
HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/slow.err" | head -n 1)
curl -s -m 5 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/slow.wav" &
C=$!
curl -s -m 5 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/slow.wav"
wait $C   # the other request (not `wait %1`: job 1 is the web server, alive for 110 s)
for i in $(seq 1 60); do [ "$(grep -c 'ended (exit)' "$W/slow.err")" = 2 ] && break; sleep 0.1; done
kill -TERM $S
wait $S
st=$?
check "the program given SIGTERM ends with status 0 (not ended by its guard: $st)" [ "$st" = 0 ]
check "a slow prompt asked for by two sessions at once: one request, both play" bash -c \
	"[ \$(grep -c 'EXIT after' '$W/slow.out') = 2 ] && [ \$(grep -c '^/slow.wav 200\$' '$W/requests') = 1 ]"
wait "$P16" "$P32"
check "a prompt answered after 16 s (past curl's 15 s, within the prompt's 30 s): played ($(lens slow16)ms after its start)" bash -c \
	"grep -q 'EXIT after' '$W/slow16.out' && ! grep -q NOTSTARTED '$W/slow16.out'"
check "a prompt answered after 32 s: error.dialog.notstarted 'timed out after 30000 ms' at 30 s ($(sed -n 's/.*(after \([0-9]*\) ms)/\1/p' "$W/slow32.out") ms)" bash -c \
	"grep -E -q '^.*NOTSTARTED timed out after 30000 ms \(after 30[0-9]{3} ms\)' '$W/slow32.out' &&
	 grep -q 'prompt http://127.0.0.1:[0-9]*/slow32.wav: fetch failed: timed out after 30000 ms' '$W/slow32.err'"
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W'/*.err"
check "the prompt cache directory is removed when the program ends" bash -c "[ -z \"\$(ls -A '$W/tmp')\" ]" ||
	ls -lAR "$W/tmp" | sed 's/^/  | /'
lc_end media
