#!/usr/bin/env python3
"""tests/http/slowloris.py — slow clients against the HTTP listener, and normal requests meanwhile.

  slowloris.py PORT [--conns N] [--from ADDRS] [--normal M] [--normal-from ADDR] [--seconds S]
                    [--until-evicted S2]

N attacking connections (spread over ADDRS: comma-separated, a range like 127.0.1.1-30 allowed)
each send the start of a request and then one more header line every --interval seconds, never
the blank line that ends the head; a connection that gets closed is opened again after
--interval (as a real slowloris does). Once they are open, M normal `GET /health` requests go
out from ADDR (4 at a time, each with its own connection, 15 s timeout: on a loaded machine
the sanitizer build is slow, which is not starved). The attack goes on for --seconds in total,
and then up to --until-evicted seconds more until a connection has been evicted.
Prints one `key=value` a line (what tests/http/run.sh and bench/http/run.sh read):

  opened         attacking connections opened (reconnections included)
  held           attacking connections open at the end, still without an answer
  refused        answered "503 … from your address" (per-address limit)
  evicted        answered "503 … too slow" (made room for a newer connection)
  timeouts       answered 408 (a deadline passed)
  dropped        closed without an answer
  conns_max      the most connections /health reported open (the normal request's own included)
  normal_ok      normal requests answered 200, of normal_total
  p50_ms p99_ms max_ms   latency of the normal requests

  slowloris.py PORT --deadlines
One connection trickles its headers (a line a second), another sends its headers and then only
part of its body: prints head_s= / body_s= (seconds until the listener answered) and head= /
body= (the status line of that answer).

Everything runs on 127.0.0.0/8 (all of it is loopback on Linux).
"""
import argparse
import asyncio
import re
import time


def addrs(spec):
    out = []
    for part in spec.split(','):
        if '-' in part:
            base, last = part.rsplit('-', 1)
            pre, first = base.rsplit('.', 1)
            out += ['%s.%d' % (pre, i) for i in range(int(first), int(last) + 1)]
        else:
            out.append(part)
    return out


class Stats:
    def __init__(self):
        self.opened = self.held = self.refused = self.evicted = self.timeouts = 0
        self.dropped = self.other = 0
        self.lat = []
        self.normal_ok = self.conns_max = 0


async def attacker(a, port, src, st, stop):
    k = 0
    while not stop.is_set():
        try:
            r, w = await asyncio.open_connection('127.0.0.1', port, local_addr=(src, 0))
        except OSError:
            await asyncio.sleep(0.2)
            continue
        st.opened += 1
        w.write(b'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n')
        read = asyncio.ensure_future(r.read(300))
        st.held += 1
        while not stop.is_set():
            done, _ = await asyncio.wait({read}, timeout=a.interval)
            if done:
                break
            k += 1
            try:
                w.write(b'X-Slow-%d: %d\r\n' % (k, k))
            except OSError:
                pass
        st.held -= 1
        if read.done():
            try:
                data = read.result()
            except OSError:
                data = b''
            if b' 503 ' in data and b'address' in data:
                st.refused += 1
            elif b' 503 ' in data:
                st.evicted += 1
            elif b' 408 ' in data:
                st.timeouts += 1
            elif not data:
                st.dropped += 1
            else:
                st.other += 1
        else:
            read.cancel()
        w.close()
        if stop.is_set():
            return
        await asyncio.sleep(a.interval)


async def normal(port, src, n, st):
    async def one():
        t = time.monotonic()
        try:
            r, w = await asyncio.wait_for(
                asyncio.open_connection('127.0.0.1', port, local_addr=(src, 0)), 5)
            w.write(b'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
            data = await asyncio.wait_for(r.read(), 15)
            w.close()
            if data.startswith(b'HTTP/1.1 200 '):
                st.normal_ok += 1
                m = re.search(rb'"http_connections":(\d+)', data)
                if m:
                    st.conns_max = max(st.conns_max, int(m.group(1)))
        except (OSError, asyncio.TimeoutError):
            pass
        st.lat.append((time.monotonic() - t) * 1000)

    sem = asyncio.Semaphore(4)

    async def limited():
        async with sem:
            await one()
    await asyncio.gather(*(limited() for _ in range(n)))


async def deadline(port, what, first, trickle):
    t = time.monotonic()
    r, w = await asyncio.open_connection('127.0.0.1', port)
    w.write(first)
    read = asyncio.ensure_future(r.read(300))
    while True:
        done, _ = await asyncio.wait({read}, timeout=1)
        if done or time.monotonic() - t > 30:
            break
        w.write(trickle)
    data = read.result() if read.done() else b''
    read.cancel()
    w.close()
    print('%s_s=%.1f' % (what, time.monotonic() - t))
    print('%s=%s' % (what, data.split(b'\r\n')[0].decode()))


async def main():
    p = argparse.ArgumentParser()
    p.add_argument('port', type=int)
    p.add_argument('--conns', type=int, default=200)
    p.add_argument('--from', dest='src', default='127.0.0.3')
    p.add_argument('--normal', type=int, default=100)
    p.add_argument('--normal-from', default='127.0.0.2')
    p.add_argument('--interval', type=float, default=0.5)
    p.add_argument('--seconds', type=float, default=4)
    p.add_argument('--deadlines', action='store_true')
    p.add_argument('--until-evicted', type=float, default=0,
                   help='go on attacking up to this many seconds more until one is evicted')
    a = p.parse_args()
    if a.deadlines:
        await asyncio.gather(
            deadline(a.port, 'head', b'GET /health HTTP/1.1\r\n', b'X-Slow: 1\r\n'),
            deadline(a.port, 'body', b'POST /basichttp HTTP/1.1\r\nContent-Type: application/'
                     b'x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nname=', b'a'))
        return
    st = Stats()
    stop = asyncio.Event()
    srcs = addrs(a.src)
    t0 = time.monotonic()
    tasks = [asyncio.ensure_future(attacker(a, a.port, srcs[i % len(srcs)], st, stop))
             for i in range(a.conns)]
    # let every attacker open its first connection (a loaded machine takes seconds for 300)
    while st.opened < a.conns and time.monotonic() - t0 < 15:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    await normal(a.port, a.normal_from, a.normal, st)
    rest = a.seconds - (time.monotonic() - t0)
    if rest > 0:
        await asyncio.sleep(rest)
    # a loaded machine (the sanitizer build beside other suites) may not have taken every
    # connection yet, so none had to make room: wait for that, bounded, rather than count on
    # the time alone
    t1 = time.monotonic()
    while st.evicted == 0 and time.monotonic() - t1 < a.until_evicted:
        await asyncio.sleep(0.1)
    stop.set()
    held = st.held
    await asyncio.gather(*tasks)
    lat = sorted(st.lat) or [0]
    print('opened=%d' % st.opened)
    print('held=%d' % held)
    print('refused=%d' % st.refused)
    print('evicted=%d' % st.evicted)
    print('timeouts=%d' % st.timeouts)
    print('dropped=%d' % st.dropped)
    print('other=%d' % st.other)
    print('conns_max=%d' % st.conns_max)
    print('normal_ok=%d' % st.normal_ok)
    print('normal_total=%d' % a.normal)
    print('p50_ms=%.1f' % lat[len(lat) // 2])
    print('p99_ms=%.1f' % lat[min(len(lat) - 1, len(lat) * 99 // 100)])
    print('max_ms=%.1f' % lat[-1])


asyncio.run(main())
