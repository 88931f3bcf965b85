#!/usr/bin/env bash
# tests/invalid/nesting.sh CCXMLC — deep nesting, generated here rather than committed (files of
# 10,000 brackets). Every construct one level past the limit is refused with a byte-exact
# diagnostic (file:line:col, source line, caret) and exit status 1; the same constructs at the
# limit compile, and the program runs and logs PASS. Called by tests/invalid/run.sh.
set -u
case $1 in /*) cc=$1 ;; *) cc=$(pwd)/$1 ;; esac
T=$(mktemp -d /tmp/ccxmlc-nesting.XXXXXX) || exit 2
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 2
LIMIT=1000
pass=0 fail=0

rep() { # rep N TEXT: TEXT N times
	local i out=
	for ((i = 0; i < $1; i++)); do out+=$2; done
	printf '%s' "$out"
}

# A document with `text` as the only line of a <script> (line 3).
script_doc() {
	printf '<?xml version="1.0"?>\n<ccxml version="1.0">\n<script>%s</script>\n</ccxml>\n' "$1"
}

# refused NAME LINE COL WHAT: NAME.ccxml must fail with exactly one diagnostic at LINE:COL.
refused() {
	local name=$1 line=$2 col=$3 msg=$4 src
	src=$(sed -n "${line}p" "$name.ccxml")
	# a line past 160 bytes is shown as 120 of them, from 60 before the caret, with "..."
	# where it is cut (compiler/diag.c; these lines are ASCII)
	local n=${#src} c0=$((col - 1)) from=0 to pre= post= pad
	to=$n
	if [ "$n" -gt 160 ]; then
		if [ $c0 -gt 60 ]; then from=$((c0 < n ? c0 - 60 : n - 120)); fi
		to=$((from + 120 < n ? from + 120 : n))
		[ $from -gt 0 ] && pre=...
		[ $to -lt $n ] && post=...
	fi
	pad=$(( ${#pre} + (c0 < to ? c0 : to) - from ))
	{
		printf '%s.ccxml:%d:%d: error: %s\n' "$name" "$line" "$col" "$msg"
		printf '%5d | %s%s%s\n' "$line" "$pre" "${src:from:to-from}" "$post"
		printf '      | %*s^\n' $pad ''
	} >"$name.want"
	rm -f "$name.out"
	timeout 60 "$cc" -o "$name.out" "$name.ccxml" 2>"$name.err"
	local rc=$? why=
	if [ $rc -ne 1 ]; then why="exit status $rc, expected 1"
	elif [ -e "$name.out" ]; then why="an output file was written"
	elif ! cmp -s "$name.want" "$name.err"; then why="stderr differs: $(head -c 300 "$name.err")"
	fi
	if [ -n "$why" ]; then
		echo "FAIL nesting $name: $why"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}

too="<script> nested too deeply (limit $LIMIT)"
over=$((LIMIT + 1))
pre='var r = '
# Each construct one level past the limit; the caret is on the construct that is one too deep.
script_doc "$pre$(rep $over '(')1$(rep $over ')');" >paren.ccxml
refused paren 3 $((9 + ${#pre} + LIMIT)) "$too"
script_doc "$pre$(rep $over '[')1$(rep $over ']');" >array.ccxml
refused array 3 $((9 + ${#pre} + LIMIT)) "$too"
script_doc "$pre$(rep $over 'String(')1$(rep $over ')');" >call.ccxml
refused call 3 $((9 + ${#pre} + 7 * LIMIT)) "$too"
script_doc "$pre$(rep $over 'true ? ')1$(rep $over ' : 0');" >ternary.ccxml
refused ternary 3 $((9 + ${#pre} + 7 * LIMIT)) "$too"
script_doc "$pre$(rep $over '!')1;" >unary.ccxml
refused unary 3 $((9 + ${#pre} + LIMIT)) "$too"
script_doc "${pre}Math$(rep $over '.x');" >member.ccxml
refused member 3 $((9 + ${#pre})) "$too"
script_doc "$pre$(rep $over '{a: ')1$(rep $over '}');" >object.ccxml
refused object 3 $((9 + ${#pre} + 4 * LIMIT)) "$too"
script_doc "$pre$(rep $over 'function () { return ')1;$(rep $over ' }');" >function.ccxml
refused function 3 $((9 + ${#pre} + 21 * LIMIT)) "$too"
script_doc "$(rep $over '{')var q;$(rep $over '}')" >block.ccxml
refused block 3 $((9 + LIMIT)) "$too"
script_doc "$(rep $over 'if (true) ')var q;" >if.ccxml
refused if 3 $((9 + 10 * LIMIT)) "$too"
# 10,000 levels: in a <script> and in an attribute expression
script_doc "$pre$(rep 10000 '(')1$(rep 10000 ')');" >paren10k.ccxml
refused paren10k 3 $((9 + ${#pre} + LIMIT)) "$too"
printf '<?xml version="1.0"?>\n<ccxml version="1.0">\n<var name="v" expr="%s1%s"/>\n</ccxml>\n' \
	"$(rep 10000 '[')" "$(rep 10000 ']')" >attr10k.ccxml
refused attr10k 3 $((21 + LIMIT)) "'expr' expression nested too deeply (limit $LIMIT)"
# 10,000 nested elements: libxml2 stops at its depth limit (256); one element per line
{
	printf '<?xml version="1.0"?>\n<ccxml version="1.0">\n<eventprocessor>\n<transition event="e">\n'
	for ((i = 0; i < 10000; i++)); do printf '<if cond="true">\n'; done
	rep 10000 '</if>'
	printf '\n</transition>\n</eventprocessor>\n</ccxml>\n'
} >elements.ccxml
refused elements 259 1 "elements nested too deeply (limit 256)"

# At the limit: everything compiles and runs. `ok.push(E === v)` is two levels (the call and the
# comparison), so E has LIMIT - 2. Conditionals become nested C blocks and functions become C
# functions, which cost gcc seconds at 1,000 (minutes on a loaded machine): in the program they
# nest CN deep; at the limit they are compiled to C only (cond.ccxml, --emit-c).
L2=$((LIMIT - 2)) CN=200
cat >deep.ccxml <<DOC
<?xml version="1.0"?>
<ccxml version="1.0">
<script>
var ok = [];
ok.push($(rep $L2 '(')1$(rep $L2 ')') === 1);
ok.push($(rep $((L2 - 1)) '[')1$(rep $((L2 - 1)) ']')[0] !== undefined);
ok.push($(rep $L2 'String(')1$(rep $L2 ')') === "1");
ok.push(($(rep $CN 'true ? ')1$(rep $CN ' : 0')) === 1);
ok.push($(rep $((L2 - 1)) '!')0 === true);
var m = {}; m.m = m;
ok.push(m$(rep $L2 '.m') === m);
ok.push(($(rep $((L2 / 2 - 1)) '{a: ')1$(rep $((L2 / 2 - 1)) '}'))$(rep $((L2 / 2 - 1)) '.a') === 1);
var f = $(rep $CN 'function (x) { return ')x;$(rep $CN ' }');
ok.push(f$(rep $CN '(1)') === 1);
var q = 0;
$(rep $((LIMIT - 1)) '{')q = 1;$(rep $((LIMIT - 1)) '}')
ok.push(q === 1);
$(rep $CN 'if (true) ')q = 2;
ok.push(q === 2);
</script>
<eventprocessor>
<transition event="ccxml.loaded">
<log expr="ok.join(',').indexOf('false') &lt; 0 &amp;&amp; ok.length == 10 ? 'PASS' : 'FAIL ' + ok"/>
<exit/>
</transition>
</eventprocessor>
</ccxml>
DOC
script_doc "var q = ($(rep $((L2 - 1)) 'true ? ')1$(rep $((L2 - 1)) ' : 0'));
$(rep $((LIMIT - 1)) 'if (true) ')q = 2;
var f = $(rep $LIMIT 'function (x) { return ')x;$(rep $LIMIT ' }');" >cond.ccxml
why=
if ! timeout 300 "$cc" --emit-c -o cond.c cond.ccxml >cond.log 2>&1; then why="cond.ccxml: $(head -c 300 cond.log)"
elif ! timeout 300 "$cc" -O0 -o deep deep.ccxml >deep.log 2>&1; then why="does not compile: $(head -c 300 deep.log)"
elif ! timeout 30 ./deep --sim --once >deep.run 2>&1; then why="run failed: $(head -c 300 deep.run)"
elif ! grep -q 'PASS$' deep.run || grep -q FAIL deep.run; then why="$(head -c 300 deep.run)"
fi
if [ -n "$why" ]; then
	echo "FAIL nesting deep: $why"
	fail=$((fail + 1))
else
	pass=$((pass + 1))
fi
echo "nesting: $pass passed, $fail failed"
[ $fail -eq 0 ]
