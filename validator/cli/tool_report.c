/* tool_report.c - writes a run's results as text, JSON or JUnit XML, and
 * picks the writer of each format (SARIF: tool_report_sarif.c; GitHub and
 * markdown: tool_report_ci.c). JSON is a contract other tools rely on
 * (docs/cli.md); JUnit follows the Jenkins xUnit schema (junit-10.xsd). */
#include "tool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

double tool_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool tool_result_fails(const tool_report *rep, const recval_result *r)
{
    return r->errors > 0 || (rep->strict && r->warnings > 0);
}

tool_totals tool_report_totals(const tool_report *rep)
{
    tool_totals t = {0};
    for (size_t i = 0; i < rep->nresults; i++) {
        const recval_result *r = &rep->results[i];
        t.files++;
        if (tool_result_fails(rep, r))
            t.failed++;
        else
            t.passed++;
        t.errors += r->errors;
        t.warnings += r->warnings;
        t.notes += r->notes;
    }
    return t;
}

/* --- text ---------------------------------------------------------- */

static void put_location_text(FILE *out, const recval_diag *d)
{
    if (d->pointer[0]) {
        char *shown = tool_short_pointer(d->pointer);
        fputs(" (at ", out);
        tool_put_text(out, shown);
        fputc(')', out);
        free(shown);
    } else {
        fputs(" (at the document root)", out);
    }
}

static void put_diag_text(FILE *out, const recval_result *r, const recval_diag *d)
{
    tool_put_text(out, r->path);
    fprintf(out, ":%u:%u: %s: ", d->line, d->column, recval_severity_name(d->severity));
    tool_put_text(out, d->message);
    put_location_text(out, d);
    fprintf(out, " [%s]\n", d->rule->name);
}

void tool_put_totals(FILE *out, const tool_report *rep)
{
    tool_totals t = tool_report_totals(rep);
    fprintf(
        out, "%zu file%s checked: %zu passed, %zu failed; %zu error%s, %zu warning%s, %zu note%s",
        t.files, t.files == 1 ? "" : "s", t.passed, t.failed, t.errors, t.errors == 1 ? "" : "s",
        t.warnings, t.warnings == 1 ? "" : "s", t.notes, t.notes == 1 ? "" : "s");
    if (rep->baseline)
        fprintf(out, "; %zu suppressed by the baseline, %zu baseline entr%s no longer found",
                rep->suppressed, rep->stale, rep->stale == 1 ? "y" : "ies");
}

void tool_write_text(FILE *out, const tool_report *rep)
{
    for (size_t i = 0; i < rep->nresults; i++)
        for (size_t k = 0; k < rep->results[i].ndiags; k++)
            put_diag_text(out, &rep->results[i], &rep->results[i].diags[k]);
    tool_put_totals(out, rep);
    fputc('\n', out);
}

char *tool_relative_path(const char *path)
{
    while (path[0] == '.' && path[1] == '/')
        for (path += 2; *path == '/'; path++)
            ;
    char *cwd = path[0] == '/' ? getcwd(NULL, 0) : NULL;
    size_t n = cwd ? strlen(cwd) : 0;
    const char *rel = path;
    if (cwd && n > 1 && strncmp(path, cwd, n) == 0 && path[n] == '/')
        rel = path + n + 1;
    free(cwd);
    return strdup(rel);
}

/* --- JSON ---------------------------------------------------------- */

static void put_diag_json(FILE *out, const recval_diag *d)
{
    fputs("{\"rule\":", out);
    tool_put_json_string(out, d->rule->name);
    fprintf(out, ",\"severity\":\"%s\",\"message\":", recval_severity_name(d->severity));
    tool_put_json_string(out, d->message);
    fputs(",\"pointer\":", out);
    tool_put_json_string(out, d->pointer);
    fprintf(out, ",\"line\":%u,\"column\":%u}", d->line, d->column);
}

void tool_write_json(FILE *out, const tool_report *rep)
{
    fputs("{\"files\":[", out);
    for (size_t i = 0; i < rep->nresults; i++) {
        const recval_result *r = &rep->results[i];
        fputs(i ? ",\n{\"path\":" : "\n{\"path\":", out);
        tool_put_json_string(out, r->path);
        fputs(",\"kind\":", out);
        tool_put_json_string(out, r->kind);
        fprintf(out, ",\"status\":\"%s\",\"diagnostics\":[",
                tool_result_fails(rep, r) ? "fail" : "pass");
        for (size_t k = 0; k < r->ndiags; k++) {
            if (k)
                fputc(',', out);
            put_diag_json(out, &r->diags[k]);
        }
        fputs("]}", out);
    }
    tool_totals t = tool_report_totals(rep);
    fprintf(out,
            "\n],\"summary\":{\"files\":%zu,\"passed\":%zu,\"failed\":%zu,\"errors\":%zu,"
            "\"warnings\":%zu",
            t.files, t.passed, t.failed, t.errors, t.warnings);
    if (rep->baseline)
        fprintf(out, ",\"suppressed\":%zu,\"stale\":%zu", rep->suppressed, rep->stale);
    fputs("}}\n", out);
}

/* --- JUnit --------------------------------------------------------- */

