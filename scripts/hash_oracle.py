#!/usr/bin/env python3
"""Differential oracle for recval's request hashes (stdlib only).

Re-implements, in plain Python, how the OGX / llama-stack test recorder names
its recording files, so that the C implementation (validator/src/reqhash.c)
can be checked against it byte for byte.

  hash_oracle.py files PATH...        hashes of every recording under PATH, as JSON
  hash_oracle.py vectors [-o FILE]    golden vectors from the hand-written cases below
  hash_oracle.py canon JSON           print json.dumps(normalize(json.loads(JSON)), sort_keys=True)

Schemes (see docs in reqhash.h):
  current      sha256(json.dumps({method, endpoint, body: normalize(body)[, test_id]}, sort_keys=True))
  current_raw  the same without normalize()
  older_fs_*   current with an earlier recorder's normalization (no, or only some,
               file_search substitutions); given only when that differs
  legacy       sha256(json.dumps({method, endpoint, body}, sort_keys=True)), file = first 12 hex
  tool         sha256(json.dumps({provider, tool_name, kwargs}, sort_keys=True))
  tool_test_id sha256(json.dumps({provider, tool_name, kwargs, test_id}, sort_keys=True)) (stale)
  http         sha256(json.dumps({test_id, url, method, payload: normalize(payload)}, sort_keys=True))
"""

import argparse
import hashlib
import json
import os
import re
import sys
from urllib.parse import urlparse

MODEL_LIST_PATHS = ("/api/tags", "/v1/models", "/v1/openai/v1/models")

FLOAT_IN_STRING = re.compile(r"(-?\d+\.\d{4,})")
SCORE = re.compile(r"score:\s*[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?")
ATTRIBUTES = re.compile(r",?\s*attributes:\s*\{[^}]*\}")
UUID = r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
DOCUMENT_ID = re.compile(r"document_id:\s*" + UUID)
CITATION = re.compile(r"<\|" + UUID + r"\|>")


def sha(obj):
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()


# Normalization levels: what successive recorder generations did.
FLOATS, FS_PARTIAL, CURRENT = 0, 1, 2


class Norm:
    """normalize() of the recorder at a given level; notes whether a
    file_search substitution changed anything (as the C side does)."""

    def __init__(self, level=CURRENT):
        self.level = level
        self.fs_changed = False

    def string(self, s):
        subs = []
        if self.level >= FS_PARTIAL:
            subs += [(SCORE, "score: __NORMALIZED__"), (ATTRIBUTES, "")]
        if self.level >= CURRENT:
            subs += [(DOCUMENT_ID, "document_id: __NORMALIZED__"), (CITATION, "<|__NORMALIZED__|>")]
        for pattern, repl in subs:
            t = pattern.sub(repl, s)
            self.fs_changed |= t != s
            s = t
        return FLOAT_IN_STRING.sub(lambda m: f"{float(m.group(0)):.5f}", s)

    def value(self, value, drop_stream_options=False, root=True):
        if isinstance(value, dict):
            out = {k: self.value(v, root=False) for k, v in value.items()}
            if drop_stream_options:
                out.pop("stream_options", None)
            if root:
                for extra in ("extra_body", "extra_query"):
                    if isinstance(out.get(extra), dict):
                        out[extra].pop("project_id", None)
            return out
        if isinstance(value, list):
            return [self.value(v, root=False) for v in value]
        if isinstance(value, float):
            return round(value, 5)
        if isinstance(value, str):
            return self.string(value)
        return value


def normalize(value, drop_stream_options=False, level=CURRENT):
    return Norm(level).value(value, drop_stream_options)


def inference_hashes(request, test_id):
    url = urlparse(request.get("url", ""))
    method = str(request.get("method", "")).upper()
    body = request.get("body")
    bedrock = "bedrock" in url.netloc

    def build(b):
        d = {"method": method, "endpoint": url.path, "body": b}
        if url.path not in MODEL_LIST_PATHS:
            d["test_id"] = test_id
        return d

    norm = Norm()
    out = {
        "current": sha(build(norm.value(body, bedrock))),
        "current_raw": sha(build(body)),
        "legacy": sha({"method": method, "endpoint": url.path, "body": body}),
    }
    if norm.fs_changed:
        out["older_fs_partial"] = sha(build(normalize(body, bedrock, FS_PARTIAL)))
        out["older_fs_none"] = sha(build(normalize(body, bedrock, FLOATS)))
    return out


