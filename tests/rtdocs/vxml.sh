#!/usr/bin/env bash
# tests/rtdocs/vxml.sh BUILD — VoiceXML documents loaded at run time (docs/voicexml.md
# "Documents fetched at run time"): a <dialogstart src> (and <dialogprepare>) of a .vxml not
# given to ccxmlc is fetched, compiled and run; inside it a relative <subdialog src> and <goto>
# reach other fetched documents; the same content is compiled once (memory, then the cache
# directory in the next process); a document that does not compile, a 404 and a timeout give
# error.dialog.notstarted (dialogstart) or error.badfetch (in the dialog) with the reason;
# <script src> fetched with the document (a 404 one: the same errors, naming the script);
# <grammar src> fetched with it (xml:base, a fragment; a 404, '..', file:, an ABNF type or a
# grammar that does not compile: the same errors, naming the grammar; a changed one recompiles);
# <subdialog> method/enctype/namelist/fetchtimeout, <data> multipart, maxage/maxstale over the
# HTTP cache (answers counted by the web server's log), <data> in <if> and at document/form
# level, fetchaudio (on the simulator, and over SIP against a sipp callee: tests/sip/uas_sink.xml
# with tests/sip/rtpsink.py counting the loud RTP packets; the file beside the document on the
# web server, docs/voicexml.md "Audio over HTTP"); VoiceXML files under --docroot;
# application roots of fetched leaves (fetched with them; leaf/root transitions keep the
# application, another root's leaf starts one; a 404, a root that does not compile or names a
# root; a changed root recompiles); a grammar named twice fetched once; a root with its script
# and grammar over the HTTP cache (max-age, ETag / Last-Modified answered 304, no-cache,
# no-store, a root changed between leaves; <script maxage maxstale>, <grammar maxage maxstale>, the
# properties scriptmaxage / scriptmaxstale / grammarmaxage / grammarmaxstale, a root's own, a leaf's
# documentmaxage for its root; a root's for its leaf's sources and <goto>, the root asked for
# first; the leaf's own property and the attribute winning); a source's own fetchtimeout
# (attribute, property, the root's property).
# Runs on the simulator (tests/rtdocs/vxparent.ccxml); every process bounded by `timeout`.
set -u
cd "$(dirname "$0")/../.."
. tests/lib-check.sh
LC_BUILD=${1:-build} lc_begin rtvxml
T=tests/rtdocs
mkdir -p -m 700 "$W/cache"
export CCXML_DOC_CACHE=$W/cache
if ! ASAN_OPTIONS=detect_leaks=0 timeout 120 "$B/ccxmlc" -o "$W/app" $T/vxparent.ccxml >"$W/cc.log" 2>&1; then
	echo "FAIL compile vxparent"; cat "$W/cc.log"; exit 1
fi
timeout 210 python3 $T/vxweb.py "$W/port" "$W/requests" 200 & PIDS+=($!)
waitfor "$W/port" . 5 || { echo "FAIL the web server did not start"; exit 1; }
U=http://127.0.0.1:$(cat "$W/port")/vx
echo 'call tel:* answer dtmf=1234@3s' >"$W/keys.scenario"
run() { # NAME SRC [--values k=v]... -> $W/NAME.out, .err
	local n=$1 src=$2
	shift 2
	timeout 60 "$W/app" --sim="$W/keys.scenario" --once --values "src=$src" "$@" >"$W/$n.out" 2>"$W/$n.err"
}
compiles() { grep -c 'document .* compiled (' "$W/$1.err"; }
export W B
export -f compiles

run ok "$U/ok.vxml"
check "<dialogstart> of a .vxml not compiled in: fetched, compiled, run; its relative subdialog (twice) and <goto expr> to another document's form; dialog.exit values" \
	grep -q "VX EXIT 1234-12341234-77" "$W/ok.out"
check "three documents compiled once each (the second subdialog from memory)" bash -c "[ \$(compiles ok) = 3 ]"
check "sub.vxml fetched twice (no Cache-Control), compiled once" bash -c \
	"[ \$(grep -c '^GET /vx/sub.vxml 200' '$W/requests') = 2 ]"
run again "$U/ok.vxml"
check "a second process: the same values, nothing compiled (the cache directory)" bash -c \
	"grep -q 'VX EXIT 1234-12341234-77' '$W/again.out' && [ \$(compiles again) = 0 ]"
run prep "$U/ok.vxml" --values mode=prepare
check "<dialogprepare> fetches it: dialog.prepared, then <dialogstart prepareddialogid> runs it" bash -c \
	"grep -q 'VX PREPARED' '$W/prep.out' && grep -q 'VX EXIT 1234-12341234-77' '$W/prep.out'"
run bad "$U/bad.vxml"
check "a .vxml that does not compile: error.dialog.notstarted, reason URL:line:col: error" \
	grep -q "VX NOTSTARTED $U/bad.vxml:5:32: error: " "$W/bad.out"
run badp "$U/bad.vxml" --values mode=prepare
check "the same with <dialogprepare>: error.dialog.notprepared with the diagnostic" \
	grep -q "VX NOTPREPARED $U/bad.vxml:5:32: error: " "$W/badp.out"
run missing "$U/missing.vxml"
check "404: error.dialog.notstarted naming the status" grep -q "VX NOTSTARTED $U/missing.vxml: HTTP status 404" "$W/missing.out"
run subbad "$U/subbad.vxml"
check "a subdialog that does not compile: error.badfetch in the dialog, _message with URL:line:col" \
	grep -q "VX EXIT BADFETCH <subdialog src> 'bad.vxml': $U/bad.vxml:5:32: error: " "$W/subbad.out"
