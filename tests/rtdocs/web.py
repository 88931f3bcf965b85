"""tests/rtdocs: a web server of CCXML documents. Serves at PORTFILE's port for SECONDS:
  /child.ccxml      a good document: logs CHILD RUNNING, then fetches rel.ccxml (relative to
                    its own URI) and goes there
  /rel.ccxml        a good document: logs CHILD REL PASS and exits
  /tmpl.ccxml?n=N   a template: logs TEMPLATE N, so each N is another document
  /bad.ccxml        a syntax error on line 5, column 27
  /slow.ccxml       child.ccxml's content after 3 s
  /fresh.ccxml      rel.ccxml's content with Cache-Control: max-age=60
  /echo.ccxml       (GET or POST) logs "ECHO METHOD FIELDS", FIELDS the submitted form decoded
  /big.ccxml        a document over 1 MiB
  anything else     404
and appends "PATH" for each request to LOG."""
import http.server, os, sys, threading, time, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve, Quiet  # noqa: E402

portfile, log, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
extra = dict(a.split("=", 1) for a in sys.argv[4:])   # /NAME=FILE served as is (?fresh: max-age)
lock = threading.Lock()
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
        elif path == "/big.ccxml":
            body = HEAD + "<!--" + "x" * (1 << 20) + "-->\n</ccxml>\n"
        elif path == "/slow.ccxml":
            time.sleep(3)
            body = CHILD
        elif path in extra:
            body = open(extra[path]).read()
            if "fresh" in query:
                hdrs = {"Cache-Control": "max-age=60"}
        else:
            status = 404
        with lock, open(log, "a") as f:
            f.write("%s\n" % self.path)
        self.answer(status, "application/ccxml+xml" if body else "text/plain",
                    (body or "not found\n").encode(), hdrs)


serve(H, portfile, secs)
