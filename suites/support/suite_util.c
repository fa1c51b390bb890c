/* suite_util.c - shared helpers of the cmocka suites: diagnostics, the
 * shared material, JSON parsing, the command and the oracle (see
 * suite_util.h). */
#include "suite_util.h"
#include "fixtures.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- diagnostics of a result ------------------------------------------ */

void rvt_print_diags(const recval_result *r)
{
    for (size_t i = 0; i < r->ndiags; i++) {
        const recval_diag *d = &r->diags[i];
        print_error("  %u:%u %s %s %s\n", d->line, d->column, d->rule->name, d->pointer,
                    d->message);
    }
}

size_t rvt_count(const recval_result *r, const char *rule)
{
    size_t n = 0, len = strlen(rule);
    bool family = len > 0 && rule[len - 1] == '/';
    for (size_t i = 0; i < r->ndiags; i++) {
        const char *name = r->diags[i].rule->name;
        n += family ? strncmp(name, rule, len) == 0 : strcmp(name, rule) == 0;
    }
    return n;
}

const recval_diag *rvt_diag_at(const recval_result *r, const char *rule, const char *pointer)
{
    for (size_t i = 0; i < r->ndiags; i++)
        if (strcmp(r->diags[i].rule->name, rule) == 0 && strcmp(r->diags[i].pointer, pointer) == 0)
            return &r->diags[i];
    return NULL;
}

const recval_diag *rvt_find_diag(const recval_result *r, const char *rule, const char *pointer)
{
    const recval_diag *d = rvt_diag_at(r, rule, pointer);
    if (!d) {
        print_error("no %s at %s among %zu diagnostics\n", rule, pointer, r->ndiags);
        rvt_print_diags(r);
        fail();
    }
    return d;
}

void rvt_assert_diag_is(const recval_diag *d, const char *rule, const char *pointer, unsigned line,
                        unsigned column, const char *message)
{
    assert_string_equal(d->rule->name, rule);
    assert_string_equal(d->pointer, pointer);
    assert_int_equal(d->line, line);
    assert_int_equal(d->column, column);
    if (message)
        assert_string_equal(d->message, message);
}

void rvt_assert_single(const recval_result *r, const char *rule, const char *pointer, unsigned line,
                       unsigned column, const char *message)
{
    if (r->ndiags != 1)
        rvt_print_diags(r);
    assert_int_equal(r->ndiags, 1);
    rvt_assert_diag_is(&r->diags[0], rule, pointer, line, column, message);
}

void rvt_assert_diag(const recval_result *r, const char *rule, recval_severity sev,
                     const char *pointer, unsigned line, unsigned column, const char *message)
{
    const recval_diag *d = rvt_find_diag(r, rule, pointer);
    assert_int_equal(d->severity, sev);
    assert_non_null(message);
    rvt_assert_diag_is(d, rule, pointer, line, column, message);
}

void rvt_assert_clean(const recval_result *r)
{
    rvt_print_diags(r);
    assert_int_equal(r->ndiags, 0);
}

/* --- the shared material (../shared) ---------------------------------- */

const char *rvt_shared_path(const char *rel)
{
    static char bufs[4][4096];
    static int next;
    const char *shared = rvt_shared_dir();
    if (!shared)
        return NULL;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", shared, rel);
    return b;
}

static const char *skipped_for;

void rvt_mark_skipped(const char *what)
{
    if (!skipped_for)
        print_message("skipped: no %s\n", what);
    skipped_for = what;
}

int rvt_exit_status(int failures)
{
    return failures == 0 && skipped_for ? RVT_SKIP_CODE : failures;
}

const char *rvt_need_shared(const char *rel)
{
    const char *path = rvt_shared_path(rel);
    if (!path)
        rvt_skip_for("../shared");
    return path;
}

typedef struct family_scan {
    const char *family;
    rvt_diag_filter is_error;
    void *ud;
    size_t root_len;
    rvt_corpus_errors found;
} family_scan;

static bool counts_as_error(family_scan *s, const recval_diag *d)
{
    if (strncmp(d->rule->name, s->family, strlen(s->family)) != 0)
        return false;
    return s->is_error ? s->is_error(d, s->ud) : d->severity == RECVAL_ERROR;
}

static void scan_family_file(const char *path, void *ud)
{
    family_scan *s = ud;
    recval_result r = rvt_check(path);
    bool bad = false;
    for (size_t i = 0; i < r.ndiags; i++) {
        if (!counts_as_error(s, &r.diags[i]))
            continue;
        bad = true;
        print_message("%s:%u:%u %s %s\n", path, r.diags[i].line, r.diags[i].column,
                      r.diags[i].rule->name, r.diags[i].message);
    }
    rvt_corpus_errors *e = &s->found;
    e->files++;
    if (bad) {
        e->paths = realloc(e->paths, (e->npaths + 1) * sizeof *e->paths);
        e->paths[e->npaths++] = strdup(path + s->root_len);
    }
    recval_result_free(&r);
}

