#!/usr/bin/env bash
# ccxmlc against named peers doing the same work, side by side in one run (issue 8, point 5):
#   - SCION (npm @scion-scxml/scxml, pinned below) on Node: bench/peers/events.scxml, idle.scxml
#   - Qt SCXML with the C++ data model (Debian qt6-scxml-dev; qscxmlc compiles qt/*.scxml to C++)
#   - a hand-written C machine (cmachine.c): the ceiling
# and the compiled ccxmlc program (bench/events.ccxml, bench/idle.ccxml; build/ccxmlc, -O2).
# Measures events/s (best of R runs, start-up cost subtracted: each side also runs with n=0),
# memory per idle instance and CPU time per instance created at each K in K_IDLE (each minus a
# run with 1 instance; see idle_cost in bench/lib.sh). Prints the results and writes the
# <!-- peers-bench --> section of docs/performance.md.
# SCION is installed by npm into build/bench-peers/ (ignored by git), Qt with apt-get if missing.
# PARTS=events: only the events/s of every peer, printed (docs/performance.md is left as it is).
set -euo pipefail
cd "$(dirname "$0")/../.."
CCXMLC=${CCXMLC:-build/ccxmlc}
R=${R:-5}
N_EVENTS=${N_EVENTS:-200000}
K_IDLE=${K_IDLE:-"10000 100000"}
SCION_VER=4.3.27
P=build/bench-peers
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
. bench/lib.sh

# --- the peers, installed and built
QSCXMLC=/usr/lib/qt6/libexec/qscxmlc
MOC=/usr/lib/qt6/libexec/moc
if [ ! -x "$QSCXMLC" ] || ! pkg-config --exists Qt6Scxml; then
  echo "bench/peers: installing qt6-scxml-dev" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qt6-scxml-dev >/dev/null
fi
mkdir -p "$P"
if ! grep -q "\"version\": \"$SCION_VER\"" "$P/node_modules/@scion-scxml/scxml/package.json" 2>/dev/null; then
  echo "bench/peers: installing @scion-scxml/scxml@$SCION_VER" >&2
  npm install --silent --no-audit --no-fund --prefix "$P" "@scion-scxml/scxml@$SCION_VER" >/dev/null
fi
export NODE_PATH=$PWD/$P/node_modules

Q=$P/qt; mkdir -p "$Q"
for d in events idle; do "$QSCXMLC" -o "$Q/$d" "bench/peers/qt/$d.scxml"; done
"$MOC" bench/peers/qt/benchmodel.h -o "$Q/moc_benchmodel.cpp"
# shellcheck disable=SC2046
g++ -O2 -fPIC -I"$Q" -Ibench/peers/qt $(pkg-config --cflags Qt6Scxml) -o "$W/qt-peer" \
  bench/peers/qt/main.cpp "$Q/events.cpp" "$Q/idle.cpp" "$Q/moc_benchmodel.cpp" $(pkg-config --libs Qt6Scxml)
gcc -O2 -Wall -Wextra -Werror -o "$W/cmachine" bench/peers/cmachine.c
"$CCXMLC" -o "$W/events" bench/events.ccxml
"$CCXMLC" -o "$W/idle" bench/idle.ccxml
BUDGET="--budget 2000000000"

# Each peer is a function taking "events N" or "idle K" that ends in exec (so that idle_cost's
# background job is the measured process itself); sub runs one in a subshell.
sub() { ( "$@" ); }
ccxmlc_peer() {
  if [ "$1" = events ]; then exec "$W/events" --sim --once $BUDGET --values n="$2"
  else idle_scenario "$2" "$W/idle-$2.scenario"
    exec "$W/idle" --sim="$W/idle-$2.scenario" --max-sessions $(($2 + 10)) --max-calls $(($2 + 10)) \
      2>"$W/idle-$2.err"; fi
}
scion_peer() { exec node bench/peers/scion.js "$@"; }
qt_peer() { exec "$W/qt-peer" "$@"; }
c_peer() { exec "$W/cmachine" "$@"; }
PEERS="ccxmlc scion qt c"
declare -A NAME=([ccxmlc]="ccxmlc (compiled)" [scion]="SCION $SCION_VER, Node $(node --version)"
  [qt]="Qt SCXML $(pkg-config --modversion Qt6Scxml), C++ data model" [c]="hand-written C")

