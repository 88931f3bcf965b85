#!/usr/bin/env bash
# Instructions an expression of the seed's log expressions with each string used (bench/run.sh's
# used form), counted by callgrind for the compiled program and for Node: a measure that a busy
# machine does not move, unlike bench/run.sh's clock. Each side runs at two sizes (N1 and N2
# rounds of 11 expressions); the difference over the expressions between them is the steady
# state's count: start-up cancels, and so do Node's compilers, warm well within N1 rounds.
#   bench/seed-instr.sh                 N1=1000000 N2=2000000 (about 2 minutes)
# Prints "ccxmlc I", "node I" (instructions an expression) and "node/ccxmlc R". It is not a
# time (the two need not run as many instructions a cycle), so the clock (bench/run.sh) stays
# the issue's measure; this one says how much work each side does, whatever the load.
set -euo pipefail
cd "$(dirname "$0")/.."
CCXMLC=${CCXMLC:-build/ccxmlc}
N1=${N1:-1000000}
N2=${N2:-2000000}
command -v valgrind >/dev/null || { echo "seed-instr: valgrind is needed (scripts/install-deps.sh installs it)" >&2; exit 1; }
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT

sed 's/sum += l.length;/sum += l.charCodeAt(l.length - 1);/' bench/seed-exprs.js >"$W/seed-used.js"
sed 's/seed-exprs\.js/seed-used.js/' bench/seed-exprs.ccxml >"$W/seed-used.ccxml"
[ "$(grep -c 'charCodeAt(l.length - 1)' "$W/seed-used.js")" = 11 ] ||
	{ echo "bench/seed-exprs.js: not the 11 'sum += l.length;' the used form replaces" >&2; exit 1; }
"$CCXMLC" -o "$W/seed-used" "$W/seed-used.ccxml"

# total INSTRUCTIONS of a callgrind run of the command
instr() {
	valgrind --tool=callgrind --callgrind-out-file="$W/cg" "$@" >/dev/null 2>"$W/vg" ||
		{ cat "$W/vg" >&2; exit 1; }
	callgrind_annotate "$W/cg" | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
}
c1=$(cd "$W" && instr ./seed-used --sim --once --budget 2000000000 --values n="$N1")
c2=$(cd "$W" && instr ./seed-used --sim --once --budget 2000000000 --values n="$N2")
# V8 writes code at run time: callgrind must look for it (--smc-check=all)
n1=$(instr --smc-check=all node bench/seed-node.js "$W/seed-used.js" "$N1")
n2=$(instr --smc-check=all node bench/seed-node.js "$W/seed-used.js" "$N2")
exprs=$(( (N2 - N1) * 11 ))
ci=$(echo "($c2 - $c1) / $exprs" | bc -l)
ni=$(echo "($n2 - $n1) / $exprs" | bc -l)
printf 'ccxmlc %.1f\nnode %.1f\nnode/ccxmlc %.2f\n' "$ci" "$ni" "$(echo "$ni / $ci" | bc -l)"
