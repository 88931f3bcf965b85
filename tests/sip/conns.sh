# tests/sip/conns.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has, sanitized,
# freeport, lp_*, PIDS, LIFE, the compiled ./in and the certificate tls.pem; SIP_PART=conns runs
# it alone; about 35 s).
#
# 5f. The bound on inbound SIP connections over TCP and TLS (docs/sip.md "Limits"): the program
# runs with --sip-max-connections 40 --sip-max-connections-per-address 8
# --sip-connection-idle 4 and TLS. A call over TCP (sipp, 9 s without a byte) is up; then
# tests/sip/connflood.py opens connections from 127.0.0.2 on and on, 8 each from .3 and .4, 20
# to the TLS port from .8, one OPTIONS from .7, 8 each from .5 and .6 past the total; 3 s in, a
# second call over TCP from 127.0.0.9. Checked: the descriptors stay under the bound plus a
# few; connections past a bound are reset by the server; the OPTIONS connection is closed ~4 s
# after its answer; both calls complete (the first was never cut though silent past the idle
# bound); /metrics counts the refusals and closings (promtool agrees); one WARN line at the
# first refusal, the others counted into one line 10 s later.
CP=$(freeport)
HP=$(freeport)
printf 'admin-0123456789abcdef\n' >"$W/conns.admin" && chmod 600 "$W/conns.admin"
(cd "$W" && exec timeout -k 2 "$LIFE" ./in --sip "127.0.0.1:$CP" --http "127.0.0.1:$HP" \
	--admin-token-file "$W/conns.admin" --sip-tls-cert "$W/tls.pem" \
	--sip-max-connections 40 --sip-max-connections-per-address 8 --sip-connection-idle 4) \
	>"$W/conns.out" 2>"$W/conns.err" &
CONNP=$!
PIDS+=("$CONNP")
lp_wait_for "$W/conns.err" "listening on" 30
CPROG=$(pgrep -P "$CONNP" | head -1) # the program under timeout
UP=$(freeport)
timeout -k 2 60 sipp -sf "$T/uac_hold.xml" -s hold "127.0.0.1:$CP" -t t1 -i 127.0.0.1 -p "$UP" \
	-m 1 -d 9000 -timeout 40s -nostdin -trace_err -error_file "$W/conns1.sipperr" >/dev/null 2>&1 &
call1=$!
PIDS+=("$call1")
lp_wait_for "$W/conns.out" "CONNECTED" 20
UP2=$(freeport)
timeout -k 2 60 python3 "$T/connflood.py" "$CP" "$((CP + 1))" "$CPROG" \
	timeout -k 2 30 sipp -sf "$T/uac_hold.xml" -s during "127.0.0.1:$CP" -t t1 -i 127.0.0.9 \
	-p "$UP2" -m 1 -d 500 -timeout 20s -nostdin -trace_err -error_file "$W/conns2.sipperr" \
	>"$W/conns.flood" 2>&1
waitpid_for "$call1" 20
wait "$call1"
rc1=$?
# the refusals after the first line are counted into one line at most 10 s after it
lp_wait_for "$W/conns.err" "more since the last such line" 15
curl -s -m 10 -H 'Authorization: Bearer admin-0123456789abcdef' "http://127.0.0.1:$HP/metrics" \
	>"$W/conns.metrics"
