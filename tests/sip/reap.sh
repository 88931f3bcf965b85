# tests/sip/reap.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has, sanitized,
# compile, freeport, lp_*, waitpid_for, PIDS, LIFE; SIP_PART=reap runs it alone).
#
# 5d. A long-running session does not keep its ended calls (docs/decisions.md "Ended
# connections and dialogs are freed"). One session (tests/sip/reap.ccxml) places calls one
# after another and pauses after the 50th and after the last until this script posts a
# basichttp event; at both points /metrics must show no connection or dialog held
# (ccxml_connections_held and ccxml_dialogs_held 0), and memory must not have grown between
# them beyond a generous bound (optimised build only: an ASan build keeps freed memory in its
# quarantine and has no malloc statistics):
#  - on the simulator, 2,000 calls hung up by the far end, each with a dialog: malloc's bytes in
#    use (ccxml_heap_inuse_bytes) at most REAP_SIM_KB (256) KB more. Before the change the
#    session kept them all: +1.9 MB, and the 2,000 calls took 11 times as long;
#  - over SIP, REAP_CALLS (300) calls answered by sipp's UAS, each playing a 60 ms prompt (3
#    RTP packets, from the media send thread when the machine has two CPUs) and hung up with our
#    BYE when it is over: the program's RSS (VmRSS) at most REAP_RSS_KB (3072) KB more, and not
#    one descriptor more (each call's RTP pair and the send thread's copy of its RTP socket
#    closed). Before: +3.4 MB; now about 1 MB, which is libre keeping each answered INVITE's ACK
#    for 64*T1 = 32 s (RFC 3261 13.2.2.4), all given back 40 s later (docs/performance.md
#    "reap").
REAP_CALLS=${REAP_CALLS:-300}
REAP_RSS_KB=${REAP_RSS_KB:-3072}
REAP_SIM_KB=${REAP_SIM_KB:-256}
compile "$T/reap.ccxml" "$W/reap"
printf 'admin-0123456789abcdef\n' >"$W/reap.admin" && chmod 600 "$W/reap.admin"
printf 'call * answer ring=0ms hangup=0ms\ndialog reap.wav duration=10s\n' >"$W/reap.scenario"

# reap_run NAME CALLS ARGS...: runs ./reap with ARGS as NAME; sets reap_why ('' when the
# session paused twice and passed), reap_rss50/reap_rssend (KB), and leaves $W/NAME.m50 and
# $W/NAME.mend (/metrics at the pauses)
reap_run() {
	local name=$1 calls=$2 hp t url i
	shift 2
	hp=$(freeport)
	(cd "$W" && exec timeout -k 2 "$LIFE" ./reap --http "127.0.0.1:$hp" --once \
		--admin-token-file "$W/reap.admin" --values "n=$calls" "$@") >"$W/$name.out" 2>"$W/$name.err" &
	t=$!
	PIDS+=("$t")
	reap_rss50='' reap_rssend='' reap_fd50='' reap_fdend=''
	reap_why="the session did not pause after the 50th call"
	if lp_wait_for "$W/$name.out" "PAUSE 50" 120; then
		reap_rss50=$(lp_rss_kb "$(pgrep -P "$t" | head -1)")
		reap_fd50=$(lp_fds "$(pgrep -P "$t" | head -1)")
		reap__met "$hp" "$W/$name.m50"
		url=$(sed -n 's/.*URL \(http[^ ]*\).*/\1/p' "$W/$name.out" | head -1)
		curl -s -m 10 -o /dev/null "$url&name=go"
		reap_why="the session did not end its $calls calls"
		# a call takes a few ms; a loaded machine and ASan may take 100 times that
		if lp_wait_for "$W/$name.out" "DONE $calls" 300; then
			reap_rssend=$(lp_rss_kb "$(pgrep -P "$t" | head -1)")
			reap_fdend=$(lp_fds "$(pgrep -P "$t" | head -1)")
			reap__met "$hp" "$W/$name.mend"
			curl -s -m 10 -o /dev/null "$url&name=finish"
			reap_why=$(has "$W/$name.out" "PASS $calls calls")
		fi
	fi
	for ((i = 0; i < 300; i++)); do
		kill -0 "$t" 2>/dev/null || break
		sleep 0.1
	done
	lp_stop "$t" 5
	[ -n "$reap_why" ] && return
	# both pauses: nothing held
	for i in m50 mend; do
		reap_why="/metrics at $i: ccxml_connections_held $(reap_m ccxml_connections_held "$W/$name.$i"), ccxml_dialogs_held $(reap_m ccxml_dialogs_held "$W/$name.$i")"
		[ "$(reap_m ccxml_connections_held "$W/$name.$i")" = 0 ] &&
			[ "$(reap_m ccxml_dialogs_held "$W/$name.$i")" = 0 ] || return
	done
	reap_why="ccxml_calls_total: $(grep '^ccxml_calls_total' "$W/$name.mend" | tr '\n' ' ')"
	grep -q "^ccxml_calls_total{direction=\"outbound\",outcome=\"connected\"} $calls\$" "$W/$name.mend" || return
	reap_why="sanitizer report"
	! sanitized "$W/$name.err" || return
	reap_why=''
}
reap__met() { # reap__met PORT FILE: /metrics into FILE
	curl -s -m 10 -H 'Authorization: Bearer admin-0123456789abcdef' \
		"http://127.0.0.1:$1/metrics" >"$2"
}
reap_m() { awk -v k="$1" '$1 == k {print $2}' "$2" 2>/dev/null; }

