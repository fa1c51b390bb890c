#!/usr/bin/env python3
"""make_seeds.py - builds the seed corpora of the fuzz harnesses into OUTDIR
(generated at build or run time; nothing here is committed):

  OUTDIR/check   recordings/ (every .json), the JSONTestSuite parsing cases
                 and every 10th file of ../shared/corpus
  OUTDIR/schema  one input per JSON-Schema-Test-Suite test: schema, NUL,
                 instance; plus recval's recording schema against recordings
  OUTDIR/config  a 0 byte then a configuration file, a 1 byte then a --tests list
  OUTDIR/replay  recordings/, and pairs of recordings (first, NUL, second)
                 of the same directory, which replay diffs and merges

The ../shared parts are skipped, with a message, when it is absent.
Usage: make_seeds.py OUTDIR [--source DIR] [--shared DIR]"""
import argparse
import hashlib
import json
import os
import sys


def write(outdir, data):
    """Stores data under its SHA-1, as libFuzzer names corpus files."""
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(data)


def json_files(top):
    found = []
    for d, dirs, files in os.walk(top):
        dirs.sort()
        found += [os.path.join(d, f) for f in sorted(files)
                  if f.endswith(".json") and os.path.isfile(os.path.join(d, f))]
    return found


def read(path):
    with open(path, "rb") as f:
        return f.read()


def schema_suite_inputs(suite_dir):
    """(schema, instance) byte pairs of every test of the suite."""
    for path in json_files(suite_dir):
        try:
            groups = json.loads(read(path))
        except ValueError:
            continue
        for group in groups:
            schema = json.dumps(group["schema"]).encode()
            for test in group.get("tests", []):
                yield schema, json.dumps(test["data"]).encode()


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--source", default=os.path.dirname(here))
    ap.add_argument("--shared", default=os.environ.get("RECVAL_SHARED_DIR"))
    args = ap.parse_args()
    shared = args.shared or os.path.join(args.source, "..", "shared")
    has_shared = os.path.isdir(shared)
    if not has_shared:
        print(f"make_seeds: {shared} absent: seeds from recordings/ only")

    out = {k: os.path.join(args.outdir, k) for k in ("check", "schema", "replay", "config")}
    for d in out.values():
        os.makedirs(d, exist_ok=True)

    recordings = json_files(os.path.join(args.source, "recordings"))
    for path in recordings:
        write(out["check"], read(path))
        write(out["replay"], read(path))
    by_dir = {}
    for path in recordings:
        by_dir.setdefault(os.path.dirname(path), []).append(path)
    for paths in by_dir.values():
        for a, b in zip(paths, paths[1:]):
            write(out["replay"], read(a) + b"\0" + read(b))

    rec_schema = read(os.path.join(args.source, "schema", "recording.schema.json"))
    for path in recordings[::8]:
        write(out["schema"], rec_schema + b"\0" + read(path))

    # config: a 0 byte then a configuration file, a 1 byte then a test list.
    for path in json_files(os.path.join(args.source, "suites")):
        if os.path.basename(path) == "recval.json":
            write(out["config"], b"\0" + read(path))
    write(out["config"], b"\0" + json.dumps({
        "ignore": ["schema/data", "request-hash"], "strict": True,
        "per-path-ignores": {"tests/*/recordings/*.json": ["ids"]},
        "severity": {"request-hash/duplicate": "error", "tool-calls": "warning"},
        "tests": ["collected.txt"]}).encode())
    write(out["config"], b"\1tests/integration/a.py::test_b[x-y]\n\n1 test collected in 0.01s\n")

    if has_shared:
        parsing = os.path.join(shared, "conformance", "json-parsing-test-suite", "test_parsing")
        if os.path.isdir(parsing):
            for name in sorted(os.listdir(parsing)):
                write(out["check"], read(os.path.join(parsing, name)))
        for path in json_files(os.path.join(shared, "corpus"))[::10]:
            write(out["check"], read(path))
        suite = os.path.join(shared, "conformance", "json-schema-test-suite", "tests")
        for schema, instance in schema_suite_inputs(suite):
            write(out["schema"], schema + b"\0" + instance)

    for k, d in sorted(out.items()):
        print(f"make_seeds: {d}: {len(os.listdir(d))} inputs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