run sub404 "$U/sub404.vxml"
check "a subdialog answered 404: error.badfetch naming the status" \
	grep -q "VX EXIT BADFETCH <subdialog src> 'missing.vxml': $U/missing.vxml: HTTP status 404" "$W/sub404.out"
run script "$U/script.vxml"
check "<script src> of a fetched .vxml (document and form level, relative to its URL): fetched before the compile, run in their scopes" \
	grep -q "VX EXIT SCRIPT-form6" "$W/script.out"
check "its scripts were fetched once each" bash -c \
	"[ \$(grep -c '^GET /vx/js/doc.js 200' '$W/requests') = 1 ] && [ \$(grep -c '^GET /vx/js/form.js 200' '$W/requests') = 1 ]"
run script404 "$U/script404.vxml"
check "a <script src> answered 404: error.dialog.notstarted naming the script" \
	grep -q "VX NOTSTARTED script $U/js/none.js: HTTP status 404" "$W/script404.out"
run scriptsub "$U/scriptsub.vxml"
check "the same document as a subdialog: error.badfetch in the dialog naming the script" \
	grep -q "VX EXIT BADFETCH <subdialog src> 'script404.vxml': script $U/js/none.js: HTTP status 404" "$W/scriptsub.out"
run scriptbad "$U/scriptbad.vxml"
check "a fetched <script src> that does not compile: error.dialog.notstarted, reason SCRIPT-URL:line:col: error (the script's URL for the file name)" \
	grep -q "VX NOTSTARTED $U/js/bad.js:3:16: error: syntax error in <script>" "$W/scriptbad.out"
run scriptns "$U/scriptns.vxml"
check "a <script c:src='/etc/hostname'> (the CCXML namespace, taken by the compiler): fetched from the server (404), no local file read" \
	grep -q "VX NOTSTARTED script http://127.0.0.1:[0-9]*/etc/hostname: HTTP status 404" "$W/scriptns.out"
run scriptnbsp "$U/scriptnbsp.vxml"
check "a <script src> after a non-breaking space (not XML to the runtime's scan, white space to the compiler): not read from the machine's files, error.dialog.notstarted" \
	grep -q "VX NOTSTARTED $U/scriptnbsp.vxml:6:.*: error: script '/etc/hostname' was not fetched" "$W/scriptnbsp.out"
# <grammar src> of a fetched .vxml (docs/voicexml.md "SRGS grammars"): fetched with the document
# relative to its URL and xml:base, the fragment's rule; refused: a 404, a file:, another type;
# a changed grammar compiles the document again.
run gram "$U/gram.vxml"
check "<grammar src='digits.grxml#pin'> of a fetched .vxml (relative to the root's xml:base 'g/'): fetched before the compile, the fragment's rule matches the caller's keys" \
	grep -q "VX EXIT GRAM-1234" "$W/gram.out"
check "its grammar fetched once, as application/srgs+xml" bash -c \
	"[ \$(grep -c '^GET /vx/g/digits.grxml 200' '$W/requests') = 1 ]"
run gram404 "$U/gram404.vxml"
check "a <grammar src> answered 404: error.dialog.notstarted naming the grammar" \
	grep -q "VX NOTSTARTED grammar $U/g/none.grxml: HTTP status 404" "$W/gram404.out"
run gramgoto "$U/gramgoto.vxml"
check "the same document reached by <goto next>: error.badfetch in the dialog naming the grammar" \
	grep -q "VX EXIT BADFETCH <goto next> 'gram404.vxml': grammar $U/g/none.grxml: HTTP status 404" "$W/gramgoto.out"
run gramdots "$U/gramdots.vxml"
check "<grammar src='../../../../../../etc/hostname'>: resolved against the document's URL, fetched from its server (404), no local file read" \
	grep -q "VX NOTSTARTED grammar http://127.0.0.1:[0-9]*/etc/hostname: HTTP status 404" "$W/gramdots.out"
run gramfile "$U/gramfile.vxml" --docroot /etc
check "<grammar src='file:///etc/hostname'> in a document fetched over HTTP (even with --docroot /etc): refused, not read" \
	grep -q "VX NOTSTARTED grammar 'file:///etc/hostname': a document fetched over HTTP reads no local file" "$W/gramfile.out"
run gramtype "$U/gramtype.vxml"
check "a grammar answered as application/srgs (ABNF): refused, SRGS XML only" \
	grep -q "VX NOTSTARTED grammar $U/g/yn.gram: its type 'application/srgs' is not an SRGS XML grammar (application/srgs+xml)" "$W/gramtype.out"
run grambad "$U/grambad.vxml"
check "a fetched grammar that does not compile: error.dialog.notstarted, reason GRAMMAR-URL:line:col: error" \
	grep -q "VX NOTSTARTED $U/g/bad.grxml:4:[0-9]*: error: " "$W/grambad.out"
sed 's/root="nine"/root="pin"/' tests/rtdocs/vx/g/digits.grxml >"$W/flip.grxml"
run gramw1 "$U/gramw.vxml"
sed 's/root="pin"/root="nine"/' "$W/flip.grxml" >"$W/flip.tmp" && mv "$W/flip.tmp" "$W/flip.grxml"
run gramw2 "$U/gramw.vxml"
check "a grammar changed between two processes (the document's bytes the same): compiled again, the new grammar in force (1234 no longer matches)" bash -c \
	"grep -q 'VX EXIT GRAM-1234' '$W/gramw1.out' && grep -q 'VX EXIT NOMATCH' '$W/gramw2.out' && [ \$(compiles gramw2) = 1 ]"
run slowgoto "$U/slowgoto.vxml"
check "<goto next> under <property name='fetchtimeout' value='1s'> to a document answered after 3 s: error.badfetch 'timed out'" \
	grep -q "VX EXIT BADFETCH <goto next> 'slow.vxml': $U/slow.vxml: timed out" "$W/slowgoto.out"
