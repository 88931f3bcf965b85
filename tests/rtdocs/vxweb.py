"""tests/rtdocs/vxweb.py PORTFILE LOG SECONDS — the web server of tests/rtdocs/vxml.sh: VoiceXML
documents loaded at run time (docs/voicexml.md "Documents fetched at run time").
  /vx/NAME.vxml     tests/rtdocs/vx/NAME.vxml; in next.vxml, %(r)s is the query's r
  /vx/slow.vxml     next.vxml after 3 s
  anything else     404
Appends "METHOD PATH STATUS" for each request to LOG."""
import os, sys, threading, time, urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve, Quiet  # noqa: E402

portfile, log, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vx")
lock = threading.Lock()


class H(Quiet):
    def do_GET(self):
        path, _, query = self.path.partition("?")
        q = dict(urllib.parse.parse_qsl(query))
        name = os.path.basename(path)
        body, status = None, 200
        if path == "/vx/slow.vxml":
            time.sleep(3)
            name = "next.vxml"
        if os.path.dirname(path) == "/vx" and name.endswith(".vxml") and \
                os.path.isfile(os.path.join(DIR, name)):
            body = open(os.path.join(DIR, name)).read()
            if name == "next.vxml":
                body = body % {"r": "".join(c for c in q.get("r", "") if c.isalnum() or c == "-")}
        else:
            status = 404
        with lock, open(log, "a") as f:
            f.write("%s %s %d\n" % (self.command, self.path, status))
        self.answer(status, "application/voicexml+xml" if body else "text/plain",
                    (body or "not found\n").encode())


serve(H, portfile, secs)
