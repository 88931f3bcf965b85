# tests/sip/tlsdns.sh — sourced by tests/sip/run.sh (uses its W, T, B, ok, bad, has, sanitized,
# freeport, tlscert, lp_*, PIDS, LIFE and the compiled ./out; SIP_PART=tlsdns runs it alone).
#
# 2g. SIP over TLS to a next hop given by host name (docs/sip.md "TLS"): a DNS server of our
# own (tests/sip/dns.py, --dns-server) knows the .test names below, all at 127.0.0.1, and a
# baresip listens on TLS with a certificate (trusted by --sip-tls-ca) whose subjectAltNames are
# DNS:pbx.test, DNS:srv.test and DNS:*.wild.test, its subject CN=cn.test. Each call is one
# run of ./out, which hangs up as soon as the call is connected:
#   - pbx.test:PORT (A record): connects; the INVITE's Request-URI keeps the name;
#   - srv.test (no port: SRV _sips._tcp.srv.test, its target's A record asked for): connects;
#   - a.wild.test (SRV with the target's address in the additional section; the wildcard
#     name): connects;
#   - other.test (an A record; the certificate does not name it), cn.test (only the CN names
#     it), b.a.wild.test (the wildcard stands for one label): refused with the reason, no call;
#   - other.test as the --sip-proxy: refused before any INVITE;
#   - nosuch.test (NXDOMAIN): connection.failed reason unknownhost; slow.test (never answered):
#     reason timeout when <createcall timeout> (2 s) is over;
#   - other.test with --sip-tls-no-verify: connects (libre's own resolution asks --dns-server).
#   - the name goes in the handshake (SNI, seen by a TLS server of Python's);
#   - two calls in turn from one program (tlsreuse.ccxml), the first one's TLS connection still
#     open: pbx.test then other.test (refused at once: the certificate seen on that connection
#     does not name it), pbx.test then srv.test (both connect).
#   - the dialog's next hop by name (tlsroute.py): a Record-Route host.wild.test:PORT2 (our ACK
#     and BYE reach it on a new connection), other.test:PORT2 (refused, logged with the call's
#     Call-ID, "bye":"refused" in the call's record), a Contact host.wild.test:PORT2 (the BYE
#     reaches it; also when the document hangs up at once and --once ends the program, and on
#     SIGTERM with the call up); a target refresh (re-INVITE, UPDATE) to a Contact by name:
#     checked against the new name; a Contact never resolved: --once waits --grace (1 s) only,
#     the record says "unsent".
tlscert dnshost cn.test DNS:pbx.test,DNS:srv.test,DNS:*.wild.test
lp_baresip_start "$W/baresip-dns" "$LIFE" "sip_certificate		$W/dnshost.pem" || true
PIDS+=("$LP_BARESIP_PID")
DBP=$((LP_BARESIP_PORT + 1))
DBOUT=$LP_BARESIP_OUT
rm -f "$W/dns.port" "$W/dns.log" # (SIP_ROUNDS: this round's server, not the last one's)
timeout "$((LIFE + 10))" python3 "$T/dns.py" "$W/dns.port" "$W/dns.log" "$LIFE" \
	A:pbx.test=127.0.0.1 A:other.test=127.0.0.1 A:cn.test=127.0.0.1 \
	"SRV:_sips._tcp.srv.test=0:0:$DBP:target.srv.test" A:target.srv.test=127.0.0.1 \
	"SRV+:_sips._tcp.a.wild.test=0:0:$DBP:host.wild.test" A:host.wild.test=127.0.0.1 \
	A:b.a.wild.test=127.0.0.1 DROP:slow.test= &
PIDS+=("$!")
for ((i = 0; i < 300; i++)); do [ -s "$W/dns.port" ] && break; sleep 0.1; done
DNS="127.0.0.1:$(cat "$W/dns.port" 2>/dev/null)"

