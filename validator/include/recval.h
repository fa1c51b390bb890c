/* recval.h - the public interface of the recval library.
 *
 * recval checks recordings of LLM API traffic (one JSON file holding one
 * request and the provider's response) for the defects that break replay:
 * malformed JSON, broken envelopes, inconsistent ids, misplaced
 * finish_reason, wrong usage totals, unparseable tool-call arguments.
 *
 * Usage:
 *     recval_validator *v = recval_validator_new(NULL);
 *     recval_result r;
 *     if (recval_check_file(v, "rec.json", &r) == RECVAL_OK) {
 *         for (size_t i = 0; i < r.ndiags; i++) ... r.diags[i] ...
 *         recval_result_free(&r);
 *     }
 *     recval_validator_free(v);
 *
 * A validator is immutable once made and may be shared by many threads.
 * Functions return RECVAL_OK or a negative recval_status; the message of the
 * last failure on the calling thread is available from recval_last_error().
 * The library never exits the process and never writes to checked files. */
#ifndef RECVAL_H
#define RECVAL_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Return codes of the library's functions. */
typedef enum recval_status {
    RECVAL_OK = 0,
    RECVAL_EINVAL = -1, /* bad argument */
    RECVAL_EIO = -2,    /* file could not be read */
    RECVAL_ENOMEM = -3, /* allocation failed */
} recval_status;

/** Severity of a diagnostic, in increasing order. */
typedef enum recval_severity {
    RECVAL_NOTE = 0,
    RECVAL_WARNING = 1,
    RECVAL_ERROR = 2,
} recval_severity;

/** One rule of the table: stable name `family/specific-name`, default
 * severity and one-line summary. Its doc is the section of the same name in
 * docs/rules/<family>.md. */
typedef struct recval_rule {
    const char *name;
    recval_severity severity;
    const char *summary;
} recval_rule;

/** One finding in one file. `pointer` is the RFC 6901 JSON pointer of the
 * offending value ("" for the whole document); `line` and `column` are
 * 1-based, the column counted in Unicode code points, and locate the first
 * character of that value (1:1 when the file could not be read at all). */
typedef struct recval_diag {
    const recval_rule *rule;
    recval_severity severity;
    char *message;
    char *pointer;
    unsigned line;
    unsigned column;
} recval_diag;

/** Everything found in one file. `kind` names what the recording holds
 * (see recval_kind_names()), "invalid" when it is not JSON. */
typedef struct recval_result {
    char *path;
    const char *kind;
    recval_diag *diags;
    size_t ndiags;
    size_t errors;
    size_t warnings;
    size_t notes;
    /* The request's hash under the recorder's current scheme (64 hex),
     * what recval_check_duplicates() compares; "" when the file is not
     * named by a hash or its hash is unknown or cannot be trusted. */
    char request_hash[65];
} recval_result;

/** Options for recval_validator_new(); zero means "use the default". */
typedef struct recval_options {
    size_t max_depth;     /* JSON nesting limit, default 10000 */
    size_t max_file_size; /* bytes, default 256 MiB */
    /* Comma-separated rule names ("usage/total-mismatch") or families
     * ("schema") not to report; a whole family is not even computed.
     * parse/ errors cannot be ignored (parse/duplicate-key can). NULL:
     * report everything. */
    const char *ignore;
} recval_options;

typedef struct recval_validator recval_validator;

/** Makes a validator. `opts` may be NULL. Returns NULL on failure (see
 * recval_last_error()). */
recval_validator *recval_validator_new(const recval_options *opts);

/** 1 when `v` reports the rule named `name`, 0 when recval_options.ignore
 * switched it off or there is no such rule. */
int recval_validator_reports(const recval_validator *v, const char *name);

/** Frees a validator made by recval_validator_new(); NULL is allowed. */
void recval_validator_free(recval_validator *v);

/** Reads and checks the file at `path`, filling `out` (which the caller
 * frees with recval_result_free()). A file that cannot be read is still a
 * result: one `parse/unreadable` diagnostic, and RECVAL_OK is returned.
 * Returns RECVAL_EINVAL on NULL arguments. */
