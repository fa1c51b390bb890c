/* jsonschema.h - JSON Schema draft 2020-12 validation engine over json-c values.
 *
 * Usage: create a registry, register the bundled metaschemas and any local
 * schema documents, compile a schema (every $ref is resolved, every pattern
 * compiled, every keyword checked at this point), then validate instances
 * against the compiled schema from any number of threads.
 *
 * Threading: compiling mutates the registry and must not run concurrently
 * with another compile on the same registry. A compiled js_schema is never
 * modified afterwards, so validating against it from many threads at once
 * (even while another schema is being compiled) is safe; all per-call state
 * lives in the caller's stack frame. */
#ifndef RECVAL_JSONSCHEMA_H
#define RECVAL_JSONSCHEMA_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct js_registry js_registry;
/* A compiled schema (any subschema of a compiled document is one too). */
typedef struct js_schema js_schema;

/* Registry options (bit flags). */
enum {
    /* Treat keywords the engine does not know as annotations instead of
     * failing the compile. Off by default: recval's own schemas must not
     * silently ignore a misspelled or unimplemented keyword. */
    JS_ALLOW_UNKNOWN_KEYWORDS = 1u << 0,
};

/* Base URI of the draft 2020-12 metaschemas. */
#define JS_DRAFT2020_12_BASE "https://json-schema.org/draft/2020-12/"
/* Maximum nesting accepted when parsing a schema file. */
#define JS_MAX_JSON_DEPTH 512

/* Creates an empty registry with the given JS_* option flags. */
js_registry *js_registry_new(unsigned options);

/* A JSON document compiled into the program, e.g. a schema tree embedded at
 * build time: its path relative to the tree and its NUL-terminated text. */
typedef struct js_embedded_file {
    const char *path; /* e.g. "meta/draft2020-12/schema.json" */
    const unsigned char *data;
    size_t len; /* without the NUL */
} js_embedded_file;

/* Gives the registry the embedded documents js_registry_add_bundle and
 * js_registry_add_metaschemas(reg, NULL, ...) read from. The array is
 * borrowed and must outlive the registry. Without it the registry has no
 * embedded documents. */
void js_registry_set_embedded(js_registry *reg, const js_embedded_file *files, size_t n);

/* Frees the registry, every document it holds and every schema compiled
 * from it. NULL is accepted. */
void js_registry_free(js_registry *reg);

/* Registers a parsed schema document under retrieval URI `uri` (absolute,
 * without fragment; NULL gives it a fresh "urn:recval:anonymous:N" URI).
 * Indexes its $id, $anchor and $dynamicAnchor identifiers. The registry
 * takes its own reference to `doc`. On success returns 0 and, if `uri_out`
 * is not NULL, stores the URI used (owned by the registry). On failure
 * returns -1 and sets *err to a heap message the caller frees. */
int js_registry_add_document(js_registry *reg, const char *uri, json_object *doc,
                             const char **uri_out, char **err);

/* Parses the file at `path` strictly and registers it under `uri`
 * (NULL: "file://" + absolute path). Same return convention. */
int js_registry_add_file(js_registry *reg, const char *uri, const char *path, char **err);

/* Maps every URI starting with `base_uri` to files below `dir`: a reference
 * to base_uri + "a/b.json" loads dir/a/b.json on first use (also trying a
 * ".json" suffix, so ".../meta/core" finds meta/core.json). Nothing is ever
 * fetched from the network. Returns 0, or -1 with *err set. */
int js_registry_add_dir(js_registry *reg, const char *base_uri, const char *dir, char **err);

/* Like js_registry_add_dir, but the files come from the embedded documents
 * (js_registry_set_embedded): base_uri + "x/y" loads
 * bundle_dir/x/y or bundle_dir/x/y.json. No file system access. */
int js_registry_add_bundle(js_registry *reg, const char *base_uri, const char *bundle_dir,
                           char **err);

