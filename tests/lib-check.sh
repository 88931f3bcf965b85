# tests/lib-check.sh — what the shell suites share (sourced after `cd` to the repository root):
#   lc_begin NAME        sets B (absolute build directory, from $1 or "build"), W (a fresh work
#                        directory, removed at exit unless KEEP is set) and PIDS (processes to
#                        kill at exit); ASAN_OPTIONS defaults to leak checking
#   check DESC CMD...    one check: "ok   DESC" or "FAIL DESC"; counts in checks/fails; a failed
#                        check whose last word is a file of W shows that file's last lines
#   waitfor FILE REGEX [SECONDS]
#                        until FILE has a line matching REGEX (default 8 s); status 1 on timeout
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
lc_end() {
	echo "tests/$1: $((checks - fails)) of $checks checks passed"
	[ "$fails" = 0 ]
}
