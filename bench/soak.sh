#!/usr/bin/env bash
# bench/soak.sh — a long run of calls with audio against one compiled program, to see whether it
# stays healthy: memory, descriptors and sessions over time, and no call or packet lost.
#
#   bench/soak.sh [--minutes N] [--rate R] [--wav S] [--prog PATH] [--dir DIR]
#
#   --minutes N  minutes of calls (default 10)
#   --rate R     new calls per second (default 50)
#   --wav S      seconds of audio the program plays in each call (default 3)
#   --prog PATH  an already compiled bench/sip/answer.ccxml (default: compile it with $CCXMLC,
#                default build/ccxmlc); lets a long run use a copy that later rebuilds don't touch
#   --dir DIR    where the logs go (default a new /tmp/ccxml-soak.XXXXXX, kept at the end)
#
# The program is bench/sip/answer.ccxml: it accepts each inbound call, plays S seconds of a tone
# (8 kHz PCMU, 20 ms packets) and hangs up with BYE. sipp (bench/sip/uac.xml) places R calls per
# second for N minutes; each call's SDP points the audio at bench/sip/rtpsink.c, which counts
# the packets of every stream. Every 10 s a line is printed (and written to DIR/samples.tsv):
# the program's RSS, its open descriptors, its running and started sessions and malloc's bytes in
# use (/health), and
# sipp's successful and failed calls so far. Once the calls are over and every session has ended
# (at most 40 s later) the totals are printed: calls attempted / completed / failed, RTP packets
# expected / received, and memory after warm-up (the first fifth of the run, at most 5 minutes)
# against the end; DIR/soak.md holds the same as a section for docs/performance.md.
# Exit status 0 when no call failed, at most 0.1 % of the RTP packets were lost, no session was
# left, the program did not crash and (runs of 10 minutes or more) its memory stayed flat after
# warm-up; 1 otherwise.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
T=$ROOT/bench/sip
MINUTES=10 RATE=50 WAV=3 PROG_BIN="" W=""
while [ $# -gt 0 ]; do
	case $1 in
	--*) [ "$1" = --build-only ] || [ "$1" = --help ] || [ $# -ge 2 ] ||
		{ echo "soak: $1 needs a value (see --help)" >&2; exit 2; } ;;&
	--minutes) MINUTES=$2; shift 2 ;;
	--rate) RATE=$2; shift 2 ;;
	--wav) WAV=$2; shift 2 ;;
	--prog) PROG_BIN=$2; shift 2 ;;
	--dir) W=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "soak: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
for v in MINUTES RATE WAV; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "soak: --${v,,} wants a whole number above 0, not '${!v}'" >&2; exit 2; }
done
for tool in sipp curl python3; do
	command -v $tool >/dev/null || { echo "soak: $tool is not installed (scripts/install-deps.sh)" >&2; exit 1; }
done
# shellcheck source=scripts/lib-peers.sh
. scripts/lib-peers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
# Under autogroup scheduling (Linux: each session is a group, and the groups share the CPU
# equally) `nice` only orders processes within their group: give this run's group the nice
# value the script was started with (`nice -n -10 bench/soak.sh …`; below 0 needs root).
if [ "$(nice)" != 0 ] && [ -w /proc/self/autogroup ]; then
	echo "$(nice)" >/proc/self/autogroup 2>/dev/null || echo "soak: could not set the autogroup's nice value" >&2
fi
if [ -z "$W" ]; then
	W=$(mktemp -d /tmp/ccxml-soak.XXXXXX)
else
	mkdir -p "$W" || exit 1
fi
trap 'lp_stop_tracked 5' EXIT
trap 'exit 130' INT TERM

if [ -z "$PROG_BIN" ]; then
	"${CCXMLC:-build/ccxmlc}" -o "$W/answer" "$T/answer.ccxml" || exit 1
	PROG_BIN=$W/answer
