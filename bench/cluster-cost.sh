#!/usr/bin/env bash
# bench/cluster-cost.sh — what the cluster's fronts cost per call and per request on this machine:
# CPU time of Kamailio (all its processes) and HAProxy, against the nodes' own, while calls and
# HTTP requests go through them (docs/cluster.md, "Measured").
#
#   bench/cluster-cost.sh [--calls N] [--rate R] [--starts S] [--nodes K] [--dir DIR]
#
#   --calls N   inbound calls from sipp through Kamailio (default 3000), each answered by a node,
#               1 s of prompt, hung up by the node
#   --rate R    calls per second (default 50)
#   --starts S  token starts through HAProxy (default 1000); each session then gets a user.ping
#               and a user.bye through HAProxy: 3 x S requests, one connection each
#   --nodes K   nodes (default 2)
#   --dir DIR   where the cluster and the logs go (default a new /tmp/ccxml-ccost.XXXXXX)
#
# CPU time is read from /proc (utime + stime of every process of each part, clock ticks of
# 10 ms) before and after each phase; the result is printed as microseconds of CPU per call and
# per request, and written to DIR/cost.md (a section for docs/cluster.md).
set -uo pipefail
cd "$(dirname "$0")/.."
CALLS=3000 RATE=50 STARTS=1000 NODES=2 W=""
while [ $# -gt 0 ]; do
	case $1 in
	--calls) CALLS=$2; shift 2 ;;
	--rate) RATE=$2; shift 2 ;;
	--starts) STARTS=$2; shift 2 ;;
	--nodes) NODES=$2; shift 2 ;;
	--dir) W=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "cluster-cost: unknown option '$1' (see --help)" >&2; exit 2 ;;
	esac