# dnscall NAME DEST ARGS...: ./out calls DEST over TLS, names resolved by our DNS server; rc and
# $W/NAME.{out,err,trace}
dnscall() {
	local name=$1 dest=$2 SP
	shift 2
	SP=$(freeport)
	rm -f "$W/$name.trace" # (--sip-trace appends)
	(cd "$W" && exec timeout -k 2 60 ./out --sip "127.0.0.1:$SP" --once --media-root "$W" \
		--sip-tls-cert "$W/tls.pem" --dns-server "$DNS" --sip-trace "$W/$name.trace" \
		--values "dest=$dest" "$@") >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
}
dcalls() { grep -c "Call established" "$DBOUT"; }

# connects NAME DEST WHAT ARGS...: the call is answered, its INVITE's Request-URI is DEST
connects() {
	local name=$1 dest=$2 what=$3 n0
	shift 3
	n0=$(dcalls)
	dnscall "$name" "$dest" --sip-tls-ca "$W/dnshost.crt" "$@"
	if why=$(has "$W/$name.out" "CONNECTED proto=sip/2.0 originator=local remote=$dest" \
			"DISCONNECTED trigger=local") &&
		why="the INVITE's Request-URI is not $dest" && grep -qF "INVITE $dest SIP/2.0" "$W/$name.trace" &&
		why="baresip saw no call" && [ "$(dcalls)" -gt "$n0" ] &&
		why="a refusal logged" && ! grep -q "TLS: the certificate\|TLS: refused" "$W/$name.err" &&
		why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/$name.err"; then
		ok "SIP over TLS to a host name: $what"
	else
		bad "SIP over TLS to a host name: $what" "$why" "$W/$name.out" "$W/$name.err" "$W/dns.log"
	fi
}

# refused NAME DEST REASON WHAT ARGS...: connection.failed with REASON, one warning, no call
refused() {
	local name=$1 dest=$2 reason=$3 what=$4 n0
	shift 4
	n0=$(dcalls)
	dnscall "$name" "$dest" --sip-tls-ca "$W/dnshost.crt" --log-format text "$@"
	if why=$(has "$W/$name.out" "FAILED reason=$reason code=none") &&
		why="not one warning line 'failed: $reason'" &&
		[ "$(grep -c "Z warning .*failed: $reason\$" "$W/$name.err")" = 1 ] &&
		why="baresip saw a call" && [ "$(dcalls)" = "$n0" ] &&
		why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/$name.err"; then
		ok "SIP over TLS to a host name: $what"
	else
		bad "SIP over TLS to a host name: $what" "$why" "$W/$name.out" "$W/$name.err" "$W/dns.log"
	fi
}

connects dnsa "sip:4072223333@pbx.test:$DBP;transport=tls" \
	"pbx.test:PORT (A record), certificate naming it: connects, the Request-URI keeps the name"
why=$(has "$W/dns.log" "A pbx.test") || bad "A record asked for" "$why" "$W/dns.log"
connects dnssrv "sip:4072223333@srv.test;transport=tls" \
	"srv.test (SRV _sips._tcp, then its target's A record): connects"
why=$(has "$W/dns.log" "SRV _sips._tcp.srv.test" "A target.srv.test") || bad "SRV then A asked for" "$why" "$W/dns.log"
connects dnswild "sip:4072223333@a.wild.test;transport=tls" \
	"a.wild.test (SRV, address in the additional section; wildcard *.wild.test): connects"
why="the SRV target's address asked for (it came with the SRV answer)" &&
	! grep -q "A host.wild.test" "$W/dns.log" || bad "SRV additional section" "$why" "$W/dns.log"

refused dnsother "sip:4072223333@other.test:$DBP;transport=tls" \
	"TLS: the certificate of 127.0.0.1:$DBP does not name other.test (hostname mismatch)" \
	"a trusted certificate not naming it: connection.failed naming the mismatch, no call"
