/* fixtures.h - helpers the cmocka suites share: repo paths, walking the
 * fixture trees, checking files and inline texts with one validator,
 * asserting a fixture's diagnostics against its expectation file, running
 * programs and reading files (suite_util.h has the rest).
 *
 * Expectation files: recordings/invalid/<family>/.../<name>.expect sits
 * next to <name>.json and lists, one per line, every diagnostic the file
 * must produce as "<rule> <pointer>" (pointer may be empty; '#' starts a
 * comment line). The match is exact: same multiset, nothing more.
 * A line "#! max-file-size=N max-depth=N tests=FILE" checks the fixture
 * with those validator options (the size and depth limits; FILE, taken
 * from the expectation file's directory, is the test list of
 * replay/unused-recording). */
#ifndef RECVAL_SUITE_FIXTURES_H
#define RECVAL_SUITE_FIXTURES_H

#include "recval.h"

#include <stddef.h>

/* Repo root (RECVAL_SOURCE_DIR, or "." when unset). */
const char *rvt_source_dir(void);

/* ../shared beside the repo, or NULL when it does not exist. */
const char *rvt_shared_dir(void);

/* Joins the repo root and rel into a static buffer. */
const char *rvt_path(const char *rel);

/* Calls fn for every *.json under dir (recursive, sorted). Returns count. */
size_t rvt_each_json(const char *dir, void (*fn)(const char *path, void *ud), void *ud);

/* Checks every fixture under recordings/invalid/<family>: each must have
 * an expectation file and produce exactly what it lists. Also asserts that
 * each rule of the family is expected by at least three fixtures. Fails
 * the current cmocka test on any mismatch, printing what differed. */
void rvt_check_family_fixtures(const char *family);

/* The same in "one directory, one run" mode: each directory directly under
 * recordings/invalid/<family> is checked as `recval validate <dir>` checks
 * it, run-level checks (recval_check_duplicates) included, then each file
 * against its expectation file ("#!" option lines honoured). */
void rvt_check_family_fixture_runs(const char *family);

/* The validator (default options) of rvt_check() and rvt_check_text(),
 * made on first use; fails the current test when it cannot be made. */
recval_validator *rvt_validator(void);

/* cmocka group teardown: frees the validator of rvt_validator(). */
int rvt_free_validator(void **state);

/* Checks one file and returns its result (caller frees with
 * recval_result_free). */
recval_result rvt_check(const char *path);

/* Checks `text` as the contents of a file named `name`; fails the current
 * test unless the check runs. The caller frees the result. */
recval_result rvt_check_text(const char *name, const char *text);

/* rvt_check_text() for a text named "inline.json". */
recval_result rvt_check_inline(const char *text);

/* Runs argv (NULL-terminated) capturing stdout into *out (malloc'd);
 * returns the exit status (or -1). */
int rvt_run(const char *const argv[], char **out, char **err);

/* The whole file at path, NUL-terminated (the caller frees it), with its
 * size in *len when len is not NULL; NULL when it cannot be opened. */
char *rvt_read_file(const char *path, size_t *len);

#endif