done
for v in CALLS RATE STARTS NODES; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "cluster-cost: --${v,,} wants a whole number above 0, not '${!v}'" >&2; exit 2; }
done
for t in kamailio haproxy sipp python3 curl; do
	command -v $t >/dev/null || { echo "cluster-cost: $t is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
. scripts/lib-peers.sh
# shellcheck source=bench/lib.sh
. bench/lib.sh
[ -n "$W" ] || W=$(mktemp -d /tmp/ccxml-ccost.XXXXXX)
mkdir -p "$W"
C=$W/cluster
trap 'scripts/cluster.sh down --dir "$C" >/dev/null 2>&1; lp_stop_tracked 5' EXIT
trap 'exit 130' INT TERM

"${CCXMLC:-build/ccxmlc}" -o "$W/node" dist/cluster/node.ccxml || exit 1
export CLUSTER_LIFE=$((CALLS / RATE + STARTS / 20 + 600))
scripts/cluster.sh up "$NODES" --prog "$W/node" --dir "$C" -- --token demo --inject-token inj-cost-0123456789 \
	--max-sessions $((STARTS + 200)) \
	>"$W/up.log" 2>&1 || { echo "cluster-cost: the cluster did not come up" >&2; cat "$W/up.log" >&2; exit 1; }
# shellcheck disable=SC1090,SC1091
. "$C/cluster.env"

# ticks PID…: utime + stime of each PID and all its descendants, summed
ticks() {
	local p all=() t=0
	for p in "$@"; do
		all+=("$p")
		while read -r c; do all+=("$c"); done < <(pgrep -P "$p"; for q in $(pgrep -P "$p"); do pgrep -P "$q"; done)
	done
	for p in "${all[@]}"; do
		[ -r "/proc/$p/stat" ] || continue
		t=$((t + $(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $12 + $13}')))
	done
	echo "$t"
}
nodes=()
for ((i = 1; i <= NODES; i++)); do v=NODE_${i}_PID; nodes+=("${!v}"); done
snap() { echo "$(ticks "$KAMAILIO_PID") $(ticks "$HAPROXY_PID") $(ticks "${nodes[@]}")"; }
HZ=$(getconf CLK_TCK)

# 0. idle: what each part costs a second with nothing to do (timers, probes, health checks)
IDLE=10
read -r i0 j0 m0 <<<"$(snap)"
sleep $IDLE
read -r i1 j1 m1 <<<"$(snap)"

# 1. calls through Kamailio
RP=$(lp_freeport)
T1=$(date +%s.%N)
rtp_sink "$W" "$RP" "$W/rtp.json" $((CALLS / RATE + 120)) || { echo "cluster-cost: the RTP sink did not start" >&2; exit 1; }
lp_track "$RTP_SINK_PID"
read -r k0 h0 n0 <<<"$(snap)"
timeout $((CALLS / RATE + 120)) sipp -sf bench/sip/uac.xml -s call "$SIP_FRONT" -m "$CALLS" -r "$RATE" \
	-l $((RATE * 8)) -key rtpport "$RP" -i 127.0.0.1 -p "$(lp_freeport)" -nostdin -trace_stat \
	-stf "$W/sipp.csv" -trace_err -error_file "$W/sipp.err" >"$W/sipp.out" 2>&1
SIPP_RC=$?
sleep 2
read -r k1 h1 n1 <<<"$(snap)"
T2=$(date +%s.%N)
OK=$(awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next } { ok = $col["SuccessfulCall(C)"] } END { print ok + 0 }' "$W/sipp.csv")

# 2. HTTP through HAProxy: starts, then a ping and a bye for each session
read -r k2 h2 n2 <<<"$(snap)"
T3=$(date +%s.%N)
python3 - "$HTTP_FRONT" "$STARTS" >"$W/http.out" <<'PY'
import http.client, sys
host, n = sys.argv[1], int(sys.argv[2])
def get(path):
    c = http.client.HTTPConnection(host, timeout=10)
    c.request('GET', path)
    r = c.getresponse(); b = r.read().decode(); c.close()
    return r.status, b
sids, bad = [], 0
for _ in range(n):
    st, b = get('/CCXML10.start?tokenid=demo')
    if st == 200:
        sids.append(b.strip().splitlines()[-1])
    else:
        bad += 1
for sid in sids:
    for name in ('user.ping', 'user.bye'):
        st, _ = get('/basichttp?sessionid=%s&name=%s&token=inj-cost-0123456789' % (sid, name))
        bad += st != 204
print(n + 2 * len(sids), bad)
PY
read -r k3 h3 n3 <<<"$(snap)"
T4=$(date +%s.%N)
read -r REQS BAD <"$W/http.out"

# the report: microseconds of CPU per call (phase 1) and per request (phase 2)
python3 - "$W" "$HZ" "$CALLS" "$OK" "$SIPP_RC" "${REQS:-0}" "${BAD:-?}" "$NODES" "$RATE" "$IDLE" \
	"$T1" "$T2" "$T3" "$T4" $i0 $j0 $m0 $i1 $j1 $m1 $k0 $h0 $n0 $k1 $h1 $n1 $k2 $h2 $n2 $k3 $h3 $n3 <<'PY'
import sys
w, hz, calls, ok, rc, reqs, bad, nodes, rate, idle, t1, t2, t3, t4 = sys.argv[1:15]
t = [int(x) for x in sys.argv[15:]]
hz, ok, reqs, idle = int(hz), int(ok), int(reqs), float(idle)
d1, d2 = float(t2) - float(t1), float(t4) - float(t3)
# CPU seconds a second of each part while idle (Kamailio, HAProxy, nodes)
base = [(t[3 + i] - t[i]) / hz / idle for i in range(3)]
def us(i, a, b, dur, n):
    """microseconds of CPU of part i per unit over a phase (snapshots a, b): (all, above idle)"""
    if not n:
        return '?'
    cpu = (t[b + i] - t[a + i]) / hz
    return '%.0f us (%.0f above idle)' % (cpu * 1e6 / n, max(0.0, cpu - base[i] * dur) * 1e6 / n)
rows = [
    ('idle: CPU a second of Kamailio / HAProxy / the nodes', ' / '.join('%.1f ms' % (b * 1e3) for b in base)),
    ('calls through Kamailio (completed / asked, sipp exit)', '%d / %s (%s) in %.0f s' % (ok, calls, rc, d1)),
    ('Kamailio CPU per call (all its processes)', us(0, 6, 9, d1, ok)),
    ('HAProxy CPU per call (it has no part in calls)', us(1, 6, 9, d1, ok)),
    ('nodes CPU per call (%s nodes together)' % nodes, us(2, 6, 9, d1, ok)),
    ('HTTP requests through HAProxy (not 200/204)', '%d (%s) in %.0f s' % (reqs, bad, d2)),
    ('HAProxy CPU per request', us(1, 12, 15, d2, reqs)),
    ('Kamailio CPU per request (it has no part in them)', us(0, 12, 15, d2, reqs)),
    ('nodes CPU per request', us(2, 12, 15, d2, reqs)),
]
with open(w + '/cost.md', 'w') as f:
    f.write('| measure (%s calls/s; CPU time from /proc, 10 ms ticks) | result |\n|---|---|\n' % rate)
    for a, b in rows:
        f.write('| %s | %s |\n' % (a, b))
print('cluster-cost: result')
for a, b in rows:
    print('  %-58s %s' % (a, b))
sys.exit(0 if ok == int(calls) and bad == '0' else 1)
PY
RC=$?
echo "cluster-cost: logs in $W, table in $W/cost.md"
exit $RC
