#!/usr/bin/python3
"""Check recval's JSON Schemas (schema/) with Debian's python3-jsonschema.

Default mode: validate every recording of the shared corpus and the seeds
  - the whole file against schema/recording.schema.json     (rule schema/recording;
    this includes chat-completions request bodies, which it $refs)
  - every {__type__, __data__} envelope of response.body against the schema
    that schema/types.json names for its __type__              (rule schema/data)
  and exit 1 if any real recording fails.  Exits 0 with a message when the
  corpus is absent.

--fixtures: every recordings/invalid/schema/**/<name>.json must produce exactly
  the diagnostics listed in <name>.expect ("<rule> <json-pointer>" per line).

Both modes first check the schemas themselves: each is valid against the
draft 2020-12 metaschema, has $schema/$id/title/description, its $id matches
its path, it only uses the keywords recval's engine implements, and its
patterns are plain ASCII.  Nothing is fetched from the network: all $refs
resolve from schema/ and jsonschema's bundled metaschemas.
"""

import argparse
import collections
import glob
import json
import os
import sys
from urllib.parse import urldefrag, urljoin

import jsonschema
from jsonschema import Draft202012Validator, RefResolver

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCHEMA_DIR = os.path.join(REPO, "schema")
FIXTURE_DIR = os.path.join(REPO, "recordings", "invalid", "schema")
ID_BASE = "https://recval.dev/schema/"
METASCHEMA = "https://json-schema.org/draft/2020-12/schema"
RECORDING_ID = ID_BASE + "recording.schema.json"
CHAT_REQUEST_ID = ID_BASE + "request/chat-completions.schema.json"

# Keywords the schemas may use (the subset recval's C engine implements).
KEYWORDS = {
    "$schema", "$id", "$ref", "$defs", "title", "description",
    "type", "enum", "const", "properties", "required", "additionalProperties",
    "items", "prefixItems", "minItems", "maxItems", "minLength",
    "minimum", "maximum", "pattern",
    "anyOf", "oneOf", "allOf", "if", "then", "else",
}
# Keywords whose value is a map of name -> subschema, or a list of subschemas.
SCHEMA_MAPS = {"properties", "$defs"}
SCHEMA_LISTS = {"anyOf", "oneOf", "allOf", "prefixItems"}
SCHEMA_VALUES = {"items", "additionalProperties", "if", "then", "else"}


def pointer(parts):
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def reject_constant(name):
    raise ValueError("not JSON: " + name)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_constant=reject_constant)


def no_network(uri):
    raise jsonschema.RefResolutionError("refusing to fetch " + uri + " (not in the local registry)")


def dynamic_ref(validator, dynamic_ref, instance, schema):
    """$dynamicRef as in jsonschema 4.10, but skipping the scopes that do not
    define the anchor.  4.10 tries to resolve "#meta" against every schema in
    the dynamic scope and raises on the first one without it (here: the schema
    that $refs the metaschema for tools' parameters)."""
    _, fragment = urldefrag(dynamic_ref)
    for url in validator.resolver._scopes_stack:
        try:
            url, subschema = validator.resolver.resolve(urljoin(url, dynamic_ref))
        except jsonschema.RefResolutionError:
            continue
        if isinstance(subschema, dict) and subschema.get("$dynamicAnchor") == fragment:
            break
    else:
        url, subschema = validator.resolver.resolve(dynamic_ref)
    validator.resolver.push_scope(url)
    try:
        yield from validator.descend(instance, subschema)
    finally:
        validator.resolver.pop_scope()


Validator = jsonschema.validators.extend(Draft202012Validator, {"$dynamicRef": dynamic_ref})
# jsonschema picks the validator class of each (sub)schema by its $schema: make
# it this one for 2020-12, so the fix also applies inside the metaschema.
jsonschema.validators.validates("draft2020-12")(Validator)


