"""tests/ops: a web server that takes call records. Writes the port it listens on to PORTFILE,
answers the first FAIL POSTs with 500 (a server in trouble), then 200, appending each accepted
body to OUT (one record a line). Ends after SECONDS."""
import os, sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from lib_web import serve  # noqa: E402

import http.server, sys, threading

portfile, out, fail, secs = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
state = {"fail": fail}
lock = threading.Lock()


class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            if state["fail"] > 0:
                state["fail"] -= 1
                code = 500
            else:
                code = 200
                with open(out, "ab") as f:
                    f.write(body if body.endswith(b"\n") else body + b"\n")
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


serve(H, portfile, secs)