rvt_corpus_errors rvt_corpus_family_errors(const char *family, rvt_diag_filter is_error, void *ud)
{
    const char *corpus = rvt_need_shared("corpus");
    family_scan s = {family, is_error, ud, strlen(corpus) + 1, {0, NULL, 0}};
    rvt_each_json(corpus, scan_family_file, &s);
    return s.found;
}

void rvt_corpus_errors_free(rvt_corpus_errors *e)
{
    for (size_t i = 0; i < e->npaths; i++)
        free(e->paths[i]);
    free(e->paths);
}

static bool is_known(const char *path, const char *const known[])
{
    for (size_t k = 0; known[k]; k++)
        if (strcmp(path, known[k]) == 0)
            return true;
    return false;
}

void rvt_assert_corpus_errors(const char *family, const char *const known[],
                              rvt_diag_filter is_error, void *ud)
{
    rvt_corpus_errors found = rvt_corpus_family_errors(family, is_error, ud);
    assert_true(found.files > 2000);
    size_t expected = 0;
    while (known[expected])
        expected++;
    assert_int_equal(found.npaths, expected);
    for (size_t i = 0; i < found.npaths; i++) {
        bool listed = is_known(found.paths[i], known);
        if (!listed)
            print_error("unexpected %.*s error in %s\n", (int)strlen(family) - 1, family,
                        found.paths[i]);
        assert_true(listed);
    }
    rvt_corpus_errors_free(&found);
}

bool rvt_junit_xsd_valid(const char *path)
{
    const char *xsd = rvt_shared_path("conformance/junit/junit-10.xsd");
    if (!xsd || system("command -v xmllint >/dev/null 2>&1") != 0)
        return false;
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema '%s' '%s' 2>/dev/null", xsd, path);
    assert_int_equal(system(cmd), 0);
    return true;
}

/* --- JSON, the command and the oracle ---------------------------------- */

json_object *rvt_parse_json(const char *text, size_t len, int max_depth)
{
    struct json_tokener *tok = json_tokener_new_ex(max_depth);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    json_object *v = json_tokener_parse_ex(tok, text, (int)len);
    if (json_tokener_get_error(tok) == json_tokener_continue)
        v = json_tokener_parse_ex(tok, "", 1);
    json_tokener_free(tok);
    return v;
}

const char *rvt_bin(void)
{
    const char *b = getenv("RECVAL_BIN");
    return b && *b ? b : "build/recval";
}

int rvt_recval(char **out, char **err, ...)
{
    const char *argv[16] = {rvt_bin()};
    va_list ap;
    va_start(ap, err);
    size_t n = 1;
    while (n < 15 && (argv[n] = va_arg(ap, const char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    return rvt_run(argv, out, err);
}

char *rvt_hash_oracle(const char *command, const char *arg)
{
    char script[4096];
    snprintf(script, sizeof script, "%s", rvt_path("scripts/hash_oracle.py"));
    const char *const argv[] = {"/usr/bin/env", "python3", script, command, arg, NULL};
    char *out = NULL, *err = NULL;
    int status = rvt_run(argv, &out, &err);
    if (status != 0 && status != 127)
        print_error("hash_oracle.py failed (%d): %s\n", status, err);
    free(err);
    if (status == 127) {
        free(out);
        return NULL;
    }
    assert_int_equal(status, 0);
    return out;
}

json_object *rvt_corpus_oracle(const char **corpus)
{
    *corpus = rvt_need_shared("corpus");
    char *out = rvt_hash_oracle("files", *corpus);
    if (!out)
        rvt_skip_for("python3");
    json_object *oracle = rvt_parse_json(out, strlen(out), 10000);
    free(out);
    assert_non_null(oracle);
    return oracle;
}

/* --- fixture variants -------------------------------------------------- */

char *rvt_replace(const char *text, const char *from, const char *to, bool all)
{
    size_t nf = strlen(from), nt = strlen(to), cap = strlen(text) + 1, len = 0;
    const char *p = text, *hit = strstr(p, from);
    assert_non_null(hit);
    char *out = malloc(cap);
    assert_non_null(out);
    for (; hit; hit = all ? strstr(p, from) : NULL) {
        size_t keep = (size_t)(hit - p);
        cap += nt;
        out = realloc(out, cap);
        assert_non_null(out);
        memcpy(out + len, p, keep);
        memcpy(out + len + keep, to, nt);
        len += keep + nt;
        p = hit + nf;
    }
    strcpy(out + len, p);
    return out;
}

recval_result rvt_check_variant(const char *rel, const char *from, const char *to, bool all)
{
    const char *path = rvt_path(rel);
    char *text = rvt_read_file(path, NULL);
    assert_non_null(text);
    char *variant = rvt_replace(text, from, to, all);
    recval_result r = rvt_check_text(path, variant);
    free(variant);
    free(text);
    return r;
}