elapsed() { # NAME SRC -> run, and $W/NAME.ms the milliseconds until its outcome was logged
	local t0=$(date +%s%N) p  # (not until it ended: it waits for the transfer it gave up on)
	run "$@" & p=$!
	waitfor "$W/$1.out" 'VX (EXIT|NOTSTARTED)' 20
	echo $(( ($(date +%s%N) - t0) / 1000000 )) >"$W/$1.ms"
	wait $p
}
elapsed ftgoto "$U/ftgoto.vxml"
check "<goto> to a document whose <script fetchtimeout='1s'> is answered after 3 s: error.badfetch 'timed out' naming the script, in less than 3 s" bash -c \
	"grep -q \"VX EXIT BADFETCH <goto next> 'ftleaf.vxml': script $U/js/slow.js: timed out (fetchtimeout 1000 ms)\" '$W/ftgoto.out' && [ \$(cat '$W/ftgoto.ms') -lt 3000 ]"
elapsed ftgram "$U/ftgram.vxml"
check "a <grammar> under the form's <property name='fetchtimeout' value='1s'> answered after 3 s: the dialog does not start, 'timed out' naming the grammar, in less than 3 s" bash -c \
	"grep -q 'VX NOTSTARTED grammar $U/g/slow.grxml: timed out (fetchtimeout 1000 ms)' '$W/ftgram.out' && [ \$(cat '$W/ftgram.ms') -lt 3000 ]"
mkdir -p "$W/rec"
run subget "$U/submit.vxml?m=get" --record-dir "$W/rec"
check "<submit> GET without namelist: the form's input items (field, record) in the query; the answer is the next document" \
	grep -q "VX EXIT GET-code1234-msgwav" "$W/subget.out"
run subpost "$U/submit.vxml?m=post" --record-dir "$W/rec"
check "<submit method=post namelist>: an application/x-www-form-urlencoded body" \
	grep -q "VX EXIT POST-code1234-extraok" "$W/subpost.out"
run submp "$U/submit.vxml?m=mp" --record-dir "$W/rec"
check "<submit enctype=multipart/form-data>: the recording as a file part (audio/x-wav, its WAV bytes), the other fields as parts" \
	grep -q "VX EXIT MP-code1234-msgRIFF-extraok" "$W/submp.out"
run data "$U/data.vxml?d=ok"
check "<data> (namelist as the query): documentElement, getAttribute, getElementsByTagName, item(), firstChild.data, nodeName, nodeValue, childNodes, textContent, siblings; a second <data> after it" \
	grep -q "VX EXIT ACME|11.00|USD|name|Acme & Co|3|Acme & Co12.5011.00|4|false|price|BETA" "$W/data.out"
run dataforeach "$U/dataforeach.vxml"
check "<foreach> over <data>'s getElementsByTagName and childNodes (a fetched document, compiled at run time)" \
	grep -q "VX EXIT USD12.50;EUR11.00;name,price,price," "$W/dataforeach.out"
CX_GC_STRESS=1 run datagc "$U/datagc.vxml"
check "getElementsByTagName whose walk runs script (a tagName's toString) that detaches a node found already and collects: the node is still in the result, whole" \
	grep -q "VX EXIT GC 2 2 name=Acme & Co,price=12.50 0" "$W/datagc.out"
run databad "$U/data.vxml?d=bad"
check "<data> of malformed XML: error.badfetch naming the URL, line and the parser's message" \
	grep -q "VX EXIT BADFETCH <data> 'malformed.xml': $U/malformed.xml?sym=ACME:3: not well-formed XML: Opening and ending tag mismatch" "$W/databad.out"
run dataxxe "$U/data.vxml?d=xxe"
check "<data> with an external entity: not read (no file content, the reference is dropped)" bash -c \
	"grep -q 'VX EXIT BADFETCH' '$W/dataxxe.out' || ! grep -q 'root:' '$W/dataxxe.out' && grep -q 'VX EXIT X|2|' '$W/dataxxe.out'"
run dataamp "$U/data.vxml?d=amp"
check "<data> whose internal entity expands in 2000 attributes (70 KB of XML, 80 MB of values): error.badfetch, bounded by the session's heap (64 MiB)" \
	grep -q "VX EXIT BADFETCH <data> 'amp.xml': $U/amp.xml?sym=ACME: out of memory building its objects" "$W/dataamp.out"
run data404 "$U/data.vxml?d=404"
check "<data> answered 404: error.badfetch naming the status" \
	grep -q "VX EXIT BADFETCH <data> 'none.xml': $U/none.xml?sym=ACME: HTTP status 404" "$W/data404.out"
run dataslow "$U/data.vxml?d=slow"
check "<data fetchtimeout='2s'> answered after 3 s: error.badfetch 'timed out'" \
	grep -q "VX EXIT BADFETCH <data> 'slow.xml': .*slow.xml?sym=ACME: timed out" "$W/dataslow.out"
run subfetch "$U/subfetch.vxml" --record-dir "$W/rec"
check "<subdialog> fetched with its namelist: GET in the query, method=post urlencoded, multipart with the recording as a file part; params passed" \
	grep -q "VX EXIT GET-code1234-pg|POST-code1234-pp|MP-code1234-msgRIFF-pm|BADFETCH" "$W/subfetch.out"
check "<subdialog fetchtimeout='1s'> answered after 3 s: error.badfetch 'timed out'" \
	grep -q "|BADFETCH <subdialog src> 'slowsub.vxml': $U/slowsub.vxml: timed out" "$W/subfetch.out"
run cache "$U/cache.vxml"
check "maxage/maxstale over the HTTP cache: fresh answers reused, maxstale takes a stale one, maxage='1' and datamaxstale='0' revalidate (304: the kept answer)" \
	grep -q "VX EXIT s1=1 a=1 b=1 c=1 d=1 e=1 g=1 s2=1 s3=1" "$W/cache.out"
