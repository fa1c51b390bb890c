/* recval_internal.h - what the rule families share: the loaded file, the
 * rule identifiers, the diagnostic emitter, the classification of the
 * recording and small json-c accessors. Not installed; the CLI and the
 * suites may include it to test internals. */
#ifndef RECVAL_INTERNAL_H
#define RECVAL_INTERNAL_H

#include "recval.h"
#include "strbuf.h"
#include "readfile.h"
#include "textutil.h" /* rv_utf8_decode, rv_hex_digit */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* Rule identifiers, in rules.def order. */
typedef enum rv_rule_id {
#define RULE(id, name, sev, summary) RV_##id,
#include "rules.def"
#undef RULE
    RV_RULE_COUNT
} rv_rule_id;

const recval_rule *rv_rule(rv_rule_id id);

/* The rule the old name name[0..n) stands for (rules.def's ALIAS() rows),
 * searching the alias table from *next on; *next is moved past the row
 * found, so repeated calls give every rule one old name stands for. NULL
 * when no further row has that name. *note (when note is not NULL) gets
 * the row's note. */
const recval_rule *rv_rule_alias(const char *name, size_t n, size_t *next, const char **note);

/* What a recording holds. Keep in step with rv_kind_name(). */
typedef enum rv_kind {
    RV_KIND_INVALID, /* not JSON */
    RV_KIND_UNKNOWN, /* JSON, but no known recording shape */
    RV_KIND_CHAT_STREAM,
    RV_KIND_CHAT,
    RV_KIND_COMPLETION_STREAM,
    RV_KIND_COMPLETION,
    RV_KIND_EMBEDDINGS,
    RV_KIND_MODEL_LIST,
    RV_KIND_OLLAMA_GENERATE,
    RV_KIND_OLLAMA_CHAT,
    RV_KIND_OLLAMA_EMBED,
    RV_KIND_OLLAMA_PS,
    RV_KIND_OLLAMA_PULL,
    RV_KIND_OLLAMA_TAGS,
    RV_KIND_TOOL_INVOCATION,
    RV_KIND_RAW_HTTP,
    RV_KIND_FILE_PROCESSOR,
    RV_KIND_EXCEPTION,
    RV_KIND_RAW_BODY, /* plain dicts or SSE strings (Gemini, Anthropic, ...) */
    RV_KIND_COUNT
} rv_kind;

const char *rv_kind_name(rv_kind k);

/* How the file is named, which tells the recorder generation. */
typedef enum rv_name_scheme {
    RV_NAME_OTHER,  /* not a recorder name */
    RV_NAME_HASH12, /* legacy: responses/<12 hex>.json */
    RV_NAME_HASH64, /* current: recordings/<64 hex>.json */
    RV_NAME_MODELS, /* models-<64 hex>-<8 hex>.json */
} rv_name_scheme;

/* Streams folded per choice; see stream.h. */
struct rv_stream;

/* One file being checked. Rule families read it and call rv_emit(). */
typedef struct rv_file {
    const recval_validator *validator;
    const char *path;
    const char *base; /* file name without directories */
    /* The whole file, len bytes. NUL-terminated when read from a file
     * (rv_read_whole_file, rv_file_load_text); recval_check_buffer()
     * passes the caller's bytes, which need not be: read only within len. */
    const char *text;
    size_t len;
    json_object *root; /* NULL when the file is not JSON */

    rv_kind kind;
    rv_name_scheme name_scheme;
    char name_hash[65];  /* hex digits of the name, "" when RV_NAME_OTHER */
    char name_digest[9]; /* models-<hash>-<digest> */

    /* Shortcuts into root, NULL when absent or of the wrong type. */
    json_object *request;      /* object */
    json_object *request_body; /* object */
    json_object *response;     /* object */
    json_object *body;         /* any type, NULL when absent or null */
    bool is_streaming;

    struct rv_stream *stream; /* folded chat/completion stream or NULL */
    /* The current scheme's hash of the request, set by the request-hash
     * family for recval_check_duplicates(); "" when it has none. */
    char request_hash[65];

    recval_diag *diags;
    size_t ndiags, cap;
    void *match_data; /* pcre2_match_data, made on first use */
} rv_file;

/* Records a diagnostic with the rule's default severity. `pointer` is an
 * RFC 6901 pointer into the file; line and column are filled in later. */
