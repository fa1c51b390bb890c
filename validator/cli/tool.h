/* tool.h - what the files of the recval command share: subcommand entry
 * points, the run report and its writers, file collection and escaping.
 * The command is a thin layer over the library (validator/include/recval.h). */
#ifndef RECVAL_TOOL_H
#define RECVAL_TOOL_H

#include "recval.h"

#include <stdbool.h>
#include <stdio.h>

/* Exit statuses shared by all subcommands. */
enum { TOOL_EXIT_OK = 0, TOOL_EXIT_FINDINGS = 1, TOOL_EXIT_USAGE = 2 };

int tool_validate(int argc, char **argv);
int tool_rules(int argc, char **argv);
int tool_hash(int argc, char **argv);
int tool_replay(int argc, char **argv);
int tool_schema(int argc, char **argv);
int tool_fix(int argc, char **argv);
void tool_usage(FILE *out);

/* Output formats of the reporting subcommands. */
typedef enum tool_format {
    FORMAT_TEXT,
    FORMAT_JSON,
    FORMAT_JUNIT,
    FORMAT_SARIF,
    FORMAT_GITHUB,
    FORMAT_MARKDOWN
} tool_format;
bool tool_parse_format(const char *s, tool_format *out);
/* The value of --format for subcommand `cmd`, which writes text or JSON
 * only: false, having said "recval <cmd>: unknown format '<s>'" on stderr,
 * for anything else. */
bool tool_parse_text_or_json(const char *cmd, const char *s, tool_format *out);

/* Seconds on the monotonic clock, for the report's times. */
double tool_now_seconds(void);

/* One run: the results in output order and how they count. */
typedef struct tool_report {
    recval_result *results;
    double *seconds; /* check time of each file */
    size_t nresults;
    bool strict; /* warnings fail too */
    double total_seconds;
    const char *suite_name; /* JUnit testsuite name */
    /* The validator that made the results (SARIF fingerprints re-read
     * files through it); NULL: no fingerprints. */
    const recval_validator *validator;
    /* --baseline: the file, the findings it suppressed and its entries
     * that no longer occur (NULL, 0, 0 without one). */
    const char *baseline;
    size_t suppressed, stale;
} tool_report;

typedef struct tool_totals {
    size_t files, passed, failed, errors, warnings, notes;
} tool_totals;

/* True when r fails under the report's strictness. */
bool tool_result_fails(const tool_report *rep, const recval_result *r);
tool_totals tool_report_totals(const tool_report *rep);

void tool_write_text(FILE *out, const tool_report *rep);
void tool_write_json(FILE *out, const tool_report *rep);
void tool_write_junit(FILE *out, const tool_report *rep);
void tool_write_sarif(FILE *out, const tool_report *rep);    /* tool_report_sarif.c */
void tool_write_github(FILE *out, const tool_report *rep);   /* tool_report_ci.c */
void tool_write_markdown(FILE *out, const tool_report *rep); /* tool_report_ci.c */

/* Rows of the markdown findings table before "N more". */
#define TOOL_MARKDOWN_MAX_ROWS 100

/* The text summary line's words for the totals ("3 files checked: ...",
 * no newline), shared by the text, GitHub and markdown writers. */
void tool_put_totals(FILE *out, const tool_report *rep);

/* path relative to the working directory when it lies under it (an
 * absolute path outside it stays absolute), without "./" prefixes.
 * Freed by the caller. */
char *tool_relative_path(const char *path);

/* --write-baseline / --baseline (tool_baseline.c). Writes the findings of
 * rep to write_path (unless NULL), then, when read_path is not NULL,
 * removes from rep's results the findings listed there (counts updated),
 * sets rep->baseline, suppressed and stale, and lists stale entries on
 * stderr. Returns 0, or -1 after a message on stderr (unwritable file, a
 * baseline that is not valid against schema/baseline.schema.json). */
int tool_apply_baseline(const recval_validator *v, tool_report *rep, const char *write_path,
                        const char *read_path);

/* Writes the report in `fmt` to `path` ("-" or NULL: stdout). Returns 0,
 * or -1 with a message on stderr. */
