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
SO_TIMESTAMP = getattr(socket, 'SO_TIMESTAMP', 29)  # Linux's (Python names it on few builds)
for s_ in (rtp, rtcp):
    s_.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMP, 1)
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


def recv_stamped(sock):
    """a datagram and the kernel's time of its arrival (SO_TIMESTAMP: however late we read it)"""
    d, anc, _, _ = sock.recvmsg(4096, socket.CMSG_SPACE(16))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMP:
            sec, usec = struct.unpack('ll', data[:16])
            return d, sec + usec / 1e6
    return d, time.time()


def rtcp_drain():
    """the program's RTCP that came since the last look, each (arrival, datagram) into
    rtcp_log"""
    rtcp.setblocking(False)
    try:
        while True:
            d, t = recv_stamped(rtcp)
            rtcp_log.append((t, d))
    except BlockingIOError:
        pass


def rtp_count(seconds, talk, drain=True, gap=0):
    """RTP packets received within seconds (after those already queued are dropped); when talk,
    a packet of silence is sent to the program every 20 ms meanwhile (so that --rtp-timeout
    sees a far end that sends when its SDP says it does), gap sequence numbers skipped after
    the tenth (packets lost on the way, as the program's reports and call record must say)"""
    global tx_seq
    nxt, sent = time.time(), 0
    rtp.setblocking(False)
    try:
        while drain:
            rtp.recv(4096)
    except BlockingIOError:
        pass
    n, mark, end = 0, None, time.time() + seconds
    while time.time() < end:
        rtcp_drain()
        if talk and time.time() >= nxt:
            tx_seq += 1 + (gap if sent == 10 else 0)
            sent += 1
            rtp.sendto(struct.pack('!BBHII', 0x80, 0, tx_seq & 0xffff, tx_seq * 160 & 0xffffffff,
                                   0x1234) + b'\xff' * 160,
                       ('127.0.0.1', media_port))
            nxt += 0.02
        rtp.settimeout(max(0.001, min(end, nxt if talk else end) - time.time()))
        try:
            d, t = recv_stamped(rtp)
            if mark is None and len(d) > 1:
                mark = d[1] >> 7
            if len(d) >= 12:
                ssrcs.add(struct.unpack('!I', d[8:12])[0])
                rtp_log.append((t, struct.unpack('!I', d[4:8])[0]))
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
rtcp_log, rtp_log = [], []  # (arrival, datagram) of its RTCP, (arrival, timestamp) of its RTP
GAP = 5  # sequence numbers our stream skips in its first second (lost packets)
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
    n, mark = rtp_count(1.0 if talks[name] else HOLD, talks[name], name != 'resume',
                        GAP if name == 'talk' else 0)
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
# SSRC, with a CNAME; its own RTCP port takes ours (a closed one would answer ICMP: refused).
# A receiver report of ours on the program's stream: 3 packets lost, jitter 80 (10 ms at
# 8 kHz), echoing its last SR (LSR, and DLSR the time since it came, at least 1 s: a round
# trip that left DLSR out would be over 1 s)
def last_sr():
    srs = [(t, d) for t, d in rtcp_log if len(d) >= 28 and d[1] == 200]
    return srs[-1] if srs else None


sr = last_sr()
while sr and time.time() - sr[0] < 1.0:
    rtp_count(0.1, True, False)
    sr = last_sr()
lsr = struct.unpack('!I', sr[1][10:14])[0] if sr else 0
dlsr = int((time.time() - sr[0]) * 65536) if sr else 0
probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
probe.connect(('127.0.0.1', media_port + 1))
probe.send(struct.pack('!BBHIIIIIII', 0x81, 201, 7, 0x1234, min(ssrcs) if ssrcs else 0, 3, 0, 80,
                       lsr, dlsr))
rtp_count(0.3, True, False)
probe.setblocking(False)
try:
    probe.recv(100)
    rtcp_port = 'answered'
except BlockingIOError:
    rtcp_port = 'open'
except ConnectionRefusedError:
    rtcp_port = 'closed'
rtcp_drain()
reports = [r for r in (sipmsg.rtcp_parse(d) for _, d in rtcp_log) if r]
# what the reports say: an SR counts 160 bytes of G.711 a packet; the last block on our stream
# (SSRC 0x1234) says the GAP packets lost
srs = [d for _, d in rtcp_log if len(d) >= 28 and d[1] == 200]
# an SR's RTP time against the program's last RTP packet before it, when one came within 0.1 s
# before: how far (ms) from that packet's timestamp plus the time between
sr_ts_err = []
for t, d in rtcp_log:
    before = [r for r in rtp_log if 0 <= t - r[0] < 0.1]
    if len(d) >= 28 and d[1] == 200 and before:
        want = before[-1][1] + int((t - before[-1][0]) * 8000)
        sr_ts_err.append(abs((struct.unpack('!I', d[16:20])[0] - want + 2**31) % 2**32 - 2**31) / 8)
blocks = [d[8 + 20 * (d[1] == 200):][:24] for _, d in rtcp_log if d[0] & 0x1f and len(d) >= 52]
blocks = [struct.unpack('!IIIIII', b) for b in blocks if len(b) == 24]
counts = [struct.unpack('!II', d[20:28]) for d in srs]
last = [b for b in blocks if b[0] == 0x1234][-1:] or [None]
lost = None if last[0] is None else (last[0][1] & 0xffffff) - ((last[0][1] & 0x800000) << 1)
print('rtcp sr=%d counts=%s lost=%s ext=%s sr-ts-err=%s' % (
    len(srs), counts[-1:], lost, last[0] and last[0][2] & 0xffff,
    ['%.0f' % e for e in sr_ts_err]), flush=True)
if not srs or not all(p > 0 and o == 160 * p for p, o in counts):
    fail('the program\'s SRs: (packets, octets) %s, want octets 160 a packet' % counts)
if lost != GAP:
    fail('the program\'s last report block on our stream says %s packets lost, want %d' % (lost, GAP))
if (tx_seq - last[0][2]) & 0xffff > 1000:
    fail('its highest sequence number %d is not ours (%d)' % (last[0][2] & 0xffff, tx_seq & 0xffff))
if any(e > 60 for e in sr_ts_err):
    fail('an SR\'s RTP time is %s ms off the RTP it sends (RFC 3550 6.4.1)' % sr_ts_err)
cs = send('BYE')
final(cs, 'BYE')
time.sleep(0.3)
bye = sipmsg.rtcp_reports(rtcp)
print('rtcp reports=%d types=%s ssrc-match=%s cname=%s port=%s bye=%s' % (
    len(reports), ','.join(sorted({str(t) for r in reports for t, _, _ in r})),
    all(r[0][1] in ssrcs for r in reports) if reports else None,
    any(c.endswith(b'@ccxmlc') for r in reports for _, _, c in r if c), rtcp_port,
    any(t == 203 and x in ssrcs for r in bye for t, x, _ in r)), flush=True)
if not reports:
    fail('no RTCP report from the program in the whole call')
if rtcp_port != 'open':
    fail('the program\'s RTCP port (RTP + 1): %s' % rtcp_port)
for r in reports:
    if r[0][0] not in (200, 201) or r[0][1] not in ssrcs:
        fail('an RTCP packet that is no report of the program\'s SSRC: %r' % (r,))
if not any(t == 203 and x in ssrcs for r in bye for t, x, _ in r):
    fail('no RTCP BYE from the program when the call ended (RFC 3550 6.6)')
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
