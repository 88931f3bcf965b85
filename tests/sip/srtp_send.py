#!/usr/bin/env python3
"""An SRTP far end for tests/sip/srtp.sh (RFC 3711 AES_CM_128_HMAC_SHA1_80 from the RFC, with
the cryptography package's AES), and forged packets around it.

    srtp_send.py TRACE KEY1 KEY2
    srtp_send.py TRACE KEY1 retag
    srtp_send.py TRACE KEY1 evict
    srtp_send.py TRACE - rtcp

TRACE is the program's --sip-trace; KEY1 and KEY2 are the far end's inline: keys of
tests/sip/uac_srtp_media.xml (its INVITE and its re-INVITE's ACK). Once the trace shows our 200
with an m=audio port: 20 packets forged under 10 SSRCs (random bytes where the payload and
tag go: no key), then SSRC A's audio across a sequence rollover and RFC 4733 digit 1, 20 more
forged packets, then SSRC B's audio and digit 2, all under KEY1. Once the trace shows the ACK
with an SDP answer: SSRC C's audio and digit 3 under KEY2, and one packet of B under KEY1 (the
old key: dropped). At the start and after A, SRTCP sender reports: one with a random tag to
the RTP port and one to the RTCP port after it, one under KEY1 to the RTCP port and that one
again (a replay). Prints "genuine N forged M srtcp K" (M counts the old-key packet, the
random tag to the RTCP port and the replay; K the SRTCP under KEY1). With SRTCP_IN=PORT:FILE
in the environment the program's SRTCP to PORT (sipp's a=rtcp) is written to FILE (hex, one
a line) once the trace shows the call's BYE, for

    srtp_send.py open-srtcp FILE KEY

which opens them with the program's key (RFC 3711 3.4) and prints "srtcp-in N ok K types T
bye B ix-rising R".
With `retag` (tests/sip/uac_srtp_retag.xml): SSRC A's audio and digit 1 under KEY1; once the
trace shows the ACK of the re-INVITE that offers KEY1 again under another tag, one of A's
packets again (a replay: counted in M) and digit 2 under KEY1.
With `evict` (tests/sip/uac_srtp_call.xml): 5 packets under each of 9 SSRCs, the ninth putting
the first out of the receiver's 8; then the first's first packet again (a replay: counted in M),
and its next packets with digit 1.
With `rtcp` (a plain call, no key): RTP audio with an RTCP compound packet (a sender report, or
a receiver report, with SDES) to the RTP port after every fifth (rtcp-mux, RFC 5761), then digit
1; K counts the RTCP packets."""
import base64, hashlib, hmac, os, re, socket, struct, sys, time
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def aes_ctr(key, iv, data):
    e = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return e.update(data) + e.finalize()


class Srtp:
    def __init__(self, b64):
        m = base64.b64decode(b64)
        self.mk, self.ms = m[:16], m[16:30]
        self.ke, self.ka, self.ks = self.kdf(0, 16), self.kdf(1, 20), self.kdf(2, 14)
        self.cke, self.cka, self.cks = self.kdf(3, 16), self.kdf(4, 20), self.kdf(5, 14)
        self.roc = {}

    def kdf(self, label, n):
        # RFC 3711 4.3.1, key derivation rate 0: the label at byte 7 of the master salt
        iv = bytearray(self.ms + b'\0\0')
        iv[7] ^= label
        return aes_ctr(self.mk, bytes(iv), bytes(n))

    def packet(self, ssrc, seq, ts, pt, payload, marker=0):
        roc = self.roc.setdefault(ssrc, [0, seq])
        if seq < roc[1] and roc[1] - seq > 32768:
            roc[0] += 1
        roc[1] = seq
        ix = (roc[0] << 16) | seq
        hdr = struct.pack('!BBHII', 0x80, (marker << 7) | pt, seq, ts, ssrc)
        iv = bytearray(self.ks + b'\0\0')
        for i in range(4):
            iv[4 + i] ^= (ssrc >> (24 - 8 * i)) & 255
        for i in range(6):
            iv[8 + i] ^= (ix >> (40 - 8 * i)) & 255
        body = hdr + aes_ctr(self.ke, bytes(iv), payload)
        return body + hmac.new(self.ka, body + struct.pack('!I', roc[0]), hashlib.sha1).digest()[:10]


    def rtcp_iv(self, ssrc, ix):
        iv = bytearray(self.cks + b'\0\0')
        for i in range(4):
            iv[4 + i] ^= (ssrc >> (24 - 8 * i)) & 255
            iv[10 + i] ^= (ix >> (24 - 8 * i)) & 255
        return bytes(iv)

    def rtcp(self, compound, ix):
        """compound as SRTCP (RFC 3711 3.4): all but its first 8 bytes encrypted, E flag and
        index ix, the tag over all of it"""
        ssrc = struct.unpack('!I', compound[4:8])[0]
        body = (compound[:8] + aes_ctr(self.cke, self.rtcp_iv(ssrc, ix), compound[8:]) +
                struct.pack('!I', 0x80000000 | ix))
        return body + hmac.new(self.cka, body, hashlib.sha1).digest()[:10]

    def rtcp_open(self, d):
        """the compound of SRTCP packet d and its index, or None when its tag is wrong"""
        body, tag = d[:-10], d[-10:]
        if len(d) < 22 or hmac.new(self.cka, body, hashlib.sha1).digest()[:10] != tag:
            return None
        word = struct.unpack('!I', body[-4:])[0]
        ix, ssrc = word & 0x7fffffff, struct.unpack('!I', body[4:8])[0]
        plain = body[8:-4] if not word >> 31 else aes_ctr(self.cke, self.rtcp_iv(ssrc, ix),
                                                            body[8:-4])
        return body[:8] + plain, ix


