"""tests/rtdocs: a web server of CCXML documents. Serves at PORTFILE's port for SECONDS:
  /child.ccxml      a good document: logs CHILD RUNNING, then fetches rel.ccxml (relative to
                    its own URI) and goes there
  /rel.ccxml        a good document: logs CHILD REL PASS and exits
  /tmpl.ccxml?n=N   a template: logs TEMPLATE N, so each N is another document
  /bad.ccxml        a syntax error on line 5, column 27
  /slow.ccxml       child.ccxml's content after 3 s (?s=N: after N s)
  /fresh.ccxml      rel.ccxml's content with Cache-Control: max-age=60
  /echo.ccxml       (GET or POST) logs "ECHO METHOD FIELDS", FIELDS the submitted form decoded
  /big.ccxml        a document over 1 MiB
HTTP caching (each logs TEMPLATE NAME; a request whose If-None-Match / If-Modified-Since
matches gets 304 Not Modified with no body):
  /etag.ccxml       ETag "e1", no Cache-Control (revalidated each time)
  /lastmod.ccxml    Last-Modified only
  /nocache.ccxml    Cache-Control: no-cache, max-age=60 and ETag "n1"
  /nostore.ccxml    Cache-Control: no-store and ETag "s1" (never kept: no conditional request)
  /stale.ccxml      Cache-Control: max-age=1 and ETag "t1"; its 304 says max-age=30 (so that the
                    next start finds it fresh however long a loaded machine takes to get there)
  /fresh2.ccxml     Cache-Control: max-age=60 and ETag "f1"
  /flip.ccxml       ETag "a" and TEMPLATE flipA for the first 2 requests, then "b" and flipB
Scripts and xml:base (docs/fetch.md "Scripts and xml:base"):
  /withjs.ccxml     <script src> relative (js/util.js), absolute (abs.js), with charset=
                    ISO-8859-1 (latin.js), Latin-1 by the answer's Content-Type (ctl.js), UTF-8
                    (utf.js): logs SCRIPTS PASS when every one ran as written
  /xb.ccxml         <ccxml xml:base="/sub/">: <script src="s.js"> is /sub/s.js, a <script
                    xml:base="/other/"> src o.js is /other/o.js, <fetch next="'rel.ccxml'"> and
                    <goto> reach /sub/rel.ccxml (logs XB REL PASS)
  /js404.ccxml      a <script src> answered 404;  /jscs.ccxml  charset="x-none"
  /jsftp.ccxml      a <script src> of ftp:;  /jsbad.ccxml  of fs/bad.js (a syntax error)
  /jsplace.ccxml    calls fs/place.js's function, which throws on its line 3
  anything else     404
and appends "PATH STATUS inm=IF-NONE-MATCH ims=IF-MODIFIED-SINCE cc=CACHE-CONTROL" ('-' for a
header not sent) for each request to LOG."""
import http.server, os, sys, threading, time, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve, Quiet  # noqa: E402

portfile, log, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
extra = dict(a.split("=", 1) for a in sys.argv[4:])   # /NAME=FILE served as is (?fresh: max-age)
lock = threading.Lock()
flips = [0]
LASTMOD = "Mon, 02 Nov 2026 10:00:00 GMT"
CACHING = {   # path: (ETag, Last-Modified, Cache-Control)
    "/etag.ccxml": ('"e1"', None, None),
    "/lastmod.ccxml": (None, LASTMOD, None),
    "/nocache.ccxml": ('"n1"', None, "no-cache, max-age=60"),
    "/nostore.ccxml": ('"s1"', None, "no-store"),
    "/stale.ccxml": ('"t1"', None, "max-age=1"),
    "/fresh2.ccxml": ('"f1"', None, "max-age=60"),
}
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<ccxml version="1.0" xmlns="http://www.w3.org/2002/09/ccxml">\n'
CHILD = HEAD + """  <var name="fid"/>
  <eventprocessor>
    <transition event="ccxml.loaded">
      <log expr="'CHILD RUNNING'"/>
      <fetch next="'rel.ccxml'" fetchid="fid"/>
    </transition>
    <transition event="fetch.done"><goto fetchid="fid"/></transition>
    <transition event="error.fetch"><log expr="'CHILD ERROR ' + event$.reason"/><exit/></transition>
  </eventprocessor>
</ccxml>
"""
REL = HEAD + """  <eventprocessor>
    <transition event="ccxml.loaded"><log expr="'CHILD REL PASS'"/><exit/></transition>
  </eventprocessor>
</ccxml>
"""
TMPL = HEAD + """  <eventprocessor>
    <transition event="ccxml.loaded"><log expr="'TEMPLATE %s'"/><exit/></transition>
  </eventprocessor>
</ccxml>
"""
BAD = HEAD + """  <eventprocessor>
    <transition event="ccxml.loaded">
      <log expr="'unclosed"/>
    </transition>
  </eventprocessor>
</ccxml>
"""