refused dnscn "sip:4072223333@cn.test:$DBP;transport=tls" \
	"TLS: the certificate of 127.0.0.1:$DBP does not name cn.test (hostname mismatch)" \
	"named by the subject's CN only (it has DNS names): refused"
refused dnsdeep "sip:4072223333@b.a.wild.test:$DBP;transport=tls" \
	"TLS: the certificate of 127.0.0.1:$DBP does not name b.a.wild.test (hostname mismatch)" \
	"*.wild.test does not stand for two labels: refused"
refused dnsproxy "sip:4072223333@192.0.2.1;transport=tls" \
	"TLS: the certificate of 127.0.0.1:$DBP does not name other.test (hostname mismatch)" \
	"--sip-proxy other.test: its certificate is checked against that name, refused" \
	--sip-proxy "sip:other.test:$DBP;transport=tls"
why="an INVITE was sent" && ! grep -q "^INVITE" "$W/dnsproxy.trace" ||
	bad "--sip-proxy by host name: nothing sent" "$why" "$W/dnsproxy.trace"

dnscall dnsnx "sip:4072223333@nosuch.test:$DBP;transport=tls" --sip-tls-ca "$W/dnshost.crt"
if why=$(has "$W/dnsnx.out" "FAILED reason=unknownhost code=none") &&
	why=$(has "$W/dnsnx.err" "does not resolve") && why=$(has "$W/dns.log" "A nosuch.test") &&
	why="an INVITE was sent" && ! grep -q "^INVITE" "$W/dnsnx.trace" &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsnx.err"; then
	ok "SIP over TLS to a host name: nosuch.test (NXDOMAIN): connection.failed reason unknownhost"
else
	bad "SIP over TLS to an unknown host name" "$why" "$W/dnsnx.out" "$W/dnsnx.err" "$W/dns.log"
fi

# a name server that never answers: <createcall timeout> (2 s) ends the attempt, reason timeout;
# the session ends with the resolution still in flight (dropped with the call)
dnscall dnsslow "sip:4072223333@slow.test:$DBP;transport=tls" --sip-tls-ca "$W/dnshost.crt" \
	--values timeout=2s
if why=$(has "$W/dnsslow.out" "FAILED reason=timeout code=none") && why=$(has "$W/dns.log" "A slow.test") &&
	why="an INVITE was sent" && ! grep -q "^INVITE" "$W/dnsslow.trace" &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsslow.err"; then
	ok "SIP over TLS to a host name: no answer from the name server: connection.failed reason timeout (createcall timeout)"
else
	bad "SIP over TLS to a host name, no DNS answer" "$why" "$W/dnsslow.out" "$W/dnsslow.err" "$W/dns.log"
fi

n0=$(dcalls)
dnscall dnsnv "sip:4072223333@other.test:$DBP;transport=tls" --sip-tls-no-verify
if why=$(has "$W/dnsnv.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local") &&
	why="baresip saw no call" && [ "$(dcalls)" -gt "$n0" ] &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsnv.err"; then
	ok "SIP over TLS to a host name, --sip-tls-no-verify: connects (libre resolves through --dns-server)"
else
	bad "SIP over TLS to a host name, --sip-tls-no-verify" "$why" "$W/dnsnv.out" "$W/dnsnv.err" "$W/dns.log"
fi

# A second call over the connection of the first: libre sends it without a handshake, so the
# certificate seen then is checked against the second call's name (refused: no call); the
# first call's name again goes through.
compile "$T/tlsreuse.ccxml" "$W/tlsreuse"
reuse() {
	local name=$1 SP
	shift
	SP=$(freeport)
	(cd "$W" && exec timeout -k 2 60 ./tlsreuse --sip "127.0.0.1:$SP" --once --sip-tls-cert "$W/tls.pem" \
		--sip-tls-ca "$W/dnshost.crt" --dns-server "$DNS" --log-format text "$@") >"$W/$name.out" 2>"$W/$name.err"
	rc=$?
}
n0=$(dcalls)
reuse dnsreuse --values "dest=sip:4072223333@pbx.test:$DBP;transport=tls" \
	--values "dest2=sip:4072223333@other.test:$DBP;transport=tls"