int recval_check_file(const recval_validator *v, const char *path, recval_result *out);

/** Checks `len` bytes at `text` as if read from `path` (the name matters:
 * request hashes are checked against it). Same contract as
 * recval_check_file(). */
int recval_check_buffer(const recval_validator *v, const char *path, const char *text, size_t len,
                        recval_result *out);

/** Frees what a check put in `r` and zeroes it. */
void recval_result_free(recval_result *r);

/** The run-level check of the results of one run (after every file is
 * checked, before reports are written): two or more files of one
 * directory whose requests have the same hash (`request_hash`) answer the
 * same request, and each gets a `request-hash/duplicate` warning naming
 * the others. Model-list files (models-<hash>-<digest>.json), which
 * replay merges, are never duplicates. Each result keeps its diagnostics
 * sorted and its counts right. Returns the number of diagnostics added,
 * or RECVAL_EINVAL when `results` is NULL and n is not 0. */
int recval_check_duplicates(recval_result *results, size_t n);

/** The rule table, grouped by family in docs order; `*count` receives its
 * length. */
const recval_rule *recval_rules(size_t *count);

/** Looks up a rule by its full name; NULL when there is none. */
const recval_rule *recval_rule_find(const char *name);

/** When `name` is an old rule name that recval_options.ignore still
 * accepts (a rule renamed, or split into several), a static note saying
 * what became of it; NULL for current names and unknown ones. Thread-safe
 * (reads a constant table). */
const char *recval_rule_alias_note(const char *name);

/** "error", "warning" or "note". */
const char *recval_severity_name(recval_severity s);

/** NULL-terminated list of the kinds a recording can be classified as. */
const char *const *recval_kind_names(void);

/** Message of the last failed call on this thread ("" when none). */
const char *recval_last_error(void);

/** Library version, e.g. "0.1.0". */
const char *recval_version(void);

/* --- request hashes and replay (`recval hash`, `recval replay`) ------ */

/** The request hashes of one recording, or of a bare request, under every
 * scheme the test recorder has named files by, and what the file name
 * says. Hex digests are lower case; "" where a scheme does not apply. */
typedef struct recval_hashes {
    /* The file; NULL for recval_hash_request(). */
    char *path;
    /* "inference", "tool", "http" or "file_processor". */
    const char *request_kind;
    /* The current recorder's name ("" for file processors: their formula
     * is not known). */
    char current[65];
    /* The current scheme without body normalization (inference, HTTP). */
    char current_raw[65];
    /* llama-stack's legacy scheme (inference): the file is its first 12
     * hex digits. */
    char legacy[65];
    /* The current scheme under earlier normalizations; "" unless they
     * differ from current. */
    char older_fs_partial[65];
    char older_fs_none[65];
    /* A model list: the file is models-<current>-<models_digest>.json
     * (digest "" without a response to compute it from). */
    int is_model_list;
    char models_digest[9];
    /* The hex digits of the file name; NULL when it is no recorder name. */
    char *name_hash;
    /* The scheme the name matches: "current", "legacy", or a stale one
     * ("current_raw", "older_fs_partial", "older_fs_none"); NULL: none. */
    const char *matches;
    /* The name the current recorder gives the file (legacy-layout files,
     * named by 12 hex digits: their legacy name); NULL when unknown. */
    char *expected_name;
    /* Why the digests cannot be trusted (the recorder's Python could not
     * have hashed what json-c read); NULL when they can. */
    char *unreproducible;
} recval_hashes;

/** Hashes the recording at `path` (its request and test_id) and matches
 * its file name, filling `out` (freed with recval_hashes_free()).
 * Returns RECVAL_OK; RECVAL_EIO when the file cannot be read, RECVAL_EINVAL
 * when it is not JSON or holds no request of a known shape (see
 * recval_last_error()). */
int recval_hash_file(const recval_validator *v, const char *path, recval_hashes *out);

