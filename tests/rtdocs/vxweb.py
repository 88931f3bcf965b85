"""tests/rtdocs/vxweb.py PORTFILE LOG SECONDS — the web server of tests/rtdocs/vxml.sh: VoiceXML
documents loaded at run time (docs/voicexml.md "Documents fetched at run time").
  /vx/NAME.vxml     tests/rtdocs/vx/NAME.vxml; in next.vxml, %(r)s is the query's r
  /vx/slow.vxml     next.vxml after 3 s
  /vx/js/slow.js, /vx/g/slow.grxml  vx/cr/lib.js, vx/g/digits.grxml after 3 s
  /vx/submit.vxml?m=get|post|mp   a <submit> with the method, enctype and namelist of m
  /vx/echo.vxml     (GET or POST) next.vxml whose r says what came: METHOD-NAMEVALUE-...;
                    a value ending in .wav is "wav"; a multipart file part of Content-Type
                    audio/x-wav whose bytes start with RIFF is "RIFF"
  /vx/data.vxml?d=ok|bad|xxe|404|slow|amp   <data> of quote.xml, malformed.xml, xxe.xml, none.xml,
                    slow.xml (3 s) or amp.xml (an entity expanded in attributes: 70 KB to 80 MB);
                    any other d is the src itself
  /vx/quote.xml?sym=S   <quote sym="S"> with a name, two prices and a comment
  /vx/malformed.xml, /vx/xxe.xml (an external entity of file:///etc/passwd)
  /vx/subecho.vxml  (GET or POST) a subdialog returning r: what came, as echo.vxml says, then
                    '-' and its param p; /vx/slowsub.vxml: the same after 3 s
  /vx/js/NAME.js    tests/rtdocs/vx/js/NAME.js (the <script src> of script.vxml)
  /vx/g/NAME        tests/rtdocs/vx/g/NAME (the <grammar src> of gram*.vxml): .grxml as
                    application/srgs+xml, .gram as application/srgs (ABNF)
  /vx/w/NAME.grxml  NAME.grxml of LOG's directory (the test writes it); /vx/w/NAME.vxml: the same
  /vx/hold.wav      hold.wav of LOG's directory (the fetchaudio of fetchaudio.vxml and fasip.vxml)
  /vx/fresh.xml, /vx/fresh.vxml   <x n="K"/> (a subdialog returning n for .vxml), K counted
                    per path; Cache-Control: max-age=60 and an ETag; 304 to If-None-Match
  /vx/dataecho.xml  <x r="..."/>: what came, as echo.vxml says
  /vx/stale.xml     the same with max-age=0;  /vx/wait.xml: <x/> after 1.5 s, not cached
  /vx/cr/MODE/NAME  tests/rtdocs/vx/cr/NAME (digits.grxml: vx/g's); root.vxml, lib.js,
                    digits.grxml and dg.vxml with MODE's caching (CR below; 304 to a matching
                    If-None-Match or If-Modified-Since, except chg, whose every answer is new),
                    root.vxml's %(n)s its count of 200s; the log line says " inm" / " ims" when the request
                    had If-None-Match / If-Modified-Since
  anything else     404
Appends "METHOD PATH STATUS" for each request to LOG."""
import os, sys, threading, time, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve, Quiet  # noqa: E402

portfile, log, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vx")
lock = threading.Lock()


DATA = {"ok": "quote.xml", "bad": "malformed.xml", "xxe": "xxe.xml", "404": "none.xml",
        "slow": "slow.xml", "amp": "amp.xml"}
XML = {"/vx/malformed.xml": '<?xml version="1.0"?>\n<quote>\n<price>1</quote>\n',
       "/vx/xxe.xml": '<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                      '<quote sym="X"><name>A&x;B</name><price>1</price><price>2</price></quote>\n',
       # 70 KB whose attribute values expand to 80 MB (an internal entity: libxml2 expands it)
       "/vx/amp.xml": '<?xml version="1.0"?>\n<!DOCTYPE q [<!ENTITY e "%s">]><q>%s</q>\n' % (
                      "x" * 40000, '<p a="&e;"/>' * 2000)}
SUBMIT = {"get": "", "post": 'method="post" namelist="code extra"',
          "mp": 'method="post" enctype="multipart/form-data" namelist="code msg extra"'}