# every peer must do the work: the same count at the end
for p in $PEERS; do
  out=$( ("${p}_peer" events 1000) 2>&1 | grep -o 'events [0-9]*' || true)
  [ "$out" = "events 1000" ] || { echo "bench/peers: $p printed '$out', not 'events 1000'" >&2; exit 1; }
done

# The C machine is too fast for N_EVENTS to outweigh the noise of starting a process: it runs
# SCALE times as many events.
declare -A EPS SCALE=([ccxmlc]=1 [scion]=1 [qt]=1 [c]=1000)
for p in $PEERS; do
  n=$((N_EVENTS * SCALE[$p]))
  tn=$(best sub "${p}_peer" events "$n"); t0=$(best sub "${p}_peer" events 0)
  EPS[$p]=$(echo "$n / ($tn - $t0)" | bc -l)
  printf '%-8s %12.0f events/s\n' "$p" "${EPS[$p]}"
done
if [ "${PARTS:-all}" = events ]; then
  for p in scion qt c; do
    printf 'ccxmlc/%-6s %s\n' "$p" "$(echo "${EPS[ccxmlc]} / ${EPS[$p]}" | bc -l | xargs printf '%.3g')"
  done
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u '+%Y-%m-%d %H:%M UTC'); docs/performance.md left as it is"
  exit 0
fi

declare -A MEM CRT
for p in $PEERS; do
  read -r r1 c1 < <(idle_cost "${p}_peer" idle 1)
  for k in $K_IDLE; do
    read -r rk ck < <(idle_cost "${p}_peer" idle "$k")
    MEM[$p,$k]=$(echo "($rk - $r1) * 1024 / ($k - 1)" | bc -l)
    CRT[$p,$k]=$(echo "($ck - $c1) * 1000000 / ($k - 1)" | bc -l)
    printf '%-8s %7s idle: %8.0f bytes each, %8.2f us CPU to create each\n' "$p" "$k" "${MEM[$p,$k]}" "${CRT[$p,$k]}"
    # every instance must exist: a refused call (a limit) would make the rest look cheap
    if [ "$p" = ccxmlc ] && grep -q 'refused' "$W/idle-$k.err"; then
      echo "bench/peers: ccxmlc refused calls at K=$k: $(head -c 300 "$W/idle-$k.err")" >&2; exit 1
    fi
  done
done

