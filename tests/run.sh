#!/usr/bin/env bash
# tests/run.sh — runs every test of ccxmlc for build/ and build/asan/ (what `ninja test` calls).
#
#   tests/run.sh                 everything, both builds
#   tests/run.sh s4- es-closures only the CCXML documents/examples whose name contains a word
#   BUILDS=build tests/run.sh    one build only
#
# Per build: the unit tests, tests/invalid/run.sh, tests/codegen/run.sh and tests/es/run.sh
# (ECMAScript differential tests against node, fuzz, memory/time bounds) when present, the
# http:run, sip:run, ops:run, media:run, vxaudio:run (tests/media/vxaudio.sh: VoiceXML <audio> on
# a web server), rtdocs:run, rtvxml:run (tests/rtdocs/vxml.sh: VoiceXML
# documents fetched at run time), cluster:run, apptest:run (ccxmlc --test and
# the simulator's virtual clock), trunk:run (tests/sip/trunk.sh,
# Kamailio) and sipmedia:run (tests/sip/media.sh: DTMF, recording, AMD against sipp) suites, every
# tests/ccxml/*.ccxml document, the outbound tutorial examples, examples/embed, examples/campaign
# and examples/survey (survey:run, over SIP against baresip) when present.
# Once (with build/): tests/fuzz/run.sh, every libFuzzer harness for FUZZ_SECONDS (default 20) s
# (the direct parser harnesses a quarter of it),
# and tests/docs/run.py, the shell blocks of README.md, docs/ and examples/*/README.md as written;
# install:run (build/ only): tests/install/run.sh, `ninja install` moved elsewhere, pkg-config, man.
#
# A CCXML test T passes when `ccxmlc -o T T.ccxml && ./T --sim[=T.scenario] [--once]` exits 0,
# logs a line ending in PASS and no line containing FAIL. --once is left out when the scenario
# has an `inbound` line (the program then ends when no session and no pending call remain).
# T.docs lists extra documents compiled into the same program (one path a line, relative to
# tests/ccxml/, '#' comments; they live in tests/ccxml/docs/, which is not searched for tests).
# T.expect changes the verdict, one directive a line ('#' comments):
#   exit N | exit nonzero | exit any   expected exit status (default 0)
#   nopass                             no PASS line is required
#   log PATTERN                        a log line that must appear, in order with the other `log`s
#   nolog PATTERN                      a log line that must not appear
#   nostderr PATTERN                   a line of standard error that must not appear
#   stderr PATTERN                     a line of standard error that must appear (any order;
#                                      the session id is not masked there: use {*})
#   compile PATTERN                    a line ccxmlc must print (a warning), any order
#   args WORD...                       replaces the default arguments ({scenario} = T.scenario)
#   web                                tests/rtdocs/vxweb.py serves the run (its documents, slow
#                                      answers; its request log is web.log) and the program gets
#                                      --values web=http://127.0.0.1:PORT/vx (a VoiceXML dialog
#                                      reads it as session.connection.ccxml.values.web when the
#                                      document passes it in <dialogstart namelist>)
# Log lines are compared after their "[SESSIONID] " prefix is removed and every occurrence of the
# session id is replaced by SESSION; in a PATTERN, {*} matches any text, all else is literal.
#
# Exit status 0 when everything passed, 1 otherwise (the failing tests' output is printed).
set -u
cd "$(dirname "$0")/.."
ROOT=$(pwd)

TEST_TIMEOUT=${TEST_TIMEOUT:-30}   # seconds, per compiled program run
FUZZ_SECONDS=${FUZZ_SECONDS:-20}   # seconds of fuzzing per harness (tests/fuzz/run.sh)
CC_TIMEOUT=${CC_TIMEOUT:-120}      # seconds, per ccxmlc run
JOBS=${JOBS:-2}

# Section - one test, run in a child (`tests/run.sh --one BUILD KIND NAME`)

# "forbidden WHAT line: LINE" for the first line of FILE that matches one of the PATTERNs, else
# nothing: run__forbidden FILE WHAT PATTERN...
run__forbidden() {
	local file=$1 what=$2 pat g line
	shift 2
	for pat in "$@"; do
		g=$(run__glob "$pat")
		while IFS= read -r line; do
			# shellcheck disable=SC2053
			[[ $line == $g ]] && { echo "forbidden $what line: $line"; return; }
		done <"$file"
	done
}

