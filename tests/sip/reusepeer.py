#!/usr/bin/env python3
"""tests/sip/reusepeer.py PORT LOCALPORT RING_S — a SIP peer on one TCP connection (conns.sh).

Calls the program (tests/sip/reuse.ccxml) over TCP from 127.0.0.1:LOCALPORT, hangs up, and then
answers the program's call back to it, which libre sends over the same connection (the peer's
address is the one it calls): 180 Ringing, RING_S seconds of silence on the connection, 200 OK,
then the program's BYE. With --sip-connection-idle shorter than RING_S the connection must
survive the silence (the call holds it). Prints "ok" and exits 0 when every step happened, else
the step that failed.
"""
import socket
import sys
import time

import sipmsg

PORT, LPORT, RING = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', LPORT))
s.connect(('127.0.0.1', PORT))
s.settimeout(20)
buf = b''


def fail(why):
    print('FAIL', why)
    sys.exit(1)


def read_msg():
    """one SIP message (head as text, headers dict of lists, body)"""
    global buf
    while True:
        m, buf = sipmsg.take(buf)
        if m:
            return m
        try:
            d = s.recv(65536)
        except socket.timeout:
            fail('timeout waiting for a message')
        if not d:
            fail('connection closed by the program')
        buf += d


def expect(start):
    while True:
        first, h, body = read_msg()
        if first.startswith(start):
            return first, h, body
        if first.startswith('SIP/2.0 1'):
            continue
        fail('expected %s, got %s' % (start, first))


SDP = ('v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
       'm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n')
me = 'sip:peer@127.0.0.1:%d;transport=tcp' % LPORT
via = 'SIP/2.0/TCP 127.0.0.1:%d;branch=z9hG4bK' % LPORT


def send(text, body=''):
    s.sendall((text + 'Content-Length: %d\r\n\r\n' % len(body) + body).encode())


# our call in
req = 'sip:reuse@127.0.0.1:%d' % PORT
common = ('From: <sip:peer@127.0.0.1:%d>;tag=p1\r\nTo: <%s>\r\nCall-ID: reuse-in\r\n'
          'Contact: <%s>\r\nMax-Forwards: 70\r\n' % (LPORT, req, me))
send('INVITE %s SIP/2.0\r\nVia: %s1\r\n%sCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n'
     % (req, via, common), SDP)
first, h, _ = expect('SIP/2.0 200')
to = h['to'][0]
common = common.replace('To: <%s>' % req, 'To: ' + to)
send('ACK %s SIP/2.0\r\nVia: %s2\r\n%sCSeq: 1 ACK\r\n' % (req, via, common))
time.sleep(0.3)
send('BYE %s SIP/2.0\r\nVia: %s3\r\n%sCSeq: 2 BYE\r\n' % (req, via, common))
expect('SIP/2.0 200')
# the program's call back, on this connection
first, h, body = expect('INVITE ')
echo = ''.join('%s: %s\r\n' % (k, v) for k in ('via', 'from', 'call-id', 'cseq') for v in h[k])
to = h['to'][0] + ';tag=p2'
send('SIP/2.0 180 Ringing\r\n%sTo: %s\r\nContact: <%s>\r\n' % (echo, to, me))
time.sleep(RING)  # nothing on the connection meanwhile
send('SIP/2.0 200 OK\r\n%sTo: %s\r\nContact: <%s>\r\nContent-Type: application/sdp\r\n'
     % (echo, to, me), SDP)
expect('ACK ')
first, h, _ = expect('BYE ')
echo = ''.join('%s: %s\r\n' % (k, v) for k in ('via', 'from', 'to', 'call-id', 'cseq') for v in h[k])
send('SIP/2.0 200 OK\r\n' + echo)
print('ok')
