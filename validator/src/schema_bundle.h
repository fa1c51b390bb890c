/* schema_bundle.h - the files of schema/ (and of docs/rules/) compiled into
 * the library by cmake/EmbedFiles.cmake, so that recval needs no schema or
 * doc path at run time. */
#ifndef RECVAL_SCHEMA_BUNDLE_H
#define RECVAL_SCHEMA_BUNDLE_H

#include <stddef.h>

typedef struct rv_bundled_file {
    const char *path;          /* relative to schema/, e.g. "types/openai.model.schema.json" */
    const unsigned char *data; /* NUL-terminated */
    size_t len;                /* without the NUL */
} rv_bundled_file;

extern const rv_bundled_file rv_schema_bundle[];
extern const size_t rv_schema_bundle_count;

/* The rule docs (docs/rules/<family>.md), paths such as "usage.md". */
extern const rv_bundled_file rv_rule_docs_bundle[];
extern const size_t rv_rule_docs_bundle_count;

#endif
