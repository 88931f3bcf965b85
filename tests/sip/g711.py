"""tests/sip: G.711 decoding for the RTP peers (rtpsink.py, rtppeer.py): DEC[pt][byte] is the
sample of a PCMU (pt 0) or PCMA (pt 8) byte."""

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
