#!/usr/bin/env bash
# tests/es/localtime.sh — Date's zone without TZ when /etc/localtime is missing (UTC) or a copy
# of a zone's file rather than a link to it (lib_date.c then looks for the file with the same
# bytes, as ICU does): toString must print what node prints. Each runs in a mount namespace
# whose /etc is an empty directory, or one holding a copy of Europe/Paris.
#   usage: tests/es/localtime.sh [BUILD]   (skipped, status 0, where `unshare -rm` is refused)
set -u
cd "$(dirname "$0")/../.."
B=${1:-build}
[[ $B == /* ]] || B=$(pwd)/$B
if ! unshare -rm true 2>/dev/null; then
	echo "tests/es/localtime.sh: skipped: no user and mount namespaces (unshare -rm)"
	exit 0
fi
T=$(mktemp -d /tmp/ccxmlc-lt.XXXXXX)
trap 'rm -rf "$T"' EXIT
JS='print(new Date(2026, 0, 15, 12).toString()); print(new Date(2026, 6, 15, 12).toTimeString());'
node -e 'const lib = require("./tests/es/lib.js");
process.stdout.write(lib.ccxmlDoc(lib.program([{ name: "lt", body: [process.argv[1]] }], [])));' "$JS" >"$T/lt.ccxml"
export ASAN_OPTIONS=detect_leaks=0
"$B/ccxmlc" -O0 -o "$T/lt" "$T/lt.ccxml" || { echo "FAIL localtime: compile"; exit 1; }
mkdir "$T/etc"
fail=0
for form in missing copied; do
	rm -f "$T/etc/localtime"
	[ $form = copied ] && cp /usr/share/zoneinfo/Europe/Paris "$T/etc/localtime"
	got=$(cd "$T" && env -u TZ unshare -rm sh -c 'mount --bind "$1/etc" /etc && ./lt --sim --once' sh "$T" 2>/dev/null |
		sed -n 's/.*@@BEGIN\(.*\)@@END.*/\1/p' | sed 's/|~|/\n/g' | sed 's/^lt: //')
	want=$(env -u TZ unshare -rm sh -c 'mount --bind "$1/etc" /etc && node -e "
		print = (s) => console.log(s); $2"' sh "$T" "$JS" 2>/dev/null)
	if [ "$got" = "$want" ] && [ -n "$got" ]; then
		echo "ok   localtime $form: $(echo "$got" | head -1)"
	else
		echo "FAIL localtime $form"; echo "  node:    $want"; echo "  ccxmlc:  $got"; fail=1
	fi
done
exit $fail
