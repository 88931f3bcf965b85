"""tests/lib_web.py — the part the test web servers share: serve a handler class on 127.0.0.1
at a port the system picks, write that port to PORTFILE (atomically, so a reader never sees half
of it), and stop after SECS seconds."""
import http.server
import os
import threading


def serve(handler, portfile, secs):
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    threading.Timer(secs, srv.shutdown).start()
    srv.serve_forever()


class Quiet(http.server.BaseHTTPRequestHandler):
    """A handler that logs nothing and answers in one call."""

    def answer(self, status, ctype, data, hdrs=None):
        self.send_response(status)
        for k, v in (hdrs or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def not_modified(self, hdrs=None):
        """304 Not Modified with hdrs (Cache-Control, ETag...), no body"""
        self.send_response(304)
        for k, v in (hdrs or {}).items():
            self.send_header(k, v)
        self.end_headers()

    def log_message(self, *a):
        pass
