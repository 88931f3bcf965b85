#!/usr/bin/env python3
# tests/http/backlog.py PORT PID N — with the program stopped (SIGSTOP), N clients from
# 127.0.2.1..N connect to its HTTP listener; prints "established=K": how many handshakes the
# kernel completed for the listener's backlog (libre's tcp_listen asks for 5: the others' SYNs
# are dropped and retried a second later). Then the program goes on (SIGCONT) and each client
# sends a request: prints "answered=A", how many got an HTTP answer within 10 s.
import os, select, signal, socket, sys, time

port, pid, n = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
socks = []
os.kill(pid, signal.SIGSTOP)
try:
    for i in range(n):
        s = socket.socket()
        s.bind(("127.0.2.%d" % (i + 1), 0))
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        socks.append(s)
    time.sleep(0.5)
    done = 0
    for s in socks:
        _, w, _ = select.select([], [s], [], 0)
        if w and s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            done += 1
    print("established=%d" % done, flush=True)
finally:
    os.kill(pid, signal.SIGCONT)
answered = 0
deadline = time.time() + 10
for s in socks:
    s.setblocking(True)
    s.settimeout(max(0.1, deadline - time.time()))
    try:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        if s.recv(16).startswith(b"HTTP/1.1 "):
            answered += 1
    except OSError:
        pass
    s.close()
print("answered=%d" % answered, flush=True)