fi
[ -x "$PROG_BIN" ] || { echo "soak: '$PROG_BIN' is not an executable program" >&2; exit 1; }
# The prompt: WAV seconds of a 440 Hz tone, 8 kHz mono 16-bit (50 RTP packets a second).
python3 - "$W/soak.wav" "$WAV" <<'EOF'
import math, struct, sys, wave
w = wave.open(sys.argv[1], 'wb')
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(2 * math.pi * 440 * i / 8000)))
                       for i in range(8000 * int(sys.argv[2]))))
w.close()
EOF

CALLS=$((RATE * MINUTES * 60))
PKTS=$((WAV * 50))
SP=$(lp_freeport)
HP=$(lp_freeport)
RP=$(lp_freeport)
UP=$(lp_freeport)
LIFE=$((MINUTES * 60 + WAV + 300))
# --max-sessions: the calls up at once are about RATE x (WAV + set-up); leave room for bursts
timeout -k 2 "$LIFE" "$PROG_BIN" --sip "127.0.0.1:$SP" --http "127.0.0.1:$HP" --media-root "$W" \
	--max-sessions $((RATE * (WAV + 2) * 4 + 100)) >"$W/prog.out" 2>"$W/prog.err" &
APP=$!
lp_track "$APP"
lp_wait_for "$W/prog.err" "http: listening" 10 || {
	echo "soak: the program did not start:" >&2
	cat "$W/prog.err" >&2
	exit 1
}
PROG=$(pgrep -P "$APP" | head -n 1)
rtp_sink "$W" "$RP" "$W/rtp.json" "$LIFE" || { echo "soak: the RTP sink did not start" >&2; exit 1; }
SINK=$RTP_SINK_PID
lp_track "$SINK"

health() {
	curl -s --max-time 2 "http://127.0.0.1:$HP/health" |
		sed -n 's/.*"sessions":\([0-9]*\).*"sessions_started":\([0-9]*\).*"heap_inuse_bytes":\([0-9]*\).*"heap_held_bytes":\([0-9]*\).*/\1 \2 \3 \4/p' |
		grep . || echo "? ? ? ?"
}
# sipp_counts: successful and failed calls so far, from the last row of sipp's statistics file
sipp_counts() {
	awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
		{ ok = $col["SuccessfulCall(C)"]; failed = $col["FailedCall(C)"] }
		END { print ok + 0, failed + 0 }' "$W/sipp.csv" 2>/dev/null || echo "0 0"
}
T0=$(date +%s)
sample() {
	local s h c
	s=$(($(date +%s) - T0))
	h=$(health)
	c=$(sipp_counts)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$(lp_rss_kb "$PROG")" "$(lp_fds "$PROG")" ${h} ${c} >>"$W/samples.tsv"
	tail -n 1 "$W/samples.tsv" |
		awk -F'\t' '{printf "  %5d s  RSS %6s kB  heap %6d/%6d kB  fds %4s  sessions %4s  started %7s  sipp ok %7s failed %s\n", $1, $2, $6 / 1024, $7 / 1024, $3, $4, $5, $8, $9}'
}
printf 'time_s\trss_kb\tfds\tsessions\tstarted\theap_bytes\theld_bytes\tsipp_ok\tsipp_failed\n' >"$W/samples.tsv"
echo "soak: $MINUTES min of calls at $RATE/s ($CALLS calls, $WAV s of audio each) against $PROG_BIN; logs in $W"
sample

# sipp's own bound: the calls, plus the last BYE (uac.xml waits 30 s for it), plus slack
(cd "$W" && exec timeout -k 5 $((MINUTES * 60 + WAV + 120)) sipp -sf "$T/uac.xml" -s soak "127.0.0.1:$SP" \
	-i 127.0.0.1 -p "$UP" -key rtpport "$RP" -r "$RATE" -m "$CALLS" -l $((RATE * (WAV + 2) * 4 + 100)) \
	-nostdin -trace_stat -stf "$W/sipp.csv" -fd 10 -trace_err -error_file "$W/sipp.err" \
	>"$W/sipp.out" 2>&1) &
