#!/usr/bin/env python3
"""tests/http: a tiny HTTP server for <send targettype='basichttp'>.

usage: http_sink.py PORTFILE LOGFILE SECONDS
Listens on 127.0.0.1, port chosen by the system (written to PORTFILE). POST /ok answers 200 and
appends the body as one line to LOGFILE; POST /fail answers 500. Exits after SECONDS.
"""
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(min(n, 65536)).decode('utf-8', 'replace')
        ok = self.path == '/ok'
        if ok:
            with open(sys.argv[2], 'a') as f:
                f.write(self.headers.get('Content-Type', '') + ' ' + body + '\n')
        self.send_response(200 if ok else 500)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *args):
        pass


srv = HTTPServer(('127.0.0.1', 0), Handler)
with open(sys.argv[1], 'w') as f:
    f.write(str(srv.server_address[1]))
threading.Timer(float(sys.argv[3]), srv.shutdown).start()
srv.serve_forever()