# A PATTERN of a .expect/.log file as a bash glob: everything literal except {*}.
run__glob() {
	local p=$1
	p=${p//\\/\\\\}
	p=${p//\*/\\*}
	p=${p//\?/\\?}
	p=${p//\[/\\[}
	p=${p//\]/\\]}
	p=${p//\{\\\*\}/*}
	printf '%s' "$p"
}

# stdout of a program -> the log text: prefix removed, session id masked.
run__logtext() {
	local line sid rest
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^\[([^]]*)\]\ (.*)$ ]]; then
			sid=${BASH_REMATCH[1]}
			rest=${BASH_REMATCH[2]}
			[ -n "$sid" ] && rest=${rest//"$sid"/SESSION}
			printf '%s\n' "$rest"
		else
			printf '%s\n' "$line"
		fi
	done
}

# Sanitizer and crash reports in a file.
run__sanitized() {
	grep -E -q 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|Undefined|Leak)Sanitizer' "$1"
}

run__env_for() { # build dir -> exports for the sanitizers
	if [[ $1 == *asan* ]]; then
		export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:allocator_may_return_null=1
		export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	fi
}

# Compiles $src (and the extra documents after $dir) with $B/ccxmlc into $dir/prog; prints
# why on failure.
run__compile() {
	local B=$1 src=$2 dir=$3
	shift 3
	[[ $B == /* ]] || B=$ROOT/$B
	# The compiler never frees by design (docs: chibicc's rule), so leak checking is off for
	# it alone; the compiled programs and the runtime are checked for leaks.
	if ! ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0 \
		timeout -k 5 "$CC_TIMEOUT" "$B/ccxmlc" -o "$dir/prog" "$src" "$@" >"$dir/compile.log" 2>&1; then
		echo "compile failed: $B/ccxmlc -o prog $src $*"
		sed 's/^/  | /' "$dir/compile.log" | head -40
		return 1
	fi
	if run__sanitized "$dir/compile.log"; then
		echo "sanitizer report while compiling"
		sed 's/^/  | /' "$dir/compile.log" | head -60
		return 1
	fi
	return 0
}

# Runs $dir/prog with args, in $dir (the media root). Sets rc.
run__exec() {
	local dir=$1; shift
	(cd "$dir" && timeout -k 5 "$TEST_TIMEOUT" ./prog "$@" >stdout 2>stderr)
	rc=$?
	run__logtext <"$dir/stdout" >"$dir/log"
}

run__media() { # hard-links the generated WAV files into a test directory (a symlink out of the
		   # media root is refused by the runtime)
	local f
	for f in "$MEDIA"/*.wav; do ln -f "$f" "$1/" 2>/dev/null || cp -f "$f" "$1/"; done
}

run__one_ccxml() {
	local B=$1 T=$2 dir=$3
	local src=tests/ccxml/$T.ccxml scen=tests/ccxml/$T.scenario exp=tests/ccxml/$T.expect
	local want_exit=0 need_pass=1 args=() custom_args=0 web=0 line word pat
	local -a logs=() nologs=() errs=() noerrs=() ccs=() docs=()
	if [ -f "tests/ccxml/$T.docs" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%%$'\r'}
			case $line in ''|'#'*) ;; *) docs+=("tests/ccxml/$line") ;; esac
		done <"tests/ccxml/$T.docs"
	fi
	if [ -f "$exp" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line%%$'\r'}
			case $line in
			''|'#'*) ;;
			'exit '*) want_exit=${line#exit } ;;
			nopass) need_pass=0 ;;
			web) web=1 ;;
			'log '*) logs+=("${line#log }") ;;
			'nolog '*) nologs+=("${line#nolog }") ;;
			'stderr '*) errs+=("${line#stderr }") ;;
			'nostderr '*) noerrs+=("${line#nostderr }") ;;
			'compile '*) ccs+=("${line#compile }") ;;
			'args '*)
				custom_args=1
				for word in ${line#args }; do args+=("${word//\{scenario\}/$T.scenario}"); done ;;
			*) echo "$exp: cannot read directive: $line"; return 1 ;;
			esac
		done <"$exp"
	fi
	run__compile "$B" "$src" "$dir" "${docs[@]+"${docs[@]}"}" || return 1
	for pat in "${ccs[@]+"${ccs[@]}"}"; do
		grep -q -x -F -- "$pat" "$dir/compile.log" && continue
		echo "ccxmlc did not print: $pat"
		sed 's/^/  | /' "$dir/compile.log" | head -20
		return 1
	done
	run__media "$dir"
	if [ $custom_args = 0 ]; then
		if [ -f "$scen" ]; then
			cp "$scen" "$dir/$T.scenario"
			args=("--sim=$T.scenario")
			grep -E -q '^[[:space:]]*inbound([[:space:]]|$)' "$scen" || args+=(--once)
		else
			args=(--sim --once)
		fi
	else
		[ -f "$scen" ] && cp "$scen" "$dir/$T.scenario"
	fi
	local webpid=""
	if [ $web = 1 ]; then
		# its own document cache: what the run compiles is not shared with other runs (each
		# test is a process of its own: the export ends with it)
		mkdir -p -m 700 "$dir/cache"
		export CCXML_DOC_CACHE=$dir/cache
		python3 tests/rtdocs/vxweb.py "$dir/web.port" "$dir/web.log" $((TEST_TIMEOUT + 10)) &
		webpid=$!
		local i
		for ((i = 0; i < 200; i++)); do [ -s "$dir/web.port" ] && break; sleep 0.05; done
		[ -s "$dir/web.port" ] || { kill "$webpid"; echo "the web server did not start"; return 1; }
		args+=(--values "web=http://127.0.0.1:$(cat "$dir/web.port")/vx")
	fi
	run__exec "$dir" "${args[@]}"
	[ -z "$webpid" ] || { kill "$webpid" 2>/dev/null; wait "$webpid" 2>/dev/null; }
	local why=""
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		why="timed out after ${TEST_TIMEOUT}s"
	elif run__sanitized "$dir/stderr"; then
		why="sanitizer report"
	else
		case $want_exit in
		any) ;;
		nonzero) [ $rc != 0 ] || why="exit status 0, expected non-zero" ;;
		*) [ "$rc" = "$want_exit" ] || why="exit status $rc, expected $want_exit" ;;
		esac
		if [ -z "$why" ] && grep -q 'FAIL' "$dir/log"; then why="a FAIL line was logged"; fi
		if [ -z "$why" ] && [ $need_pass = 1 ] && ! grep -E -q 'PASS$' "$dir/log"; then
			why="no PASS line"
		fi
		if [ -z "$why" ] && [ ${#logs[@]} -gt 0 ]; then
			local i=0 g
			g=$(run__glob "${logs[0]}")
			while IFS= read -r line; do
				# shellcheck disable=SC2053
				if [[ $line == $g ]]; then
					i=$((i + 1))
					[ $i -ge ${#logs[@]} ] && break
					g=$(run__glob "${logs[$i]}")
				fi
			done <"$dir/log"
			[ $i -ge ${#logs[@]} ] || why="log line not seen (in order): ${logs[$i]}"
		fi
		for pat in "${errs[@]+"${errs[@]}"}"; do
			[ -z "$why" ] || break
			g=$(run__glob "$pat")
			why="stderr line not seen: $pat"
			while IFS= read -r line; do
				# shellcheck disable=SC2053
				[[ $line == $g ]] && why="" && break
			done <"$dir/stderr"
		done
		[ -n "$why" ] || why=$(run__forbidden "$dir/log" "log" "${nologs[@]+"${nologs[@]}"}")
		[ -n "$why" ] || why=$(run__forbidden "$dir/stderr" "stderr" "${noerrs[@]+"${noerrs[@]}"}")
	fi
	if [ -n "$why" ]; then
		echo "$why (ran: ./prog ${args[*]}, exit $rc)"
		echo "  stdout:"; tail -n 40 "$dir/stdout" | sed 's/^/  | /'
		echo "  stderr:"; tail -n 40 "$dir/stderr" | sed 's/^/  | /'
		return 1
	fi
	return 0
}

# examples/outbound: step N compiles; step5:SCENARIO runs and matches expected/SCENARIO.log.
run__one_example() {
	local B=$1 what=$2 dir=$3 ex=examples/outbound
	local step=${what%%:*} scen=${what#*:}
	run__compile "$B" "$ex/$step.ccxml" "$dir" || return 1
	[ "$scen" = "$what" ] && return 0          # compile-only check
	run__media "$dir"
	cp "$ex/scenarios/$scen.scenario" "$dir/"
	run__exec "$dir" "--sim=$scen.scenario" --once
	local why="" expected=$ex/expected/$scen.log
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		why="timed out after ${TEST_TIMEOUT}s"
	elif run__sanitized "$dir/stderr"; then
		why="sanitizer report"
	elif [ $rc != 0 ]; then
		why="exit status $rc"
	else
		local -a want=() got=()
		mapfile -t want < <(grep -v '^#' "$expected")
		mapfile -t got <"$dir/log"
		local i n=${#want[@]}
		[ ${#got[@]} = "$n" ] || why="${#got[@]} log lines, expected $n"
		for ((i = 0; i < n && i < ${#got[@]}; i++)); do
			# shellcheck disable=SC2053
			if [[ ${got[$i]} != $(run__glob "${want[$i]}") ]]; then
				why="log line $((i + 1)) is '${got[$i]}', expected '${want[$i]}'"
				break
			fi
		done
	fi
	if [ -n "$why" ]; then
		echo "$why (ran: ./prog --sim=$scen.scenario --once)"
		echo "  log (masked):"; sed 's/^/  | /' "$dir/log" | head -60
		echo "  expected ($expected):"; grep -v '^#' "$expected" | sed 's/^/  | /'
		echo "  stderr:"; tail -n 30 "$dir/stderr" | sed 's/^/  | /'
		return 1
	fi
	return 0
}

# Runs a command as one test (unit tests, other engineers' scripts).
run__one_cmd() {
	local B=$1 dir=$3
	shift 3
	(timeout -k 5 "${CMD_TIMEOUT:-600}" "$@") >"$dir/out" 2>&1
	rc=$?
	local why=""
	if [ $rc = 124 ] || [ $rc = 137 ]; then why="timed out"
	elif [ $rc != 0 ]; then why="exit status $rc"
	elif run__sanitized "$dir/out"; then why="sanitizer report"
	fi
	if [ -n "$why" ]; then
		echo "$why: $*"
		# a suite's failed checks first (they may be far above its last lines), then its end
		if grep -q '^FAIL' "$dir/out"; then
			echo "  failed checks:"
			grep -A 12 '^FAIL' "$dir/out" | head -n 80 | sed 's/^/  | /'
			echo "  the end:"
		fi
		tail -n 60 "$dir/out" | sed 's/^/  | /'
		return 1
	fi
	return 0
}

# --one BUILD KIND NAME: runs one test, writes RESULTS/<build>/<kind>:<name>.{ok,fail}
if [ "${1:-}" = "--one" ]; then
	B=$2 KIND=$3 NAME=$4
	run__env_for "$B"
	tag=${B//\//_}
	dir=$WORK/$tag/$KIND-${NAME//[:\/]/_}
	mkdir -p "$dir" "$RESULTS/$tag"
	res=$RESULTS/$tag/$KIND:${NAME//\//_}
	t0=$SECONDS
	case $KIND in
	ccxml) run__one_ccxml "$B" "$NAME" "$dir" >"$res.txt" 2>&1 ;;
	example) run__one_example "$B" "$NAME" "$dir" >"$res.txt" 2>&1 ;;
	unit) run__one_cmd "$B" "$NAME" "$dir" "$(cd "$B" && pwd)/tests/$NAME" >"$res.txt" 2>&1 ;;
	invalid|codegen) run__one_cmd "$B" "$NAME" "$dir" "tests/$KIND/run.sh" "$(cd "$B" && pwd)/ccxmlc" >"$res.txt" 2>&1 ;;
	embed) run__one_cmd "$B" "$NAME" "$dir" examples/embed/run.sh "$B" >"$res.txt" 2>&1 ;;
	campaign) run__one_cmd "$B" "$NAME" "$dir" examples/campaign/run.sh "$B" >"$res.txt" 2>&1 ;;
	survey) run__one_cmd "$B" "$NAME" "$dir" examples/survey/run.sh "$B" >"$res.txt" 2>&1 ;;
	es) run__one_cmd "$B" "$NAME" "$dir" tests/es/run.sh "$B" >"$res.txt" 2>&1 ;;
	http) run__one_cmd "$B" "$NAME" "$dir" tests/http/run.sh "$B" >"$res.txt" 2>&1 ;;
	sip) run__one_cmd "$B" "$NAME" "$dir" tests/sip/run.sh "$B" >"$res.txt" 2>&1 ;;
	ops) run__one_cmd "$B" "$NAME" "$dir" tests/ops/run.sh "$B" >"$res.txt" 2>&1 ;;
	media) run__one_cmd "$B" "$NAME" "$dir" tests/media/run.sh "$B" >"$res.txt" 2>&1 ;;
	vxaudio) run__one_cmd "$B" "$NAME" "$dir" tests/media/vxaudio.sh "$B" >"$res.txt" 2>&1 ;;
	cluster) run__one_cmd "$B" "$NAME" "$dir" tests/cluster/run.sh "$B" >"$res.txt" 2>&1 ;;
	rtdocs) run__one_cmd "$B" "$NAME" "$dir" tests/rtdocs/run.sh "$B" >"$res.txt" 2>&1 ;;
	rtvxml) run__one_cmd "$B" "$NAME" "$dir" tests/rtdocs/vxml.sh "$B" >"$res.txt" 2>&1 ;;
	apptest) run__one_cmd "$B" "$NAME" "$dir" tests/apptest/run.sh "$B" >"$res.txt" 2>&1 ;;
	trunk) run__one_cmd "$B" "$NAME" "$dir" tests/sip/trunk.sh "$B" >"$res.txt" 2>&1 ;;
	sipmedia) run__one_cmd "$B" "$NAME" "$dir" tests/sip/media.sh "$B" >"$res.txt" 2>&1 ;;
	# its own clang build (build/fuzz/) the first time: a longer bound
	docs) run__one_cmd "$B" "$NAME" "$dir" tests/docs/run.py >"$res.txt" 2>&1 ;;
	install) run__one_cmd "$B" "$NAME" "$dir" tests/install/run.sh >"$res.txt" 2>&1 ;;
	fuzz) CMD_TIMEOUT=1800 run__one_cmd "$B" "$NAME" "$dir" tests/fuzz/run.sh --seconds "$FUZZ_SECONDS" \
		--parser-seconds $(((FUZZ_SECONDS + 3) / 4)) >"$res.txt" 2>&1 ;;
	*) echo "unknown kind $KIND" >"$res.txt"; false ;;
	esac
	if [ $? = 0 ]; then mv "$res.txt" "$res.ok"; st=ok; else mv "$res.txt" "$res.fail"; st=FAIL; fi
	secs=$((SECONDS - t0))
	echo "$secs $B $KIND:$NAME" >>"$RESULTS/times"
	if [ "$secs" -ge 30 ]; then
		printf '%-4s %-11s %s (%d s)\n' "$st" "$tag" "$KIND:$NAME" "$secs"
	else
		printf '%-4s %-11s %s\n' "$st" "$tag" "$KIND:$NAME"
	fi
	exit 0
fi

# Section - the whole run

BUILDS=${BUILDS:-build build/asan}
filters=("$@")
match() { # name -> is it selected by the command-line filters?
	[ ${#filters[@]} = 0 ] && return 0
	local f
	for f in "${filters[@]}"; do [[ $1 == *"$f"* ]] && return 0; done
	return 1
}

WORK=$(mktemp -d /tmp/ccxmlc-tests.XXXXXX)
RESULTS=$WORK/results
MEDIA=$WORK/media
export WORK RESULTS MEDIA TEST_TIMEOUT CC_TIMEOUT FUZZ_SECONDS
mkdir -p "$RESULTS" "$MEDIA"
trap 'rm -rf "$WORK"' EXIT

# Test WAV files are made here, never committed.
if ! command -v sox >/dev/null 2>&1; then
	echo "tests/run.sh: sox is needed to make the test WAV files (apt-get install sox)" >&2
	exit 1
fi
sox -n -r 8000 -c 1 -b 16 "$MEDIA/tone.wav" synth 0.3 sine 440 2>/dev/null &&
	sox -n -r 8000 -c 1 -b 16 "$MEDIA/long.wav" synth 2 sine 440 2>/dev/null &&
	sox -n -r 8000 -c 1 -b 16 "$MEDIA/someFile.wav" synth 2 sine 350 sine 440 2>/dev/null || {
	echo "tests/run.sh: sox could not write the test WAV files" >&2
	exit 1
}

jobs_file=$WORK/jobs
: >"$jobs_file"
missing=0
for B in $BUILDS; do
	if [ ! -x "$B/ccxmlc" ]; then
		echo "tests/run.sh: $B/ccxmlc is missing; run ninja first" >&2
		missing=1
		continue
	fi
	# The suites that are one job each; a filter selects them by name ("sip", "unit:"…).
	for u in test_value test_runtime; do match "unit:$u" && echo "$B unit $u"; done
	for k in invalid codegen es http sip ops media cluster rtdocs apptest; do
		[ -x "tests/$k/run.sh" ] && match "$k:run" && echo "$B $k run"
	done
	[ -x tests/sip/trunk.sh ] && match "trunk:run" && echo "$B trunk run"
	[ -x tests/rtdocs/vxml.sh ] && match "rtvxml:run" && echo "$B rtvxml run"
	[ -x tests/media/vxaudio.sh ] && match "vxaudio:run" && echo "$B vxaudio run"
	[ -x tests/sip/media.sh ] && match "sipmedia:run" && echo "$B sipmedia run"
	[ -x examples/embed/run.sh ] && match "embed:run" && echo "$B embed run"
	[ -x examples/campaign/run.sh ] && match "campaign:run" && echo "$B campaign run"
	[ -x examples/survey/run.sh ] && match "survey:run" && echo "$B survey run"
	# the fuzzers build themselves (clang, sanitizers): one job, with the optimised build
	[ "$B" = build ] && [ -x tests/fuzz/run.sh ] && match "fuzz:run" && echo "$B fuzz run"
	# the shell blocks of the documentation, as written (they name build/ccxmlc): once
	[ "$B" = build ] && [ -x tests/docs/run.py ] && match "docs:run" && echo "$B docs run"
	[ "$B" = build ] && match "install:run" && echo "$B install run"
	for f in tests/ccxml/*.ccxml; do
		T=$(basename "$f" .ccxml)
		match "$T" && echo "$B ccxml $T"
	done
	for s in step1 step2 step3 step4 step5; do match "$s" && echo "$B example $s"; done
	for sc in examples/outbound/scenarios/*.scenario; do
		[ -f "$sc" ] || continue
		n=step5:$(basename "$sc" .scenario)
		match "$n" && echo "$B example $n"
	done
done >"$jobs_file"

total=$(wc -l <"$jobs_file")
echo "tests/run.sh: $total tests, $JOBS at a time, builds: $BUILDS"
# Each line is "BUILD KIND NAME"; xargs runs this script on it.
xargs -r -P "$JOBS" -L 1 "$ROOT/tests/run.sh" --one <"$jobs_file"

pass=$(find "$RESULTS" -name '*.ok' | wc -l)
fail=$(find "$RESULTS" -name '*.fail' | wc -l)
lost=$((total - pass - fail))
if [ "$fail" -gt 0 ]; then
	echo
	echo "==================== failures ===================="
	for f in $(find "$RESULTS" -name '*.fail' | sort); do
		echo "--- $(basename "$(dirname "$f")") $(basename "$f" .fail)"
		cat "$f"
	done
fi
echo
if [ "$fail" -gt 0 ]; then
	# the digest last, where a reader of only the log's end (CI's excerpt) sees it: each failed
	# test and its first failed checks (the full reports are above)
	echo "tests/run.sh: what failed (the reports above have the details):"
	for f in $(find "$RESULTS" -name '*.fail' | sort); do
		echo "  $(basename "$(dirname "$f")") $(basename "$f" .fail): $(head -n 1 "$f" | cut -c1-160)"
		grep -E '^  \| *FAIL' "$f" | awk '!seen[$0]++' | head -n 8 | cut -c1-200 | sed 's/^  | */    /'
	done
fi
if [ -s "$RESULTS/times" ]; then
	# where the time went (keep the suite well under CI's 90 minutes)
	echo "tests/run.sh: the longest tests (s): $(sort -rn "$RESULTS/times" | head -n 8 |
		awk '{printf "%s%s %s %s", (NR > 1 ? ", " : ""), $1, $2, $3}')"
fi
echo "tests/run.sh: $pass passed, $fail failed, $lost not run, of $total"
for B in $BUILDS; do
	tag=${B//\//_}
	[ -d "$RESULTS/$tag" ] || continue
	echo "  $B: $(find "$RESULTS/$tag" -name '*.ok' | wc -l) passed, $(find "$RESULTS/$tag" -name '*.fail' | wc -l) failed"
done
[ "$fail" = 0 ] && [ "$lost" = 0 ] && [ "$missing" = 0 ] && [ "$total" -gt 0 ]
