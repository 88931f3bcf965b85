#!/usr/bin/env python3
"""tests/sip: a talking and listening RTP peer for the <merge> and <join> option tests
(tests/sip/media.sh).

    rtppeer.py PORT HZ OUT.json LIFETIME_S [AMPLITUDE]

HZ 0 is silence; HZ 'dtmf' is the in-band DTMF '#' (941 + 1477 Hz), 150 ms every 500 ms; HZ 'te'
is the same '#' as RFC 4733 events (payload type 101, the end packet three times), silence
between them. AMPLITUDE: the sine's peak (8000 unless given).
OUT.json.ready is created once the port is bound (the test waits for it before calling).
Listens on 127.0.0.1:PORT. From the first RTP packet it receives it knows where the program
sends from (symmetric RTP) and talks back: a PCMU sine of HZ, one 20 ms packet every 20 ms.
Every G.711 packet it hears is measured: its level (mean absolute sample), loud (a sample
louder than 1000) and, if so, its pitch from the zero crossings. Writes {packets, loud, heard:
{pitch rounded to 50 Hz: count}, sent, times: [[s since the first packet heard, pitch] of each
loud packet], seqs: [the RTP sequence number of each loud packet, as in times], levels: [[s since
the first packet heard, level] of each packet]} as JSON on SIGTERM or after LIFETIME_S.
"""
import json, math, select, signal, socket, struct, sys, time

from g711 import DEC

def ulaw_enc(s):
    sign = 0x80 if s < 0 else 0
    s = min(abs(s), 32635) + 0x84
    exp = 7
    while exp > 0 and not (s & (0x4000 >> (7 - exp))):
        exp -= 1
    return ~(sign | (exp << 4) | ((s >> (exp + 3)) & 0x0f)) & 0xff

def main():
    port, out, life = int(sys.argv[1]), sys.argv[3], float(sys.argv[4])
    dtmf, te = sys.argv[2] == 'dtmf', sys.argv[2] == 'te'
    hz = 0.0 if dtmf or te else float(sys.argv[2])
    amp = float(sys.argv[5]) if len(sys.argv) > 5 else 8000.0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('127.0.0.1', port))
    open(out + '.ready', 'w').close()
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    n = loud = sent = 0
    heard = {}
    times = []
    seqs = []
    levels = []
    t1 = None
    far = None
    seq, ts, k = 1, 0, 0
    ssrc = 0x5ee0000 + port
    t0 = time.monotonic()
    end = t0 + life
    nxt = None
    while not stop and time.monotonic() < end:
        now = time.monotonic()
        wait = 0.2 if nxt is None else max(0.0, nxt - now)
        r, _, _ = select.select([s], [], [], wait)
        if r:
            b, src = s.recvfrom(2048)
            if len(b) >= 12 and b[0] >> 6 == 2 and (b[1] & 0x7f) in DEC:
                if far is None:
                    far, nxt = src, time.monotonic()
                n += 1
                if t1 is None:
                    t1 = time.monotonic()
                pcm = [DEC[b[1] & 0x7f][x] for x in b[12:]]
                if pcm:
                    levels.append([round(time.monotonic() - t1, 3),
                                   round(sum(abs(v) for v in pcm) / len(pcm))])
                if pcm and max(abs(v) for v in pcm) > 1000:
                    loud += 1
                    z = sum(1 for i in range(1, len(pcm)) if (pcm[i - 1] < 0) != (pcm[i] < 0))
                    f = int(round(z / 2 / (len(pcm) / 8000.0) / 50.0) * 50)
                    heard[f] = heard.get(f, 0) + 1
                    times.append([round(time.monotonic() - t1, 3), f])
                    seqs.append(struct.unpack('!H', b[2:4])[0])
        if nxt is not None and time.monotonic() >= nxt:
            pos = k % 4000
            if te and pos < 1200:
                last = pos + 160 >= 1200
                pay = struct.pack('!BBH', 11, (0x80 if last else 0) | 10, pos + 160)
                hdr = struct.pack('!BBHII', 0x80, (0x80 if pos == 0 else 0) | 101, seq & 0xffff,
                                  (ts - pos) & 0xffffffff, ssrc)
                for _ in range(3 if last else 1):
                    s.sendto(hdr + pay, far)
                k += 160
                seq += 1
                ts += 160
                sent += 1
                nxt += 0.02
                continue
            if dtmf:
                pay = bytes(ulaw_enc(int(6000 * (math.sin(2 * math.pi * 941 * (k + i) / 8000.0) +
                                                math.sin(2 * math.pi * 1477 * (k + i) / 8000.0))
                                         if (k + i) % 4000 < 1200 else 0)) for i in range(160))
            else:
                pay = bytes(ulaw_enc(int(amp * math.sin(2 * math.pi * hz * (k + i) / 8000.0)))
                            for i in range(160))
            k += 160
            s.sendto(struct.pack('!BBHII', 0x80, 0, seq & 0xffff, ts & 0xffffffff, ssrc) + pay, far)
            seq += 1
            ts += 160
            sent += 1
            nxt += 0.02
    with open(out, 'w') as f:
        json.dump({'packets': n, 'loud': loud, 'heard': {str(k): v for k, v in sorted(heard.items())},
                   'sent': sent, 'times': times, 'seqs': seqs, 'levels': levels}, f)

main()
