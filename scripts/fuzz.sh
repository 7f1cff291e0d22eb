#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer and UBSan) into build-fuzz/ and runs each for
# a bounded time, seeded with the samples. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 20).
# A crash, a leak or a sanitizer report fails it; the failing input is left in build-fuzz/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
seconds="${1:-20}"
samples="$(cd .. && pwd)/shared/samples"
build=build-fuzz

CC=clang CXX=clang++ cmake -S . -B "$build" -DWA_FUZZ=ON -DWA_BUILD_TESTS=OFF -DWA_BUILD_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz_httprequestparser fuzz_webhookeventparser fuzz_messagecodec

# Seeds: the sample payloads; the HTTP parser gets each webhook sample wrapped in a request.
mkdir -p "$build/seeds/http" "$build/seeds/webhooks" "$build/seeds/messages"
cp "$samples"/webhooks/*.json "$build/seeds/webhooks/"
cp "$samples"/messages/*.json "$samples"/messages/invalid/*.json "$build/seeds/messages/"
for f in "$samples"/webhooks/*.json; do
    {
        printf 'POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' \
            "$(wc -c <"$f")"
        cat "$f"
    } >"$build/seeds/http/$(basename "$f").http"
done

run() {
    local target="$1" seeds="$2"
    echo "== fuzzing $target for ${seconds} s"
    mkdir -p "$build/corpus/$target"
    (cd "$build" && "./fuzz/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 "corpus/$target" "$seeds" 2>&1 | tail -n 12)
}
run fuzz_httprequestparser seeds/http
run fuzz_webhookeventparser seeds/webhooks
run fuzz_messagecodec seeds/messages
echo "== fuzzing found nothing"
