/* tool_baseline.c - `recval validate --write-baseline=FILE` and
 * `--baseline=FILE`: record today's findings (rule, path, pointer and a
 * fingerprint of the offending value) and later report only new ones. The
 * file is sorted, stable JSON checked against schema/baseline.schema.json
 * (docs/cli.md). */
#include "tool.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BASELINE_SCHEMA "baseline.schema.json"

typedef struct baseline_entry {
    const char *path, *rule, *pointer, *fingerprint;
    bool used;
} baseline_entry;

typedef struct baseline {
    baseline_entry *entries;
    size_t n;
    json_object *doc; /* owns the strings of entries read from a file */
} baseline;

static int entry_cmp(const void *a, const void *b)
{
    const baseline_entry *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    if (!c)
        c = strcmp(x->rule, y->rule);
    if (!c)
        c = strcmp(x->pointer, y->pointer);
    if (!c)
        c = strcmp(x->fingerprint, y->fingerprint);
    return c;
}

/* The fingerprints of every finding of rep, per result (NULL for a result
 * without findings); NULL when out of memory. */
static recval_fingerprint **fingerprint_all(const recval_validator *v, const tool_report *rep)
{
    recval_fingerprint **fps = calloc(rep->nresults + 1, sizeof *fps);
    for (size_t i = 0; fps && i < rep->nresults; i++) {
        const recval_result *r = &rep->results[i];
        if (r->ndiags == 0)
            continue;
        fps[i] = calloc(r->ndiags, sizeof *fps[i]);
        if (!fps[i] || recval_fingerprints(v, r, fps[i]) != RECVAL_OK)
            abort();
    }
    return fps;
}

static void free_fingerprints(recval_fingerprint **fps, size_t n)
{
    for (size_t i = 0; fps && i < n; i++)
        free(fps[i]);
    free(fps);
}

/* --- writing ------------------------------------------------------- */

static int write_baseline(const char *path, const tool_report *rep, char **rel,
                          recval_fingerprint **fps)
{
    size_t n = 0;
    for (size_t i = 0; i < rep->nresults; i++)
        n += rep->results[i].ndiags;
    baseline_entry *e = calloc(n + 1, sizeof *e);
    if (!e)
        abort();
    n = 0;
    for (size_t i = 0; i < rep->nresults; i++)
        for (size_t k = 0; k < rep->results[i].ndiags; k++, n++) {
            const recval_diag *d = &rep->results[i].diags[k];
            e[n] = (baseline_entry){rel[i], d->rule->name, d->pointer, fps[i][k].value, false};
        }
    qsort(e, n, sizeof *e, entry_cmp);
    FILE *out = fopen(path, "w");
    if (!out) {
        fprintf(stderr, "recval validate: cannot write %s: %s\n", path, strerror(errno));
        free(e);
        return -1;
    }
    fputs("{\n  \"version\": 1,\n  \"findings\": [", out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n    {\"path\": " : "\n    {\"path\": ", out);
        tool_put_json_string(out, e[i].path);
        fputs(", \"rule\": ", out);
        tool_put_json_string(out, e[i].rule);
        fputs(", \"pointer\": ", out);
        tool_put_json_string(out, e[i].pointer);
        fprintf(out, ", \"fingerprint\": \"%s\"}", e[i].fingerprint);
    }
    fputs(n ? "\n  ]\n}\n" : "]\n}\n", out);
    free(e);
    if (ferror(out) | (fclose(out) != 0)) {
        fprintf(stderr, "recval validate: error writing %s\n", path);
        return -1;
    }
    return 0;
}

/* --- reading ------------------------------------------------------- */

/* Checks the file against schema/baseline.schema.json, listing what is
 * wrong on stderr. */
static bool baseline_valid(const recval_validator *v, const char *path)
{
    recval_schema *s = recval_schema_load_builtin(BASELINE_SCHEMA);
    if (!s) {
        fprintf(stderr, "recval validate: %s\n", recval_last_error());
        return false;
    }
    recval_result r = {0};
    bool ok = recval_schema_check_file(v, s, path, &r) == RECVAL_OK && r.errors == 0;
    for (size_t k = 0; k < r.ndiags; k++) {
        fprintf(stderr, "recval validate: baseline %s:%u:%u: ", path, r.diags[k].line,
                r.diags[k].column);
        tool_put_text(stderr, r.diags[k].message);
        fprintf(stderr, " (at %s) [%s]\n", r.diags[k].pointer[0] ? r.diags[k].pointer : "the root",
                r.diags[k].rule->name);
    }
    recval_result_free(&r);
    recval_schema_free(s);
    return ok;
}

static const char *member(json_object *o, const char *key)
{
    json_object *m = NULL;
    return json_object_object_get_ex(o, key, &m) ? json_object_get_string(m) : "";
}