def schema_problems(path, schema):
    """Problems of one schema file besides metaschema validity."""
    rel = os.path.relpath(path, SCHEMA_DIR).replace(os.sep, "/")
    problems = []
    for key in ("$schema", "$id", "title", "description"):
        if key not in schema:
            problems.append("missing " + key)
    if schema.get("$schema") != METASCHEMA:
        problems.append("$schema is not " + METASCHEMA)
    if schema.get("$id") != ID_BASE + rel:
        problems.append("$id is not " + ID_BASE + rel)

    def walk(node, where):
        if isinstance(node, bool):
            return
        if not isinstance(node, dict):
            problems.append(where + ": schema is not an object")
            return
        for key, value in node.items():
            here = where + "/" + key
            if key not in KEYWORDS:
                problems.append(here + ": keyword not in recval's set")
            elif key in SCHEMA_MAPS:
                for name, sub in value.items():
                    walk(sub, here + "/" + name)
            elif key in SCHEMA_LISTS:
                for i, sub in enumerate(value):
                    walk(sub, here + "/" + str(i))
            elif key in SCHEMA_VALUES:
                walk(value, here)
            elif key == "pattern" and not value.isascii():
                problems.append(here + ": pattern is not ASCII")

    walk(schema, "")
    return problems


class Schemas:
    def __init__(self):
        self.store = {}
        self.problems = []
        files = sorted(glob.glob(os.path.join(SCHEMA_DIR, "**", "*.schema.json"), recursive=True))
        for path in files:
            rel = os.path.relpath(path, SCHEMA_DIR)
            if rel.split(os.sep)[0] == "meta":
                continue  # schema/meta/ belongs to the engine (bundled metaschemas)
            schema = load_json(path)
            for err in Validator(Validator.META_SCHEMA).iter_errors(schema):
                self.problems.append("%s: not a valid 2020-12 schema at %s: %s"
                                     % (rel, pointer(err.absolute_path), err.message))
            self.problems += ["%s: %s" % (rel, p) for p in schema_problems(path, schema)]
            if "$id" in schema:
                self.store[schema["$id"]] = schema
        self.types = load_json(os.path.join(SCHEMA_DIR, "types.json"))["types"]
        for type_name, schema_id in sorted(self.types.items()):
            if schema_id not in self.store:
                self.problems.append("types.json: %s -> %s: no such schema" % (type_name, schema_id))
        self.validators = {}
        if not self.problems:
            # Resolve every $ref once, so a dangling one fails here and not mid-corpus.
            for schema_id in self.store:
                self.validator(schema_id)
                for ref in self.refs(self.store[schema_id]):
                    try:
                        self.validator(schema_id).resolver.resolve(ref)
                    except jsonschema.RefResolutionError as e:
                        self.problems.append("%s: $ref %s does not resolve: %s" % (schema_id, ref, e))

    def refs(self, node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                elif key not in ("enum", "const"):
                    yield from self.refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from self.refs(value)

    def validator(self, schema_id):
        if schema_id not in self.validators:
            schema = self.store[schema_id]
            resolver = RefResolver(schema_id, schema, store=self.store,
                                   handlers={"http": no_network, "https": no_network})
            self.validators[schema_id] = Validator(schema, resolver=resolver)
        return self.validators[schema_id]


def envelopes(doc):
    """(pointer, envelope) for each {__type__, __data__} of response.body."""
    response = doc.get("response") if isinstance(doc, dict) else None
    body = response.get("body") if isinstance(response, dict) else None
    items = enumerate(body) if isinstance(body, list) else [(None, body)]
    for index, item in items:
        if isinstance(item, dict) and isinstance(item.get("__type__"), str) and isinstance(item.get("__data__"), dict):
            where = ["response", "body"] + ([] if index is None else [index])
            yield where, item


def diagnose(schemas, doc, stats):
    """recval-style diagnostics of one recording: [(rule, pointer, message)]."""
    found = []
    for err in schemas.validator(RECORDING_ID).iter_errors(doc):
        found.append(("schema/recording", pointer(err.absolute_path), err.message))
    request = doc.get("request") if isinstance(doc, dict) else None
    if isinstance(request, dict) and str(request.get("endpoint", "")).endswith("/chat/completions"):
        stats["chat-completions request bodies (checked within schema/recording)"] += 1
    for where, env in envelopes(doc):
        schema_id = schemas.types.get(env["__type__"])
        if schema_id is None:
            stats["unmapped __type__ " + env["__type__"]] += 1
            continue
        stats["__data__ " + env["__type__"]] += 1
        for err in schemas.validator(schema_id).iter_errors(env["__data__"]):
            found.append(("schema/data", pointer(where + ["__data__"] + list(err.absolute_path)), err.message))
    return found


def kind(doc):
    """(layout, request kind) of a recording, for the counts."""
    if not isinstance(doc, dict):
        return "not-an-object", "-"
    request, response = doc.get("request"), doc.get("response")
    layout = "current" if "test_id" in doc else "legacy"
    for key, name in (("tool_name", "tool"), ("payload", "raw-http"), ("api", "file-processor")):
        if isinstance(request, dict) and key in request:
            return layout, name
    if isinstance(response, dict) and response.get("is_exception"):
        return layout, "exception"
    return layout, "inference"


def check_corpus(schemas, shared):
    corpus = os.path.join(shared, "corpus")
    if not os.path.isdir(corpus):
        print("check_schemas: %s is absent; nothing to check (skipped)." % corpus)
        return 0
    files = sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True))
    files += sorted(glob.glob(os.path.join(shared, "seeds", "json", "*.json")))
    stats = collections.Counter()
    failed = 0
    for path in files:
        rel = os.path.relpath(path, shared)
        try:
            doc = load_json(path)
        except ValueError as e:
            print("%s: not JSON: %s" % (rel, e))
            failed += 1
            continue
        stats["files %s/%s" % kind(doc)] += 1
        found = diagnose(schemas, doc, stats)
        if found:
            failed += 1
            for rule, where, message in found[:20]:
                print("%s: %s %s: %s" % (rel, rule, where or "/", message[:300]))
            if len(found) > 20:
                print("%s: ... %d more" % (rel, len(found) - 20))
    for key in sorted(stats):
        print("  %7d  %s" % (stats[key], key))
    print("check_schemas: %d recordings, %d passed, %d failed" % (len(files), len(files) - failed, failed))
    return 1 if failed else 0


