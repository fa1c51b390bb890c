/* fix.c - the plan of `recval fix` for one file: what the request-hash
 * family says of its name (rules_request_hash.c), the name the current
 * recorder gives it, which normalized ids (rules_ids.c) to rewrite at
 * which byte offsets, and how safe that is; and the run-level check that
 * two files do not want the same new name. Applying is fix_apply.c. */
#include "fix.h"
#include "jsonscan.h"
#include "replay.h"
#include "rules_ids.h"
#include "rules_request_hash.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- the normalized ids of the file ---------------------------------- */

/* Each normalized id with its pointer, in body order. */
typedef struct id_list {
    char **ids, **pointers;
    size_t n, cap;
} id_list;

static void collect_id(void *ud, const char *id, const char *pointer)
{
    id_list *l = ud;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->ids = rv_xrealloc(l->ids, l->cap * sizeof *l->ids);
        l->pointers = rv_xrealloc(l->pointers, l->cap * sizeof *l->pointers);
    }
    l->ids[l->n] = rv_xstrdup(id + 4);
    l->pointers[l->n++] = rv_xstrdup(pointer);
}

static void id_list_free(id_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->ids[i]);
        free(l->pointers[i]);
    }
    free(l->ids);
    free(l->pointers);
}

/* How many ids carry `hex` (12 digits; "" matches none). */
static size_t count_ids(const id_list *l, const char *hex)
{
    size_t n = 0;
    for (size_t i = 0; hex[0] && i < l->n; i++)
        n += strcmp(l->ids[i], hex) == 0;
    return n;
}

/* --- byte offsets of ids --------------------------------------------- */

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Finds where each of the ids carrying `from` is written and adds an edit
 * to `to` for it. False, with *bad the pointer of the first id not
 * written as the plain string "rec-<from>". */
static bool add_edits(const rv_file *f, const id_list *l, const char *from, const char *to,
                      recval_fix_plan *out, const char **bad)
{
    const char **want = rv_xmalloc((l->n + 1) * sizeof *want);
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->ids[i], from) == 0)
            want[n++] = l->pointers[i];
    qsort(want, n, sizeof *want, cmp_cstr); /* pointers of distinct items are distinct */
    unsigned *lines = rv_xmalloc((n + 1) * sizeof *lines),
             *cols = rv_xmalloc((n + 1) * sizeof *cols);
    rv_jscan_locate(f->text, f->len, want, n, lines, cols);
    out->edits = rv_xcalloc(n + 1, sizeof *out->edits);
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) {
        size_t at = rv_text_offset(f->text, f->len, lines[i], cols[i]);
        ok = lines[i] && at + 18 <= f->len && memcmp(f->text + at, "\"rec-", 5) == 0 &&
             memcmp(f->text + at + 5, from, 12) == 0 && f->text[at + 17] == '"';
        if (!ok) {
            *bad = want[i];
            break;
        }
        recval_fix_edit *e = &out->edits[out->nedits++];
        e->offset = at + 5;
        memcpy(e->from, from, 13);
        memcpy(e->to, to, 13);
    }
    free(want);
    free(lines);
    free(cols);
    return ok;
}

