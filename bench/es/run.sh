#!/usr/bin/env bash
# ECMAScript benchmark: the same small programs (bench/es/*.js) compiled by ccxmlc and run by
# Duktape 2.7, MuJS and Node (and QuickJS when its source is given), in one run. Prints a table of times and ratios and writes it to the
# section of docs/performance.md between the markers <!-- es-bench --> and <!-- /es-bench -->
# (the rest of the page belongs to bench/run.sh).
#
# Every program defines bench(n): n rounds, an integer checksum. Each engine times the call
# itself (monotonic clock in the C runners and Node; the ES Date clock, whole ms, in the compiled
# program, whose rounds are spread over events of CHUNK rounds because its heap is collected
# only between events). The best of R runs counts; the engines take turns run by run. Node is the reference for the checksum: a
# compiled program that disagrees is "n/a (wrong checksum)"; an interpreter that disagrees is
# timed anyway and flagged.
#
#   bench/es/run.sh                 all programs, R=5
#   R=3 SCALE=0.5 bench/es/run.sh   fewer runs, half the rounds
#   PROGS="arith sort" bench/es/run.sh
#   NO_DOC=1 bench/es/run.sh        print only, leave docs/performance.md alone
#   QUICKJS_DIR=~/src/quickjs bench/es/run.sh
#                                   adds QuickJS: qjs is built from that source tree (its own
#                                   Makefile, `make qjs`) in a copy under QUICKJS_BUILD (default: a
#                                   temporary directory, removed at the end; give a directory to
#                                   keep the build for the next run). Nothing of it enters the repo.
set -euo pipefail
cd "$(dirname "$0")/../.."
CCXMLC=${CCXMLC:-build/ccxmlc}
R=${R:-5}
SCALE=${SCALE:-1}
PROGS=${PROGS:-"strings arith objects arrays sort regex numfmt calls"}
DOC=docs/performance.md
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

# Rounds per program: chosen so that Duktape spends roughly 0.3-0.6 s on each.
rounds() {
	local n
	case $1 in
	strings) n=3000 ;; arith) n=2000 ;; objects) n=2000 ;; arrays) n=2000 ;;
	sort) n=500 ;; regex) n=20000 ;; numfmt) n=4000 ;; calls) n=4000 ;;
	*) n=1000 ;;
	esac
	awk -v n="$n" -v s="$SCALE" 'BEGIN { r = int(n * s); print (r < 1 ? 1 : r) }'
}

# A one-line reason out of an engine's error output.
reason() {
	local l
	l=$(grep -v -e '^\s*$' -e 'unhandled error' "$1" | grep -m1 -E 'Error|error' || true)
	[ -n "$l" ] || l=$(grep -v '^\s*$' "$1" | head -n 1)
	echo "$l" | sed -e 's/^ccxml: session [^:]*: //' -e 's/^[^ ]*\.ccxml:[0-9]*: //' |
		tr -d '|' | cut -c1-110
}

gcc -std=c11 -O2 -o "$W/duk-run" bench/es/duk-run.c -lduktape -lm
gcc -std=c11 -O2 -o "$W/mujs-run" bench/es/mujs-run.c -lmujs -lm

# QuickJS, when QUICKJS_DIR names its source tree: qjs built there by its own Makefile, in a copy
ENGINES="node duktape mujs ccxmlc"
QJS=
if [ -n "${QUICKJS_DIR:-}" ]; then
	[ -f "$QUICKJS_DIR/quickjs.c" ] || { echo "bench/es/run.sh: QUICKJS_DIR=$QUICKJS_DIR has no quickjs.c" >&2; exit 1; }
	QB=${QUICKJS_BUILD:-$W/quickjs}
	if [ ! -x "$QB/qjs" ]; then
		mkdir -p "$QB"
		tar -C "$QUICKJS_DIR" --exclude=.git -cf - . | tar -C "$QB" -xf -
		echo "building QuickJS $(cat "$QB/VERSION" 2>/dev/null) in $QB ..." >&2
		make -C "$QB" -j"$(nproc)" qjs > "$W/qjs-build.log" 2>&1 ||
			{ tail -20 "$W/qjs-build.log" >&2; echo "bench/es/run.sh: QuickJS does not build" >&2; exit 1; }
	fi
	QJS=$QB/qjs
	QJS_VERSION=$(cat "$QB/VERSION" 2>/dev/null || echo '?')
	ENGINES="node duktape mujs quickjs ccxmlc"
fi

