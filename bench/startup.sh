#!/usr/bin/env bash
# Benchmark (not a test): app start to first window, warm. Starts wa-composer RUNS times offscreen
# with WA_COMPOSER_STARTUP_PROBE=1 (the app prints when its first window has been painted and
# quits) and reports the median of the in-process figure and of the whole process's wall time.
#   bench/startup.sh [BUILD_DIR] [RUNS]
set -euo pipefail
build=${1:-build-release}
runs=${2:-20}
exe="$build/wa-composer"
[ -x "$exe" ] || { echo "no $exe: build it first" >&2; exit 2; }
export QT_QPA_PLATFORM=offscreen WA_COMPOSER_STARTUP_PROBE=1 XDG_DATA_HOME=$(mktemp -d)
"$exe" >/dev/null 2>&1 || true # warm the caches
inproc=()
wall=()
for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    line=$("$exe" 2>&1 | grep -o 'first window painted after [0-9.]* ms' || true)
    end=$(date +%s%N)
    inproc+=("$(echo "$line" | grep -o '[0-9.]* ms' | cut -d' ' -f1)")
    wall+=("$(( (end - start) / 1000000 ))")
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "startup: $runs runs, warm, offscreen"
echo "  first window painted (in process, from main()): median $(median "${inproc[@]}") ms"
echo "  whole process (exec to exit, includes loading Qt): median $(median "${wall[@]}") ms   (target: under 500 ms)"
