#!/usr/bin/env python3
"""fix_measure.py - measures `recval fix` on a copy of a recordings tree.

Copies CORPUS (default ../shared/corpus) to a temporary directory (never
into the repo), makes the copy writable, runs `recval fix` and then
`recval fix --unsafe`, and prints for each run the files renamed, the ids
rewritten, the conflicts (files and groups) and the files skipped, by
reason. Then checks the fixed files: each differs from the original only in the
12 digits of its rec- ids (so git diff shows the rename and the ids),
`recval validate` must report no
request-hash/name-mismatch, request-hash/stale-scheme or
ids/normalized-id-mismatch on them, `recval replay` must find each from its
own request, and a second run of each must change nothing.

usage: scripts/fix_measure.py [--recval=build/recval] [--keep] [CORPUS]
Exit status 0 when every check holds, 1 otherwise.
"""
import collections
import json
import os
import shutil
import subprocess
import sys
import tempfile

BAD_RULES = {"request-hash/name-mismatch", "request-hash/stale-scheme",
             "ids/normalized-id-mismatch"}


def run_fix(recval, tree, unsafe):
    cmd = [recval, "fix", "--format=json"] + (["--unsafe"] if unsafe else []) + [tree]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode not in (0, 1):
        sys.exit("recval fix failed: %s" % out.stderr)
    return json.loads(out.stdout)


def summarize(name, entries):
    actions = collections.Counter(e["action"] for e in entries)
    groups = {e["new_path"] for e in entries if e["action"] == "conflict-group"}
    renamed = [e for e in entries if e["action"] == "rename"]
    print("%s:" % name)
    print("  renamed        %d (%s)" % (len(renamed), ", ".join(
        "%d %s" % (n, p) for p, n in sorted(collections.Counter(
            "%s/%s" % (e["problem"].split("/")[1], e["safety"]) for e in renamed).items()))))
    print("  ids rewritten  %d" % sum(e["ids_rewritten"] for e in renamed))
    print("  conflicts      %d files whose new name exists; %d groups (%d files) wanting one name"
          % (actions["conflict"], len(groups), actions["conflict-group"]))
    skipped = [e for e in entries if e["action"] in ("needs-unsafe", "skip", "read-only",
                                                    "changed-on-disk", "error")]
    print("  skipped        %d" % len(skipped))
    reasons = collections.Counter((e["action"], e["reason"].split(":")[0]
                                   if e["action"] != "skip" else e["reason"][:60])
                                  for e in skipped)
    for (action, why), n in sorted(reasons.items()):
        print("    %4d %s: %s" % (n, action, why))
    return renamed


def only_ids_differ(before, after):
    """True when after is before with some 12-digit runs after "rec-"
    replaced: same length, every differing byte inside such a run."""
    if len(before) != len(after):
        return False
    i = 0
    while i < len(before):
        if before[i] != after[i]:
            start = before.rfind(b"rec-", max(0, i - 15), i)
            if start < 0 or i >= start + 16:
                return False
            i = start + 16
            continue
        i += 1
    return True


def check_bytes(originals, renamed):
    bad = 0
    for e in renamed:
        with open(e["new_path"], "rb") as f:
            after = f.read()
        if not only_ids_differ(originals[e["path"]], after):
            bad += 1
            print("  bytes: %s differs beyond its ids" % e["new_path"])
    return bad


def replay_root(path):
    """The repository a recording belongs to (the directory holding its
    tests/), and the recording dir to give replay: for legacy-layout files
    (DIR/responses/<12 hex>.json) and recordings without a test id
    (DIR/recordings/, which the harness finds through its recording dir),
    DIR; else none (the test id says where to look)."""
    parts = path.split("/")
    i = len(parts) - 1 - parts[::-1].index("tests")
    root = "/".join(parts[:i])
    with open(path, encoding="utf-8") as f:
        test_id = json.load(f).get("test_id")
    if parts[-2] == "responses" or test_id is None:
        return root, "/".join(parts[i:-2])
    return root, None


def check_validate(recval, paths):
    out = subprocess.run([recval, "validate", "--format=json"] + paths,
                         capture_output=True, text=True, check=False)
    report = json.loads(out.stdout)
    bad = [(f["path"], d["rule"]) for f in report["files"] for d in f["diagnostics"]
           if d["rule"] in BAD_RULES]
    for path, rule in bad:
        print("  validate: %s: %s" % (path, rule))
    return len(bad)


def check_replay(recval, paths):
    misses = 0
    for path in paths:
        root, recording_dir = replay_root(path)
        cmd = [recval, "replay", "--format=json", "--nearest=0", "--root=" + root,
               "--request=" + path]
        if recording_dir:
            cmd.append("--recording-dir=" + recording_dir)
        out = subprocess.run(cmd, capture_output=True, text=True, check=False)
        try:
            answer = json.loads(out.stdout)
            found = answer.get("recording")
            merged = answer.get("recordings") or [found]  # model lists merge files
        except json.JSONDecodeError:
            found, merged = None, []
        if found is None or os.path.realpath(path) not in {os.path.realpath(m) for m in merged}:
            misses += 1
            print("  replay: %s -> %s" % (path, found or out.stderr.strip() or "miss"))
    return misses


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    recval = next((a.split("=", 1)[1] for a in sys.argv[1:] if a.startswith("--recval=")),
                  "build/recval")
    recval = os.path.abspath(recval)
    corpus = args[0] if args else os.path.join(os.path.dirname(__file__), "..", "..", "shared",
                                               "corpus")
    if not os.path.isdir(corpus):
        print("no corpus at %s: nothing measured" % corpus)
        return 0
    work = tempfile.mkdtemp(prefix="recval-fix-")
    tree = os.path.join(work, "corpus")
    shutil.copytree(corpus, tree)
    for d, _, files in os.walk(tree):
        os.chmod(d, 0o755)
        for f in files:
            os.chmod(os.path.join(d, f), 0o644)
    originals = {}
    for d, _, files in os.walk(tree):
        for f in files:
            with open(os.path.join(d, f), "rb") as fp:
                originals[os.path.join(d, f)] = fp.read()
    failures = 0
    fixed = []
    for name, unsafe in (("recval fix", False), ("recval fix --unsafe", True)):
        renamed = summarize(name, run_fix(recval, tree, unsafe))
        bad = check_bytes(originals, renamed)
        print("  bytes          %d of %d renamed files differ only in their ids"
              % (len(renamed) - bad, len(renamed)))
        failures += bad
        fixed += [e["new_path"] for e in renamed]
        again = [e for e in run_fix(recval, tree, unsafe) if e["action"] == "rename"]
        print("  second run     %d renamed" % len(again))
        failures += len(again)
    print("fixed files: %d" % len(fixed))
    bad = check_validate(recval, fixed) if fixed else 0
    print("  validate: %d name-mismatch/stale-scheme/normalized-id-mismatch findings" % bad)
    misses = check_replay(recval, fixed)
    print("  replay: %d of %d found from their own request" % (len(fixed) - misses, len(fixed)))
    failures += bad + misses
    if "--keep" in sys.argv:
        print("kept %s" % work)
    else:
        shutil.rmtree(work)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
