"""tests/media: a web server of prompts. Serves WAV at PORTFILE's port for SECONDS:
  /fresh.wav       Cache-Control: max-age=60, ETag "v1"
  /revalidate.wav  Cache-Control: no-cache, ETag "v1" (304 to If-None-Match: "v1")
  /nostore.wav     Cache-Control: no-store
  /slow.wav        like fresh, answered after 0.7 s (dialogs asking meanwhile share it)
  /slow16.wav      like fresh, answered after 16 s (past curl's 15 s, within a prompt's 30 s)
  /slow32.wav      like fresh, answered after 32 s (past a prompt's 30 s)
  anything else    404
and appends "PATH STATUS" for each request to LOG."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve  # noqa: E402

import http.server, os, sys, threading, time

wav, portfile, log, secs = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
body = open(wav, "rb").read()
lock = threading.Lock()


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        path = self.path.split("?")[0]
        hdrs = {}
        status = 200
        delay = {"/slow.wav": 0.7, "/slow16.wav": 16, "/slow32.wav": 32}
        if path in ("/fresh.wav",) + tuple(delay):
            hdrs = {"Cache-Control": "max-age=60", "ETag": '"v1"'}
            time.sleep(delay.get(path, 0))
        elif path == "/revalidate.wav":
            hdrs = {"Cache-Control": "no-cache", "ETag": '"v1"'}
            if self.headers.get("If-None-Match") == '"v1"':
                status = 304
        elif path == "/nostore.wav":
            hdrs = {"Cache-Control": "no-store"}
        else:
            status = 404
        with lock, open(log, "a") as f:
            f.write("%s %d\n" % (path, status))
        data = body if status == 200 else b""
        try:
            self.send_response(status)
            for k, v in hdrs.items():
                self.send_header(k, v)
            self.send_header("Content-Type", "audio/wav")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a late answer to a fetch given up at its bound (slow32.wav)

    def log_message(self, *a):
        pass


serve(H, portfile, secs)
