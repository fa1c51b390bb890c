#!/usr/bin/python3
"""schema_python.py SCHEMA_DIR WRAPPER DATA - validates DATA against the
WRAPPER schema with Python jsonschema (Draft 2020-12), every $ref served
from SCHEMA_DIR's schemas by their $id (no network). Prints valid/invalid;
exit 0 when valid, 1 when not. The Python leg of scripts/bench_schema.sh."""
import glob
import json
import os
import sys

from jsonschema import Draft202012Validator, RefResolver


def main():
    schema_dir, wrapper_path, data_path = sys.argv[1:4]
    store = {}
    for path in glob.glob(os.path.join(schema_dir, "**", "*.schema.json"), recursive=True):
        schema = json.load(open(path, encoding="utf-8"))
        if "$id" in schema:
            store[schema["$id"]] = schema
    wrapper = json.load(open(wrapper_path, encoding="utf-8"))
    data = json.load(open(data_path, encoding="utf-8"))
    validator = Draft202012Validator(wrapper, resolver=RefResolver("", wrapper, store=store))
    valid = validator.is_valid(data)
    print("valid" if valid else "invalid")
    return 0 if valid else 1


if __name__ == "__main__":
    sys.exit(main())
