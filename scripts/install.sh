#!/bin/sh
# scripts/install.sh — what `ninja install` runs (docs/install.md).
#   PREFIX=/usr/local DESTDIR= scripts/install.sh [BUILD]
# installs the compiler of BUILD (default build/, the optimised one) under DESTDIR/PREFIX:
#   bin/ccxmlc                         the compiler (stripped: nothing of this tree is left in it)
#   lib/ccxmlc/libcxrt.a, libcxstd.a   the runtime and the ECMAScript library
#   include/ccxmlc/                    cx.h, cx_gen.h, cx_elements.def, cx_value.h
#   lib/pkgconfig/ccxml.pc             for embedders (prefix relative to the .pc file)
#   share/man/man1/                    ccxmlc(1), ccxmlc-program(1)
# The installed tree is relocatable: ccxmlc finds its headers and libraries beside itself, so
# the whole PREFIX may be moved or copied elsewhere as it is.
set -eu
cd "$(dirname "$0")/.."
B=${1:-build}
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
case $PREFIX in
/*) ;;
*) echo "install.sh: PREFIX must be an absolute path (got '$PREFIX')" >&2; exit 2 ;;
esac
for f in "$B/ccxmlc" "$B/libcxrt.a" "$B/libcxstd.a" "$B/man/ccxmlc.1" "$B/man/ccxmlc-program.1"; do
	[ -f "$f" ] || { echo "install.sh: $f is missing: run ninja first" >&2; exit 2; }
done
# The system libraries a program links, as the compiler was built with them.
syslibs=$(sed -n 's/^syslibs = //p' build.ninja)
version=$(sed -n 's/^#define CCXMLC_VERSION "\(.*\)"/\1/p' compiler/compiler.h)
[ -n "$version" ] || { echo "install.sh: no CCXMLC_VERSION in compiler/compiler.h" >&2; exit 2; }

R=$DESTDIR$PREFIX
install -d "$R/bin" "$R/lib/ccxmlc" "$R/include/ccxmlc" "$R/lib/pkgconfig" "$R/share/man/man1"
install -m 755 "$B/ccxmlc" "$R/bin/ccxmlc"
strip "$R/bin/ccxmlc"
for a in libcxrt.a libcxstd.a; do
	install -m 644 "$B/$a" "$R/lib/ccxmlc/$a"
	strip --strip-debug "$R/lib/ccxmlc/$a"
done
install -m 644 runtime/include/cx.h runtime/include/cx_gen.h runtime/include/cx_elements.def \
	stdlib/include/cx_value.h "$R/include/ccxmlc/"
install -m 644 "$B/man/ccxmlc.1" "$B/man/ccxmlc-program.1" "$R/share/man/man1/"
cat >"$R/lib/pkgconfig/ccxml.pc" <<EOF
# ccxmlc's runtime for programs that embed compiled CCXML documents (docs/embedding.md).
# prefix is found from this file's place, so the installed tree can be moved.
prefix=\${pcfiledir}/../..
includedir=\${prefix}/include/ccxmlc
libdir=\${prefix}/lib/ccxmlc
# For documents fetched and compiled at run time (docs/fetch.md): link with these instead.
fetch_libs=-rdynamic -L\${libdir} -Wl,--whole-archive -lcxrt -lcxstd -Wl,--no-whole-archive $syslibs

Name: ccxml
Description: Runtime of CCXML 1.0 documents compiled to C by ccxmlc
Version: $version
Cflags: -I\${includedir}
Libs: -L\${libdir} -lcxrt -lcxstd $syslibs
EOF
chmod 644 "$R/lib/pkgconfig/ccxml.pc"
echo "installed ccxmlc $version in $R"
