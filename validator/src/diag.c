/* diag.c - the diagnostic emitter (rule, severity, message, pointer), the
 * one pass that gives diagnostics their line and column from their JSON
 * pointers, and their order. */
#include "recval_internal.h"
#include "jsonscan.h"

#include <stdlib.h>
#include <string.h>

static void emit_v(rv_file *f, rv_rule_id rule, recval_severity sev, const char *pointer,
                   const char *fmt, va_list ap)
{
    if (f->validator->ignored_rule[rule])
        return;
    if (f->ndiags == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->diags = rv_xrealloc(f->diags, f->cap * sizeof *f->diags);
    }
    strbuf msg = STRBUF_INIT;
    rv_sb_vprintf(&msg, fmt, ap);
    recval_diag *d = &f->diags[f->ndiags++];
    d->rule = rv_rule(rule);
    d->severity = sev;
    d->message = rv_sb_detach(&msg);
    d->pointer = rv_xstrdup(pointer ? pointer : "");
    d->line = 0;
    d->column = 0;
}

void rv_emit(rv_file *f, rv_rule_id rule, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(f, rule, rv_rule(rule)->severity, pointer, fmt, ap);
    va_end(ap);
}

void rv_emit_sev(rv_file *f, rv_rule_id rule, recval_severity sev, const char *pointer,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(f, rule, sev, pointer, fmt, ap);
    va_end(ap);
}

/* Emits with an explicit position (parse errors know theirs). */
void rv_emit_at(rv_file *f, rv_rule_id rule, const char *pointer, size_t offset, const char *fmt,
                ...)
{
    size_t before = f->ndiags;
    va_list ap;
    va_start(ap, fmt);
    emit_v(f, rule, rv_rule(rule)->severity, pointer, fmt, ap);
    va_end(ap);
    if (f->ndiags == before) /* an ignored rule */
        return;
    recval_diag *d = &f->diags[f->ndiags - 1];
    rv_jscan_position(f->text, f->len, offset, &d->line, &d->column);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Gives every diagnostic that lacks one the position of its pointer, in
 * one pass over the text. */
/* Gives the diagnostics about the whole document (pointer "") the
 * position of the root value, the first byte after leading whitespace:
 * no scan is needed for them. */
static void locate_document_diags(rv_file *f)
{
    size_t root = 0;
    while (root < f->len && strchr(" \t\r\n", f->text[root]) && f->text[root])
        root++;
    for (size_t i = 0; i < f->ndiags; i++)
        if (f->diags[i].line == 0 && f->diags[i].pointer[0] == '\0')
            rv_jscan_position(f->text, f->len, root, &f->diags[i].line, &f->diags[i].column);
}

void rv_locate_diags(rv_file *f)
{
    locate_document_diags(f);
    size_t n = 0;
    const char **want = rv_xmalloc((f->ndiags + 1) * sizeof *want);
    for (size_t i = 0; i < f->ndiags; i++)
        if (f->diags[i].line == 0)
            want[n++] = f->diags[i].pointer;
    if (n == 0 || !f->root) {
        free(want);
        return;
    }
    qsort(want, n, sizeof *want, cmp_cstr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || strcmp(want[m - 1], want[i]) != 0)
            want[m++] = want[i];
    unsigned *lines = rv_xmalloc(m * sizeof *lines), *cols = rv_xmalloc(m * sizeof *cols);
    rv_jscan_locate(f->text, f->len, want, m, lines, cols);
    for (size_t i = 0; i < f->ndiags; i++) {
        recval_diag *d = &f->diags[i];
        if (d->line)
            continue;
        const char **hit = bsearch(&d->pointer, want, m, sizeof *want, cmp_cstr);
        size_t k = (size_t)(hit - want);
        d->line = lines[k] ? lines[k] : 1;
        d->column = lines[k] ? cols[k] : 1;
    }
    free(lines);
    free(cols);
    free(want);
}

int rv_diag_cmp(const void *a, const void *b)
{
    const recval_diag *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    int c = strcmp(x->rule->name, y->rule->name);
    return c ? c : strcmp(x->message, y->message);
}

void rv_clear_diags(rv_file *f)
{
    for (size_t i = 0; i < f->ndiags; i++) {
        free(f->diags[i].message);
        free(f->diags[i].pointer);
    }
    f->ndiags = 0;
}

void rv_count_severity(recval_result *r, recval_severity sev)
{
    if (sev == RECVAL_ERROR)
        r->errors++;
    else if (sev == RECVAL_WARNING)
        r->warnings++;
    else
        r->notes++;
}