static int cmp_edit(const void *a, const void *b)
{
    const recval_fix_edit *x = a, *y = b;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* --- the plan -------------------------------------------------------- */

static void set_reason(recval_fix_plan *p, recval_fix_safety safety, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_reason(recval_fix_plan *p, recval_fix_safety safety, const char *fmt, ...)
{
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rv_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    free(p->reason);
    p->reason = rv_sb_detach(&sb);
    p->safety = safety;
}

/* What the file's ids say about a name-mismatch; the ids to rewrite go
 * in *from (12 hex, "" for none). */
static void judge_mismatch(recval_fix_plan *p, const id_list *l, const char *old12,
                           const char *new12, const char *legacy12, const char **from)
{
    size_t n_new = count_ids(l, new12), n_old = count_ids(l, old12);
    size_t n_legacy = count_ids(l, legacy12);
    *from = "";
    if (l->n && n_new == l->n) {
        set_reason(p, RECVAL_FIX_SAFE,
                   "the normalized ids already carry the request's hash: only the name is wrong");
    } else if (n_old) {
        *from = old12;
        set_reason(p, RECVAL_FIX_UNSAFE,
                   "the normalized ids carry the old name's hash, not the request's: the request "
                   "was changed after recording; right only if the test now sends exactly the "
                   "stored request");
    } else if (n_legacy) {
        *from = legacy12;
        set_reason(p, RECVAL_FIX_UNSAFE,
                   "the normalized ids carry the request's legacy hash, not the name's: the body "
                   "is as recorded but the name was computed from another test id or scheme; right "
                   "only if the test now sends exactly the stored request");
    } else if (l->n == 0) {
        set_reason(p, RECVAL_FIX_UNSAFE,
                   "no normalized id tells which request the response was recorded for; right "
                   "only if the test now sends exactly the stored request");
    }
}

/* Ids of no hash known for this file: the response may answer another
 * request, so the file is never fixed. */
static bool has_foreign_ids(recval_fix_plan *p, const id_list *l, const char *const known[3])
{
    for (size_t i = 0; i < l->n; i++) {
        bool ok = false;
        for (size_t k = 0; k < 3 && !ok; k++)
            ok = known[k][0] && strcmp(l->ids[i], known[k]) == 0;
        if (!ok) {
            set_reason(p, RECVAL_FIX_NEVER,
                       "normalized id \"rec-%s\" (at %s) carries neither the name's hash nor any "
                       "hash of the request: the response may answer another request",
                       l->ids[i], l->pointers[i]);
            return true;
        }
    }
    return false;
}

static bool repeats_a_key(const rv_file *f)
{
    for (size_t i = 0; i < f->ndiags; i++)
        if (f->diags[i].rule == rv_rule(RV_PARSE_DUPLICATE_KEY))
            return true;
    return false;
}

/* The new path: path's directory and the recorder's name. */
static char *sibling_path(const char *path, const char *name)
{
    const char *slash = strrchr(path, '/');
    strbuf sb = STRBUF_INIT;
    if (slash)
        rv_sb_put(&sb, path, (size_t)(slash - path) + 1);
    rv_sb_puts(&sb, name);
    return rv_sb_detach(&sb);
}

/* True when path's directory is a legacy recording dir (.../responses/),
 * the only place the harness reads <12 hex>.json names from. */
static bool in_responses_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    return n >= 9 && memcmp(path + n - 9, "responses", 9) == 0 && (n == 9 || path[n - 10] == '/');
}

/* The new name: the recorder's, but a 12-digit name outside responses/
 * (which replay never reads) gets the current scheme's. */
static void plan_new_path(const rv_file *f, const reqhash_result *r, recval_fix_plan *p,
                          bool *legacy_name)
{
    rv_file as_named = *f;
    *legacy_name = f->name_scheme == RV_NAME_HASH12 && r->legacy[0] && in_responses_dir(f->path);
    if (f->name_scheme == RV_NAME_HASH12 && !*legacy_name)
        as_named.name_scheme = RV_NAME_HASH64;
    strbuf name = STRBUF_INIT;
    rv_request_hash_expected_name(&name, &as_named, r);
    p->new_path = sibling_path(f->path, name.data);
    rv_sb_free(&name);
}

static void plan_rename(const rv_file *f, const reqhash_result *r, reqhash_match m,
                        rv_name_verdict verdict, recval_fix_plan *p)
{
    bool legacy_name;
    plan_new_path(f, r, p, &legacy_name);
    char old12[13], new12[13], legacy12[13];
    snprintf(old12, sizeof old12, "%.12s", f->name_hash);
    snprintf(new12, sizeof new12, "%.12s", legacy_name ? r->legacy : r->current);
    snprintf(legacy12, sizeof legacy12, "%.12s", r->legacy);
    id_list l = {0};
    rv_ids_each_normalized(f, collect_id, &l);
    const char *from = old12;
    if (verdict == RV_VERDICT_STALE)
        set_reason(p, RECVAL_FIX_SAFE,
                   "the name is the request's %s hash, a scheme the current "
                   "recorder no longer uses",
                   rv_reqhash_match_name_str(m));
    else
        judge_mismatch(p, &l, old12, new12, legacy12, &from);
    const char *known[3] = {old12, new12, verdict == RV_VERDICT_MISMATCH ? legacy12 : ""};
    const char *bad = NULL;
    struct stat st;
    if (has_foreign_ids(p, &l, known)) {
        /* reason set */
    } else if (repeats_a_key(f)) {
        set_reason(p, RECVAL_FIX_NEVER,
                   "the file repeats a member name (parse/duplicate-key): "
                   "which id a reader keeps is not certain");
    } else if (from[0] && strcmp(from, new12) != 0 && !add_edits(f, &l, from, new12, p, &bad)) {
        set_reason(p, RECVAL_FIX_NEVER,
                   "the id at %s is not written as a plain string: fix edits ids byte for byte",
                   bad);
    }
    if (p->safety == RECVAL_FIX_NEVER) {
        free(p->edits);
        p->edits = NULL;
        p->nedits = 0;
    }
    if (p->nedits > 1)
        qsort(p->edits, p->nedits, sizeof *p->edits, cmp_edit);
    p->target_exists = lstat(p->new_path, &st) == 0 || errno != ENOENT;
    id_list_free(&l);
}

static void plan_for(const rv_file *f, recval_fix_plan *p)
{
    reqhash_result r;
    reqhash_match m;
    rv_name_verdict verdict = rv_request_hash_verdict(f, &r, &m);
    if (verdict == RV_VERDICT_UNCHECKED && r.kind == REQHASH_KIND_FILE_PROCESSOR &&
        f->name_scheme != RV_NAME_OTHER) {
        set_reason(p, RECVAL_FIX_NEVER,
                   "a file-processor recording: the hash its recorder names "
                   "files by is not known");
    } else if (verdict == RV_VERDICT_UNREPRODUCIBLE) {
        p->problem = rv_rule(RV_REQUEST_HASH_UNREPRODUCIBLE)->name;
        set_reason(p, RECVAL_FIX_NEVER,
                   "the recorder's Python would hash another value than recval reads (%s): the "
                   "right name cannot be computed",
                   r.reason);
    } else if (verdict == RV_VERDICT_STALE || verdict == RV_VERDICT_MISMATCH) {
        p->problem = rv_rule(verdict == RV_VERDICT_STALE ? RV_REQUEST_HASH_STALE_SCHEME
                                                         : RV_REQUEST_HASH_NAME_MISMATCH)
                         ->name;
        plan_rename(f, &r, m, verdict, p);
    }
}

recval_status recval_fix_plan_file(const recval_validator *v, const char *path,
                                   recval_fix_plan *out)
{
    if (!v || !path || !out) {
        rv_set_error("recval_fix_plan_file: NULL argument");
        return RECVAL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    struct stat st;
    if (lstat(path, &st) != 0) {
        rv_set_error("%s: cannot read file: %s", path, strerror(errno));
        return RECVAL_EIO;
    }
    rv_file f;
    if (rv_file_load(v, path, &f) < 0) {
        int rc = rv_replay_load_error(&f); /* as recval_hash_file() */
        rv_file_release(&f);
        return rc;
    }
    out->path = rv_xstrdup(path);
    out->size = (unsigned long long)st.st_size;
    out->inode = (unsigned long long)st.st_ino;
    out->mtime_sec = (long long)st.st_mtim.tv_sec;
    out->mtime_nsec = (long long)st.st_mtim.tv_nsec;
    rv_sha256_hex(f.text, f.len, out->sha256, sizeof out->sha256);
    plan_for(&f, out);
    if (out->new_path && S_ISLNK(st.st_mode))
        set_reason(out, RECVAL_FIX_NEVER, "a symbolic link: fix renames only regular files");
    rv_file_release(&f);
    return RECVAL_OK;
}

void recval_fix_plan_free(recval_fix_plan *p)
{
    if (!p)
        return;
    free(p->path);
    free(p->reason);
    free(p->new_path);
    free(p->edits);
    memset(p, 0, sizeof *p);
}

/* --- conflict groups (run level) ------------------------------------- */

static bool would_apply(const recval_fix_plan *p, unsigned flags)
{
    return p->new_path && (p->safety == RECVAL_FIX_SAFE ||
                           (p->safety == RECVAL_FIX_UNSAFE && (flags & RECVAL_FIX_ALLOW_UNSAFE)));
}

static int cmp_plan_target(const void *a, const void *b)
{
    const recval_fix_plan *x = *(recval_fix_plan *const *)a, *y = *(recval_fix_plan *const *)b;
    return strcmp(x->new_path, y->new_path);
}

recval_status recval_fix_conflicts(recval_fix_plan *plans, size_t n, unsigned flags,
                                   size_t *in_groups)
{
    if (!plans && n) {
        rv_set_error("recval_fix_conflicts: NULL plans");
        return RECVAL_EINVAL;
    }
    recval_fix_plan **e = rv_xmalloc((n + 1) * sizeof *e);
    size_t k = 0, grouped = 0;
    for (size_t i = 0; i < n; i++) {
        plans[i].conflict_group = 0;
        if (would_apply(&plans[i], flags))
            e[k++] = &plans[i];
    }
    qsort(e, k, sizeof *e, cmp_plan_target);
    for (size_t i = 0, j; i < k; i = j) {
        for (j = i + 1; j < k && strcmp(e[i]->new_path, e[j]->new_path) == 0; j++)
            ;
        for (size_t m = i; j - i > 1 && m < j; m++, grouped++)
            e[m]->conflict_group = j - i;
    }
    free(e);
    if (in_groups)
        *in_groups = grouped;
    return RECVAL_OK;
}

const char *recval_fix_safety_name(recval_fix_safety s)
{
    return s == RECVAL_FIX_SAFE ? "safe" : s == RECVAL_FIX_UNSAFE ? "unsafe" : "never";
}

const char *recval_fix_outcome_name(recval_fix_outcome o)
{
    static const char *const names[] = {
        "none",           "rename",          "skip",      "needs-unsafe", "conflict",
        "conflict-group", "changed-on-disk", "read-only", "error"};
    return (unsigned)o < sizeof names / sizeof names[0] ? names[o] : "error";
}