def check_fixtures(schemas):
    files = sorted(glob.glob(os.path.join(FIXTURE_DIR, "**", "*.json"), recursive=True))
    if not files:
        print("check_schemas: no fixtures under %s" % FIXTURE_DIR)
        return 1
    bad = 0
    stats = collections.Counter()
    for path in files:
        rel = os.path.relpath(path, REPO)
        expect_path = path[: -len(".json")] + ".expect"
        if not os.path.exists(expect_path):
            print("%s: no .expect file next to it" % rel)
            bad += 1
            continue
        expected = []
        with open(expect_path, encoding="utf-8") as f:
            for line in f.read().splitlines():
                if line.strip() and not line.startswith("#"):  # "<rule> <pointer>"; pointer may be empty
                    rule, _, where = line.partition(" ")
                    expected.append((rule, where))
        expected.sort()
        found = diagnose(schemas, load_json(path), stats)
        actual = sorted((rule, where) for rule, where, _ in found)
        if actual != expected or not expected:
            bad += 1
            print("%s: FAIL" % rel)
            for item in expected:
                print("   expected %s %s" % item)
            for rule, where, message in found:
                print("   got      %s %s  (%s)" % (rule, where, message[:200]))
        else:
            print("%s: ok (%s)" % (rel, "; ".join("%s %s" % e for e in expected)))
    print("check_schemas: %d fixtures, %d as expected, %d not" % (len(files), len(files) - bad, bad))
    return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", action="store_true",
                        help="check recordings/invalid/schema/ against their .expect files instead of the corpus")
    parser.add_argument("--shared", default=os.environ.get("RECVAL_SHARED", os.path.join(os.path.dirname(REPO), "shared")),
                        help="directory holding corpus/ and seeds/ (default: ../shared next to the repo, or $RECVAL_SHARED)")
    args = parser.parse_args()

    schemas = Schemas()
    if schemas.problems:
        for problem in schemas.problems:
            print("schema: " + problem)
        print("check_schemas: %d problems in schema/" % len(schemas.problems))
        return 1
    print("check_schemas: %d schemas, %d __type__ mappings ok" % (len(schemas.store), len(schemas.types)))
    if args.fixtures:
        return check_fixtures(schemas)
    return check_corpus(schemas, args.shared)


if __name__ == "__main__":
    sys.exit(main())