lp_stop "$CONNP" 5
fl() { awk -v k="$1" '$1 == k {print $2}' "$W/conns.flood"; }
cm() { awk -v k="$1" '$1 == k {print $2}' "$W/conns.metrics"; }
fd0=$(fl fd0)
fdmax=$(fl fdmax)
first="sip: an inbound T[CL][PS] connection from .* refused at once: .*"
nfirst=$(grep -c "$first (such refusals are logged at most once in 10 s)\$" "$W/conns.err")
nmore=$(grep -c "$first; [0-9]* more since the last such line (these are logged at most once in 10 s)\$" "$W/conns.err")
more=$(grep -o "; [0-9]* more since the last such line" "$W/conns.err" | head -1 | grep -o "[0-9]*")
oc=$(fl options_close_s)
if why="connflood.py: $(tr '\n' ' ' <"$W/conns.flood")" && [ -n "$fdmax" ] && [ "$fd0" -gt 0 ] &&
	why="descriptors $fd0 -> at most $fdmax during the flood (bound 40)" &&
	[ "$fdmax" -le $((fd0 + 40 + 10)) ] &&
	why="127.0.0.2: $(fl reset.2) connections reset, want 100 or more (8 kept)" && [ "$(fl reset.2)" -ge 100 ] &&
	why="TLS port: $(fl reset.8) of 20 reset, want 12 or more" && [ "$(fl reset.8)" -ge 12 ] &&
	why=".3 and .4: $(fl reset.3), $(fl reset.4) reset (within both bounds)" &&
	[ "$(fl reset.3)" = 0 ] && [ "$(fl reset.4)" = 0 ] &&
	why="OPTIONS: $(fl options_answer), connection closed after $oc s (want 3.5-6.5)" &&
	[ "$(fl options_answer)" = "SIP/2.0" ] && [ "$oc" != never ] &&
	awk -v s="$oc" 'BEGIN {exit !(s >= 3.5 && s <= 6.5)}' &&
	why="call held through the flood: sipp exit status $rc1" && [ "$rc1" = 0 ] &&
	why="call during the flood: sipp exit status $(fl call_rc)" && [ "$(fl call_rc)" = 0 ] &&
	why=$(has "$W/conns.out" "ALERTING local=sip:hold@" "ALERTING local=sip:during@") &&
	why="$(grep -c 'DISCONNECTED trigger=remote reason=hangup' "$W/conns.out") calls ended by the caller's BYE" &&
	[ "$(grep -c 'DISCONNECTED trigger=remote reason=hangup' "$W/conns.out")" = 2 ] &&
	why="WARN lines: $nfirst at the first refusal, $nmore later (with $more refusals), want 1 and 1" &&
	[ "$nfirst" = 1 ] && [ "$nmore" = 1 ] && [ "${more:-0}" -ge 50 ] &&
	why="/metrics: $(grep '^ccxml_sip_conn' "$W/conns.metrics" | tr '\n' ' ')" &&
	[ "$(cm 'ccxml_sip_connections_refused_total{limit="address"}')" -ge 100 ] &&
	[ "$(cm 'ccxml_sip_connections_closed_total{reason="idle"}')" -ge 20 ] &&
	[ "$(cm 'ccxml_sip_connections_closed_total{reason="yielded"}')" -ge 1 ] &&
	why="$why; 10 connections past the total (40) must be refused or take a silent one's place" &&
	[ $(($(cm 'ccxml_sip_connections_refused_total{limit="total"}') +
		$(cm 'ccxml_sip_connections_closed_total{reason="yielded"}'))) -ge 11 ] &&
	why="promtool: $(promtool check metrics <"$W/conns.metrics" 2>&1 | head -3)" &&
	promtool check metrics <"$W/conns.metrics" >/dev/null 2>&1 &&
	why="sanitizer report" && ! sanitized "$W/conns.err"; then
	ok "inbound SIP connections bounded: fds $fd0 -> at most $fdmax under a flood, $(fl reset.2) resets from one address, an idle one closed after ${oc} s, calls held and placed during it, 1+1 WARN lines ($more counted)"
else
	bad "inbound SIP connections bounded" "$why" "$W/conns.flood" "$W/conns.err" "$W/conns.out" \
		"$W/conns1.sipperr" "$W/conns2.sipperr" "$W/conns.metrics"
fi

# The caller's connection carries our call back to it (tests/sip/reuse.ccxml, reusepeer.py): the
# peer calls in over TCP from its own SIP port and hangs up; the session calls it back, and libre
# sends that INVITE over the peer's connection. The peer rings 4 s without a byte with
# --sip-connection-idle 2: the call holds the connection (before the fix it was closed, the
# call lost), then answers; our BYE follows.
compile "$T/reuse.ccxml" "$W/reuse"
RP=$(freeport)
PP=$(freeport)
(cd "$W" && exec timeout -k 2 "$LIFE" ./reuse --sip "127.0.0.1:$RP" --sip-connection-idle 2) \
	>"$W/reuse.out" 2>"$W/reuse.err" &
REUSEP=$!
PIDS+=("$REUSEP")
lp_wait_for "$W/reuse.err" "listening on" 30
timeout -k 2 60 python3 "$T/reusepeer.py" "$RP" "$PP" 4 >"$W/reuse.peer" 2>&1
prc=$?
lp_wait_for "$W/reuse.out" "OUT DISCONNECTED" 10
lp_stop "$REUSEP" 5
if why="reusepeer.py: exit status $prc, $(tr '\n' ' ' <"$W/reuse.peer")" && [ "$prc" = 0 ] &&
	why=$(has "$W/reuse.out" "IN CONNECTED" "IN DISCONNECTED calling sip:peer@127.0.0.1:$PP;transport=tcp" \
		"OUT CONNECTED" "OUT DISCONNECTED") &&
	why="sanitizer report" && ! sanitized "$W/reuse.err"; then
	ok "our call over a connection the far end opened: held through 4 s of ringing past --sip-connection-idle 2"
else
	bad "our call over the far end's connection" "$why" "$W/reuse.peer" "$W/reuse.out" "$W/reuse.err"
fi

# Values out of range are refused at start, with the range (exit status 2, nothing listens).
SP=$(freeport)
bad_n=$("$W/in" --sip "127.0.0.1:$SP" --sip-max-connections 0 2>&1)
rc_n=$?
bad_i=$("$W/in" --sip "127.0.0.1:$SP" --sip-connection-idle 86401 2>&1)
rc_i=$?
if why="--sip-max-connections 0: status $rc_n, '$bad_n'" && [ $rc_n = 2 ] &&
	[[ $bad_n == *"--sip-max-connections needs a number from 1 to 10000000"* ]] &&
	why="--sip-connection-idle 86401: status $rc_i, '$bad_i'" && [ $rc_i = 2 ] &&
	[[ $bad_i == *"--sip-connection-idle needs seconds from 0 to 86400"* ]]; then
	ok "--sip-max-connections 0 and --sip-connection-idle 86401 refused at start with the range"
