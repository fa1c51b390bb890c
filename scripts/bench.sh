#!/usr/bin/env bash
# bench.sh - times single-threaded `recval validate` over a tree of
# recordings next to the json-c parse-only time on the same files, and what
# request hashing and schema checking each add (measured by switching their
# families off with --ignore).
# usage: scripts/bench.sh [DIR] [RUNS]   (default ../shared/corpus, 5 runs)
# Needs a Release build in build-bench (made here if missing).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$top/../shared/corpus}
runs=${2:-5}
if [ ! -d "$dir" ]; then
    echo "bench: $dir does not exist; nothing to measure"
    exit 0
fi
build=$top/build-bench
cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target recval >/dev/null
cc -O2 -o "$build/jsonc_parse_only" "$top/scripts/bench/jsonc_parse_only.c" \
    $(pkg-config --cflags --libs json-c)
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$dir" -name '*.json' -type f | LC_ALL=C sort >"$list"
nfiles=$(wc -l <"$list")
bytes=$(xargs -d '\n' cat <"$list" | wc -c)

# Best of N wall-clock runs, in seconds.
best() {
    local best=
    for _ in $(seq "$runs"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null
        t1=$(date +%s.%N)
        best=$(python3 -c "import sys; t=$t1-$t0; b='$best'; print(t if not b or t<float(b) else b)")
    done
    echo "$best"
}
cat "$list" >/dev/null # warm the page cache
xargs -d '\n' cat <"$list" >/dev/null
parse=$(best "$build/jsonc_parse_only" "$list")
set +e
run() { best "$build/recval" validate --jobs=1 --format=json "$@" "$dir"; }
base=$(run --ignore=schema,request-hash)
hashed=$(run --ignore=schema)
full=$(run)
set -e
python3 - "$nfiles" "$bytes" "$parse" "$base" "$hashed" "$full" <<'PY'
import sys
n, b = int(sys.argv[1]), int(sys.argv[2])
p, base, hashed, full = map(float, sys.argv[3:])
print(f"files:                 {n} ({b/1e6:.1f} MB), best of runs, --jobs=1")
print(f"json-c parse only:     {p:.3f} s")
print(f"recval, no hash/schema {base:.3f} s  {base/p:.2f}x parse   (--ignore=schema,request-hash)")
print(f"recval, + hashing      {hashed:.3f} s  {hashed/p:.2f}x parse   hashing adds {100*(hashed-base)/base:+.0f}%")
print(f"recval, everything     {full:.3f} s  {full/p:.2f}x parse   schema adds {100*(full-hashed)/hashed:+.0f}%")
PY
