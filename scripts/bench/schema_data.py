#!/usr/bin/python3
"""schema_data.py CORPUS SCHEMA_DIR OUT_DIR - prepares the work of
scripts/bench_schema.sh once, the same for every validator:

  OUT_DIR/data.json    {"<__type__>": [every __data__ of that type in CORPUS], ...}
  OUT_DIR/schema.json  {"type": "object", "properties": {"<__type__>": {"type": "array",
                        "items": {"$ref": "<the type's schema $id from types.json>"}}},
                        "additionalProperties": false}

so one instance file and one wrapper schema make each tool validate every
__data__ item of the corpus against its type's schema in one run. Prints
the item counts."""
import glob
import json
import os
import sys


def main():
    corpus, schema_dir, out = sys.argv[1:4]
    types = json.load(open(os.path.join(schema_dir, "types.json")))["types"]
    data = {name: [] for name in types}
    for path in sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)):
        doc = json.load(open(path, encoding="utf-8"))
        body = doc.get("response", {}).get("body") if isinstance(doc, dict) else None
        for item in body if isinstance(body, list) else [body]:
            if isinstance(item, dict) and item.get("__type__") in data and isinstance(item.get("__data__"), dict):
                data[item["__type__"]].append(item["__data__"])
    data = {name: items for name, items in data.items() if items}
    wrapper = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {name: {"type": "array", "items": {"$ref": types[name]}} for name in data},
        "additionalProperties": False,
    }
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "data.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    with open(os.path.join(out, "schema.json"), "w", encoding="utf-8") as f:
        json.dump(wrapper, f, indent=1)
    for name, items in sorted(data.items(), key=lambda kv: -len(kv[1])):
        print("  %6d  %s" % (len(items), name))
    print("  %6d  __data__ items in all" % sum(len(items) for items in data.values()))


if __name__ == "__main__":
    main()