# run ENGINE PROG N -> "checksum ms" on stdout, or exit 1 with the reason in $W/err
run() {
	local e=$1 p=$2 n=$3 out
	case $e in
	ccxmlc)
		out=$(timeout 120 "$W/$p" --sim --once --budget 2000000000 --heap-limit 1024 \
			--values n="$n" 2>"$W/err" | sed -n 's/.*ccxmlc //p') || true ;;
	duktape) out=$(timeout 120 "$W/duk-run" "bench/es/$p.js" "$n" 2>"$W/err" | sed -n 's/^duktape //p') || true ;;
	mujs) out=$(timeout 120 "$W/mujs-run" "bench/es/$p.js" "$n" 2>"$W/err" | sed -n 's/^mujs //p') || true ;;
	quickjs) out=$(timeout 120 "$QJS" --std bench/es/qjs-run.js "bench/es/$p.js" "$n" 2>"$W/err" | sed -n 's/^quickjs //p') || true ;;
	node) out=$(timeout 120 node bench/es/node-run.js "bench/es/$p.js" "$n" 2>"$W/err" | sed -n 's/^node //p') || true ;;
	esac
	[ -n "$out" ] || { [ -s "$W/err" ] || echo "no output (timeout or crash)" > "$W/err"; return 1; }
	echo "$out"
}

# one ENGINE PROG N: one more run, keeping the best time in T, the checksum in S, or the
# reason in N (then the engine is not run again)
one() {
	local e=$1 out s ms
	[ -n "${N[$e]:-}" ] && return
	if ! out=$(run "$@"); then N[$e]=$(reason "$W/err"); unset "T[$e]"; return; fi
	s=${out% *}; ms=${out#* }
	if [ -z "${S[$e]:-}" ]; then S[$e]=$s
	elif [ "$s" != "${S[$e]}" ]; then N[$e]="checksum changes between runs"; unset "T[$e]"; return; fi
	if [ -z "${T[$e]:-}" ] || awk -v a="$ms" -v b="${T[$e]}" 'BEGIN { exit !(a < b) }'; then T[$e]=$ms; fi
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b <= 0) print "–"; else printf "%.2f", a / b }'; }
fmt() { awk -v a="$1" 'BEGIN { printf "%.1f", a }'; }
# a table cell: the engine's time (flagged when its checksum differs from Node's) or n/a
cell() { if [ -n "${T[$1]:-}" ]; then echo "$(fmt "${T[$1]}")${F[$1]:-}"; else echo "n/a"; fi; }
# a ratio in bold when ccxmlc wins
bold() { awk -v r="$1" 'BEGIN { if (r != "–" && r + 0 > 1) printf "**%s**", r; else print r }'; }

ROWS=$W/rows.md
NOTES=$W/notes.md
LOSES=
: > "$ROWS"; : > "$NOTES"
# the QuickJS columns only when it runs
qh() { [ -n "$QJS" ] && printf "$@"; true; }
printf '%-8s %8s %9s %9s %9s %8s' program n ccxmlc duktape mujs node; qh ' %9s' quickjs
printf ' %8s %8s %8s' duk/cx mujs/cx node/cx; qh ' %8s' qjs/cx; echo
for p in $PROGS; do
	n=$(rounds "$p")
	unset T S N F
	declare -A T=() S=() N=() F=()
	if ! "$CCXMLC" -o "$W/$p" "bench/es/$p.ccxml" 2>"$W/err"; then
		N[ccxmlc]="does not compile: $(reason "$W/err")"
	fi
	# the engines take turns, so a change in the machine's load hits all of them alike
	for _ in $(seq "$R"); do
		for e in $ENGINES; do one "$e" "$p" "$n"; done
	done
	ref=${S[node]:-}
	# the compiled program must compute what Node computes; an interpreter that does not is flagged
	if [ -n "${S[ccxmlc]:-}" ] && [ -n "$ref" ] && [ "${S[ccxmlc]}" != "$ref" ]; then
		N[ccxmlc]="wrong checksum ${S[ccxmlc]}, node says $ref"; unset 'T[ccxmlc]'
	fi
	for e in duktape mujs quickjs; do
		if [ -n "${S[$e]:-}" ] && [ -n "$ref" ] && [ "${S[$e]}" != "$ref" ]; then
			F[$e]="†"
			echo "- $p: $e's checksum is ${S[$e]}, Node's $ref (its result differs, see below); its time is shown anyway." >> "$NOTES"
		else F[$e]=""; fi
	done
	cx=${T[ccxmlc]:-}
	rd=$(ratio "${T[duktape]:-}" "$cx"); ru=$(ratio "${T[mujs]:-}" "$cx"); rn=$(ratio "${T[node]:-}" "$cx")
	rq=$(ratio "${T[quickjs]:-}" "$cx")
	printf '%-8s %8s %9s %9s %9s %8s' "$p" "$n" "$(cell ccxmlc)" "$(cell duktape)" "$(cell mujs)" "$(cell node)"
	qh ' %9s' "$(cell quickjs)"
	printf ' %8s %8s %8s' "$rd" "$ru" "$rn"; qh ' %8s' "$rq"; echo
	for e in $ENGINES; do
		[ -n "${N[$e]:-}" ] && { echo "  $e: n/a (${N[$e]})"; echo "- $p: $e n/a (${N[$e]})" >> "$NOTES"; }
	done
	if [ -n "$QJS" ]; then
		echo "| $p | $n | $(cell ccxmlc) | $(cell duktape) | $(cell mujs) | $(cell quickjs) | $(cell node) | $(bold "$rd") | $(bold "$ru") | $(bold "$rq") | $rn |" >> "$ROWS"
	else
		echo "| $p | $n | $(cell ccxmlc) | $(cell duktape) | $(cell mujs) | $(cell node) | $(bold "$rd") | $(bold "$ru") | $rn |" >> "$ROWS"
	fi
	if [ -z "$cx" ] || awk -v d="$rd" -v m="$ru" 'BEGIN { exit !((d != "–" && d + 0 <= 1) || (m != "–" && m + 0 <= 1)) }'; then
		LOSES="$LOSES $p"
	fi
