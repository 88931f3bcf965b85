# tests/lib-check.sh — what the shell suites share (sourced after `cd` to the repository root):
#   lc_begin NAME        sets B (absolute build directory, from $1 or "build"), W (a fresh work
#                        directory, removed at exit unless KEEP is set) and PIDS (processes to
#                        kill at exit); ASAN_OPTIONS defaults to leak checking
#   check DESC CMD...    one check: "ok   DESC" or "FAIL DESC"; counts in checks/fails; a failed
#                        check whose last word is a file of W shows that file's last lines
#   waitfor FILE REGEX [SECONDS]
#                        until FILE has a line matching REGEX (default 8 s); status 1 on timeout
#   lc_sip_sink NAME     a sipp callee (tests/sip/uas_sink.xml, PCMU) whose RTP
#                        tests/sip/rtpsink.py counts into W/NAME.json, both in PIDS and bounded to
#                        40 s; sets LC_SINK_SIP (the callee's SIP port) and LC_SIP (a free port for
#                        the program's own SIP); says so when they do not listen within 10 s
#   lc_sip_sink_done     once the call is over: rtpsink stopped, its count written
#   lc_end NAME          prints the summary line; its status is 0 when nothing failed
lc_cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ -n "${KEEP:-}" ] || rm -rf "$W"
}
lc_begin() {
	B=${LC_BUILD:-build}
	[[ $B == /* ]] || B=$PWD/$B
	W=$(mktemp -d "/tmp/ccxmlc-$1.XXXXXX")
	PIDS=()
	fails=0 checks=0
	trap lc_cleanup EXIT
	export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
}
check() {
	local d=$1; shift
	checks=$((checks + 1))
	if "$@"; then echo "ok   $d"; return; fi
	fails=$((fails + 1))
	echo "FAIL $d"
	# a check that reads one file of the work directory (grep -q PATTERN FILE): its end, to
	# tell why from the log alone
	local last=${!#}
	if [[ $last == "$W"/* && -f $last ]]; then
		echo "  --- the end of ${last#"$W"/}"
		tail -n 15 "$last" | sed 's/^/  | /'
	fi
}
waitfor() {
	local i
	for ((i = 0; i < ${3:-8} * 20; i++)); do
		grep -E -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
lc_sip_sink() {
	local rp
	command -v lp_freeport >/dev/null || . scripts/lib-peers.sh
	LC_SIP=$(lp_freeport) LC_SINK_SIP=$(lp_freeport) rp=$(lp_freeport)
	sed "s/@RTP@/$rp/; s/@PT@/0/g; s/@NAME@/PCMU/" tests/sip/uas_sink.xml >"$W/$1-sink.xml"
	timeout -k 2 40 python3 tests/sip/rtpsink.py "$rp" "$W/$1.json" 35 & PIDS+=($!)
	LC_SINK_PID=$!
	timeout -k 2 40 sipp -sf "$W/$1-sink.xml" -i 127.0.0.1 -p "$LC_SINK_SIP" -m 1 -timeout 35s -nostdin \
		>/dev/null 2>&1 & PIDS+=($!)
	lp_wait_udp "$rp" 10 && lp_wait_udp "$LC_SINK_SIP" 10 || echo "$1: sipp or rtpsink not listening after 10 s"
}
lc_sip_sink_done() {
	sleep 0.5
	kill "$LC_SINK_PID" 2>/dev/null
	wait "$LC_SINK_PID" 2>/dev/null
}
lc_end() {
	echo "tests/$1: $((checks - fails)) of $checks checks passed"
	[ "$fails" = 0 ]
}
