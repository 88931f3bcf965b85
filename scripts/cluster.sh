#!/usr/bin/env bash
# scripts/cluster.sh — a ccxmlc cluster on one machine's loopback addresses (docs/cluster.md):
# N nodes behind Kamailio (SIP: dispatcher) and HAProxy (HTTP), configured by dist/cluster/gen.sh.
#
#   scripts/cluster.sh up N [--prog PATH] [--dir DIR] [-- NODE-OPTIONS…]
#       starts node i (i = 1..N) on 127.0.0.(10+i) (--node-id n<i>, SIP and HTTP on free ports,
#       --sip-proxy the front, --http-public the front), Kamailio on 127.0.0.2 and HAProxy on
#       127.0.0.3; PROG defaults to dist/cluster/node.ccxml compiled by build/ccxmlc; NODE-OPTIONS
#       go to every node (default: --token demo --max-sessions 500). Writes DIR/cluster.env
#       (SIP_FRONT, HTTP_FRONT, NODE_<i>_SIP, NODE_<i>_HTTP, NODE_<i>_PID, …) and prints it.
#   scripts/cluster.sh node i [--dir DIR]     (re)starts node i of a cluster that is up
#   scripts/cluster.sh down [--dir DIR]       stops everything (nodes get SIGTERM: --grace)
#   scripts/cluster.sh status [--dir DIR]     each node's /health through its own address
# DIR defaults to /tmp/ccxmlc-cluster. Needs kamailio and haproxy (scripts/install-deps.sh).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
. scripts/lib-peers.sh
CMD=${1:-}
shift || true
N=0 PROG="" DIR=/tmp/ccxmlc-cluster NODEOPTS=() WHICH=""
case $CMD in
up) N=${1:-}; shift || true ;;
node) WHICH=${1:-}; shift || true ;;
esac
while [ $# -gt 0 ]; do
	case $1 in
	--prog) PROG=$2; shift 2 ;;
	--dir) DIR=$2; shift 2 ;;
	--) shift; NODEOPTS=("$@"); break ;;
	*) echo "cluster: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
ENV=$DIR/cluster.env

node_start() { # i: starts node i as cluster.env describes it
	local i=$1 sip http opts pid
	sip=$(sed -n "s/^NODE_${i}_SIP=//p" "$ENV"); http=$(sed -n "s/^NODE_${i}_HTTP=//p" "$ENV")
	# shellcheck disable=SC1090
	. "$ENV"
	# shellcheck disable=SC2086
	(cd "$DIR" && exec timeout -k 5 "${CLUSTER_LIFE:-86400}" "$PROG_BIN" --node-id "n$i" \
		--sip "$sip" --http "$http" --sip-proxy "sip:$SIP_FRONT" --http-public "http://$HTTP_FRONT" \
		--media-root "$DIR" $NODE_OPTS) >"$DIR/n$i.out" 2>"$DIR/n$i.err" &
	pid=$!
	lp_wait_for "$DIR/n$i.err" "http: listening" 10 || { echo "cluster: node n$i did not start:" >&2; cat "$DIR/n$i.err" >&2; return 1; }
	sed -i "/^NODE_${i}_PID=/d" "$ENV"
	echo "NODE_${i}_PID=$(pgrep -P $pid | head -n 1)" >>"$ENV"
}

case $CMD in
up)
	[[ $N =~ ^[0-9]+$ ]] && [ "$N" -ge 1 ] && [ "$N" -le 40 ] || { echo "cluster: up N (1..40)" >&2; exit 2; }
	for t in kamailio haproxy; do
		command -v $t >/dev/null || { echo "cluster: $t is missing (scripts/install-deps.sh)" >&2; exit 1; }
	done
	mkdir -p "$DIR"
	if [ -f "$ENV" ]; then
		# a cluster whose processes are all gone (killed, or the machine restarted) is stale
		for p in $(sed -n 's/^\(NODE_[0-9]*\|KAMAILIO\|HAPROXY\)_PID=//p' "$ENV"); do
			kill -0 "$p" 2>/dev/null && { echo "cluster: $DIR is in use (scripts/cluster.sh down --dir $DIR)" >&2; exit 1; }
		done
		rm -f "$ENV"
	fi
	if [ -z "$PROG" ]; then
		PROG=$DIR/node
		build/ccxmlc -o "$PROG" dist/cluster/node.ccxml || exit 1
	fi
	[ ${#NODEOPTS[@]} -gt 0 ] || NODEOPTS=(--token demo --max-sessions 500)
	SIPF=127.0.0.2:$(lp_freeport) HTTPF=127.0.0.3:$(lp_freeport)
	{
		echo "SIP_FRONT=$SIPF"
		echo "HTTP_FRONT=$HTTPF"
		echo "PROG_BIN='$(cd "$(dirname "$PROG")" && pwd)/$(basename "$PROG")'"
		printf "NODE_OPTS='%s'\n" "${NODEOPTS[*]}"
		echo "NODES=$N"
	} >"$ENV"
	specs=()
	for ((i = 1; i <= N; i++)); do
		a=127.0.0.$((10 + i))
		sip=$a:$(lp_freeport) http=$a:$(lp_freeport)
		echo "NODE_${i}_SIP=$sip" >>"$ENV"
		echo "NODE_${i}_HTTP=$http" >>"$ENV"
		specs+=("n$i=$sip=$http")
	done
	dist/cluster/gen.sh "$DIR" "$SIPF" "$HTTPF" "${specs[@]}"
	for ((i = 1; i <= N; i++)); do node_start $i || exit 1; done
	timeout -k 5 "${CLUSTER_LIFE:-86400}" kamailio -DD -E -f "$DIR/kamailio.cfg" -P "$DIR/kamailio.pid" \
		-Y "$DIR" -w "$DIR" >"$DIR/kamailio.log" 2>&1 &
	echo "KAMAILIO_PID=$!" >>"$ENV"
	timeout -k 5 "${CLUSTER_LIFE:-86400}" haproxy -db -f "$DIR/haproxy.cfg" >"$DIR/haproxy.log" 2>&1 &
	echo "HAPROXY_PID=$!" >>"$ENV"
	# up when HAProxy answers and Kamailio has seen every node answer a probe
	for ((k = 0; k < 100; k++)); do
		curl -s -m 1 -o /dev/null "http://$HTTPF/health" && break
		sleep 0.1
	done
	sleep 1.5
	cat "$ENV"
	;;
node)
	[ -f "$ENV" ] || { echo "cluster: no cluster in $DIR" >&2; exit 1; }
	node_start "$WHICH"
	;;
down)
	[ -f "$ENV" ] || exit 0
	for p in $(sed -n 's/^NODE_[0-9]*_PID=//p' "$ENV"); do kill -TERM "$p" 2>/dev/null; done
	for p in $(sed -n 's/^\(KAMAILIO\|HAPROXY\)_PID=//p' "$ENV"); do kill -TERM "$p" 2>/dev/null; done
	sleep 1
	for p in $(sed -n 's/^\(NODE_[0-9]*\|KAMAILIO\|HAPROXY\)_PID=//p' "$ENV"); do kill -KILL "$p" 2>/dev/null; done
	rm -f "$ENV"
	;;
status)
	[ -f "$ENV" ] || { echo "cluster: no cluster in $DIR" >&2; exit 1; }
	for h in $(sed -n 's/^NODE_[0-9]*_HTTP=//p' "$ENV"); do
		printf '%s %s\n' "$h" "$(curl -s -m 2 "http://$h/health" || echo down)"
	done
	;;
*) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 2 ;;
esac
