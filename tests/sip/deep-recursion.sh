# tests/sip/deep-recursion.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has,
# sanitized, compile, waitpid_for, PIDS, LIFE and someFile.wav). Issue 7, point 1: a session
# driven into a recursion 10^6 calls deep gets error.semantic with a RangeError, for itself
# alone, while another session of the same program plays audio to baresip: the call's RTP keeps
# flowing, the call ends normally, the process stays up.

compile "$T/deep.ccxml" "$W/deep"
SP=$(freeport)
HP=$(freeport)
(cd "$W" && exec timeout -k 2 120 ./deep --sip "127.0.0.1:$SP" --http "127.0.0.1:$HP" --token deep \
	--inject-token deep-test-injector-0123 --media-root "$W") >"$W/deep.out" 2>"$W/deep.err" &
DP=$!
PIDS+=("$DP")
deep_get() { curl -s -m 10 -o "$W/deep.http" -w '%{http_code}' "http://127.0.0.1:$HP/$1"; }
for ((i = 0; i < 300; i++)); do # an ASan build on a loaded machine may take a while to listen
	[ "$(deep_get health)" = 200 ] && break
	sleep 0.2
done
# baresip only now, with the run's LIFE as its limit (stopped below once the call is over)
lp_baresip_start "$W/baresip-deep" "$LIFE" || true
DBP=$LP_BARESIP_PORT
DBOUT=$LP_BARESIP_OUT
PIDS+=("$LP_BARESIP_PID")
deep_get "CCXML10.start?tokenid=deep&mode=call&dest=sip:4072223333@127.0.0.1:$DBP" >/dev/null
cid=$(sed -n 2p "$W/deep.http")
lp_wait_for "$W/deep.out" "CALL CONNECTED" 15
deep_get "CCXML10.start?tokenid=deep&mode=recurse&peer=$cid" >/dev/null
rid=$(sed -n 2p "$W/deep.http")
lp_wait_for "$W/deep.out" "RECURSE error.semantic 1" 15
deep_get "basichttp?sessionid=$rid&name=again&token=deep-test-injector-0123" >/dev/null
lp_wait_for "$W/deep.out" "RECURSE error.semantic 2" 15
for ((i = 0; i < 5; i++)); do # a loaded machine may let a request time out: `done` again
	case $(deep_get "basichttp?sessionid=$rid&name=done&token=deep-test-injector-0123") in 204 | 404) break ;; esac
	sleep 0.5
done
lp_wait_for "$W/deep.out" "CALL END" 25
health=$(deep_get health)
kill "$DP" 2>/dev/null
waitpid_for "$DP" 5
kill "$LP_BARESIP_PID" 2>/dev/null
waitpid_for "$LP_BARESIP_PID" 5
rx=$(awk '/^packets:/ {print $3; exit}' "$DBOUT")
# packets the program skipped while the recursion held its loop (a prompt skips what is over
# 60 ms late instead of sending it in a burst: docs/decisions.md); each is told on stderr
skipped=$(sed -n 's/.*late for its media clock: \([0-9]*\) prompt packets skipped.*/\1/p' "$W/deep.err" | awk '{n += $1} END {print n + 0}')
plays=$(sed -n 's/.*CALL PLAYED \([0-9]*\).*/\1/p' "$W/deep.out")
plays=${plays:-0}
# the errors came while the call was playing, and each says RangeError
order=$(grep -o -e "CALL CONNECTED" -e "RECURSE error.semantic 2" -e "CALL END" "$W/deep.out" | tr '\n' ,)
if why=$(has "$W/deep.out" "RECURSE START" "RECURSE END 2" "CALL END") &&
	why="reasons: $(grep -c 'error.semantic [12] depth [0-9]*: RangeError: maximum call stack size exceeded' "$W/deep.out")/2" &&
	[ "$(grep -c 'error.semantic [12] depth [0-9]*: RangeError: maximum call stack size exceeded' "$W/deep.out")" = 2 ] &&
	why="order $order" && [ "$order" = "CALL CONNECTED,RECURSE error.semantic 2,CALL END," ] &&
	why="a FAIL line" && ! grep -q FAIL "$W/deep.out" &&
	why="health answered $health" && [ "$health" = 200 ] &&
	why="baresip received ${rx:-no} RTP packets and the program skipped $skipped for $plays plays of 3 s, expected $((140 * plays))..$((160 * plays)) together, at least $((50 * plays)) received" &&
	[ -n "$rx" ] && [ "$plays" -ge 1 ] && [ $((rx + skipped)) -ge $((140 * plays)) ] &&
	[ $((rx + skipped)) -le $((160 * plays)) ] && [ "$rx" -ge $((50 * plays)) ] &&
	why="sanitizer report" && ! sanitized "$W/deep.err"; then
	ok "recursion 10^6 deep in one session (RangeError, error.semantic x2) while another plays: $rx RTP packets ($skipped skipped in the stall) in $plays x 3 s"
else
	bad "deep recursion next to a call" "$why" "$W/deep.out" "$W/deep.err" "$DBOUT"
fi
