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
 * The library never writes to checked files (except recval_fix_apply())
 * and never exits the process, with one exception: when an allocation
 * fails it calls the out-of-memory handler, which by default prints
 * "recval: out of memory" and calls abort() (see recval_set_oom_handler()).
 * RECVAL_ENOMEM is therefore never returned. */
#ifndef RECVAL_H
#define RECVAL_H

#include <stddef.h>

/* RECVAL_API marks what the shared library exports: it is built with
 * -fvisibility=hidden, so a function declared here without it is not
 * callable from librecval.so (a CTest test, recval_exports, checks both
 * ways). The static library is not affected. */
#if defined(__GNUC__) && __GNUC__ >= 4
#define RECVAL_API __attribute__((visibility("default")))
#else
#define RECVAL_API
#endif
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Return codes of the library's functions. */
typedef enum recval_status {
    RECVAL_OK = 0,
    RECVAL_EINVAL = -1, /* bad argument */
    RECVAL_EIO = -2,    /* file could not be read */
    RECVAL_ENOMEM = -3, /* reserved: out of memory goes to the handler */
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
    /* Memory budget per file, bytes, default 1 GiB: a file whose check is
     * estimated (before it is parsed) to take more gets parse/too-large
     * instead. Checking N files at once takes up to N budgets. */
    size_t max_memory;
    /* Comma-separated rule names ("usage/total-mismatch") or families
     * ("schema") not to report; a whole family is not even computed.
     * parse/ errors cannot be ignored (parse/duplicate-key can). NULL:
     * report everything. */
    const char *ignore;
    /* Settings of a configuration file (recval_config_load()); NULL: none.
     * Its `ignore` adds to `ignore`; its per-path ignores and severity
     * overrides apply to every diagnostic of the checks (and of
     * recval_validator_apply()); its `tests` are used unless `ntests` is
     * set. The validator copies what it needs: the config may be freed
     * once the validator is made. */
    const struct recval_config *config;
    /* `ntests` test-list files (what `pytest --collect-only -q` prints: one
     * node id a line; blank lines and lines without "::", such as the
     * summary, are skipped). When given, each recording whose string
     * test_id none of them lists gets a replay/unused-recording warning.
     * 0: the config's `tests`, else no such check. */
    const char *const *tests;
    size_t ntests;
} recval_options;

typedef struct recval_validator recval_validator;

/** Makes a validator. `opts` may be NULL. Returns NULL on failure (see
 * recval_last_error()): an unknown rule or family in `ignore`, a test-list
 * file that cannot be read. */
RECVAL_API recval_validator *recval_validator_new(const recval_options *opts);

/** 1 when `v` reports the rule named `name`, 0 when recval_options.ignore
 * switched it off or there is no such rule. */
RECVAL_API int recval_validator_reports(const recval_validator *v, const char *name);

/** Frees a validator made by recval_validator_new(); NULL is allowed. */
RECVAL_API void recval_validator_free(recval_validator *v);

/** Applies v's ignored rules, per-path ignores and severity overrides to
 * the diagnostics of `r`: drops those not to report, gives the others
 * their configured severity and recounts. For diagnostics added after the
 * check (recval_check_duplicates()); the checks apply them already, and
 * applying them twice changes nothing. Thread-safe on distinct results.
 * Returns RECVAL_OK, or RECVAL_EINVAL on NULL arguments. */
RECVAL_API recval_status recval_validator_apply(const recval_validator *v, recval_result *r);

/** Reads and checks the file at `path`, filling `out` (which the caller
 * frees with recval_result_free()). A file that cannot be read is still a
 * result: one `parse/unreadable` diagnostic, and RECVAL_OK is returned.
 * The file is opened without blocking and must be a regular file (a FIFO,
 * socket or device is `parse/unreadable`, "not a regular file"); it is
 * read up to the size limit even if it grows meanwhile.
 * Returns RECVAL_EINVAL on NULL arguments. */
RECVAL_API recval_status recval_check_file(const recval_validator *v, const char *path,
                                           recval_result *out);