/** Hashes a bare request: `json` (`len` bytes) is the JSON text of a
 * recording's `request` object, made under `test_id` (NULL: the request's
 * own `test_id` member, which tool and HTTP requests carry, else none). A
 * whole recording is accepted too: its request is used, and its test_id
 * when `test_id` is NULL. `out->path`, `name_hash` and `matches` are NULL.
 * Returns RECVAL_OK or RECVAL_EINVAL (not JSON, no request). */
int recval_hash_request(const recval_validator *v, const char *json, size_t len,
                        const char *test_id, recval_hashes *out);

/** Frees what a hash call put in `h` and zeroes it; NULL is allowed. */
void recval_hashes_free(recval_hashes *h);

/** Reads the whole file at `path` (at most the validator's max_file_size
 * bytes) into a NUL-terminated heap buffer the caller frees, storing its
 * length in `*len`; NULL on failure (see recval_last_error()). For callers
 * of the text-taking functions, such as recval_hash_request(). */
char *recval_read_file(const recval_validator *v, const char *path, size_t *len);

/** Where and how recval_replay() looks a request up. */
typedef struct recval_replay_options {
    /* The repository the tests run from (required). */
    const char *root;
    /* The harness's recording dir, relative to root unless absolute; NULL:
     * root/tests/integration/common (current scheme) and
     * root/tests/integration/recordings (legacy). */
    const char *recording_dir;
    /* The test making the request; NULL: the request's own test_id member
     * when it has one (tool, HTTP), else none. */
    const char *test_id;
    /* On a miss, how many nearest recordings to report (0: search none). */
    size_t max_nearest;
} recval_replay_options;

/** A tool call of a folded choice; members are NULL when never given. */
typedef struct recval_tool_call {
    char *id;
    char *name;
    char *arguments; /* the reassembled arguments text */
} recval_tool_call;

/** One choice of the answer, its stream folded into the final message. */
typedef struct recval_choice {
    long long index;
    char *content;                /* content (chat) or text (completion); NULL: none */
    size_t content_len;           /* its length: content may hold U+0000 */
    char *finish_reason;          /* the first one given; NULL: none */
    recval_tool_call *tool_calls; /* by index */
    size_t ntool_calls;
} recval_choice;

/** One difference between two request bodies. */
typedef struct recval_body_diff {
    char *pointer; /* RFC 6901 pointer into the body ("" for the whole body) */
    char *message; /* `"Hello" != "Hello!"` (request value first), `missing in
                      the recording` or `missing in the request` */
} recval_body_diff;

/** A recording near a request that missed: same directory, same endpoint
 * (tool, URL path), same test_id (or none: legacy recordings). */
typedef struct recval_nearest {
    char *path;
    const char *matches;     /* the scheme its own name matches, as in recval_hashes */
    size_t ndifferences;     /* how many values of the bodies differ, as hashed */
    recval_body_diff *diffs; /* the first of them, at most 10 */
    size_t ndiffs;
    char *note; /* when the bodies are equal, what else tells them apart */
} recval_nearest;

/** What a replay found: the answer, or on a miss what was searched. */
typedef struct recval_replay_result {
    int found;
    /* The hash the recording was found by (scheme "current" or "legacy");
     * on a miss, the request's current-scheme hash. */
    char hash[65];
    char legacy_hash[65]; /* the request's legacy hash, "" when n/a */
    const char *scheme;   /* "current" or "legacy"; NULL on a miss */
    /* The file found (model lists: the first of those merged) and every
     * file the answer comes from. */
    char *recording;
    char **recordings;
    size_t nrecordings;
    /* Every path (or models-<hash>-*.json pattern) looked at, in order. */
    char **looked_at;
    size_t nlooked_at;
    const char *kind; /* of the recording (recval_kind_names()) */
    /* Chat and completion kinds: the folded choices, by index. */
    recval_choice *choices;
    size_t nchoices;
    /* JSON texts: the usage the answer reports ("null" when none); for the
     * other kinds a summary of the body (see docs/cli.md); for a recorded
     * exception {"type", "message", ...}. NULL when they do not apply. */
    char *usage_json;
    char *summary_json;
    char *exception_json;
    /* On a miss, the nearest recordings, nearest first. */
    recval_nearest *nearest;
    size_t nnearest;
} recval_replay_result;