else
	bad "connection bound options out of range" "$why"
fi

# 5f (IPv6). The per-address bound counts an IPv6 /64 as one source: the program listens on
# [::1] in a network namespace of the test's own (unshare -rn: its loopback given fd00:1::a,
# fd00:1::b and fd00:2::a, nothing changed on the machine) with
# --sip-max-connections-per-address 4; tests/sip/conns6.py opens 3 connections from fd00:1::a,
# 3 from fd00:1::b (the same /64: the last 2 reset) and 3 from fd00:2::a (another /64: all
# kept). /metrics counts 2 refusals and 7 open connections (promtool agrees).
if ! python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null; then
	echo "skipped: no ::1 (the IPv6 per-/64 bound)"
elif ! unshare -rn true 2>/dev/null; then
	echo "skipped: no network namespace of our own (unshare -rn) for the IPv6 per-/64 bound"
else
	P6=$(freeport)
	H6=$(freeport)
	W="$W" T="$T" P6="$P6" H6="$H6" timeout -k 2 60 unshare -rn bash -c '
		ip link set lo up && ip addr add fd00:1::a/64 dev lo nodad &&
			ip addr add fd00:1::b/64 dev lo nodad && ip addr add fd00:2::a/64 dev lo nodad ||
			{ echo "cannot set up the namespace" >"$W/conns6.flood"; exit 1; }
		cd "$W" && timeout -k 2 40 ./in --sip "[::1]:$P6" --http "127.0.0.1:$H6" \
			--admin-token-file "$W/conns.admin" --sip-max-connections-per-address 4 \
			>"$W/conns6.out" 2>"$W/conns6.err" &
		prog=$!
		for ((i = 0; i < 300; i++)); do grep -q "listening on" "$W/conns6.err" 2>/dev/null && break; sleep 0.1; done
		python3 "$T/conns6.py" "$P6" 20 fd00:1::a:3 fd00:1::b:3 fd00:2::a:3 >"$W/conns6.flood" 2>&1 &
		flood=$!
		for ((i = 0; i < 300; i++)); do grep -q "^done" "$W/conns6.flood" && break; sleep 0.1; done
		curl -s -m 10 -H "Authorization: Bearer admin-0123456789abcdef" \
			"http://127.0.0.1:$H6/metrics" >"$W/conns6.metrics"
		kill "$flood" "$prog"
		wait "$flood" "$prog"'
	c6() { awk -v k="$1" '$1 == k {print $2}' "$W/conns6.metrics"; }
	f6() { awk -v s="$1" -v a="$2" '$1 == s && $2 == a {print $3}' "$W/conns6.flood"; }
	if why="conns6.py: $(tr '\n' ' ' <"$W/conns6.flood")" &&
		[ "$(f6 open fd00:1::a) $(f6 reset fd00:1::a)" = "3 0" ] &&
		[ "$(f6 open fd00:1::b) $(f6 reset fd00:1::b)" = "1 2" ] &&
		[ "$(f6 open fd00:2::a) $(f6 reset fd00:2::a)" = "3 0" ] &&
		why=$(has "$W/conns6.err" "sip: an inbound TCP connection from [fd00:1::b]:") &&
		why="/metrics: $(grep '^ccxml_sip_conn' "$W/conns6.metrics" | tr '\n' ' ')" &&
		[ "$(c6 'ccxml_sip_connections_refused_total{limit="address"}')" = 2 ] &&
		[ "$(c6 ccxml_sip_connections)" = 7 ] &&
		grep -q '^# TYPE ccxml_sip_connections gauge' "$W/conns6.metrics" &&
		grep -q '^# TYPE ccxml_sip_connections_refused_total counter' "$W/conns6.metrics" &&
		grep -q '^# TYPE ccxml_sip_connections_closed_total counter' "$W/conns6.metrics" &&
		why="promtool: $(promtool check metrics <"$W/conns6.metrics" 2>&1 | head -3)" &&
		promtool check metrics <"$W/conns6.metrics" >/dev/null 2>&1 &&
		why="sanitizer report" && ! sanitized "$W/conns6.err"; then
		ok "inbound SIP connections over IPv6 ([::1]): the per-address bound counts a /64 (3+1 kept, 2 reset from fd00:1::/64; 3 kept from fd00:2::/64)"
	else
		bad "inbound SIP connections over IPv6: the per-/64 bound" "$why" "$W/conns6.flood" "$W/conns6.err" \
			"$W/conns6.out" "$W/conns6.metrics"
	fi
fi
