#!/usr/bin/env bash
# tests/cluster/run.sh BUILD — three ccxmlc nodes behind Kamailio (SIP) and HAProxy (HTTP), as
# scripts/cluster.sh brings them up (docs/cluster.md): 300 token starts spread evenly, basichttp
# events reach their sessions through HAProxy, 60 inbound calls from sipp through Kamailio spread
# over the nodes and each plays its prompt; one node killed with SIGKILL: its sessions are lost
# (503 for them), every new start and call goes to the survivors and succeeds; the node started
# again takes new sessions. BUILD is build or build/asan.
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
. scripts/lib-peers.sh
LC_BUILD=${1:-build} lc_begin cluster
C=$W/cluster
stopall() { scripts/cluster.sh down --dir "$C" >/dev/null 2>&1; lc_cleanup; }
trap stopall EXIT
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/node" dist/cluster/node.ccxml >"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi
for t in kamailio haproxy sipp; do
	command -v $t >/dev/null || { echo "FAIL $t is missing (scripts/install-deps.sh)"; exit 1; }
done
export CLUSTER_LIFE=240
if ! scripts/cluster.sh up 3 --prog "$W/node" --dir "$C" -- --token demo --max-sessions 400 >"$W/up.log" 2>&1; then
	echo "FAIL the cluster did not come up"; cat "$W/up.log"; exit 1
fi
# shellcheck disable=SC1090,SC1091
. "$C/cluster.env"
F=http://$HTTP_FRONT
started() { curl -s -m 3 "http://$1/health" | sed -n 's/.*"sessions_started":\([0-9]*\).*/\1/p'; }
starts() { # N -> the node prefix of each started session, one a line, in $W/starts.N
	local i
	for ((i = 0; i < $1; i++)); do
		curl -s -m 5 "$F/CCXML10.start?tokenid=demo" | tail -n 1 | cut -d. -f1
	done
}

# 1. token starts through HAProxy
starts 300 >"$W/s300"
a=$(started "$NODE_1_HTTP") b=$(started "$NODE_2_HTTP") c=$(started "$NODE_3_HTTP")
check "300 token starts through HAProxy: $a / $b / $c sessions on n1 / n2 / n3 (100 +- 20 each)" bash -c \
	"[ \$(grep -c '^n[123]\$' '$W/s300') = 300 ] && for v in $a $b $c; do [ \$v -ge 80 ] && [ \$v -le 120 ] || exit 1; done"

# 2. basichttp through HAProxy to each node's sessions (the URIs the sessions were given)
ok=0
for n in 1 2 3; do
	u=$(sed -n 's/.*STARTED [^ ]* //p' "$C/n$n.out" | head -n 1)
	sid=$(sed -n 's/.*STARTED \([^ ]*\) .*/\1/p' "$C/n$n.out" | head -n 1)
	[[ $u == "$F/basichttp?"* ]] && [ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "$u&name=user.ping")" = 204 ] &&
		waitfor "$C/n$n.out" "PING $sid" 5 && ok=$((ok + 1))
done
check "basichttp through HAProxy: the event reached its session on each node ($ok of 3)" test $ok = 3
N2SID=$(sed -n 's/.*STARTED \([^ ]*\) .*/\1/p' "$C/n2.out" | head -n 1)
N2URI=$(sed -n 's/.*STARTED [^ ]* //p' "$C/n2.out" | head -n 1)

# 3. inbound calls through Kamailio; the prompt goes to an RTP counter
RP=$(lp_freeport)
timeout 120 python3 bench/sip/rtpcount.py "$RP" "$W/rtp.json" 110 & RTPC=$!
PIDS+=($RTPC)
calls() { # N TAG: N calls at 10/s through Kamailio; sipp's exit status
	timeout 90 sipp -sf bench/sip/uac.xml -s call "$SIP_FRONT" -m "$1" -r 10 -key rtpport "$RP" \
		-i 127.0.0.1 -p "$(lp_freeport)" -nostdin -trace_stat -stf "$W/sipp.$2.csv" -trace_err \
		-error_file "$W/sipp.$2.err" >"$W/sipp.$2.out" 2>&1
}
callsat() { grep -c 'CALL ' "$C/n$1.out"; }
calls 60 a
rc=$?
[ $rc = 0 ] || { echo "     sipp's errors:"; head -c 1500 "$W/sipp.a.err" 2>/dev/null | sed 's/^/     | /'; }
c1=$(callsat 1) c2=$(callsat 2) c3=$(callsat 3)
check "60 inbound calls through Kamailio: all answered and ended (sipp $rc), $c1 / $c2 / $c3 on n1 / n2 / n3" bash -c \
	"[ $rc = 0 ] && [ \$(($c1 + $c2 + $c3)) = 60 ] && [ $c1 -ge 10 ] && [ $c2 -ge 10 ] && [ $c3 -ge 10 ]"

# 4. node 2 lost (SIGKILL): its sessions are gone, everything new goes to n1 and n3
kill -KILL "$NODE_2_PID"
sleep 4 # HAProxy: 2 failed checks 0.5 s apart; Kamailio: 2 missed OPTIONS 1 s apart
starts 30 >"$W/s30"
check "n2 killed: 30 new starts all succeed, on n1 and n3 only" bash -c \
	"[ \$(grep -c '^n[13]\$' '$W/s30') = 30 ]"
code=$(curl -s -m 5 -o "$W/n2body" -w '%{http_code}' "$N2URI&name=user.ping")
check "n2 killed: an event for one of its sessions gets 503 ($code), not another node's answer" test "$code" = 503
b1=$(callsat 1) b3=$(callsat 3)
calls 30 b
rc=$?
[ $rc = 0 ] || { echo "     sipp's errors:"; head -c 1500 "$W/sipp.b.err" 2>/dev/null | sed 's/^/     | /'; }
check "n2 killed: 30 more inbound calls all answered by n1 and n3 (sipp $rc)" bash -c \
	"[ $rc = 0 ] && [ \$(( \$(grep -c 'CALL ' '$C/n1.out') + \$(grep -c 'CALL ' '$C/n3.out') - $b1 - $b3 )) = 30 ]"
kill -TERM $RTPC 2>/dev/null
wait $RTPC 2>/dev/null
check "every call's prompt reached the caller's RTP address (90 streams)" python3 - "$W/rtp.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["streams"] >= 90 and r["min_packets"] >= 40, r
EOF

# 5. node 2 started again takes new sessions
scripts/cluster.sh node 2 --dir "$C" >>"$W/up.log" 2>&1
sleep 2
starts 30 >"$W/s30b"
check "n2 restarted: it takes new sessions again ($(grep -c '^n2$' "$W/s30b") of 30)" bash -c "[ \$(grep -c '^n2\$' '$W/s30b') -ge 5 ]"
check "no sanitizer report on the nodes" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$C'/n*.err"
lc_end cluster