/* Reads a valid baseline into b, its entries sorted. */
static int read_baseline(const recval_validator *v, const char *path, baseline *b)
{
    if (!baseline_valid(v, path))
        return -1;
    b->doc = json_object_from_file(path);
    json_object *list = NULL;
    if (!b->doc || !json_object_object_get_ex(b->doc, "findings", &list)) {
        fprintf(stderr, "recval validate: cannot read the baseline %s\n", path);
        return -1;
    }
    b->n = json_object_array_length(list);
    b->entries = calloc(b->n + 1, sizeof *b->entries);
    if (!b->entries)
        abort();
    for (size_t i = 0; i < b->n; i++) {
        json_object *f = json_object_array_get_idx(list, i);
        b->entries[i] = (baseline_entry){member(f, "path"), member(f, "rule"), member(f, "pointer"),
                                         member(f, "fingerprint"), false};
    }
    qsort(b->entries, b->n, sizeof *b->entries, entry_cmp);
    return 0;
}

/* --- applying ------------------------------------------------------ */

/* Marks and returns an unused entry equal to key, or NULL. */
static baseline_entry *take_entry(baseline *b, const baseline_entry *key)
{
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (entry_cmp(&b->entries[mid], key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < b->n && entry_cmp(&b->entries[lo], key) == 0; lo++)
        if (!b->entries[lo].used) {
            b->entries[lo].used = true;
            return &b->entries[lo];
        }
    return NULL;
}

static void uncount(recval_result *r, recval_severity s)
{
    if (s == RECVAL_ERROR)
        r->errors--;
    else if (s == RECVAL_WARNING)
        r->warnings--;
    else
        r->notes--;
}

/* Drops r's findings that the baseline lists; returns how many. */
static size_t suppress(baseline *b, recval_result *r, const char *rel,
                       const recval_fingerprint *fps)
{
    size_t kept = 0, dropped = 0;
    for (size_t k = 0; k < r->ndiags; k++) {
        recval_diag *d = &r->diags[k];
        baseline_entry key = {rel, d->rule->name, d->pointer, fps[k].value, false};
        if (take_entry(b, &key)) {
            uncount(r, d->severity);
            free(d->message);
            free(d->pointer);
            dropped++;
        } else {
            r->diags[kept++] = *d;
        }
    }
    r->ndiags = kept;
    return dropped;
}

static int path_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Counts (and lists on stderr) the unused entries, except those of files
 * that exist but were not checked in this run (a run on part of the tree
 * leaves the rest of the baseline alone). */
static size_t report_stale(const baseline *b, const tool_report *rep, char **rel)
{
    char **paths = calloc(rep->nresults + 1, sizeof *paths);
    if (!paths)
        abort();
    memcpy(paths, rel, rep->nresults * sizeof *paths);
    qsort(paths, rep->nresults, sizeof *paths, path_cmp);
    size_t stale = 0;
    for (size_t i = 0; i < b->n; i++) {
        const baseline_entry *e = &b->entries[i];
        if (e->used || (!bsearch(&e->path, paths, rep->nresults, sizeof *paths, path_cmp) &&
                        access(e->path, F_OK) == 0))
            continue;
        stale++;
        fputs("recval validate: baseline entry no longer found: ", stderr);
        tool_put_text(stderr, e->path);
        fprintf(stderr, ": %s at ", e->rule);
        tool_put_text(stderr, e->pointer[0] ? e->pointer : "the document root");
        fputc('\n', stderr);
    }
    free(paths);
    return stale;
}

/* Each result's path as the baseline names it: relative to the working
 * directory (tool_relative_path()). */
static char **relative_paths(const tool_report *rep)
{
    char **rel = calloc(rep->nresults + 1, sizeof *rel);
    for (size_t i = 0; rel && i < rep->nresults; i++)
        if (!(rel[i] = tool_relative_path(rep->results[i].path ? rep->results[i].path : "")))
            abort();
    if (!rel)
        abort();
    return rel;
}

int tool_apply_baseline(const recval_validator *v, tool_report *rep, const char *write_path,
                        const char *read_path)
{
    if (!write_path && !read_path)
        return 0;
    baseline b = {0};
    int rc = read_path ? read_baseline(v, read_path, &b) : 0;
    recval_fingerprint **fps = rc == 0 ? fingerprint_all(v, rep) : NULL;
    char **rel = relative_paths(rep);
    if (rc == 0 && write_path)
        rc = write_baseline(write_path, rep, rel, fps);
    if (rc == 0 && read_path) {
        rep->baseline = read_path;
        for (size_t i = 0; i < rep->nresults; i++)
            if (fps[i])
                rep->suppressed += suppress(&b, &rep->results[i], rel[i], fps[i]);
        rep->stale = report_stale(&b, rep, rel);
    }
    free_fingerprints(fps, rep->nresults);
    for (size_t i = 0; i < rep->nresults; i++)
        free(rel[i]);
    free(rel);
    free(b.entries);
    json_object_put(b.doc);
    return rc;
}
