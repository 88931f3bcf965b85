#!/usr/bin/env python3
"""tests/sip: an RTP sink for the join tests.

    rtpsink.py PORT OUT.json LIFETIME_S

Counts the G.711 packets received on 127.0.0.1:PORT until SIGTERM or LIFETIME_S, and how many
carry sound (a sample louder than 1000 after decoding by payload type: 0 PCMU, 8 PCMA), the
payload types seen and the SSRCs. Writes the counts as JSON.
"""
import json, select, signal, socket, sys, time

from g711 import DEC

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
