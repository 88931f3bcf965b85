#!/usr/bin/env python3
# tests/rtdocs/cserve.py CCXMLC WORKDIR — `ccxmlc --compile-server` driven as the runtime drives
# it (compiler/cserve.c: a SOCK_SEQPACKET socket as standard input, requests ID + arguments with
# the write end of an output pipe, answers 'P'/'X'/'E'). Writes one line per finding to
# WORKDIR/cserve.out, which tests/rtdocs/run.sh checks:
#   spare-used          the first request went to a child that existed before it (the spare)
#   first-ok            its 'X' said exit status 0, its output had ended and the object existed
#   bad-status N        a document that does not compile: 'X' with exit status N
#   bad-diag            ... and the diagnostic on its output
#   pair-ok             two requests at once: both compiled (the second one without a spare)
#   again-ok            a request after those: compiled
#   gone-ok             the server and its spare exit when the program closes its end
import array, os, select, socket, struct, subprocess, sys, time

cc, work = sys.argv[1], sys.argv[2]
out = open(os.path.join(work, "cserve.out"), "w")
doc_ok = os.path.join(work, "cs_ok.ccxml")
doc_bad = os.path.join(work, "cs_bad.ccxml")
with open(doc_ok, "w") as f:
    f.write('<?xml version="1.0"?>\n<ccxml version="1.0">\n<var name="x" expr="1 + f(2, [3])"/>\n'
            '<eventprocessor><transition event="ccxml.loaded"><exit/></transition>'
            '</eventprocessor>\n</ccxml>\n')
with open(doc_bad, "w") as f:
    f.write('<?xml version="1.0"?>\n<ccxml version="1.0">\n<var name="x" expr="f(1,,2)"/>\n</ccxml>\n')

a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
env = dict(os.environ)
if os.access("/usr/bin/tcc", os.X_OK):
    env["CC"] = "/usr/bin/tcc"
srv = subprocess.Popen([cc, "--compile-server"], stdin=b, env=env)
b.close()


def children():
    try:
        with open("/proc/%d/task/%d/children" % (srv.pid, srv.pid)) as f:
            return set(int(x) for x in f.read().split())
    except OSError:
        return set()


def send(i, doc, so):
    r, w = os.pipe()
    args = [cc, "--shared", "-O0", "--no-line", "-o", so, doc]
    msg = struct.pack("i", i) + b"".join(x.encode() + b"\0" for x in args)
    a.sendmsg([msg], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [w]))])
    os.close(w)
    return {"id": i, "r": r, "so": so, "text": b"", "eof": False, "pid": None, "x": None,
            "so_at_x": None, "eof_at_x": None}


def wait(reqs, limit=120):
    """Reads answers and outputs until every request has its 'X' and its output has ended."""
    end = time.monotonic() + limit
    while time.monotonic() < end and not all(q["x"] is not None and q["eof"] for q in reqs):
        fds = [a] + [q["r"] for q in reqs if not q["eof"]]
        rl, _, _ = select.select(fds, [], [], 1)
        if a in rl:
            m = a.recv(64)
            for k in range(0, len(m) - 11, 12):
                i, kind, val = struct.unpack("iii", m[k:k + 12])
                for q in reqs:
                    if q["id"] != i:
                        continue
                    if kind == ord("P") and q["pid"] is None:
                        q["pid"] = val
                    elif kind == ord("X") and q["x"] is None:
                        q["x"] = val
                        q["so_at_x"] = os.path.exists(q["so"])
                        # the output ends at the latest just after 'X'
                        rr, _, _ = select.select([q["r"]], [], [], 5)
                        q["eof_at_x"] = q["eof"] or bool(rr)
                    elif kind == ord("E"):
                        q["x"] = -1
        for q in reqs:
            if not q["eof"] and q["r"] in rl:
                d = os.read(q["r"], 4096)
                q["text"] += d
                q["eof"] = not d
    for q in reqs:
        os.close(q["r"])


def quiet(p):
    """The child's standard output is /dev/null: the spare's (the prelude's child writes to a pipe)"""
    try:
        return os.readlink("/proc/%d/fd/1" % p) == "/dev/null"
    except OSError:
        return False


# the spare: a child of the server before any request
spare = set()
end = time.monotonic() + 60
while time.monotonic() < end and not spare:
    time.sleep(0.1)
    spare = set(p for p in children() if quiet(p))
q1 = send(1, doc_ok, os.path.join(work, "cs1.so"))
wait([q1])
if q1["pid"] in spare:
    out.write("spare-used\n")
if q1["x"] == 0 and q1["so_at_x"] and q1["eof_at_x"]:
    out.write("first-ok\n")
else:
    out.write("first: %r\n" % {k: q1[k] for k in ("pid", "x", "so_at_x", "eof_at_x", "text")})
q2 = send(2, doc_bad, os.path.join(work, "cs2.so"))
wait([q2])
if q2["x"] is not None and q2["x"] >= 0 and os.WIFEXITED(q2["x"]):
    out.write("bad-status %d\n" % os.WEXITSTATUS(q2["x"]))
if b"error: syntax error: empty argument" in q2["text"] and not os.path.exists(q2["so"]):
    out.write("bad-diag\n")
q3 = send(3, doc_ok, os.path.join(work, "cs3.so"))
q4 = send(4, doc_ok, os.path.join(work, "cs4.so"))
wait([q3, q4])
if all(q["x"] == 0 and q["so_at_x"] for q in (q3, q4)):
    out.write("pair-ok\n")
time.sleep(0.5)
q5 = send(5, doc_ok, os.path.join(work, "cs5.so"))
wait([q5])
if q5["x"] == 0 and q5["so_at_x"]:
    out.write("again-ok\n")
# the server forks its next spare once idle: wait for it (under load it can take a while), so
# that closing our end is seen to end a spare too, not only the server
end = time.monotonic() + 60
left = children()
while time.monotonic() < end and not any(quiet(p) for p in left):
    time.sleep(0.1)
    left = children()
a.close()
try:
    srv.wait(timeout=30)
    end = time.monotonic() + 30
    def alive(p):
        try:
            with open("/proc/%d/stat" % p) as f:
                return f.read().split()[2] != "Z"
        except OSError:
            return False
    while time.monotonic() < end and any(alive(p) for p in left):
        time.sleep(0.1)
    if left and not any(alive(p) for p in left):
        out.write("gone-ok\n")
except subprocess.TimeoutExpired:
    srv.kill()
out.close()
