#!/bin/sh
# tests/codegen/strict.sh [path/to/ccxmlc] — every .ccxml of the checkout (tests/invalid and the
# fuzz seeds left out) compiled with `-c` under CC="gcc -Wall -Wextra -Werror" and under clang
# with the same flags: the generated C must be clean under any flags a user gives (issue 13).
# Slow (about 1.5 min per compiler on 2 cores): not part of tests/run.sh; tests/codegen/run.sh
# checks the documents that used to fail.
set -u
CCXMLC=$(realpath "${1:-build/ccxmlc}")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
bad=0
for cc in "gcc -Wall -Wextra -Werror" "clang -Wall -Wextra -Werror"; do
	command -v "${cc%% *}" > /dev/null || { echo "strict: ${cc%% *} missing"; bad=1; continue; }
	n=0 f=0
	for doc in $(git ls-files '*.ccxml' | grep -v -e '^tests/invalid/' -e '/fuzz/seeds/'); do
		n=$((n + 1))
		if ! CC="$cc" timeout 60 "$CCXMLC" -w -c -o "$T/o.o" "$doc" > "$T/log" 2>&1; then
			f=$((f + 1)); echo "FAIL $doc ($cc)"; head -5 "$T/log" | sed 's/^/    /'
		fi
	done
	echo "strict $cc: $n documents, $f failed"
	[ "$f" = 0 ] || bad=1
done
exit $bad