def models_digest(request, response):
    endpoint = request.get("endpoint")
    body = response.get("body")
    if isinstance(body, dict) and "__data__" in body:
        body = body["__data__"]
    items = body["models"] if isinstance(body, dict) and "models" in body else body
    key = "model" if endpoint == "/api/tags" else "id"
    idents = set()
    for item in items or []:
        data = item.get("__data__", item) if isinstance(item, dict) else {}
        if isinstance(data, dict) and isinstance(data.get(key), str):
            idents.add(data[key])
    return hashlib.sha256("|".join(sorted(idents)).encode()).hexdigest()[:8]


def recording_kind(request):
    if not isinstance(request, dict):
        return "unknown"
    if "tool_name" in request and "kwargs" in request:
        return "tool"
    if "payload" in request and "url" in request:
        return "http"
    if "file_id" in request and "api" in request:
        return "file_processor"
    if "url" in request and "body" in request:
        return "inference"
    return "unknown"


def recording_hashes(rec):
    request = rec.get("request") if isinstance(rec, dict) else None
    kind = recording_kind(request)
    out = {"kind": kind}
    if kind == "inference":
        out.update(inference_hashes(request, rec.get("test_id")))
        if request.get("endpoint") in MODEL_LIST_PATHS and isinstance(rec.get("response"), dict):
            try:
                out["models_digest"] = models_digest(request, rec["response"])
            except (KeyError, TypeError, AttributeError):
                out["models_digest"] = None
    elif kind == "tool":
        out["current"] = sha({k: request[k] for k in ("provider", "tool_name", "kwargs")})
        out["tool_test_id"] = sha({k: request[k] for k in ("provider", "tool_name", "kwargs")}
                                  | {"test_id": rec.get("test_id")})
    elif kind == "http":
        base = {"test_id": rec.get("test_id"), "url": request["url"],
                "method": str(request.get("method", "")).upper()}
        out["current"] = sha(dict(base, payload=normalize(request["payload"])))
        out["current_raw"] = sha(dict(base, payload=request["payload"]))
    # file_processor: no formula known (see reqhash.h); no hashes.
    return out


def name_match(name, h):
    """Which scheme a file name matches (the C side's reqhash_match_name)."""
    stem = name[:-5] if name.endswith(".json") else name
    m = re.fullmatch(r"models-([0-9a-f]{64})-([0-9a-f]{8})", stem)
    if m:
        stem = m.group(1)
    if len(stem) == 64:
        for scheme in ("current", "current_raw", "older_fs_partial", "older_fs_none",
                       "tool_test_id"):
            if stem == h.get(scheme):
                return scheme
    if len(stem) == 12 and h.get("legacy", "").startswith(stem):
        return "legacy"
    return "none"


def test_id_not_recorded(rec, name, h):
    """A current-layout inference file named by no scheme, without a test_id
    member, whose ids are rec- + the hash without one (legacy): its name was
    computed with a test id the file does not record (C: rules_request_hash.c)."""
    if h.get("kind") != "inference" or h.get("name") != "none" or "test_id" in rec:
        return False
    if not re.fullmatch(r"[0-9a-f]{64}\.json", name):
        return False
    body = rec.get("response", {}).get("body")
    items = body if isinstance(body, list) else [body]
    want = "rec-" + h["legacy"][:12]
    return any(isinstance(i, dict) and isinstance(i.get("__data__"), dict)
               and i["__data__"].get("id") == want for i in items)


def digest_ok(name, h):
    m = re.fullmatch(r"models-[0-9a-f]{64}-([0-9a-f]{8})\.json", name)
    return m is None or m.group(1) == h.get("models_digest")


def iter_files(paths):
    for p in paths:
        if os.path.isdir(p):
            for root, _dirs, files in os.walk(p):
                for f in sorted(files):
                    if f.endswith(".json"):
                        yield os.path.join(root, f)
        else:
            yield p


def cmd_files(args):
    result = {}
    for path in iter_files(args.paths):
        try:
            with open(path, encoding="utf-8") as f:
                rec = json.load(f)
            h = recording_hashes(rec)
            h["name"] = name_match(os.path.basename(path), h)
            h["digest_ok"] = digest_ok(os.path.basename(path), h)
            h["test_id_not_recorded"] = test_id_not_recorded(rec, os.path.basename(path), h)
        except (ValueError, UnicodeDecodeError, RecursionError) as e:
            h = {"kind": "unloadable", "error": str(e)}
        result[path] = h
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


# ---------------------------------------------------------------------------
# Golden vectors: hand-written cases.  Each case is JSON *text* (so that the
# C side parses exactly what Python parsed) plus the expected hashes.
# ---------------------------------------------------------------------------

TID = "tests/integration/inference/test_x.py::test_y[txt=ollama/llama3.2:3b]"


def chat(content, **extra):
    body = {"model": "gpt-4o", "messages": [{"role": "user", "content": content}]}
    body.update(extra)
    return body


