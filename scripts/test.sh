#!/usr/bin/env bash
# The README's test command: dependencies, the build (optimised and sanitizer), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
ninja
ninja test
