#!/bin/sh
# tests/invalid/run.sh CCXMLC — every NAME.ccxml here must fail to compile with exactly the
# diagnostics in NAME.err on stderr, exit status 1, and no output file.
# Optional NAME.flags holds extra command-line flags. Prints one line per failure and a summary;
# exits 1 if anything failed.
#   tests/invalid/run.sh build/ccxmlc        (paths may be relative to the current directory)
if [ $# -lt 1 ]; then
	echo "usage: $0 path/to/ccxmlc" >&2
	exit 2
fi
case $1 in
/*) cc=$1 ;;
*) cc=$(pwd)/$1 ;;
esac
cd "$(dirname "$0")" || exit 2
tmp=$(mktemp -d /tmp/ccxmlc-invalid.XXXXXX) || exit 2
trap 'rm -rf "$tmp"' EXIT
# The compiler frees nothing on purpose (it is short-lived): no leak reports under ASan.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export ASAN_OPTIONS
pass=0 fail=0
for src in *.ccxml; do
	name=${src%.ccxml}
	flags=
	[ -f "$name.flags" ] && flags=$(cat "$name.flags")
	rm -f "$tmp/out"
	# shellcheck disable=SC2086
	timeout 20 "$cc" $flags -o "$tmp/out" "$src" >"$tmp/stdout" 2>"$tmp/stderr"
	rc=$?
	why=
	if [ $rc -ne 1 ]; then
		why="exit status $rc, expected 1"
	elif [ -e "$tmp/out" ]; then
		why="an output file was written"
	elif [ ! -f "$name.err" ]; then
		why="no $name.err"
	elif ! cmp -s "$tmp/stderr" "$name.err"; then
		why="stderr differs from $name.err: $(diff "$name.err" "$tmp/stderr" | grep -m1 '^[<>]')"
	fi
	if [ -n "$why" ]; then
		echo "FAIL $name: $why"
		fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
done
echo "invalid: $pass passed, $fail failed"
[ $fail -eq 0 ]
