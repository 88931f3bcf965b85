#!/usr/bin/env python3
"""tests/sip: an RTP sink for the join tests.

    rtpsink.py PORT OUT.json LIFETIME_S

Counts the G.711 packets received on 127.0.0.1:PORT until SIGTERM or LIFETIME_S, and how many
carry sound (a sample louder than 1000 after decoding by payload type: 0 PCMU, 8 PCMA), the
payload types seen and the SSRCs. Writes the counts as JSON.
"""
import json, select, signal, socket, sys, time

def ulaw(b):
    b = ~b & 0xff
    t = (((b & 0x0f) << 3) + 0x84) << ((b & 0x70) >> 4)
    return (0x84 - t) if b & 0x80 else (t - 0x84)

def alaw(b):
    b ^= 0x55
    t = (b & 0x0f) << 4
    seg = (b & 0x70) >> 4
    t = t + 8 if seg == 0 else ((t + 0x108) << (seg - 1))
    return t if b & 0x80 else -t

DEC = {0: [ulaw(i) for i in range(256)], 8: [alaw(i) for i in range(256)]}

def main():
    port, out, life = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', port))
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    n = loud = 0
    pts, ssrcs = set(), set()
    end = time.monotonic() + life
    while not stop and time.monotonic() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        b = s.recv(2048)
        if len(b) < 12 or b[0] >> 6 != 2:
            continue
        pt = b[1] & 0x7f
        if pt not in DEC:
            continue
        n += 1
        pts.add(pt)
        ssrcs.add(int.from_bytes(b[8:12], 'big'))
        d = DEC[pt]
        if max(abs(d[x]) for x in b[12:]) > 1000:
            loud += 1
    with open(out, 'w') as f:
        json.dump({'packets': n, 'loud': loud, 'pts': sorted(pts), 'ssrcs': len(ssrcs)}, f)

main()
