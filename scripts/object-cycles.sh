#!/usr/bin/env bash
# object-cycles.sh - lists the dependency cycles between the library's object
# files: object A depends on object B when A uses a symbol B defines (nm).
# Reads the objects of the build's librecval*.a archives. Prints one line per
# cycle (a strongly connected component of more than one object), members
# sorted; prints nothing when there is none.
#   scripts/object-cycles.sh [BUILD_DIR]        (default: build)
set -euo pipefail
build=${1:-build}
libs=$(find "$build" -maxdepth 1 -name 'librecval*.a' | sort)
[ -n "$libs" ] || { echo "object-cycles: no librecval*.a in $build" >&2; exit 2; }
for lib in $libs; do
    # nm -A: "lib.a:member.c.o: <addr> <type> <symbol>" per line
    nm -A -g --defined-only "$lib" | awk 'NF==3 {split($1, p, ":"); sub(/\.c\.o$/, "", p[2]);
        if (p[2] != "schema_bundle") print "D", p[2], $3}'
    nm -A -g --undefined-only "$lib" | awk '{split($1, p, ":"); sub(/\.c\.o$/, "", p[2]);
        print "U", p[2], $NF}'
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
