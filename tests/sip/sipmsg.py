"""tests/sip/sipmsg.py — SIP messages out of a stream's bytes, and a UDP caller's requests, for
the test peers written in Python (reusepeer.py, tlsroute.py, holdpeer.py, natpeer.py,
muxpeer.py)."""
import random
import re
import socket
import sys
import time


def take(buf):
    """The whole SIP message at the start of buf, if there is one: ((first line, headers as a
    dict of lists by lower-case name, body), the bytes after it), else (None, buf)."""
    while buf.startswith(b'\r\n'):
        buf = buf[2:]
    if b'\r\n\r\n' not in buf:
        return None, buf
    head, rest = buf.split(b'\r\n\r\n', 1)
    m = re.search(rb'(?im)^(?:content-length|l)\s*:\s*(\d+)', head)
    n = int(m.group(1)) if m else 0
    if len(rest) < n:
        return None, buf
    lines = head.decode('utf-8', 'replace').split('\r\n')
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(':')
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return (lines[0], hdrs, rest[:n]), rest[n:]


def request(method, target, lport, tag, to, callid, cseq, body='', ctype='application/sdp'):
    """a request of a UDP caller on 127.0.0.1:lport (holdpeer.py, natpeer.py), as bytes: From
    sip:peer@ with tag, To `to` (with the far end's tag once known), a body of ctype if given"""
    msg = ('%s %s SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;rport;branch=z9hG4bK%08x\r\n'
           'From: <sip:peer@127.0.0.1:%d>;tag=%s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %d %s\r\n'
           'Contact: <sip:peer@127.0.0.1:%d>\r\nMax-Forwards: 70\r\n'
           % (method, target, lport, random.getrandbits(32), lport, tag, to, callid, cseq,
              method, lport))
    if body:
        msg += 'Content-Type: %s\r\n' % ctype
    return (msg + 'Content-Length: %d\r\n\r\n%s' % (len(body), body)).encode()


def fail(why):
    """a peer's verdict: "FAIL why" and status 1"""
    print('FAIL', why, flush=True)
    sys.exit(1)


class Caller:
    """A UDP caller on sock to user@127.0.0.1:port (natpeer.py, muxpeer.py): its requests with
    one Call-ID and tag, the final responses to them (a missing one fails the peer)."""

    def __init__(self, sock, port, user, name):
        self.sock, self.port, self.user = sock, port, user
        self.lport = sock.getsockname()[1]
        self.callid = '%08x@%s' % (random.getrandbits(32), name)
        self.tag = '%08x' % random.getrandbits(32)

    def send(self, method, cs, target, to_tag=None, body=''):
        to = '<sip:%s@127.0.0.1:%d>' % (self.user, self.port) + (';tag=' + to_tag if to_tag else '')
        self.sock.sendto(request(method, target, self.lport, self.tag, to, self.callid, cs, body),
                         ('127.0.0.1', self.port))

    def final(self, cs, method):
        return final(self.sock, cs, method, 15) or fail('no final response to %s' % method)


def final(sock, cseq, method, within, on_request=None):
    """the final response to our request (cseq, method) read from the UDP socket sock within
    `within` seconds: (status, headers, body as text), or None; a request of the far end
    meanwhile goes to on_request(first line, headers) if given"""
    end = time.time() + within
    while time.time() < end:
        sock.settimeout(max(0.01, end - time.time()))
        try:
            d, _ = sock.recvfrom(65536)
        except socket.timeout:
            break
        m, _ = take(d)
        if not m:
            continue
        first, h, body = m
        if not first.startswith('SIP/2.0'):
            if on_request:
                on_request(first, h)
            continue
        n = int(first.split()[1])
        if h.get('cseq', [''])[0] == '%d %s' % (cseq, method) and n >= 200:
            return n, h, body.decode('utf-8', 'replace')
    return None


def rtp_pair():
    """two UDP sockets on 127.0.0.1: RTP on an even port, RTCP on the next (RFC 3550 11)"""
    while True:
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.bind(('127.0.0.1', 0))
        port = a.getsockname()[1]
        if port % 2 == 0 and port < 65535:
            b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                b.bind(('127.0.0.1', port + 1))
                return a, b
            except OSError:
                b.close()
        a.close()


def rtcp_parse(d):
    """the packets of one RTCP compound packet d, each (packet type, SSRC, CNAME or None)
    (RFC 3550 6.4-6.5)"""
    pkts, i = [], 0
    while i + 8 <= len(d) and d[i] >> 6 == 2:
        pt, words = d[i + 1], int.from_bytes(d[i + 2:i + 4], 'big')
        ssrc, cname = int.from_bytes(d[i + 4:i + 8], 'big'), None
        if pt == 202 and i + 10 <= len(d) and d[i + 8] == 1:
            cname = d[i + 10:i + 10 + d[i + 9]]
        pkts.append((pt, ssrc, cname))
        i += 4 * (words + 1)
    return pkts


def rtcp_reports(sock):
    """the RTCP compound packets queued on sock, each as rtcp_parse gives it"""
    out = []
    sock.setblocking(False)
    while True:
        try:
            pkts = rtcp_parse(sock.recv(4096))
        except BlockingIOError:
            return out
        if pkts:
            out.append(pkts)
