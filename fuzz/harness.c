/* harness.c - the helpers of harness.h, shared by every harness. */
#include "harness.h"
#include "recval_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
    fprintf(stderr, "%s:%d: invariant broken: %s: ", file, line, cond);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

static recval_validator *validator;

static void free_validator(void)
{
    recval_validator_free(validator);
    validator = NULL;
}

const recval_validator *fuzz_validator(void)
{
    if (!validator) {
        validator = recval_validator_new(NULL);
        FUZZ_ASSERT(validator != NULL, "recval_validator_new: %s", recval_last_error());
        atexit(free_validator);
    }
    return validator;
}

char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_ASSERT(s != NULL, "out of memory");
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

void fuzz_check_result(const recval_result *r)
{
    FUZZ_ASSERT(r->path != NULL, "result without a path");
    FUZZ_ASSERT(r->kind != NULL, "%s: result without a kind", r->path);
    FUZZ_ASSERT(r->ndiags == 0 || r->diags != NULL, "%s: diags missing", r->path);
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < r->ndiags; i++) {
        const recval_diag *d = &r->diags[i];
        FUZZ_ASSERT(d->rule != NULL && d->rule->name != NULL, "%s: diag %zu has no rule", r->path,
                    i);
        FUZZ_ASSERT(d->message != NULL, "%s: diag %zu (%s) has no message", r->path, i,
                    d->rule->name);
        FUZZ_ASSERT(d->pointer != NULL, "%s: diag %zu (%s) has no pointer", r->path, i,
                    d->rule->name);
        FUZZ_ASSERT(d->pointer[0] == '\0' || d->pointer[0] == '/',
                    "%s: diag %zu (%s) pointer %.80s is not RFC 6901", r->path, i, d->rule->name,
                    d->pointer);
        FUZZ_ASSERT(d->line >= 1 && d->column >= 1, "%s: diag %zu (%s) at %u:%u", r->path, i,
                    d->rule->name, d->line, d->column);
        FUZZ_ASSERT(d->severity <= RECVAL_ERROR, "%s: diag %zu severity %d", r->path, i,
                    (int)d->severity);
        FUZZ_ASSERT(recval_rule_find(d->rule->name) == d->rule || d->rule == recval_schema_rule(),
                    "%s: diag %zu rule %s is not in the table", r->path, i, d->rule->name);
        counts[d->severity]++;
        if (i > 0)
            FUZZ_ASSERT(rv_diag_cmp(&r->diags[i - 1], d) <= 0, "%s: diags %zu and %zu unsorted",
                        r->path, i - 1, i);
    }
    FUZZ_ASSERT(counts[RECVAL_ERROR] == r->errors && counts[RECVAL_WARNING] == r->warnings &&
                    counts[RECVAL_NOTE] == r->notes,
                "%s: counted %zu/%zu/%zu, result says %zu/%zu/%zu", r->path, counts[RECVAL_ERROR],
                counts[RECVAL_WARNING], counts[RECVAL_NOTE], r->errors, r->warnings, r->notes);
}