check "the requests: fresh.xml, stale.xml and fresh.vxml each once 200 and once 304, nothing else" bash -c \
	"for p in fresh.xml stale.xml fresh.vxml; do [ \$(grep -c \"^GET /vx/\$p 200\" '$W/requests') = 1 ] && [ \$(grep -c \"^GET /vx/\$p 304\" '$W/requests') = 1 ] || exit 1; done"
run datamp "$U/datamp.vxml" --record-dir "$W/rec"
check "<data enctype=multipart/form-data>: the recording as a file part, the field as a plain part" \
	grep -q "VX EXIT MP-code1234-msgRIFF" "$W/datamp.out"
run dataif "$U/dataif.vxml"
check "<data> in <if>/<elseif>, nested, and in an <if> not taken: the rest of each branch and what follows the <if> run once, in order" \
	grep -q "VX EXIT ABYESZ1CDundefined" "$W/dataif.out"
run datalevel "$U/datalevel.vxml"
check "<data> at document and form level (the <var>s after it see it), a subdialog's <param> taken by a <var> after its form's <data>" \
	grep -q "VX EXIT ADOCBSP" "$W/datalevel.out"
python3 -c 'import math, struct, sys, wave
w = wave.open(sys.argv[1], "wb"); w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8000 * 2 * math.pi * 440))) for i in range(24000)))' "$W/hold.wav"
run fetchaudio "$U/fetchaudio.vxml"
check "fetchaudio: played after fetchaudiodelay while a fetch is pending, stopped at its answer; fetchaudiominimum holds the answer back; none for a fetch done before the delay" \
	grep -q "VX EXIT stopped-true-true-minimum-true-fast-Q" "$W/fetchaudio.out"
FA='vxml fetchaudio: hold.wav|vxml fetchaudio stopped: hold.wav|'
check "fetchaudio in the log: started and stopped for each slow fetch (two <data>, a <goto>), in that order" bash -c \
	"[ \"\$(grep -o 'vxml fetchaudio[a-z ]*: hold.wav' '$W/fetchaudio.out' | tr '\n' '|')\" = '$FA$FA$FA' ]"
# fetchaudio over SIP: the callee (sipp, its audio at tests/sip/rtpsink.py) hears the tone
# from 0.5 s until the answer at 1.5 s (about 50 loud 20 ms packets), not its whole 3 s (150)
lc_sip_sink fasip
(cd "$W" && timeout 40 ./app --sip "127.0.0.1:$LC_SIP" --once --values "src=$U/fasip.vxml" \
	--values "dest=sip:sink@127.0.0.1:$LC_SINK_SIP" >"$W/fasip.out" 2>"$W/fasip.err")
lc_sip_sink_done
check "fetchaudio over SIP: the dialog goes on after the <data>" grep -q "VX EXIT fasip" "$W/fasip.out"
# five fetches name it; two that overlap share one request (prompt.c), which depends on timing
check "fetchaudio 'hold.wav' in a fetched document is the file beside it on its server (no --media-root; no Cache-Control: fetched again, not taken from a kept copy: 4 or 5 requests for the 5 fetches that name it, two that overlap sharing one)" \
	bash -c "n=\$(grep -c '^GET /vx/hold.wav 200' '$W/requests'); echo \"hold.wav requests: \$n\"; [ \$n -ge 4 ] && [ \$n -le 5 ] && ! grep -q '^GET /vx/hold.wav 304' '$W/requests'"
check "fetchaudio over SIP: the callee gets the tone over RTP, cut at the answer (25 to 135 loud packets of 20 ms: the answer comes after 1.5 s, at worst 2.7 s on a loaded machine; not the 150 of the whole file)" \
	python3 -c 'import json, sys; n = json.load(open(sys.argv[1]))["loud"]; print("loud", n); sys.exit(not 25 <= n <= 135)' "$W/fasip.json"
run semantic "$U/semantic.vxml"
check "an ECMAScript error in a fetched dialog: error.semantic naming the element, the document's URL and line" \
	grep -q "VX EXIT SEMANTIC .*(<assign> at $U/semantic.vxml:7)" "$W/semantic.out"
run ftp "ftp://127.0.0.1/x.vxml"
check "another scheme is not fetched: error.dialog.notstarted" grep -q "VX NOTSTARTED" "$W/ftp.out"
# VoiceXML files under --docroot (docs/voicexml.md "Documents fetched at run time"): a .vxml
# named by <dialogstart>/<dialogprepare> in the compiled-in vxparent.ccxml is read from under the
# root, its relative <subdialog>, <data>, <goto> (and theirs) too; refused, with the reason:
# '..', a symlink out, an absolute path elsewhere (error.dialog.notstarted), the same inside a
# dialog (error.badfetch); without --docroot nothing is read.
R=$W/vroot
mkdir -p "$R/sub" "$R/data"
cat >"$R/dlg.vxml" <<'DOC'
<?xml version="1.0" encoding="UTF-8"?>
<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <var name="r"/>
  <script src="sub/lib.js"/>
  <form id="main">
    <catch event="error.badfetch"><assign name="r" expr="'BADFETCH ' + _message"/><exit namelist="r"/></catch>
    <subdialog name="s" src="sub/s.vxml#twice"><param name="n" expr="'21'"/></subdialog>
    <block>
      <data name="d" src="data/d.xml"/>
      <if cond="s.out == '2121' &amp;&amp; d.documentElement.getAttribute('v') == 'DV' &amp;&amp; fromLib == 'LIB'">
        <goto next="sub/end.vxml#fin"/>
      </if>
      <assign name="r" expr="'WRONG ' + s.out"/>
      <exit namelist="r"/>
    </block>
  </form>
