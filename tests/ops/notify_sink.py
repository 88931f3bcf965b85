"""tests/ops: a stand-in for systemd's notification socket. Binds a datagram socket at PATH and
appends every message it receives to OUT (one message a line, its newlines as '|'), for at most
SECONDS."""
import os, socket, sys, time

path, out, secs = sys.argv[1], sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
s.settimeout(0.2)
end = time.monotonic() + secs
with open(out, "a") as f:
    print("BOUND", flush=True, file=f)
    while time.monotonic() < end:
        try:
            m = s.recv(4096)
        except socket.timeout:
            continue
        print(m.decode(errors="replace").strip().replace("\n", "|"), file=f, flush=True)
os.unlink(path)
