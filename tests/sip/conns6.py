#!/usr/bin/env python3
"""tests/sip/conns6.py PORT HOLD SRC:N... — opens N TCP connections from each IPv6 source
address SRC to [::1]:PORT, in the order given, then waits 1 s and prints, for each SRC,
"open SRC K", "reset SRC K" (and closed, error): how many are still open and how many the
server reset (conns.sh, the per-/64 bound); then "done", and it keeps them HOLD seconds more
(the server's /metrics counts them meanwhile).
"""
import errno
import socket
import sys
import time

PORT, HOLD = int(sys.argv[1]), float(sys.argv[2])
socks = []
for spec in sys.argv[3:]:
    src, n = spec.rsplit(":", 1)
    for _ in range(int(n)):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.bind((src, 0))
        try:
            s.connect(("::1", PORT))
        except ConnectionResetError:
            pass  # reset during the handshake: counted below as reset
        socks.append((src, s))
        time.sleep(0.02)
time.sleep(1)
count = {}
for src, s in socks:
    state = "open"
    try:
        if s.recv(1, socket.MSG_DONTWAIT) == b"":
            state = "closed"
    except BlockingIOError:
        pass
    except OSError as e:
        state = "reset" if e.errno in (errno.ECONNRESET, errno.ENOTCONN, errno.EPIPE) else "error"
    count[(state, src)] = count.get((state, src), 0) + 1
for spec in sys.argv[3:]:
    src = spec.rsplit(":", 1)[0]
    for state in ("open", "reset", "closed", "error"):
        print(state, src, count.get((state, src), 0))
print("done", flush=True)
time.sleep(HOLD)
