#!/usr/bin/env python3
"""tests/sip/dns.py PORTFILE LOG SECONDS RECORD... — a tiny authoritative DNS server on
127.0.0.1 (UDP, a free port written to PORTFILE) for the SIP tests (tests/sip/tlsdns.sh).

RECORD is one of
  A:NAME=IPV4
  SRV:NAME=PRIORITY:WEIGHT:PORT:TARGET     (the target's A records go in the additional
  SRV+:NAME=...                             section with SRV+, not with SRV)
  DROP:NAME=                               (queries for NAME get no answer at all)
A name with records answers NOERROR (an empty answer for a type it has none of); any other
name answers NXDOMAIN. Each query is logged to LOG as "TYPE NAME". Stops after SECONDS.
"""
import os
import socket
import struct
import sys
import time

TYPES = {1: "A", 28: "AAAA", 33: "SRV"}


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def decode_name(pkt, off):
    labels = []
    while True:
        n = pkt[off]
        if n == 0:
            return ".".join(labels), off + 1
        if n & 0xC0:
            raise ValueError("compressed name in a question")
        labels.append(pkt[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n


def rr(name_enc, rtype, rdata):
    return name_enc + struct.pack(">HHIH", rtype, 1, 60, len(rdata)) + rdata


def main():
    portfile, log, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    zone = {}  # lower-case name -> list of (type, rdata, additional name or None)
    drop = set()
    for spec in sys.argv[4:]:
        kind, rest = spec.split(":", 1)
        name, value = rest.split("=", 1)
        if kind == "DROP":
            drop.add(name.lower().rstrip("."))
            continue
        recs = zone.setdefault(name.lower().rstrip("."), [])
        if kind == "A":
            recs.append((1, socket.inet_aton(value), None))
        elif kind in ("SRV", "SRV+"):
            pri, weight, port, target = value.split(":", 3)
            rdata = struct.pack(">HHH", int(pri), int(weight), int(port)) + encode_name(target)
            recs.append((33, rdata, target.lower() if kind == "SRV+" else None))
        else:
            sys.exit("dns.py: unknown record kind " + kind)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(portfile + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    os.rename(portfile + ".tmp", portfile)
    end = time.monotonic() + seconds
    logf = open(log, "a", buffering=1)
    while time.monotonic() < end:
        s.settimeout(max(0.1, end - time.monotonic()))
        try:
            pkt, peer = s.recvfrom(4096)
        except socket.timeout:
            continue
        try:
            qid, flags, qd = struct.unpack(">HHH", pkt[:6])
            qname, off = decode_name(pkt, 12)
            qtype, qclass = struct.unpack(">HH", pkt[off:off + 4])
        except (ValueError, struct.error, IndexError):
            continue
        if flags & 0x8000 or qd != 1:
            continue
        question = pkt[12:off + 4]
        logf.write("%s %s\n" % (TYPES.get(qtype, str(qtype)), qname))
        if qname.lower().rstrip(".") in drop:
            continue
        recs = zone.get(qname.lower().rstrip("."))
        answers, additional = [], []
        if recs is not None:
            for rtype, rdata, add in recs:
                if rtype != qtype:
                    continue
                answers.append(rr(b"\xc0\x0c", rtype, rdata))
                for atype, adata, _ in zone.get(add, []) if add else []:
                    if atype == 1:
                        additional.append(rr(encode_name(add), 1, adata))
        rcode = 0 if recs is not None else 3
        # QR, the query's opcode and RD, AA, RA
        rflags = 0x8000 | (flags & 0x7900) | 0x0400 | 0x0080 | rcode
        hdr = struct.pack(">HHHHHH", qid, rflags, 1, len(answers), 0, len(additional))
        s.sendto(hdr + question + b"".join(answers) + b"".join(additional), peer)


if __name__ == "__main__":
    main()
