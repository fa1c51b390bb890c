/* suite_util.h - helpers the cmocka suites share beyond the fixture trees
 * (fixtures.h): finding, counting and asserting the diagnostics of a
 * result, the shared material (paths, the corpus files with errors of a
 * rule family, the JUnit XSD), parsing JSON as the loader does, and
 * running the recval command and the Python hash oracle. */
#ifndef RECVAL_SUITE_UTIL_H
#define RECVAL_SUITE_UTIL_H

#include "recval.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

/* --- diagnostics of a result ------------------------------------------ */

/* Prints r's diagnostics, one "  line:column rule pointer message" each
 * (cmocka's print_error). */
void rvt_print_diags(const recval_result *r);

/* How many diagnostics of `rule` r has; a name ending in '/' counts every
 * rule of that family. */
size_t rvt_count(const recval_result *r, const char *rule);

/* The first diagnostic of `rule` at `pointer`, or NULL. */
const recval_diag *rvt_diag_at(const recval_result *r, const char *rule, const char *pointer);

/* The same, but fails the current test (printing r's diagnostics) when
 * there is none. */
const recval_diag *rvt_find_diag(const recval_result *r, const char *rule, const char *pointer);

/* Asserts d's rule, pointer, line, column and, unless message is NULL,
 * its message. */
void rvt_assert_diag_is(const recval_diag *d, const char *rule, const char *pointer, unsigned line,
                        unsigned column, const char *message);

/* Asserts r holds exactly one diagnostic, with these fields (a NULL
 * message: any); prints r's diagnostics when there is not exactly one. */
void rvt_assert_single(const recval_result *r, const char *rule, const char *pointer, unsigned line,
                       unsigned column, const char *message);

/* Asserts r has a diagnostic of `rule` at `pointer` (the first there) with
 * this severity, line, column and message. */
void rvt_assert_diag(const recval_result *r, const char *rule, recval_severity sev,
                     const char *pointer, unsigned line, unsigned column, const char *message);

/* Asserts r has no diagnostic at all, printing those it has. */
void rvt_assert_clean(const recval_result *r);

/* --- skipping for lack of material ------------------------------------ */

/* Marks the suite as skipped for lack of `what` (../shared, python3,
 * xmllint, junitparser); rvt_exit_status() then reports it to CTest. */
void rvt_mark_skipped(const char *what);
/* Skips the current test for lack of `what`, marking the suite skipped. */
#define rvt_skip_for(what)                                                                         \
    do {                                                                                           \
        rvt_mark_skipped(what);                                                                    \
        skip();                                                                                    \
    } while (0)
/* main's exit status from cmocka's failure count: RVT_SKIP_CODE (CTest's
 * SKIP_RETURN_CODE) when nothing failed but something was skipped for
 * lack of material, so that CTest shows the suite as skipped, not passed. */
#define RVT_SKIP_CODE 77
int rvt_exit_status(int failures);

/* --- fixture variants -------------------------------------------------- */

/* A malloc'd copy of text with the first (all: every) occurrence of from
 * replaced by to; fails the current test when from does not occur. */
char *rvt_replace(const char *text, const char *from, const char *to, bool all);

/* Checks the variant of the fixture at rel (under the source tree) that
 * rvt_replace() makes, as if it were the fixture's file. */
recval_result rvt_check_variant(const char *rel, const char *from, const char *to, bool all);

/* --- the shared material (../shared) ---------------------------------- */

/* "<shared>/<rel>" in a static buffer (one of four), or NULL when the
 * shared material is not there. */
const char *rvt_shared_path(const char *rel);

/* The same, but skips the current test when the shared material is not
 * there. */
const char *rvt_need_shared(const char *rel);

/* Whether a diagnostic of the scanned family makes its file one with an
 * error of the family; may also tally it in ud. */
typedef bool (*rvt_diag_filter)(const recval_diag *d, void *ud);

/* The corpus files with errors of a rule family. */
typedef struct rvt_corpus_errors {
    size_t files; /* corpus files checked */
    char **paths; /* those with an error, relative to the corpus, in walk order */
    size_t npaths;
} rvt_corpus_errors;

/* Checks every file of the corpus and collects those with a diagnostic of
 * `family` (a rule-name prefix such as "usage/") that `is_error` accepts
 * (NULL: one of severity error), printing each such diagnostic. Skips the
 * current test when there is no corpus. */
rvt_corpus_errors rvt_corpus_family_errors(const char *family, rvt_diag_filter is_error, void *ud);
void rvt_corpus_errors_free(rvt_corpus_errors *e);

/* rvt_corpus_family_errors(), then asserts that the corpus has more than
 * 2000 files and that those with errors of the family are exactly `known`
 * (corpus-relative paths, NULL-terminated), printing each other one. */
void rvt_assert_corpus_errors(const char *family, const char *const known[],
                              rvt_diag_filter is_error, void *ud);

/* Validates a JUnit file against the shared JUnit XSD with xmllint, failing
 * the current test when it is not valid; false (nothing checked) when
 * xmllint or the shared material is missing. */
bool rvt_junit_xsd_valid(const char *path);

/* --- JSON, the command and the oracle ---------------------------------- */

/* Parses len bytes of text as the loader does (strict, UTF-8 checked),
 * nesting at most max_depth levels; NULL when they are no JSON value. */
json_object *rvt_parse_json(const char *text, size_t len, int max_depth);

/* The recval command under test: $RECVAL_BIN, else build/recval. */
const char *rvt_bin(void);

/* Runs recval with the arguments that follow (NULL-terminated, at most
 * 14), capturing its output as rvt_run() does; returns its exit status. */
int rvt_recval(char **out, char **err, ...);

/* Runs `python3 scripts/hash_oracle.py <command> <arg>` and returns its
 * standard output (the caller frees it), or NULL when there is no python3
 * (the caller skips). Fails the current test, printing the oracle's
 * errors, when the oracle fails. */
char *rvt_hash_oracle(const char *command, const char *arg);

/* What `hash_oracle.py files` says of every corpus file (an object: path ->
 * hashes and name match), and the corpus directory in *corpus. Skips the
 * current test when there is no corpus or no python3. */
json_object *rvt_corpus_oracle(const char **corpus);

#endif
