#!/usr/bin/env python3
"""tests/sip/holdpeer.py PORT [HOLD_S] — a SIP caller that puts the program on hold and back (hold.sh).

Calls sip:hold@127.0.0.1:PORT over UDP from a port of its own, its audio on another, and
answers the program's BYE if one comes. After the call is up it sends re-INVITEs, each a hold
style a real phone or PBX uses, and after each (RFC 3264 6.1) checks the direction in the
program's answer and counts the RTP packets the program sends it over the next second (HOLD_S,
default 1, for the steps where the caller sends no RTP: longer than the program's --rtp-timeout,
these show the call is not ended meanwhile). The caller sends RTP while its SDP says it does:

  talk      a=sendrecv            answer sendrecv, RTP flows
  sendonly  a=sendonly            answer recvonly, no RTP (the program is on hold)
  zero      c=0.0.0.0, sendrecv   (RFC 2543's hold, RFC 3264 8.4) no RTP
  recvonly  a=recvonly            answer sendonly, RTP flows (the caller only listens)
  inactive  a=inactive            answer inactive, no RTP
  resume    a=sendrecv            answer sendrecv, RTP flows again, its first packet marked

then sends keys in INFOs (application/dtmf-relay, application/dtmf) and the first of them again
as RFC 4733 events, and INFOs the program answers 400 (no key), 415 (another type) and 200 (no
body), and hangs up (BYE). Prints a line per step "STEP dir=D rtp=N mark=M" and "ok", or "FAIL why", and
exits 0 when every step held (mark: the marker bit of the first packet counted).
"""
import random
import re
import socket
import struct
import sys
import time

import sipmsg

PORT = int(sys.argv[1])
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(('127.0.0.1', 0))
rtp, rtcp = sipmsg.rtp_pair()
LP, RP = sip.getsockname()[1], rtp.getsockname()[1]
CALLID = '%08x@holdpeer' % random.getrandbits(32)
TAG = '%08x' % random.getrandbits(32)
cseq = 0
remote_tag = None
target = 'sip:hold@127.0.0.1:%d' % PORT
version = 1


def fail(why):
    print('FAIL', why, flush=True)
    sys.exit(1)


def sdp(addr='127.0.0.1', direction='sendrecv'):
    global version
    version += 1
    return ('v=0\r\no=peer 1 %d IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n'
            'm=audio %d RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n'
            'a=rtpmap:101 telephone-event/8000\r\na=%s\r\n') % (version, addr, RP, direction)


def send(method, body='', cs=None, ctype='application/sdp'):
    global cseq
    if cs is None:
        cseq += 1
        cs = cseq
    to = '<sip:hold@127.0.0.1:%d>' % PORT + (';tag=' + remote_tag if remote_tag else '')
    sip.sendto(sipmsg.request(method, target, LP, TAG, to, CALLID, cs, body, ctype),
               ('127.0.0.1', PORT))
    return cs


def answer(first, h, code='200 OK'):
    """answers a request of the program (its BYE) with code"""
    lines = ['SIP/2.0 ' + code]
    for k in ('via', 'from', 'to', 'call-id', 'cseq'):
        for v in h.get(k, []):
            lines.append('%s: %s' % (k.title(), v))
    sip.sendto(('\r\n'.join(lines) + '\r\nContent-Length: 0\r\n\r\n').encode(), ('127.0.0.1', PORT))


def final(cs, method, within=5):
    """the final response to our request cs: (status, headers, body)"""
    def request(first, h):
        answer(first, h)
        if first.startswith('BYE'):
            fail('the program hung up during the test')
    r = sipmsg.final(sip, cs, method, within, request)
    return r or fail('no final response to %s (CSeq %d)' % (method, cs))


def rtp_count(seconds, talk, drain=True):
    """RTP packets received within seconds (after those already queued are dropped); when talk,
    a packet of silence is sent to the program every 20 ms meanwhile (so that --rtp-timeout
    sees a far end that sends when its SDP says it does)"""
    global tx_seq
    nxt = time.time()
    rtp.setblocking(False)
    try:
        while drain:
            rtp.recv(4096)
    except BlockingIOError:
        pass
    n, mark, end = 0, None, time.time() + seconds
    while time.time() < end:
        if talk and time.time() >= nxt:
            tx_seq += 1
            rtp.sendto(struct.pack('!BBHII', 0x80, 0, tx_seq & 0xffff, tx_seq * 160 & 0xffffffff,
                                   0x1234) + b'\xff' * 160,
                       ('127.0.0.1', media_port))
            nxt += 0.02
        rtp.settimeout(max(0.001, min(end, nxt if talk else end) - time.time()))
        try:
            d = rtp.recv(4096)
            if mark is None and len(d) > 1:
                mark = d[1] >> 7
            if len(d) >= 12:
                ssrcs.add(struct.unpack('!I', d[8:12])[0])
            n += 1
        except socket.timeout:
            pass
    return n, mark


def direction(body):
    m = re.search(r'(?m)^a=(sendrecv|sendonly|recvonly|inactive)\r?$', body)
    return m.group(1) if m else 'sendrecv'


cs = send('INVITE', sdp())
code, h, body = final(cs, 'INVITE', 15)
if code != 200:
    fail('INVITE answered %d' % code)
m = re.search(r';tag=([^;>\s]+)', h['to'][0])
remote_tag = m.group(1) if m else None
m = re.search(r'<([^>]+)>', h['contact'][0]) if 'contact' in h else None
target = m.group(1) if m else target
send('ACK', cs=cs)
m = re.search(r'(?m)^m=audio (\d+) ', body)
if not m:
    fail('no m=audio line in the answer')
