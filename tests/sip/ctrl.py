#!/usr/bin/env python3
"""Drives a baresip (ctrl_tcp, JSON in netstrings) for the SIP tests.

    ctrl.py PORT [DTMF_DIGITS] HANGUP_MS

Connects to baresip's control port and prints "ctrl: connected" (the caller starts the call
only then: baresip does not replay the CALL_ESTABLISHED of a call set up before), waits (at
most 60 s: the caller still has to start its program, which takes seconds on a loaded machine)
for the call to be established, sends each DTMF digit (sndcode; a ',' waits a second), hangs up HANGUP_MS after the
call came up, then waits (at most 60 s more) for CALL_CLOSED. Prints the events.
Exit status 0 when the call came up and closed, 1 otherwise. With CTRL_DIAL=URI in the environment, baresip first
calls URI (its menu module's dial command): the inbound calls of a program."""
import json, os, socket, sys, time

def netstring(obj):
    b = json.dumps(obj).encode()
    return str(len(b)).encode() + b':' + b + b','

def main():
    port = int(sys.argv[1])
    digits = sys.argv[2] if len(sys.argv) > 3 else ''
    hangup_ms = int(sys.argv[-1])
    end = time.time() + 15
    s = None
    while time.time() < end:
        try:
            s = socket.create_connection(('127.0.0.1', port), timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    if not s:
        print('ctrl: cannot connect to baresip'); return 1
    print('ctrl: connected', flush=True)
    if os.environ.get('CTRL_DIAL'):
        s.sendall(netstring({'command': 'dial', 'params': os.environ['CTRL_DIAL'], 'token': 'dial'}))
    end = time.time() + 60
    s.settimeout(0.2)
    buf, estab_at, closed, sent = b'', None, False, False
    while time.time() < end and not closed:
        try:
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        except socket.timeout:
            pass
        while b':' in buf:
            n, rest = buf.split(b':', 1)
            if not n.isdigit() or len(rest) < int(n) + 1:
                break
            msg, buf = rest[:int(n)], rest[int(n) + 1:]
            try:
                ev = json.loads(msg)
            except ValueError:
                continue
            if ev.get('event'):
                print('ctrl: event', ev.get('type'), ev.get('param', ''), flush=True)
                if ev.get('type') == 'CALL_ESTABLISHED' and estab_at is None:
                    estab_at = time.time()
                    end = estab_at + hangup_ms / 1000 + 60
                if ev.get('type') == 'CALL_CLOSED':
                    closed = True
        if estab_at is not None and not sent:
            time.sleep(0.3)
            for i, d in enumerate(digits):
                if d == ',':  # a pause of a second (tests/sip/xfer.sh: the keys of a transfer)
                    time.sleep(1)
                    continue
                s.sendall(netstring({'command': 'sndcode', 'params': d, 'token': 'd%d' % i}))
                time.sleep(0.3)
            sent = True
        if sent and not closed and estab_at is not None and time.time() - estab_at >= hangup_ms / 1000:
            s.sendall(netstring({'command': 'hangup', 'token': 'h'}))
            estab_at = float('inf')  # hang up once
    s.close()
    return 0 if closed else 1

sys.exit(main())