/** Reads what is left of the open descriptor `fd` (a pipe, standard
 * input; at most the size limit and the memory budget) and checks it as if
 * read from `path` (e.g. "<stdin>", or the name its request hash is
 * checked against). Same contract as recval_check_file(); `fd` is neither
 * closed nor seeked, and no other thread may read it meanwhile. Returns
 * RECVAL_EINVAL on NULL arguments or fd < 0. */
RECVAL_API recval_status recval_check_fd(const recval_validator *v, int fd, const char *path,
                                         recval_result *out);

/** The result of a file a directory walk skips because it is not a
 * regular file (a FIFO, socket or device, which could block or never
 * end): one `parse/not-regular-file` note, nothing read. Returns
 * RECVAL_OK, or RECVAL_EINVAL on NULL arguments. */
RECVAL_API recval_status recval_skip_file(const recval_validator *v, const char *path,
                                          recval_result *out);

/** Checks `len` bytes at `text` as if read from `path` (the name matters:
 * request hashes are checked against it). Same contract as
 * recval_check_file(). */
RECVAL_API recval_status recval_check_buffer(const recval_validator *v, const char *path,
                                             const char *text, size_t len, recval_result *out);

/** Frees what a check put in `r` and zeroes it. */
RECVAL_API void recval_result_free(recval_result *r);

/** The run-level check of the results of one run (after every file is
 * checked, before reports are written): two or more files of one
 * directory whose requests have the same hash (`request_hash`) answer the
 * same request, and each gets a `request-hash/duplicate` warning naming
 * the others. Model-list files (models-<hash>-<digest>.json), which
 * replay merges, are never duplicates. Each result keeps its diagnostics
 * sorted and its counts right. Stores the number of diagnostics added in
 * *added (when not NULL). Returns RECVAL_OK, or RECVAL_EINVAL when
 * `results` is NULL and n is not 0. */
RECVAL_API recval_status recval_check_duplicates(recval_result *results, size_t n, size_t *added);

/** The rule table, grouped by family in docs order; `*count` receives its
 * length. */
RECVAL_API const recval_rule *recval_rules(size_t *count);

/** Looks up a rule by its full name; NULL when there is none. */
RECVAL_API const recval_rule *recval_rule_find(const char *name);

/** The full description of `rule`: the prose of its section in
 * docs/rules/<family>.md, compiled into the library at build time (the
 * docs are the one source of truth), lines of a paragraph joined by a
 * space, paragraphs separated by a blank line, the example left out; ""
 * for NULL or a rule the docs lack. The string belongs to the library and
 * lives as long as the process. Thread-safe (built once, on first use). */
RECVAL_API const char *recval_rule_description(const recval_rule *rule);

/** Fingerprints of one finding, as lower-case hex. */
typedef struct recval_fingerprint {
    /* The offending value: SHA-256 (first 16 hex digits) of the compact
     * JSON of the value at the diagnostic's pointer, so it survives line
     * shifts and edits elsewhere in the file; for a finding about the whole
     * document, or a file that is not JSON, of its rule and message. */
    char value[17];
    /* The finding: SHA-256 (first 32 hex digits) of its rule, pointer and
     * the result's request_hash (the value fingerprint when the file has
     * none), not its path, so it survives renames. */
    char finding[33];
} recval_fingerprint;

/** Fingerprints the `r->ndiags` diagnostics of `r` (a result of `v`)
 * into `out[0..ndiags)`, re-reading the file `r->path` once. The file is
 * only read. Returns RECVAL_OK, or RECVAL_EINVAL on NULL arguments. Safe
 * to call from several threads with distinct `out`. */
RECVAL_API recval_status recval_fingerprints(const recval_validator *v, const recval_result *r,
                                             recval_fingerprint *out);

/** When `name` is an old rule name that recval_options.ignore still
 * accepts (a rule renamed, or split into several), a static note saying
 * what became of it; NULL for current names and unknown ones. Thread-safe
 * (reads a constant table). */
RECVAL_API const char *recval_rule_alias_note(const char *name);

/** "error", "warning" or "note". */
RECVAL_API const char *recval_severity_name(recval_severity s);

/** NULL-terminated list of the kinds a recording can be classified as. */
RECVAL_API const char *const *recval_kind_names(void);

/** Message of the last failed call on this thread ("" when none). */
RECVAL_API const char *recval_last_error(void);

