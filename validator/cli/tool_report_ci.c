/* tool_report_ci.c - writes a run's results where CI shows them: GitHub
 * Actions workflow commands (pull-request annotations) and a markdown
 * summary for $GITHUB_STEP_SUMMARY. docs/cli.md describes both. */
#include "tool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- GitHub workflow commands -------------------------------------- */

/* Writes the n bytes at s as text output does (control characters and
 * invalid UTF-8 made visible). */
static void put_text_span(FILE *out, const char *s, size_t n)
{
    char *span = strndup(s, n);
    if (span)
        tool_put_text(out, span);
    free(span);
}

/* Writes s escaped as GitHub's runner unescapes it: '%', CR and LF in the
 * message; in a property, ':' and ',' too. Invalid UTF-8 and other control
 * characters are made visible as in text output. */
static void put_github(FILE *out, const char *s, bool property)
{
    const char *special = property ? "%\r\n:," : "%\r\n";
    for (;;) {
        size_t n = strcspn(s, special);
        put_text_span(out, s, n);
        s += n;
        if (!*s)
            return;
        fprintf(out, "%%%02X", (unsigned char)*s++);
    }
}

static const char *github_command(recval_severity s)
{
    return s == RECVAL_ERROR ? "error" : s == RECVAL_WARNING ? "warning" : "notice";
}

static void put_github_diag(FILE *out, const char *path, const recval_diag *d)
{
    fprintf(out, "::%s file=", github_command(d->severity));
    put_github(out, path, true);
    fprintf(out, ",line=%u,col=%u,title=", d->line, d->column);
    put_github(out, d->rule->name, true);
    fputs("::", out);
    put_github(out, d->message, false);
    fputs(" (at ", out);
    put_github(out, d->pointer[0] ? d->pointer : "the document root", false);
    fputs(")\n", out);
}

void tool_write_github(FILE *out, const tool_report *rep)
{
    for (size_t i = 0; i < rep->nresults; i++) {
        const recval_result *r = &rep->results[i];
        char *rel = r->ndiags ? tool_relative_path(r->path) : NULL;
        for (size_t k = 0; k < r->ndiags; k++)
            put_github_diag(out, rel ? rel : r->path, &r->diags[k]);
        free(rel);
    }
    fputs("::notice::recval: ", out);
    tool_put_totals(out, rep);
    fputc('\n', out);
}

/* --- markdown summary ---------------------------------------------- */

/* Message cells are cut after this many bytes (at a character boundary). */
#define MARKDOWN_MAX_CELL 300

/* Writes s for a table cell: markdown punctuation backslash-escaped, line
 * breaks as spaces, control characters and invalid UTF-8 made visible, at
 * most max bytes of it (cut at a character boundary, then "…"). */
static void put_markdown_cell(FILE *out, const char *s, size_t max)
{
    static const char special[] = "\\`*_[]<>|~&\r\n";
    size_t len = strlen(s), cut = len;
    if (len > max)
        for (cut = max; cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80; cut--)
            ;
    for (size_t i = 0; i < cut;) {
        size_t n = strcspn(s + i, special);
        if (n > cut - i)
            n = cut - i;
        put_text_span(out, s + i, n);
        i += n;
        if (i >= cut)
            break;
        if (s[i] == '\r' || s[i] == '\n')
            fputc(' ', out);
        else
            fprintf(out, "\\%c", s[i]);
        i++;
    }
    if (cut < len)
        fputs("…", out);
}

/* Writes s as a code span (a table cell's '|' escaped) when it holds no
 * backtick or line break, else as escaped text. */
static void put_markdown_code(FILE *out, const char *s)
{
    if (strpbrk(s, "`\r\n")) {
        put_markdown_cell(out, s, SIZE_MAX);
        return;
    }
    fputc('`', out);
    for (;;) {
        size_t n = strcspn(s, "|");
        put_text_span(out, s, n);
        s += n;
        if (!*s)
            break;
        fputs("\\|", out);
        s++;
    }
    fputc('`', out);
}

static void put_rule_counts(FILE *out, const tool_report *rep)
{
    size_t nrules;
    const recval_rule *rules = recval_rules(&nrules);
    size_t *counts = calloc(nrules, sizeof *counts);
    if (!counts)
        return;
    bool any = false;
    for (size_t i = 0; i < rep->nresults; i++)
        for (size_t k = 0; k < rep->results[i].ndiags; k++) {
            const recval_rule *rule = rep->results[i].diags[k].rule;
            if (rule >= rules && rule < rules + nrules)
                counts[rule - rules]++, any = true;
        }
    if (any)
        fputs("| Rule | Default severity | Findings |\n|---|---|---:|\n", out);
    for (size_t i = 0; i < nrules; i++)
        if (counts[i])
            fprintf(out, "| `%s` | %s | %zu |\n", rules[i].name,
                    recval_severity_name(rules[i].severity), counts[i]);
    if (any)
        fputc('\n', out);
    free(counts);
}

static void put_finding_row(FILE *out, const recval_result *r, const recval_diag *d)
{
    fputs("| ", out);
    put_markdown_code(out, r->path);
    fprintf(out, " | %u:%u | %s | `%s` | ", d->line, d->column, recval_severity_name(d->severity),
            d->rule->name);
    if (d->pointer[0])
        put_markdown_code(out, d->pointer);
    else
        fputs("(root)", out);
    fputs(" | ", out);
    put_markdown_cell(out, d->message, MARKDOWN_MAX_CELL);
    fputs(" |\n", out);
}

static void put_findings_table(FILE *out, const tool_report *rep)
{
    size_t shown = 0, total = 0;
    for (size_t i = 0; i < rep->nresults; i++)
        for (size_t k = 0; k < rep->results[i].ndiags; k++, total++) {
            if (shown == TOOL_MARKDOWN_MAX_ROWS)
                continue;
            if (shown++ == 0)
                fputs("| File | Line:Col | Severity | Rule | Pointer | Message |\n"
                      "|---|---|---|---|---|---|\n",
                      out);
            put_finding_row(out, &rep->results[i], &rep->results[i].diags[k]);
        }
    if (total > shown)
        fprintf(out, "\n%zu more finding%s not shown (the table lists the first %d).\n",
                total - shown, total - shown == 1 ? "" : "s", TOOL_MARKDOWN_MAX_ROWS);
}

void tool_write_markdown(FILE *out, const tool_report *rep)
{
    tool_totals t = tool_report_totals(rep);
    fprintf(out, "## recval: %s\n\n", t.failed ? "failed" : "passed");
    tool_put_totals(out, rep);
    fputs(".\n\n", out);
    put_rule_counts(out, rep);
    put_findings_table(out, rep);
}