int tool_write_report(const char *path, tool_format fmt, const tool_report *rep);

/* Expands PATHs into the files to check: directories recursively (only
 * *.json, sorted by path), files as given, paths naming the same file
 * (after resolving links and ".") dropped. Missing paths are kept so that
 * the library reports them; "-" (standard input) is kept as is. Returns
 * the count. */
size_t tool_collect_files(char **paths, size_t npaths, char ***out);
void tool_free_files(char **files, size_t n);
/* For an entry of tool_collect_files() that a directory walk found not to
 * be a regular file (to be reported with recval_skip_file(), never
 * opened): its path; NULL for every other entry. */
const char *tool_is_skipped(const char *file);
/* Checks one entry of tool_collect_files(): "-" is standard input,
 * reported as stdin_name; skipped entries get their note. s NULL: a
 * recording check, else a check against the schema s. */
int tool_check_entry(const recval_validator *v, const recval_schema *s, const char *file,
                     const char *stdin_name, recval_result *out);

/* "SIZE" as bytes: a number with an optional K, M or G suffix (powers of
 * 1024, "MiB" and "MB" alike). False for anything else or 0. */
bool tool_parse_size(const char *s, size_t *out);

/* What validate and schema read their input with: the memory budget per
 * file (0: the library's default) and what "-" (standard input) is
 * reported as. */
typedef struct tool_input {
    size_t max_memory;
    const char *stdin_name;
} tool_input;
/* --max-memory=SIZE or --stdin-filename=PATH at argv[*i]: 1 when it was one
 * and is stored in *in, 0 when it is neither, -1 when its value is bad (a
 * message in bad). */
int tool_input_opt(int argc, char **argv, int *i, tool_input *in, char *bad, size_t bad_len);

/* The configuration files of a `recval validate` run (tool_config.c):
 * those found, loaded once each, and a validator per file used (the last,
 * [nconfigs], for PATHs without one). */
typedef struct tool_run_config {
    recval_config **configs;
    size_t nconfigs;
    recval_validator **validators;
    size_t *config_of_path; /* per PATH: index into validators */
} tool_run_config;
/* Finds each PATH's config (`config`, else recval.json upward from it;
 * none with `no_config`), loads it and makes the validators from `base`.
 * Returns -1, or an exit status having said why on stderr. */
int tool_run_config_load(tool_run_config *rc, char **paths, size_t npaths, const char *config,
                         bool no_config, const recval_options *base);
/* The validator of a file collected from the PATHs. */
const recval_validator *tool_run_config_validator(const tool_run_config *rc, char **paths,
                                                  size_t npaths, const char *file);
/* True for a config file met in a directory walk (not given as a PATH). */
bool tool_run_config_skips(const tool_run_config *rc, char **paths, size_t npaths,
                           const char *file);
/* True when some config sets "strict": true. */
bool tool_run_config_strict(const tool_run_config *rc);
void tool_run_config_free(tool_run_config *rc);

/* Escapers: JSON string body (with quotes), XML text/attribute content.
 * Both replace invalid UTF-8 with U+FFFD; the XML one also drops
 * characters XML 1.0 forbids, writing them as U+FFFD. */
void tool_put_json_string(FILE *out, const char *s);
/* tool_put_json_string(), or null for NULL. */
void tool_put_json_or_null(FILE *out, const char *s);
void tool_put_xml(FILE *out, const char *s);
/* Text output: control characters and invalid UTF-8 made visible. */
void tool_put_text(FILE *out, const char *s);
/* A pointer for a message (text and JUnit output; the caller frees it):
 * above 160 bytes, its first tokens (80 bytes at most), "/…N tokens cut…"
 * and its last tokens (60 bytes at most). */
char *tool_short_pointer(const char *pointer);

/* "--name=value" or "--name value": returns the value and advances *i,
 * or NULL when argv[*i] is not that option. */
const char *tool_opt_value(int argc, char **argv, int *i, const char *name);
/* True for "-h" and "--help". */
bool tool_is_help(const char *arg);

#endif