/** Library version, e.g. "0.1.0". */
RECVAL_API const char *recval_version(void);

/* --- the configuration file (recval.json) ----------------------------- */

/** The file name `recval validate` looks for in each PATH's directory and
 * its parents. */
#define RECVAL_CONFIG_NAME "recval.json"

/** Settings read from a configuration file (schema/config.schema.json):
 * `ignore`, `per-path-ignores`, `strict`, `severity`, `tests`. Immutable
 * once loaded, so any number of threads may read it. Applied by giving it
 * to recval_validator_new() in recval_options.config. */
typedef struct recval_config recval_config;

/** Reads the configuration file at `path` and checks it strictly: strict
 * JSON (no repeated key), valid against schema/config.schema.json (checked
 * with recval's own schema engine: an unknown key or a value of the wrong
 * type fails), every rule or family name known (looked up as
 * recval_options.ignore looks them up) and every `tests` file readable
 * (relative paths are taken from the config file's directory). Returns
 * the config, freed with recval_config_free(), or NULL; then
 * recval_last_error() holds one line per problem, in file order, each
 * "PATH:LINE:COLUMN: key "KEY": MESSAGE (at POINTER)", LINE and COLUMN
 * those of the offending key (an unknown key) or value (1-based, columns
 * in code points). */
RECVAL_API recval_config *recval_config_load(const char *path);

/** The same for `len` bytes at `text`, read as if from `path` (whose
 * directory anchors the relative paths; the file need not exist). For
 * callers that hold the text, and for fuzzing. */
RECVAL_API recval_config *recval_config_parse(const char *path, const char *text, size_t len);

/** The path the config was loaded from, as given. */
RECVAL_API const char *recval_config_path(const recval_config *c);

/** The config's `strict`: 1 or 0, or -1 when it does not set it. */
RECVAL_API int recval_config_strict(const recval_config *c);

/** Frees a config; NULL is allowed. */
RECVAL_API void recval_config_free(recval_config *c);

/** Decodes one UTF-8 sequence at `s` (`n` bytes available) strictly, as
 * the library reads recordings (RFC 3629: no overlong forms, surrogates or
 * code points above U+10FFFF). Returns its length and stores the code
 * point in *cp, or returns 0 when the bytes are not valid UTF-8. For
 * writers of reports that must stay valid UTF-8. Thread-safe. */
RECVAL_API size_t recval_utf8_decode(const char *s, size_t n, uint32_t *cp);

/** What the library calls when an allocation of `size` bytes fails. */
typedef void (*recval_oom_handler)(size_t size);

/** Sets the out-of-memory handler and returns the previous one (NULL: the
 * default). The handler must not return: it may exit the process, or
 * longjmp out of the library call, abandoning (leaking) what that call
 * held and leaving its outputs unspecified; validators made before stay
 * usable. If it returns, or none is set, the library writes "recval: out
 * of memory" to stderr and calls abort(). Process-wide: set it before any
 * thread uses the library. Covers recval's own allocations; json-c, PCRE2
 * and OpenSSL allocate for themselves, and their failures surface as the
 * call's ordinary error (e.g. a parse/ diagnostic). */
RECVAL_API recval_oom_handler recval_set_oom_handler(recval_oom_handler handler);

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
RECVAL_API recval_status recval_hash_file(const recval_validator *v, const char *path,
                                          recval_hashes *out);

/** Hashes a bare request: `json` (`len` bytes) is the JSON text of a
 * recording's `request` object, made under `test_id` (NULL: the request's
 * own `test_id` member, which tool and HTTP requests carry, else none). A
 * whole recording is accepted too: its request is used, and its test_id
 * when `test_id` is NULL. `out->path`, `name_hash` and `matches` are NULL.
 * Returns RECVAL_OK or RECVAL_EINVAL (not JSON, no request). */
RECVAL_API recval_status recval_hash_request(const recval_validator *v, const char *json,
                                             size_t len, const char *test_id, recval_hashes *out);

/** Frees what a hash call put in `h` and zeroes it; NULL is allowed. */
RECVAL_API void recval_hashes_free(recval_hashes *h);

