#!/usr/bin/env bash
# object-cycles.sh - lists the dependency cycles between the library's object
# files: object A depends on object B when A uses a symbol B defines (nm).
# Prints one line per cycle (a strongly connected component of more than one
# object), members sorted; prints nothing when there is none.
#   scripts/object-cycles.sh [BUILD_DIR]        (default: build)
set -euo pipefail
build=${1:-build}
objs=$(find "$build/CMakeFiles" -path '*recval*.dir/*' -name '*.o' \
       ! -path '*/suites/*' ! -path '*/cli/*' ! -name 'schema_bundle.c.o' | sort)
[ -n "$objs" ] || { echo "object-cycles: no objects under $build/CMakeFiles" >&2; exit 2; }
for o in $objs; do
    name=$(basename "$o" .c.o)
    nm -g --defined-only "$o" | awk -v n="$name" 'NF==3 {print "D", n, $3}'
    nm -g --undefined-only "$o" | awk -v n="$name" '{print "U", n, $NF}'
done | python3 -c '
import sys
from collections import defaultdict
defs, uses = {}, defaultdict(set)
for line in sys.stdin:
    kind, obj, sym = line.split()
    if kind == "D": defs[sym] = obj
    else: uses[obj].add(sym)
nodes = set(defs.values()) | set(uses)
graph = {n: sorted({defs[s] for s in uses[n] if s in defs and defs[s] != n}) for n in nodes}
index, low, stack, on, out = {}, {}, [], set(), []
def visit(v):
    index[v] = low[v] = len(index); stack.append(v); on.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v: break
        if len(comp) > 1: out.append(" ".join(sorted(comp)))
sys.setrecursionlimit(10000)
for n in sorted(nodes):
    if n not in index: visit(n)
for c in sorted(out): print(c)
'
