#!/usr/bin/env bash
# tests/install/run.sh — `ninja install` as a packager and a user meet it (docs/install.md):
#   1. scripts/install.sh (what `ninja install` runs) with PREFIX and DESTDIR into a staging dir;
#   2. the tree moved elsewhere: nothing in it names this source tree, and its ccxmlc compiles
#      and runs the seed's step 5 from another directory with a PATH without the build;
#   3. clear messages naming CCXMLC_HOME / CCXMLC_LIBDIR when the headers or libraries are gone;
#   4. ccxml.pc: pkg-config's flags build examples/embed (C) against the moved tree, and it runs;
#   5. the man pages render without warnings and list every option of the programs' --help.
# Needs build/ built (ninja). Prints one line per check; exits 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
SRC=$(pwd)
W=$(mktemp -d /tmp/ccxmlc-install.XXXXXX)
trap 'rm -rf "$W"' EXIT
fails=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fails=$((fails + 1)); }
check() { local what=$1; shift; if "$@" >"$W/out" 2>&1; then ok "$what"; else bad "$what: $(head -c 600 "$W/out")"; fi; }

# 1. Install with PREFIX and DESTDIR.
check "install.sh PREFIX=/opt/ccxml DESTDIR=stage" env PREFIX=/opt/ccxml DESTDIR="$W/stage" scripts/install.sh build
P=$W/stage/opt/ccxml
[ -x "$P/bin/ccxmlc" ] || { echo "install: nothing installed, stopping"; exit 1; }
for f in bin/ccxmlc lib/ccxmlc/libcxrt.a lib/ccxmlc/libcxstd.a include/ccxmlc/cx.h include/ccxmlc/cx_gen.h \
	include/ccxmlc/cx_elements.def include/ccxmlc/cx_value.h lib/pkgconfig/ccxml.pc \
	share/man/man1/ccxmlc.1 share/man/man1/ccxmlc-program.1; do
	[ -f "$P/$f" ] || bad "installed file $f missing"
done
check "a relative PREFIX is refused" bash -c "! PREFIX=rel DESTDIR='$W/x' scripts/install.sh build 2>'$W/err' && grep -q 'PREFIX must be an absolute path' '$W/err'"

# 2. Moved: nothing refers to the source tree; it compiles and runs step 5 on its own.
mv "$P" "$W/moved"
M=$W/moved
if grep -rlF "$SRC" "$M" >"$W/hits"; then bad "the installed tree names the source tree: $(cat "$W/hits")"; else ok "no file of the installed tree names $SRC"; fi
cp examples/outbound/step5.ccxml "$W/app.ccxml"
check "moved ccxmlc compiles step 5 (PATH without the build, another directory)" \
	bash -c "cd '$W' && env -u CCXMLC_HOME -u CCXMLC_LIBDIR PATH=/usr/bin:/bin '$M/bin/ccxmlc' -o app app.ccxml"
check "the program runs the seed's answered call" \
	bash -c "cd '$W' && timeout 60 ./app --sim --once >run.log 2>&1 && grep -q 'CALL WAS ANSWERED' run.log && grep -q 'DIALOG EXIT REACHED' run.log || { tail -5 run.log; false; }"
check "the program was made by the moved compiler (CCXMLC is that ccxmlc)" \
	bash -c "grep -aqF '$M/bin/ccxmlc' '$W/app'"

# 3. Clear messages when something is missing.
mv "$M/lib/ccxmlc" "$M/lib/gone"
check "missing libraries: the message names CCXMLC_LIBDIR" \
	bash -c "cd '$W' && ! '$M/bin/ccxmlc' -o app2 app.ccxml 2>err && grep -q 'cannot find the runtime libraries libcxrt.a and libcxstd.a in .*CCXMLC_LIBDIR' err"
check "CCXMLC_LIBDIR finds them elsewhere" \
	bash -c "cd '$W' && CCXMLC_LIBDIR='$M/lib/gone' '$M/bin/ccxmlc' -o app2 app.ccxml"
mv "$M/lib/gone" "$M/lib/ccxmlc"
mv "$M/include" "$M/include.gone"
check "missing headers: the message names CCXMLC_HOME" \
	bash -c "cd '$W' && ! '$M/bin/ccxmlc' -o app3 app.ccxml 2>err && grep -q \"cannot find the runtime's headers (cx_gen.h).*CCXMLC_HOME\" err"
mv "$M/include.gone" "$M/include"
check "CCXMLC_HOME naming nothing useful is refused with its value" \
	bash -c "cd '$W' && ! CCXMLC_HOME=/nonexistent '$M/bin/ccxmlc' -o app3 app.ccxml 2>err && grep -q 'CCXMLC_HOME=/nonexistent holds neither' err"

# 4. pkg-config: the embedding example built against the moved tree.
export PKG_CONFIG_PATH=$M/lib/pkgconfig
check "pkg-config knows ccxml and its version" bash -c "pkg-config --modversion ccxml | grep -qx \"\$(sed -n 's/^#define CCXMLC_VERSION \"\\(.*\\)\"/\\1/p' compiler/compiler.h)\""
check "pkg-config --cflags points into the moved tree" bash -c "pkg-config --cflags ccxml | grep -qF -- '-I$M/lib/pkgconfig/../../include/ccxmlc'"
check "embed example: ccxmlc -c, then cc \$(pkg-config --cflags --libs ccxml)" bash -c "
	'$M/bin/ccxmlc' -c -o '$W/door.o' examples/embed/door.ccxml &&
	cc -std=c11 -I'$W' examples/embed/embed_demo.c '$W/door.o' \$(pkg-config --cflags --libs ccxml) -o '$W/embed_demo' &&
	'$W/embed_demo' >'$W/embed.out' && grep -q . '$W/embed.out'"
check "fetch_libs variable links a program that loads documents at run time" bash -c "
	cc -std=c11 -I'$W' examples/embed/embed_demo.c '$W/door.o' \$(pkg-config --cflags ccxml) \$(pkg-config --variable=fetch_libs ccxml) -o '$W/embed_demo2'"

# 5. Man pages.
for page in ccxmlc ccxmlc-program; do
	check "man $page renders without warnings" bash -c "MANWIDTH=80 man --warnings -l '$M/share/man/man1/$page.1' 2>'$W/mw' >'$W/$page.txt' && [ ! -s '$W/mw' ] || { cat '$W/mw'; false; }"
done
opts_of() { grep -oE '^  -[^ ]+( -[^ ,]+|, -[^ ]+)*' | grep -oE -- '-[A-Za-z0-9][-A-Za-z0-9=\[\]]*' | sed 's/\[=.*//'; }
"$M/bin/ccxmlc" --help | opts_of >"$W/copts"
"$W/app" --help | opts_of >"$W/popts"
for pair in "ccxmlc:copts" "ccxmlc-program:popts"; do
	page=${pair%%:*} list=${pair#*:}
	missing=$(while read -r o; do grep -qF -- "$o" "$W/$page.txt" || echo "$o"; done <"$W/$list")
	n=$(wc -l <"$W/$list")
	if [ -z "$missing" ] && [ "$n" -gt 10 ]; then ok "man $page lists all $n options of --help"; else bad "man $page misses: $missing (of $n)"; fi
done

[ $fails = 0 ] && echo "install: all checks passed" || echo "install: $fails failed"
[ $fails = 0 ]