SCRIPTED = HEAD + """  <script src="js/util.js"/>
  <script src="http://127.0.0.1:%d/abs.js"/>
  <script src="latin.js" charset="ISO-8859-1"/>
  <script src="ctl.js"/>
  <script src="utf.js"/>
  <eventprocessor>
    <transition event="ccxml.loaded">
      <log expr="'SCRIPTS ' + (twice(21) == 42 &amp;&amp; abs == 'abs' &amp;&amp; latin == '\\u00e9t\\u00e9' &amp;&amp; ctl == latin &amp;&amp; utf == latin ? 'PASS' : 'FAIL ' + [latin, ctl, utf].join(','))"/>
      <exit/>
    </transition>
  </eventprocessor>
</ccxml>
"""
XB = (CHILD.replace('<ccxml ', '<ccxml xml:base="/sub/" ')
      .replace('<var name="fid"/>\n', '<var name="fid"/>\n  <script src="s.js"/>\n'
               '  <script xml:base="/other/" src="o.js"/>\n')
      .replace("'CHILD RUNNING'", "'XB SCRIPTS ' + (sub + other)"))
ONEJS = HEAD + """  <script src="%s"%s/>
  <eventprocessor>
    <transition event="ccxml.loaded"><log expr="'ONEJS RAN'"/><exit/></transition>
  </eventprocessor>
</ccxml>
"""
PLACE = HEAD + """  <script src="fs/place.js"/>
  <eventprocessor>
    <transition event="ccxml.loaded"><var name="v" expr="deepf({})"/></transition>
    <transition event="error.semantic"><log expr="'PLACE ' + event$.reason"/><exit/></transition>
  </eventprocessor>
</ccxml>
"""
def tone():
    """100 ms of a 1 kHz tone, 8 kHz 16-bit mono: a <join entertone> (jointone.ccxml)"""
    import io, math, wave
    b = io.BytesIO()
    with wave.open(b, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"".join(int(8000 * math.sin(2 * math.pi * 1000 * i / 8000)).to_bytes(
            2, "little", signed=True) for i in range(800)))
    return b.getvalue()


JS = {  # path: (bytes, Content-Type)
    "/tone.wav": (tone(), "audio/wav"),
    "/js/util.js": (b"function twice(x) { return 2 * x; }\n", "application/javascript"),
    "/abs.js": (b"var abs = 'abs';\n", "application/javascript"),
    "/latin.js": (b"var latin = '\xe9t\xe9';\n", "application/javascript"),
    "/ctl.js": (b"var ctl = '\xe9t\xe9';\n", "application/javascript; charset=ISO-8859-1"),
    "/utf.js": ("var utf = '\u00e9t\u00e9';\n".encode(), "application/javascript; charset=utf-8"),
    "/sub/s.js": (b"var sub = 'SUB';\n", "application/javascript"),
    "/other/o.js": (b"var other = 'OTHER';\n", "application/javascript"),
    # <script fetchid> (tests/rtdocs/fscript.ccxml): the document's ccxml variable count, the
    # transition's local, new globals made/twice/bump (bump changes count when called later)
    "/fs/ok.js": (b"count = count + 1;\nlocal = local * 2;\nvar made = 'M' + count;\n"
                  b"function twice(x) { return 2 * x; }\n"
                  b"function bump() { count = count + 1; return count; }\n"
                  b"var sid = typeof session.id;\n", "text/ecmascript"),
    "/fs/lat.js": (b"var lat = '\xe9t\xe9';\n", "text/ecmascript"),
    "/fs/bad.js": (b"var a = 1;\nvar b = ;\n", "text/ecmascript"),
    "/fs/throw.js": (b"var before = 'B';\nthrow new Error('boom');\n", "text/ecmascript"),
    "/fs/place.js": (b"// a function that throws on line 3\nfunction deepf(o) {\n  return o.x.y;\n}\n",
                     "text/ecmascript"),
    # <script fetchid charset>: Latin-1 bytes that are also valid UTF-8 ('\u00c3\u00a9' in
    # Latin-1, '\u00e9' in UTF-8), no charset in the Content-Type; Latin-1 bytes that are not
    # valid UTF-8 under a wrong charset=UTF-8
    "/fs/lat2.js": (b"var lat2 = '\xc3\xa9';\n", "text/ecmascript"),
    "/fs/lat3.js": (b"var lat3 = '\xe9';\n", "text/ecmascript; charset=UTF-8"),
}


