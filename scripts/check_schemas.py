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

--tool-arguments: the reference list for tool-calls/arguments-schema: every tool
  call of the corpus (assistant messages of the request, a ChatCompletion's
  messages, chunk streams folded per choice and tool index) whose arguments
  parse as a JSON object that breaks the `parameters` the request declared for
  its function, printed as "<file relative to the shared dir> <json-pointer>"
  (the pointer of the call's arguments; for a stream, its first non-empty
  piece), sorted, then a count line.  Exits 0 (1 if the schemas are broken).

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


# Known provider deviations (validator/src/rules_schema.c, docs/providers.md):
# (__type__, member of __data__, value).  When every envelope of the body
# carries the value, the schema/data errors at that member are one
# schema/provider-deviation at the first envelope instead.
DEVIATIONS = [
    ("openai.types.completion.Completion", "object", "text.completion"),
    ("openai.types.completion.Completion", "object", "completion.chunk"),
    ("openai.types.create_embedding_response.CreateEmbeddingResponse", "usage", None),
]


def provider_deviations(doc, found):
    """found with the errors a consistent provider deviation explains
    replaced by one schema/provider-deviation."""
    envs = list(envelopes(doc))
    for type_name, member, value in DEVIATIONS:
        if not envs or not all(env["__type__"] == type_name and member in env["__data__"]
                               and env["__data__"][member] == value for _, env in envs):
            continue
        ptrs = {pointer(where + ["__data__", member]) for where, _ in envs}
        if any(rule == "schema/data" and where in ptrs for rule, where, _ in found):
            found = [f for f in found if not (f[0] == "schema/data" and f[1] in ptrs)]
            found.append(("schema/provider-deviation", pointer(envs[0][0] + ["__data__", member]),
                          "provider deviation"))
    return found


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
    return provider_deviations(doc, found)


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
        if any(rule != "schema/provider-deviation" for rule, _, _ in found):  # a warning
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
                    if rule.startswith("schema/"):  # other families' findings are not schema checks
                        expected.append((rule, where))
        expected.sort()
        # schema/pattern-error (a PCRE2 limit of recval's engine, on the
        # tools' own schemas) has no Python counterpart: not checked here.
        if expected and all(rule == "schema/pattern-error" for rule, _ in expected):
            print("%s: skipped (schema/pattern-error is recval's engine only)" % rel)
            continue
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


# --- tool-calls/arguments-schema reference --------------------------------

CHAT_CLASSES = ("ChatCompletionChunk", "ChatCompletion")


def parse_arguments(text):
    """The arguments as a dict, or None when they are not a JSON object."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = json.loads(text, parse_constant=reject_constant)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def declared_parameters(body):
    """name -> (tool position, parameters) of the request's function tools (first wins)."""
    declared = {}
    tools = body.get("tools") if isinstance(body, dict) else None
    for pos, tool in enumerate(tools if isinstance(tools, list) else []):
        fn = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(fn, dict) and isinstance(fn.get("name"), str) and fn.get("parameters") is not None:
            declared.setdefault(fn["name"], (pos, fn["parameters"]))
    return declared


def request_calls(body):
    """(pointer, name, arguments) of the tool calls of the request's messages."""
    messages = body.get("messages") if isinstance(body, dict) else None
    for m, message in enumerate(messages if isinstance(messages, list) else []):
        calls = message.get("tool_calls") if isinstance(message, dict) else None
        for k, call in enumerate(calls if isinstance(calls, list) else []):
            fn = call.get("function") if isinstance(call, dict) else None
            if isinstance(fn, dict) and isinstance(fn.get("name"), str):
                yield (pointer(["request", "body", "messages", m, "tool_calls", k, "function", "arguments"]),
                       fn["name"], fn.get("arguments"))


