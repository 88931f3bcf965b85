#!/usr/bin/env bash
# tests/sip/trunk.sh BUILD — SIP on real networks (docs/sip.md "Trunks") against Kamailio as
# registrar and authenticating proxy, all on loopback with ports chosen at run time. BUILD is
# build or build/asan. Kamailio runs from a config written here (plain passwords, location in
# memory); every process runs under `timeout` and is stopped by its id; about 35 s.
#
#   0. a credentials file open to group/others is refused (exit status 2, a clear message);
#   1. --sip 0.0.0.0:P --public-addr 127.0.0.1 --register sip:alice@KAM;expires=3: the REGISTER
#      is challenged (401), answered, refreshed before expiry; the Contact carries 127.0.0.1;
#      an INVITE sent to Kamailio for alice reaches the document (sipp UAC: accept, BYE) and
#      the SDP answer's c= line is 127.0.0.1; SIGTERM unregisters; --public-addr 198.51.100.10
#      (not local) is the Contact of a registration over TCP;
#   2. a wrong password: the registration failure is logged (realm, user, 401) and retried;
#   3. an outbound call through Kamailio as outbound proxy (407 challenge) to baresip, from
#      --sip 0.0.0.0:P without --public-addr: connects and plays (RTP counted by baresip); the
#      INVITE Kamailio relayed holds the hints.headers, the display name and P-Asserted-Identity,
#      and Contact/SDP carry 127.0.0.1 (the route's source address);
#   4. a wrong proxy password: connection.failed reason authentication, code 407, a log line;
#      credentials keyed by the proxy's host (no entry for the realm) are used; none at all:
#      connection.failed reason authentication naming the realm;
#   5. hints.headers naming Via: error.semantic, no INVITE.
# Exit status 0 when all passed.
set -u
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
B=${1:-build}
[[ $B == /* ]] || B=$ROOT/$B
T=$ROOT/tests/sip
W=$(mktemp -d /tmp/ccxml-trunk.XXXXXX)
FAILS=0
N=0
. "$ROOT/scripts/lib-peers.sh"

cleanup() {
	lp_stop_tracked 3
	rm -rf "$W"
}
trap cleanup EXIT

for tool in kamailio sipp baresip python3; do
	if ! command -v $tool >/dev/null; then
		echo "trunk: $tool is not installed (scripts/install-deps.sh)"
		exit 1
	fi
done

SUITE=trunk
. "$ROOT/tests/sip/lib.sh"

# run NAME SECONDS PROGRAM ARGS... : PROGRAM (in $W) under timeout, output in $W/NAME.out/.err
run() {
	local name=$1 t=$2
	shift 2
	(cd "$W" && exec timeout -k 2 "$t" "$@") >"$W/$name.out" 2>"$W/$name.err"
}

# bg NAME SECONDS PROGRAM ARGS... : the same in the background; its pid in BGP (tracked). A
# SIGTERM to BGP reaches the program through timeout, which KILLs it -k seconds later: the
# graceful stop (the unREGISTER and its answer; ASan's exit) takes seconds under load
bg() {
	local name=$1 t=$2
	shift 2
	(cd "$W" && exec timeout -k 30 "$t" "$@") >"$W/$name.out" 2>"$W/$name.err" &
	BGP=$!
	lp_track $BGP
}

compile "$T/trunk.ccxml" "$W/trunk"
compile "$T/in.ccxml" "$W/in"

# 1 s of 440 Hz, 8 kHz mono: 50 RTP packets
python3 - "$W/tone.wav" <<'EOF'
import math, struct, sys, wave
w = wave.open(sys.argv[1], 'wb')
w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b''.join(struct.pack('<h', int(8000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(8000)))
w.close()
EOF

printf '# realm-or-host user password\ntrunk.test alice s3cret\n\nproxy.test\tccxml pr0xy\n' >"$W/creds"
printf 'trunk.test alice wrong\nproxy.test ccxml wrong\n' >"$W/creds.bad"
printf 'other.realm x y\n127.0.0.1 ccxml pr0xy\n' >"$W/creds.host"
printf 'other.realm x y\n' >"$W/creds.none"
cp "$W/creds" "$W/creds.open"
chmod 600 "$W/creds" "$W/creds.bad" "$W/creds.host" "$W/creds.none"
chmod 644 "$W/creds.open"

# Section - Kamailio: registrar (realm trunk.test) and authenticating proxy (realm proxy.test)

KP=$(lp_freeport)
mkdir -p "$W/kam"
cat >"$W/kam/kamailio.cfg" <<EOF
#!KAMAILIO
debug=2
log_stderror=yes
children=1
auto_aliases=no
listen=udp:127.0.0.1:$KP
listen=tcp:127.0.0.1:$KP
alias="127.0.0.1:$KP"
mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
modparam("registrar", "min_expires", 1)
modparam("registrar", "default_expires", 60)

request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
	xlog("L_NOTICE", "KAM \$rm \$ru src=\$si:\$sp\n");
	if (has_totag()) {
		if (!loose_route() && uri == myself) lookup("location");
		t_relay();
		exit;
	}
	if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
	remove_hf("Route");
	if (\$au == "alice") { \$var(pw) = "s3cret"; } else if (\$au == "ccxml") { \$var(pw) = "pr0xy"; } else { \$var(pw) = "-none-"; }
	if (is_method("REGISTER")) {
		if (!pv_www_authenticate("trunk.test", "\$var(pw)", "0")) { www_challenge("trunk.test", "0"); exit; }
		xlog("L_NOTICE", "KAM REGISTER-OK user=\$au contact=\$hdr(Contact) src=\$si proto=\$pr\n");
		if (!save("location")) sl_reply_error();
		exit;
	}
	if (is_method("INVITE") && \$rU == "alice") {
		if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
		xlog("L_NOTICE", "KAM INBOUND-TO \$ru\n");
		t_relay();
		exit;
	}
	if (is_method("INVITE")) {
		if (!pv_proxy_authenticate("proxy.test", "\$var(pw)", "0")) { proxy_challenge("proxy.test", "0"); exit; }
		consume_credentials();
		xlog("L_NOTICE", "KAM INVITE-OK from=\$hdr(From) pai=\$hdr(P-Asserted-Identity) campaign=\$hdr(X-Campaign) account=\$hdr(X-Account-Id) contact=\$hdr(Contact)\n");
		xlog("L_NOTICE", "KAM SDP \$rb\n");
		t_relay();
		exit;
	}
	sl_send_reply("405", "Method Not Allowed");
}
EOF
KLOG=$W/kam/kamailio.log
# Kamailio serves every part: LIFE (tests/sip/lib.sh) is only a net, it is stopped at the end (80 s
# from its start ran out before the proxy parts at load 8 with the sanitizer build)
timeout -k 2 "$LIFE" kamailio -f "$W/kam/kamailio.cfg" -DD -E -n 1 -m 32 -M 8 -P "$W/kam/kamailio.pid" \
	-Y "$W/kam" -w "$W/kam" </dev/null >"$KLOG" 2>&1 &
lp_track $!
if ! lp_wait_for "$KLOG" "SO_RCVBUF is finally" 30; then
	bad "kamailio starts" "not ready in 30 s" "$KLOG"
	exit 1
fi
lp_wait_udp "$KP" 30

# 0. a credentials file readable by others
SP=$(lp_freeport)
run open 60 ./in --sip "127.0.0.1:$SP" --sip-credentials "$W/creds.open"
rc=$?
if why="exit status $rc" && [ $rc = 2 ] && why=$(has "$W/open.err" "open to group or others (mode 644): refused; chmod 600 it"); then
	ok "a credentials file of mode 644 is refused"
else
	bad "a credentials file of mode 644 is refused" "$why" "$W/open.err"
fi

# 1. registration through a 401 challenge, refreshed; an inbound call via Kamailio; unREGISTER.
# The programs of parts 1-2 live until stopped (LIFE): reg's 40 s ran out before the inbound
# call at load 38 (Kamailio then answered 404, and the program was killed, status 137)
SP=$(lp_freeport)
bg reg "$LIFE" ./in --sip "0.0.0.0:$SP" --public-addr 127.0.0.1 --register "sip:alice@127.0.0.1:$KP;expires=3" \
	--sip-credentials "$W/creds"
REGP=$BGP
lp_wait_for "$W/reg.err" "registered sip:alice@127.0.0.1 at sip:127.0.0.1:$KP as sip:alice@127.0.0.1:$SP for 3 s" 30
lp_wait_for "$W/reg.err" "refreshed the registration of sip:alice@127.0.0.1" 15
nok=$(grep -c "KAM REGISTER-OK user=alice contact=<sip:alice@127.0.0.1:$SP>;expires=3" "$KLOG")
if why=$(has "$W/reg.err" "registered sip:alice@127.0.0.1 at sip:127.0.0.1:$KP as sip:alice@127.0.0.1:$SP for 3 s" \
		"refreshed the registration of sip:alice@127.0.0.1") &&
	why="Kamailio accepted $nok authenticated REGISTERs with Contact 127.0.0.1, expected 2+" && [ "$nok" -ge 2 ]; then
	ok "REGISTER answers the 401 challenge, refreshes before the 3 s expire; Contact has --public-addr"
else
	bad "REGISTER with a challenge and refresh" "$why" "$W/reg.err" "$KLOG"
fi

# the SDP answer must carry the public address (sipp checks the c= line of the 200)
sed 's/regexp="m=audio \[0-9\]+ RTP\/AVP 0"/regexp="c=IN IP4 127\\.0\\.0\\.1"/' "$T/uac_accept.xml" >"$W/uac_pub.xml"
UP=$(lp_freeport)
timeout -k 2 70 sipp -sf "$W/uac_pub.xml" -s alice "127.0.0.1:$KP" -i 127.0.0.1 -p "$UP" -m 1 \
	-timeout 60s -nostdin -trace_err -error_file "$W/inb.sipperr" >/dev/null 2>&1
rc=$?
lp_wait_for "$W/reg.out" "DISCONNECTED" 3
if why="sipp exit status $rc" && [ $rc = 0 ] &&
	why=$(has "$W/reg.out" "ALERTING local=sip:alice@127.0.0.1:$KP originator=remote proto=sip/2.0" "CONNECTED CONNECTED" \
		"DISCONNECTED trigger=remote reason=hangup") && why=$(has "$KLOG" "KAM INBOUND-TO sip:alice@127.0.0.1:$SP"); then
	ok "an INVITE for alice sent to Kamailio reaches the document (0.0.0.0 listener; SDP c= is the public address)"
else
	bad "inbound call through the registrar" "$why" "$W/reg.out" "$W/reg.err" "$W/inb.sipperr" "$KLOG"
fi
kill -TERM $REGP 2>/dev/null
for ((i = 0; i < 300; i++)); do kill -0 $REGP 2>/dev/null || break; sleep 0.1; done
wait $REGP 2>/dev/null
rc=$?
if why="exit status $rc" && [ $rc = 0 ] && why=$(has "$W/reg.err" "unregistered sip:alice@127.0.0.1") &&
	why=$(has "$KLOG" "contact=<sip:alice@127.0.0.1:$SP>;expires=0") && why="sanitizer report" && ! sanitized "$W/reg.err"; then
	ok "SIGTERM sends the unREGISTER (expires=0, answered 200) before the program ends"
else
	bad "unREGISTER on a graceful stop" "$why" "$W/reg.err" "$KLOG"
fi

# 1b. --public-addr goes into the Contact even when it is no local address (NAT); over TCP
SP=$(lp_freeport)
bg pub "$LIFE" ./in --sip "127.0.0.1:$SP" --public-addr 198.51.100.10 \
	--register "sip:alice@127.0.0.1:$KP;expires=60;transport=tcp" --sip-credentials "$W/creds"
lp_wait_for "$W/pub.err" "registered sip:alice@127.0.0.1" 30
lp_stop $BGP 30
if why=$(has "$KLOG" "contact=<sip:alice@198.51.100.10:$SP;transport=tcp>;expires=60 src=127.0.0.1 proto=tcp" \
		"contact=<sip:alice@198.51.100.10:$SP;transport=tcp>;expires=0") &&
	why="sanitizer report" && ! sanitized "$W/pub.err"; then
	ok "--public-addr 198.51.100.10 (not local) is the Contact of a registration over TCP; unregistered on stop"
else
	bad "--public-addr in the Contact" "$why" "$W/pub.err" "$KLOG"
fi

# 2. a wrong password: logged with realm and user, retried after ~2 s, then ~4 s
SP=$(lp_freeport)
bg badreg "$LIFE" ./in --sip "127.0.0.1:$SP" --register "sip:alice@127.0.0.1:$KP;expires=60" \
	--sip-credentials "$W/creds.bad"
lp_wait_for "$W/badreg.err" "next try in 4 s" 30
lp_stop $BGP 30
nfail=$(grep -c "registration of sip:alice@127.0.0.1 failed: 401 Unauthorized: the credentials of user 'alice' for realm 'trunk.test' were refused" "$W/badreg.err")
if why="$nfail failures logged, expected 2 (first try, one retry)" && [ "$nfail" = 2 ] &&
	why=$(has "$W/badreg.err" "next try in 2 s" "next try in 4 s") &&
	why="a password in the log" && ! grep -q "wrong" "$W/badreg.err" "$W/badreg.out" &&
	why="sanitizer report" && ! sanitized "$W/badreg.err"; then
	ok "a wrong registration password is reported (realm, user, 401, no password) and retried with back-off"
else
	bad "a wrong registration password" "$why" "$W/badreg.err"
fi

# 3. outbound through Kamailio as authenticating outbound proxy (407) to baresip (until the
# end: LIFE is only a net, parts 3 and 4 may take minutes on a loaded machine)
lp_baresip_start "$W/baresip" "$LIFE" || true
BP=$LP_BARESIP_PORT
lp_track "$LP_BARESIP_PID"
SP=$(lp_freeport)
run out 20 ./trunk --once --sip "0.0.0.0:$SP" --sip-proxy "sip:127.0.0.1:$KP" --sip-credentials "$W/creds" \
	--media-root "$W" --values "dest=sip:4072223333@127.0.0.1:$BP" --values src=tone.wav \
	--values 'callerid="Alice Smith" <sip:alice@trunk.test>' --values campaign=spring-2026 --values pai=yes
rc=$?
for ((i = 0; i < 30; i++)); do
	grep -q "packets:" "$LP_BARESIP_OUT" && break
	sleep 0.1
done
rx=$(awk '/^packets:/ {print $3; exit}' "$LP_BARESIP_OUT")
n407=$(grep -c "KAM INVITE sip:4072223333@127.0.0.1:$BP" "$KLOG")
if why="exit status $rc" && [ $rc = 0 ] && why=$(has "$W/out.out" "CONNECTED local=sip:alice@trunk.test" "DIALOG EXIT") &&
	why="Kamailio saw $n407 INVITEs, expected 2 (challenged, then with credentials)" && [ "$n407" = 2 ] &&
	why=$(has "$KLOG" "KAM INVITE-OK from=\"Alice Smith\" <sip:alice@trunk.test>;tag=" \
		"pai=\"Alice Smith\" <sip:alice@trunk.test> campaign=spring-2026 account=acct-42 contact=<sip:ccxml@127.0.0.1:$SP>" \
		"c=IN IP4 127.0.0.1") &&
	why="baresip received ${rx:-no} RTP packets, expected 40..60" && [ -n "$rx" ] && [ "$rx" -ge 40 ] && [ "$rx" -le 60 ] &&
	why="sanitizer report" && ! sanitized "$W/out.err"; then
	ok "outbound call via Kamailio (407 answered): connects, plays ($rx packets); headers, display name, PAI relayed"
else
	bad "outbound call through the authenticating proxy" "$why" "$W/out.out" "$W/out.err" "$KLOG" "$LP_BARESIP_OUT"
fi

# 4. challenges the credentials cannot answer, and a host-keyed entry: NAME|FILE|OUT|ERR|TITLE
proxycases=("badout|creds.bad|FAILED reason=authentication code=407 Proxy Authentication Required|407 Proxy Authentication Required: the credentials of user 'ccxml' for realm 'proxy.test' were refused|a wrong proxy password: connection.failed reason authentication, sipcode 407"
	"hostkey|creds.host|CONNECTED local=sip:ccxml@127.0.0.1:@SP@||credentials keyed by the proxy's host answer a challenge whose realm has no entry"
	"nocreds|creds.none|FAILED reason=authentication code=407 Proxy Authentication Required|no credentials for realm 'proxy.test' or host '127.0.0.1' in --sip-credentials|no credentials for the challenge: connection.failed reason authentication, the realm named")
for c in "${proxycases[@]}"; do
	IFS='|' read -r name file want wanterr title <<<"$c"
	SP=$(lp_freeport)
	run "$name" 20 ./trunk --once --sip "127.0.0.1:$SP" --sip-proxy "127.0.0.1:$KP" --sip-credentials "$W/$file" \
		--values "dest=sip:4072223333@127.0.0.1:$BP" --values campaign=x
	if why=$(has "$W/$name.out" "${want//@SP@/$SP}") && { [ -z "$wanterr" ] || why=$(has "$W/$name.err" "$wanterr"); } &&
		why="a password in the log" && ! grep -q "wrong" "$W/$name.err" "$W/$name.out" &&
		why="sanitizer report" && ! sanitized "$W/$name.err"; then
		ok "$title"
	else
		bad "$title" "$why" "$W/$name.out" "$W/$name.err"
	fi
done

# 5. hints.headers that the stack writes itself
SP=$(lp_freeport)
n0=$(grep -c "KAM INVITE " "$KLOG")
run hdr 20 ./trunk --once --sip "127.0.0.1:$SP" --sip-proxy "127.0.0.1:$KP" --sip-credentials "$W/creds" \
	--values "dest=sip:4072223333@127.0.0.1:$BP" --values bad=1
sleep 0.3
n1=$(grep -c "KAM INVITE " "$KLOG")
if why=$(has "$W/hdr.out" "ERROR error.semantic" "hints.headers: Via is written by the SIP stack and cannot be set") &&
	why="an INVITE was sent" && [ "$n0" = "$n1" ] && why="sanitizer report" && ! sanitized "$W/hdr.err"; then
	ok "hints.headers with Via: error.semantic, no INVITE"
else
	bad "hints.headers with Via" "$why" "$W/hdr.out" "$W/hdr.err"
fi

echo "trunk: $((N - FAILS)) of $N passed"
[ $FAILS = 0 ]
