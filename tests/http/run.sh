#!/usr/bin/env bash
# tests/http/run.sh BUILD — the HTTP listener, basichttp injection, createsession, token start
# (and its 503), <send targettype='basichttp'>, <voxeo:sendemail> and the service stop, then the
# connection layer (keep-alive, headers by name, OPTIONS, deadlines, slowloris floods with
# tests/http/slowloris.py), against a program compiled with BUILD/ccxmlc (BUILD: build or
# build/asan). Everything runs on 127.0.0.0/8 with ports chosen by the system; every process is bounded by `timeout` and ended
# by its pid. Prints one line per check; exit status 0 when all hold.
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
[[ $B == /* ]] || B=$PWD/$B
T=tests/http
W=$(mktemp -d /tmp/ccxmlc-http.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT
fails=0 checks=0
pass() { checks=$((checks + 1)); echo "ok   $1"; }
fail() { checks=$((checks + 1)); fails=$((fails + 1)); echo "FAIL $1"; }
check() { # DESCRIPTION COMMAND...
	local d=$1; shift
	if "$@"; then pass "$d"; else fail "$d"; fi
}
# waitfor FILE PATTERN [SECONDS]: a line matching the grep -E pattern appears
waitfor() {
	local i
	for ((i = 0; i < ${3:-8} * 20; i++)); do
		grep -E -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
# secret_of SID: the secret of the session's basichttp access URI, which app.ccxml logs
# (session.ioprocessors.basichttp) on ccxml.loaded
secret_of() {
	waitfor "$W/out" "URIS $1 " 5 &&
		sed -n "s/.*URIS $1 .*[?&]secret=\([0-9a-f]*\).*/\1/p" "$W/out" | head -n 1
}
# req CODE BODY_GLOB CURL_ARGS...: HTTP status CODE and a body matching BODY_GLOB
CODE="" BODY=""
req() {
	local want=$1 glob=$2; shift 2
	CODE=$(curl -s -m 5 -o "$W/body" -w '%{http_code}' "$@")
	BODY=$(cat "$W/body" 2>/dev/null)
	# shellcheck disable=SC2053
	[ "$CODE" = "$want" ] && [[ $BODY == $glob ]] || {
		echo "     got $CODE '$BODY' for: $*"
		return 1
	}
}
sanitized() { grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$1"; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
# the compiler never frees (by design): no leak checks for it
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/app" $T/app.ccxml $T/send.ccxml \
	$T/mail.ccxml >"$W/cc.log" 2>&1 ||
   ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/mailonce" $T/mail.ccxml >>"$W/cc.log" 2>&1 ||
   ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/media" $T/media.ccxml >>"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi

# helpers: an HTTP sink and an SMTP sink, both on system-chosen ports
timeout 300 python3 $T/http_sink.py "$W/hport" "$W/posts" 280 & PIDS+=($!)
timeout 300 python3 $T/smtp_sink.py "$W/sport" "$W/mails" 280 & PIDS+=($!)
waitfor "$W/hport" . 5 && waitfor "$W/sport" . 5 || { echo "FAIL helpers did not start"; exit 1; }
HP=$(cat "$W/hport") SP=$(cat "$W/sport")

# Section - the service
ITOK=ctl-0123456789abcdef
GRACE=2
timeout --foreground -k 5 240 "$W/app" --sim --http 127.0.0.1:0 --token tapp --token tsend=send \
	--token tmail=mail --inject-token "$ITOK" --max-sessions 3 --grace $GRACE --smtp 127.0.0.1:$SP \
	--mail-from ccxml@test.invalid >"$W/out" 2>"$W/err" &
APP=$!
PIDS+=($APP)
waitfor "$W/err" 'listening on' 10 || { echo "FAIL no listener"; cat "$W/err"; exit 1; }
P=$(sed -n 's/.*http: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/err")
U=http://127.0.0.1:$P

check "health page" req 200 '*"status":"ok"*"sessions":0*' "$U/health"
check "token start" req 200 $'Success\ns*' "$U/SessionControl/CCXML10.start?tokenid=tapp&who=alice&n=2&a.b=deep"
S1=${BODY#*$'\n'}
K1=$(secret_of "$S1")
check "token start: values reach session.values (dotted names nested)" \
	waitfor "$W/out" "LOADED $S1 mode=external who=alice n=2 deep=deep\$"
check "Invalid Token" req 403 'Invalid Token' "$U/CCXML10.start?tokenid=nope&who=x"
check "no token: Invalid Token" req 403 'Invalid Token' "$U/CCXML10.start?who=x"
check "&amp; in a pasted URL" req 200 $'Success\ns*' "$U/CCXML10.start?tokenid=tapp&who=amp&amp;n=7"
S0=${BODY#*$'\n'}
K0=$(secret_of "$S0")
check "&amp; field name repaired" waitfor "$W/out" "LOADED $S0 mode=external who=amp n=7 "
check "basichttp end of session S0" req 204 '' "$U/basichttp?sessionid=$S0&secret=$K0&name=user.bye"
check "basichttp GET: 204" req 204 '' "$U/basichttp?sessionid=$S1&secret=$K1&name=user.hello&site.location=lab&site.room=12&x=a%20b+c"
check "basichttp GET: event with nested fields" \
	waitfor "$W/out" "HELLO $S1 lab 12 x=a b c src=127\.0\.0\.1:[0-9]+ type=basichttp\$"
check "basichttp POST form: 204" req 204 '' -d "sessionid=$S1&secret=$K1&name=user.hello&site.location=lab2&site.room=13&x=post&eventsource=me" "$U/basichttp"
check "basichttp POST form: event, eventsource" waitfor "$W/out" "HELLO $S1 lab2 13 x=post src=me type=basichttp\$"

# Section - nobody acts on a session that is not theirs
check "session id: s<N>- and 64 random bits (16 hex digits)" bash -c "[[ '$S1' =~ ^s[0-9]+-[0-9a-f]{16}\$ ]]"
check "session.ioprocessors: basichttp URI with a 128-bit secret, createsession URI" grep -E -q \
	"URIS $S1 http://127\.0\.0\.1:$P/basichttp\?sessionid=$S1&secret=[0-9a-f]{32} http://127\.0\.0\.1:$P/createsession\$" "$W/out"
check "basichttp without secret: 403" req 403 '*needs the secret*' "$U/basichttp?sessionid=$S1&name=user.hello&x=nosecret"
check "basichttp with another session's secret: 403" req 403 'wrong secret*' "$U/basichttp?sessionid=$S1&secret=$K0&name=user.hello&x=othersecret"
check "basichttp with an empty secret: 403" req 403 'wrong secret*' "$U/basichttp?sessionid=$S1&secret=&name=user.hello&x=othersecret"
check "basichttp with a start token instead of the --inject-token: 403" req 403 'wrong secret*' "$U/basichttp?sessionid=$S1&token=tapp&name=user.hello&x=othersecret"
check "basichttp with a wrong --inject-token: 403" req 403 'wrong secret*' "$U/basichttp?sessionid=$S1&token=${ITOK}0&name=user.hello&x=othersecret"
check "basichttp with the --inject-token: 204" req 204 '' "$U/basichttp?sessionid=$S1&token=$ITOK&name=user.hello&site.location=l&site.room=r&x=bytoken"
check "--inject-token: the event arrived" waitfor "$W/out" "HELLO $S1 .* x=bytoken "
check "--inject-token, unknown session: 404" req 404 "unknown session 's999'" "$U/basichttp?sessionid=s999&token=$ITOK&name=user.hello"
check "ccxml.kill never injectable: 403" req 403 '*platform only*' "$U/basichttp?sessionid=$S1&secret=$K1&name=ccxml.kill"
check "CCXML.Kill.unconditional never injectable: 403" req 403 '*platform only*' "$U/basichttp?sessionid=$S1&secret=$K1&name=CCXML.Kill.unconditional"
check "error.* never injectable: 403" req 403 '*platform only*' "$U/basichttp?sessionid=$S1&secret=$K1&name=error.semantic"
check "'error' never injectable: 403" req 403 '*platform only*' "$U/basichttp?sessionid=$S1&secret=$K1&name=error"
BURI=$(sed -n "s/.*URIS $S1 \([^ ]*\) .*/\1/p" "$W/out")
check "the access URI as the document has it: 204" req 204 '' "$BURI&name=user.hello&site.location=l&site.room=r&x=viauri"
check "the session got that event (alive after the refused kill/error)" waitfor "$W/out" "HELLO $S1 .* x=viauri "
check "nothing injected without the right secret" bash -c "! grep -E -q 'x=(nosecret|othersecret)|KILLED $S1|unhandled error' '$W/out' '$W/err'"
check "control characters in a logged value escaped" req 204 '' "$U/basichttp?sessionid=$S1&secret=$K1&name=user.hello&site.location=l&site.room=r&x=a%0D%0AFORGED%1B%5B1m"
check "<log>: \\r\\n and \\x1b escaped, no forged line" bash -c "waitfor() { for i in \$(seq 100); do grep -q -F \"\$2\" \"\$1\" && return 0; sleep 0.05; done; return 1; }
	waitfor '$W/out' 'x=a\\r\\nFORGED\\x1b[1m src=' && ! grep -q '^FORGED' '$W/out'"
check "token start, %0A in the token: 403" req 403 'Invalid Token' "$U/CCXML10.start?tokenid=x%0Accxml:%20session%20FORGED:%20started"
check "basichttp, %0A in the session id: 403" req 403 'wrong secret*' "$U/basichttp?sessionid=x%0Accxml:%20session%20FORGED:%20started&secret=00&name=user.x"
# (the refusal line itself may be held back: one per 10 s of a kind; tests/ops checks its escaping)
check "stderr: no forged line" bash -c "! grep -q '^ccxml: session FORGED' '$W/err'"

# bad requests: a clear 4xx, nothing changes
check "unknown session, no credential: 403" req 403 "*needs the secret*" "$U/basichttp?sessionid=s999&name=user.hello"
check "missing name: 400" req 400 'missing field: name' "$U/basichttp?sessionid=$S1&secret=$K1"
check "missing sessionid: 400" req 400 'missing field: sessionid' -d "name=user.hello" "$U/basichttp"
check "bad event name: 400" req 400 'bad event name*' "$U/basichttp?sessionid=$S1&secret=$K1&name=a%20b"
check "bad percent-encoding: 400" req 400 '*bad percent-encoding*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x&a=%zz"
check "truncated escape: 400" req 400 '*bad percent-encoding*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x&a=%4"
check "NUL byte: 400" req 400 '*NUL byte*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x&a=%00"
check "invalid UTF-8: 400" req 400 '*UTF-8*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x&a=%C3%28"
check "field both plain and object: 400" req 400 "*conflicts*" "$U/basichttp?sessionid=$S1&secret=$K1&name=x&a=1&a.b=2"
check "bad field name: 400" req 400 "bad field name*" "$U/basichttp?sessionid=$S1&secret=$K1&name=x&a..b=1"
many=$(for i in $(seq 1 70); do printf '&f%d=1' "$i"; done)
check "too many fields: 400" req 400 'too many fields*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x$many"
long=$(head -c 5000 /dev/zero | tr '\0' a)
check "value too long: 400" req 400 '*too long*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x&v=$long"
long=$(head -c 9000 /dev/zero | tr '\0' a)
check "request target too long: 414" req 414 '*longer than*' "$U/basichttp?sessionid=$S1&secret=$K1&name=x&v=$long"
head -c 100000 /dev/zero | tr '\0' a >"$W/big"
check "body too large: 413" req 413 '*larger than*' --data-binary @"$W/big" "$U/basichttp"
check "JSON body: 415" req 415 '*x-www-form-urlencoded*' -H 'Content-Type: application/json' -d '{"a":1}' "$U/basichttp"
check "PUT: 405" req 405 '*not allowed*' -X PUT "$U/basichttp?sessionid=$S1&secret=$K1&name=x"
check "unknown path: 404" req 404 'no such resource*' "$U/admin"
# raw requests: what curl will not send
raw() { # PORT BYTES(python literal) -> the status line of the answer
	python3 -c 'import socket,sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(5)
s.sendall(eval(sys.argv[2]))
print(s.recv(200).split(b"\r\n")[0].decode())' "$@" 2>/dev/null
}
check "malformed request line: 400" test "$(raw $P "b'GARBAGE\\r\\n\\r\\n'")" = "HTTP/1.1 400 Bad Request"
check "huge header block: 431" test "$(raw $P "b'GET /health HTTP/1.1\\r\\n' + b''.join(b'X-Pad-%d: %s\\r\\n' % (i, b'a' * 60) for i in range(400)) + b'\\r\\n'")" = "HTTP/1.1 431 Request Header Fields Too Large"
check "bad Content-Length: 400" test "$(raw $P "b'POST /basichttp HTTP/1.1\\r\\nContent-Length: x1\\r\\n\\r\\n'")" = "HTTP/1.1 400 Bad Request"
check "chunked body: 411" test "$(raw $P "b'POST /basichttp HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n'")" = "HTTP/1.1 411 Length Required"
# header lines that libre's decoder takes but a proxy in front may read otherwise (smuggling)
check "white space before a header's colon (Content-Length : 12): 400, no session started" test "$(raw $P "b'POST /CCXML10.start HTTP/1.1\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length : 12\\r\\n\\r\\ntokenid=tapp'")" = "HTTP/1.1 400 Bad Request"
check "a folded header line: 400" test "$(raw $P "b'POST /CCXML10.start HTTP/1.1\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: 12\\r\\n X-Folded: 1\\r\\n\\r\\ntokenid=tapp'")" = "HTTP/1.1 400 Bad Request"
check "a control byte in a header value: 400" test "$(raw $P "b'POST /CCXML10.start HTTP/1.1\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nContent-Length: 12\\r\\nX-A: 1\\x002\\r\\n\\r\\ntokenid=tapp'")" = "HTTP/1.1 400 Bad Request"
check "101 header lines: 431" test "$(raw $P "b'GET /health HTTP/1.1\\r\\n' + b''.join(b'X-%d: 1\\r\\n' % i for i in range(101)) + b'\\r\\n'")" = "HTTP/1.1 431 Request Header Fields Too Large"
check "100 header lines: served" test "$(raw $P "b'GET /health HTTP/1.1\\r\\n' + b''.join(b'X-%d: 1\\r\\n' % i for i in range(100)) + b'\\r\\n'")" = "HTTP/1.1 200 OK"
check "a request line longer than 16 KiB, no end yet: 431" test "$(raw $P "b'GET /' + b'a' * 17000")" = "HTTP/1.1 431 Request Header Fields Too Large"
check "nothing changed: 1 session, no bad event logged" req 200 '*"sessions":1,*' "$U/health"
check "no event from a bad request" bash -c "! grep -E -q '\\] (HELLO .* x=(1|post2)|.*name=x)' '$W/out'"

# createsession
check "createsession without a token: 403" req 403 'Invalid Token' "$U/createsession?uri=app&who=notoken"
check "createsession with a wrong token: 403" req 403 'Invalid Token' "$U/createsession?uri=app&tokenid=tap&who=notoken"
check "createsession with another document's token: 403" req 403 'Invalid Token' "$U/createsession?uri=app&tokenid=tsend&who=notoken"
check "createsession" req 200 $'Success\ns*' "$U/createsession?uri=app&tokenid=tapp&who=bob"
S2=${BODY#*$'\n'}
K2=$(secret_of "$S2")
check "createsession: values, startupmode external" waitfor "$W/out" "LOADED $S2 mode=external who=bob n=undefined deep=none\$"
check "createsession: unknown document 404" req 404 "*no document 'nodoc'*" "$U/createsession?uri=nodoc&tokenid=tapp"
check "createsession: no uri 400" req 400 '*needs uri*' "$U/createsession?tokenid=tapp&who=x"

# <send targettype='basichttp'> to the local HTTP sink
# (peer: S1's access URI, which app.ccxml logged, for a send from one session to another)
PEER=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$BURI")
check "token start of the send document" req 200 $'Success\ns*' \
	"$U/CCXML10.start?tokenid=tsend&url=http%3A%2F%2F127.0.0.1%3A$HP%2Fok&bad=http%3A%2F%2F127.0.0.1%3A$HP%2Ffail&peer=$PEER"
S3=${BODY#*$'\n'}
check "send: send.successful" waitfor "$W/out" "\\[$S3\\] SENT ok\$"
check "send: failing target -> error.send.failed" waitfor "$W/out" "\\[$S3\\] SENDFAIL true HTTP status 500\$"
check "send: not a URL -> error.send.targetunavailable" waitfor "$W/out" "\\[$S3\\] NOTURL "
check "send: fields posted form-encoded, the sender as eventsource (no sessionid)" grep -E -q \
	"^application/x-www-form-urlencoded name=report&eventsource=$S3&who=me&count=3&ratio=0.1&big=1e%2B21&tiny=-1.5e-7&site.location=lab\$" "$W/posts"
check "send to another session's access URI: send.successful" waitfor "$W/out" "\\[$S3\\] PEER ok\$"
check "send to another session: the event arrived, eventsource = the sender" \
	waitfor "$W/out" "HELLO $S1 lab undefined x=fromsend src=$S3 type=basichttp\$"
check "send to its own session.ioprocessors.basichttp: user.self with eventsource" waitfor "$W/out" "\\[$S3\\] PASS\$"

# sendemail to the local SMTP sink (the session exits right after it)
check "token start of the mail document" req 200 $'Success\ns*' "$U/CCXML10.start?tokenid=tmail"
S4=${BODY#*$'\n'}
check "mail: arrived" waitfor "$W/mails" "generic error detected ! $S4\$"
check "mail: envelope and headers" bash -c "grep -q 'RCPT TO:<ops@example.com>' '$W/mails' &&
	grep -q 'MAIL FROM:<myApp@here.com>' '$W/mails' && grep -q '^To: ops@example.com' '$W/mails' &&
	grep -q '^X-CCXML-Session: $S4' '$W/mails' && grep -q '^line after a dot' '$W/mails' && grep -qx '\\.' '$W/mails'"

# --max-sessions 3: S1, S2 run; one more fits, the next gets 503
check "third session" req 200 $'Success\ns*' "$U/CCXML10.start?tokenid=tapp&who=third"
S5=${BODY#*$'\n'}
K5=$(secret_of "$S5")
check "beyond --max-sessions: 503 out of sessions" req 503 'out of sessions' "$U/CCXML10.start?tokenid=tapp&who=fourth"
check "createsession beyond the limit: 503" req 503 'out of sessions' "$U/createsession?uri=app&tokenid=tapp"
check "basichttp user.bye ends a session" req 204 '' "$U/basichttp?sessionid=$S5&secret=$K5&name=user.bye"
check "session ended" waitfor "$W/out" "BYE $S5\$"
check "health counts" req 200 '*"sessions":2,*' "$U/health"

# service stop: S1 exits on ccxml.kill, S2 ignores it: the program stops after the grace time
check "stubborn session" req 204 '' "$U/basichttp?sessionid=$S2&secret=$K2&name=user.stubborn"
waitfor "$W/out" "STUBBORN $S2" 5
t0=$(date +%s%N)
kill -TERM $APP
sleep 0.3
check "while stopping: token start refused (503 Failure)" req 503 'Failure' "$U/CCXML10.start?tokenid=tapp"
wait $APP
rc=$?
t1=$(date +%s%N)
ms=$(((t1 - t0) / 1000000))
check "SIGTERM: exit status 0 (got $rc)" test "$rc" = 0
check "SIGTERM: exit within the grace time ($ms ms, grace ${GRACE}s)" test "$ms" -ge $((GRACE * 1000 - 300)) -a "$ms" -le $((GRACE * 1000 + 4000))
check "SIGTERM: sessions got ccxml.kill" bash -c "grep -q 'KILLED $S1 signal' '$W/out' && grep -q 'IGNORED $S2 signal' '$W/out'"
check "SIGTERM: logged" bash -c "grep -q 'ccxml.kill to 2 session' '$W/err' && grep -q 'grace time over: 1 session' '$W/err'"
check "no session started without a token" bash -c "! grep -q 'who=notoken' '$W/out'"
check "session ids: distinct random parts" bash -c "printf '%s\n' $S0 $S1 $S2 $S3 $S4 $S5 | sed 's/^s[0-9]*-//' | grep -E -c '^[0-9a-f]{16}\$' | grep -qx 6 &&
	test \$(printf '%s\n' $S0 $S1 $S2 $S3 $S4 $S5 | sed 's/^s[0-9]*-//' | sort -u | wc -l) = 6"
check "tokens and secrets never in the logs" bash -c "! grep -E -q 'tapp|tsend|tmail|$ITOK|$K0|$K1|$K2|$K5' '$W/err'"
check "log lines carry session ids" bash -c "grep -q 'session $S1: started by token' '$W/err' && grep -q 'session $S1: ended (exit)' '$W/err' && grep -q 'session $S1: basichttp event user.hello' '$W/err'"
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W/err'"

# Section - --once waits for its mail; option errors
: >"$W/mails"
timeout -k 5 20 "$W/mailonce" --sim --once --smtp 127.0.0.1:$SP >"$W/out2" 2>"$W/err2"
check "--once: exit 0 after <exit>" test $? = 0
check "--once: the mail went out before the program ended" grep -q 'generic error detected' "$W/mails"
check "--once: no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W/err2'"
printf 'good=app\n# comment\nbad=nodoc\n' >"$W/tokens"
timeout 10 "$W/app" --sim --http 127.0.0.1:0 --tokens "$W/tokens" >/dev/null 2>"$W/err3"
rc=$?
check "tokens file: bad line -> status 2 with FILE:LINE" bash -c "test $rc = 2 && grep -q 'tokens:3: error' '$W/err3'"
timeout 10 "$W/app" --sim --http 127.0.0.1:0 --inject-token short >/dev/null 2>"$W/err7"
check "--inject-token too short: status 2" bash -c "test $? = 2 && grep -q 'at least 16' '$W/err7'"
# the readiness line only once the whole set-up has succeeded (the listener is bound before the
# tokens are read)
check "a refused option: no 'listening on' before it" bash -c "! grep -q 'listening on' '$W/err7'"
timeout 10 "$W/app" --sim --token x >/dev/null 2>"$W/err4"
check "--token without --http: status 2" test $? = 2
timeout 10 "$W/app" --sim --http nonsense >/dev/null 2>"$W/err5"
check "--http nonsense: status 2" bash -c "test $? = 2 && grep -q 'not ADDR:PORT' '$W/err5'"

# Section - --http-public: the base of session.ioprocessors, up to the 200 bytes it takes
PUB="http://$(printf 'a%02d.' $(seq 1 40))example.com:8443/ivr"
timeout --foreground -k 5 60 "$W/app" --sim --http 127.0.0.1:0 --http-public "$PUB/" --token tapp \
	--grace 1 >"$W/out8" 2>"$W/err8" &
PUBAPP=$!
PIDS+=($PUBAPP)
if waitfor "$W/err8" 'listening on' 10; then
	P8=$(sed -n 's/.*http: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/err8")
	check "--http-public: token start" req 200 $'Success\ns*' "http://127.0.0.1:$P8/CCXML10.start?tokenid=tapp&who=pub"
	S8=${BODY#*$'\n'}
	check "--http-public: a ${#PUB}-byte URL is the base of session.ioprocessors" \
		waitfor "$W/out8" "URIS $S8 $PUB/basichttp\\?sessionid=$S8&secret=[0-9a-f]{32} $PUB/createsession\$"
else
	check "--http-public: the program listens" false
fi
kill -TERM $PUBAPP 2>/dev/null
wait $PUBAPP
check "--http-public: no sanitizer report" eval '! sanitized "$W/err8"'

# Section - media paths stay inside --media-root
mkdir -p "$W/root/sub" "$W/elsewhere"
python3 -c 'import sys, wave
for p in sys.argv[1:]:
	w = wave.open(p, "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
	w.writeframes(b"\0\0" * 400); w.close()' "$W/root/inside.wav" "$W/outside.wav" "$W/elsewhere/outside.wav"
ln -s inside.wav "$W/root/link-in.wav"
ln -s ../outside.wav "$W/root/link-out.wav"
ln -s ../elsewhere "$W/root/dirlink"
timeout -k 5 20 "$W/media" --sim --once --media-root "$W/root" --values abs="$W/outside.wav" >"$W/out6" 2>"$W/err6"
check "media: --once exit 0 (got $?)" grep -q 'DONE$' "$W/out6"
for f in inside.wav link-in.wav; do
	check "media: '$f' plays" grep -q -F "PLAYS $f" "$W/out6"
done
for f in sub/../inside.wav ../outside.wav "$W/outside.wav" "file://$W/outside.wav" link-out.wav dirlink/outside.wav '../nothere.wav?text=hello'; do
	check "media: '$f' refused with a clear reason" grep -q -F "REFUSED $f: media path outside --media-root" "$W/out6"
done
check "media: no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W/err6'"

# Section - the connection layer: keep-alive, headers by name, OPTIONS, one rule for a repeated
# field, slow and many clients (its own program: the floods must not disturb the checks above)
timeout --foreground -k 5 300 "$W/app" --sim --http 127.0.0.1:0 --token tapp >"$W/outc" 2>"$W/errc" &
APP=$!
PIDS+=($APP)
waitfor "$W/errc" 'listening on' 10 || { echo "FAIL no second listener"; cat "$W/errc"; exit 1; }
P=$(sed -n 's/.*http: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/errc")
U=http://127.0.0.1:$P
# rawall PORT BYTES(python literal) -> everything the listener sends until it closes, and on the
# last line the seconds that took (5 s at most)
rawall() {
	python3 -c 'import socket,sys,time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), 5)
s.settimeout(5)
t = time.monotonic()
s.sendall(eval(sys.argv[2]))
d = b""
try:
    while True:
        x = s.recv(65536)
        if not x:
            break
        d += x
except OSError:
    pass
sys.stdout.write(d.decode() + "\n%.2f\n" % (time.monotonic() - t))' "$@" 2>/dev/null
}
# has TEXT GLOB; quick TEXT: rawall's time is under a second
has() { [[ $1 == $2 ]] || { echo "     got: ${1:0:300}"; return 1; }; }
quick() { local t=${1##*$'\n'}; [ "${t%%.*}" -lt 1 ]; }
curl -sv -o /dev/null -o /dev/null "$U/health" "$U/health" >"$W/ka" 2>&1
check "keep-alive: a second request on the same connection" \
	bash -c "test \$(grep -c '< HTTP/1.1 200' '$W/ka') = 2 && grep -q 'Re-using existing connection' '$W/ka'"
A=$(rawall $P "b'GET /health HTTP/1.1\\r\\nConnection: close\\r\\n\\r\\n'")
check "Connection: close: answered and closed at once (${A##*$'\n'} s)" \
	eval 'has "$A" "HTTP/1.1 200 OK*Connection: close*" && quick "$A"'
A=$(rawall $P "b'GET /health HTTP/1.0\\r\\n\\r\\n'")
check "HTTP/1.0: closed at once (${A##*$'\n'} s)" eval 'has "$A" "HTTP/1.1 200 OK*" && quick "$A"'
# the HTTP version: 1.0 and 1.1 only, 505 for another, 400 for one that is not HTTP/DIGIT.DIGIT;
# closed after the answer (a request pipelined behind it is not served)
for v in HTTP/9.9 HTTP/2.0 HTTP/0.9 HTTP/1.10 HTTP/1 http/1.1 HTTP/1.x 'HTTP/1.1 x' XTTP/1.1; do
	case $v in HTTP/[0-9].[0-9]) want='505 HTTP Version Not Supported*only HTTP/1.0 and HTTP/1.1 are served' ;;
		*) want='400 Bad Request*malformed request line (HTTP version)' ;; esac
	A=$(rawall $P "b'GET /health $v\\r\\n\\r\\nGET /health HTTP/1.1\\r\\n\\r\\n'")
	check "'$v' on the request line: ${want%%\**}, closed at once, nothing more served" \
		eval 'has "$A" "HTTP/1.1 $want*" && [[ $A != *"200 OK"* ]] && quick "$A"'
done
A=$(rawall $P "b'GET /health HTTP/1.1\\r\\n\\r\\nOPTIONS * HTTP/1.1\\r\\n\\r\\nGET /nowhere HTTP/1.1\\r\\nConnection: close\\r\\n\\r\\n'")
check "pipelined requests: answered in order, the last one closes" has "$A" \
	'HTTP/1.1 200 OK*"status":"ok"*HTTP/1.1 200 OK*Allow: GET, POST, OPTIONS*404 Not Found*Connection: close*no such resource*'
# libre files headers under a 12-bit hash of the name: X55 has the hash of Content-Length,
# XBF93 that of Transfer-Encoding, XGA43 that of Content-Type
A=$(rawall $P "b'POST /basichttp HTTP/1.1\\r\\nX55: 100\\r\\nConnection: close\\r\\n\\r\\n'")
check "header X55 is not Content-Length" has "$A" 'HTTP/1.1 400 Bad Request*missing field: sessionid*'
A=$(rawall $P "b'POST /basichttp HTTP/1.1\\r\\nXBF93: chunked\\r\\nConnection: close\\r\\n\\r\\n'")
check "header XBF93 is not Transfer-Encoding" has "$A" 'HTTP/1.1 400 Bad Request*missing field: sessionid*'
A=$(rawall $P "b'POST /createsession HTTP/1.1\\r\\nContent-Type: application/x-www-form-urlencoded\\r\\nXGA43: text/plain\\r\\nContent-Length: 28\\r\\nConnection: close\\r\\n\\r\\nuri=app&who=hdr&tokenid=tapp'")
check "header XGA43 is not Content-Type" has "$A" 'HTTP/1.1 200 OK*Success*'
A=$(rawall $P "b'POST /basichttp HTTP/1.1\\r\\nContent-Length: 3\\r\\ncontent-length: 3\\r\\n\\r\\na=1'")
check "Content-Length given twice: 400" has "$A" 'HTTP/1.1 400 *Content-Length given twice*'
# one rule for a field given twice: refused, in the query, the body or both
check "field given twice in the query: 400" req 400 "field 'tokenid' given twice" \
	"$U/CCXML10.start?tokenid=tapp&tokenid=other"
check "field given twice, query and body: 400" req 400 "field 'who' given twice" \
	-d 'tokenid=tapp&who=b' "$U/CCXML10.start?who=a"
check "no session from a refused request" req 200 '*"sessions":1,*' "$U/health"
# OPTIONS
curl -s -i -X OPTIONS "$U/basichttp" >"$W/opt"
check "OPTIONS: 200 with Allow and Accept" bash -c "grep -q '^HTTP/1.1 200' '$W/opt' &&
	grep -q '^Allow: GET, POST, OPTIONS' '$W/opt' && grep -q '^Accept: application/x-www-form-urlencoded' '$W/opt'"
check "OPTIONS /health: GET only" bash -c "curl -s -i -X OPTIONS '$U/health' | grep -q '^Allow: GET, OPTIONS'"
check "OPTIONS of an unknown path: 404" req 404 'no such resource*' -X OPTIONS "$U/nowhere"
check "PUT: 405 with Allow" bash -c "curl -s -i -X PUT '$U/createsession' | grep -q '^Allow: GET, POST, OPTIONS'"
n0=$(wc -l <"$W/errc")
A=$(rawall $P "b'OPTIONS /basichttp HTTP/1.1\\r\\n\\r\\n' * 499 + b'OPTIONS /basichttp HTTP/1.1\\r\\nConnection: close\\r\\n\\r\\n'")
check "a flood of 500 OPTIONS: all answered" test "$(grep -c 'HTTP/1.1 200 OK' <<<"$A")" = 500
check "a flood of 500 OPTIONS: no log line" test "$(wc -l <"$W/errc")" = "$n0"
# slow clients: 200 connections trickle their headers from one address, then 300 from 30
# addresses; normal requests from 127.0.0.2 meanwhile must all be answered
python3 $T/slowloris.py "$P" --conns 200 --from 127.0.0.3 --normal 100 --seconds 3 >"$W/sl1" 2>&1
v() { sed -n "s/^$1=//p" "$2"; }
check "slowloris, one address: $(v normal_ok "$W/sl1") of 100 normal requests answered (p99 $(v p99_ms "$W/sl1") ms)" \
	test "$(v normal_ok "$W/sl1")" = 100
check "slowloris, one address: $(v held "$W/sl1") held (32 + refusals not yet read), $(v refused "$W/sl1") refused with 503" \
	bash -c "test '$(v held "$W/sl1")' -ge 32 && test '$(v refused "$W/sl1")' -ge 168"
# the client counts a refused connection as open until it reads the 503 and the close: on a
# loaded machine that lags (38 seen once under ASan with two suites running); hundreds would mean
# no limit
check "slowloris, one address: at most 32 + a few not yet seen closed open ($(v conns_max "$W/sl1"))" test "$(v conns_max "$W/sl1")" -le 64
python3 $T/slowloris.py "$P" --conns 300 --from 127.0.1.1-30 --normal 100 --seconds 3 --until-evicted 20 >"$W/sl2" 2>&1
check "slowloris, 30 addresses: $(v normal_ok "$W/sl2") of 100 normal requests answered (p99 $(v p99_ms "$W/sl2") ms)" \
	test "$(v normal_ok "$W/sl2")" = 100
check "slowloris, 30 addresses: at most 256 open ($(v conns_max "$W/sl2")), the slowest closed ($(v evicted "$W/sl2"))" \
	bash -c "test '$(v conns_max "$W/sl2")' -le 256 && test '$(v evicted "$W/sl2")' -gt 0"
# the deadlines take 10 s: measured in the background while the refusal log is checked. Not
# earlier: the slowloris runs fill the listener, and the oldest slow connection (these would be
# the oldest) yields its place with a 503.
python3 $T/slowloris.py "$P" --deadlines >"$W/deadlines" 2>&1 &
DL=$!
PIDS+=($DL)
# one line at the first refusal, then one per 10 s: a handful, against hundreds of refusals
nref=$(($(v refused "$W/sl1") + $(v evicted "$W/sl2")))
check "refusals: a few log lines ($(grep -c 'connection' "$W/errc")), not one for each of $nref" \
	bash -c "test \$(grep -c 'connection' '$W/errc') -le 12 && test $nref -ge 200 &&
	grep -q 'refusing a connection from 127.0.0.3' '$W/errc'"
wait $DL
check "headers trickled: 408 after 10 s ($(v head "$W/deadlines") after $(v head_s "$W/deadlines") s)" bash -c "[ '$(v head "$W/deadlines")' = 'HTTP/1.1 408 Request Timeout' ] &&
	python3 -c 'import sys; sys.exit(not 9.9 <= float(sys.argv[1]) <= 15)' '$(v head_s "$W/deadlines")'"
check "body trickled: 408 10 s after the headers ($(v body "$W/deadlines") after $(v body_s "$W/deadlines") s)" bash -c "[ '$(v body "$W/deadlines")' = 'HTTP/1.1 408 Request Timeout' ] &&
	python3 -c 'import sys; sys.exit(not 9.9 <= float(sys.argv[1]) <= 15)' '$(v body_s "$W/deadlines")'"
# the listening backlog: with the program stopped, the kernel completes 48 handshakes for it
# (libre's tcp_listen asks for 5: a burst's other SYNs were dropped, retried 1 s later), and
# each is answered once it goes on
python3 $T/backlog.py "$P" $APP 48 >"$W/backlog" 2>&1
check "backlog: $(v established "$W/backlog") of 48 handshakes completed while the program was stopped, $(v answered "$W/backlog") answered after" \
	bash -c "test '$(v established "$W/backlog")' = 48 && test '$(v answered "$W/backlog")' = 48"
kill -TERM $APP
wait $APP
rc=$?
check "second program: exit status 0 (got $rc)" test $rc = 0
check "second program: no sanitizer report" eval '! sanitized "$W/errc"'

# Section - the event queue limit (--max-queue): 503 past it, nothing accepted is lost
if ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/queue" $T/queue.ccxml >>"$W/cc.log" 2>&1; then
	echo "queue-admin-0123456789" >"$W/qadmin"
	timeout --foreground -k 5 120 "$W/queue" --sim --http 127.0.0.1:0 --token tq --max-queue 10 \
		--budget 1000000000 --grace 1 --admin-token-file "$W/qadmin" >"$W/qout" 2>"$W/qerr" &
	QP=$!
	PIDS+=($QP)
	waitfor "$W/qerr" 'listening on' 10
	QU=http://127.0.0.1:$(sed -n 's/.*http: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$W/qerr")
	QS=$(curl -s -m 10 "$QU/CCXML10.start?tokenid=tq" | sed -n 2p)
	waitfor "$W/qout" "URIS $QS " 10
	QK=$(sed -n "s/.*URIS $QS .*[?&]secret=\([0-9a-f]*\).*/\1/p" "$W/qout" | head -n 1)
	QB="$QU/basichttp?sessionid=$QS&secret=$QK"
	check "queue limit: the session fills its own queue" req 204 '' "$QB&name=user.fill"
	waitfor "$W/qout" "FILLED" 10
	nq=0
	for i in 1 2 3; do
		curl -s -m 10 -D "$W/qh" -o "$W/qb" -w '%{http_code}' "$QB&name=user.late&x=$i" >"$W/qc" 2>/dev/null
		grep -q 503 "$W/qc" && grep -qi '^Retry-After: 5' "$W/qh" && grep -q "event queue is full" "$W/qb" &&
			nq=$((nq + 1))
	done
	check "queue limit: basichttp events to a full queue get 503 with Retry-After ($nq of 3)" test $nq = 3
	check "queue limit: the queue drains" waitfor "$W/qout" "DRAINED" 30
	check "queue limit: then an event is accepted" req 204 '' "$QB&name=user.late&x=after"
	check "queue limit: and taken; the refused ones never were" bash -c "grep -q 'LATE after\$' '$W/qout' ||
		{ sleep 2; grep -q 'LATE after\$' '$W/qout'; } && ! grep -q 'LATE [123]\$' '$W/qout' && ! grep -q ERROR '$W/qout'"
	check "queue limit: /metrics counts the 3 refusals" bash -c "curl -s -m 5 -H 'Authorization: Bearer queue-admin-0123456789' '$QU/metrics' | grep -qx 'ccxml_events_refused_total 3'"
	check "queue limit: the refusal logged once" bash -c "[ \$(grep -c 'event queue full (10 events sent to it): a basichttp event refused' '$W/qerr') = 1 ]"
	kill -TERM $QP
	wait $QP
	rc=$?
	check "queue limit: the other 2 refusals counted in a line when the session ended" grep -q -F \
		'events refused: its event queue or its delayed sends are at their limit of 10 (--max-queue); 2 more since the last such line' "$W/qerr"
	check "queue program: exit status 0 (got $rc), no sanitizer report" bash -c "[ $rc = 0 ] && ! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W/qerr'"
else
	fail "queue.ccxml does not compile"; cat "$W/cc.log"
fi

echo "tests/http: $((checks - fails)) of $checks checks passed"
if [ $fails -gt 0 ]; then
	echo "--- second program stderr"; tail -n 20 "$W/errc"
	echo "--- program stderr"; tail -n 40 "$W/err"
	echo "--- program stdout"; tail -n 40 "$W/out"
	exit 1
fi
exit 0