# the simulator: 2,000 calls, each with a dialog, hung up by the far end
reap_run reapsim 2000 --sim="$W/reap.scenario" --values dest=tel:5551234 --values hangup=remote \
	--values dialog=reap.wav
h50=$(reap_m ccxml_heap_inuse_bytes "$W/reapsim.m50")
hend=$(reap_m ccxml_heap_inuse_bytes "$W/reapsim.mend")
echo "  reap (simulator): 2000 calls; malloc in use ${h50:-?} B after 50, ${hend:-?} B after 2000"
if [ -z "$reap_why" ] && why="malloc's bytes in use ${h50:-?} after 50 calls, ${hend:-?} after 2000 (at most $REAP_SIM_KB KB more)" &&
	{ [[ $B == */asan ]] || { [ -n "$h50" ] && [ -n "$hend" ] && [ $((hend - h50)) -le $((REAP_SIM_KB * 1024)) ]; }; }; then
	ok "one session, 2000 sequential simulated calls with dialogs: none held after their end (/metrics 0)$([[ $B == */asan ]] || echo ", malloc in use $h50 -> $hend B")"
else
	bad "2000 sequential simulated calls in one session" "${reap_why:-$why}" "$W/reapsim.out" "$W/reapsim.err" "$W/reapsim.mend"
fi

# SIP: sipp's UAS answers REAP_CALLS calls, each ended by our BYE
RUP=$(freeport)
timeout -k 2 "$((LIFE + 10))" sipp -sn uas -i 127.0.0.1 -p "$RUP" -m "$REAP_CALLS" -timeout "${LIFE}s" \
	-nostdin -trace_err -error_file "$W/reap.sipperr" >/dev/null 2>&1 &
reap_sipp=$!
PIDS+=("$reap_sipp")
lp_wait_udp "$RUP" 10 || sleep 0.3
python3 -c 'import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8))) for i in range(480))); w.close()' \
	"$W/reap-sip.wav"
reap_run reapsip "$REAP_CALLS" --sip "127.0.0.1:$(freeport)" --values "dest=sip:reap@127.0.0.1:$RUP" \
	--media-root "$W" --values dialog=reap-sip.wav --values hangup=afterdialog
waitpid_for "$reap_sipp" 20
wait "$reap_sipp"
reap_src=$?
echo "  reap (SIP): $REAP_CALLS calls; RSS ${reap_rss50:-?} KB after 50, ${reap_rssend:-?} KB after $REAP_CALLS;" \
	"descriptors ${reap_fd50:-?} -> ${reap_fdend:-?};" \
	"malloc in use $(reap_m ccxml_heap_inuse_bytes "$W/reapsip.m50") -> $(reap_m ccxml_heap_inuse_bytes "$W/reapsip.mend") B"
if [ -z "$reap_why" ] &&
	why="RSS ${reap_rss50:-?} KB after 50 calls, ${reap_rssend:-?} KB after $REAP_CALLS (at most $REAP_RSS_KB KB more)" &&
	{ [[ $B == */asan ]] || { [ -n "$reap_rss50" ] && [ -n "$reap_rssend" ] &&
		[ $((reap_rssend - reap_rss50)) -le "$REAP_RSS_KB" ]; }; } &&
	why="descriptors ${reap_fd50:-?} after 50 calls, ${reap_fdend:-?} after $REAP_CALLS" &&
	[ -n "$reap_fd50" ] && [ -n "$reap_fdend" ] && [ "$reap_fdend" -le "$reap_fd50" ] &&
	why="no media send thread on $(nproc) CPUs" &&
	{ [ "$(nproc)" -lt 2 ] || grep -q "media send thread started" "$W/reapsip.err"; } &&
	reap_tx=$(reap_m ccxml_rtp_packets_sent_total "$W/reapsip.mend") &&
	reap_skip=$(reap_m ccxml_rtp_packets_skipped_total "$W/reapsip.mend") &&
	why="RTP packets sent ${reap_tx:-?} and skipped ${reap_skip:-?}, want 3 a call (a stall of the loaded machine skips some: at most a tenth)" &&
	[ -n "$reap_tx" ] && [ -n "$reap_skip" ] && [ "$reap_tx" -le $((3 * REAP_CALLS)) ] &&
	[ $((reap_tx + reap_skip)) -ge $((3 * REAP_CALLS)) ] && [ $((reap_skip * 10)) -le $((3 * REAP_CALLS)) ] &&
	why="sipp exit status $reap_src ($REAP_CALLS calls answered, each ended by our BYE)" && [ "$reap_src" = 0 ]; then
	ok "one session, $REAP_CALLS sequential SIP calls: none held after their end (/metrics 0)$([[ $B == */asan ]] && echo "; RSS not measured under ASan" || echo ", RSS $reap_rss50 -> $reap_rssend KB")"
else
	bad "$REAP_CALLS sequential SIP calls in one session" "${reap_why:-$why}" "$W/reapsip.out" "$W/reapsip.err" "$W/reap.sipperr" "$W/reapsip.mend"
fi
