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
void tool_usage(FILE *out);

/* Output formats of the reporting subcommands. */
typedef enum tool_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_JUNIT } tool_format;
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
