#!/bin/sh
# Builds tests/front/frontcheck (the front end alone) into ${1:-/tmp/front}; run from the top.
set -e
cd "$(dirname "$0")/../.."
out=${1:-/tmp/front}
mkdir -p "$out"
F="-std=c11 -D_DEFAULT_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET6 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter -g ${SAN:-}"
I="-Icompiler -Istdlib/include -Iruntime/include -I/usr/include/libxml2"
for f in util diag xml check esparse; do
	gcc $F $I -c compiler/$f.c -o "$out/$f.o"
done
gcc $F $I -c tests/front/frontcheck.c -o "$out/frontcheck.o"
[ -f "$out/tsjs_parser.o" ] || gcc -O1 -w -Ithird_party/tree-sitter-javascript/src -c third_party/tree-sitter-javascript/src/parser.c -o "$out/tsjs_parser.o"
[ -f "$out/tsjs_scanner.o" ] || gcc -O1 -w -Ithird_party/tree-sitter-javascript/src -c third_party/tree-sitter-javascript/src/scanner.c -o "$out/tsjs_scanner.o"
gcc ${SAN:-} -o "$out/frontcheck" "$out/frontcheck.o" "$out"/util.o "$out"/diag.o "$out"/xml.o "$out"/check.o "$out"/esparse.o "$out/tsjs_parser.o" "$out/tsjs_scanner.o" -ltree-sitter -lxml2