reason="TLS: the certificate of 127.0.0.1:$DBP does not name other.test (hostname mismatch)"
if why=$(has "$W/dnsreuse.out" "CALL 1 CONNECTED" "CALL 1 DISCONNECTED" "CALL 2 FAILED reason=$reason") &&
	why="not one warning line 'failed: $reason'" &&
	[ "$(grep -c "Z warning .*: $reason\$" "$W/dnsreuse.err")" = 1 ] &&
	why="baresip saw $(($(dcalls) - n0)) calls, want 1" && [ "$(dcalls)" = $((n0 + 1)) ] &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsreuse.err"; then
	ok "SIP over TLS to a host name: a second call to another name over the open connection is checked against its certificate (refused)"
else
	bad "SIP over TLS to a host name, connection reused" "$why" "$W/dnsreuse.out" "$W/dnsreuse.err"
fi
n0=$(dcalls)
reuse dnsreuse2 --values "dest=sip:4072223333@pbx.test:$DBP;transport=tls" \
	--values "dest2=sip:4072223333@srv.test;transport=tls"
if why=$(has "$W/dnsreuse2.out" "CALL 1 CONNECTED" "CALL 2 CONNECTED" "CALL 2 DISCONNECTED") &&
	why="baresip saw $(($(dcalls) - n0)) calls, want 2" && [ "$(dcalls)" = $((n0 + 2)) ] &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsreuse2.err"; then
	ok "SIP over TLS to a host name: a second call to a name the open connection's certificate carries connects"
else
	bad "SIP over TLS to a host name, connection reused for a named host" "$why" "$W/dnsreuse2.out" "$W/dnsreuse2.err"
fi
lp_stop "$LP_BARESIP_PID" 5

