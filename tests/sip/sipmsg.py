"""tests/sip/sipmsg.py — SIP messages out of a stream's bytes, for the test peers written in
Python (reusepeer.py, tlsroute.py)."""
import re


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
