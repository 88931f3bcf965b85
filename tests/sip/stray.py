#!/usr/bin/env python3
"""tests/sip/stray.py PORT [FLOOD]: sends requests that no call of the program takes to
127.0.0.1:PORT over UDP and prints, one a line, "METHOD TO-TAG -> STATUS-LINE | Allow: …"
(tests/sip/run.sh, section 10). Then FLOOD more MESSAGEs (default 0), and the count answered."""
import socket, sys

port, flood = int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('127.0.0.1', 0))
s.settimeout(3)
me = s.getsockname()[1]


def req(met, totag='', n=0):
    m = ('%s sip:x@127.0.0.1:%d SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bKst%s%d\r\n'
         'From: <sip:a@127.0.0.1>;tag=f1\r\nTo: <sip:x@127.0.0.1>%s\r\nCall-ID: stray%s%d@t\r\n'
         'CSeq: 1 %s\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n') % (
        met, port, me, met, n, totag, met, n, met)
    s.sendto(m.encode(), ('127.0.0.1', port))


def answer():
    try:
        r = s.recv(8000).decode(errors='replace').split('\r\n')
    except OSError:
        return 'no answer'
    allow = [h for h in r if h.lower().startswith('allow:')]
    return r[0] + (' | ' + allow[0] if allow else '')


for k, (met, tag) in enumerate((('MESSAGE', ''), ('PUBLISH', ''), ('FOO', ''), ('OPTIONS', ''),
                                ('MESSAGE', ';tag=t9'), ('INFO', ''), ('BYE', ''),
                                ('UPDATE', ''))):
    req(met, tag, 100000 + k)  # a branch of its own: not a retransmission
    print(met, tag or '-', '->', answer())
got = 0
for i in range(flood):
    req('MESSAGE', '', i + 1)
    got += answer().startswith('SIP/2.0 405')
print('flood', flood, 'answered 405:', got)
