#!/usr/bin/env bash
# The README's main job: build ccxmlc, compile the seed tutorial's outbound application
# (examples/outbound/step5.ccxml) and run it on the simulated telephony platform, showing its log.
# Exit status: the application's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
ninja build/ccxmlc

work=build/main-job
mkdir -p "$work"
# The tutorial plays someFile.wav (falling back to its text= part). Make a short one: with the
# flite voice when the flite program is installed, else a two-second tone with sox.
if command -v flite >/dev/null 2>&1; then
	flite -t "This is an automated call from the ccxml compiler." -o "$work/someFile.wav"
	sox "$work/someFile.wav" -r 8000 -c 1 -b 16 "$work/someFile.8k.wav" && mv "$work/someFile.8k.wav" "$work/someFile.wav"
else
	sox -n -r 8000 -c 1 -b 16 "$work/someFile.wav" synth 2 sine 440
fi

build/ccxmlc -o "$work/outbound" examples/outbound/step5.ccxml
echo "main-job: running examples/outbound/step5.ccxml under --sim --once" >&2
cd "$work"
set +e
./outbound --sim --once
status=$?
echo "main-job: the application ended with status $status" >&2
exit $status
