#!/usr/bin/env bash
# tests/rtdocs/run.sh BUILD — documents loaded at run time (docs/fetch.md): a <fetch> or
# <createccxml> of an http:// URI that was not given to ccxmlc is fetched, compiled into the
# running program and run; a relative URI inside it resolves against its own URI; the same
# content is compiled once (the cache directory also serves the next process); a template that
# differs per request is another program; a document that does not compile, a 404 and a
# timeout give error.fetch / error.createccxml with the reason; the compile server, driven as the
# runtime drives it (cserve.py), hands requests to its spare child. BUILD is build or build/asan.
# Every process is bounded by `timeout`.
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin rtdocs
T=tests/rtdocs
mkdir -p -m 700 "$W/cache"
export CCXML_DOC_CACHE=$W/cache
for d in parent submit fscript jointone many; do
	[ $d = parent ] && o=app || o=$d
	if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/$o" $T/$d.ccxml >"$W/cc.log" 2>&1; then
		echo "FAIL compile $d"; cat "$W/cc.log"; exit 1
	fi
done
timeout 250 python3 $T/web.py "$W/port" "$W/requests" 240 /webfile.ccxml="$W/webfile.ccxml" \
	/webbase.ccxml="$W/webbase.ccxml" /hogmem.ccxml="$W/hogmem.ccxml" \
	/hogcpu.ccxml="$W/hogcpu.ccxml" & PIDS+=($!)
waitfor "$W/port" . 5 || { echo "FAIL the web server did not start"; exit 1; }
U=http://127.0.0.1:$(cat "$W/port")
run() { # NAME SRC [--values k=v]... -> $W/NAME.out, .err
	local n=$1 src=$2
	shift 2
	timeout 60 "$W/app" --sim --once --values "src=$src" "$@" >"$W/$n.out" 2>"$W/$n.err"
}
has() { grep -q -- "$2" "$W/$1.out"; }
compiles() { grep -c 'document .* compiled (' "$W/$1.err"; }

run goto "$U/child.ccxml"
check "<fetch> of a URI not compiled in, then <goto>: the fetched document runs" has goto 'CHILD RUNNING'
check "a relative URI in a fetched document resolves against its URI (rel.ccxml)" has goto 'CHILD REL PASS'
check "both documents compiled once each" bash -c "[ \$(grep -c 'document .* compiled (' '$W/goto.err') = 2 ]"
run again "$U/child.ccxml"
check "a second program: nothing compiled again, loaded from the cache directory" bash -c \
	"grep -q 'CHILD REL PASS' '$W/again.out' && [ \$(grep -c 'document .* compiled (' '$W/again.err') = 0 ]"
run create "$U/child.ccxml" --values mode=create
check "<createccxml> of a URI not compiled in: the child session runs and exits" bash -c \
	"grep -q 'CREATED true' '$W/create.out' && grep -q 'CHILD REL PASS' '$W/create.out' && grep -q 'CHILD EXITED' '$W/create.out'"
run t1 "$U/tmpl.ccxml?n=1"
run t2 "$U/tmpl.ccxml?n=2"
run t1b "$U/tmpl.ccxml?n=1"
check "a template differing per request: each variant runs as served" bash -c \
	"grep -q 'TEMPLATE 1' '$W/t1.out' && grep -q 'TEMPLATE 2' '$W/t2.out' && grep -q 'TEMPLATE 1' '$W/t1b.out'"
check "the same content again is not compiled again; other content is" bash -c \
	"[ \$(grep -c 'compiled (' '$W/t1.err') = 1 ] && [ \$(grep -c 'compiled (' '$W/t2.err') = 1 ] && [ \$(grep -c 'compiled (' '$W/t1b.err') = 0 ]"
run bad "$U/bad.ccxml"
check "a document that does not compile: error.fetch with file:line:col (the URL) in reason" \
	grep -q "ERROR.FETCH http://127.0.0.1:[0-9]*/bad.ccxml:5:27: error: syntax error" "$W/bad.out"
run badc "$U/bad.ccxml" --values mode=create
check "the same with <createccxml>: error.createccxml with the diagnostic" \
	grep -q "ERROR.CREATECCXML .*bad.ccxml:5:27: error: syntax error" "$W/badc.out"
# (a cache of their own: objects made by tcc as a command differ from libtcc's, same_objects below)
mkdir -p -m 700 "$W/cache-many"
CCXML_DOC_CACHE=$W/cache-many SLOWCC_ONCE=$W/slowcc-once CCXML_DOC_CC=$PWD/$T/slowcc.sh CCXML_DOC_COMPILES=1 timeout 60 "$W/many" --sim --once --values "src=$U/tmpl.ccxml?n=one" >"$W/many1.out" 2>"$W/many1.err"
check "18 documents fetched at once with CCXML_DOC_COMPILES=1, the first compile taking 4 s: 16 wait for it, the last to come is refused (error.fetch), the others are compiled" bash -c \
	"[ \$(grep -c 'DONE ' '$W/many1.out') = 17 ] && [ \$(grep -c ' compiled ([0-9a-f]*) in' '$W/many1.err') = 17 ] &&
	 grep -q 'ERROR.FETCH $U/tmpl.ccxml?n=one[0-9]*: too many documents waiting to be compiled (1 compiling, 16 waiting)' '$W/many1.out'"
CCXML_DOC_CACHE=$W/cache-many timeout 60 "$W/many" --sim --once --values "src=$U/tmpl.ccxml?n=four" >"$W/many4.out" 2>"$W/many4.err"
check "the same by default (4 at a time, 64 waiting): all 18 compiled" bash -c \
	"[ \$(grep -c 'DONE ' '$W/many4.out') = 18 ] && [ \$(grep -c ' compiled ([0-9a-f]*) in' '$W/many4.err') = 18 ]"
run missing "$U/missing.ccxml"
check "404: error.fetch naming the status" grep -q "ERROR.FETCH .*missing.ccxml: HTTP status 404" "$W/missing.out"
run slow "$U/slow.ccxml" --values t=1s
check "an answer slower than timeout='1s': error.fetch 'timed out'" grep -q "ERROR.FETCH .*slow.ccxml: timed out" "$W/slow.out"
run slow16 "$U/slow.ccxml?s=16" --values t=20s
check "an answer after 16 s with timeout='20s': fetched and run (libcurl's own bound, 15 s by default, follows the element's timeout)" \
	has slow16 'CHILD RUNNING'