media_port = int(m.group(1))
time.sleep(0.5)
steps = [('talk', None, None), ('sendonly', '127.0.0.1', 'sendonly'),
         ('zero', '0.0.0.0', 'sendrecv'), ('recvonly', '127.0.0.1', 'recvonly'),
         ('inactive', '127.0.0.1', 'inactive'), ('resume', '127.0.0.1', 'sendrecv')]
want_dir = {'talk': 'sendrecv', 'sendonly': 'recvonly', 'inactive': 'inactive',
            'recvonly': 'sendonly', 'resume': 'sendrecv'}
# what the peer sends meanwhile: nothing where its SDP says it does not (recvonly, inactive),
# nor on RFC 2543's hold (a phone that holds sends nothing)
talks = {'talk': True, 'sendonly': False, 'zero': False, 'inactive': False, 'recvonly': False,
         'resume': True}
HOLD = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
ssrcs = set()  # of the RTP the program sends
tx_seq = random.getrandbits(16)  # of ours: one stream, whatever the steps
res = []
for name, addr, d in steps:
    got = direction(body)
    if addr:
        cs = send('INVITE', sdp(addr, d))
        code, h, body = final(cs, 'INVITE')
        if code != 200:
            fail('%s: re-INVITE answered %d' % (name, code))
        send('ACK', cs=cs)
        got = direction(body)
    # after the resume, the first packet counted is the first sent after the hold
    time.sleep(0.2)
    n, mark = rtp_count(1.0 if talks[name] else HOLD, talks[name], name != 'resume')
    print('%s dir=%s rtp=%d mark=%s' % (name, got, n, mark), flush=True)
    res.append((name, got, n, mark))
# keys in INFOs (docs/sip.md "DTMF"), then the same key as RFC 4733 events at once (a phone
# that sends both: heard once), then INFOs the program refuses or takes as keep-alives
infos = [('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n', 200),
         ('rfc4733', '5', None),
         ('application/dtmf', '#', 200),
         ('application/dtmf-relay', 'Signal= 10\r\n', 200),
         ('application/dtmf-relay', 'Signal=Q\r\n', 400),
         ('application/x-foo', 'hello', 415),
         ('', '', 200),
         ('application/dtmf-relay', 'Signal=5\r\nDuration=100\r\n', 200)]
for ctype, body, want in infos:
    if ctype == 'rfc4733':
        ts = (tx_seq + 1) * 160 & 0xffffffff
        for k in range(3):
            tx_seq += 1
            rtp.sendto(struct.pack('!BBHIIBBH', 0x80, 101, tx_seq & 0xffff, ts, 0x1234, int(body),
                                   0x8a, 800), ('127.0.0.1', media_port))
        rtp_count(0.1, True, False)  # talking meanwhile: --rtp-timeout is 1 s
        continue
    cs = send('INFO', body, ctype=ctype or 'application/dtmf')
    code, h, _ = final(cs, 'INFO')
    print('INFO %s %r -> %d%s' % (ctype or '(empty)', body, code,
                                  ' Accept: ' + h['accept'][0] if 'accept' in h else ''),
          flush=True)
    if code != want:
        fail('INFO %s %r answered %d, want %d' % (ctype, body, code, want))
    rtp_count(0.1, True, False)
rtp_count(0.3, True, False)
# RTCP (RFC 3550): the program's reports reached our RTP port + 1 over the call, from its RTP's
# SSRC, with a CNAME; its own RTCP port takes ours (a closed one would answer ICMP: refused)
# a receiver report of ours on the program's stream: 3 packets lost, jitter 80 (10 ms at 8 kHz)
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.connect(('127.0.0.1', media_port + 1))
probe.send(struct.pack('!BBHIIIIIII', 0x81, 201, 7, 0x1234, min(ssrcs) if ssrcs else 0, 3, 0, 80,
                       0, 0))
rtp_count(0.3, True, False)
probe.setblocking(False)
try:
    probe.recv(100)
    rtcp_port = 'answered'
except BlockingIOError:
    rtcp_port = 'open'
except ConnectionRefusedError:
    rtcp_port = 'closed'
reports = sipmsg.rtcp_reports(rtcp)
cs = send('BYE')
final(cs, 'BYE')
print('rtcp reports=%d types=%s ssrc-match=%s cname=%s port=%s' % (
    len(reports), ','.join(sorted({str(t) for r in reports for t, _, _ in r})),
    all(r[0][1] in ssrcs for r in reports) if reports else None,
    any(c.endswith(b'@ccxmlc') for r in reports for _, _, c in r if c), rtcp_port), flush=True)
if not reports:
    fail('no RTCP report from the program in the whole call')
if rtcp_port != 'open':
    fail('the program\'s RTCP port (RTP + 1): %s' % rtcp_port)
for r in reports:
    if r[0][0] not in (200, 201) or r[0][1] not in ssrcs:
        fail('an RTCP packet that is no report of the program\'s SSRC: %r' % (r,))
for name, got, n, mark in res:
    if name in want_dir and got != want_dir[name]:
        fail('%s: the answer says a=%s, want a=%s (RFC 3264 6.1)' % (name, got, want_dir[name]))
    if name in ('talk', 'resume') and n < 25:
        fail('%s: %d RTP packets in a second, want about 50' % (name, n))
    if name == 'resume' and mark != 1:
        fail('resume: the first RTP packet after the hold has no marker bit (a new talk spurt)')
    if name == 'recvonly' and n < 25:
        fail('recvonly: %d RTP packets in a second, want about 50 (we listen, the program '
             'talks)' % n)
    if name not in ('talk', 'resume', 'recvonly') and n > 0:
        fail('%s: %d RTP packets in a second while on hold, want none' % (name, n))
print('ok', flush=True)
