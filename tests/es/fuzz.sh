#!/usr/bin/env bash
# tests/es/fuzz.sh — a long differential fuzz run (docs/testing-es.md).
#   usage: tests/es/fuzz.sh [--seconds N] [--seed S] [--build DIR]
# Defaults: 300 seconds, seed from the clock (printed, so a run can be replayed), build/.
set -u
cd "$(dirname "$0")/../.."
secs=300 seed=$(( $(date +%s) % 1000000 )) build=build
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) secs=$2; shift 2 ;;
	--seed) seed=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: tests/es/fuzz.sh [--seconds N] [--seed S] [--build DIR]" >&2; exit 2 ;;
	esac
done
echo "fuzz: seed $seed, $secs s, $build"
exec timeout -k 5 $((secs + 120)) node tests/es/fuzz.js "$build" --seed "$seed" --seconds "$secs"