/** Reads the whole file at `path` (at most the validator's max_file_size
 * bytes) into a NUL-terminated heap buffer the caller frees, storing its
 * length in `*len`; NULL on failure (see recval_last_error()). For callers
 * of the text-taking functions, such as recval_hash_request(). */
RECVAL_API char *recval_read_file(const recval_validator *v, const char *path, size_t *len);

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
RECVAL_API recval_status recval_replay(const recval_validator *v, const char *json, size_t len,
                                       const recval_replay_options *opts,
                                       recval_replay_result *out);

/** Frees what recval_replay() put in `r` and zeroes it; NULL is allowed. */
RECVAL_API void recval_replay_result_free(recval_replay_result *r);

/* --- fixing names and normalized ids (`recval fix`) ------------------- */

/** How far a fix may be trusted (ruff's safe/unsafe split). */
typedef enum recval_fix_safety {
    RECVAL_FIX_SAFE = 0,   /* applied by default */
    RECVAL_FIX_UNSAFE = 1, /* applied only with RECVAL_FIX_ALLOW_UNSAFE */
    RECVAL_FIX_NEVER = 2,  /* never applied */
} recval_fix_safety;

/** One in-place edit of a normalized id: the 12 hex digits after "rec-"
 * at byte `offset` of the file become `to`; no other byte changes. */
typedef struct recval_fix_edit {
    size_t offset;
    char from[13];
    char to[13];
} recval_fix_edit;

/** What `recval fix` would do to one file: rename it within its
 * directory and rewrite its normalized ids. */
typedef struct recval_fix_plan {
    char *path;
    /* The rule that calls for a fix ("request-hash/stale-scheme",
     * "request-hash/name-mismatch", "request-hash/unreproducible"); NULL
     * when the name is right or cannot be checked. */
    const char *problem;
    recval_fix_safety safety;
    /* Why the fix has its safety, or why the file cannot be fixed (a file
     * processor named by a hash: no formula known); NULL when nothing is
     * to say. */
    char *reason;
    char *new_path; /* the recorder's name, in the same directory; NULL: none */
    recval_fix_edit *edits;
    size_t nedits;
    int target_exists; /* new_path existed when the plan was made */
    /* Set by recval_fix_conflicts(): how many plans of the run want
     * new_path when that is more than one (a conflict group), else 0. */
    size_t conflict_group;
    /* The file as read, to tell a change on disk before applying. */
    char sha256[65];
    unsigned long long size, inode;
    long long mtime_sec, mtime_nsec;
} recval_fix_plan;

/** Reads and hashes the recording at `path` as recval_check_file() does
 * for the request-hash rules and fills `out` (freed with
 * recval_fix_plan_free()): a stale-scheme name is renamed (safe); a
 * name-mismatch is renamed when the normalized ids already carry the
 * request's hash (safe), or renamed and its ids rewritten when the ids
 * carry the old name, the request's legacy hash or nothing (unsafe: the
 * request may have changed since it was recorded); unreproducible
 * requests, ids of no known hash and repeated keys are never fixed.
 * Reads only. Returns RECVAL_OK; RECVAL_EIO when the file cannot be read,
 * RECVAL_EINVAL for NULL arguments or a file that is not JSON (see
 * recval_last_error()). Thread-safe with a shared validator. */
RECVAL_API recval_status recval_fix_plan_file(const recval_validator *v, const char *path,
                                              recval_fix_plan *out);

/** Frees what recval_fix_plan_file() put in `p` and zeroes it; NULL is
 * allowed. */
RECVAL_API void recval_fix_plan_free(recval_fix_plan *p);

/** Flags of recval_fix_conflicts() and recval_fix_apply(). */
#define RECVAL_FIX_ALLOW_UNSAFE 1u /* apply unsafe fixes too */
#define RECVAL_FIX_DRY_RUN 2u      /* decide everything, write nothing */

/** The run-level check of the plans of one run: two or more plans that
 * would be applied under `flags` and want the same new_path (compared as
 * strings) form a conflict group; each gets `conflict_group` set to the
 * group's size (others 0), and recval_fix_apply() renames none of them.
 * Stores the number of plans in groups in *in_groups (when not NULL).
 * Returns RECVAL_OK, or RECVAL_EINVAL when `plans` is NULL and n is not 0. */