/** Looks the request up as the test harness does (the current scheme in
 * the test's recording directory, then in the recording dir, then the
 * legacy scheme; model lists merge every models-<hash>-*.json) and folds
 * what it finds into `out` (freed with recval_replay_result_free()).
 * `json` is the request, as for recval_hash_request(). A miss is not an
 * error: RECVAL_OK with `out->found` 0. Returns RECVAL_EINVAL for a root
 * that is not a directory, an unusable request or a file-processor
 * request (no known hash), and RECVAL_EIO or RECVAL_EINVAL when the
 * recording found cannot be read or is not JSON (see recval_last_error()). */
int recval_replay(const recval_validator *v, const char *json, size_t len,
                  const recval_replay_options *opts, recval_replay_result *out);

/** Frees what recval_replay() put in `r` and zeroes it; NULL is allowed. */
void recval_replay_result_free(recval_replay_result *r);

/* --- any JSON against any JSON Schema (`recval schema`) --------------- */

/** A compiled JSON Schema (draft 2020-12). Immutable once loaded: any
 * number of threads may check files against it at once. */
typedef struct recval_schema recval_schema;

/** A local directory serving the documents under a base URI when `$ref`s
 * are resolved: a reference to `uri` + "a/b.json" (or "a/b") reads
 * `dir`/a/b.json. `uri` is absolute and ends where the directory does. */
typedef struct recval_schema_base {
    const char *uri;
    const char *dir;
} recval_schema_base;

/** Loads the JSON Schema in the file at `path` (strict JSON) and compiles
 * it: every `$ref` resolved, every pattern compiled, every keyword
 * checked. References resolve from `bases` (`nbases` of them, tried
 * first), from the schema file's directory (under its file: URI), from
 * recval's own schemas (https://recval.dev/schema/) and from the draft
 * 2020-12 metaschemas; nothing is fetched from the network. Returns NULL
 * when the schema is unusable (unreadable, not JSON, an unknown keyword, a
 * malformed keyword value, an unresolvable reference, another draft); the
 * reason is in recval_last_error(). Free with recval_schema_free(). */
recval_schema *recval_schema_load(const char *path, const recval_schema_base *bases, size_t nbases);

/** The URI the schema was loaded under (file:///...). */
const char *recval_schema_uri(const recval_schema *s);

/** Frees a schema made by recval_schema_load(); NULL is allowed. */
void recval_schema_free(recval_schema *s);

/** Reads the JSON file at `path` as recval_check_file() reads recordings
 * and validates it against `s`, filling `out` (free it with
 * recval_result_free()). A file that cannot be read or is not JSON gets
 * the same parse/ diagnostics (`out->kind` "invalid"); otherwise each
 * failure is a schema/instance error (recval_schema_rule()) at the
 * instance location, its message naming the failing keyword's absolute
 * location in the schema, with the line and column of that value in the
 * file. At most 100 errors are listed, then one saying there are more.
 * `out->kind` is what recval would classify the file as (see
 * recval_kind_names()). Returns RECVAL_OK, or RECVAL_EINVAL on NULL
 * arguments. */
int recval_schema_check_file(const recval_validator *v, const recval_schema *s, const char *path,
                             recval_result *out);

/** The same for `len` bytes at `text`, reported under `path`. */
int recval_schema_check_buffer(const recval_validator *v, const recval_schema *s, const char *path,
                               const char *text, size_t len, recval_result *out);

/** The rule of the findings of recval_schema_check_file(): schema/instance,
 * an error (in recval_rules() like every rule; no check of a recording
 * reports it). */
const recval_rule *recval_schema_rule(void);

#ifdef __cplusplus
}
#endif

#endif
