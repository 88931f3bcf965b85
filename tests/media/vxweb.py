"""tests/media/vxweb.py WAV PORTFILE LOG SECONDS — the web server of tests/media/vxaudio.sh:
VoiceXML documents whose <audio> is on the same server (docs/voicexml.md "Audio over HTTP").
  /vx/NAME.vxml  tests/media/vx/NAME.vxml, @BASE@ replaced by this server's http://127.0.0.1:PORT,
                 @HOLE@ by http://127.0.0.1:HOLE, a port that takes no connection (a listening
                 socket whose backlog is full: a SYN to it is dropped, as by a black hole);
                 also /vx/DIR/NAME.vxml, and NAME.js (a script) likewise
  /a/tone.wav    WAV: Cache-Control: max-age=3600, ETag "v1" (304 to If-None-Match: "v1")
  /a/stale.wav   the same with max-age=0 (stale at once)
  /a/slow.wav    like tone.wav, answered after 1.5 s
  /a/hang.wav    answered after 4 s (past a fetchtimeout of 1 s)
  /a/slow17.wav  answered after 17 s (past curl's own default of 15 s)
  /vx/rt/rtone.wav  tone.wav again, beside the documents of tests/media/vx/rt/ (an application
                 root, xml:base)
  /vx/wait.xml   <x/> after 1.5 s (a <data> that plays fetchaudio)
  anything else  404
Appends "PATH STATUS" for each request to LOG (PATH without the query), and
"PATH STATUS CACHE-CONTROL" (the request's, - when none) to LOG.cc."""
import os, re, socket, sys, threading, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve, Quiet  # noqa: E402

wav, portfile, log, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vx")
body = open(wav, "rb").read()
lock = threading.Lock()
# the black hole: a backlog of 0 holds one connection, made here and never accepted
hole = socket.socket()
hole.bind(("127.0.0.1", 0))
hole.listen(0)
filler = socket.create_connection(hole.getsockname(), timeout=2)
HOLE = "http://127.0.0.1:%d" % hole.getsockname()[1]
AGE = {"/a/tone.wav": 3600, "/vx/rt/rtone.wav": 3600, "/a/slow.wav": 3600, "/a/hang.wav": 3600, "/a/stale.wav": 0, "/a/slow17.wav": 0}


class H(Quiet):
    def do_GET(self):
        path = self.path.split("?")[0]
        status, ctype, data, hdrs = 404, "text/plain", b"", {}
        name = path[4:] if path.startswith("/vx/") else ""
        if re.fullmatch(r"([a-z0-9]+/)?[a-z0-9]+\.(vxml|js)", name) and os.path.exists(os.path.join(DIR, name)):
            base = "http://127.0.0.1:%d" % self.server.server_address[1]
            with open(os.path.join(DIR, name)) as f:
                data = f.read().replace("@BASE@", base).replace("@HOLE@", HOLE).encode()
            status = 200
            ctype = "text/javascript" if name.endswith(".js") else "application/voicexml+xml"
        elif path == "/vx/wait.xml":
            time.sleep(1.5)
            status, ctype, data = 200, "text/xml", b'<?xml version="1.0"?>\n<x/>\n'
        elif path in AGE:
            if path == "/a/slow.wav":
                time.sleep(1.5)
            elif path == "/a/hang.wav":
                time.sleep(4)
            elif path == "/a/slow17.wav":
                time.sleep(17)
            hdrs = {"Cache-Control": "max-age=%d" % AGE[path], "ETag": '"v1"'}
            status, ctype = 200, "audio/wav"
            data = body
            if self.headers.get("If-None-Match") == '"v1"':
                status, data = 304, b""
        with lock, open(log, "a") as f:
            f.write("%s %d\n" % (path, status))
        with lock, open(log + ".cc", "a") as f:
            f.write("%s %d %s\n" % (path, status, self.headers.get("Cache-Control", "-")))
        try:
            if status == 304:
                self.not_modified(hdrs)
            else:
                self.answer(status, ctype, data, hdrs)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a late answer to a fetch given up at its fetchtimeout


serve(H, portfile, secs)
