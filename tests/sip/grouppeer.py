#!/usr/bin/env python3
"""tests/sip/grouppeer.py PORT ADDR CODE [SRC] — a caller whose SDP names ADDR as its media
address (hold.sh, 5j).

Calls sip:group@127.0.0.1:PORT over UDP from SRC (default 127.0.0.1) with c=IN IP4 ADDR and sends
no RTP. CODE 488: the program must refuse the offer (a multicast or broadcast ADDR, or a
loopback one from an SRC that is not: a unicast call's audio never goes to a group, nor to the
program's own host for a caller elsewhere). CODE 200: it answers; the caller waits 3 s while the program's audio goes to ADDR
(in hold.sh an address no route reaches: every send fails), then hangs up. Prints "code=N" and
"ok", or "FAIL why"; exits 0 when the answer was CODE.
"""
import re
import socket
import sys
import time

import sipmsg

PORT, ADDR, CODE = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
SRC = sys.argv[4] if len(sys.argv) > 4 else '127.0.0.1'
sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sip.bind((SRC, 0))
SDP = ('v=0\r\no=peer 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n'
       'm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n') % (ADDR, ADDR)
call = sipmsg.Caller(sip, PORT, 'group', 'grouppeer')
send, final, fail = call.send, call.final, sipmsg.fail

target = 'sip:group@127.0.0.1:%d' % PORT
send('INVITE', 1, target, body=SDP)
code, h, body = final(1, 'INVITE')
print('code=%d' % code)
if code != CODE:
    fail('INVITE answered %d, not %d' % (code, CODE))
if code == 200:
    to_tag = re.search(r';tag=([^;>\s]+)', h['to'][0]).group(1)
    m = re.search(r'<([^>]+)>', h['contact'][0])
    target = m.group(1) if m else target
    send('ACK', 1, target, to_tag)
    time.sleep(3)
    send('BYE', 2, target, to_tag)
    final(2, 'BYE')
print('ok')
