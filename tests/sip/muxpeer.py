#!/usr/bin/env python3
"""tests/sip/muxpeer.py PORT MODE — a caller that offers rtcp-mux (RFC 5761) to the program
(hold.sh, 5i).

Calls sip:mux@127.0.0.1:PORT with a=rtcp-mux in its SDP, sends RTP (20 ms packets) for 7.5 s
and, 2 s in, a receiver report on the program's stream (3 lost, jitter 80) to the program's
RTP port; counts what the program sends to its RTP port (RTP, and RTCP: types 200-204) and to
the port after it; hangs up (BYE) and waits for the program's RTCP BYE. MODE mux: the answer
says a=rtcp-mux, the program's reports and its BYE come to the RTP port and none to the next;
MODE off (the program has --rtcp off): the answer does not say a=rtcp-mux and no RTCP comes.
Prints "answer-mux=A rtp=N rtcp=M next-port=K bye=B", then "ok" or "FAIL why"; exits 0 when
MODE's expectations hold."""
import random
import re
import socket
import struct
import sys
import time

import sipmsg

PORT, MODE = int(sys.argv[1]), sys.argv[2]
SECONDS = 7.5  # past the program's first report (1-3 s after the answer) and a second one
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(('127.0.0.1', 0))
rtp, nxt = sipmsg.rtp_pair()
RP = rtp.getsockname()[1]
SDP = ('v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n'
       'm=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=rtcp-mux\r\na=sendrecv\r\n') % RP
call = sipmsg.Caller(sip, PORT, 'mux', 'muxpeer')
send, final, fail = call.send, call.final, sipmsg.fail

target = 'sip:mux@127.0.0.1:%d' % PORT
send('INVITE', 1, target, body=SDP)
code, h, body = final(1, 'INVITE')
if code != 200:
    fail('INVITE answered %d' % code)
answer_mux = bool(re.search(r'(?m)^a=rtcp-mux\r?$', body))
media = ('127.0.0.1', int(re.search(r'(?m)^m=audio (\d+) ', body).group(1)))
to_tag = re.search(r';tag=([^;>\s]+)', h['to'][0]).group(1)
m = re.search(r'<([^>]+)>', h['contact'][0])
target = m.group(1) if m else target
send('ACK', 1, target, to_tag)
counts = {'rtp': 0, 'rtcp': 0, 'next': 0}
ssrc, seq, t0, rr_sent = None, random.getrandbits(16), time.time(), False
end = t0 + SECONDS
nxt.setblocking(False)
while time.time() < end:
    seq += 1
    rtp.sendto(struct.pack('!BBHII', 0x80, 0, seq & 0xffff, seq * 160 & 0xffffffff, 0x6d7578) +
               b'\xff' * 160, media)
    if not rr_sent and time.time() - t0 > 2 and ssrc is not None:
        rtp.sendto(struct.pack('!BBHIIIIIII', 0x81, 201, 7, 0x6d7578, ssrc, 3, 0, 80, 0, 0), media)
        rr_sent = True
    stop = time.time() + 0.02
    while time.time() < stop:
        rtp.settimeout(max(0.001, stop - time.time()))
        try:
            d = rtp.recv(4096)
        except socket.timeout:
            continue
        if len(d) >= 2 and 200 <= d[1] <= 204:
            counts['rtcp'] += 1
        elif len(d) >= 12:
            counts['rtp'] += 1
            ssrc = struct.unpack('!I', d[8:12])[0]
    try:
        while True:
            nxt.recv(4096)
            counts['next'] += 1
    except BlockingIOError:
        pass
send('BYE', 2, target, to_tag)
final(2, 'BYE')
bye = False
rtp.settimeout(0.5)
try:
    while not bye:
        d = rtp.recv(4096)
        bye = any(t == 203 for t, _, _ in sipmsg.rtcp_parse(d)) if len(d) >= 2 and 200 <= d[1] <= 204 else False
except socket.timeout:
    pass
print('answer-mux=%s rtp=%d rtcp=%d next-port=%d bye=%s' % (
    answer_mux, counts['rtp'], counts['rtcp'], counts['next'], bye), flush=True)
if counts['rtp'] < 200:
    fail('%d RTP packets from the program in %.1f s' % (counts['rtp'], SECONDS))
if MODE == 'mux' and not (answer_mux and counts['rtcp'] >= 1 and not counts['next'] and bye):
    fail('rtcp-mux offered: want a=rtcp-mux in the answer, reports and a BYE on the RTP port, '
         'none on the next')
if MODE == 'off' and (answer_mux or counts['rtcp'] or counts['next'] or bye):
    fail('--rtcp off: want no a=rtcp-mux in the answer and no RTCP')
print('ok', flush=True)
