/* schema_bundle.h - the files of schema/ (and of docs/rules/) compiled into
 * the library by cmake/EmbedFiles.cmake, so that recval needs no schema or
 * doc path at run time. */
#ifndef RECVAL_SCHEMA_BUNDLE_H
#define RECVAL_SCHEMA_BUNDLE_H

#include "jsonschema.h"

#include <stddef.h>

/* One file of schema/: path relative to schema/ (e.g.
 * "types/openai.model.schema.json"), NUL-terminated data, len without the
 * NUL. The schema engine's js_embedded_file. */
typedef js_embedded_file rv_bundled_file;

extern const rv_bundled_file rv_schema_bundle[];
extern const size_t rv_schema_bundle_count;

/* The rule docs (docs/rules/<family>.md), paths such as "usage.md". */
extern const rv_bundled_file rv_rule_docs_bundle[];
extern const size_t rv_rule_docs_bundle_count;

/* The URI recval's own schemas are served under. */
#define RV_SCHEMA_BASE_URI "https://recval.dev/schema/"

/* A schema registry (js_registry_new) that reads embedded documents from
 * the schema/ bundle; schema_registry.c. */
js_registry *rv_schema_registry_new(unsigned options);

/* Serves recval's schemas (under RV_SCHEMA_BASE_URI) and the draft
 * 2020-12 metaschemas from reg; 0, or -1 with *err set. */
int rv_schema_registry_add_own(js_registry *reg, char **err);

#endif
