#!/usr/bin/env python3
"""tests/sip/natpeer.py PORT MODE — a caller behind a NAT, as the program sees one (hold.sh).

Run in a network namespace of the test's own whose loopback also has 192.168.77.7 (an RFC 1918
address, standing for the caller's private one; no packet leaves the namespace). Calls
sip:nat@127.0.0.1:PORT over UDP. Its SDP names 192.168.77.7:4000, where it listens too, while
its RTP comes from 127.0.0.1 (the address of its SIP, as a NAT's public address would be) and
another port. Before that, a stranger on another
address (127.0.0.2) sends RTP to the program's port, as anyone may (RTP bleed). Right after the
200 OK (before the ACK, so before the program sends anything) the caller sends its first
packet, then one every 20 ms, and an RTCP receiver report from a port of its own (the NAT's
mapping of its RTCP port); it counts the RTP the program sends to its port, to the stranger's
and to the SDP's address, and the RTCP to its RTCP port and to the SDP's (4001), over 7.5 s
(the program's first report comes 5 s after the answer), then hangs up. MODE nat: the program
must answer where the caller's RTP and RTCP come from (about 375 packets), never to the
stranger nor the SDP's address; MODE off (--rtp-latch off): only the SDP's address; MODE nortcp (--rtcp off): as
nat, without RTCP anywhere. Prints
"caller=N stranger=M sdp=K rtcp=R sdp-rtcp=S" and "ok", or "FAIL why"; exits 0 when MODE's
expectations held.
"""
import re
import socket
import struct
import sys
import time

import sipmsg

PORT, MODE = int(sys.argv[1]), sys.argv[2]
SECONDS = 7.5  # past the program's first RTCP report (5 s after the answer), with room for a late timer
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind(('127.0.0.1', 0))
rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
rtp.bind(('127.0.0.1', 0))
stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
stranger.bind(('127.0.0.2', 0))
private = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
private.bind(('192.168.77.7', 4000))
private_rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
private_rtcp.bind(('192.168.77.7', 4001))
rtcp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # the NAT's mapping of the RTCP port
rtcp.bind(('127.0.0.1', 0))
SDP = ('v=0\r\no=peer 1 1 IN IP4 192.168.77.7\r\ns=-\r\nc=IN IP4 192.168.77.7\r\nt=0 0\r\n'
       'm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n')


call = sipmsg.Caller(sip, PORT, 'nat', 'natpeer')
send, final, fail = call.send, call.final, sipmsg.fail


def packet(seq):
    return struct.pack('!BBHII', 0x80, 0, seq & 0xffff, seq * 160, 0x4e4154) + b'\xff' * 160


target = 'sip:nat@127.0.0.1:%d' % PORT
send('INVITE', 1, target, body=SDP)
code, h, body = final(1, 'INVITE')
if code != 200:
    fail('INVITE answered %d' % code)
m = re.search(r'(?m)^m=audio (\d+) ', body)
if not m:
    fail('no m=audio in the answer')
media = ('127.0.0.1', int(m.group(1)))
to_tag = re.search(r';tag=([^;>\s]+)', h['to'][0]).group(1)
m = re.search(r'<([^>]+)>', h['contact'][0])
target = m.group(1) if m else target
stranger.sendto(packet(1), media)
time.sleep(0.05)
rtp.sendto(packet(1), media)
send('ACK', 1, target, to_tag)
# the caller's receiver report, from its RTCP port behind the NAT (RFC 3550 6.4.2, no blocks)
rtcp.sendto(struct.pack('!BBHI', 0x80, 201, 1, 0x4e4154), (media[0], media[1] + 1))
counts = {'caller': 0, 'stranger': 0, 'sdp': 0, 'rtcp': 0, 'sdp-rtcp': 0}
seq, nxt, end = 2, time.time(), time.time() + SECONDS
for s in (rtp, stranger, private, rtcp, private_rtcp):
    s.setblocking(False)
while time.time() < end:
    if time.time() >= nxt:
        rtp.sendto(packet(seq), media)
        seq += 1
        nxt += 0.02
    for name, s in (('caller', rtp), ('stranger', stranger), ('sdp', private), ('rtcp', rtcp),
                    ('sdp-rtcp', private_rtcp)):
        try:
            while True:
                s.recv(4096)
                counts[name] += 1
        except BlockingIOError:
            pass
    time.sleep(0.005)
send('BYE', 2, target, to_tag)
final(2, 'BYE')
print('caller=%d stranger=%d sdp=%d rtcp=%d sdp-rtcp=%d' % (
    counts['caller'], counts['stranger'], counts['sdp'], counts['rtcp'], counts['sdp-rtcp']),
    flush=True)
if counts['stranger']:
    fail('the program sent %d RTP packets to a stranger' % counts['stranger'])
if MODE in ('nat', 'nortcp') and counts['caller'] < 40:
    fail('%d RTP packets reached the caller behind its NAT in 7.5 s, want about 375'
         % counts['caller'])
if MODE == 'nat' and (not counts['rtcp'] or counts['sdp-rtcp']):
    fail('the program\'s RTCP: %d reports where the caller\'s comes from, %d to the SDP\'s '
         'address (want some and none)' % (counts['rtcp'], counts['sdp-rtcp']))
if MODE == 'nortcp' and (counts['rtcp'] or counts['sdp-rtcp']):
    fail('--rtcp off, yet %d RTCP packets came' % (counts['rtcp'] + counts['sdp-rtcp']))
if MODE == 'off' and (counts['rtcp'] or not counts['sdp-rtcp']):
    fail('--rtp-latch off: RTCP %d where the caller\'s comes from, %d to the SDP\'s address'
         % (counts['rtcp'], counts['sdp-rtcp']))
if MODE in ('nat', 'nortcp') and counts['sdp']:
    fail('%d RTP packets went to the private address of the SDP' % counts['sdp'])
if MODE == 'off' and counts['caller']:
    fail('--rtp-latch off, yet %d RTP packets went where the caller sends from' % counts['caller'])
if MODE == 'off' and counts['sdp'] < 40:
    fail('--rtp-latch off: %d RTP packets at the SDP\'s address in 7.5 s, want about 375'
         % counts['sdp'])
print('ok', flush=True)