run big "$U/big.ccxml"
check "a document over 1 MiB: error.fetch, nothing compiled" bash -c \
	"grep -q 'ERROR.FETCH .*big.ccxml: larger than 1048576 bytes' '$W/big.out' && ! grep -q 'compiled (' '$W/big.err'"
printf '#!/bin/sh\nsleep 30 &\necho $! $$ >"%s"\nsleep 30\n' "$W/slowcc.pids" >"$W/slowcc"
chmod +x "$W/slowcc"
CCXMLC=$W/slowcc CCXML_DOC_COMPILE_MS=500 run hung "$U/tmpl.ccxml?n=hung"
# (a killed process whose parent died stays a zombie until init reaps it: Z counts as gone)
check "a compiler that hangs is killed (its process group) after CCXML_DOC_COMPILE_MS: error.fetch" bash -c \
	"grep -q 'ERROR.FETCH .*n=hung: compiling took more than 500 ms' '$W/hung.out' &&
	 ! ps -o stat= -p \"\$(tr ' ' ,  <'$W/slowcc.pids')\" | grep -q -v Z"
CCXMLC=$W/none run nocc "$U/tmpl.ccxml?n=nocc"
check "no compiler: error.fetch 'cannot run the compiler'" grep -q "ERROR.FETCH cannot run the compiler $W/none" "$W/nocc.out"
# the compile server (ccxmlc --compile-server, docs/fetch.md): a ccxmlc started once that forks
# one child per document; without it (CCXML_DOC_SERVER=0, or when it dies) a ccxmlc process each
check "the first compile started the compile server" grep -q "compile server started (.*ccxmlc --compile-server)" "$W/goto.err"
CCXML_DOC_SERVER=0 run nosrv "$U/tmpl.ccxml?n=nosrv"
check "CCXML_DOC_SERVER=0: compiled and run by a ccxmlc process of its own, no server" bash -c \
	"grep -q 'TEMPLATE nosrv' '$W/nosrv.out' && [ $(compiles nosrv) = 1 ] && ! grep -q 'compile server' '$W/nosrv.err'"
printf '#!/bin/sh\n[ "$1" = --compile-server ] && exit 3\nexec "%s" "$@"\n' "$(realpath "$B/ccxmlc")" >"$W/deadsrv"
chmod +x "$W/deadsrv"
CCXMLC=$W/deadsrv run deadsrv "$U/tmpl.ccxml?n=deadsrv"
check "a compile server that dies at once: the document is compiled by a ccxmlc process, and runs" bash -c \
	"grep -q 'TEMPLATE deadsrv' '$W/deadsrv.out' && [ $(compiles deadsrv) = 1 ] && grep -q 'compile server (ccxmlc --compile-server) has gone' '$W/deadsrv.err'"
check "the hung compiler above (as the server, it never answered) was killed as a server" \
	grep -q "compile server (ccxmlc --compile-server) did not answer: killed" "$W/hung.err"
# what the compiler and the compile server inherit: their standard descriptors, nothing of the
# program's (libre opens its sockets without close-on-exec: here the --http listener)
printf '#!/bin/sh\necho started >>"%s"\nfor f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && readlink "$f" >>"%s"; done\nexec "%s" "$@"\n' \
	"$W/fds.txt" "$W/fds.txt" "$(realpath "$B/ccxmlc")" >"$W/fdcc"
chmod +x "$W/fdcc"
hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CCXMLC=$W/fdcc run fds "$U/tmpl.ccxml?n=fds" --http "127.0.0.1:$hport"
CCXMLC=$W/fdcc CCXML_DOC_SERVER=0 run fds0 "$U/tmpl.ccxml?n=fds0" --http "127.0.0.1:$hport"
check "the compile server and a compiler of its own inherit no socket of the program" bash -c \
	"grep -q 'TEMPLATE fds' '$W/fds.out' && grep -q 'TEMPLATE fds0' '$W/fds0.out' &&
	 [ \$(grep -c started '$W/fds.txt') = 2 ] && ! grep -q 'socket:' '$W/fds.txt'"
printf '#!/bin/sh\n[ "$1" = --compile-server ] || exit 99\nexec "%s" "$@"\n' "$(realpath "$B/ccxmlc")" >"$W/srvonly"
chmod +x "$W/srvonly"
CCXMLC=$W/srvonly run srvonly "$U/tmpl.ccxml?n=srvonly"
check "through the server: compiled and run, the compiler never started as a process of its own" bash -c \
	"grep -q 'TEMPLATE srvonly' '$W/srvonly.out' && [ $(compiles srvonly) = 1 ]"
CCXMLC=$W/srvonly run srvbad "$U/bad.ccxml?srv"
check "through the server, a document that does not compile: error.fetch with file:line:col" \
	grep -q "ERROR.FETCH http://127.0.0.1:[0-9]*/bad.ccxml?srv:5:27: error: syntax error" "$W/srvbad.out"
sub() { # NAME METHOD: submit.ccxml fetching echo.ccxml
	timeout 60 "$W/submit" --sim --once --values "src=$U/echo.ccxml" --values "method=$2" \
		--values "caller=+1 555" >"$W/$1.out" 2>"$W/$1.err"
}
sub get get
check "method get: the namelist in the query (dotted names, URL-encoded)" \
	grep -q "TEMPLATE ECHO GET caller=+1 555;who.name=Ann & Bob" "$W/get.out"
sub post POST
check "method post: the namelist as an application/x-www-form-urlencoded body" \
	grep -q "TEMPLATE ECHO POST caller=+1 555;who.name=Ann & Bob" "$W/post.out"
sub put put
check "another method: error.fetch saying so" grep -q "ERROR.FETCH method must be get or post" "$W/put.out"
run refused "http://127.0.0.1:1/none.ccxml"
check "no server: error.fetch naming the connection failure" grep -q "ERROR.FETCH .*[Cc]onnect" "$W/refused.out"
run scheme "ftp://127.0.0.1/x.ccxml"
check "another scheme is not fetched" grep -q "ERROR.FETCH document not compiled into this program" "$W/scheme.out"

