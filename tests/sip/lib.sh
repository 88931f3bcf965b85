# tests/sip/lib.sh — what tests/sip/run.sh, trunk.sh and media.sh share (sourced; bash).
# Expects B (the build directory), W (the work directory), N and FAILS (counters) and
# SUITE (the prefix of setup messages).

ok() {
	N=$((N + 1))
	echo "ok   $1"
}

# bad NAME WHY FILE... : one failure, with the tails of the files named; with SIP_KEEP=DIR the
# files themselves are kept in DIR/NAME-HHMMSS-PID (the suites' work directories go at the end;
# SIP_KEEP=1 keeps the work directory, and the files in its kept/)
bad() {
	local f k
	N=$((N + 1))
	FAILS=$((FAILS + 1))
	echo "FAIL $1: $2"
	if [ -n "${SIP_KEEP:-}" ]; then
		k=$SIP_KEEP
		[ "$k" = 1 ] && k=$W/kept
		k=$k/${1//[^A-Za-z0-9_.-]/_}-$(date +%H%M%S)-$$
		mkdir -p "$k" && cp "${@:3}" "$k/" 2>/dev/null
		echo "  (kept in $k)"
	fi
	shift 2
	for f in "$@"; do
		[ -s "$f" ] || continue
		echo "  --- $(basename "$f")"
		tail -n 25 "$f" | sed 's/^/  | /'
	done
}

# has FILE PATTERN... : every fixed string appears in FILE; else prints the first one missing
has() {
	local f=$1 p
	shift
	for p in "$@"; do
		if ! grep -qF -- "$p" "$f"; then
			echo "missing '$p' in $(basename "$f")"
			return 1
		fi
	done
	return 0
}

# The time limit of a peer that a suite stops itself once its checks are over: only a net for a
# run that is killed, never a measure of a check (a loaded machine takes seconds to start each
# python3, sipp or program; docs/testing.md)
LIFE=${SIP_PEER_LIFE:-300}

# sipp_uas NAME SCENARIO PORT [SECONDS]: a sipp UAS playing SCENARIO for one call on
# 127.0.0.1:PORT, its messages and errors traced to $W/NAME.msg and $W/NAME.sipperr; its pid in
# SIPP_PID (and PIDS). Returns once it listens (at most SECONDS, default 30, else says so).
sipp_uas() {
	local wait=${4:-30}
	timeout -k 2 "$((LIFE + 10))" sipp -sf "$2" -i 127.0.0.1 -p "$3" -m 1 -timeout "${LIFE}s" \
		-nostdin -trace_msg -message_file "$W/$1.msg" -trace_err -error_file "$W/$1.sipperr" \
		>/dev/null 2>&1 &
	SIPP_PID=$!
	PIDS+=("$SIPP_PID")
	lp_wait_udp "$3" "$wait" || echo "$1: sipp not listening after $wait s"
}

# waitpid_for PID SECONDS: waits (at most SECONDS) until PID has ended, else stops it (SIGTERM);
# its exit status (143 when stopped). A peer's own time limit is no bound here (LIFE).
waitpid_for() {
	local pid=$1 i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

sanitized() {
	grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)Sanitizer' "$@"
}

compile() { # compile SRC OUT [MORE-DOCUMENTS...]
	ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0 \
		timeout 120 "$B/ccxmlc" -o "$2" "$1" "${@:3}" >"$W/compile.log" 2>&1 || {
		echo "$SUITE: cannot compile $1:"
		cat "$W/compile.log"
		exit 1
	}
}

need() { # need TOOL... : exits with a message when one is not installed
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null && continue
		echo "$SUITE: $t is not installed (scripts/install-deps.sh)"
		exit 1
	done
}
