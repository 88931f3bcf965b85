# Shared by the benchmark scripts (sourced): timing, idle cost, and docs/performance.md sections.
# Expects R (runs per measure) set by the caller.

now() { date +%s.%N; }

# best wall time (s) of R runs of a command
best() {
  local b=999999 t0 t1 d
  for _ in $(seq "$R"); do
    t0=$(now); "$@" >/dev/null; t1=$(now)
    d=$(echo "$t1 - $t0" | bc -l); if (( $(echo "$d < $b" | bc -l) )); then b=$d; fi
  done
  echo "$b"
}

# idle_cost CMD...: starts CMD (which creates its instances and then waits), waits until its CPU
# time stops growing (no more than one clock tick in 0.5 s; at most 300 s), prints
# "RSS_kB CPU_seconds" and kills it (SIGKILL: a process holding 100k sessions may take minutes
# to stop cleanly, and that is not what is measured).
idle_cost() {
  local pid prev=-1 cur rss tck i
  tck=$(getconf CLK_TCK)
  "$@" >/dev/null 2>&1 & pid=$!
  for i in $(seq 600); do
    sleep 0.5
    [ -r /proc/$pid/stat ] || { echo "idle_cost: $1 exited" >&2; return 1; }
    cur=$(awk '{print $14 + $15}' /proc/$pid/stat)
    if [ "$i" -gt 1 ] && [ "$((cur - prev))" -le 1 ]; then break; fi
    prev=$cur
  done
  rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
  kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null || true
  echo "$rss $(echo "$cur / $tck" | bc -l)"
}

# bench_section NAME FILE: replaces the section between <!-- NAME --> and <!-- /NAME --> in
# docs/performance.md with FILE (which holds both markers), or appends it.
bench_section() {
  python3 - "$1" "$2" docs/performance.md <<'PY'
import os, re, sys
name, sec, path = sys.argv[1], open(sys.argv[2]).read().strip() + "\n", sys.argv[3]
doc = open(path).read() if os.path.exists(path) else "# Performance\n"
pat = re.compile(r"<!-- %s -->.*?<!-- /%s -->\n?" % (re.escape(name), re.escape(name)), re.S)
doc = pat.sub(lambda m: sec, doc) if pat.search(doc) else doc.rstrip() + "\n\n" + sec
open(path, "w").write(doc)
PY
}

# idle_scenario K FILE: a simulator scenario offering K inbound calls at start-up, each to a new
# session of bench/idle.ccxml (which waits on it: an idle session).
idle_scenario() {
  seq "$1" | awk '{print "inbound at=0ms from=sip:c" $1 "@example.com"}' > "$2"
}

# rtp_sink DIR PORT OUT.json LIFETIME_S: the C RTP sink (bench/sip/rtpsink.c, built into DIR the
# first time) receiving on 127.0.0.1:PORT; returns once its port is bound (at most 5 s), so no
# first packet hits a closed port. Its pid is in RTP_SINK_PID; SIGTERM makes it write OUT.json.
# SINK_ECHO=1: the sink sends every RTP packet back (the far end talks too; rtpsink.c).
rtp_sink() {
  local d=$1 i
  [ -x "$d/rtpsink" ] || cc -O2 -Wall -Wextra -Werror -o "$d/rtpsink" bench/sip/rtpsink.c || return 1
  rm -f "$d/rtpsink.$2.ready"
  "$d/rtpsink" "$2" "$3" "$4" "$d/rtpsink.$2.ready" ${SINK_ECHO:+echo} &
  RTP_SINK_PID=$!
  for i in $(seq 500); do
    [ -e "$d/rtpsink.$2.ready" ] && return 0
    kill -0 "$RTP_SINK_PID" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}
