#!/usr/bin/env bash
# bench/rtdocs.sh [BUILD] — documents loaded at run time (docs/fetch.md), not a test: the time
# from <fetch> of examples/outbound/step5.ccxml served over HTTP (127.0.0.1) to the document
# being ready to run (the runtime's own "loaded in N us" debug line): first the compile (empty
# cache directory), then N fetches of the same content from the same process (in memory), then
# a new process with the compiled program in the cache directory (dlopen), then N starts of the
# same document served with Cache-Control max-age=60 (no request while fresh). Prints the numbers.
# WEB=haproxy|python picks the web server (below); CCXML_DOC_SERVER=0 compiles without the
# compile server (docs/fetch.md). The first fetch comes 1 s (WARMUP) after the service started.
set -u
cd "$(dirname "$0")/.."
B=${1:-build}
N=${N:-20}
W=$(mktemp -d /tmp/ccxmlc-bench-rtdocs.XXXXXX)
PIDS=()
trap 'for p in "${PIDS[@]}"; do kill $p 2>/dev/null; done; wait 2>/dev/null; rm -rf "$W"' EXIT
mkdir -m 700 "$W/cache"
export CCXML_DOC_CACHE=$W/cache
"$B/ccxmlc" -o "$W/app" tests/rtdocs/parent.ccxml || exit 1
# The web server: HAProxy serving the file from memory with keep-alive (WEB=haproxy, the default
# when it is installed), or Python's http.server (WEB=python: a new connection per request).
WEB=${WEB:-$(command -v haproxy >/dev/null && echo haproxy || echo python)}
if [ "$WEB" = haproxy ]; then
	. scripts/lib-peers.sh
	F=$(pwd)/examples/outbound/step5.ccxml
	P=$(lp_freeport 1)
	cat >"$W/haproxy.cfg" <<EOF
defaults
	mode http
	timeout connect 5s
	timeout client 30s
	timeout server 30s
frontend docs
	bind 127.0.0.1:$P
	http-request return status 200 content-type application/ccxml+xml hdr Cache-Control max-age=60 file $F if { query -m sub fresh=1 }
	http-request return status 200 content-type application/ccxml+xml file $F
EOF
	timeout 300 haproxy -db -f "$W/haproxy.cfg" >"$W/haproxy.log" 2>&1 &
	PIDS+=($!)
	for i in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$P/step5.ccxml" && break; sleep 0.1; done
	echo "$P" >"$W/port"
else
	timeout 300 python3 tests/rtdocs/web.py "$W/port" "$W/req" 290 /step5.ccxml=examples/outbound/step5.ccxml &
	PIDS+=($!)
	for i in $(seq 50); do [ -s "$W/port" ] && break; sleep 0.1; done
fi
SRC=http://127.0.0.1:$(cat "$W/port")/step5.ccxml
service() { # LOGFILE: one service process, pid in S, its HTTP base in HU
	timeout 280 "$W/app" --sim --http 127.0.0.1:0 --token t --log-level debug >/dev/null 2>"$1" &
	S=$!
	PIDS+=($S)
	for i in $(seq 100); do grep -q 'listening on' "$1" && break; sleep 0.05; done
	HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$1" | head -n 1)
}
start() { curl -s -m 30 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$SRC"; }
# Waiting for the log without starting a process: a loop of grep and sleep took a core from the
# compile it was waiting for (the first fetch measured 28-39 ms with it, 16-24 ms without).
exec 9<> <(:) # a pipe nobody writes to: `read -t` on it sleeps in the shell itself
waitn() {
	local i l n
	for ((i = 0; i < 300; i++)); do
		n=0
		while IFS= read -r l; do [[ $l == *"loaded in"* ]] && n=$((n + 1)); done <"$1"
		[ "$n" -ge "$2" ] && return 0
		read -r -t 0.05 -u 9 l || true
	done
}
us() { sed -n 's/.*loaded in \([0-9]*\) us (fetch \([0-9]*\) us).*/\1 \2/p' "$1"; }
service "$W/a.log"
sleep "${WARMUP:-1}" # a service that has been up a second (its compile server started, its prelude made); WARMUP=0: none
start; waitn "$W/a.log" 1
for i in $(seq "$N"); do start; waitn "$W/a.log" $((i + 1)); done
kill $S; wait $S 2>/dev/null
service "$W/b.log"
start; waitn "$W/b.log" 1
SRC="$SRC?fresh=1"
for i in $(seq 0 "$N"); do start; waitn "$W/b.log" $((i + 2)); done
kill $S; wait $S 2>/dev/null
echo "C compiler for run-time documents: ${CCXML_DOC_CC:-tcc if installed}; web server: $WEB; compile server: ${CCXML_DOC_SERVER:-on}"
us "$W/a.log" | head -n 1 | awk '{printf "first fetch, compile and load: %.1f ms (fetch %.1f ms)\n", $1/1000, $2/1000}'
us "$W/a.log" | tail -n +2 | sort -n | awk '{a[NR]=$1; f[NR]=$2} END {printf "same content again, in memory (%d): median %.3f ms, max %.3f ms (fetch median %.3f ms)\n", NR, a[int((NR+1)/2)]/1000, a[NR]/1000, f[int((NR+1)/2)]/1000}'
us "$W/b.log" | tail -n +4 | sort -n | awk '{a[NR]=$1} END {printf "max-age=60, fresh (%d): median %.3f ms, max %.3f ms (no request)\n", NR, a[int((NR+1)/2)]/1000, a[NR]/1000}'
us "$W/b.log" | head -n 1 | awk '{printf "new process, compiled program in the cache directory: %.2f ms (fetch %.2f ms)\n", $1/1000, $2/1000}'
