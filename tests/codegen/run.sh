#!/bin/sh
# tests/codegen/run.sh — ECMAScript snippets compiled by ccxmlc and run against the real stdlib
# (with a stand-in runtime, harness.c), compared with what node prints for the same script.
#   usage: tests/codegen/run.sh [path/to/ccxmlc]   (from the top of the checkout)
set -u
CCXMLC=$(realpath "${1:-build/ccxmlc}")
LIBDIR=$(dirname "$CCXMLC")
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
pass=0 fail=0
gcc -std=c11 -c -Istdlib/include -Iruntime/include tests/codegen/harness.c -o "$T/harness.o" $(case "$LIBDIR" in */asan) echo "-fsanitize=address,undefined";; esac) || exit 1
ar crs "$T/libcxrt.a" "$T/harness.o"
cp "$LIBDIR/libcxstd.a" "$T/" || exit 1
for js in tests/codegen/es/*.js; do
	name=$(basename "$js" .js)
	{
		printf '<?xml version="1.0"?>\n<ccxml version="1.0">\n<var name="out" expr="[]"/>\n<script><![CDATA[\n'
		printf 'function p(x) { out.push(String(x)); }\n'
		cat "$js"
		printf '\n]]></script>\n<eventprocessor><transition event="ccxml.loaded"><log expr="out.join(%s)"/><exit/></transition></eventprocessor>\n</ccxml>\n' "'\\n'"
	} > "$T/$name.ccxml"
	expected=$(timeout 10 node -e "var out = []; function p(x) { out.push(String(x)); }
$(cat "$js")
console.log(out.join('\n'))" 2>&1)
	if ! (cd "$T" && CC="gcc -Wall -Wextra -Werror" CCXMLC_LIBDIR="$T" timeout 60 "$CCXMLC" -o "$name" "$name.ccxml" 2> "$name.err"); then
		echo "FAIL $name: does not compile"; sed 's/^/    /' "$T/$name.err" | head -20; fail=$((fail + 1)); continue
	fi
	got=$(cd "$T" && timeout 10 ./"$name" 2>&1)
	if [ "$got" = "$expected" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL $name"; printf '%s\n' "$expected" > "$T/e"; printf '%s\n' "$got" > "$T/g"
		diff "$T/e" "$T/g" | head -20 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
# Whole documents (transition scope, closures, application, if/elseif, error.semantic).
for doc in tests/codegen/doc/*.ccxml; do
	name=$(basename "$doc" .ccxml)
	cp "$doc" "$T/$name.ccxml"
	if ! (cd "$T" && CC="gcc -Wall -Wextra -Werror" CCXMLC_LIBDIR="$T" timeout 60 "$CCXMLC" -o "$name" "$name.ccxml" 2> "$name.err"); then
		echo "FAIL $name: does not compile"; sed 's/^/    /' "$T/$name.err" | head -20; fail=$((fail + 1)); continue
	fi
	(cd "$T" && timeout 20 ./"$name" > "$name.out" 2>&1)
	if cmp -s "$T/$name.out" "tests/codegen/doc/$name.expected"; then
		pass=$((pass + 1))
	else
		echo "FAIL $name"; diff "tests/codegen/doc/$name.expected" "$T/$name.out" | head -20 | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "codegen: $pass passed, $fail failed"
[ "$fail" = 0 ]
