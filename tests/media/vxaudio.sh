#!/usr/bin/env bash
# tests/media/vxaudio.sh BUILD — VoiceXML <audio> on a web server (docs/voicexml.md "Audio over
# HTTP"): in documents fetched at run time (tests/media/vx/*.vxml, served by vxweb.py with the
# audio beside them) a relative or absolute http <audio src> is fetched through the prompt cache
# and played for the file's real length (0.6 s; the field's no-input time starts after it); a
# slow first prompt keeps its place (the text after it waits); a 404 plays the alternate content,
# or nothing and no event without one; fetchtimeout, and a server slower than curl's default
# 15 s within the default 30 s; a host that takes no connection given up at a short fetchtimeout,
# not the platform's 5 s; maxage / maxstale (sent in the request's Cache-Control too) and the properties
# audiomaxage / audiomaxstale over HTTP caching (requests counted by the server); file: refused,
# an absolute path stays on the server, a newline escaped in the log; a compiled-in document's
# <audio expr> of an http URI; a relative fetchaudio; a <record> after a slow web prompt; the
# call's one queue: a <subdialog>'s and a <goto>'s next document's text after the caller's slow
# prompt, a <mark> behind it reached when it has played; an application root in another
# directory (its handler's audio and next against its own URL); xml:base on <vxml> (script,
# audio, subdialog, goto; a file: one not used; a compiled-in document's absolute one). Runs
# on the simulator (tests/rtdocs/vxparent.ccxml), and one case over SIP against sipp (the
# fetched tone counted in the RTP it gets, tests/sip/rtpsink.py); every process bounded by
# `timeout`.
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin vxaudio
T=tests/media
mkdir -p "$W/tmp" && mkdir -p -m 700 "$W/cache"
export TMPDIR=$W/tmp CCXML_DOC_CACHE=$W/cache
sox -n -r 16000 -c 1 -b 16 "$W/tone.wav" synth 0.6 sine 440 2>/dev/null || { echo "FAIL sox"; exit 1; }
timeout 170 python3 $T/vxweb.py "$W/tone.wav" "$W/port" "$W/requests" 160 & PIDS+=($!)
waitfor "$W/port" . 5 || { echo "FAIL the web server did not start"; exit 1; }
BASE=http://127.0.0.1:$(cat "$W/port")
U=$BASE/vx
sed "s|@BASE@|$BASE|" $T/vx/cin.vxml.in >"$W/cin.vxml"
sed "s|@BASE@|$BASE|" $T/vx/cinxb.vxml.in >"$W/cinxb.vxml"
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/app" tests/rtdocs/vxparent.ccxml "$W/cin.vxml" "$W/cinxb.vxml" \
	>"$W/cc.log" 2>&1; then
	echo "FAIL compile"; cat "$W/cc.log"; exit 1
fi
run() { # NAME SRC [OPTION]... -> $W/NAME.out, .err
	local n=$1 src=$2
	shift 2
	timeout 60 "$W/app" --sim --once --values "src=$src" "$@" >"$W/$n.out" 2>"$W/$n.err"
}
ms() { sed -n 's/.*VX EXIT ms \([0-9]*\).*/\1/p' "$W/$1.out"; }
within() { local v; v=$(ms "$1"); [ -n "$v" ] && [ "$v" -ge "$2" ] && [ "$v" -le "$3" ]; }
reqs() { grep -c "^$1 $2\$" "$W/requests"; }
export W
export -f ms within reqs

run rel "$U/rel.vxml"
check "a relative <audio src> in a fetched document: its URL on the document's server fetched once, played 0.6 s ($(ms rel) ms to noinput)" \
	bash -c "within rel 1550 2500 && [ \$(reqs /a/tone.wav 200) = 1 ]"
run abs "$U/abs.vxml"
check "an absolute http <audio src>: fetched and played ($(ms abs) ms)" \
	bash -c "within abs 1550 2500 && [ \$(reqs /a/tone.wav 200) = 2 ]"
run cin cin.vxml
check "a compiled-in document's <audio expr> of an http URI: fetched and played ($(ms cin) ms)" \
	bash -c "within cin 1550 2500 && [ \$(reqs /a/tone.wav 200) = 3 ]"
run order "$U/order.vxml"
check "a slow first prompt (1.5 s to fetch): the text after it plays after it, the field listens after both ($(ms order) ms)" \
	bash -c "within order 3900 7000 && grep 'vxml prompt' '$W/order.out' | head -n 1 | grep -q 'a/slow.wav' &&
	         grep 'vxml prompt' '$W/order.out' | sed -n 2p | grep -q 'After the slow one'"
