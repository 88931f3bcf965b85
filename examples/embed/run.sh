#!/usr/bin/env bash
# Builds the embedding example exactly as README.md says, against BUILD (build or build/asan),
# runs it and compares its output with the expected output in README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${1:-build}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
mode=""
case "$B" in *asan*) mode="-fsanitize=address,undefined -fno-omit-frame-pointer" ;; esac
"$B/ccxmlc" -c -o "$W/door.o" examples/embed/door.ccxml
test -f "$W/door.o" && test -f "$W/door.h"
# shellcheck disable=SC2086
cc -std=c11 -D_DEFAULT_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET6 $mode \
   -Iruntime/include -Istdlib/include -I/usr/include/re -I/usr/include/rem -I"$W" \
   examples/embed/embed_demo.c "$W/door.o" "$B/libcxrt.a" "$B/libcxstd.a" \
   -lrem -lre -lxml2 -lcurl -lpcre2-16 -lflite_cmu_us_kal -lflite_usenglish -lflite_cmulex -lflite \
   -lspeexdsp -lssl -lcrypto -lpthread -lm -o "$W/embed_demo"
"$W/embed_demo" > "$W/out.txt"
# The expected output is the block after "Expected output:" in README.md.
awk '/^Expected output:/ {f=1; next} f && /^```$/ {if (in_) exit; in_=1; next} in_ {print}' \
    examples/embed/README.md > "$W/want.txt"
diff -u "$W/want.txt" "$W/out.txt"
# The same program as C++ (the public headers and FILE.h have extern "C"): a C++ program
# embeds the engine with no change.
if command -v g++ > /dev/null; then
	# shellcheck disable=SC2086
	g++ -std=c++17 -x c++ -Wall -Werror -D_DEFAULT_SOURCE -DHAVE_INTTYPES_H -DHAVE_STDBOOL_H -DHAVE_INET6 $mode \
	   -Iruntime/include -Istdlib/include -I/usr/include/re -I/usr/include/rem -I"$W" \
	   examples/embed/embed_demo.c -x none "$W/door.o" "$B/libcxrt.a" "$B/libcxstd.a" \
	   -lrem -lre -lxml2 -lcurl -lpcre2-16 -lflite_cmu_us_kal -lflite_usenglish -lflite_cmulex -lflite \
	   -lspeexdsp -lssl -lcrypto -lpthread -lm -o "$W/embed_demo_cxx"
	"$W/embed_demo_cxx" > "$W/out_cxx.txt"
	diff -u "$W/want.txt" "$W/out_cxx.txt"
	echo "embed: C++ ok"
fi
echo "embed: ok"