def response_calls(response):
    """(pointer, name, arguments) of the response's tool calls, streams folded
    per (choice index, tool-call index): the first non-empty name, the
    arguments pieces joined, the pointer of the first non-empty piece."""
    body = response.get("body")
    streamed = isinstance(body, list)
    items = body if streamed else [body]
    typed = [i for i in items if isinstance(i, dict) and isinstance(i.get("__type__"), str)]
    if not typed or typed[0]["__type__"].rsplit(".", 1)[-1] not in CHAT_CLASSES + ("Completion",):
        return
    calls = {}  # (choice index, call index) -> [name, pieces, first piece pointer, bad type]
    for i, item in enumerate(items):
        data = item.get("__data__") if isinstance(item, dict) else None
        choices = data.get("choices") if isinstance(data, dict) else None
        for c, choice in enumerate(choices if isinstance(choices, list) else []):
            if not isinstance(choice, dict):
                continue
            member = "delta" if streamed else "message"
            out = choice.get(member)
            tool_calls = out.get("tool_calls") if isinstance(out, dict) else None
            for k, call in enumerate(tool_calls if isinstance(tool_calls, list) else []):
                if not isinstance(call, dict):
                    continue
                index = call.get("index") if streamed and isinstance(call.get("index"), int) else k
                choice_index = choice.get("index") if isinstance(choice.get("index"), int) else c
                entry = calls.setdefault((choice_index, index), [None, [], None, False])
                fn = call.get("function") if isinstance(call.get("function"), dict) else {}
                if entry[0] is None and isinstance(fn.get("name"), str) and fn["name"]:
                    entry[0] = fn["name"]
                args = fn.get("arguments")
                if isinstance(args, str) and args:
                    if entry[2] is None:
                        where = ["response", "body"] + ([i] if streamed else [])
                        entry[2] = pointer(where + ["__data__", "choices", c, member, "tool_calls", k,
                                                    "function", "arguments"])
                    entry[1].append(args)
                elif args is not None and not isinstance(args, str):
                    entry[3] = True
    for name, pieces, where, bad_type in calls.values():
        if name and where and not bad_type:
            yield where, name, "".join(pieces)


def bad_tool_arguments(doc):
    """(pointer, message) for each tool call whose arguments break its declared parameters,
    and how many calls had parameters to check against."""
    request = doc.get("request") if isinstance(doc, dict) else None
    response = doc.get("response") if isinstance(doc, dict) else None
    body = request.get("body") if isinstance(request, dict) else None
    declared = declared_parameters(body)
    if not declared:
        return [], 0
    calls = list(request_calls(body))
    if isinstance(response, dict) and not response.get("is_exception"):
        calls += list(response_calls(response))
    found, checked = [], 0
    for where, name, text in calls:
        args = parse_arguments(text)
        if name not in declared or args is None:
            continue
        checked += 1
        errors = list(Draft202012Validator(declared[name][1]).iter_errors(args))
        if errors:
            found.append((where, "; ".join("%s: %s" % (pointer(e.absolute_path) or "/", e.message)
                                           for e in errors)))
    return found, checked


def list_tool_arguments(shared):
    corpus = os.path.join(shared, "corpus")
    if not os.path.isdir(corpus):
        print("check_schemas: %s is absent; nothing to list (skipped)." % corpus)
        return 0
    rows, checked = [], 0
    for path in sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)):
        found, n = bad_tool_arguments(load_json(path))
        checked += n
        rows += [(os.path.relpath(path, shared), where, message) for where, message in found]
    for rel, where, message in sorted(rows):
        print("%s %s  # %s" % (rel, where, message[:200]))
    print("check_schemas: %d tool calls checked against their parameters, %d break them"
          % (checked, len(rows)))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fixtures", action="store_true",
                        help="check recordings/invalid/schema/ against their .expect files instead of the corpus")
    parser.add_argument("--shared", default=os.environ.get("RECVAL_SHARED", os.path.join(os.path.dirname(REPO), "shared")),
                        help="directory holding corpus/ and seeds/ (default: ../shared next to the repo, or $RECVAL_SHARED)")
    parser.add_argument("--tool-arguments", action="store_true",
                        help="list the corpus tool calls whose arguments break their declared parameters")
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
    if args.tool_arguments:
        return list_tool_arguments(args.shared)
    return check_corpus(schemas, args.shared)


if __name__ == "__main__":
    sys.exit(main())