# --- docs/performance.md
ratio() { echo "$1 / $2" | bc -l | xargs printf '%.3g'; }
met() { if (( $(echo "$1" | bc -l) )); then echo met; else echo '**missed**'; fi; }
host="$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'), $(nproc) cores, $(uname -m), gcc $(gcc -dumpfullversion)"
load=$(cut -d' ' -f1-3 /proc/loadavg)
sec="$W/section.md"
{
  echo "<!-- peers-bench -->"
  echo "## ccxmlc against SCION, Qt SCXML and a hand-written C machine (issue 8, point 5)"
  echo
  echo "Measured by \`bench/peers/run.sh\` on $(date -u '+%Y-%m-%d %H:%M UTC'): $host; load average"
  echo "$load at the end of the run (the machine is shared). Re-run it to refresh this section."
  echo "Every peer does the work of \`bench/events.ccxml\`: the machine sends itself $N_EVENTS \`tick\`"
  echo "events, each selected by state, event name and cond \`i < n\`, body \`i = i + 1\` and a send of"
  echo "the next; the last logs the count (checked for every peer). Wall clock, best of $R runs, each"
  echo "side's start-up cost subtracted (also run with n=0). Idle: K instances of \`bench/idle.ccxml\`"
  echo "(ccxmlc: inbound calls alerting in the simulator) or its equivalent waiting machine; RSS and"
  echo "process CPU time ($((1000 / $(getconf CLK_TCK))) ms ticks) once the CPU time stops growing, minus the same with 1 instance"
  echo "(so CPU per instance is resolved to one tick divided by K)."
  echo
  printf '| measure | %s |' "${NAME[ccxmlc]}"; for p in scion qt c; do printf ' %s | ccxmlc/%s |' "${NAME[$p]}" "$p"; done; echo
  printf '|---|---|'; for p in scion qt c; do printf -- '---|---|'; done; echo
  printf '| events/s (higher is better) | %.0f |' "${EPS[ccxmlc]}"
  for p in scion qt c; do printf ' %.0f | **%s** |' "${EPS[$p]}" "$(ratio "${EPS[ccxmlc]}" "${EPS[$p]}")"; done; echo
  for k in $K_IDLE; do
    printf '| bytes per idle instance, %s instances (lower is better) | %.0f |' "$k" "${MEM[ccxmlc,$k]}"
    for p in scion qt c; do printf ' %.0f | **%s** |' "${MEM[$p,$k]}" "$(ratio "${MEM[ccxmlc,$k]}" "${MEM[$p,$k]}")"; done; echo
  done
  for k in $K_IDLE; do
    printf '| µs CPU to create one instance, %s instances (lower is better) | %.2f |' "$k" "${CRT[ccxmlc,$k]}"
    for p in scion qt c; do
      if (( $(echo "${CRT[$p,$k]} > 0" | bc -l) )); then
        printf ' %.2f | **%s** |' "${CRT[$p,$k]}" "$(ratio "${CRT[ccxmlc,$k]}" "${CRT[$p,$k]}")"
      else  # below one clock tick for all K instances
        printf ' < %.2f | – |' "$(echo "1000000 / $(getconf CLK_TCK) / ($k - 1)" | bc -l)"
      fi
    done; echo
  done
  echo
  echo "The peers are \`bench/peers/events.scxml\` and \`idle.scxml\` (SCION, ECMAScript data model;"
  echo "\`scion.js\` queues a send without target itself instead of SCION's default \`setTimeout\`,"
  echo "which is at least 1 ms in Node), \`bench/peers/qt/\` (qscxmlc, \`datamodel=\"cplusplus\"\`, one"
  echo "\`QCoreApplication\` event loop) and \`bench/peers/cmachine.c\`. A ccxmlc event is also a CCXML"
  echo "event: each \`<send>\` gives the sender a \`send.successful\` too, counted as an event (the"
  echo "runtime makes it only when the document has a transition for it, docs/decisions.md; this"
  echo "one has none). The C machine runs ${SCALE[c]}× as many events (it is too fast for"
  echo "$N_EVENTS to outweigh the noise of starting a process)."
  echo
  echo "Against issue 8's targets (this run's numbers):"
  echo
  echo "| target | measured | |"
  echo "|---|---|---|"
  r=$(ratio "${EPS[ccxmlc]}" "${EPS[qt]}")
  printf '| events/s ≥ 2× Qt SCXML C++ data model | %s× | %s |\n' "$r" "$(met "$r >= 2")"
  for k in $K_IDLE; do
    printf '| memory per idle session ≤ 4 KB (%s sessions) | %.1f KB | %s |\n' "$k" "$(echo "${MEM[ccxmlc,$k]} / 1024" | bc -l)" "$(met "${MEM[ccxmlc,$k]} <= 4096")"
  done
  for k in $K_IDLE; do
    printf '| session creation ≤ 20 µs (%s sessions) | %.1f µs | %s |\n' "$k" "${CRT[ccxmlc,$k]}" "$(met "${CRT[ccxmlc,$k]} <= 20")"
  done
  set -- $K_IDLE
  if [ $# -ge 2 ]; then
    r=$(ratio "${CRT[ccxmlc,${!#}]}" "${CRT[ccxmlc,$1]}")
    printf '| creation flat from %s to %s sessions (within 1.25×) | %s× | %s |\n' "$1" "${!#}" "$r" "$(met "$r <= 1.25")"
  fi
  echo "<!-- /peers-bench -->"
} > "$sec"
bench_section peers-bench "$sec"
cat "$sec"
echo "wrote docs/performance.md"