# one process fetching the same content twice: one compile, then the in-memory copy
# (/metrics: ccxml_compiles_total 1, ccxml_compile_cache_hits_total 1)
echo admin-0123456789abcdef >"$W/admin"
chmod 600 "$W/admin"
timeout 60 "$W/app" --sim --http 127.0.0.1:0 --token t --admin-token-file "$W/admin" >"$W/svc.out" 2>"$W/svc.err" &
S=$!
PIDS+=($S)
waitfor "$W/svc.err" 'listening on' 10
HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/svc.err" | head -n 1)
check "a service starts its compile server at start, before any document is fetched" \
	waitfor "$W/svc.err" 'compile server started' 10
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3D7"
waitfor "$W/svc.out" 'TEMPLATE 7' 20
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3D7"
for i in $(seq 1 100); do [ "$(grep -c 'TEMPLATE 7' "$W/svc.out")" = 2 ] && break; sleep 0.1; done
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/fresh.ccxml"
waitfor "$W/svc.out" 'CHILD REL PASS' 20
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/fresh.ccxml"
for i in $(seq 1 100); do [ "$(grep -c 'CHILD REL PASS' "$W/svc.out")" = 2 ] && break; sleep 0.1; done
curl -s -m 5 -H 'Authorization: Bearer admin-0123456789abcdef' "$HU/metrics" >"$W/metrics"
kill -TERM $S
wait $S
check "one process, the same content twice: both run, compiled once, once from memory" bash -c \
	"[ \$(grep -c 'TEMPLATE 7' '$W/svc.out') = 2 ] && [ \$(grep -c 'tmpl.ccxml?n=7 compiled' '$W/svc.err') = 1 ]"
check "Cache-Control max-age=60: the second start runs it without asking the server" bash -c \
	"[ \$(grep -c 'CHILD REL PASS' '$W/svc.out') = 2 ] && [ \$(grep -c '^/fresh.ccxml ' '$W/requests') = 1 ]"
check "/metrics: ccxml_compiles_total 1, ccxml_compile_cache_hits_total 3 (memory, cache directory, fresh)" bash -c \
	"grep -q '^ccxml_compiles_total 1\$' '$W/metrics' && grep -q '^ccxml_compile_cache_hits_total 3\$' '$W/metrics'"
