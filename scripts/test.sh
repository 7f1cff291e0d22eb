#!/usr/bin/env bash
# Installs what is missing, builds (with Qt's asserts on), starts the app once offscreen as a
# smoke test, then runs every test.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

wa_install_packages
wa_build -DQT_FORCE_ASSERTS=ON -DWA_BUILD_TESTS=ON

echo "== smoke test: the window starts and keeps running"
status=0
QT_QPA_PLATFORM=offscreen timeout 3 "$WA_BUILD/wa-composer" || status=$?
if [ "$status" -ne 124 ]; then
    echo "error: wa-composer exited with status $status within 3 seconds of starting" >&2
    exit 1
fi
echo "== running the tests"
cd "$WA_BUILD"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure --timeout 600


echo "== fuzzing (libFuzzer, AddressSanitizer): each target for a bounded time"
cd "$WA_ROOT"
./scripts/fuzz.sh "${WA_FUZZ_SECONDS:-15}"