</vxml>
DOC
# a content of its own: the same bytes as vx/sub.vxml would come from the compile cache
sed 's|<vxml |<!-- under the root --><vxml |' tests/rtdocs/vx/sub.vxml >"$R/sub/s.vxml"
echo '<d v="DV"><x>1</x></d>' >"$R/data/d.xml"
echo "var fromLib = 'LIB';" >"$R/sub/lib.js"
cat >"$R/sub/end.vxml" <<'DOC'
<?xml version="1.0" encoding="UTF-8"?>
<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <var name="r"/>
  <form id="first"><block><assign name="r" expr="'wrong form'"/><exit namelist="r"/></block></form>
  <form id="fin">
    <block>
      <data name="e" src="../data/d.xml"/>
      <assign name="r" expr="'END-' + e.documentElement.getAttribute('v')"/>
      <exit namelist="r"/>
    </block>
  </form>
</vxml>
DOC
cat >"$R/escape.vxml" <<'DOC'
<?xml version="1.0" encoding="UTF-8"?>
<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">
  <var name="r" expr="''"/>
  <form id="a">
    <catch event="error.badfetch"><assign name="r" expr="r + 'A:' + _message + '|'"/><goto next="#b"/></catch>
    <block><goto next="../out.vxml"/></block>
  </form>
  <form id="b">
    <catch event="error.badfetch"><assign name="r" expr="r + 'B:' + _message + '|'"/><goto next="#c"/></catch>
    <subdialog name="s" src="link.vxml"/>
  </form>
  <form id="c">
    <catch event="error.badfetch"><assign name="r" expr="r + 'C:' + _message + '|'"/><exit namelist="r"/></catch>
    <block><data name="d" src="/etc/hostname"/><assign name="r" expr="'READ'"/><exit namelist="r"/></block>
  </form>
</vxml>
DOC
cp "$R/sub/end.vxml" "$W/out.vxml"
ln -s ../out.vxml "$R/link.vxml"
vroot() { # NAME SRC [more options]
	local n=$1 src=$2
	shift 2
	run "$n" "$src" --docroot "$R" "$@"
}
vroot webdata "$U/data.vxml?d=file://$R/data/d.xml"
check "--docroot: a <data src='file:…'> under the root in a document fetched over HTTP: error.badfetch, not read (the web server's document reads no local file)" \
	grep -q "VX EXIT BADFETCH <data> 'file://$R/data/d.xml': only http(s) URIs are fetched" "$W/webdata.out"
vroot froot dlg.vxml
check "--docroot: <dialogstart src='dlg.vxml'> in a compiled-in document reads it from under the root; its relative <script src>, <subdialog>, <data>, <goto> and the next one's '../data/d.xml' too; dialog.exit values" \
	grep -q "VX EXIT END-DV" "$W/froot.out"
check "--docroot: the files are compiled like fetched documents (dlg, s, end)" bash -c "[ \$(compiles froot) = 3 ]"
vroot fprep "file://$R/dlg.vxml" --values mode=prepare
check "--docroot: <dialogprepare> of a file:// URI under it, then <dialogstart prepareddialogid>" bash -c \
	"grep -q 'VX PREPARED' '$W/fprep.out' && grep -q 'VX EXIT END-DV' '$W/fprep.out'"
vroot fdots ../out.vxml
check "--docroot: <dialogstart src='../out.vxml'>: error.dialog.notstarted, outside the root" \
	grep -q "VX NOTSTARTED 'file://$W/out.vxml' is outside the document root $R" "$W/fdots.out"
vroot flink link.vxml
check "--docroot: a symlink out of the root: error.dialog.notstarted saying so" \
	grep -q "VX NOTSTARTED 'file://$R/link.vxml' is outside the document root $R" "$W/flink.out"
vroot fabs "$W/out.vxml" --values mode=prepare
check "--docroot: an absolute path elsewhere: error.dialog.notprepared saying so" \
	grep -q "VX NOTPREPARED 'file://$W/out.vxml' is outside the document root $R" "$W/fabs.out"
vroot fnone none.vxml
check "--docroot: a .vxml that is not there: error.dialog.notstarted with the system's reason" \
	grep -q "VX NOTSTARTED 'file://$R/none.vxml': No such file or directory" "$W/fnone.out"
vroot fesc escape.vxml
check "--docroot, inside a dialog read from a file: <goto> '..', <subdialog> of a symlink out, <data> of an absolute path elsewhere: error.badfetch each, saying why" \
	grep -q "VX EXIT A:<goto next> '../out.vxml': 'file://$W/out.vxml' is outside the document root $R|B:<subdialog src> 'link.vxml': 'file://$R/link.vxml' is outside the document root $R|C:<data> '/etc/hostname': 'file:///etc/hostname' is outside the document root $R|" "$W/fesc.out"
sed -e 's|xml:base="g/"||' -e 's|digits.grxml#pin|sub/pin.grxml#pin|' tests/rtdocs/vx/gram.vxml >"$R/gram.vxml"
cp tests/rtdocs/vx/g/digits.grxml "$R/sub/pin.grxml"
cp tests/rtdocs/vx/g/digits.grxml "$W/out.grxml"
sed 's|sub/pin.grxml#pin|../out.grxml#pin|' "$R/gram.vxml" >"$R/gramout.vxml"
vroot fgram gram.vxml
check "--docroot: a .vxml read from under the root reads its <grammar src='sub/pin.grxml#pin'> from under it too" \
	grep -q "VX EXIT GRAM-1234" "$W/fgram.out"
vroot fgramout gramout.vxml
check "--docroot: its <grammar src='../out.grxml'>: error.dialog.notstarted, outside the root" \
	grep -q "VX NOTSTARTED grammar 'file://$W/out.grxml' is outside the document root $R" "$W/fgramout.out"
