#!/bin/sh
# tests/codegen/run.sh — ECMAScript snippets compiled by ccxmlc and run against the real stdlib
# (with a stand-in runtime, harness.c), compared with what node prints for the same script.
# Then the generated C itself: byte for byte against tests/codegen/c/*.c (and the same twice),
# the ABI checks (an old cx_gen.h, a runtime of another ABI), and the #line information (gdb
# and addr2line on the seed's step 5, built with the real runtime).
#   usage: tests/codegen/run.sh [path/to/ccxmlc]   (from the top of the checkout)
#   UPDATE=1 tests/codegen/run.sh   rewrites tests/codegen/c/*.c from the current ccxmlc
set -u
CCXMLC=$(realpath "${1:-build/ccxmlc}")
LIBDIR=$(dirname "$CCXMLC")
ROOT=$(pwd)
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

# Generated C, byte for byte. The paths are given relative to the top of the checkout, as the
# `#line`s and cx_doc.name carry them.
golden() { # name source: what tests/codegen/c/name.c holds
	case $1 in
	step5) echo examples/outbound/step5.ccxml ;;
	*) echo "tests/codegen/doc/$1.ccxml" ;;
	esac
}
for name in step5 scopes callee numbers; do
	src=$(golden "$name")
	ok=1
	"$CCXMLC" --emit-c -o "$T/gen1.c" "$src" 2> "$T/gen.err" && "$CCXMLC" --emit-c -o "$T/gen2.c" "$src" 2>> "$T/gen.err" || ok=0
	if [ $ok = 1 ] && [ "${UPDATE:-}" = 1 ]; then
		cp "$T/gen1.c" "tests/codegen/c/$name.c"
	fi
	if [ $ok = 0 ]; then
		echo "FAIL generated C of $src: ccxmlc failed"; sed 's/^/    /' "$T/gen.err" | head -10
		fail=$((fail + 1))
	elif ! cmp -s "$T/gen1.c" "$T/gen2.c"; then
		echo "FAIL generated C of $src differs between two runs"; fail=$((fail + 1))
	elif ! cmp -s "tests/codegen/c/$name.c" "$T/gen1.c"; then
		echo "FAIL generated C of $src differs from tests/codegen/c/$name.c (UPDATE=1 rewrites it)"
		diff "tests/codegen/c/$name.c" "$T/gen1.c" | head -20 | sed 's/^/    /'
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done

