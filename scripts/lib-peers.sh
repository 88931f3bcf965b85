# scripts/lib-peers.sh — shell helpers to run real telephony peers next to a compiled program,
# all on 127.0.0.1 with ports chosen at run time. Sourced (bash) by scripts/main-job.sh and
# bench/sip/run.sh. Every helper is bounded in time; processes are stopped by their id.
#
#   lp_freeport                     prints a port P with P and P+1 free on UDP and TCP
#   lp_wait_for FILE TEXT SECONDS   waits until FILE contains TEXT (fixed string); status 1 on timeout
#   lp_wait_udp PORT SECONDS [-t]   waits until something listens on 127.0.0.1:PORT (UDP; with -t TCP);
#                                   status 1 on timeout (a peer just started may take seconds on a
#                                   loaded machine)
#   lp_stop PID SECONDS             SIGTERM, then SIGKILL after SECONDS; reaps the process
#   lp_baresip_start DIR LIFETIME [EXTRA]
#                                   writes a minimal auto-answering baresip config in DIR (EXTRA: more
#                                   config lines; LP_BARESIP_ACCOUNT: more account parameters, e.g.
#                                   ";mediaenc=srtp-mand") and starts it for at most LIFETIME seconds; sets
#                                   LP_BARESIP_PID, LP_BARESIP_PORT and LP_BARESIP_OUT (its output);
#                                   status 1 when it is not ready in 30 s. LIFETIME counts from now:
#                                   make it a net for a killed run (minutes) and stop baresip when
#                                   its part is over, since on a loaded machine the harness may take
#                                   many seconds to start what comes before the call
#   lp_rss_kb PID                   resident set size of PID in kB
#   lp_track PID / lp_stop_tracked SECONDS
#                                   remember a process started in the background / stop every
#                                   one remembered (e.g. from an EXIT trap), newest first

# baresip also binds P+1 (TLS) next to its SIP port, and RTP/RTCP use pairs: ask for two free ports.
# They are taken from 10000-16383: below Linux's ephemeral range (32768-60999), where client
# sockets in TIME-WAIT (e.g. after a load test) make bind() fail, and below the compiled
# program's RTP ports (16384-32766), so that a call set up later does not take them.
# A port free now may be taken before its user binds it (the suites for build/ and build/asan/
# run side by side, and a peer takes a second to start): each port handed out is claimed by
# creating a directory named after it in LP_PORT_CLAIMS (mkdir is atomic), and no one else is
# given it for 10 minutes.
LP_PORT_CLAIMS=${LP_PORT_CLAIMS:-${TMPDIR:-/tmp}/ccxmlc-ports-$(id -u)}
# lp_freeport [N]: the first of N free ports (N even, default 2: a pair), all claimed. sipp's
# media port M also takes M+2 (video): give it the first of `lp_freeport 4`.
lp_freeport() {
	LP_PORT_CLAIMS=$LP_PORT_CLAIMS LP_N=${1:-2} python3 - <<'EOF'
import os, random, socket, time
claims = os.environ['LP_PORT_CLAIMS']
n = max(2, int(os.environ['LP_N']) + int(os.environ['LP_N']) % 2)
os.makedirs(claims, exist_ok=True)

def claim(p):
    d = os.path.join(claims, str(p))
    try:
        os.mkdir(d)
        return True
    except FileExistsError:
        try:
            if time.time() - os.stat(d).st_mtime < 600:
                return False
            os.utime(d)  # a stale claim: take it over
            return True
        except OSError:
            return False

def unclaim(ps):
    for q in ps:
        try:
            os.rmdir(os.path.join(claims, str(q)))
        except OSError:
            pass

for _ in range(400):
    p = random.randrange(10000, 16384 - n, 2)  # claims are even ports, so blocks never split one
    got = []
    for q in range(p, p + n, 2):
        if not claim(q):
            break
        got.append(q)
    if len(got) < n // 2:
        unclaim(got)
        continue
    socks = []
    try:
        for q in range(p, p + n):
            for t in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = socket.socket(socket.AF_INET, t)
                socks.append(s)
                s.bind(('127.0.0.1', q))
        print(p)
        break
    except OSError:
        unclaim(got)
    finally:
        for s in socks:
            s.close()
EOF
}

lp_wait_for() {
	local f=$1 text=$2 i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qsF -- "$text" "$f" && return 0
		sleep 0.1
	done
	return 1
}

lp_wait_udp() {
	local i p=-Hlun
	[ "${3:-}" = -t ] && p=-Hltn
	for ((i = 0; i < $2 * 20; i++)); do
		[ -n "$(ss $p "sport = :$1" 2>/dev/null)" ] && return 0
		sleep 0.05
	done
	return 1
}

lp_stop() {
	local pid=$1 i
	if kill -TERM "$pid" 2>/dev/null; then
		for ((i = 0; i < $2 * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

lp_rss_kb() {
	awk '/^VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || true
}

# lp_fds PID: the process's open descriptors (0 once it is gone)
lp_fds() {
	find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l
}

# The config loads only what an auto-answering callee needs: no stdio (stdin is not a tty), no
# sound card (aubridge,nil plays into nothing), a 440 Hz tone as its own audio, PCMU only, and
# rtp_stats so that it prints the packets it received when the call ends.
lp_baresip_start() {
	local dir=$1 life=$2 extra=${3:-} rp i
	LP_BARESIP_PORT=$(lp_freeport)
	rp=$(lp_freeport)
	mkdir -p "$dir"
	cat >"$dir/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$LP_BARESIP_PORT
net_interface		127.0.0.1
dns_server		127.0.0.1:53
call_local_timeout	20
call_max_calls		4
audio_path		/usr/share/baresip
audio_player		aubridge,nil
audio_source		ausine,440
ausrc_srate		48000
ausrc_channels		2
audio_alert		aubridge,nil
rtp_ports		$rp-$((rp + 1))
rtcp_mux		no
rtp_stats		yes
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aubridge.so
module_tmp		account.so
statmode_default	off
EOF
	[ -z "$extra" ] || printf '%s\n' "$extra" >>"$dir/config"
	echo "<sip:4072223333@127.0.0.1:$LP_BARESIP_PORT>;regint=0;answermode=auto;audio_codecs=PCMU${LP_BARESIP_ACCOUNT:-}" >"$dir/accounts"
	LP_BARESIP_OUT=$dir/baresip.out
	timeout -k 2 "$((life + 5))" baresip -f "$dir" -t "$life" </dev/null >"$LP_BARESIP_OUT" 2>&1 &
	LP_BARESIP_PID=$!
	for ((i = 0; i < 300; i++)); do
		grep -qs "baresip is ready" "$LP_BARESIP_OUT" && return 0
		kill -0 "$LP_BARESIP_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

LP_TRACKED=()
lp_track() {
	LP_TRACKED+=("$1")
}

lp_stop_tracked() {
	local i
	for ((i = ${#LP_TRACKED[@]} - 1; i >= 0; i--)); do
		lp_stop "${LP_TRACKED[i]}" "$1"
	done
	LP_TRACKED=()
}