cp "$R/dlg.vxml" "$R/dlg.xml"
vroot fxml dlg.xml
check "--docroot: the name does not matter (dlg.xml; <dialogstart>'s type, VoiceXML by default, does)" \
	grep -q "VX EXIT END-DV" "$W/fxml.out"
run fnoroot "$R/dlg.vxml"
check "no --docroot: no VoiceXML file is read (error.dialog.notstarted)" bash -c \
	"grep -q 'VX NOTSTARTED' '$W/fnoroot.out' && ! grep -q 'VX EXIT' '$W/fnoroot.out'"
# Application roots of fetched documents (docs/voicexml.md "Application root documents"): the
# root named by <vxml application> is fetched with the leaf (and its scripts and grammars) and
# compiled into it; the application is the root's URL.
run app "$U/appleaf1.vxml"
check "a fetched leaf with an application root: the root's <var>s, <script src>, <property timeout> (a noinput at 2 s), <link> with a fetched <grammar src> and its catch; leaf to leaf, leaf to root, root to leaf keep x, the function's trail and application.flag" \
	grep -q "VX EXIT 111-ANLBR-F" "$W/app.out"
check "the root (sent without Cache-Control: never fresh, no validators) fetched with each leaf (appleaf1, appleaf2 twice) and once on its own (the <goto> to it): four times, and its script and grammar with it" bash -c \
	"[ \$(grep -c '^GET /vx/approot.vxml 200' '$W/requests') = 4 ] && [ \$(grep -c '^GET /vx/js/app.js 200' '$W/requests') = 4 ]"
check "three programs (the two leaves, the root on its own), each compiled once" bash -c "[ \$(compiles app) = 3 ]"
run appsem "$U/appsem.vxml"
check "an ECMAScript error in the code of a fetched root (its catch, in the leaf): error.semantic naming the root's URL and line, caught by the root's <error>" \
	grep -q "VX EXIT SEMANTIC .*(<assign> at $U/appsemroot.vxml:6)" "$W/appsem.out"
sed -e 's/name="x" expr="0"/name="x" expr="50"/' -e 's|src="js/|src="../js/|' -e 's|src="g/|src="../g/|' \
	tests/rtdocs/vx/approot.vxml >"$W/approot.vxml"
sed -e 's|<vxml |<!-- w/ --><vxml |' -e 's|x + 10|x|' -e 's|approot.vxml#back|#end|' tests/rtdocs/vx/appleaf2.vxml >"$W/appother.vxml"
run appnew "$U/appnew.vxml"
check "a leaf going to a leaf of another root (w/approot.vxml: the same file name at another URL): a new application: the other root's x, a new trail, no flag" \
	grep -q "VX EXIT 50-B-undefined" "$W/appnew.out"
run app404 "$U/appleaf404.vxml"
check "an application root answered 404: error.dialog.notstarted naming the root" \
	grep -q "VX NOTSTARTED application root $U/noroot.vxml: HTTP status 404" "$W/app404.out"
run appgoto404 "$U/appgoto404.vxml"
check "the same leaf reached by <goto>: error.badfetch naming the root" \
	grep -q "VX EXIT BADFETCH <goto next> 'appleaf404.vxml': application root $U/noroot.vxml: HTTP status 404" "$W/appgoto404.out"
run appjs "$U/appleafjs.vxml"
check "an application root whose <script src> is answered 404: error.dialog.notstarted naming the script" \
	grep -q "VX NOTSTARTED script $U/js/none.js: HTTP status 404" "$W/appjs.out"
run appbad "$U/appleafbad.vxml"
check "an application root that does not compile: error.dialog.notstarted, reason ROOT-URL:line:col: error" \
	grep -q "VX NOTSTARTED $U/approotbad.vxml:4:[0-9]*: error: " "$W/appbad.out"
run apprr "$U/appleafrr.vxml"
check "an application root that names a root itself (VoiceXML 2.0 §1.5.2: one level): error.dialog.notstarted saying so" \
	grep -q "VX NOTSTARTED application root $U/appleaf2.vxml names an application root itself ('approot.vxml'): a root has none" "$W/apprr.out"
sed 's/name="x" expr="0"/name="x" expr="1"/' tests/rtdocs/vx/approot.vxml | sed -e 's|src="js/|src="../js/|' -e 's|src="g/|src="../g/|' >"$W/chg.vxml"
run appchg1 "$U/appchg.vxml"
sed -i 's/name="x" expr="1"/name="x" expr="2"/' "$W/chg.vxml"
run appchg2 "$U/appchg.vxml"
check "an application root changed on the server between two processes (the leaf's bytes the same): the leaf compiled again, the new root in force" bash -c \
	"grep -q 'VX EXIT CHG1' '$W/appchg1.out' && grep -q 'VX EXIT CHG2' '$W/appchg2.out' && [ \$(compiles appchg2) = 1 ]"
# ccxmlc --app-file on its own (what the runtime's scan already refuses, checked again)
ccapp() { # ROOT -> stderr of compiling appleaf2.vxml with that root
	ASAN_OPTIONS=detect_leaks=0 timeout 60 "$B/ccxmlc" --shared -O0 --fetched --app-file "$1" \
		--app-url http://h/root.vxml --script-file tests/rtdocs/vx/js/app.js \
		--grammar-file tests/rtdocs/vx/g/digits.grxml -o "$W/ccapp.so" tests/rtdocs/vx/appleaf2.vxml 2>&1
}
export -f ccapp
check "ccxmlc --app-file of a root that names a root: an error at the leaf's application attribute" bash -c \
	"ccapp tests/rtdocs/vx/appleaf2.vxml | grep -q \"appleaf2.vxml:4:70: error: <vxml application='approot.vxml'>: the application root http://h/root.vxml names an application root itself ('approot.vxml')\""