/* Directory of path with '/' as '.', the JUnit class name. */
static void put_classname(FILE *out, const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        fputc('.', out);
        return;
    }
    const char *p = path;
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    size_t n = slash > p ? (size_t)(slash - p) : 0;
    char *dir = strndup(p, n);
    if (!dir)
        return;
    for (char *c = dir; *c; c++)
        if (*c == '/')
            *c = '.';
    tool_put_xml(out, *dir ? dir : ".");
    free(dir);
}

static bool is_failure(const tool_report *rep, const recval_diag *d)
{
    return d->severity == RECVAL_ERROR || (rep->strict && d->severity == RECVAL_WARNING);
}

static size_t count_failures(const tool_report *rep, const recval_result *r)
{
    size_t n = 0;
    for (size_t k = 0; k < r->ndiags; k++)
        n += is_failure(rep, &r->diags[k]);
    return n;
}

static void put_failure(FILE *out, const recval_result *r, const recval_diag *d)
{
    char loc[64];
    fputs("      <failure type=\"", out);
    tool_put_xml(out, d->rule->name);
    snprintf(loc, sizeof loc, "%u:%u ", d->line, d->column);
    fprintf(out, "\" message=\"%s", loc);
    char *shown = tool_short_pointer(d->pointer);
    tool_put_xml(out, d->pointer[0] ? shown : "(root)");
    fputs(": ", out);
    tool_put_xml(out, d->message);
    fputs("\">", out);
    tool_put_xml(out, r->path);
    fprintf(out, ":%u:%u: %s: ", d->line, d->column, recval_severity_name(d->severity));
    tool_put_xml(out, d->message);
    fputs(" (at ", out);
    tool_put_xml(out, d->pointer[0] ? shown : "the document root");
    fputs(") [", out);
    tool_put_xml(out, d->rule->name);
    fputs("]</failure>\n", out);
    free(shown);
}

/* Warnings and notes that are not failures go to system-out. */
static void put_other_diags(FILE *out, const tool_report *rep, const recval_result *r)
{
    bool open = false;
    for (size_t k = 0; k < r->ndiags; k++) {
        const recval_diag *d = &r->diags[k];
        if (is_failure(rep, d))
            continue;
        if (!open)
            fputs("      <system-out>", out);
        open = true;
        fprintf(out, "%u:%u: %s: ", d->line, d->column, recval_severity_name(d->severity));
        tool_put_xml(out, d->message);
        fputs(" [", out);
        tool_put_xml(out, d->rule->name);
        fputs("]&#10;", out);
    }
    if (open)
        fputs("</system-out>\n", out);
}

static void put_testcase(FILE *out, const tool_report *rep, size_t i)
{
    const recval_result *r = &rep->results[i];
    const char *base = strrchr(r->path, '/');
    fputs("    <testcase name=\"", out);
    tool_put_xml(out, base ? base + 1 : r->path);
    fputs("\" classname=\"", out);
    put_classname(out, r->path);
    fprintf(out, "\" time=\"%.6f\"", rep->seconds ? rep->seconds[i] : 0.0);
    if (r->ndiags == 0) {
        fputs("/>\n", out);
        return;
    }
    fputs(">\n", out);
    for (size_t k = 0; k < r->ndiags; k++)
        if (is_failure(rep, &r->diags[k]))
            put_failure(out, r, &r->diags[k]);
    put_other_diags(out, rep, r);
    fputs("    </testcase>\n", out);
}

void tool_write_junit(FILE *out, const tool_report *rep)
{
    size_t failures = 0;
    for (size_t i = 0; i < rep->nresults; i++)
        failures += count_failures(rep, &rep->results[i]);
    const char *name = rep->suite_name ? rep->suite_name : "recval";
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(
        out,
        "<testsuites name=\"recval\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" time=\"%.6f\">\n",
        rep->nresults, failures, rep->total_seconds);
    fputs("  <testsuite name=\"", out);
    tool_put_xml(out, name);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"%.6f\">\n",
            rep->nresults, failures, rep->total_seconds);
    if (rep->baseline)
        fprintf(out,
                "    <properties>\n"
                "      <property name=\"recval.baseline.suppressed\" value=\"%zu\"/>\n"
                "      <property name=\"recval.baseline.stale\" value=\"%zu\"/>\n"
                "    </properties>\n",
                rep->suppressed, rep->stale);
    for (size_t i = 0; i < rep->nresults; i++)
        put_testcase(out, rep, i);
    fputs("  </testsuite>\n</testsuites>\n", out);
}

int tool_write_report(const char *path, tool_format fmt, const tool_report *rep)
{
    bool to_stdout = !path || strcmp(path, "-") == 0;
    FILE *out = to_stdout ? stdout : fopen(path, "w");
    if (!out) {
        fprintf(stderr, "recval: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    switch (fmt) {
    case FORMAT_TEXT:
        tool_write_text(out, rep);
        break;
    case FORMAT_JSON:
        tool_write_json(out, rep);
        break;
    case FORMAT_JUNIT:
        tool_write_junit(out, rep);
        break;
    case FORMAT_SARIF:
        tool_write_sarif(out, rep);
        break;
    case FORMAT_GITHUB:
        tool_write_github(out, rep);
        break;
    case FORMAT_MARKDOWN:
        tool_write_markdown(out, rep);
        break;
    }
    int bad = ferror(out);
    if (!to_stdout)
        bad |= fclose(out) != 0;
    else
        bad |= fflush(out) != 0;
    if (bad) {
        fprintf(stderr, "recval: error writing %s\n", to_stdout ? "standard output" : path);
        return -1;
    }
    return 0;
}
