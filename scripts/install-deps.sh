#!/usr/bin/env bash
# Installs everything ccxmlc needs on Debian 12, as root. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# python3-cryptography: tests/sip/srtp_send.py (an SRTP far end written from RFC 3711, its AES).
# graphviz: docs/step5.svg from `ccxmlc --dot` (the build's default targets).
# clang, libclang-rt-dev (libFuzzer, sanitizer runtimes) and llvm (llvm-symbolizer): tests/fuzz/.
PKGS="build-essential pkg-config ninja-build libxml2-dev libtree-sitter-dev libre-dev librem-dev \
libcurl4-openssl-dev flite1-dev flite libpcre2-dev \
libspeexdsp-dev duktape-dev mujs libmujs-dev baresip-core sip-tester wrk sox bc tshark python3 python3-cryptography curl ca-certificates \
clang libclang-rt-dev llvm gdb valgrind prometheus systemd kamailio haproxy tcc libtcc-dev graphviz qt6-scxml-dev libfaketime"
# --build-only: only what `ninja` needs (compiler, runtime, libraries, docs/step5.svg), not the
# peers and tools the tests and benchmarks run.
BUILD_PKGS="build-essential pkg-config ninja-build libxml2-dev libtree-sitter-dev libre-dev librem-dev \
libcurl4-openssl-dev flite1-dev libpcre2-dev libspeexdsp-dev tcc libtcc-dev graphviz"
case "${1:-}" in
  --build-only) PKGS=$BUILD_PKGS ;;
  "") ;;
  *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
esac

# The versions in docs/dependency-stack.md are Debian 12's (bookworm): say so elsewhere.
if ! grep -qs '^VERSION_ID="12"' /etc/os-release || ! grep -qs '^ID=debian' /etc/os-release; then
  echo "install-deps: this script installs Debian 12 (bookworm) packages; this system is" \
       "'$(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown}")'." \
       "Install the equivalents of: $PKGS" >&2
  exit 1
fi
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js (with npm) may come from another source than Debian; install Debian's only when absent.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  echo "install-deps: installing:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $missing >/dev/null
fi

# tree-sitter-javascript 0.23.1 from npm, checked against its published integrity hash.
TSJS_VER=0.23.1
TSJS_SHA256=90e80b25a67517a4daf6ad751557bee21efbda7b7a5a554897933245d1734398
dest=third_party/tree-sitter-javascript
if [ ! -f "$dest/.ok-$TSJS_VER" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent --ignore-scripts "tree-sitter-javascript@$TSJS_VER" >/dev/null)
  tgz="$tmp/tree-sitter-javascript-$TSJS_VER.tgz"
  echo "$TSJS_SHA256  $tgz" | sha256sum -c --quiet - || { echo "install-deps: tree-sitter-javascript hash mismatch" >&2; exit 1; }
  rm -rf "$dest"; mkdir -p "$dest"
  tar -xzf "$tgz" -C "$tmp"
  cp -r "$tmp/package/src" "$dest/src"
  cp "$tmp/package/LICENSE" "$dest/" 2>/dev/null || true
  touch "$dest/.ok-$TSJS_VER"
  rm -rf "$tmp"
fi