check "ccxmlc --app-file of the root with its script and grammar after it: compiled, the leaf's application named by --app-url" bash -c \
	"ccapp tests/rtdocs/vx/approot.vxml && grep -q 'http://h/root.vxml' '$W/ccapp.so'"
cp tests/rtdocs/vx/g/digits.grxml "$W/two.grxml"
run gramtwice "$U/gramtwice.vxml"
check "one grammar file named twice with two fragments (#nine, #pin): fetched once, both rules in force" bash -c \
	"grep -q 'VX EXIT GRAM-1234' '$W/gramtwice.out' && [ \$(grep -c '^GET /vx/w/two.grxml 200' '$W/requests') = 1 ]"
# HTTP caching of a fetched leaf's application root and of its scripts and grammars (docs/fetch.md
# "HTTP caching", "Scripts and xml:base"): a.vxml, a.vxml?again and b.vxml of one root, each
# fetched and compiled with the root, its lib.js and digits.grxml, all three served as
# /vx/cr/MODE/ says (vxweb.py CR); each leaf's mark is the count of the root's 200s it was
# compiled with (V1V1V1: the root fetched once).
crq() { # MODE NAME 'STATUS[ inm| ims]' -> how many such requests (exactly)
	grep -c "^GET /vx/cr/$1/$2 $3\$" "$W/requests"
}
crsrc() { # MODE 'STATUS[ inm| ims]' N -> root, script and grammar each asked so N times
	for f in root.vxml lib.js digits.grxml; do [ "$(crq "$1" $f "$2")" = "$3" ] || return 1; done
}
export -f crq crsrc
for m in age etag lm nocache nostore chg; do
	run "cr-$m" "$U/cr/$m/a.vxml" --log-level debug
done
check "cache: a root (and its script, its grammar) answered max-age=3600: fetched once for three leaves, all of one root (V1V1V1), two programs" bash -c \
	"grep -q 'VX EXIT V1V1V1' '$W/cr-age.out' && crsrc age 200 1 && [ \$(grep -c '^GET /vx/cr/age/' '$W/requests') = 6 ] && [ \$(compiles cr-age) = 2 ]"
check "cache: max-age=0 with an ETag: then If-None-Match answered 304, the kept copy used (V1V1V1); the leaf again (a.vxml?again, the same bytes) not compiled again: two programs" bash -c \
	"grep -q 'VX EXIT V1V1V1' '$W/cr-etag.out' && crsrc etag 200 1 && crsrc etag '304 inm' 2 && [ \$(compiles cr-etag) = 2 ]"
check "cache: the debug log says so for each source: 'application root URL fresh: the kept copy is used' (script, grammar), 'script URL not modified (304): …'" bash -c \
	"[ \$(grep -c -E '(application root|script|grammar) $U/cr/age/[a-z.]* fresh: the kept copy is used' '$W/cr-age.err') = 6 ] && [ \$(grep -c -E '(application root|script|grammar) $U/cr/etag/[a-z.]* not modified \(304\): the kept copy is used' '$W/cr-etag.err') = 6 ]"
check "cache: max-age=0 with a Last-Modified: then If-Modified-Since answered 304" bash -c \
	"grep -q 'VX EXIT V1V1V1' '$W/cr-lm.out' && crsrc lm 200 1 && crsrc lm '304 ims' 2"
check "cache: no-cache (max-age=3600 too): revalidated before each use, 304" bash -c \
	"grep -q 'VX EXIT V1V1V1' '$W/cr-nocache.out' && crsrc nocache 200 1 && crsrc nocache '304 inm' 2"
check "cache: no-store (max-age=3600 and an ETag too): nothing kept, fetched with each leaf and never conditionally (V1V2V3: three roots, three programs)" bash -c \
	"grep -q 'VX EXIT V1V2V3' '$W/cr-nostore.out' && crsrc nostore 200 3 && [ \$(compiles cr-nostore) = 3 ]"
check "cache: a root changed between leaves (max-age=0; If-None-Match answered 200 with new bytes): each leaf compiled with the root it got (V1V2V3), three programs" bash -c \
	"grep -q 'VX EXIT V1V2V3' '$W/cr-chg.out' && [ \$(crq chg root.vxml 200) = 1 ] && [ \$(crq chg root.vxml '200 inm') = 2 ] && [ \$(compiles cr-chg) = 3 ]"
run cr-maxage "$U/cr/sage/ma1.vxml"
check "cache: <script src maxage='0'> of a script fresh for an hour (no validators): fetched again by the next document" bash -c \
	"grep -q 'VX EXIT M' '$W/cr-maxage.out' && [ \$(crq sage lib.js 200) = 2 ]"
run cr-maxstale "$U/cr/sstale/ms1.vxml"
check "cache: <script src maxstale='60'> of a script stale at once (max-age=0, an ETag): the kept copy used by the next document, no request" bash -c \
	"grep -q 'VX EXIT M' '$W/cr-maxstale.out' && [ \$(crq sstale lib.js 200) = 1 ] && [ \$(grep -c '^GET /vx/cr/sstale/lib.js' '$W/requests') = 1 ]"
run cr-gmaxage "$U/cr/gage/gma1.vxml"
check "cache: <grammar src maxage='0'> of a grammar fresh for an hour: fetched again by the next document" bash -c \
	"grep -q 'VX EXIT G' '$W/cr-gmaxage.out' && [ \$(crq gage digits.grxml 200) = 2 ]"
run cr-gmaxstale "$U/cr/gstale/gms1.vxml"
check "cache: <grammar src maxstale='60'> of a grammar stale at once (max-age=0, an ETag): the kept copy used by the next document, no request" bash -c \
	"grep -q 'VX EXIT G' '$W/cr-gmaxstale.out' && [ \$(grep -c '^GET /vx/cr/gstale/digits.grxml' '$W/requests') = 1 ]"