done

[ -n "${NO_DOC:-}" ] && exit 0

cpu=$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)
ver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
SECTION=$W/section.md
{
	echo "<!-- es-bench -->"
	echo "## ECMAScript programs: ccxmlc against Duktape, MuJS${QJS:+, QuickJS} and Node"
	echo
	echo "Measured by \`bench/es/run.sh\` on $(date -u +%Y-%m-%d) (load average $(cut -d' ' -f1-3 /proc/loadavg) at the end): $cpu, $(nproc) cores, $(uname -m) Linux;"
	echo "gcc $(gcc -dumpfullversion) (ccxmlc's default -O2), Duktape $(ver libduktape207), MuJS $(ver libmujs-dev),"
	[ -n "$QJS" ] && echo "QuickJS $QJS_VERSION (\`QUICKJS_DIR=... bench/es/run.sh\`, built by its own Makefile),"
	echo "Node $(node --version). Times in ms, best of $R runs, measured inside each engine around the call"
	echo "\`bench(n)\` (the compiled program: from its first round to its last, ES Date clock, whole ms,"
	echo "rounds spread over events of \`CHUNK\` rounds because its heap is collected only between events)."
	echo "A ratio above 1 means ccxmlc is faster. The programs are \`bench/es/*.js\`; every engine returns"
	echo "the same checksum (Node's is the reference; the script checks)."
	echo
	if [ -n "$QJS" ]; then
		echo "| program | rounds | ccxmlc | Duktape | MuJS | QuickJS | Node | Duktape/ccxmlc | MuJS/ccxmlc | QuickJS/ccxmlc | Node/ccxmlc |"
		echo "|---|---|---|---|---|---|---|---|---|---|---|"
	else
		echo "| program | rounds | ccxmlc | Duktape | MuJS | Node | Duktape/ccxmlc | MuJS/ccxmlc | Node/ccxmlc |"
		echo "|---|---|---|---|---|---|---|---|---|"
	fi
	cat "$ROWS"
	echo
	if [ -s "$NOTES" ]; then cat "$NOTES"; echo; fi
	if [ -n "$LOSES" ]; then
		echo "ccxmlc does not beat both interpreters on:$LOSES. Why, and what would fix it, follows"
		echo "(from profiles with \`valgrind --tool=callgrind\`; written by hand, re-check after compiler changes)."
	else
		echo "ccxmlc beats both interpreters on every program."
	fi
	echo
	cat bench/es/analysis.md
	echo "<!-- /es-bench -->"
} > "$SECTION"

# Replace the section between the markers, or append it when the page has none yet.
touch "$DOC"
if grep -q '^<!-- es-bench -->' "$DOC" && grep -q '^<!-- /es-bench -->' "$DOC"; then
	awk -v f="$SECTION" '
		/^<!-- es-bench -->/ { while ((getline l < f) > 0) print l; skip = 1; next }
		/^<!-- \/es-bench -->/ { skip = 0; next }
		!skip' "$DOC" > "$W/doc.md"
else
	{ cat "$DOC"; echo; cat "$SECTION"; } > "$W/doc.md"
fi
cp "$W/doc.md" "$DOC"
echo "wrote the ES section of $DOC"