def inference_case(name, body_text, url="https://api.openai.com/v1/v1/chat/completions",
                   method="POST", test_id=TID, endpoint="/v1/chat/completions"):
    tid = json.dumps(test_id)
    return (name, '{"test_id": %s, "request": {"method": %s, "url": %s, "headers": {}, '
            '"body": %s, "endpoint": %s, "model": ""}, "response": {"body": null}}'
            % (tid, json.dumps(method), json.dumps(url), body_text, json.dumps(endpoint)))


def j(obj):
    return json.dumps(obj)


def cases():
    uuid1 = "3f2a9c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b"
    uuid2 = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
    fs = ("[1] document_id: %s, score: %s, attributes: {'a': 1, 'b': 'x'}\n"
          "text <|%s|> end")
    yield inference_case("ws_single", j(chat("hello world")))
    yield inference_case("ws_double", j(chat("hello  world")))
    yield inference_case("ws_tab", j(chat("hello\tworld")))
    yield inference_case("float_07", j(chat("hi", temperature=0.7)))
    yield inference_case("float_07000001", j(chat("hi", temperature=0.7000001)))
    yield inference_case("score_a", j(chat("score: 0.7472640164649847")))
    yield inference_case("score_b", j(chat("score: 0.74726414959878")))
    yield inference_case("filesearch_a", j(chat(fs % (uuid1, "0.8123456789", uuid1))))
    yield inference_case("filesearch_b", j(chat(fs % (uuid2, "1.5e-3", uuid2))))
    yield inference_case("filesearch_uppercase_uuid", j(chat(fs % (uuid1.upper(), "0.81", uuid1.upper()))))
    yield inference_case("float_in_string", j(chat("pi is 3.14159265 and -2.718281828, not 1.5 or 1.2345")))
    yield inference_case("float_in_string_rounded", j(chat("pi is 3.14159 and -2.71828, not 1.5 or 1.23450")))
    yield inference_case("float_in_string_huge", j(chat("x" + "9" * 400 + ".12345 and 0.000005 -0.000004")))
    yield inference_case("unicode_digits", j(chat("\u0661\u0662.\u0663\u0664\u0665\u0666\u0667 score:\u00a0\u0661")))
    yield inference_case("unicode_space_fs", j(chat("score:\x1c0.5 score:\x850.25 score:\u30000.1 attributes:\x1f{}")))
    yield inference_case("message_a", j(chat("What is the capital of France?")))
    yield inference_case("message_b", j(chat("What is the capital of Spain?")))
    yield inference_case("emoji", j(chat("smile \U0001F600 and \u00e9\u4e2d \U00010348")))
    yield inference_case("emoji_raw_utf8", json.dumps(chat("smile \U0001F600 \u2028 \u00e9"), ensure_ascii=False))
    yield inference_case("specials", '{"model": "m", "a": -0.0, "b": 1e-05, "c": 1e16, "d": 1.0, '
                         '"e": 1e5, "f": 1E+2, "g": 0.1, "h": 123456789012345678, "i": -0, '
                         '"j": 2.5e-7, "k": 1e22, "l": 5e-324, "m": 1.7976931348623157e308, '
                         '"n": 0.000015, "o": 0.000025, "p": 1234567.123456789, "q": 1e300, '
                         '"r": -1e-7, "s": 0.5e-5, "t": 100.0, "u": 1e400, "v": -1e400, "w": 0.3}')
    yield inference_case("integers", '{"model": "m", "max": 9223372036854775807, '
                         '"min": -9223372036854775808, "u64": 18446744073709551615, '
                         '"big": 10000000000000000000, "neg": -42, "zero": 0, "n": [1, -1, 2147483648]}')
    yield inference_case("controls", j(chat("nul\u0000 bel\u0007 esc\u001b del\u007f nbsp\u00a0 "
                                            "\" \\ / \b\f\n\r\t \u0085 \u2028 \ufeff \uffff")))
    yield inference_case("duplicate_keys", '{"model": "m", "temperature": 0.1, "messages": [], '
                         '"temperature": 0.9, "x": {"k": 1, "k": {"deep": 2}}}')
    yield inference_case("duplicate_keys_expected", '{"model": "m", "messages": [], '
                         '"temperature": 0.9, "x": {"k": {"deep": 2}}}')
    yield inference_case("key_order", '{"\u00e9": 1, "z": 2, "a": 3, "\U0001F600": 4, "\uff21": 5, "A": 6, "": 7}')
    yield inference_case("project_id_extra_body", j(chat("hi", extra_body={"project_id": "p1", "guided_choice": ["a"]},
                                                        extra_query={"project_id": "p2"})))
    yield inference_case("project_id_extra_body_other", j(chat("hi", extra_body={"project_id": "zz", "guided_choice": ["a"]},
                                                              extra_query={"project_id": "p3"})))
    yield inference_case("project_id_nested_kept", j(chat("hi", x={"extra_body": {"project_id": "p1"}})))
    yield inference_case("bedrock_stream_options", j(chat("hi", stream=True, stream_options={"include_usage": True})),
                         url="https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1/v1/chat/completions")
    yield inference_case("bedrock_no_stream_options", j(chat("hi", stream=True)),
                         url="https://bedrock-runtime.us-west-2.amazonaws.com/openai/v1/v1/chat/completions")
    yield inference_case("non_bedrock_stream_options", j(chat("hi", stream=True, stream_options={"include_usage": True})))
    yield inference_case("models_v1", "{}", url="http://localhost:8000/v1/models", endpoint="/v1/models")
    yield inference_case("models_v1_other_test", "{}", url="http://localhost:8000/v1/models",
                         endpoint="/v1/models", test_id="tests/other.py::t")
    yield inference_case("models_api_tags", "{}", url="http://localhost:11434/api/tags", endpoint="/api/tags")
    yield inference_case("models_openai", "{}", url="http://h/v1/openai/v1/models", endpoint="/v1/models")
    yield inference_case("models_double_v1_keeps_test_id", "{}", url="https://api.openai.com/v1/v1/models",
                         endpoint="/v1/models")
    yield inference_case("null_test_id", j(chat("hi")), test_id=None)
    yield inference_case("method_lower", j(chat("hi")), method="post")
    yield inference_case("method_upper", j(chat("hi")))
    yield inference_case("vertexai", j({"model": "gemini", "contents": [{"parts": [{"text": "hi"}]}]}),
                         url="vertexai:///generate_content", endpoint="/generate_content")
    yield inference_case("url_query_fragment", j(chat("hi")), url="http://h:1/a/b;p?q=1#f")
    yield inference_case("url_no_scheme", j(chat("hi")), url="__databricks__/serving-endpoints/chat/completions")
    yield inference_case("url_userinfo_ipv6", j(chat("hi")), url="https://u:p@[::1]:8080/v1/x?y")
    yield inference_case("nested_lists", '{"model": "m", "a": [[1.123456789, [0.0000051]], {"b": [true, false, null]}], '
                         '"c": {}, "d": []}')
    # json-c cannot hold these as Python does: the C side must say so.
    yield inference_case("unreproducible_big_int", '{"model": "m", "seed": 123456789012345678901234567890}')
    yield inference_case("unreproducible_lone_surrogate", '{"model": "m", "prompt": "half \\ud83d of a pair"}')
    yield ("tool", '{"test_id": "t::x", "request": {"test_id": "t::x", "provider": "tavily", '
           '"tool_name": "web_search", "kwargs": {"query": "score: 0.123456 \U0001F600", "n": 1.5}}, '
           '"response": {"body": null}}')
    yield ("http", '{"test_id": "t::x", "request": {"test_id": "t::x", "url": "http://0.0.0.0:11434/v1/messages", '
           '"method": "post", "payload": {"model": "m", "temperature": 0.70000001, "stream_options": {"a": 1}, '
           '"extra_body": {"project_id": "p"}}}, "response": {"body": null}}')
    yield ("file_processor", '{"test_id": "t::x", "request": {"test_id": "t::x", "provider": "pypdf", '
           '"api": "file_processors", "file_id": "file-1"}, "response": {"body": null}}')