# ABI: the real runtime ($LIBDIR) refuses a program whose document says another ABI, naming
# both versions; the generated C refuses to compile against a cx_gen.h of another ABI. The C
# compiler is wrapped to change the generated file (or the header) on its way in.
sox -n -r 8000 -c 1 -b 16 "$T/someFile.wav" synth 0.3 sine 440 2>/dev/null
mkdir -p "$T/abi/inc"
cp runtime/include/* "$T/abi/inc/"
sed -i 's/^#define CX_ABI_VERSION \([0-9]*\)$/#define CX_ABI_VERSION 999/' "$T/abi/inc/cx_gen.h"
cat > "$T/abi/cc-newer" <<'CC'
#!/bin/sh
for a; do case $a in *.c) sed -i 's/^\t\.abi = [0-9]*,$/\t.abi = 998,/; s/^\t\.made_by = "[^"]*",$/\t.made_by = "ccxmlc 9.9.9",/' "$a" ;; esac; done
exec gcc "$@"
CC
printf '#!/bin/sh\nexec gcc -I "%s" "$@"\n' "$T/abi/inc" > "$T/abi/cc-header"
chmod +x "$T/abi/cc-newer" "$T/abi/cc-header"
abi=$(sed -n 's/^#define CX_ABI_VERSION \([0-9]*\)$/\1/p' runtime/include/cx_gen.h)
if ! (cd "$T" && CC="$T/abi/cc-newer" CCXMLC_LIBDIR="$LIBDIR" timeout 60 "$CCXMLC" -o newer "$ROOT/examples/outbound/step5.ccxml" > abi.err 2>&1); then
	echo "FAIL abi: the program does not compile"; sed 's/^/    /' "$T/abi.err" | head; fail=$((fail + 1))
else
	(cd "$T" && timeout 20 ./newer --sim --once > newer.out 2>&1)
	rc=$?
	want="program built with ccxmlc 9.9.9 (ABI 998) against runtime "
	if [ $rc = 2 ] && grep -q -F "$want" "$T/newer.out" && grep -q -F "(ABI $abi)" "$T/newer.out" && ! grep -q 'EVENT\$' "$T/newer.out"; then
		pass=$((pass + 1))
	else
		echo "FAIL abi: a document of ABI 998 ran or was refused without the versions (exit $rc)"
		sed 's/^/    /' "$T/newer.out" | head; fail=$((fail + 1))
	fi
fi
(cd "$T" && CC="$T/abi/cc-header" CCXMLC_LIBDIR="$LIBDIR" timeout 60 "$CCXMLC" -o header "$ROOT/examples/outbound/step5.ccxml" > header.err 2>&1)
rc=$?
if [ $rc != 0 ] && grep -q -F "#error \"made by ccxmlc" "$T/header.err" && grep -q -F "for runtime ABI $abi, but this cx_gen.h is another ABI" "$T/header.err"; then
	pass=$((pass + 1))
else
	echo "FAIL abi: compiling against a cx_gen.h of ABI 999 did not stop with the #error (exit $rc)"
	sed 's/^/    /' "$T/header.err" | head; fail=$((fail + 1))
fi

# Exact lines: gdb's breakpoints at lines of three transitions are all in the right function (no
# line of C from another element carries their line; an ASan build may split one element into
# two locations, its code and its failure label), it stops there in order, and addr2line maps
# every transition_N back to the line of its <transition>.
if ! command -v gdb > /dev/null || ! command -v addr2line > /dev/null; then
	echo "FAIL lines: gdb and addr2line are needed (scripts/install-deps.sh)"; fail=$((fail + 1))
elif ! CCXMLC_LIBDIR="$LIBDIR" timeout 60 "$CCXMLC" -g -O0 -o "$T/lines" examples/outbound/step5.ccxml > "$T/lines.err" 2>&1; then
	echo "FAIL lines: step5 does not compile"; sed 's/^/    /' "$T/lines.err" | head; fail=$((fail + 1))
else
	s5=examples/outbound/step5.ccxml
	at() { grep -n -F -m1 "$1" "$s5" | cut -d: -f1; }
	# transition 1 (ccxml.loaded), 2 (connection.connected), 4 (dialog.exit)
	l1=$(at "<assign name=\"myState\" expr=\"'dialing'\"/>")
	l2=$(at "EVENT\$.CONNECTION.CONNECTIONID")
	l4=$(at "EVENT\$.NAME  = ")
	(cd "$T" && ASAN_OPTIONS=detect_leaks=0 timeout 120 gdb -nx -batch -ex "break step5.ccxml:$l1" \
		-ex "break step5.ccxml:$l2" -ex "break step5.ccxml:$l4" -ex "info breakpoints" -ex run \
		-ex continue -ex continue -ex continue --args ./lines --sim --once > gdb.out 2>&1)
	got=$( (sed -n -E 's/^[0-9.]+ .* in ([a-z_0-9]+) at ([^ ]*)$/at \1 \2/p' "$T/gdb.out" | sort -u
		sed -n -E 's/^Breakpoint [0-9.]+, ([a-z_0-9]+) \(.* at ([^ ]*)$/stop \1 \2/p' "$T/gdb.out") )
	want="at transition_1 $s5:$l1
at transition_2 $s5:$l2
at transition_4 $s5:$l4
stop transition_1 $s5:$l1
stop transition_2 $s5:$l2
stop transition_4 $s5:$l4"
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL lines: gdb on step5"; printf '%s\n' "$want" > "$T/e"; printf '%s\n' "$got" > "$T/g"
		diff "$T/e" "$T/g" | head -20 | sed 's/^/    /'; fail=$((fail + 1))
	fi
	want=$(grep -n '<transition' "$s5" | cut -d: -f1 | awk '{ printf "transition_%d %d\n", NR, $1 }')
	got=$(nm "$T/lines" | awk '$3 ~ /^transition_[0-9]+$/ { print $1, $3 }' | sort -k2,2V | while read -r addr fn; do
		printf '%s %s\n' "$fn" "$(addr2line -e "$T/lines" "0x$addr" | sed 's/.*://')"; done)
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL lines: addr2line of the transition functions"; printf '%s\n' "$want" > "$T/e"; printf '%s\n' "$got" > "$T/g"
		diff "$T/e" "$T/g" | head -20 | sed 's/^/    /'; fail=$((fail + 1))
	fi
fi
# A <script src>'s code carries its own file's lines: gdb stops at lib.js:3 in its function,
# addr2line maps the function to its line in lib.js, and the transition that calls it to the
# .ccxml.
mkdir -p "$T/src"
printf '// a library\nfunction boom(o) {\n  return o.x.y;\n}\n' > "$T/src/lib.js"
cat > "$T/src/t.ccxml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<ccxml version="1.0">
  <script src="lib.js"/>
  <eventprocessor>
    <transition event="ccxml.loaded">
      <var name="v" expr="boom({x: {y: 1}})"/>
      <exit/>
    </transition>
  </eventprocessor>
</ccxml>
XML
if command -v gdb > /dev/null && CCXMLC_LIBDIR="$LIBDIR" timeout 60 "$CCXMLC" -g -O0 -o "$T/src/t" "$T/src/t.ccxml" > "$T/src/err" 2>&1; then
	(cd "$T/src" && ASAN_OPTIONS=detect_leaks=0 timeout 120 gdb -nx -batch -ex "break lib.js:3" -ex run -ex "bt 2" \
		--args ./t --sim --once > gdb.out 2>&1)
	got=$(sed -n -E -e 's/^Breakpoint 1, ([a-z_0-9]+) \(.* at ([^ ]*)$/stop \1 \2/p' \
		-e 's/^#1 .* in ([a-z_0-9]+) \(.* at ([^ ]*)$/from \1 \2/p' "$T/src/gdb.out"
		printf 'fn %s\n' "$(addr2line -e "$T/src/t" "0x$(nm "$T/src/t" | awk '$3 == "f1_boom" { print $1 }')")")
	want="stop f1_boom $T/src/lib.js:3
from transition_1 $T/src/t.ccxml:6
fn $T/src/lib.js:2"
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL lines: a <script src>'s lines"; printf '%s\n' "$want" > "$T/e"; printf '%s\n' "$got" > "$T/g"
		diff "$T/e" "$T/g" | head -20 | sed 's/^/    /'; fail=$((fail + 1))
	fi
else
	echo "FAIL lines: the <script src> document does not compile (or no gdb)"; sed 's/^/    /' "$T/src/err" | head; fail=$((fail + 1))
fi
# Documents whose generated C once had an unused parameter or string constant, under gcc and
# clang with the warnings a user may give (tests/codegen/strict.sh does every document).
for cc in "gcc -Wall -Wextra -Werror" "clang -Wall -Wextra -Werror"; do
	for doc in tests/ccxml/wild-transition-name.ccxml tests/http/mail.ccxml tests/ccxml/es-strict-equality.ccxml tests/ccxml/s3-xml-escapes.ccxml; do
		if (cd "$T" && CC="$cc" timeout 60 "$CCXMLC" -w -c -o strict.o "$ROOT/$doc" > strict.err 2>&1); then
			pass=$((pass + 1))
		else
			echo "FAIL strict: $doc under $cc"; head -5 "$T/strict.err" | sed 's/^/    /'; fail=$((fail + 1))
		fi
	done
done
# --dot: the seed's step 5 as a state diagram, byte for byte, and Graphviz reads it.
if "$CCXMLC" -w --dot -o - examples/outbound/step5.ccxml > "$T/step5.dot" 2> "$T/dot.err" &&
	cmp -s "$T/step5.dot" tests/codegen/step5.dot && { ! command -v dot > /dev/null || dot -Tsvg "$T/step5.dot" -o "$T/step5.svg"; }; then
	pass=$((pass + 1))
else
	echo "FAIL dot: ccxmlc --dot on step5"; diff tests/codegen/step5.dot "$T/step5.dot" | head -10 | sed 's/^/    /'; fail=$((fail + 1))
fi
# The command line (docs/cli.md): -o naming an input, '-' for standard input, -MD/-MF, an
# unknown option, --version.
cli() { # name condition...: one check
	n=$1; shift
	if "$@"; then pass=$((pass + 1)); else echo "FAIL cli: $n"; fail=$((fail + 1)); fi
}
mkdir -p "$T/cli/lib"
printf 'var fromLib = 1;\n' > "$T/cli/lib/lib.js"
printf '<?xml version="1.0"?>\n<ccxml version="1.0">\n<script src="lib/lib.js"/>\n<eventprocessor><transition event="ccxml.loaded"><log expr="fromLib"/><exit/></transition></eventprocessor>\n</ccxml>\n' > "$T/cli/app.ccxml"
cp "$T/cli/app.ccxml" "$T/cli/app.orig"
(cd "$T/cli" && "$CCXMLC" -o app.ccxml app.ccxml 2> same.err); rc=$?
cli "-o naming the input is refused" test "$rc" = 1 -a "$(cat "$T/cli/same.err")" = "ccxmlc: error: -o app.ccxml names the input app.ccxml: the output would overwrite it"
cli "-o naming the input leaves it" cmp -s "$T/cli/app.ccxml" "$T/cli/app.orig"
(cd "$T/cli" && "$CCXMLC" --emit-c -o stdin.c - < app.ccxml 2> stdin.err)
cli "'-' reads standard input" grep -q 'fromLib' "$T/cli/stdin.c"
(cd "$T/cli" && "$CCXMLC" --emit-c -MD -o app.c app.ccxml && "$CCXMLC" --emit-c -MF deps.mk -o other.c app.ccxml)
cli "-MD lists the document and its <script src>" test "$(cat "$T/cli/app.d" 2>/dev/null)" = "app.c: \\
 app.ccxml \\
 lib/lib.js

app.ccxml:

lib/lib.js:"
cli "-MF names the file" grep -q '^other.c: ' "$T/cli/deps.mk"
"$CCXMLC" --emitc "$T/cli/app.ccxml" > /dev/null 2> "$T/cli/unk.err"
cli "an unknown option is one line with the nearest" test "$(cat "$T/cli/unk.err")" = "ccxmlc: error: unknown option '--emitc'; did you mean '--emit-c'? (ccxmlc --help lists them)"
cli "--version names the commit and libxml2" sh -c "'$CCXMLC' --version | grep -q 'commit .*' && '$CCXMLC' --version | grep -q '^libxml2 '"
# A failing C compiler: the message names the generated C, kept (in TMPDIR, here under $T).
mkdir -p "$T/kept"
(cd "$T" && TMPDIR="$T/kept" CC="gcc -DX=" timeout 60 "$CCXMLC" -w -o kept "$ROOT/tests/ccxml/s3-undeclared-assign.ccxml" > kept.err 2>&1)
kept=$(sed -n 's/^ccxmlc: error: the C compiler failed; the generated C is kept: \([^ ]*\.c\) (run with -v.*/\1/p' "$T/kept.err")
if [ -n "$kept" ] && [ -s "$kept" ] && grep -q 'neverDeclared' "$kept"; then
	pass=$((pass + 1))
else
	echo "FAIL kept: a failing cc does not name a kept .c file"; tail -3 "$T/kept.err" | sed 's/^/    /'; fail=$((fail + 1))
fi
echo "codegen: $pass passed, $fail failed"
[ "$fail" = 0 ]