class Plain:
    """Srtp's packets as plain RTP."""

    def packet(self, ssrc, seq, ts, pt, payload, marker=0):
        return struct.pack('!BBHII', 0x80, (marker << 7) | pt, seq, ts, ssrc) + payload


def trace_blocks(path):
    try:
        text = open(path, errors='replace').read()
    except OSError:
        return []
    return re.split(r'^----- ', text, flags=re.M)[1:]


def wait_for(path, pred, secs=20):
    end = time.time() + secs
    while time.time() < end:
        for b in trace_blocks(path):
            r = pred(b)
            if r:
                return r
        time.sleep(0.01)
    sys.exit('srtp_send: timed out waiting in ' + path)


def main():
    trace, k1, k2 = sys.argv[1:4]
    port = int(wait_for(trace, lambda b: b.split('\n', 1)[0].find(' sent ') > 0 and
                        'SIP/2.0 200' in b and re.search(r'^m=audio (\d+)', b, re.M) and
                        re.search(r'^m=audio (\d+)', b, re.M).group(1)))
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    n = {'genuine': 0, 'forged': 0, 'rtcp': 0}
    # between packets: 4 ms, 1 ms for the 1030 of 'full' (srtpin ends the call after 4 s)
    gap = 0.001 if k2 == 'full' else 0.004

    def send(p, kind):
        s.sendto(p, ('127.0.0.1', port))
        n[kind] += 1
        time.sleep(gap)

    def forge(base):
        for i in range(20):
            hdr = struct.pack('!BBHII', 0x80, 0, 1000 + i, 160 * i, base + i % 10)
            send(hdr + os.urandom(160 + 10), 'forged')

    def talk(ctx, ssrc, seq, ts, digit, count):
        sent = []
        for i in range(count):
            sent.append(ctx.packet(ssrc, (seq + i) & 0xffff, ts + 160 * i, 0, b'\xff' * 160))
            send(sent[-1], 'genuine')
        ts += 160 * count
        ev = bytes([digit, 10, 0, 160])
        send(ctx.packet(ssrc, (seq + count) & 0xffff, ts, 101, ev, marker=1), 'genuine')
        end = bytes([digit, 0x80 | 10, 3, 32])
        for i in range(3):
            send(ctx.packet(ssrc, (seq + count + 1 + i) & 0xffff, ts, 101, end), 'genuine')
        return sent

    def srtcp():
        # a sender report as SRTCP (RFC 3711 3.4: E flag and index, then the tag) with a
        # random tag to the RTP port (neither forged RTP nor received RTP) and to the RTCP port
        # after it (dropped as forged); a genuine one under KEY1 to the RTCP port (received:
        # the call record's rtcp_received), then the same again (a replay: forged)
        sr = struct.pack('!BBHI', 0x80, 200, 6, 0xa) + os.urandom(20)
        s.sendto(sr + struct.pack('!I', 0x80000001) + os.urandom(10), ('127.0.0.1', port))
        send_to(sr + struct.pack('!I', 0x80000001) + os.urandom(10), port + 1, 'forged')
        p = Srtp(k1).rtcp(sr, n['rtcp'] + 1)
        send_to(p, port + 1, 'rtcp')
        send_to(p, port + 1, 'forged')

    def send_to(p, dst, kind):
        s.sendto(p, ('127.0.0.1', dst))
        n[kind] += 1
        time.sleep(gap)

    # the program's SRTCP to us (SRTCP_IN=PORT:FILE, the port sipp's SDP names in a=rtcp):
    # kept as hex lines in FILE when the call is done, for `open-srtcp` below
    srtcp_in = None
    if os.environ.get('SRTCP_IN'):
        srtcp_in = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        srtcp_in.bind(('127.0.0.1', int(os.environ['SRTCP_IN'].split(':')[0])))

    def keep_srtcp():
        if not srtcp_in:
            return
        # until the call's BYE is in the trace (srtpin ends the call 4 s after its answer),
        # then what came with it
        wait_for(trace, lambda b: b.split('\n', 1)[0].find(' sent ') > 0 and
                 b.split('\n')[1].startswith('BYE '))
        time.sleep(0.5)
        srtcp_in.setblocking(False)
        out = []
        try:
            while True:
                out.append(srtcp_in.recv(4096).hex())
        except BlockingIOError:
            pass
        open(os.environ['SRTCP_IN'].split(':', 1)[1], 'w').write('\n'.join(out) + '\n')

    def done():
        print('genuine %d forged %d srtcp %d' % (n['genuine'], n['forged'], n['rtcp']), flush=True)

    if k2 == 'evict':
        c1, first = Srtp(k1), None
        for k in range(9):
            for i in range(5):
                p = c1.packet(0x101 + k, 100 * k + i, 160 * i, 0, b'\xff' * 160)
                send(p, 'genuine')
                first = first or p
        send(first, 'forged')
        talk(c1, 0x101, 5, 800, 1, 5)
        done()
        return
    if k2 == 'full':
        # one packet under each of 1025 SSRCs: the key's 1024 are followed, the 1025th is
        # refused, twice (the warning once); digit 1 under the 1024th, still followed
        c1 = Srtp(k1)
        for k in range(1025):
            send(c1.packet(0x1000 + k, k, 160 * k, 0, b'\xff' * 160),
                 'forged' if k == 1024 else 'genuine')
        send(c1.packet(0x1000 + 1024, 1025, 160, 0, b'\xff' * 160), 'forged')
        talk(c1, 0x1000 + 1023, 1024, 160 * 1023, 1, 5)
        done()
        return
    if k2 == 'rtcp':
        rtp = Plain()
        for i in range(20):
            send(rtp.packet(0xd, 1000 + i, 160 * i, 0, b'\xff' * 160), 'genuine')
            if i % 5 == 4:
                # SR (RTP's view: marker, payload type 72, "sequence number" 6) or RR with a
                # report block (payload type 73, one CSRC), then SDES with a CNAME
                rep = (struct.pack('!BBHI', 0x80, 200, 6, 0xd) + os.urandom(20) if i % 10 == 4
                       else struct.pack('!BBHII', 0x81, 201, 7, 0xd, 0xe) + os.urandom(20))
                cname = b'\x01\x07far@end\x00\x00\x00'
                s.sendto(rep + struct.pack('!BBHI', 0x81, 202, 4, 0xd) + cname, ('127.0.0.1', port))
                n['rtcp'] += 1
                time.sleep(0.004)
        talk(rtp, 0xd, 1020, 3200, 1, 5)
        done()
        return
    if k2 == 'retag':
        c1 = Srtp(k1)
        sent = talk(c1, 0xa, 100, 1000, 1, 10)
        wait_for(trace, lambda b: b.split('\n', 1)[0].find(' received ') > 0 and
                 b.split('\n')[1].startswith('ACK ') and 'CSeq: 2 ACK' in b)
        time.sleep(0.2)
        send(sent[3], 'forged')
        talk(c1, 0xa, 114, 4000, 2, 10)
        done()
        return
    c1, c2 = Srtp(k1), Srtp(k2)
    srtcp()
    forge(0x10000)
    talk(c1, 0xa, 65530, 1000, 1, 12)
    srtcp()
    forge(0x20000)
    talk(c1, 0xb, 500, 9000, 2, 10)
    wait_for(trace, lambda b: b.split('\n', 1)[0].find(' received ') > 0 and
             b.split('\n')[1].startswith('ACK ') and 'm=audio' in b)
    time.sleep(0.2)
    talk(c2, 0xc, 7000, 50000, 3, 10)
    send(c1.packet(0xb, 520, 20000, 0, b'\xff' * 160), 'forged')
    done()
    keep_srtcp()


def open_srtcp(path, key):
    """`srtp_send.py open-srtcp FILE KEY`: the program's SRTCP kept in FILE, opened with its
    key KEY (its a=crypto inline:): prints "srtcp-in N ok K types T bye B" (K authenticated
    and decrypted, T the packet types of their compounds, B whether the last one has a BYE)"""
    ctx = Srtp(key)
    pkts = [bytes.fromhex(h) for h in open(path).read().split()]
    opened = [ctx.rtcp_open(d) for d in pkts]
    types, ixs, last = set(), [], set()
    for o in opened:
        if o:
            ixs.append(o[1])
            i, d, last = 0, o[0], set()
            while i + 4 <= len(d):
                last.add(d[i + 1])
                i += 4 * (int.from_bytes(d[i + 2:i + 4], 'big') + 1)
            types |= last
    print('srtcp-in %d ok %d types %s bye %s ix-rising %s' % (
        len(pkts), sum(1 for o in opened if o), ','.join(str(t) for t in sorted(types)),
        203 in last, ixs == sorted(set(ixs))))


if sys.argv[1] == 'open-srtcp':
    open_srtcp(sys.argv[2], sys.argv[3])
else:
    main()