def fields_of(ctype, body):
    """(name, value) of an urlencoded or multipart/form-data body"""
    if not ctype.startswith("multipart/form-data"):
        return urllib.parse.parse_qsl(body.decode())
    bnd = ctype.split("boundary=", 1)[1].encode()
    out = []
    for part in body.split(b"--" + bnd)[1:]:
        if part.startswith(b"--"):
            break
        head, _, data = part[2:].partition(b"\r\n\r\n")
        data = data[:-2]
        h = head.decode()
        name = h.split('name="', 1)[1].split('"', 1)[0]
        if "filename=" in h:
            ok = "Content-Type: audio/x-wav" in h and data[:4] == b"RIFF" and len(data) > 44
            out.append((name, "RIFF" if ok else "BADFILE"))
        else:
            out.append((name, data.decode()))
    return out


SUBECHO = ('<?xml version="1.0"?>\n<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">'
           '<form><var name="p"/><var name="code"/><var name="msg"/><block><var name="r" expr="\'%s-\' + p"/><return namelist="r"/></block>'
           '</form></vxml>\n')
CACHED = {"/vx/fresh.xml": 60, "/vx/fresh.vxml": 60, "/vx/stale.xml": 0}
serial = {}
LASTMOD = "Tue, 01 Dec 2026 10:00:00 GMT"
CR = {"age": {"Cache-Control": "max-age=3600"},
      "etag": {"Cache-Control": "max-age=0", "ETag": '"cr"'},
      "lm": {"Cache-Control": "max-age=0", "Last-Modified": LASTMOD},
      "nocache": {"Cache-Control": "no-cache, max-age=3600", "ETag": '"cr"'},
      "nostore": {"Cache-Control": "no-store, max-age=3600", "ETag": '"cr"'},
      "chg": {"Cache-Control": "max-age=0", "ETag": '"cr"'},
      "sage": {"Cache-Control": "max-age=3600"},
      "sstale": {"Cache-Control": "max-age=0", "ETag": '"cr"'},
      "gage": {"Cache-Control": "max-age=3600"},
      "gstale": {"Cache-Control": "max-age=0", "ETag": '"cr"'},
      "page": {"Cache-Control": "max-age=3600"},
      "pstale": {"Cache-Control": "max-age=0", "ETag": '"cr"'},
      "rage": {"Cache-Control": "max-age=3600"},
      "dage": {"Cache-Control": "max-age=3600"},
      "lage": {"Cache-Control": "max-age=3600"},
      "lown": {"Cache-Control": "max-age=3600"},
      "lattr": {"Cache-Control": "max-age=3600"},
      "dgo": {"Cache-Control": "max-age=3600"},
      "lstale": {"Cache-Control": "max-age=0", "ETag": '"cr"'}}


def cr_answer(req, path):
    """(status, body, headers, ctype) of /vx/cr/MODE/NAME"""
    mode, name = path.split("/")[3:5]
    src = os.path.join(DIR, "g" if name == "digits.grxml" else "cr", name)
    if mode not in CR or not os.path.isfile(src):
        return 404, None, {}, None
    ctype = "application/srgs+xml" if name.endswith(".grxml") else \
        "application/javascript" if name.endswith(".js") else None
    if name not in ("root.vxml", "lib.js", "digits.grxml", "dg.vxml"):
        return 200, open(src).read(), {}, ctype
    hdrs = dict(CR[mode])
    if mode != "chg" and (("ETag" in hdrs and req.headers.get("If-None-Match") == hdrs["ETag"]) or
                          req.headers.get("If-Modified-Since") == hdrs.get("Last-Modified", "-")):
        return 304, None, hdrs, None
    with lock:
        serial[path] = serial.get(path, 0) + 1
    body = open(src).read()
    return 200, body % {"n": serial[path]} if name == "root.vxml" else body, hdrs, ctype


def what_came(cmd, ctype, query, form):
    """METHOD-NAMEVALUE-... of a request (echo.vxml, subecho.vxml)"""
    f = urllib.parse.parse_qsl(query) if form is None else fields_of(ctype or "", form)
    what = "MP" if "multipart" in (ctype or "") else cmd
    r = [what] + [k + ("wav" if v.endswith(".wav") else "ok" if v == "a b&c" else v) for k, v in f]
    return "".join(c for c in "-".join(r) if c.isalnum() or c == "-")