void rv_emit(rv_file *f, rv_rule_id rule, const char *pointer, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same with an explicit severity. */
void rv_emit_sev(rv_file *f, rv_rule_id rule, recval_severity sev, const char *pointer,
                 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Rule families: each walks f->root and emits what it finds; check.c runs
 * them from its table of (family, entry point). */
void rv_check_envelope(rv_file *f);
void rv_check_ids(rv_file *f);
void rv_check_finish_reason(rv_file *f);
void rv_check_usage(rv_file *f);
void rv_check_tool_calls(rv_file *f);
/* Also sets f->request_hash. */
void rv_check_request_hash(rv_file *f);
void rv_check_schema(rv_file *f);

/* True when recval has checks for this __type__ (by class name). */
bool rv_type_is_known(const char *type_name);

/* Fills kind, name scheme and the shortcuts of f from f->root. */
void rv_classify(rv_file *f);

/* Loads a recording for callers that need its tree but no rules (replay,
 * hashing): reads path, parses it as strictly as recval_check_file() and
 * classifies it. Returns 0, or -1 when the file cannot be read or is not
 * JSON, the reason being f's last diagnostic. The _text variant parses
 * text (malloc'd, NUL-terminated, len bytes) as if read from path and
 * takes it over. Either way f is released with rv_file_release(). */
int rv_file_load(const recval_validator *v, const char *path, rv_file *f);
int rv_file_load_text(const recval_validator *v, const char *path, char *text, size_t len,
                      rv_file *f);
void rv_file_release(rv_file *f);
/* Gives f's diagnostics their positions, sorts them as recval_check_file()
 * does and moves them into out, with the counts; frees f's tree, not its
 * text. For callers that emit diagnostics of their own on a loaded file
 * (recval_schema_check_file()). */
void rv_file_finish(rv_file *f, recval_result *out);
/* The order of a file's diagnostics, as a qsort comparator of
 * recval_diag: by line, column, rule name, then message. */
int rv_diag_cmp(const void *a, const void *b);
/* Counts one diagnostic of severity sev in r's errors, warnings or notes. */
void rv_count_severity(recval_result *r, recval_severity sev);

/* diag.c: emits at a known byte offset (parse errors know theirs); gives
 * every diagnostic without a position the one of its pointer, in one pass
 * over the text; drops every diagnostic of f. */
void rv_emit_at(rv_file *f, rv_rule_id rule, const char *pointer, size_t offset, const char *fmt,
                ...) __attribute__((format(printf, 5, 6)));
void rv_locate_diags(rv_file *f);
void rv_clear_diags(rv_file *f);

/* load.c: parses f->text into f->root strictly (false, with the parse
 * diagnostic, when it is not JSON); the limit a file's size is checked
 * against (files are read by base/readfile.c); records why a read failed or that a size is over a
 * limit; the file name of a path. */
bool rv_parse_tree(rv_file *f);
size_t rv_read_limit(const recval_validator *v);
void rv_emit_read_error(rv_file *f, const rv_read_info *info);
void rv_emit_size_error(rv_file *f, const rv_read_info *info);
const char *rv_base_name(const char *path);

/* util.c: the first out_len - 1 hex digits (at most 64) of the SHA-256 of
 * n bytes at data, NUL-terminated. */
void rv_sha256_hex(const void *data, size_t n, char *out, size_t out_len);
/* util.c: finishes the SHA-256 digest being computed in ctx (OpenSSL's
 * EVP_MD_CTX) and writes it like rv_sha256_hex. */
struct evp_md_ctx_st;
void rv_sha256_final_hex(struct evp_md_ctx_st *ctx, char *out, size_t out_len);
/* util.c: SHA-256 fetched from OpenSSL's default provider once per process
 * (thread-safe; EVP_sha256() would be fetched again at every digest
 * init), for the EVP_Digest* calls. */
const struct evp_md_st *rv_sha256_md(void);

/* budget.c: what json-c and the checks will allocate for text, estimated
 * in one pass before json-c builds anything (docs/cli.md, "Limits"). */
typedef struct rv_memory_estimate {
    size_t bytes;  /* what checking the file would allocate, text included */
    size_t values; /* JSON values counted */
} rv_memory_estimate;
rv_memory_estimate rv_estimate_memory(const char *text, size_t len);
/* True when no text of len bytes can be estimated over budget bytes, so
 * that the pass can be skipped: every byte costs at most a fixed amount. */
bool rv_estimate_fits(size_t len, size_t budget);

/* json_object_object_get_ex for the small objects recordings are made
 * of: true, with the member's value in *value (when value is not NULL),
 * when obj is an object with member key. */
bool rv_member(json_object *obj, const char *key, json_object **value);
/* json-c accessors that treat a wrong type like absence. */
json_object *rv_get(json_object *obj, const char *key);
json_object *rv_get_object(json_object *obj, const char *key);
json_object *rv_get_array(json_object *obj, const char *key);
const char *rv_get_string(json_object *obj, const char *key);
bool rv_has(json_object *obj, const char *key);
/* Integer value of a json int (or an integral double); false otherwise. */
bool rv_as_int(json_object *v, int64_t *out);
/* True when obj's member `key` is JSON true. */
bool rv_get_true(json_object *obj, const char *key);

/* What v is, for messages: "null" (also for NULL), "a boolean", "a
 * number", "a string", "an array" or "an object". */
const char *rv_json_type_phrase(json_object *v);
/* The same, but "an integer" for an integer (and "a number" for the
 * other numbers). */
const char *rv_json_kind(json_object *v);

/* True when s (NULL: false) ends with suffix. */
bool rv_ends_with(const char *s, const char *suffix);
/* True when the request's endpoint ends in /chat/completions. */
bool rv_is_chat_endpoint(const rv_file *f);
/* True when s is one of the n strings of list. */
bool rv_str_in(const char *const *list, size_t n, const char *s);

/* True when s is 'n' lower-case hex digits. */
bool rv_is_hex(const char *s, size_t n);

/* Formats a pointer from a printf format into a caller buffer of size
 * RV_PTR_MAX; member names with '/' or '~' must go through
 * rv_sb_put_pointer_token instead. */
#define RV_PTR_MAX 512
const char *rv_ptr(char buf[RV_PTR_MAX], const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Thread-local last error message of the public API. */
void rv_set_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The compiled, read-only state shared by all checks. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Rule families that can be switched off as a whole (recval_options.ignore). */
typedef enum rv_family {
    RV_FAMILY_ENVELOPE,
    RV_FAMILY_IDS,
    RV_FAMILY_FINISH_REASON,
    RV_FAMILY_USAGE,
    RV_FAMILY_TOOL_CALLS,
    RV_FAMILY_REQUEST_HASH,
    RV_FAMILY_SCHEMA,
    RV_FAMILY_REPLAY,
    RV_FAMILY_COUNT
} rv_family;

/* Marks the rules `name` (n bytes: a rule, or a family and all its rules)
 * names in rules[] (and the family in families[]), looked up as
 * recval_options.ignore is. -1 with the last error, worded with `verb`
 * ("ignore") and `participle` ("ignored"), when there is no such rule or
 * family or it is a parse/ error (a file that cannot be read has no other
 * check). */
int rv_mark_rules(const char *name, size_t n, const char *verb, const char *participle, bool *rules,
                  bool *families);

/* Node ids of test lists (config.c), sorted once read. */
typedef struct rv_test_set {
    char **ids;
    size_t n, cap;
} rv_test_set;
/* Adds the ids of the test-list file at path (-1 with the last error when
 * it cannot be read); sorts the set for rv_test_set_has(); frees it. */
int rv_test_set_read(rv_test_set *s, const char *path);
void rv_test_set_sort(rv_test_set *s);
bool rv_test_set_has(const rv_test_set *s, const char *id);
void rv_test_set_free(rv_test_set *s);

/* A per-path-ignores entry: the rules not reported in the files the glob
 * matches (relative to the config file's directory). */
typedef struct rv_path_ignore {
    char *glob;
    bool rule[RV_RULE_COUNT];
} rv_path_ignore;

struct recval_validator {
    size_t max_depth;
    size_t max_file_size;
    size_t max_memory;                    /* budget per file, bytes */
    bool ignored_rule[RV_RULE_COUNT];     /* not reported */
    bool ignored_family[RV_FAMILY_COUNT]; /* not computed */
    pcre2_code *type_name_re;             /* dotted Python qualified name */
    /* recval's JSON Schemas (schema/), compiled once by rv_schemas_new()
     * and only read afterwards (rules_schema.c). */
    struct js_registry *schema_registry;
    const struct js_schema *recording_schema; /* recording.schema.json */
    struct rv_type_schema *type_schemas;      /* types.json: __type__ -> __data__ schema */
    size_t ntype_schemas;
    /* From the configuration file and the test lists (config.c). */
    unsigned char severity[RV_RULE_COUNT]; /* 0: the rule's own, else severity + 1 */
    char *config_dir;                      /* absolute, for per-path ignores */
    rv_path_ignore *path_ignores;
    size_t npath_ignores;
    bool has_tests; /* replay/unused-recording runs */
    rv_test_set tests;
};

/* config.c: copies the settings of opts (config, test lists) into v (0),
 * or sets the last error (-1); frees them. */
int rv_settings_new(recval_validator *v, const recval_options *opts);
void rv_settings_free(recval_validator *v);
/* Drops the diagnostics of path that v does not report (ignored rules,
 * per-path ignores) from diags[0..*n), freeing them, and gives the others
 * their configured severity. */
void rv_apply_settings(const recval_validator *v, const char *path, recval_diag *diags, size_t *n);

/* rules_replay.c: replay/unused-recording (runs when v->has_tests). */
void rv_check_replay(rv_file *f);

/* Compiles recval's schemas into v (0), or sets the last error (-1). */
int rv_schemas_new(recval_validator *v);
/* Frees what rv_schemas_new() made; safe on a partly made validator. */
void rv_schemas_free(recval_validator *v);

/* Every PCRE2 match of the library runs under the schema engine's match
 * context, js_match_context() (jsonschema.h): documented match and heap
 * limits. */

/* Per-file scratch for the validator's patterns (one per file, so checks
 * stay thread-safe). */
pcre2_match_data *rv_match_data(rv_file *f);

#endif