class H(Quiet):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.do_GET(self.rfile.read(n).decode())

    def do_GET(self, form=None):
        path, _, query = self.path.partition("?")
        body, status, hdrs = None, 200, {}
        if path == "/child.ccxml":
            body = CHILD
        elif path == "/rel.ccxml":
            body = REL
        elif path == "/tmpl.ccxml":
            n = "".join(c for c in query.partition("n=")[2] if c.isalnum())
            body = TMPL % n
        elif path == "/bad.ccxml":
            body = BAD
        elif path == "/fresh.ccxml":
            body, hdrs = REL, {"Cache-Control": "max-age=60"}
        elif path == "/echo.ccxml":
            f = urllib.parse.parse_qsl(query if form is None else form)
            text = "ECHO %s %s" % (self.command, ";".join("%s=%s" % kv for kv in f))
            body = TMPL % text.replace("'", "").replace("&", "&amp;")
        elif path in CACHING or path == "/flip.ccxml":
            name = path[1:-6]
            if path == "/flip.ccxml":
                with lock:
                    flips[0] += 1
                    v = "a" if flips[0] <= 2 else "b"
                etag, lm, cc, name = '"%s"' % v, None, "no-cache", "flip" + v.upper()
            else:
                etag, lm, cc = CACHING[path]
            hdrs = {k: v for k, v in (("ETag", etag), ("Last-Modified", lm),
                                      ("Cache-Control", cc)) if v}
            inm, ims = self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")
            if (etag and inm == etag) or (not etag and lm and ims == lm):
                status = 304
            else:
                body = TMPL % name
        elif path == "/withjs.ccxml":
            body = SCRIPTED % self.server.server_port
        elif path == "/xb.ccxml":
            body = XB
        elif path == "/sub/rel.ccxml":
            body = REL.replace("CHILD REL PASS", "XB REL PASS")
        elif path == "/jsplace.ccxml":
            body = PLACE
        elif path in ("/js404.ccxml", "/jscs.ccxml", "/jsftp.ccxml", "/jsbad.ccxml"):
            body = ONEJS % {"/js404.ccxml": ("nope.js", ""), "/jscs.ccxml": ("abs.js", ' charset="x-none"'),
                            "/jsftp.ccxml": ("ftp://127.0.0.1/x.js", ""),
                            "/jsbad.ccxml": ("fs/bad.js", "")}[path]
        elif path in JS:
            with lock, open(log, "a") as f:
                f.write("%s 200\n" % self.path)
            return self.answer(200, JS[path][1], JS[path][0])
        elif path == "/big.ccxml":
            body = HEAD + "<!--" + "x" * (1 << 20) + "-->\n</ccxml>\n"
        elif path == "/slow.ccxml":
            time.sleep(int(query.partition("s=")[2] or 3))
            body = CHILD
        elif path in extra:
            body = open(extra[path]).read()
            if "fresh" in query:
                hdrs = {"Cache-Control": "max-age=60"}
        else:
            status = 404
        with lock, open(log, "a") as f:
            f.write("%s %d inm=%s ims=%s cc=%s\n" % (
                self.path, status, self.headers.get("If-None-Match") or "-",
                self.headers.get("If-Modified-Since") or "-",
                self.headers.get("Cache-Control") or "-"))
        if status == 304:
            if path == "/stale.ccxml":
                hdrs["Cache-Control"] = "max-age=30"
            self.send_response(304)
            for k, v in hdrs.items():
                self.send_header(k, v)
            self.end_headers()
            return
        self.answer(status, "application/ccxml+xml" if body else "text/plain",
                    (body or "not found\n").encode(), hdrs)


serve(H, portfile, secs)
