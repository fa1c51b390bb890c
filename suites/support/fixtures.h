/* fixtures.h - helpers the cmocka suites share: repo paths, walking the
 * fixture trees, and asserting a fixture's diagnostics against its
 * expectation file.
 *
 * Expectation files: recordings/invalid/<family>/.../<name>.expect sits
 * next to <name>.json and lists, one per line, every diagnostic the file
 * must produce as "<rule> <pointer>" (pointer may be empty; '#' starts a
 * comment line). The match is exact: same multiset, nothing more.
 * A line "#! max-file-size=N max-depth=N" checks the fixture with those
 * validator options (for the size and depth limits). */
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

/* Checks one file and returns its result (caller frees with
 * recval_result_free). */
recval_result rvt_check(const char *path);

/* True when r has a diagnostic of rule `rule` at `pointer`. */
int rvt_has(const recval_result *r, const char *rule, const char *pointer);

/* Runs argv (NULL-terminated) capturing stdout into *out (malloc'd);
 * returns the exit status (or -1). */
int rvt_run(const char *const argv[], char **out, char **err);

#endif
