"""examples/campaign: a web server that takes the campaign's summary (basichttp POST) and
appends each body to OUT; its port goes to PORTFILE. Ends after SECONDS."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests"))
from lib_web import serve  # noqa: E402
import http.server

portfile, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])


class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(out, "ab") as f:
            f.write(body + b"\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


serve(H, portfile, secs)