RECVAL_API recval_status recval_fix_conflicts(recval_fix_plan *plans, size_t n, unsigned flags,
                                              size_t *in_groups);

/** What recval_fix_apply() did with a plan. */
typedef enum recval_fix_outcome {
    RECVAL_FIX_NOTHING,        /* the plan has nothing to do */
    RECVAL_FIX_DONE,           /* renamed, ids rewritten (dry run: would be) */
    RECVAL_FIX_SKIPPED,        /* safety never */
    RECVAL_FIX_NEEDS_UNSAFE,   /* unsafe, and RECVAL_FIX_ALLOW_UNSAFE not given */
    RECVAL_FIX_CONFLICT,       /* new_path exists: neither file touched */
    RECVAL_FIX_CONFLICT_GROUP, /* other plans want new_path: none renamed */
    RECVAL_FIX_CHANGED,        /* the file changed since it was planned: left alone */
    RECVAL_FIX_READ_ONLY,      /* the file or its directory is not writable */
    RECVAL_FIX_FAILED,         /* a system call failed; nothing lost */
} recval_fix_outcome;

/** Applies `p`: never overwrites (renameat2(RENAME_NOREPLACE), or
 * link+unlink where unsupported); rewritten content goes to a temporary
 * file in the same directory, is fsync'd, renamed to new_path without
 * replacing and the old name unlinked; the directory is fsync'd. A file
 * whose content, size, mtime or inode differ from the plan's is left
 * alone; a file without write permission (for anyone, or for the caller)
 * or in a directory without it is reported, not worked around. Stores
 * the outcome in `*out`; for every outcome but NOTHING and DONE,
 * recval_last_error() says why. Returns RECVAL_OK, RECVAL_EIO with
 * RECVAL_FIX_FAILED, or RECVAL_EINVAL for NULL arguments. Plans of
 * different files may be applied from different threads. */
RECVAL_API recval_status recval_fix_apply(const recval_validator *v, const recval_fix_plan *p,
                                          unsigned flags, recval_fix_outcome *out);

/** "safe", "unsafe" or "never". */
RECVAL_API const char *recval_fix_safety_name(recval_fix_safety s);

/** The outcome's name in `recval fix --format=json` ("rename",
 * "needs-unsafe", "conflict", ...). */
RECVAL_API const char *recval_fix_outcome_name(recval_fix_outcome o);

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
RECVAL_API recval_schema *recval_schema_load(const char *path, const recval_schema_base *bases,
                                             size_t nbases);

/** Loads one of recval's own schemas, compiled into the library from
 * schema/: `name` is its path there ("baseline.schema.json"), its URI
 * https://recval.dev/schema/<name>. Returns NULL when there is no such
 * schema (see recval_last_error()). Free with recval_schema_free(). */
RECVAL_API recval_schema *recval_schema_load_builtin(const char *name);

/** The URI the schema was loaded under (file:///... or, for a built-in
 * schema, https://recval.dev/schema/...). */
RECVAL_API const char *recval_schema_uri(const recval_schema *s);

/** Frees a schema made by recval_schema_load(); NULL is allowed. */
RECVAL_API void recval_schema_free(recval_schema *s);

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
RECVAL_API recval_status recval_schema_check_file(const recval_validator *v, const recval_schema *s,
                                                  const char *path, recval_result *out);

/** The same for what is left of the open descriptor `fd` (standard
 * input), reported under `path`; see recval_check_fd(). */
RECVAL_API recval_status recval_schema_check_fd(const recval_validator *v, const recval_schema *s,
                                                int fd, const char *path, recval_result *out);

/** The same for `len` bytes at `text`, reported under `path`. */
RECVAL_API recval_status recval_schema_check_buffer(const recval_validator *v,
                                                    const recval_schema *s, const char *path,
                                                    const char *text, size_t len,
                                                    recval_result *out);

/** The rule of the findings of recval_schema_check_file(): schema/instance,
 * an error (in recval_rules() like every rule; no check of a recording
 * reports it). */
RECVAL_API const recval_rule *recval_schema_rule(void);

#ifdef __cplusplus
}
#endif

#endif