def cmd_vectors(args):
    vectors = []
    for name, text in cases():
        rec = json.loads(text)
        h = recording_hashes(rec)
        h.pop("models_digest", None)
        canon = None
        if h["kind"] == "inference":
            url = urlparse(rec["request"]["url"])
            body = normalize(rec["request"]["body"], drop_stream_options="bedrock" in url.netloc)
            canon = json.dumps(body, sort_keys=True)
        vectors.append(dict(h, name=name, recording=text, canonical_body=canon,
                            unreproducible=name.startswith("unreproducible")))
    data = {"generator": "scripts/hash_oracle.py vectors",
            "python": sys.version.split()[0], "vectors": vectors}
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=True) + "\n"
    if args.output:
        with open(args.output, "w", encoding="ascii") as f:
            f.write(text)
    else:
        sys.stdout.write(text)


def cmd_canon(args):
    sys.stdout.write(json.dumps(normalize(json.loads(args.json)), sort_keys=True) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("files")
    f.add_argument("paths", nargs="+")
    f.set_defaults(fn=cmd_files)
    v = sub.add_parser("vectors")
    v.add_argument("-o", "--output")
    v.set_defaults(fn=cmd_vectors)
    c = sub.add_parser("canon")
    c.add_argument("json")
    c.set_defaults(fn=cmd_canon)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
