# tests/sip/joins.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has, sanitized,
# compile, freeport, waitpid_for, PIDS, LIFE, BARESIP_EXTRA and someFile.wav); alone with
# `SIP_PART=joins tests/sip/run.sh BUILD`. Test 6, joins and conferences:
#
# Leg A is a baresip sending a 440 Hz tone; legs B and C are sipp UASes whose SDP points the
# audio at rtpsink.py (B in PCMA, C in PCMU: the relay transcodes from A's PCMU).
#
# Every peer here is stopped by this file once its check is over; the time limits they are
# started with (LIFE) are only a net for a run that is killed. A limit counted from the peer's
# start is no measure of a check: under load (2 cores, load 7 and more) each python3 started by
# the harness takes seconds, and the peers of the conference used to outlive their 15 s (sipp,
# rtpsink) or 35 s (baresip) before the program called them (docs/testing.md).

compile "$T/join.ccxml" "$W/join"
lp_baresip_start "$W/baresip" "$LIFE" "$BARESIP_EXTRA" || true
BP=$LP_BARESIP_PORT
BARESIP=$LP_BARESIP_PID
BOUT=$LP_BARESIP_OUT
PIDS+=("$BARESIP")

# sink NAME PT LAW: a sipp UAS on $UP_NAME answering with its audio at an rtpsink
sink() {
	local up rp
	up=$(lp_freeport 4) # up and up+1 for sipp, up+2 and up+3 for the sink (one python3 fewer)
	rp=$((up + 2))
	sed "s/@RTP@/$rp/; s/@PT@/$2/g; s/@NAME@/$3/" "$T/uas_sink.xml" >"$W/sink_$1.xml"
	timeout -k 2 "$((LIFE + 10))" python3 "$T/rtpsink.py" "$rp" "$W/$1.json" "$LIFE" &
	PIDS+=("$!")
	SINKS+=("$!")
	timeout -k 2 "$((LIFE + 10))" sipp -sf "$W/sink_$1.xml" -i 127.0.0.1 -p "$up" -m 1 -timeout "${LIFE}s" \
		-nostdin -trace_err -error_file "$W/$1.sipperr" >/dev/null 2>&1 &
	PIDS+=("$!")
	SINKS+=("$!")
	eval "UP_$1=$up"
	# both must listen before the program calls (0.3 s was not always enough under load)
	lp_wait_udp "$rp" 30 && lp_wait_udp "$up" 30 || echo "sink $1: sipp or rtpsink not listening after 30 s"
}

# counts NAME: what the sink NAME wrote, as "packets loud pts" (pts as in '[8]')
counts() {
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["packets"], d["loud"], json.dumps(d["pts"], separators=(",", ":")))' \
		"$W/$1.json" 2>/dev/null
}

# endsinks: stops the sinks (rtpsink.py writes its counts on SIGTERM)
endsinks() {
	local p
	sleep 0.3
	for p in "${SINKS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${SINKS[@]}"; do
		waitpid_for "$p" 5
	done
}

# joinrun MODE SINK PORT BOUT WHAT: join.ccxml in MODE with leg A the baresip at PORT and leg B a
# PCMA sink named SINK; B must get A's tone for the 2 s of the join
joinrun() {
	local m=$1 k=$2 p=$3 bout=$4 what=$5 up n loud pts
	SINKS=()
	sink "$k" 8 PCMA
	up=$(eval echo "\$UP_$k")
	SP=$(freeport)
	(cd "$W" && exec timeout -k 2 60 ./join --sip "127.0.0.1:$SP" --once --trace --media-root "$W" --values mode="$m" \
		--values "a=sip:4072223333@127.0.0.1:$p" --values "b=sip:sink@127.0.0.1:$up") \
		>"$W/$m.out" 2>"$W/$m.err"
	rc=$?
	endsinks
	read -r n loud pts < <(counts "$k")
	if why=$(has "$W/$m.out" "JOINED c" "UNJOINED c" "END") && why="exit status $rc" && [ $rc = 0 ] &&
		why="leg B got ${n:-no} packets (${loud:-0} loud, pts $pts), expected 80..125 loud PCMA" &&
		[ -n "$n" ] && [ "$n" -ge 80 ] && [ "$n" -le 125 ] && [ "$loud" -ge 60 ] && [ "$pts" = "[8]" ] &&
		why="sanitizer report" && ! sanitized "$W/$m.err"; then
		ok "$what: B got $n packets, $loud loud"
	else
		bad "$m" "$why" "$W/$m.out" "$W/$m.err" "$bout" "$W/$k.sipperr"
	fi
}
joinrun join jb "$BP" "$BOUT" "join: A's tone relayed to B (PCMU -> PCMA) for 2 s, unjoin stops it"

SINKS=()
sink cb 8 PCMA
sink cc 0 PCMU
SP=$(freeport)
(cd "$W" && exec timeout -k 2 60 ./join --sip "127.0.0.1:$SP" --once --trace --media-root "$W" --values mode=conf \
	--values "a=sip:4072223333@127.0.0.1:$BP" --values "b=sip:sink@127.0.0.1:$UP_cb" \
	--values "c=sip:sink@127.0.0.1:$UP_cc" --values src=someFile.wav) \
	>"$W/conf.out" 2>"$W/conf.err"
rc=$?
endsinks
read -r nb lb _ < <(counts cb)
read -r nc lc _ < <(counts cc)
if why=$(has "$W/conf.out" "JOINED c" "PROMPT STARTED" "END") && why="exit status $rc" && [ $rc = 0 ] &&
	why="legs B/C got ${nb:-no}/${nc:-no} packets (${lb:-0}/${lc:-0} loud), expected >= 100 loud each" &&
	[ -n "$nb" ] && [ -n "$nc" ] && [ "$nb" -ge 100 ] && [ "$nc" -ge 100 ] && [ "$lb" -ge 100 ] &&
	[ "$lc" -ge 100 ] && why="sanitizer report" && ! sanitized "$W/conf.err"; then
	ok "conference: 3 legs and a prompt mixed: B got $nb packets, C $nc"
else
	bad "conference" "$why" "$W/conf.out" "$W/conf.err" "$BOUT" "$W/cb.sipperr" "$W/cc.sipperr"
fi
lp_stop "$BARESIP" 5

# <createcall joinid>: B is called once A (a baresip of its own) is connected, and joined to it
# when B connects; B must hear A's tone as with <join>.
lp_baresip_start "$W/baresip-joinid" "$LIFE" "$BARESIP_EXTRA" || true
BPJ=$LP_BARESIP_PID
PIDS+=("$BPJ")
joinrun joinid jj "$LP_BARESIP_PORT" "$LP_BARESIP_OUT" \
	"createcall joinid: B joined to A when B connects, A's tone relayed to B for 2 s, unjoin stops it"
lp_stop "$BPJ" 5
