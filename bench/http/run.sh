#!/usr/bin/env bash
# bench/http/run.sh — slow clients against the HTTP listener (docs/http.md, "Connections").
# Compiles tests/http/app.ccxml, starts it with --http on 127.0.0.1, and runs
# tests/http/slowloris.py: CONNS connections trickling their headers, first from one address
# (the per-address limit), then spread over 100 addresses (the total limit, the slowest
# yield), each time with NORMAL plain `GET /health` from 127.0.0.2; then the deadlines.
# Prints the script's key=value results per run. Processes are bounded and ended by their pid.
#   CCXMLC=build/ccxmlc CONNS=1000 NORMAL=500 SECONDS_=8 bench/http/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CCXMLC=${CCXMLC:-build/ccxmlc}
CONNS=${CONNS:-1000}
NORMAL=${NORMAL:-500}
SECONDS_=${SECONDS_:-8}
W=$(mktemp -d /tmp/ccxmlc-bench-http.XXXXXX)
APP=
trap '[ -n "$APP" ] && kill "$APP" 2>/dev/null; wait 2>/dev/null; rm -rf "$W"' EXIT

"$CCXMLC" -o "$W/app" tests/http/app.ccxml
timeout -k 5 600 "$W/app" --sim --http 127.0.0.1:0 >"$W/out" 2>"$W/err" &
APP=$!
for _ in $(seq 100); do grep -q 'listening on' "$W/err" && break; sleep 0.1; done
P=$(sed -n 's/.*http: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/err")
[ -n "$P" ] || { echo "bench/http: no listener"; cat "$W/err"; exit 1; }

run() { # TITLE ARGS...
	local t=$1
	shift
	echo "== $t"
	python3 tests/http/slowloris.py "$P" "$@" | paste -sd' '
	echo "   rss of the program: $(ps -o rss= --ppid "$APP" | tr -d ' ') kB" # $APP is timeout's pid
}
run "no attack" --conns 0 --normal "$NORMAL" --seconds 0
run "$CONNS slow connections from 127.0.0.3" --conns "$CONNS" --from 127.0.0.3 \
	--normal "$NORMAL" --seconds "$SECONDS_"
run "$CONNS slow connections from 127.0.1.1-100" --conns "$CONNS" --from 127.0.1.1-100 \
	--normal "$NORMAL" --seconds "$SECONDS_"
run "deadlines" --deadlines
echo "== log lines about refusals: $(grep -c 'connection' "$W/err")"
