#!/usr/bin/env python3
"""tests/http: a minimal SMTP listener that catches mail (for <voxeo:sendemail>).

usage: smtp_sink.py PORTFILE MAILFILE SECONDS
Listens on 127.0.0.1, port chosen by the system (written to PORTFILE). Each message is appended
to MAILFILE as "MAIL FROM/RCPT TO" lines, then the data (dot-unstuffed), then a line "=====".
One connection at a time; exits after SECONDS.
"""
import socket
import sys
import time

deadline = time.time() + float(sys.argv[3])
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(('127.0.0.1', 0))
ls.listen(4)
with open(sys.argv[1], 'w') as f:
    f.write(str(ls.getsockname()[1]))


def serve(c):
    c.settimeout(5)
    rf = c.makefile('rb')

    def say(s):
        c.sendall((s + '\r\n').encode())

    say('220 sink ESMTP')
    env = []
    while True:
        line = rf.readline(4096)
        if not line:
            return
        cmd = line.decode('utf-8', 'replace').rstrip('\r\n')
        up = cmd.upper()
        if up.startswith('EHLO') or up.startswith('HELO'):
            say('250 sink')
        elif up.startswith('MAIL FROM:') or up.startswith('RCPT TO:'):
            env.append(cmd)
            say('250 ok')
        elif up == 'DATA':
            say('354 go ahead')
            data = []
            while True:
                dl = rf.readline(65536)
                if not dl:
                    return
                dl = dl.decode('utf-8', 'replace').rstrip('\r\n')
                if dl == '.':
                    break
                data.append(dl[1:] if dl.startswith('.') else dl)
            with open(sys.argv[2], 'a') as f:
                f.write('\n'.join(env + data) + '\n=====\n')
            env = []
            say('250 queued')
        elif up == 'QUIT':
            say('221 bye')
            return
        elif up == 'RSET' or up == 'NOOP':
            say('250 ok')
        else:
            say('502 not implemented')


while time.time() < deadline:
    ls.settimeout(max(0.1, deadline - time.time()))
    try:
        c, _ = ls.accept()
    except socket.timeout:
        break
    try:
        serve(c)
    except OSError:
        pass
    finally:
        c.close()