# The compile server's prelude (compiler/cctcc.c): with tcc, the runtime's headers preprocessed
# once when the server starts, read by each compile instead of cx.h. The same document compiled
# by a ccxmlc process of its own (which reads the headers) must give the same object; a header
# that changes after the server started must be read again (here: it turns into an #error).
same_objects() { # every document compiled so far without scripts, compiled again by a ccxmlc process
	local f n=0
	for f in "$W"/cache/*.ccxml; do
		[ -f "${f%.ccxml}.so" ] && ! ls "${f%.ccxml}"-*.js >/dev/null 2>&1 || continue
		CC=tcc ASAN_OPTIONS=detect_leaks=0 timeout 60 "$B/ccxmlc" --shared -O0 --no-line -o "$W/again.so" "$f" || return 1
		cmp "$W/again.so" "${f%.ccxml}.so" || return 1
		n=$((n + 1))
	done
	echo "  ($n documents)"
	[ $n -ge 5 ]
}
if command -v tcc >/dev/null; then
	check "the prelude changes nothing: the server's objects are those a ccxmlc process makes" same_objects
fi
mkdir -p "$W/home/runtime" "$W/home/stdlib"
cp -r runtime/include "$W/home/runtime/" && cp -r stdlib/include "$W/home/stdlib/"
CCXMLC_HOME=$W/home timeout 60 "$W/app" --sim --http 127.0.0.1:0 --token t >"$W/pre.out" 2>"$W/pre.err" &
S=$!
PIDS+=($S)
waitfor "$W/pre.err" 'listening on' 10
HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/pre.err" | head -n 1)
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3Dpre1"
waitfor "$W/pre.out" 'TEMPLATE pre1' 20
echo '#error "the runtime headers changed"' >>"$W/home/runtime/include/cx_gen.h"
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3Dpre2"
waitfor "$W/pre.err" 'the runtime headers changed' 20
kill -TERM $S
wait $S
check "a header changed after the server started: the next compile reads the headers, not the prelude" bash -c \
	"grep -q 'TEMPLATE pre1' '$W/pre.out' && ! grep -q 'TEMPLATE pre2' '$W/pre.out' &&
	 grep -q 'the runtime headers changed' '$W/pre.err'"
mkdir -p "$W/odd\\home/runtime" "$W/odd\\home/stdlib"
cp -r runtime/include "$W/odd\\home/runtime/" && cp -r stdlib/include "$W/odd\\home/stdlib/"
CCXMLC_HOME=$W/odd\\home run oddhome "$U/tmpl.ccxml?n=oddhome"
check "headers under a name tcc's line markers cannot carry (a backslash): the server makes no prelude, its compile reads the headers" bash -c \
	"grep -q 'TEMPLATE oddhome' '$W/oddhome.out' && [ \$(grep -c 'compiled (' '$W/oddhome.err') = 1 ] &&
	 grep -q 'compile server started' '$W/oddhome.err' && ! grep -q 'compile server .* has gone' '$W/oddhome.err'"
# HTTP caching in one process (docs/fetch.md "Caching"): each start runs parent.ccxml with
# mode=goto; NAME [k=v]... starts a session fetching /NAME.ccxml and waits for its log line.
timeout 90 "$W/app" --sim --http 127.0.0.1:0 --token t --admin-token-file "$W/admin" >"$W/hc.out" 2>"$W/hc.err" &
S=$!
PIDS+=($S)
waitfor "$W/hc.err" 'listening on' 10
HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/hc.err" | head -n 1)
hc() { # NAME MARK [QUERY]: start a session fetching /NAME.ccxml, wait for one more MARK line
	local n0
	n0=$(grep -c "TEMPLATE $2\$" "$W/hc.out")
	curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/$1.ccxml${3:+&$3}"
	for i in $(seq 1 150); do
		[ "$(grep -c "TEMPLATE $2\$" "$W/hc.out")" -gt "$n0" ] && return 0
		grep -q "ERROR" "$W/hc.out" && break
		sleep 0.1
	done
	echo "  (no TEMPLATE $2 after fetching $1)"; return 1
}
reqs() { grep "^/$1.ccxml " "$W/requests" | cut -d' ' -f2-; }  # NAME -> STATUS inm= ims= cc=
export W
export -f reqs compiles
hc etag etag && hc etag etag && hc etag etag
check "ETag: the first 200, then If-None-Match \"e1\" each time and 304 (3 runs)" bash -c \
	"[ \"\$(reqs etag | tr '\n' '|')\" = '200 inm=- ims=- cc=-|304 inm=\"e1\" ims=- cc=-|304 inm=\"e1\" ims=- cc=-|' ]" 
check "a 304 reuses the program: etag.ccxml compiled once, run 3 times" bash -c \
	"[ \$(grep -c 'etag.ccxml compiled' '$W/hc.err') -le 1 ] && [ \$(grep -c 'TEMPLATE etag\$' '$W/hc.out') = 3 ]"
hc lastmod lastmod && hc lastmod lastmod
check "Last-Modified: the second request has If-Modified-Since and gets 304" bash -c \
	"reqs lastmod | tail -n 1 | grep -q '^304 inm=- ims=Mon, 02 Nov 2026 10:00:00 GMT'"
hc nocache nocache && hc nocache nocache
check "no-cache (even with max-age=60): asked every time, revalidated (304)" bash -c \
	"[ \$(reqs nocache | wc -l) = 2 ] && reqs nocache | tail -n 1 | grep -q '^304 inm=\"n1\"'"
hc nostore nostore && hc nostore nostore
check "no-store: nothing kept, no conditional request (200 twice, no If-None-Match)" bash -c \
	"[ \"\$(reqs nostore | tr '\n' '|')\" = '200 inm=- ims=- cc=-|200 inm=- ims=- cc=-|' ]"
hc fresh2 fresh2 && hc fresh2 fresh2 && hc fresh2 fresh2 maxage=0
check "max-age=60: the second start asks nothing; maxage=0 on the third revalidates (304, request Cache-Control max-age=0)" bash -c \
	"[ \"\$(reqs fresh2 | tr '\n' '|')\" = '200 inm=- ims=- cc=-|304 inm=\"f1\" ims=- cc=max-age=0|' ]"
hc fresh2 fresh2 "maxage=0&maxstale=60"
check "maxage=0 with maxstale=60: the request says both to caches on the way (Cache-Control: max-age=0, max-stale=60; RFC 9111 §5.2.1)" bash -c \
	"reqs fresh2 | tail -n 1 | grep -q '^304 inm=\"f1\" ims=- cc=max-age=0, max-stale=60\$'"
hc stale stale
sleep 2
hc stale stale maxstale=60 && hc stale stale maxstale=1s && hc stale stale
check "max-age=1, 2 s later: maxstale=60 runs the stale copy with no request, maxstale=1s revalidates, the 304's max-age=30 makes the next fresh" bash -c \
	"[ \"\$(reqs stale | tr '\n' '|')\" = '200 inm=- ims=- cc=-|304 inm=\"t1\" ims=- cc=max-stale=1|' ]"
hc flip flipA && hc flip flipA && hc flip flipB
check "a changed document (new ETag, 200) replaces the kept program: flipB runs" bash -c \
	"[ \"\$(reqs flip | cut -d' ' -f1-2 | tr '\n' '|')\" = '200 inm=-|304 inm=\"a\"|200 inm=\"a\"|' ]"
curl -s -m 5 -H 'Authorization: Bearer admin-0123456789abcdef' "$HU/metrics" >"$W/hc.metrics"
kill -TERM $S
wait $S
check "/metrics: ccxml_fetch_not_modified_total counts the 304s (8)" \
	grep -q '^ccxml_fetch_not_modified_total 8$' "$W/hc.metrics"

# the cache directory keeps CCXML_DOC_CACHE_MAX programs, the least recently used go first
mkdir -p -m 700 "$W/small"
for n in a b c; do CCXML_DOC_CACHE=$W/small CCXML_DOC_CACHE_MAX=2 run trim$n "$U/tmpl.ccxml?n=trim$n"; done
CCXML_DOC_CACHE=$W/small CCXML_DOC_CACHE_MAX=2 run trimb2 "$U/tmpl.ccxml?n=trimb"
CCXML_DOC_CACHE=$W/small CCXML_DOC_CACHE_MAX=2 run trima2 "$U/tmpl.ccxml?n=trima"
check "CCXML_DOC_CACHE_MAX=2: 3 programs compiled, 4 files (2 programs) left, the oldest removed" bash -c \
	"grep -q 'TEMPLATE trimc' '$W/trimc.out' && grep -q '3 old files\\|2 old files' '$W/trimc.err' && [ \$(ls '$W/small' | wc -l) = 4 ]"
check "a kept program is loaded, not compiled (trimb); a removed one is compiled again (trima)" bash -c \
	"grep -q 'TEMPLATE trimb' '$W/trimb2.out' && [ \$(compiles trimb2) = 0 ] && grep -q 'TEMPLATE trima' '$W/trima2.out' && [ \$(compiles trima2) = 1 ]"
# <script src> of a fetched document: fetched before it is compiled, charset converted, xml:base
run withjs "$U/withjs.ccxml"
check "<script src> relative, absolute, charset=ISO-8859-1, Latin-1 by Content-Type, UTF-8: all ran as written" \
	grep -q "^.*SCRIPTS PASS" "$W/withjs.out"
check "the scripts were fetched once each (js/util.js relative to the document)" bash -c \
	"[ \$(grep -c '^/js/util.js 200' '$W/requests') = 1 ] && [ \$(grep -c '^/utf.js 200' '$W/requests') = 1 ]"
run xb "$U/xb.ccxml"
check "xml:base on <ccxml> and on <script>: /sub/s.js and /other/o.js ran" grep -q "XB SCRIPTS SUBOTHER" "$W/xb.out"
check "xml:base is the base of <fetch next>: /sub/rel.ccxml fetched and run by <goto>" bash -c \
	"grep -q 'XB REL PASS' '$W/xb.out' && grep -q '^/sub/rel.ccxml 200' '$W/requests'"
run js404 "$U/js404.ccxml"
check "a <script src> answered 404: error.fetch naming the script and the status, nothing ran" bash -c \
	"grep -q 'ERROR.FETCH script http://127.0.0.1:[0-9]*/nope.js: HTTP status 404' '$W/js404.out' && ! grep -q 'ONEJS RAN' '$W/js404.out'"
run jscs "$U/jscs.ccxml" --values mode=create
check "an unknown <script charset>: error.createccxml saying so" \
	grep -q "ERROR.CREATECCXML script .*abs.js: unknown charset 'x-none'" "$W/jscs.out"
run jsbad "$U/jsbad.ccxml"
check "a <script src> that does not compile: error.fetch, reason SCRIPT-URL:line:col: error (the script's URL, not the cache file's name)" \
	grep -q "ERROR.FETCH $U/fs/bad.js:2:7: error: syntax error in <script>" "$W/jsbad.out"
run jsplace "$U/jsplace.ccxml"
check "an exception in a fetched document's script: the log names the script's URL and line, not the cache file" bash -c \
	"grep -q 'PLACE TypeError' '$W/jsplace.out' && grep -q 'error.semantic (<var>): TypeError: .* (at $U/fs/place.js:3)\$' '$W/jsplace.err'"
run jsftp "$U/jsftp.ccxml"
check "a <script src> that is not http(s): error.fetch saying so" \
	grep -q "ERROR.FETCH .*jsftp.ccxml: <script src> 'ftp://127.0.0.1/x.js' (line 3) is not an http(s) URI" "$W/jsftp.out"
# <script fetchid> after <fetch type="'text/ecmascript'"> (fscript.ccxml; docs/fetch.md)
timeout 60 "$W/fscript" --sim --once --values "base=$U" >"$W/fs.out" 2>"$W/fs.err"
fs() { grep -q "FS $1 PASS" "$W/fs.out"; }
check "a function declared by the document, called directly by another (before any script was fetched)" fs before
check "<script fetchid>: fetch.done for the script; it reads and sets the document's ccxml variable and the transition's, its var and functions are the document's afterwards (a direct call of the function it declared again calls its function)" fs ok
check "a fetched script in ISO-8859-1 without a charset in its Content-Type is read as such" fs latin1
check "a function the script declared, called by a later transition, changes the document's variable" fs later
check "a script that does not compile: error.fetch with URL:line:col in reason" fs bad
check "a script that throws: error.semantic (tagname script, the exception in reason), the transition stops" bash -c \
	"grep -q 'FS throw PASS' '$W/fs.out' && ! grep -q 'the transition went on' '$W/fs.out'"
check "... its log names the script by the URI fetched, with the line that threw" \
	grep -q "error.semantic (<script>): Error: boom (at $U/fs/throw.js:2)\$" "$W/fs.err"
check "an unknown fetchid, and the fetchid of a CCXML document: error.semantic saying so" bash -c \
	"grep -q 'FS unknown PASS' '$W/fs.out' && grep -q 'FS notscript PASS' '$W/fs.out'"
check "<script fetchid charset='ISO-8859-1'>: bytes valid as UTF-8 (no charset in the Content-Type) run as Latin-1 there, as UTF-8 without the attribute" fs charset
check "a Latin-1 script under a wrong Content-Type charset=UTF-8: fetch.done all the same, <script fetchid charset='iso-8859-1'> runs it as Latin-1" fs wrongct
check "... and <script fetchid> without a charset: error.semantic, the script is not valid UTF-8" bash -c \
	"grep -q 'FS nocs PASS' '$W/fs.out' && grep -q 'FS DONE' '$W/fs.out' && ! grep -q FAIL '$W/fs.out'"
fsc() { grep -c "document $U/fs/$1 compiled (" "$W/fs.err"; }
export U
export -f fsc
check "compiled once per distinct decoding: ok.js (ASCII) and lat.js (Latin-1 by default, as declared) once, lat2.js twice, lat3.js once" bash -c \
	"[ \$(fsc ok.js) = 1 ] && [ \$(fsc lat.js) = 1 ] && [ \$(fsc lat2.js) = 2 ] && [ \$(fsc lat3.js) = 1 ]"
# Files under --docroot (docs/fetch.md "Files under the document root"): a relative path or a
# file: URI in the compiled-in parent.ccxml, <script src> relative to such a file; refused:
# .., a symlink out, an absolute path elsewhere, a script outside, no --docroot at all
R=$W/root
mkdir -p "$R/js"
cat >"$R/ok.ccxml" <<'DOC'
<?xml version="1.0" encoding="UTF-8"?>
<ccxml version="1.0" xmlns="http://www.w3.org/2002/09/ccxml">
  <script src="js/lib.js"/>
  <eventprocessor>
    <transition event="ccxml.loaded">
      <log expr="'ROOT ' + (lib == 'LIB' ? 'PASS' : 'FAIL')"/>
      <exit/>
    </transition>
  </eventprocessor>
</ccxml>
DOC
echo "var lib = 'LIB';" >"$R/js/lib.js"
echo "var out = 1;" >"$W/outside.js"
sed 's|js/lib.js|../outside.js|' "$R/ok.ccxml" >"$R/escape.ccxml"
cp "$R/ok.ccxml" "$W/outside.ccxml"
ln -s ../outside.ccxml "$R/link.ccxml"
droot() { # NAME SRC [more options]
	local n=$1 src=$2
	shift 2
	timeout 60 "$W/app" --sim --once --docroot "$R" --values "src=$src" "$@" >"$W/$n.out" 2>"$W/$n.err"
}
droot rrel ok.ccxml
check "--docroot: a relative path in a compiled-in document is read from under it, its <script src> too" \
	grep -q "ROOT PASS" "$W/rrel.out"
droot rfile "file://$R/ok.ccxml"
check "--docroot: a file:// URI under it" grep -q "ROOT PASS" "$W/rfile.out"
droot rdots ../outside.ccxml
check "--docroot: '..' out of it is refused with error.fetch saying so" \
	grep -q "ERROR.FETCH '../outside.ccxml' is outside the document root $R" "$W/rdots.out"
droot rlink link.ccxml
check "--docroot: a symlink pointing out of it is refused" \
	grep -q "ERROR.FETCH 'link.ccxml' is outside the document root" "$W/rlink.out"
droot rabs "$W/outside.ccxml"
check "--docroot: an absolute path elsewhere is refused" \
	grep -q "ERROR.FETCH '$W/outside.ccxml' is outside the document root" "$W/rabs.out"
droot rjs escape.ccxml
check "--docroot: a <script src> resolving outside it is refused (error.fetch naming the script)" \
	grep -q "ERROR.FETCH script 'file://$W/outside.js' is outside the document root" "$W/rjs.out"
droot rnone none.ccxml
check "--docroot: a file that is not there: error.fetch with the system's reason" \
	grep -q "ERROR.FETCH 'none.ccxml': No such file or directory" "$W/rnone.out"
droot rcreate ok.ccxml --values mode=create
check "--docroot: <createccxml> of a file under it runs the child" bash -c \
	"grep -q 'ROOT PASS' '$W/rcreate.out' && grep -q 'CHILD EXITED' '$W/rcreate.out'"
# a document fetched over HTTP reaches no file under the root: neither by a file: URI nor by
# xml:base="file://ROOT/" under a relative <script src> (its code could send the file away)
sed "s|'file:[^']*'|'file://$R/ok.ccxml'|" "$T/webfile.ccxml" >"$W/webfile.ccxml"
sed "s|xml:base=\"[^\"]*\"|xml:base=\"file://$R/\"|" "$T/webbase.ccxml" >"$W/webbase.ccxml"
droot rweb "$U/webfile.ccxml"
check "--docroot: <fetch next='file:…'> of a file under the root in a document fetched over HTTP: error.fetch, not read" \
	grep -q "WEB ERROR.FETCH 'file://$R/ok.ccxml': a document fetched over HTTP reads no local file" "$W/rweb.out"
droot rwebjs "$U/webbase.ccxml"
check "--docroot: <script src='js/lib.js'> under xml:base='file://ROOT/' in a document fetched over HTTP: error.fetch naming the script, not read" \
	grep -q "ERROR.FETCH script 'file://$R/js/lib.js': a document fetched over HTTP reads no local file" "$W/rwebjs.out"
run rnoroot ok.ccxml
check "no --docroot: no file is read (error.fetch 'not compiled into this program')" \
	grep -q "ERROR.FETCH document not compiled into this program" "$W/rnoroot.out"
# <join entertone/exittone> of an http WAV (jointone.ccxml, on the simulator)
printf 'call tel:+14075550121 answer\n' >"$W/jt.scenario"
timeout 60 "$W/jointone" --sim="$W/jt.scenario" --once --values "base=$U" >"$W/jt.out" 2>"$W/jt.err"
check "<join> with an http(s) entertone and exittone: both fetched, then conference.joined" bash -c \
	"grep -q 'JT web PASS' '$W/jt.out' && grep -q '^/tone.wav 200' '$W/requests' && grep -q '^/tone.wav?exit 200' '$W/requests'"
check "an http(s) entertone answered 404: error.conference.join naming the tone and the status" bash -c \
	"grep -q 'JT missing PASS' '$W/jt.out' && grep -q 'JT DONE' '$W/jt.out' && ! grep -q FAIL '$W/jt.out'"
# The limits of one compile (compiler/cserve.c, docs/fetch.md): in a service compiling one at a
# time, a document needing more than CCXML_DOC_COMPILE_MB=500 of address space (830 KB of
# transitions: some 700 MiB), then a small one, which compiles (no address-space limit in an
# ASan build: its shadow memory is terabytes of it); one needing more than
# CCXML_DOC_COMPILE_CPU=1 s (950 KB of functions: some 6 s and 1 GiB), through the compile
# server and without it. Then a compile whose cc stops (SIGSTOP) holds its slot until
# CCXML_DOC_COMPILE_MS (6 s: the next document, compiled by a cc of its own after it, must fit
# in it too on a loaded machine; 1.5 s failed once in CI), and the next document compiles.
python3 - "$W" <<'PY'
import sys
head = '<?xml version="1.0" encoding="UTF-8"?>\n<ccxml version="1.0" xmlns="http://www.w3.org/2002/09/ccxml">\n'
end = '<eventprocessor><transition event="ccxml.loaded"><exit/></transition></eventprocessor></ccxml>\n'
tr = ''.join('<transition event="e.%d" cond="k &gt;= %d"><if cond="f(k, %d) &gt; 3"><assign name="k" '
             'expr="k + %d"/><else/><log expr="\'item %d \' + k"/></if></transition>\n'
             % (i, i % 7, i, i % 11, i) for i in range(5200))
open(sys.argv[1] + '/hogmem.ccxml', 'w').write(
    head + '<var name="k" expr="0"/><script>function f(a, b) { var s = 0; for (var i = 0; i &lt; a; i++) '
    '{ s += b * i; } return s; }</script><eventprocessor>' + tr + '</eventprocessor></ccxml>\n')
fn = ''.join('function g%d(a) { var x = a + %d; if (x > 3) { return x * 2; } return [x, "s%d", {p: x}]; }\n'
             % (i, i, i) for i in range(10000))
open(sys.argv[1] + '/hogcpu.ccxml', 'w').write(head + '<script><![CDATA[\n' + fn + ']]></script>\n' + end)
PY
mkdir -p -m 700 "$W/cache-lim"
CCXML_DOC_CACHE=$W/cache-lim CCXML_DOC_COMPILE_MB=500 CCXML_DOC_COMPILES=1 \
	timeout 120 "$W/app" --sim --http 127.0.0.1:0 --token t >"$W/lim.out" 2>"$W/lim.err" &
S=$!
PIDS+=($S)
waitfor "$W/lim.err" 'listening on' 10
HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/lim.err" | head -n 1)
[[ $B == */asan ]] || curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/hogmem.ccxml"
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3Dafterlim"
waitfor "$W/lim.out" 'TEMPLATE afterlim' 60
kill -TERM $S
wait $S
if [[ $B == */asan ]]; then
	echo "  (ASan build: no address-space limit, its check is the plain build's)"
else
	check "a document whose compile needs more than CCXML_DOC_COMPILE_MB=500: error.fetch 'compile of URL exceeded the memory limit (500 MiB)', and a log line" bash -c \
		"grep -q 'ERROR.FETCH compile of $U/hogmem.ccxml exceeded the memory limit (500 MiB)\$' '$W/lim.out' &&
		 grep -q 'document $U/hogmem.ccxml: compile of .* exceeded the memory limit' '$W/lim.err'"
fi
check "after it, in the same service compiling one at a time, the next document compiles and runs" bash -c \
	"grep -q 'TEMPLATE afterlim' '$W/lim.out' && grep -q 'tmpl.ccxml?n=afterlim compiled' '$W/lim.err'"
# (the stopped cc first does as gcc does: a file of its own in TMPDIR, the object begun)
cat >"$W/stopcc" <<EOF
#!/bin/sh
if mkdir "$W/stopcc-once" 2>/dev/null; then
	echo \$\$ >"$W/stopcc.pid"
	: >"\$(mktemp "\${TMPDIR:-/tmp}/ccXXXXXX.o")"
	while [ \$# -gt 1 ] && [ "\$1" != -o ]; do shift; done
	echo partial >"\$2"
	kill -STOP \$\$
fi
exec tcc "\$@"
EOF
chmod +x "$W/stopcc"
mkdir -p -m 700 "$W/cache-stop" "$W/tmpstop"
TMPDIR=$W/tmpstop CCXML_DOC_CACHE=$W/cache-stop CCXML_DOC_CC=$W/stopcc CCXML_DOC_COMPILE_MS=6000 CCXML_DOC_COMPILES=1 \
	timeout 60 "$W/app" --sim --http 127.0.0.1:0 --token t >"$W/stop.out" 2>"$W/stop.err" &
S=$!
PIDS+=($S)
waitfor "$W/stop.err" 'listening on' 10
HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$W/stop.err" | head -n 1)
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3Dstopped"
curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3Dafterstop"
waitfor "$W/stop.out" 'TEMPLATE afterstop' 30
kill -TERM $S
wait $S
check "a compile whose cc is stopped (SIGSTOP) is killed after CCXML_DOC_COMPILE_MS (error.fetch), its slot goes to the next document, which runs" bash -c \
	"grep -q 'ERROR.FETCH .*n=stopped: compiling took more than 6000 ms' '$W/stop.out' &&
	 grep -q 'TEMPLATE afterstop' '$W/stop.out' && ! ps -o stat= -p \"\$(cat '$W/stopcc.pid')\" | grep -q -v Z"
# what a compile makes: in the cache directory, HASH.so.tmpPID (the object being written) and
# HASH.so.tmpPID.d (ccxmlc's C and its cc's files, TMPDIR of the cc), removed by the program
# after the kill; nothing in TMPDIR
check "the stopped compile, killed: nothing of it left in TMPDIR or the cache directory (its C, cc's file, the object begun)" bash -c \
	"[ -z \"\$(ls -A '$W/tmpstop')\" ] && ! ls -A '$W/cache-stop' | grep -q -v -E '^[0-9a-f]{64}\.(so|ccxml)\$'"
# whatever step of the compile runs out (parse, check, the C written, tcc), its message says so:
# the memory limit swept across the 830 KB document's compile (it needs some 650-700 MiB; without
# the check of the streams the C is written into, tcc said "unexpected end of file" at 600-660)
if [[ $B != */asan ]]; then
	: >"$W/sweep.txt"
	for mb in $(seq 520 8 680); do
		CC=/usr/bin/tcc CCXML_DOC_COMPILE_MB=$mb TMPDIR=$W timeout 60 "$B/ccxmlc" --shared -O0 --no-line \
			--fetched -o "$W/sweep.so" "$W/hogmem.ccxml" >"$W/sweep.log" 2>&1
		echo "$mb $? $(head -n 1 "$W/sweep.log")" >>"$W/sweep.txt"
	done
	check "the memory limit swept from 520 to 680 MiB: each compile compiles, or fails saying it ran out of memory" \
		bash -c "! grep -v -E '^[0-9]+ (0 |[0-9]+ .*(out of memory|failed to (re)?allocate))' '$W/sweep.txt'"
fi
# a C compiler that fails: no generated C kept in TMPDIR for a fetched document (a compile ended
# by a limit would leave megabytes there each time)
printf '#!/bin/sh\necho "failcc: no" >&2\nexit 1\n' >"$W/failcc"
chmod +x "$W/failcc"
mkdir -p "$W/tmpcc"
TMPDIR=$W/tmpcc CCXML_DOC_CC=$W/failcc run failcc "$U/tmpl.ccxml?n=failcc"
check "a fetched document whose C compiler fails: error.fetch 'compile of URL: the C compiler failed', no generated C kept in TMPDIR" bash -c \
	"grep -q -F 'ERROR.FETCH compile of $U/tmpl.ccxml?n=failcc: the C compiler failed' '$W/failcc.out' && [ -z \"\$(ls -A '$W/tmpcc')\" ]"
CCXML_DOC_COMPILE_CPU=1 run cpu "$U/hogcpu.ccxml"
check "a document whose compile needs more than CCXML_DOC_COMPILE_CPU=1: error.fetch 'compile of URL exceeded the CPU-time limit (1 s)'" \
	grep -q "ERROR.FETCH compile of $U/hogcpu.ccxml exceeded the CPU-time limit (1 s)\$" "$W/cpu.out"
CCXML_DOC_SERVER=0 CCXML_DOC_COMPILE_CPU=1 run cpu0 "$U/hogcpu.ccxml?direct"
check "the same without the compile server (CCXML_DOC_SERVER=0, a ccxmlc process of its own)" \
	grep -q "ERROR.FETCH compile of $U/hogcpu.ccxml?direct exceeded the CPU-time limit (1 s)\$" "$W/cpu0.out"
check "compiles killed by SIGXCPU (ccxmlc itself, with libtcc): nothing of them left in the cache directory (their HASH.so.tmpPID.d)" \
	bash -c "! ls -A '$CCXML_DOC_CACHE' | grep -v -E '^[0-9a-f]{64}(-[0-9]+)?\.(so|ccxml|vxml|js|grxml)\$'"
# The reason when an external C compiler cannot even be started for want of address space: a
# memory limit below what ccxmlc has mapped by then (its compile thread's stack alone is 256 MiB)
# refuses the few pages posix_spawn needs; the reason names the memory limit (with system(),
# which gave exit status 127, it was "the C compiler failed"). Through the server and without.
printf '#!/bin/sh\nexec tcc "$@"\n' >"$W/extcc"
chmod +x "$W/extcc"
if [[ $B != */asan ]]; then
	CCXML_DOC_CC=$W/extcc CCXML_DOC_COMPILE_MB=300 run spawnmem "$U/tmpl.ccxml?n=spawnmem"
	CCXML_DOC_SERVER=0 CCXML_DOC_CC=$W/extcc CCXML_DOC_COMPILE_MB=300 run spawnmem0 "$U/tmpl.ccxml?n=spawnmem0"
	check "an external C compiler that cannot be started within CCXML_DOC_COMPILE_MB=300: error.fetch 'compile of URL exceeded the memory limit (300 MiB)', with the compile server and without" bash -c \
		"grep -q 'ERROR.FETCH compile of $U/tmpl.ccxml?n=spawnmem exceeded the memory limit (300 MiB)\$' '$W/spawnmem.out' &&
		 grep -q 'ERROR.FETCH compile of $U/tmpl.ccxml?n=spawnmem0 exceeded the memory limit (300 MiB)\$' '$W/spawnmem0.out'"
fi
# A service compiling document after document must not grow. Rounds of four at once: one that
# compiles, one whose C compiler fails, one that does not compile, one whose cc makes its files
# (in TMPDIR, the object begun) and stops, killed at CCXML_DOC_COMPILE_MS; after the first round
# and after three more, the program has as many descriptors, as many processes under it (with as
# many descriptors), no zombie, nothing in TMPDIR and nothing but programs in the cache
# directory. Through the compile server,
# then with a ccxmlc process each. Also: a compile's temporary left in the cache directory by a
# process that has gone (a PID that cannot exist), older than a compile can be, is removed (by
# the directory's trim after a compile); one of a live process (this shell) is not. The program
# runs under a parent that, as the init of a container does, gets the orphaned processes
# (a subreaper) and reaps only its own child: through the compile server, the processes of a
# killed compile are reaped all the same (the server is their subreaper); without it, they are
# the init's (counted, not checked: the program reaps only the compilers it started).
cat >"$W/loopcc" <<'EOF'
#!/bin/sh
for a; do
	case $a in *.c)
		grep -q failme "$a" && { echo "loopcc: no" >&2; exit 1; }
		if grep -q stopme "$a"; then
			: >"$(mktemp "${TMPDIR:-/tmp}/ccXXXXXX.o")"
			while [ $# -gt 1 ] && [ "$1" != -o ]; do shift; done
			echo partial >"$2"
			kill -STOP $$
		fi ;;
	esac
done
exec tcc "$@"
EOF
chmod +x "$W/loopcc"
loop_state() { # PID TMPDIR CACHE INIT: what the program has, for comparing
	python3 - "$@" <<'PY'
import os, re, sys
pid, tmp, cache, init = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
procs = {}
for p in os.listdir('/proc'):
    try:
        st = open('/proc/%s/stat' % p).read() if p.isdigit() else None
    except OSError:
        st = None
    if st:
        f = st[st.rindex(')') + 2:].split()
        procs[int(p)] = (int(f[1]), f[0])
under, todo = [], [pid]
while todo:
    q = todo.pop()
    for c, (pp, _) in procs.items():
        if pp == q:
            under.append(c)
            todo.append(c)
print('init-zombies %d' % sum(pp == init and st == 'Z' for pp, st in procs.values()))
def fds(p):
    try:
        return len(os.listdir('/proc/%d/fd' % p))
    except OSError:
        return 0
print('descriptors %d (and %d of the processes under it) processes %d zombies %d tmp %s cache-other %s' % (
    fds(pid), sum(fds(c) for c in under), len(under), sum(procs[c][1] == 'Z' for c in under),
    sorted(os.listdir(tmp)), sorted(n for n in os.listdir(cache)
    if not re.fullmatch(r'[0-9a-f]{64}(-[0-9]+)?\.(so|ccxml|vxml|js|grxml)', n))))
PY
}
H64=$(printf '%064d' 7)
cat >"$W/init.py" <<'EOF'
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
signal.signal(signal.SIGTERM, lambda *a: os.kill(pid, signal.SIGTERM))
os.waitpid(pid, 0)
EOF
for srv in 1 0; do
	L=$W/loop$srv
	mkdir -p -m 700 "$L.cache" "$L.tmp"
	mkdir "$L.cache/$H64.so.tmp2147483600.d" && : >"$L.cache/$H64.so.tmp2147483600.d/x.c"
	: >"$L.cache/$H64.so.tmp$$"
	touch -d '2 hours ago' "$L.cache/$H64.so.tmp2147483600.d" "$L.cache/$H64.so.tmp$$"
	TMPDIR=$L.tmp CCXML_DOC_CACHE=$L.cache CCXML_DOC_CC=$W/loopcc CCXML_DOC_SERVER=$srv \
		CCXML_DOC_COMPILE_MS=2000 timeout 120 python3 "$W/init.py" "$W/app" --sim --http 127.0.0.1:0 --token t >"$L.out" 2>"$L.err" &
	S=$!
	PIDS+=($S)
	waitfor "$L.err" 'listening on' 10
	HU=http://127.0.0.1:$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$L.err" | head -n 1)
	I=$(ps -o pid= --ppid $S | head -n 1)  # the init (S is its timeout)
	A=$(ps -o pid= --ppid $I | head -n 1)  # the program
	for r in 1 2 3 4; do
		for n in ok failme stopme; do
			curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/tmpl.ccxml%3Fn%3D$n$srv$r"
		done
		curl -s -m 10 -o /dev/null "$HU/CCXML10.start?tokenid=t&src=$U/bad.ccxml%3Floop$srv$r"
		waitfor "$L.out" "n=stopme$srv$r: compiling took more than 2000 ms" 30
		waitfor "$L.out" "TEMPLATE ok$srv$r" 10
		for ((i = 0; i < 100 && $(grep -c 'the C compiler failed' "$L.out") < r; i++)); do sleep 0.1; done
		waitfor "$L.out" "bad.ccxml\?loop$srv$r:5:27: error" 10
		sleep 1  # the compile server's next spare
		[ $r = 1 ] && loop_state $A "$L.tmp" "$L.cache" $I >"$L.first"
	done
	loop_state $A "$L.tmp" "$L.cache" $I >"$L.last"
	kill -TERM $S
	wait $S
	echo "  (CCXML_DOC_SERVER=$srv, after round 1: $(tr '\n' ' ' <"$L.first"); after 4: $(tr '\n' ' ' <"$L.last"))"
	check "CCXML_DOC_SERVER=$srv: 16 compiles, 4 of each outcome, all reported" bash -c \
		"[ \$(grep -c -E 'TEMPLATE ok$srv|ERROR.FETCH compile of [^ ]*: the C compiler failed|n=stopme$srv.*took more than|loop$srv.:5:27: error' '$L.out') = 16 ]"
	[ $srv = 1 ] && check "through the compile server, the processes of the 4 killed compiles left no zombie with the init either" \
		grep -q -x "init-zombies 0" "$L.last"
	check "CCXML_DOC_SERVER=$srv: after 3 more rounds, as many descriptors and processes as after the first, no zombie, nothing in TMPDIR, in the cache directory only programs and the live process's temporary" bash -c \
		"cmp -s <(tail -n 1 '$L.first') <(tail -n 1 '$L.last') && grep -q \"zombies 0 tmp \\[\\] cache-other \\['$H64.so.tmp$$'\\]\\\$\" '$L.last'"
done
# the compile server itself, driven as the runtime drives it (cserve.py says what it checks)
ASAN_OPTIONS=detect_leaks=0 timeout 300 python3 $T/cserve.py "$B/ccxmlc" "$W" >"$W/cserve.err" 2>&1
cs() { grep -q -x -- "$1" "$W/cserve.out"; }
check "compile server: the first request goes to the spare child forked before it" cs spare-used
check "compile server: its 'X' (exit status 0) comes with its output ended and the object written" cs first-ok
check "compile server: a document that does not compile: 'X' with status 1, the diagnostic on its output" \
	bash -c "grep -q -x 'bad-status 1' '$W/cserve.out' && grep -q -x bad-diag '$W/cserve.out'"
check "compile server: two requests at once both compile, and one after them" bash -c \
	"grep -q -x pair-ok '$W/cserve.out' && grep -q -x again-ok '$W/cserve.out'"
check "compile server: it and its spare exit when the program closes its end" cs gone-ok
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W'/*.err"
lc_end rtdocs