SIPP=$!
lp_track "$SIPP"
# a sample every 10 s on the clock (sampling takes time itself)
NEXT=$((T0 + 10))
while kill -0 "$SIPP" 2>/dev/null; do
	if [ "$(date +%s)" -ge "$NEXT" ]; then
		sample
		NEXT=$((NEXT + 10))
	fi
	sleep 0.2
done
wait "$SIPP"
SIPP_RC=$?
# every session must end: libre's SIP timers end a stuck call within 32 s
for ((i = 0; i < 400; i++)); do
	read -r LEFT _ _ _ <<<"$(health)"
	[ "$LEFT" = 0 ] && break
	sleep 0.1
done
sleep 1
sample
lp_stop "$SINK" 5
lp_stop "$APP" 15
LP_TRACKED=() # all stopped or reaped: their ids may be reused
CRASH=$(grep -m1 -E 'Sanitizer|runtime error|Segmentation|Aborted' "$W/prog.err")
UNEXPECTED=$(grep -c -E 'UNEXPECTED|FAILED|ERROR' "$W/prog.out")

# The totals and the report. Warm-up: the first fifth of the run, at most 5 minutes. Memory is
# "flat" when a least-squares line through the RSS samples after warm-up rises by at most 5 % of
# the RSS at warm-up over that time (judged on runs of 10 minutes or more).
python3 - "$W" "$CALLS" "$PKTS" "$RATE" "$MINUTES" "$WAV" "$SIPP_RC" "${CRASH:-none}" "$UNEXPECTED" "$LEFT" <<'EOF'
import csv, json, os, sys
w, calls, pkts, rate, minutes, wav, rc, crash, unexpected, left = sys.argv[1:]
calls, pkts = int(calls), int(pkts)
rows = list(csv.DictReader(open(w + '/samples.tsv'), delimiter='\t'))
num = lambda r, k: int(r[k]) if r[k].isdigit() else None
st = list(csv.reader(open(w + '/sipp.csv'), delimiter=';')) if os.path.exists(w + '/sipp.csv') else []
last = dict(zip(st[0], st[-1])) if len(st) > 1 else {}
g = lambda k: int(last.get(k) or 0)
ok, failed, retrans = g('SuccessfulCall(C)'), g('FailedCall(C)'), g('Retransmissions(C)')
# sipp's reasons of the failed calls (FailedMaxUDPRetrans: no answer to the INVITE in time, ...)
why = ', '.join('%s %s' % (k[6:-3], v) for k, v in last.items()
                if k.startswith('Failed') and k.endswith('(C)') and k != 'FailedCall(C)' and v not in ('', '0'))
