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
 * character of that value (0 when the file could not be read at all). */
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
} recval_result;

/** Options for recval_validator_new(); zero means "use the default". */
typedef struct recval_options {
    size_t max_depth;     /* JSON nesting limit, default 10000 */
    size_t max_file_size; /* bytes, default 256 MiB */
} recval_options;

typedef struct recval_validator recval_validator;

/** Makes a validator. `opts` may be NULL. Returns NULL on failure (see
 * recval_last_error()). */
recval_validator *recval_validator_new(const recval_options *opts);

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

/** The rule table, grouped by family in docs order; `*count` receives its
 * length. */
const recval_rule *recval_rules(size_t *count);

/** Looks up a rule by its full name; NULL when there is none. */
const recval_rule *recval_rule_find(const char *name);

/** "error", "warning" or "note". */
const char *recval_severity_name(recval_severity s);

/** NULL-terminated list of the kinds a recording can be classified as. */
const char *const *recval_kind_names(void);

/** Message of the last failed call on this thread ("" when none). */
const char *recval_last_error(void);

/** Library version, e.g. "0.1.0". */
const char *recval_version(void);

#ifdef __cplusplus
}
#endif

#endif
