#!/usr/bin/env python3
"""bench.py - the driver behind scripts/bench.sh (read that file first).

  bench.py BUILD CORPUS RUNS

Times, over every *.json under CORPUS, in one run:
  - the plain json-c parse (json_object_from_file, then free) and the
    strict parse recval's loader does;
  - recval validate --jobs=1 with only the parse step, with each rule family
    switched on alone, and with every family;
  - every family with --jobs=2;
  - unless STREAMS is empty, the long-stream series (scripts/bench/
    gen_stream.py), one file of N chunks per entry, each next to the plain
    json-c parse of the same file.
Corpus rows are medians of RUNS wall-clock runs, the configurations
alternating within each round so that machine noise spreads over all of
them; ratios are to the plain parse. With INSNS=1 (the default) each row
also gets its instruction count under callgrind, which a noisy machine does
not change. Stream rows give wall, user and system time and peak RSS of one
run. Environment: INSNS=0|1, STREAMS="25000 50000 ...", STREAM_BUDGET=SIZE
(passed as --max-memory to the stream runs when recval has that option).
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

FAMILIES_CMD = ["rules"]


def run_timed(argv):
    """One run: (wall seconds, user, sys, peak RSS in KiB)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"bench: {' '.join(argv)} exited {code}")
    return wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss


def instructions(argv):
    """Instructions executed by argv under callgrind."""
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + argv,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True).stderr
    m = re.search(r"Collected : (\d+)", out)
    return int(m.group(1)) if m else None


def families(recval):
    names = subprocess.run([recval] + FAMILIES_CMD, capture_output=True, text=True).stdout
    seen = []
    for line in names.splitlines():
        fam = line.split("/", 1)[0]
        if fam and fam not in seen:
            seen.append(fam)
    return seen


def configurations(build, corpus, listfile):
    recval = os.path.join(build, "recval")
    parse = os.path.join(build, "jsonc_parse_only")
    fams = [f for f in families(recval) if f != "parse"]
    validate = [recval, "validate", "--format=json", "--output=/dev/null"]

    def only(keep):
        ignored = ",".join(f for f in fams if f not in keep)
        return validate + ["--jobs=1"] + ([f"--ignore={ignored}"] if ignored else []) + [corpus]

    rows = [("json-c plain parse", [parse, "--plain", listfile]),
            ("json-c strict parse", [parse, listfile]),
            ("recval, parse only", only([]))]
    rows += [(f"recval, {f} only", only([f])) for f in fams]
    rows += [("recval, every family", only(fams)),
             ("recval, every family, --jobs=2", validate + ["--jobs=2", corpus])]
    return rows


def bench_corpus(build, corpus, runs, insns):
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as f:
        paths = sorted(os.path.join(d, n) for d, _, ns in os.walk(corpus)
                       for n in ns if n.endswith(".json"))
        f.write("\n".join(paths) + "\n")
        listfile = f.name
    size = sum(os.path.getsize(p) for p in paths)
    rows = configurations(build, corpus, listfile)
    for _, argv in rows:  # warm the page cache and the binaries
        run_timed(argv)
    walls = {name: [] for name, _ in rows}
    for _ in range(runs):
        for name, argv in rows:
            walls[name].append(run_timed(argv)[0])
    print(f"corpus: {corpus}: {len(paths)} files, {size / 1e6:.1f} MB; "
          f"median of {runs} alternating runs")
    plain = statistics.median(walls[rows[0][0]])
    plain_insns = None
    print(f"{'':34} {'wall':>8} {'ratio':>7} {'instructions':>15} {'ratio':>7}")
    for name, argv in rows:
        wall = statistics.median(walls[name])
        line = f"{name:34} {wall:7.3f}s {wall / plain:6.2f}x"
        if insns and "--jobs=2" not in argv:
            n = instructions(argv)
            plain_insns = plain_insns or n
            if n is None or plain_insns is None:
                line += f" {'n/a':>15}"  # callgrind failed; the wall time stands
            else:
                line += f" {n:15,} {n / plain_insns:6.2f}x"
        print(line, flush=True)
    os.unlink(listfile)


def bench_streams(build, sizes, budget):
    recval = os.path.join(build, "recval")
    parse = os.path.join(build, "jsonc_parse_only")
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gen_stream.py")
    helptext = subprocess.run([recval, "validate", "--help"], capture_output=True, text=True)
    extra = [f"--max-memory={budget}"] if budget and "--max-memory" in helptext.stdout + helptext.stderr else []
    print(f"\nlong streams: one request, N compact chunks, recval validate --jobs=1 {' '.join(extra)}; "
          "plain = json_object_from_file on the same file, then free")
    print(f"{'chunks':>8} {'MB':>7} {'wall':>8} {'user':>8} {'sys':>7} {'MB/s':>7} {'peak RSS':>10}"
          f" {'plain':>8} {'ratio':>6} {'plain RSS':>10}")
    for n in sizes:
        work = tempfile.mkdtemp(prefix="recval-stream-")
        try:
            path = subprocess.run([sys.executable, gen, str(n), work], capture_output=True,
                                  text=True, check=True).stdout.strip()
            listfile = os.path.join(work, "list")
            with open(listfile, "w") as f:
                f.write(path + "\n")
            mb = os.path.getsize(path) / 1e6
            wall, user, sys_, rss = run_timed([recval, "validate", "--jobs=1", "--format=json",
                                               "--output=/dev/null"] + extra + [path])
            pwall, _, _, prss = run_timed([parse, "--plain", listfile])
            print(f"{n:8} {mb:7.1f} {wall:7.2f}s {user:7.2f}s {sys_:6.2f}s {mb / wall:7.1f} "
                  f"{rss / 1024:8.0f} MB {pwall:7.2f}s {wall / pwall:5.2f}x {prss / 1024:7.0f} MB",
                  flush=True)
        finally:
            shutil.rmtree(work)


def main():
    build, corpus, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    insns = os.environ.get("INSNS", "1") == "1" and shutil.which("valgrind")
    bench_corpus(build, corpus, runs, insns)
    sizes = [int(s) for s in os.environ.get("STREAMS", "25000 50000 100000 400000").split()]
    if sizes:
        bench_streams(build, sizes, os.environ.get("STREAM_BUDGET", "4G"))


if __name__ == "__main__":
    main()