started = g('OutgoingCall(C)') or ok + failed
rtp = json.load(open(w + '/rtp.json')) if os.path.exists(w + '/rtp.json') else {}
got, expect = rtp.get('packets', 0), ok * pkts
warm = min(300, int(minutes) * 60 // 5)
run = [r for r in rows if num(r, 'rss_kb') and int(r['time_s']) <= int(minutes) * 60 + int(wav)]
after = [r for r in run if int(r['time_s']) >= warm] or run
rss_warm = num(after[0], 'rss_kb'); rss_max = max(num(r, 'rss_kb') for r in after)
rss_end = num(after[-1], 'rss_kb'); rss_first = num(run[0], 'rss_kb')
growth = 100.0 * (rss_max - rss_warm) / rss_warm
# the trend: a least-squares line through samples after warm-up (minutes, kB), in kB per minute,
# and how much it rises over that part of the run as a share of the first sample
def line(pts):
    if len(pts) < 2:
        return 0.0, 0.0
    mt = sum(t for t, _ in pts) / len(pts); mv = sum(v for _, v in pts) / len(pts)
    den = sum((t - mt) ** 2 for t, _ in pts)
    slope = sum((t - mt) * (v - mv) for t, v in pts) / den if den else 0.0
    return slope, 100.0 * slope * (pts[-1][0] - pts[0][0]) / pts[0][1]
pts = [(int(r['time_s']) / 60.0, num(r, 'rss_kb')) for r in after]
slope, trend = line(pts)
flat = trend <= 5.0
# the same line for malloc's bytes in use (/health heap_inuse_bytes): RSS rising while this stays
# flat is memory freed but kept by the allocator, not a leak
hp = [(int(r['time_s']) / 60.0, num(r, 'heap_bytes') / 1024.0) for r in after if num(r, 'heap_bytes')]
hslope, htrend = line(hp)
# and for what malloc holds from the system (/health heap_held_bytes): held minus in use is what
# the allocator keeps free (fragmentation when it grows while in use does not)
hh = [(int(r['time_s']) / 60.0, num(r, 'held_bytes') / 1024.0) for r in after if num(r, 'held_bytes')]
fd_run = [num(r, 'fds') for r in after if num(r, 'fds') is not None]
ses = [num(r, 'sessions') for r in run if num(r, 'sessions') is not None]
final = rows[-1]
lost = calls - ok
# memory counts once the run is long enough for a warm-up (10 minutes: 2 of warm-up)
# RTP to a sink on loopback: a few packets of a loaded host's bursts may be dropped by the sink's
# socket; more than 0.1 % lost is a media problem
rtp_ok = expect - got <= expect // 1000
good = (lost == 0 and failed == 0 and rtp_ok and rc == '0' and left == '0' and crash == 'none'
        and (flat or int(minutes) < 10))
res = {
    'calls attempted': started, 'calls asked': calls, 'calls completed': ok, 'calls failed': failed,
    'calls lost': lost, 'why calls failed (sipp)': why or '-', 'sip retransmissions': retrans,
    'rtp expected': expect, 'rtp received': got, 'rtp lost': max(0, expect - got),
    'rtp streams': rtp.get('streams', 0), 'fewest packets in a stream': rtp.get('min_packets', 0),
    'rss start kb': rss_first, 'rss after warm-up kb': rss_warm, 'rss max after warm-up kb': rss_max,
    'rss end of calls kb': rss_end, 'rss max over warm-up %': round(growth, 1),
    'rss trend after warm-up kB/min': round(slope, 1),
    'rss rise of the trend after warm-up %': round(trend, 1),
    'heap in use after warm-up / end kb': '%d / %d' % (hp[0][1], hp[-1][1]) if hp else '?',
    'heap trend after warm-up kB/min': round(hslope, 1),
    'heap held after warm-up / max / end kb': '%d / %d / %d' % (hh[0][1], max(v for _, v in hh), hh[-1][1]) if hh else '?',
    'heap rise of the trend after warm-up %': round(htrend, 1),
    'memory flat after warm-up (trend rise <= 5 %)': ('yes' if flat else 'NO') + ('' if int(minutes) >= 10 else ' (not judged: under 10 min)'),
    'fds min..max after warm-up': '%d..%d' % (min(fd_run), max(fd_run)) if fd_run else '?',
    'fds after the calls': final['fds'], 'sessions max': max(ses) if ses else '?',
    'sessions left': left, 'sipp exit': rc, 'crash': crash, 'sessions logging unexpected events': unexpected,
    'verdict': 'pass' if good else 'FAIL',
}
json.dump(res, open(w + '/result.json', 'w'), indent=1)
print('soak: result')
for k, v in res.items():
    print('  %-36s %s' % (k, v))
with open(w + '/soak.md', 'w') as f:
    f.write('| measure | result |\n|---|---|\n')
    for k, v in res.items():
        f.write('| %s | %s |\n' % (k, v))
    f.write('\nSamples (every 10 s; every 6th shown): time s, RSS kB, fds, sessions running, sessions started, heap bytes in use, heap bytes held, sipp ok, sipp failed\n\n```\n')
    for i, r in enumerate(rows):
        if i % 6 == 0 or i == len(rows) - 1:
            f.write('\t'.join(r[k] for k in ('time_s', 'rss_kb', 'fds', 'sessions', 'started', 'heap_bytes', 'held_bytes', 'sipp_ok', 'sipp_failed')) + '\n')
    f.write('```\n')
sys.exit(0 if good else 1)
EOF
RC=$?
echo "soak: samples in $W/samples.tsv, summary in $W/result.json and $W/soak.md"
exit $RC
