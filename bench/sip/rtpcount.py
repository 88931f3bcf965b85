#!/usr/bin/env python3
"""bench/sip: the RTP sink of the SIP benchmark. sipp's SDP offer points the program's audio here.

    rtpcount.py PORT OUT.json LIFETIME_S

Receives RTP on 127.0.0.1:PORT until SIGTERM (or LIFETIME_S seconds) and writes, per stream
(SSRC), the packets received and how late they came: packet k of a stream is due at the arrival
of its first packet + 20 ms x (seq_k - seq_first); lateness is arrival - due. The summary
(OUT.json) has the stream count, the smallest and largest packet count of a stream, the number
of packets later than 50 ms, and the largest lateness. Lateness includes this sink's own
scheduling delay, so it is an upper bound of the sender's.
"""
import json, select, signal, socket, struct, sys, time

LATE = 0.050

def main():
    port, out, life = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:  # as root, past rmem_max: a burst must not be lost in the sink
        s.setsockopt(socket.SOL_SOCKET, 33, 16 << 20)  # SO_RCVBUFFORCE
    except OSError:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 << 20)
    s.bind(('127.0.0.1', port))
    s.setblocking(False)
    stop = []
    signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
    streams = {}  # ssrc -> [count, t0, seq0, maxlate, late, last_ext_seq]
    bad = 0
    end = time.monotonic() + life
    recv, now, unpack = s.recv, time.monotonic, struct.unpack_from
    while not stop and now() < end:
        r, _, _ = select.select([s], [], [], 0.2)
        if not r:
            continue
        while True:
            try:
                b = recv(2048)
            except BlockingIOError:
                break
            t = now()
            if len(b) < 12 or b[0] >> 6 != 2:
                bad += 1
                continue
            seq, ssrc = unpack('!H', b, 2)[0], unpack('!I', b, 8)[0]
            st = streams.get(ssrc)
            if st is None:
                streams[ssrc] = [1, t, seq, 0.0, 0, seq]
                continue
            # extend the 16-bit sequence number across wraps, near the last one seen
            ext = st[5] + ((seq - st[5]) & 0xffff)
            if ext - st[5] > 0x8000:
                ext -= 0x10000
            st[5] = max(st[5], ext)
            st[0] += 1
            late = t - (st[1] + 0.020 * (ext - st[2]))
            if late > st[3]:
                st[3] = late
            if late > LATE:
                st[4] += 1
    counts = sorted(v[0] for v in streams.values())
    lates = sorted(v[3] for v in streams.values())
    res = {
        'streams': len(streams),
        'packets': sum(counts),
        'min_packets': counts[0] if counts else 0,
        'max_packets': counts[-1] if counts else 0,
        'late_packets': sum(v[4] for v in streams.values()),
        'max_late_ms': round(1000 * lates[-1], 1) if lates else 0,
        'p99_max_late_ms': round(1000 * lates[int(0.99 * (len(lates) - 1))], 1) if lates else 0,
        'not_rtp': bad,
        'cpu_s': round(time.process_time(), 2),
    }
    with open(out, 'w') as f:
        json.dump(res, f)

main()
