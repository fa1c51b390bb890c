#!/usr/bin/env bash
# bench.sh - how recval's single-threaded validation compares with just
# parsing the same files with json-c, in one run: the plain and the strict
# parse baselines, recval with each rule family on alone and with all of
# them, --jobs=2, then the long-stream series. Wall times are medians of
# alternating runs; instruction counts (callgrind) stand next to them so that
# a change can be judged on a noisy machine. The driver is
# scripts/bench/bench.py, which says what each row means.
#
# usage: scripts/bench.sh [CORPUS] [RUNS]   (default ../shared/corpus, 5 runs)
# environment: INSNS=0 skips callgrind; STREAMS="25000 50000" picks the
# stream sizes (STREAMS= skips them); STREAM_BUDGET=4G is the memory budget
# given to the stream runs.
# Builds a Release recval in build-bench (made here if missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus}
runs=${2:-5}
if [ ! -d "$corpus" ]; then
    echo "bench: $corpus does not exist; nothing to measure"
    exit 0
fi
build=$top/build-bench
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target recval >/dev/null
cc -O2 -o "$build/jsonc_parse_only" "$top/scripts/bench/jsonc_parse_only.c" \
    $(pkg-config --cflags --libs json-c)
exec python3 "$top/scripts/bench/bench.py" "$build" "$(cd "$corpus" && pwd)" "$runs"