run alt "$U/alt.vxml"
check "a 404 with alternate content: the text is spoken instead ($(ms alt) ms), a warning says so" \
	bash -c "within alt 1800 4000 && grep -q 'missing.wav: HTTP status 404; its alternate content plays' '$W/alt.err'"
run noalt "$U/noalt.vxml"
check "a 404 without alternate content: nothing plays, no error event ($(ms noalt) ms), a warning says so" \
	bash -c "within noalt 950 1400 && grep -q 'missing.wav: HTTP status 404; nothing plays' '$W/noalt.err'"
run late "$U/late.vxml"
check "fetchtimeout='1s' against a server that answers after 4 s: the alternate content at 1 s ($(ms late) ms)" \
	bash -c "within late 2200 3900 && grep -q 'hang.wav: timed out (fetchtimeout 1000 ms); its alternate content plays' '$W/late.err'"
run hole "$U/hole.vxml"
check "fetchtimeout='2s' of a host that takes no connection (a full backlog): the alternate content at 2 s, the connection given up at the fetch's bound (curl's a second past it: 3 s), not at the platform's 5 s ($(ms hole) ms to noinput; $(grep -E -o 'fetch failed: .* after [0-9]+ m[a-z]*' "$W/hole.err" | grep -E -o '[0-9]+ m[a-z]*$'))" \
	bash -c "within hole 2900 5500 && grep -q 'tone.wav: timed out (fetchtimeout 2000 ms); its alternate content plays' '$W/hole.err' &&
	         grep -E -q 'prompt http://127.0.0.1:[0-9]*/a/tone.wav: fetch failed: .* after 3[0-9]{3} (ms|milliseconds)' '$W/hole.err'"
run slow17 "$U/slow17.vxml"
check "a server that answers after 17 s, within the default fetchtimeout (30 s): the file plays, not its alternate text (the transfer is not cut at curl's default 15 s; $(ms slow17) ms)" \
	bash -c "within slow17 18000 23000 && [ \$(reqs /a/slow17.wav 200) = 1 ] && ! grep -q 'alternate content plays' '$W/slow17.err'"
run hostile "$U/hostile.vxml"
check "file: in a fetched document is not read (its alternate content plays); /etc/hostname asked of the server; a newline escaped" \
	bash -c "grep -q \"'file:///etc/passwd': only http(s) URIs are fetched; its alternate content plays\" '$W/hostile.err' &&
	         [ \$(reqs /etc/hostname 404) = 1 ] && grep -q 'x\\\\ny.wav' '$W/hostile.err' && ! grep -q '^y.wav' '$W/hostile.err' &&
	         grep -q 'VX EXIT ms' '$W/hostile.out'"
run fa "$U/fa.vxml"
check "a relative fetchaudio fetched from the document's server when the <data> starts, played: the answer held by fetchaudiominimum 3 s ($(ms fa) ms)" \
	bash -c "within fa 3100 4500 && grep -q 'vxml fetchaudio: ../a/tone.wav' '$W/fa.out'"
mkdir -p "$W/rec"
run rec "$U/rec.vxml" --record-dir "$W/rec"
check "a <record> after a prompt that takes 1.5 s to fetch begins when it has played, then records 2 s ($(ms rec) ms; $(sed -n "s/.*VX EXIT ms [0-9]* //p" "$W/rec.out"))" \
	bash -c "within rec 4000 6000 && grep -q 'duration 20[0-9][0-9]$' '$W/rec.out'"
run subord "$U/subord.vxml"
check "a <subdialog> entered while its caller's prompt (1.5 s to fetch) is fetched: the child's text plays after it (one queue for the call), the child's field listens after both ($(ms subord) ms)" \
	bash -c "within subord 3900 7000 && grep 'vxml prompt' '$W/subord.out' | head -n 1 | grep -q 'a/slow.wav' &&
	         grep 'vxml prompt' '$W/subord.out' | sed -n 2p | grep -q 'The subdialog speaks'"
run gotord "$U/gotord.vxml"
check "a <goto> to another document while a prompt (1.5 s to fetch) is fetched: the next document's text plays after it" \
	bash -c "grep -q 'VX EXIT ms' '$W/gotord.out' && grep 'vxml prompt' '$W/gotord.out' | head -n 1 | grep -q 'a/slow.wav' &&
	         grep 'vxml prompt' '$W/gotord.out' | sed -n 2p | grep -q 'The next document speaks'"
run markrec "$U/markrec.vxml" --record-dir "$W/rec"
check "a <mark> after a prompt being fetched is reached when that prompt has played: the <record>'s mark at the prompts' end is it, 0 ms before ($(sed -n 's/.*VX EXIT //p' "$W/markrec.out"))" \
	bash -c "grep -q 'VX EXIT mark after [0-9]\$' '$W/markrec.out'"