class H(Quiet):
    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        self.do_GET(self.rfile.read(n))

    def do_GET(self, form=None):
        path, _, query = self.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query))
        name = os.path.basename(path)
        body, status, hdrs, ctype = None, 200, {}, None
        if path.startswith("/vx/cr/"):
            status, body, hdrs, ctype = cr_answer(self, path)
        elif path in CACHED:
            etag = '"v-%s"' % name
            hdrs = {"Cache-Control": "max-age=%d" % CACHED[path], "ETag": etag}
            if self.headers.get("If-None-Match") == etag:
                status = 304
            else:
                with lock:
                    serial[path] = serial.get(path, 0) + 1
                if name.endswith(".vxml"):
                    body = ('<?xml version="1.0"?>\n<vxml version="2.1" xmlns="http://www.w3.org/2001/vxml">'
                            '<form><block><var name="n" expr="%d"/><return namelist="n"/></block></form>'
                            '</vxml>\n' % serial[path])
                else:
                    body = '<?xml version="1.0"?>\n<x n="%d"/>\n' % serial[path]
        elif path == "/vx/dataecho.xml":
            body = '<?xml version="1.0"?>\n<x r="%s"/>\n' % what_came(
                self.command, self.headers.get("Content-Type"), query, form)
        elif path == "/vx/hold.wav" and os.path.isfile(os.path.join(os.path.dirname(log), "hold.wav")):
            body = open(os.path.join(os.path.dirname(log), "hold.wav"), "rb").read()
            ctype = "audio/wav"
        elif path == "/vx/wait.xml":
            time.sleep(1.5)
            body = '<?xml version="1.0"?>\n<x/>\n'
        elif path in ("/vx/subecho.vxml", "/vx/slowsub.vxml"):
            if path == "/vx/slowsub.vxml":
                time.sleep(3)
            body = SUBECHO % what_came(self.command, self.headers.get("Content-Type"), query, form)
        elif path == "/vx/slow.vxml":
            time.sleep(3)
            name = "next.vxml"
        elif path in ("/vx/js/slow.js", "/vx/g/slow.grxml"):
            time.sleep(3)
            src = os.path.join(DIR, "cr/lib.js" if name == "slow.js" else "g/digits.grxml")
            body = open(src).read()
            ctype = "application/javascript" if name == "slow.js" else "application/srgs+xml"
        if os.path.dirname(path) == "/vx" and name.endswith(".vxml") and \
                os.path.isfile(os.path.join(DIR, name)):
            body = open(os.path.join(DIR, name)).read()
            if name == "next.vxml":
                body = body % {"r": "".join(c for c in q.get("r", "") if c.isalnum() or c == "-")}
            if name == "data.vxml":
                body = body % {"src": DATA.get(q.get("d", "ok"), q.get("d"))}
            if name == "submit.vxml":
                body = body % {"attrs": SUBMIT[q.get("m", "get")]}
        elif os.path.dirname(path) == "/vx/js" and name.endswith(".js") and \
                os.path.isfile(os.path.join(DIR, "js", name)):
            body = open(os.path.join(DIR, "js", name)).read()
            ctype = "application/javascript"
        elif os.path.dirname(path) == "/vx/g" and os.path.isfile(os.path.join(DIR, "g", name)):
            body = open(os.path.join(DIR, "g", name)).read()
            ctype = "application/srgs" if name.endswith(".gram") else "application/srgs+xml"
        elif os.path.dirname(path) == "/vx/w" and name.endswith((".grxml", ".vxml")) and \
                os.path.isfile(os.path.join(os.path.dirname(log), name)):
            body = open(os.path.join(os.path.dirname(log), name)).read()
            ctype = "application/srgs+xml" if name.endswith(".grxml") else None
        elif path == "/vx/quote.xml":
            sym = "".join(c for c in q.get("sym", "") if c.isalnum())
            body = ('<?xml version="1.0" encoding="UTF-8"?>\n<quote sym="%s"><name>Acme &amp; Co</name>'
                    '<price currency="USD">12.50</price><!-- c --><price currency="EUR">11.00</price>'
                    '</quote>\n' % sym)
        elif path in XML:
            body = XML[path]
        elif path == "/vx/slow.xml":
            time.sleep(3)
            body = XML["/vx/xxe.xml"]
        elif path == "/vx/echo.vxml":
            body = open(os.path.join(DIR, "next.vxml")).read() % {
                "r": what_came(self.command, self.headers.get("Content-Type"), query, form)}
        elif body is None and status == 200:
            status = 404
        with lock, open(log, "a") as f:
            f.write("%s %s %d%s%s\n" % (self.command, self.path, status,
                                          " inm" if self.headers.get("If-None-Match") else "",
                                          " ims" if self.headers.get("If-Modified-Since") else ""))
        if status == 304:
            return self.not_modified(hdrs)
        self.answer(status, ctype or ("application/voicexml+xml" if body else "text/plain"),
                    body if isinstance(body, bytes) else (body or "not found\n").encode(), hdrs)


serve(H, portfile, secs)