# The dialog's next hop given by host name (tests/sip/tlsroute.py): the peer answers our INVITE
# (to pbx.test) with a Record-Route, or a Contact, naming HOST:PORT2 and closes the connection,
# so our ACK and BYE need a new one, to PORT2: the name is resolved when the dialog is made and
# the certificate must name it (host.wild.test: the wildcard), else the request cannot go
# (other.test: refused, the reason logged with the call's Call-ID).
route() {
	local name=$1 mode=$2 host=$3
	shift 3
	RP=$(freeport)
	RP2=$(freeport)
	timeout 40 python3 "$T/tlsroute.py" "$RP" "$RP2" "$W/dnshost.crt" "$W/dnshost.key" \
		"$W/$name.peer" "$mode" "$host" &
	PIDS+=("$!")
	lp_wait_for "$W/$name.peer" listening 30
	# the call stays up 1 s (the ACK goes first), then the platform ends it (BYE) and the
	# program exits (--once waits for the BYE: resolved, checked, sent); ARGS... instead: the
	# document hangs up as soon as it is connected
	[ $# -gt 0 ] || set -- --values hold=1 --max-call-duration 1
	rm -f "$W/$name.cdr" # (SIP_ROUNDS: one record per run)
	dnscall "$name" "sip:4072223333@pbx.test:$RP;transport=tls" --sip-tls-ca "$W/dnshost.crt" \
		--log-format text --cdr-file "$W/$name.cdr" "$@"
	wait "${PIDS[-1]}" 2>/dev/null
}
# cdrbye NAME BYE REASON: the call record of ./out's call NAME says "bye":BYE, "bye_reason":REASON
cdrbye() {
	python3 - "$W/$1.cdr" "$2" "$3" <<'PY'
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
want = None if sys.argv[3] == "null" else sys.argv[3]
ok = len(r) == 1 and r[0].get("bye") == sys.argv[2] and r[0].get("bye_reason") == want
sys.exit(0 if ok else "record: %s" % r)
PY
}
route dnsrr rr host.wild.test
if why=$(has "$W/dnsrr.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local reason=max-duration") &&
	why=$(has "$W/dnsrr.peer" "HANDSHAKE ok" "ACK sip:peer@127.0.0.1:$RP;transport=tls SIP/2.0" \
		"ROUTE <sip:host.wild.test:$RP2;transport=tls;lr>" "BYE sip:peer@127.0.0.1:$RP;transport=tls SIP/2.0") &&
	why=$(has "$W/dns.log" "A host.wild.test") &&
	why="a refusal logged" && ! grep -q "TLS: the certificate\|TLS: refused\|cannot go" "$W/dnsrr.err" &&
	why=$(cdrbye dnsrr sent null 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsrr.err"; then
	ok "SIP over TLS: a Record-Route by host name (named by the certificate): our ACK and BYE reach it on a new connection"
else
	bad "SIP over TLS: Record-Route by host name" "$why" "$W/dnsrr.out" "$W/dnsrr.err" "$W/dnsrr.peer"
fi
route dnsrrbad rr other.test
reason="TLS: the certificate of 127.0.0.1:$RP2 does not name other.test (hostname mismatch)"
callid=$(sed -n 's/^Call-ID: //p' "$W/dnsrrbad.trace" | head -1 | tr -d '\r')
if why=$(has "$W/dnsrrbad.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local reason=max-duration") &&
	why=$(has "$W/dnsrrbad.peer" "HANDSHAKE failed") &&
	why="the peer got a request over it" && ! grep -q "^BYE\|^ACK" "$W/dnsrrbad.peer" &&
	why="no warning line with the Call-ID '$callid' and 'cannot go: $reason'" &&
	[ -n "$callid" ] && grep -F "$callid" "$W/dnsrrbad.err" | grep -q "Z warning .*cannot go: $reason\$" &&
	why=$(cdrbye dnsrrbad refused "$reason" 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsrrbad.err"; then
	ok "SIP over TLS: a Record-Route by host name the certificate does not name: our BYE is refused, the reason logged with the call and in its record"
else
	bad "SIP over TLS: Record-Route by host name not in the certificate" "$why" "$W/dnsrrbad.out" "$W/dnsrrbad.err" "$W/dnsrrbad.peer"
fi
route dnsct contact host.wild.test
if why=$(has "$W/dnsct.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local reason=max-duration") &&
	why=$(has "$W/dnsct.peer" "HANDSHAKE ok" "BYE sip:peer@host.wild.test:$RP2;transport=tls SIP/2.0") &&
	why="a refusal logged" && ! grep -q "TLS: the certificate\|TLS: refused\|cannot go" "$W/dnsct.err" &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsct.err"; then
	ok "SIP over TLS: a Contact by host name (no Record-Route): our BYE reaches it on a new connection"
else
	bad "SIP over TLS: Contact by host name" "$why" "$W/dnsct.out" "$W/dnsct.err" "$W/dnsct.peer"
fi
# the document hangs up as soon as the call is connected and ends: --once waits for the BYE,
# whose next hop (the Contact by name) is still being resolved then, and exits once it is done
route dnsonce contact host.wild.test --values now=1
if why=$(has "$W/dnsonce.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local") &&
	why=$(has "$W/dnsonce.peer" "HANDSHAKE ok" "BYE sip:peer@host.wild.test:$RP2;transport=tls SIP/2.0") &&
	why=$(cdrbye dnsonce sent null 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsonce.err"; then
	ok "SIP over TLS: --once right after a hang-up waits for the BYE to a Contact by host name (resolved, checked, sent)"
else
	bad "SIP over TLS: --once waits for the BYE" "$why" "$W/dnsonce.out" "$W/dnsonce.err" "$W/dnsonce.peer"
fi
# a target refresh: the peer's re-INVITE moves the dialog's remote target to a Contact by host
# name (PORT2); our BYE goes there, resolved and checked against that name (without it: refused,
# no destination recorded there; other.test refused for "none of our destinations")
route dnsref refresh host.wild.test
if why=$(has "$W/dnsref.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local reason=max-duration") &&
	why=$(has "$W/dnsref.peer" "REINVITE 200" "HANDSHAKE ok" "BYE sip:peer@host.wild.test:$RP2;transport=tls SIP/2.0") &&
	why="a refusal logged" && ! grep -q "TLS: the certificate\|TLS: refused\|cannot go" "$W/dnsref.err" &&
	why=$(cdrbye dnsref sent null 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsref.err"; then
	ok "SIP over TLS: a re-INVITE moving the remote target to a host name: resolved and checked, our BYE reaches it"
else
	bad "SIP over TLS: target refresh to a host name" "$why" "$W/dnsref.out" "$W/dnsref.err" "$W/dnsref.peer"
fi
route dnsrefbad refresh other.test
reason="TLS: the certificate of 127.0.0.1:$RP2 does not name other.test (hostname mismatch)"
if why=$(has "$W/dnsrefbad.out" "CONNECTED proto=sip/2.0" "DISCONNECTED trigger=local reason=max-duration") &&
	why=$(has "$W/dnsrefbad.peer" "REINVITE 200" "HANDSHAKE failed") &&
	why="the peer got a BYE" && ! grep -q "^BYE" "$W/dnsrefbad.peer" &&
	why="no warning line 'cannot go: $reason'" && grep -q "Z warning .*cannot go: $reason\$" "$W/dnsrefbad.err" &&
	why=$(cdrbye dnsrefbad refused "$reason" 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsrefbad.err"; then
	ok "SIP over TLS: a re-INVITE moving the remote target to a host name the certificate does not name: our BYE is refused, in the call's record"
else
	bad "SIP over TLS: target refresh to a host name not in the certificate" "$why" "$W/dnsrefbad.out" "$W/dnsrefbad.err" "$W/dnsrefbad.peer"
fi
route dnsrefu refreshu other.test
reason="TLS: the certificate of 127.0.0.1:$RP2 does not name other.test (hostname mismatch)"
if why=$(has "$W/dnsrefu.peer" "UPDATE 200" "HANDSHAKE failed") &&
	why="the peer got a BYE" && ! grep -q "^BYE" "$W/dnsrefu.peer" &&
	why=$(cdrbye dnsrefu refused "$reason" 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsrefu.err"; then
	ok "SIP over TLS: an UPDATE moving the remote target to a host name the certificate does not name: our BYE is refused"
else
	bad "SIP over TLS: target refresh by UPDATE" "$why" "$W/dnsrefu.out" "$W/dnsrefu.err" "$W/dnsrefu.peer"
fi

# SIGTERM while the call is up: the session ends (ccxml.kill), its call is hung up, and the stop
# waits for that BYE (to a Contact by name) before the program exits
RP=$(freeport)
RP2=$(freeport)
timeout 40 python3 "$T/tlsroute.py" "$RP" "$RP2" "$W/dnshost.crt" "$W/dnshost.key" \
	"$W/dnsterm.peer" contact host.wild.test &
PIDS+=("$!")
lp_wait_for "$W/dnsterm.peer" listening 30
SP=$(freeport)
rm -f "$W/dnsterm.cdr" "$W/dnsgrace.cdr"
(cd "$W" && exec timeout -k 2 60 ./out --sip "127.0.0.1:$SP" --once --sip-tls-cert "$W/tls.pem" \
	--dns-server "$DNS" --sip-tls-ca "$W/dnshost.crt" --log-format text --cdr-file "$W/dnsterm.cdr" \
	--values "dest=sip:4072223333@pbx.test:$RP;transport=tls" --values hold=1) \
	>"$W/dnsterm.out" 2>"$W/dnsterm.err" &
tpid=$! # timeout's: it hands the SIGTERM on to the program
lp_wait_for "$W/dnsterm.out" CONNECTED 30
sleep 0.2
kill -TERM "$tpid" 2>/dev/null
wait "$tpid"
wait "${PIDS[-1]}" 2>/dev/null
if why=$(has "$W/dnsterm.peer" "HANDSHAKE ok" "BYE sip:peer@host.wild.test:$RP2;transport=tls SIP/2.0") &&
	why=$(cdrbye dnsterm sent null 2>&1) && why=$(has "$W/dnsterm.err" "signal 15: stopping") &&
	why="sanitizer report" && ! sanitized "$W/dnsterm.err"; then
	ok "SIP over TLS: SIGTERM with a call up: the stop waits for its BYE to a Contact by host name"
else
	bad "SIP over TLS: SIGTERM waits for the BYE" "$why" "$W/dnsterm.out" "$W/dnsterm.err" "$W/dnsterm.peer"
fi

# a Contact whose name the name server never answers for: the BYE waits for the resolution, the
# program for the BYE until --grace (1 s) is over; the record says unsent
RP=$(freeport)
RP2=$(freeport)
timeout 40 python3 "$T/tlsroute.py" "$RP" "$RP2" "$W/dnshost.crt" "$W/dnshost.key" \
	"$W/dnsgrace.peer" contact slow.test &
gpid=$!
PIDS+=("$gpid")
lp_wait_for "$W/dnsgrace.peer" listening 30
dnscall dnsgrace "sip:4072223333@pbx.test:$RP;transport=tls" --sip-tls-ca "$W/dnshost.crt" \
	--log-format text --cdr-file "$W/dnsgrace.cdr" --grace 1
kill "$gpid" 2>/dev/null
if why=$(has "$W/dnsgrace.out" "DISCONNECTED trigger=local") &&
	why=$(has "$W/dnsgrace.err" "grace time over: 0 session(s) and 1 transfer(s) (1 BYE(s)) left") &&
	why=$(cdrbye dnsgrace unsent "the program stopped before the BYE was done" 2>&1) &&
	why="exit status $rc" && [ "$rc" = 0 ] && why="sanitizer report" && ! sanitized "$W/dnsgrace.err"; then
	ok "SIP over TLS: a BYE whose next hop never resolves holds --once for the grace time (1 s) only; its record says unsent"
else
	bad "SIP over TLS: --once and a BYE never resolved" "$why" "$W/dnsgrace.out" "$W/dnsgrace.err" "$W/dnsgrace.cdr"
fi

# SNI: the name goes in the ClientHello (a TLS server of Python's records it, reads the INVITE
# and closes; the call then fails, what is checked is the name it was sent)
NP=$(freeport)
timeout 60 python3 - "$NP" "$W/dnshost.crt" "$W/dnshost.key" "$W/sni.log" <<'PY' &
import socket, ssl, sys
port, crt, key, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], open(sys.argv[4], "w", buffering=1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(crt, key)
def sni(sock, name, c):
    log.write("SNI %s\n" % name)  # (a value returned would be an alert)
ctx.sni_callback = sni
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port))
s.listen(1)
log.write("listening\n")
c, _ = s.accept()
t = ctx.wrap_socket(c, server_side=True)
log.write("READ %r\n" % t.recv(100)[:60])
t.close()
PY
PIDS+=("$!")
lp_wait_for "$W/sni.log" listening 30
dnscall dnssni "sip:4072223333@pbx.test:$NP;transport=tls" --sip-tls-ca "$W/dnshost.crt" --values timeout=2s
if why=$(has "$W/sni.log" "SNI pbx.test" "READ b'INVITE sip:4072223333@pbx.test:$NP;transport=tls") &&
	why="sanitizer report" && ! sanitized "$W/dnssni.err"; then
	ok "SIP over TLS to a host name: the name is sent in the handshake (SNI)"
else
	bad "SIP over TLS to a host name: SNI" "$why" "$W/sni.log" "$W/dnssni.out" "$W/dnssni.err"
fi
