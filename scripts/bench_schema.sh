#!/usr/bin/env bash
# bench_schema.sh - times recval's JSON Schema engine against ajv-cli (Node)
# and Python jsonschema on the same work: every __data__ item of the corpus
# validated against the schema/types/ schema of its __type__.
#
# The work is prepared once (scripts/bench/schema_data.py): data.json holds
# {"<__type__>": [every __data__ of that type]} and schema.json is a wrapper
# {"properties": {"<__type__>": {"type": "array", "items": {"$ref": "<its
# schema>"}}}}. Each tool then runs once per timing on those two files, with
# every $ref served locally from schema/ (recval: --base; ajv: -r; Python:
# a RefResolver store), so each parses the same 25 MB of JSON, compiles the
# same schemas and validates the same items. Times are wall clock, whole
# process, best of RUNS.
#
# usage: scripts/bench_schema.sh [CORPUS] [RUNS]   (default ../shared/corpus, 3)
# Needs a Release build (made in $BUILD, default build-bench), npm for ajv-cli
# (installed into a temporary directory, removed afterwards) and Debian's
# python3-jsonschema (/usr/bin/python3). A tool that is missing is skipped.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
corpus=${1:-$top/../shared/corpus}
runs=${2:-3}
build=${BUILD:-$top/build-bench}
if [ ! -d "$corpus" ]; then
    echo "bench_schema: $corpus does not exist; nothing to measure"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake -S "$top" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j2 --target recval >/dev/null

echo "preparing the __data__ items of $corpus:"
/usr/bin/python3 "$top/scripts/bench/schema_data.py" "$corpus" "$top/schema" "$work"
schema=$work/schema.json
data=$work/data.json
echo "data: $(($(wc -c <"$data") / 1000000)) MB in one file"

# Best of $runs wall-clock runs of a command that must exit 0, in seconds.
best() {
    /usr/bin/python3 - "$runs" "$@" <<'PY'
import subprocess, sys, time
runs, cmd = int(sys.argv[1]), sys.argv[2:]
best = None
for _ in range(runs):
    t0 = time.monotonic()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
    t = time.monotonic() - t0
    if rc != 0:
        sys.exit("bench_schema: %s exited %d (the corpus data should all be valid)" % (cmd[0], rc))
    best = t if best is None or t < best else best
print("%.3f" % best)
PY
}

cc -O2 -o "$work/jsonc_parse_only" "$top/scripts/bench/jsonc_parse_only.c" \
    $(pkg-config --cflags --libs json-c)
echo "$data" >"$work/list"
parse_time=$(best "$work/jsonc_parse_only" "$work/list")
recval_time=$(best "$build/recval" schema --base="https://recval.dev/schema/=$top/schema" \
    "$schema" "$data")

ajv_time=
if command -v npm >/dev/null &&
    npm install --silent --no-audit --no-fund --prefix "$work/npm" ajv-cli ajv-formats \
        >/dev/null 2>&1; then
    ajv_time=$(best "$work/npm/node_modules/.bin/ajv" validate --spec=draft2020 --strict=false \
        -c ajv-formats -s "$schema" -d "$data" -r "$top/schema/types/*.schema.json")
else
    echo "bench_schema: npm install of ajv-cli failed or npm is missing: ajv skipped"
fi

python_time=
if /usr/bin/python3 -c 'import jsonschema' 2>/dev/null; then
    python_time=$(best /usr/bin/python3 "$top/scripts/bench/schema_python.py" "$top/schema" \
        "$schema" "$data")
else
    echo "bench_schema: python3-jsonschema is missing: Python skipped"
fi

/usr/bin/python3 - "$recval_time" "${ajv_time:-}" "${python_time:-}" "$runs" "$parse_time" <<'PY'
import sys
recval, ajv, python, runs, parse = sys.argv[1:6]
print("best of %s runs, whole process (parse + compile + validate):" % runs)
print("  recval schema       %7.3f s  (json-c parsing and freeing the data alone: %.3f s)"
      % (float(recval), float(parse)))
for name, t in (("ajv-cli (Node)", ajv), ("Python jsonschema", python)):
    if t:
        print("  %-18s  %7.3f s  (%.2fx recval)" % (name, float(t), float(t) / float(recval)))
    else:
        print("  %-18s  skipped" % name)
PY