/* Makes the draft 2020-12 metaschemas available under JS_DRAFT2020_12_BASE,
 * reading them from `schema_dir`/meta/draft2020-12, or, when schema_dir is
 * NULL, from the embedded documents below meta/draft2020-12. Returns 0 or -1. */
int js_registry_add_metaschemas(js_registry *reg, const char *schema_dir, char **err);

/* Compiles the schema identified by `uri` (absolute, fragment allowed:
 * "x.json#/$defs/a" or "x.json#anchor"). Fails on unknown keywords (unless
 * JS_ALLOW_UNKNOWN_KEYWORDS), malformed keyword values, invalid patterns,
 * unresolvable references and unsupported dialects/vocabularies. Returns the
 * schema (owned by the registry), or NULL with *err set. */
const js_schema *js_compile(js_registry *reg, const char *uri, char **err);

/* Registers `doc` like js_registry_add_document and compiles its root. */
const js_schema *js_compile_document(js_registry *reg, const char *uri, json_object *doc,
                                     char **err);

/* Absolute location of a compiled schema: "<resource URI>#<JSON pointer>". */
const char *js_schema_location(const js_schema *schema);

/* The PCRE2 match context every pattern match runs under, with the
 * engine's match and heap limits (docs/schema-engine.md, "Limits"); made
 * once, shared by all threads. recval's own patterns run under it too. A
 * match that hits a limit is an error, never a mismatch. */
struct pcre2_real_match_context_8;
struct pcre2_real_match_context_8 *js_match_context(void);

/* One validation failure. All strings are valid only during the callback
 * (js_validate) or until js_error_list_free (js_validate_collect). */
typedef struct js_error {
    const char *instance_location;         /* RFC 6901 pointer into the instance */
    const char *keyword_location;          /* evaluation path, e.g. /properties/a/$ref/type */
    const char *absolute_keyword_location; /* canonical URI#pointer of the keyword */
    const char *message;                   /* e.g. expected integer, got string */
    /* Not a failure of the instance: a pattern could not be evaluated on
     * a string there (a PCRE2 limit); the keyword was given the benefit
     * of the doubt and message says why. */
    bool pattern_error;
} js_error;

/* Receives each error; return 0 to continue, non-zero to stop validating. */
typedef int (*js_error_fn)(const js_error *error, void *ctx);

/* Fast boolean check: no message is built, evaluation stops at the first
 * failure. False also when a pattern could not be evaluated (see
 * js_error.pattern_error): validate again with a callback to learn which. */
bool js_is_valid(const js_schema *schema, json_object *instance);

/* Validates and reports every failure to `on_error` (NULL behaves like
 * js_is_valid). Returns true when the instance is valid. */
bool js_validate(const js_schema *schema, json_object *instance, js_error_fn on_error, void *ctx);

/* Errors collected by js_validate_collect; items own their strings. */
typedef struct js_error_list {
    js_error *items;
    size_t count;
    size_t cap;
} js_error_list;

#define JS_ERROR_LIST_INIT                                                                         \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Validates and appends up to `max_errors` errors (0: no limit) to `out`.
 * Returns true when the instance is valid. */
bool js_validate_collect(const js_schema *schema, json_object *instance, size_t max_errors,
                         js_error_list *out);

/* Frees the strings and array of a list filled by js_validate_collect. */
void js_error_list_free(js_error_list *list);

/* Reads and strictly parses one JSON file: RFC 8259 only, valid UTF-8, no
 * repeated object keys, nesting up to JS_MAX_JSON_DEPTH. Schema files
 * loaded by the registry go through the same checks. Returns a new
 * reference, or NULL with *err set. */
json_object *js_load_json_file(const char *path, char **err);

/* Parses one JSON text as strictly as js_load_json_file; `name` prefixes
 * error messages. Returns a new reference, or NULL with *err set. */
json_object *js_parse_json_text(const char *text, size_t len, const char *name, char **err);

#endif
