#!/usr/bin/env python3
"""tests/sip/connflood.py PORT TLSPORT PID SIPPCMD... — the client side of tests/sip/conns.sh.

Floods the program's SIP TCP and TLS ports with connections from several loopback addresses
while sampling its open descriptors (/proc/PID/fd), and starts a call (the command SIPPCMD, a
sipp over TCP from an address of its own) when the flood's connections are a few seconds old.
Prints what it saw as "key value" lines; conns.sh asserts on them:

  fd0 / fdmax         descriptors before / at most during the flood
  reset.A closed.A    connections from 127.0.0.A the server reset (refused at once) / closed
  open.A              connections still open (accepted, or waiting in the kernel's backlog)
  options_close_s     seconds from the 200 to an OPTIONS until the server closed that connection
  call_rc             sipp's exit status
"""
import os
import socket
import subprocess
import sys
import threading
import time

PORT, TLSPORT, PID = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
SIPP = sys.argv[4:]


def nfd():
    try:
        return len(os.listdir('/proc/%s/fd' % PID))
    except OSError:
        return -1


fdmax = 0
stop = False


def sampler():
    global fdmax
    while not stop:
        fdmax = max(fdmax, nfd())
        time.sleep(0.02)


class Src:
    """Connections from one source address; keep=True opens a new one for each refused."""

    def __init__(self, addr, port, n, keep=False):
        self.addr, self.port, self.n, self.keep = addr, port, n, keep
        self.socks, self.reset, self.closed = [], 0, 0
        for _ in range(n):
            self.open()

    def open(self):
        s = socket.socket()
        s.bind((self.addr, 0))
        s.setblocking(False)
        try:
            s.connect(('127.0.0.1', self.port))
        except BlockingIOError:
            pass
        self.socks.append(s)

    def poll(self, reopen):
        for s in list(self.socks):
            try:
                if s.recv(4096) != b'':
                    continue
                self.closed += 1
            except (BlockingIOError, OSError) as e:
                if isinstance(e, BlockingIOError) or e.errno in (107, 11):  # not yet connected
                    continue
                self.reset += 1
            self.socks.remove(s)
            s.close()
            if reopen and self.keep:
                self.open()


fd0 = nfd()
threading.Thread(target=sampler, daemon=True).start()
t0 = time.time()
srcs = {2: Src('127.0.0.2', PORT, 60, keep=True)}     # one address, on and on
time.sleep(0.3)
for a in (3, 4):
    srcs[a] = Src('127.0.0.%d' % a, PORT, 8)          # up to the per-address bound
srcs[8] = Src('127.0.0.8', TLSPORT, 20)               # the TLS port counts the same
# one OPTIONS, then silence: the idle bound (not libre's 900 s) closes the connection
opt = socket.create_connection(('127.0.0.1', PORT), source_address=('127.0.0.7', 0))
opt.sendall(('OPTIONS sip:ping@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.7:5060;'
             'branch=z9hG4bKflood1\r\nFrom: <sip:f@127.0.0.7>;tag=1\r\nTo: <sip:ping@127.0.0.1>\r\n'
             'Call-ID: flood-options\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n'
             'Content-Length: 0\r\n\r\n' % PORT).encode())
opt.settimeout(5)
answer = opt.recv(4096)
t_answer = time.time()
time.sleep(0.3)
for a in (5, 6):
    srcs[a] = Src('127.0.0.%d' % a, PORT, 8)          # past the total: none old enough to yield
opt.setblocking(False)
options_close = None
call = None
while time.time() - t0 < 12:
    for s in srcs.values():
        s.poll(time.time() - t0 < 7)
    if call is None and time.time() - t0 > 3.2:
        # the flood's first connections have been silent for 3 s: one yields to the call
        call = subprocess.Popen(SIPP, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if options_close is None:
        try:
            if opt.recv(4096) == b'':
                options_close = time.time() - t_answer
        except BlockingIOError:
            pass
        except OSError:
            options_close = time.time() - t_answer
    time.sleep(0.05)
stop = True
call_rc = call.wait(timeout=30) if call else -1
print('fd0', fd0)
print('fdmax', fdmax)
for a, s in sorted(srcs.items()):
    print('reset.%d %d' % (a, s.reset))
    print('closed.%d %d' % (a, s.closed))
    print('open.%d %d' % (a, len(s.socks)))
print('options_answer', answer.split(b'\r\n', 1)[0].decode(errors='replace'))
print('options_close_s', '%.1f' % options_close if options_close is not None else 'never')
print('call_rc', call_rc)