run cr-pmaxage "$U/cr/page/pma1.vxml"
check "cache: <property name='scriptmaxage' value='0'> (the document's), 'grammarmaxage' (the form's) of sources fresh for an hour: both fetched again by the next document" bash -c \
	"grep -q 'VX EXIT P' '$W/cr-pmaxage.out' && [ \$(crq page lib.js 200) = 2 ] && [ \$(crq page digits.grxml 200) = 2 ]"
run cr-pmaxstale "$U/cr/pstale/pms1.vxml"
check "cache: the properties scriptmaxstale and grammarmaxstale '60' of sources stale at once: the script's kept copy used, no request; the grammar's own maxstale='0' wins: revalidated (304)" bash -c \
	"grep -q 'VX EXIT P' '$W/cr-pmaxstale.out' && [ \$(grep -c '^GET /vx/cr/pstale/lib.js' '$W/requests') = 1 ] && [ \$(crq pstale digits.grxml 200) = 1 ] && [ \$(crq pstale digits.grxml '304 inm') = 1 ]"
run cr-proot "$U/cr/rage/pra.vxml"
check "cache: an application root's <property name='scriptmaxage' value='0'>: its script (fresh for an hour) fetched again with the next leaf" bash -c \
	"grep -q 'VX EXIT R' '$W/cr-proot.out' && [ \$(crq rage lib.js 200) = 2 ]"
run cr-droot "$U/cr/dage/da1.vxml"
check "cache: a leaf's <property name='documentmaxage' value='0'> applies to its application root (fresh for an hour): fetched again with the next leaf, its script and grammar (fresh) not" bash -c \
	"grep -q 'VX EXIT D' '$W/cr-droot.out' && [ \$(crq dage root.vxml 200) = 2 ] && [ \$(crq dage lib.js 200) = 1 ] && [ \$(crq dage digits.grxml 200) = 1 ]"
# A root's <vxml>-level properties in force in its leaves (VoiceXML 2.0 §6.3): lroot.vxml says
# scriptmaxage and grammarmaxage "0" (lsroot.vxml: scriptmaxstale and grammarmaxstale "60");
# each leaf enters itself again (?again), its lib.js and digits.grxml served max-age=3600
# (lstale: max-age=0 with an ETag).
for m in lr:lage lo:lown lt:lattr; do
	run "cr-${m%%:*}" "$U/cr/${m#*:}/${m%%:*}.vxml"
done
check "cache: an application root's <property name='scriptmaxage'> and 'grammarmaxage' '0' reach a leaf that sets none: its script and grammar (fresh for an hour) fetched again when the leaf is entered again" bash -c \
	"grep -q 'VX EXIT L2' '$W/cr-lr.out' && [ \$(crq lage lib.js 200) = 2 ] && [ \$(crq lage digits.grxml 200) = 2 ]"
check "cache: a leaf's own <property name='scriptmaxage' value='3600'> wins over its root's '0': its script fetched once, its grammar (the root's grammarmaxage) twice" bash -c \
	"grep -q 'VX EXIT L2' '$W/cr-lo.out' && [ \$(crq lown lib.js 200) = 1 ] && [ \$(crq lown digits.grxml 200) = 2 ]"
check "cache: <script src maxage='3600'> in the leaf wins over its root's scriptmaxage '0': fetched once, the grammar (the root's grammarmaxage) twice" bash -c \
	"grep -q 'VX EXIT L2' '$W/cr-lt.out' && [ \$(crq lattr lib.js 200) = 1 ] && [ \$(crq lattr digits.grxml 200) = 2 ]"
check "the application root is asked for before the leaf's sources (its properties are needed for them), once per leaf" bash -c \
	"[ \$(grep -c '^GET /vx/cr/lage/lroot.vxml 200' '$W/requests') = 2 ] && grep '^GET /vx/cr/lage/' '$W/requests' | head -4 | tr '\n' ' ' | grep -q -x 'GET /vx/cr/lage/lr.vxml 200 GET /vx/cr/lage/lroot.vxml 200 GET /vx/cr/lage/lib.js 200 GET /vx/cr/lage/digits.grxml 200 '"
run cr-ls "$U/cr/lstale/ls.vxml"
check "cache: an application root's scriptmaxstale and grammarmaxstale '60' reach a leaf that sets none: its script and grammar (stale at once, an ETag) taken from the cache when the leaf is entered again, no request" bash -c \
	"grep -q 'VX EXIT L2' '$W/cr-ls.out' && [ \$(grep -c '^GET /vx/cr/lstale/lib.js' '$W/requests') = 1 ] && [ \$(grep -c '^GET /vx/cr/lstale/digits.grxml' '$W/requests') = 1 ]"
run cr-dg "$U/cr/dgo/dg.vxml"
check "cache: an application root's <property name='documentmaxage' value='0'> reaches its leaf's <goto> (compiled into the leaf): the leaf going to itself (fresh for an hour) asks for it again" bash -c \
	"grep -q 'VX EXIT G2' '$W/cr-dg.out' && [ \$(crq dgo dg.vxml 200) = 2 ]"
elapsed ftapp "$U/ftapp.vxml"
check "an application root's <property name='fetchtimeout' value='1s'> bounds its leaf's script (answered after 3 s): the dialog does not start, 'timed out' naming the script, in less than 3 s" bash -c \
	"grep -q 'VX NOTSTARTED script $U/js/slow.js: timed out (fetchtimeout 1000 ms)' '$W/ftapp.out' && [ \$(cat '$W/ftapp.ms') -lt 3000 ]"
check "no sanitizer report" bash -c "! grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' '$W'/*.err"
lc_end rtvxml