run rtleaf "$U/rtleaf.vxml"
check "an application root in another directory (/vx/rt/): its handler's relative <audio src> and <goto next> run in the leaf resolve against the root's URL (rt/rtone.wav played, rt/rnext.vxml entered)" \
	bash -c "grep -q 'VX EXIT rnext' '$W/rtleaf.out' && [ \$(reqs /vx/rt/rtone.wav 200) = 1 ] && [ \$(reqs /vx/rt/rnext.vxml 200) = 1 ] &&
	         ! grep -q 'alternate content plays' '$W/rtleaf.err'"
run xbase "$U/xbase.vxml"
check "xml:base='rt/' on <vxml>: its <script src>, <audio src>, <subdialog src> and <goto next> are all under /vx/rt/ ($(sed -n 's/.*XB //p' "$W/xbase.out"))" \
	bash -c "grep -q 'XB rs.js rsub' '$W/xbase.out' && grep -q 'VX EXIT rnext' '$W/xbase.out' && [ \$(reqs /vx/rt/rtone.wav 200) = 2 ] &&
	         [ \$(reqs /vx/rt/rsub.vxml 200) = 1 ] && [ \$(reqs /vx/rt/rnext.vxml 200) = 2 ] && ! grep -q 'alternate content plays' '$W/xbase.err'"
run xbfile "$U/xbfile.vxml"
check "xml:base='file:///etc/' in a fetched document is not used: its relative <audio src> is asked of its own server (/vx/hostname, 404: the alternate text)" \
	bash -c "grep -q 'VX EXIT done' '$W/xbfile.out' && [ \$(reqs /vx/hostname 404) = 1 ] && grep -q 'hostname: HTTP status 404; its alternate content plays' '$W/xbfile.err'"
run cinxb cinxb.vxml
check "a compiled-in document with xml:base='http://HOST/vx/rt/': its relative <audio src> and <goto next> are on that server" \
	bash -c "grep -q 'VX EXIT rnext' '$W/cinxb.out' && [ \$(reqs /vx/rt/rtone.wav 200) = 3 ] && [ \$(reqs /vx/rt/rnext.vxml 200) = 3 ] &&
	         ! grep -q 'alternate content plays' '$W/cinxb.err'"
run cache "$U/cache.vxml"
check "HTTP caching: tone.wav fetched once, revalidated for maxage='0' and for audiomaxage 0 (304 twice)" \
	bash -c "[ \$(reqs /a/tone.wav 200) = 5 ] && [ \$(reqs /a/tone.wav 304) = 2 ]"
check "stale.wav (max-age=0) fetched once, its stale copy played for maxstale='60' and audiomaxstale 60, then revalidated (304 once)" \
	bash -c "[ \$(reqs /a/stale.wav 200) = 1 ] && [ \$(reqs /a/stale.wav 304) = 1 ]"
check "each request says the Cache-Control the document asked (RFC 9111 §5.2.1): max-age=0 for maxage='0' and audiomaxage 0 (the two 304s), none otherwise" \
	bash -c "[ \$(grep -c '^/a/tone.wav 304 max-age=0\$' '$W/requests.cc') = 2 ] &&
	         ! grep -v -e ' -\$' -e '^/a/tone.wav 304 max-age=0\$' '$W/requests.cc' | grep -q ."
check "each of the 8 fields waited the prompt's 0.6 s and its 1 s: $(sed -n 's/.*VX EXIT //p' "$W/cache.out")" \
	bash -c "[ \$(sed -n 's/.*VX EXIT //p' '$W/cache.out' | tr ' ' '\n' | awk '\$1 >= 1550 && \$1 <= 2500' | wc -l) = 8 ]"
# over SIP: the callee (sipp, its audio at tests/sip/rtpsink.py) hears the fetched tone as RTP
lc_sip_sink sip
timeout 40 "$W/app" --sip "127.0.0.1:$LC_SIP" --once --values "src=$U/sip.vxml" \
	--values "dest=sip:sink@127.0.0.1:$LC_SINK_SIP" >"$W/sip.out" 2>"$W/sip.err"
lc_sip_sink_done
check "over SIP: a fetched document's relative <audio> reaches the callee as RTP once fetched (20 to 45 loud 20 ms packets of its 0.6 s), then the dialog exits" \
	bash -c "grep -q 'VX EXIT sip' '$W/sip.out' && python3 -c 'import json, sys; n = json.load(open(sys.argv[1]))[\"loud\"]; print(\"loud\", n); sys.exit(not 20 <= n <= 45)' '$W/sip.json'"
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W'/*.err"
check "the prompt cache directory is removed when the program ends" bash -c "! ls '$W/tmp' | grep -q ccxmlc-prompts"
lc_end vxaudio
