#!/usr/bin/env python3
"""tests/sip/tlsroute.py PORT PORT2 CERT KEY LOG MODE HOST — a SIP peer over TLS whose dialog
sends our in-dialog requests to a host name (tests/sip/tlsdns.sh).

Listens with CERT on 127.0.0.1:PORT and PORT2. Answers the INVITE that comes to PORT with a
200 OK whose dialog's next hop is HOST:PORT2 given by name (MODE rr: a Record-Route
<sip:HOST:PORT2;transport=tls;lr>, the Contact an IP address; MODE contact: the Contact
<sip:peer@HOST:PORT2;transport=tls>, no Record-Route), then closes that connection: the ACK and
the BYE need a connection of their own, to PORT2. MODE refresh: the 200's Contact is
127.0.0.1:PORT; after our ACK, on the same connection, a re-INVITE whose Contact is
<sip:peer@HOST:PORT2;transport=tls> (a target refresh: "REINVITE 200" logged when we accept it),
its ACK, then the connection is closed: the BYE goes to the new target. MODE refreshu: the same
with an UPDATE (no SDP, no ACK): "UPDATE 200". Logs to LOG: "INVITE", "HANDSHAKE ok" or
"HANDSHAKE failed: …" for the connection to PORT2, and the first line of each request it
brings ("ACK …", "BYE …", with "ROUTE …" for a Route header); a BYE gets a 200. Stops after 20 s
without a connection or after the BYE.
"""
import socket
import ssl
import sys

import sipmsg

PORT, PORT2 = int(sys.argv[1]), int(sys.argv[2])
CERT, KEY, MODE, HOST = sys.argv[3], sys.argv[4], sys.argv[6], sys.argv[7]
log = open(sys.argv[5], "w", buffering=1)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(CERT, KEY)


def listen(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    s.settimeout(20)
    return s


def messages(t):
    """each SIP message on t: (first line, headers, body)"""
    buf = b""
    while True:
        m, buf = sipmsg.take(buf)
        if m:
            yield m
            continue
        d = t.recv(65536)
        if not d:
            return
        buf += d


def reply(t, h, extra, body=b""):
    out = ["SIP/2.0 200 OK"]
    for k in ("via", "from", "call-id", "cseq"):
        for v in h.get(k, []):
            out.append("%s: %s" % (k.title(), v))
    to = h.get("to", [""])[0]
    out.append("To: %s" % to + ("" if ";tag=" in to else ";tag=rt1"))
    out += extra
    out.append("Content-Length: %d" % len(body))
    t.sendall(("\r\n".join(out) + "\r\n\r\n").encode() + body)


s1, s2 = listen(PORT), listen(PORT2)
log.write("listening\n")
c, _ = s1.accept()
t = ctx.wrap_socket(c, server_side=True)
msgs = messages(t)
for first, h, body in msgs:
    if not first.startswith("INVITE "):
        continue
    log.write("INVITE\n")
    sdp = (b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           b"m=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
    if MODE == "rr":
        extra = ["Record-Route: <sip:%s:%d;transport=tls;lr>" % (HOST, PORT2),
                 "Contact: <sip:peer@127.0.0.1:%d;transport=tls>" % PORT]
    elif MODE.startswith("refresh"):
        extra = ["Contact: <sip:peer@127.0.0.1:%d;transport=tls>" % PORT]
    else:
        extra = ["Contact: <sip:peer@%s:%d;transport=tls>" % (HOST, PORT2)]
    reply(t, h, extra + ["Content-Type: application/sdp"], sdp)
    inv = h
    break


def request(t, method, uri, h, cseq, extra, body=b""):
    """a request of the peer's side of the dialog made by our INVITE h"""
    out = ["%s %s SIP/2.0" % (method, uri),
           "Via: SIP/2.0/TLS 127.0.0.1:%d;branch=z9hG4bK-rt-%s;rport" % (PORT, method.lower()),
           "Max-Forwards: 70", "From: %s;tag=rt1" % h["to"][0], "To: %s" % h["from"][0],
           "Call-ID: %s" % h["call-id"][0], "CSeq: %d %s" % (cseq, method)]
    out += extra
    out.append("Content-Length: %d" % len(body))
    t.sendall(("\r\n".join(out) + "\r\n\r\n").encode() + body)


if MODE.startswith("refresh"):
    ours = inv["contact"][0].split("<", 1)[-1].split(">", 1)[0]
    contact = "Contact: <sip:peer@%s:%d;transport=tls>" % (HOST, PORT2)
    for first, h, body in msgs:
        if first.startswith("ACK ") and MODE == "refreshu":
            request(t, "UPDATE", ours, inv, 1, [contact])
        elif first.startswith("ACK "):
            request(t, "INVITE", ours, inv, 1, [contact, "Content-Type: application/sdp"],
                    sdp.replace(b"o=- 1 1", b"o=- 1 2"))
        elif first.startswith("SIP/2.0 ") and MODE == "refreshu":
            log.write("UPDATE %s\n" % first.split()[1])
            break
        elif first.startswith("SIP/2.0 "):
            log.write("REINVITE %s\n" % first.split()[1])
            request(t, "ACK", ours, inv, 1, [])
            break
t.close()  # our ACK and BYE need a new connection
try:
    c, _ = s2.accept()
except socket.timeout:
    log.write("no connection\n")
    sys.exit(0)
c.settimeout(10)
try:
    t = ctx.wrap_socket(c, server_side=True)
except (ssl.SSLError, OSError) as e:
    log.write("HANDSHAKE failed: %s\n" % e)
    sys.exit(0)
log.write("HANDSHAKE ok\n")
try:
    for first, h, body in messages(t):
        log.write(first + "\n")
        for r in h.get("route", []):
            log.write("ROUTE %s\n" % r)
        if first.startswith("BYE "):
            reply(t, h, [])
            break
except (socket.timeout, OSError) as e:
    log.write("read: %s\n" % e)
