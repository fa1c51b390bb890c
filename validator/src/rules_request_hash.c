/* rules_request_hash.c - the request-hash rule family: a file named by a
 * request hash must be reachable by replay. Its name must be the hash of
 * its request under the current recorder's scheme (else a stale scheme is
 * a warning, no scheme at all an error), a model-list name must carry the
 * digest of its models, normalized ids are checked against the hash when
 * the name is not it, and, across the files of one run, two files of one
 * directory must not answer the same request. Hashes come from reqhash.h.
 * Documented in docs/rules/request-hash.md. */
#include "rules_request_hash.h"
#include "reqhash.h"
#include "rules_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- request-hash/models-digest -------------------------------------- */

/* The digest is checked only when the recording holds a model list it
 * can be computed from; a malformed list is the envelope and schema
 * families' business. r already holds the digest (or "" when it cannot
 * be computed) when the request is a model-list one. */
static void check_models_digest(rv_file *f, const reqhash_result *r)
{
    char digest[9];
    if (f->name_scheme != RV_NAME_MODELS)
        return;
    if (r->is_model_list)
        memcpy(digest, r->models_digest, sizeof digest);
    else if (rv_reqhash_models_digest(f->root, digest) < 0)
        digest[0] = '\0';
    if (!digest[0])
        return;
    if (strcmp(digest, f->name_digest) != 0)
        rv_emit(f, RV_REQUEST_HASH_MODELS_DIGEST, "/response/body",
                "the name carries the model-list digest %s, but the models listed here digest to "
                "%s (first 8 hex digits of the SHA-256 of the sorted, distinct model ids joined by "
                "'|'): rename the file models-%s-%s.json",
                f->name_digest, digest, f->name_hash, digest);
}

/* --- names --------------------------------------------------------- */

/* The name the recorder gives the file: <current>.json, or
 * models-<current>-<digest>.json, or <legacy 12>.json for a legacy name. */
void rv_request_hash_expected_name(strbuf *sb, const rv_file *f, const reqhash_result *r)
{
    if (f->name_scheme == RV_NAME_HASH12 && r->legacy[0])
        rv_sb_printf(sb, "%.12s.json", r->legacy);
    else if (f->name_scheme == RV_NAME_MODELS)
        rv_sb_printf(sb, "models-%s-%s.json", r->current,
                     r->models_digest[0] ? r->models_digest : f->name_digest);
    else
        rv_sb_printf(sb, "%s.json", r->current);
}

/* "current X, current_raw Y, ...": every scheme that gives its own hash. */
static void put_schemes(strbuf *sb, const rv_file *f, const reqhash_result *r)
{
    rv_sb_printf(sb, "current %s", r->current);
    if (r->current_raw[0] && strcmp(r->current_raw, r->current) != 0)
        rv_sb_printf(sb, ", current_raw %s", r->current_raw);
    if (r->older_fs_partial[0])
        rv_sb_printf(sb, ", older_fs_partial %s", r->older_fs_partial);
    if (r->older_fs_none[0])
        rv_sb_printf(sb, ", older_fs_none %s", r->older_fs_none);
    if (r->legacy[0])
        rv_sb_printf(sb, ", legacy %.*s", f->name_scheme == RV_NAME_HASH12 ? 12 : 64, r->legacy);
}

/* --- why a name matches no scheme: the llama-stack -> OGX rename ---- */

/* The rewrites of the llama-stack -> OGX rename, undone: the text it
 * replaced and the text it wrote. */
static const struct rename_undo {
    const char *written, *original;
} rename_undos[] = {
    {"ogx", "llama_stack"},
    {"OGX", "Llama Stack"},
};

/* text with every `from` replaced by `to`, appended to out. Returns the
 * number of replacements. */
static size_t put_replaced(strbuf *out, const char *text, const char *from, const char *to)
{
    size_t n = strlen(from), count = 0;
    for (const char *hit; (hit = strstr(text, from)) != NULL; text = hit + n, count++) {
        rv_sb_put(out, text, (size_t)(hit - text));
        rv_sb_puts(out, to);
    }
    rv_sb_puts(out, text);
    return count;
}

/* The members a request hash reads, {"request", "test_id"}, as compact
 * JSON: the text the rename's rewrites are undone in (the response can be
 * megabytes and no hash reads it). */
static char *hashed_members_text(const rv_file *f)
{
    json_object *doc = json_object_new_object();
    static const char *const keys[] = {"request", "test_id"};
    for (size_t i = 0; i < 2; i++)
        if (rv_has(f->root, keys[i]))
            json_object_object_add(doc, keys[i], json_object_get(rv_get(f->root, keys[i])));
    char *text = rv_xstrdup(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN));
    json_object_put(doc);
    return text;
}

/* True when the name is the hash of `members` (hashed_members_text) with
 * the rewrites of `mask` (bits of rename_undos) undone: the file was
 * rewritten after it was named. Only called for names that match no
 * scheme, in the order of the masks: a mask with a rewrite that finds
 * nothing to undo gives the text of a smaller mask (or the file's own),
 * which did not match, so it is not hashed again. */
static bool named_before_rewrite(const rv_file *f, const char *members, unsigned mask)
{
    strbuf a = STRBUF_INIT, b = STRBUF_INIT;
    bool undid_all = true;
    rv_sb_puts(&a, members);
    for (size_t i = 0; i < sizeof rename_undos / sizeof rename_undos[0] && undid_all; i++) {
        if (!(mask & (1u << i)))
            continue;
        rv_sb_truncate(&b, 0);
        undid_all = put_replaced(&b, a.data ? a.data : "", rename_undos[i].written,
                                 rename_undos[i].original) > 0;
        strbuf t = a;
        a = b;
        b = t;
    }
    json_object *old = undid_all && a.data ? json_tokener_parse(a.data) : NULL;
    reqhash_result r;
    bool match = old && (int)rv_reqhash_compute_for_name(old, NULL, 0, f->name_hash, &r, NULL) > 0;
    json_object_put(old);
    rv_sb_free(&a);
    rv_sb_free(&b);
    return match;
}

/* Appends why the name matches no scheme, when recval can tell. */
static void put_mismatch_reason(strbuf *msg, const rv_file *f)
{
    static const unsigned masks[] = {1u, 2u, 3u};
    char *members = hashed_members_text(f);
    for (size_t i = 0; i < sizeof masks / sizeof masks[0]; i++) {
        if (!named_before_rewrite(f, members, masks[i]))
            continue;
        rv_sb_puts(msg,
                   "; the name is the hash of this request as it was before the llama-stack -> "
                   "OGX rename rewrote ");
        for (size_t k = 0, shown = 0; k < sizeof rename_undos / sizeof rename_undos[0]; k++)
            if (masks[i] & (1u << k))
                rv_sb_printf(msg, "%s\"%s\" as \"%s\"", shown++ ? " and " : "",
                             rename_undos[k].original, rename_undos[k].written);
        rv_sb_puts(msg, ": the file was rewritten after it was named, so it is not what was "
                        "recorded and no replay reaches it");
        break;
    }
    free(members);
}

static void report_name_mismatch(rv_file *f, const reqhash_result *r)
{
    strbuf msg = STRBUF_INIT;
    rv_sb_printf(&msg,
                 "the file name (%s) matches no request-hash scheme, so no replay can reach this "
                 "file; the request hashes to ",
                 f->name_hash);
    put_schemes(&msg, f, r);
    rv_sb_puts(&msg, ": the recorder names it ");
    rv_request_hash_expected_name(&msg, f, r);
    if (r->kind == REQHASH_KIND_INFERENCE && f->name_scheme == RV_NAME_HASH64)
        put_mismatch_reason(&msg, f);
    rv_emit(f, RV_REQUEST_HASH_NAME_MISMATCH, "", "%s", msg.data);
    rv_sb_free(&msg);
}

/* --- request-hash/stale-scheme --------------------------------------- */

static const char *scheme_description(reqhash_match m)
{
    switch (m) {
    case REQHASH_MATCH_CURRENT_RAW:
        return "current_raw hash (the body hashed without the recorder's normalization)";
    case REQHASH_MATCH_OLDER_FS_PARTIAL:
        return "older_fs_partial hash (an earlier normalization, without the document_id and "
               "citation substitutions)";
    case REQHASH_MATCH_OLDER_FS_NONE:
        return "older_fs_none hash (an earlier normalization, without the file_search "
               "substitutions)";
    case REQHASH_MATCH_TOOL_TEST_ID:
        return "tool_test_id hash (provider, tool_name, kwargs and the test_id: tool invocations "
               "were once hashed with their test id)";
    default:
        return "legacy hash (method, endpoint and raw body, no test_id)";
    }
}

static void report_stale(rv_file *f, const reqhash_result *r, reqhash_match m)
{
    strbuf msg = STRBUF_INIT;
    rv_sb_printf(
        &msg,
        "the file name is the request's %s, not its current one: the current recorder looks "
        "for ",
        scheme_description(m));
    rv_request_hash_expected_name(&msg, f, r);
    rv_sb_puts(&msg, " and will not find this file");
    rv_emit(f, RV_REQUEST_HASH_STALE_SCHEME, "", "%s", msg.data);
    rv_sb_free(&msg);
}

/* --- request-hash/unreproducible ------------------------------------- */

static void report_unreproducible(rv_file *f, const reqhash_result *r)
{
    const char *where = r->where[0] ? r->where : "/request";
    size_t n = strlen(r->where);
    const char *why = strncmp(r->reason, r->where, n) == 0 && strncmp(r->reason + n, ": ", 2) == 0
                          ? r->reason + n + 2
                          : r->reason;
    rv_emit(f, RV_REQUEST_HASH_UNREPRODUCIBLE, where,
            "the recorder's Python would hash another value than recval reads here (%s), so the "
            "file name is not checked against the request hash",
            why);
}

/* --- a test id hashed but not recorded ------------------------------- */

/* True when some normalized id of the body is rec-<hex12>. */
static bool body_has_id(const rv_file *f, const char *hex12)
{
    char want[17];
    snprintf(want, sizeof want, "rec-%.12s", hex12);
    bool list = json_object_is_type(f->body, json_type_array);
    size_t n = list ? json_object_array_length(f->body) : f->body != NULL;
    for (size_t i = 0; i < n; i++) {
        json_object *item = list ? json_object_array_get_idx(f->body, i) : f->body;
        const char *id = rv_get_string(rv_get_object(item, "__data__"), "id");
        if (id && strcmp(id, want) == 0)
            return true;
    }
    return false;
}

/* A current-layout inference file with no test_id member whose ids are
 * rec-<legacy>: recorded without a test id, then named by a hash with one
 * (a migration that renamed files and left their ids). The test id hashed
 * is not in the file, so the name cannot be recomputed; the ids family
 * still reports the ids that contradict the name. */
static bool test_id_not_recorded(const rv_file *f, const reqhash_result *r)
{
    return r->kind == REQHASH_KIND_INFERENCE && f->name_scheme == RV_NAME_HASH64 &&
           !rv_has(f->root, "test_id") && r->legacy[0] && body_has_id(f, r->legacy);
}

static void report_test_id_not_recorded(rv_file *f, const reqhash_result *r)
{
    rv_emit(f, RV_REQUEST_HASH_UNREPRODUCIBLE, "",
            "the recording has no test_id, but its ids are rec-%.12s, the hash of its request "
            "without one: its name was computed with a test id the file does not record, so the "
            "name is not checked against the request hash",
            r->legacy);
}

/* --- request-hash/unread-kind ---------------------------------------- */

static void report_unread_kind(rv_file *f)
{
    rv_emit(f, RV_REQUEST_HASH_UNREAD_KIND, "",
            "a file-processor recording: the current OGX recorder runs file-processor calls live "
            "and neither records nor replays them, so no test reads this file; delete it");
}

/* --- normalized ids against the hash --------------------------------- */

/* Drops the diagnostics from index `from` on that repeat an
 * ids/normalized-id-mismatch already reported before it at the same
 * pointer: an id that disagrees with the name is reported once. */
static void drop_repeated_id_diags(rv_file *f, size_t from)
{
    size_t keep = from;
    for (size_t i = from; i < f->ndiags; i++) {
        bool repeated = false;
        for (size_t j = 0; j < from && !repeated; j++)
            repeated = f->diags[j].rule == rv_rule(RV_IDS_NORMALIZED_ID_MISMATCH) &&
                       strcmp(f->diags[j].pointer, f->diags[i].pointer) == 0;
        if (repeated) {
            free(f->diags[i].message);
            free(f->diags[i].pointer);
        } else {
            f->diags[keep++] = f->diags[i];
        }
    }
    f->ndiags = keep;
}

/* The name is not the request's hash: the normalized ids that agree with
 * the name (the ids family reports the others) are checked against the
 * hash the name should be. */
static void check_ids_against_hash(rv_file *f, const reqhash_result *r)
{
    const char *hash = f->name_scheme == RV_NAME_HASH12 && r->legacy[0] ? r->legacy : r->current;
    char expected[13];
    if (!hash[0])
        return;
    memcpy(expected, hash, 12);
    expected[12] = '\0';
    size_t before = f->ndiags;
    rv_ids_check_normalized(f, expected, "the request hash");
    drop_repeated_id_diags(f, before);
}

/* --- one file -------------------------------------------------------- */

/* The recorder hashes test_id as the string pytest names the test by (or
 * None): another type is envelope/wrong-type, not a hash to check. */
static bool hashable_test_id(const rv_file *f)
{
    json_object *test_id = rv_get(f->root, "test_id");
    return !test_id || json_object_is_type(test_id, json_type_string);
}

rv_name_verdict rv_request_hash_verdict(const rv_file *f, reqhash_result *r, reqhash_match *m)
{
    memset(r, 0, sizeof *r);
    *m = REQHASH_MATCH_NONE;
    if (!f->root || f->name_scheme == RV_NAME_OTHER || !hashable_test_id(f))
        return RV_VERDICT_UNCHECKED;
    int got = (int)rv_reqhash_compute_for_name(f->root, f->text, f->len, f->name_hash, r, NULL);
    if (got < 0 || r->kind == REQHASH_KIND_UNKNOWN || r->kind == REQHASH_KIND_FILE_PROCESSOR)
        return RV_VERDICT_UNCHECKED; /* no request of a known shape, or no known formula */
    *m = (reqhash_match)got;
    if (*m == REQHASH_MATCH_NONE)
        return r->unreproducible ? RV_VERDICT_UNREPRODUCIBLE : RV_VERDICT_MISMATCH;
    if (*m != REQHASH_MATCH_CURRENT && f->name_scheme != RV_NAME_HASH12)
        return RV_VERDICT_STALE;
    return RV_VERDICT_CURRENT;
}

void rv_check_request_hash(rv_file *f)
{
    reqhash_result r;
    reqhash_match m;
    f->request_hash[0] = '\0';
    if (f->root && f->kind == RV_KIND_FILE_PROCESSOR) {
        report_unread_kind(f);
        return;
    }
    rv_name_verdict verdict = rv_request_hash_verdict(f, &r, &m);
    if (verdict == RV_VERDICT_UNCHECKED)
        return;
    check_models_digest(f, &r);
    if (verdict == RV_VERDICT_UNREPRODUCIBLE) {
        report_unreproducible(f, &r);
        return;
    }
    if (verdict == RV_VERDICT_MISMATCH && test_id_not_recorded(f, &r)) {
        report_test_id_not_recorded(f, &r);
        return;
    }
    if (verdict == RV_VERDICT_MISMATCH) {
        report_name_mismatch(f, &r);
        check_ids_against_hash(f, &r);
    } else if (verdict == RV_VERDICT_STALE) {
        report_stale(f, &r, m);
    }
    memcpy(f->request_hash, r.current, sizeof r.current);
}

/* --- request-hash/duplicate (run level) ------------------------------ */

/* A result that takes part: its directory and base name. */
typedef struct dup_entry {
    recval_result *r;
    const char *dir; /* the path, of which dir_len bytes are the directory */
    size_t dir_len;
    const char *base;
} dup_entry;

static int cmp_dup_entry(const void *a, const void *b)
{
    const dup_entry *x = a, *y = b;
    size_t n = x->dir_len < y->dir_len ? x->dir_len : y->dir_len;
    int c = memcmp(x->dir, y->dir, n);
    if (c == 0 && x->dir_len != y->dir_len)
        c = x->dir_len < y->dir_len ? -1 : 1;
    if (c == 0)
        c = strcmp(x->r->request_hash, y->r->request_hash);
    return c ? c : strcmp(x->r->path, y->r->path);
}

static bool same_group(const dup_entry *x, const dup_entry *y)
{
    return x->dir_len == y->dir_len && memcmp(x->dir, y->dir, x->dir_len) == 0 &&
           strcmp(x->r->request_hash, y->r->request_hash) == 0;
}

/* models-<hash>-<digest>.json: replay merges every list of a request. */
static bool is_models_name(const char *base)
{
    return strncmp(base, "models-", 7) == 0;
}

/* <12 hex>.json: the legacy recorder's name, by the legacy hash. */
static bool is_legacy_name(const char *base)
{
    return strlen(base) == 17 && rv_is_hex(base, 12) && strcmp(base + 12, ".json") == 0;
}

/* The results that carry a request hash, sorted into groups. */
static dup_entry *collect_entries(recval_result *results, size_t n, size_t *count)
{
    dup_entry *e = rv_xmalloc((n ? n : 1) * sizeof *e);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        recval_result *r = &results[i];
        if (!r->path || !r->request_hash[0])
            continue;
        const char *slash = strrchr(r->path, '/');
        const char *base = slash ? slash + 1 : r->path;
        if (is_models_name(base))
            continue;
        e[k++] = (dup_entry){r, r->path, slash ? (size_t)(slash - r->path) : 0, base};
    }
    qsort(e, k, sizeof *e, cmp_dup_entry);
    *count = k;
    return e;
}

/* Adds d to r at its place in the order, counting it. */
static void insert_diag(recval_result *r, recval_diag d)
{
    size_t at = r->ndiags;
    while (at > 0 && rv_diag_cmp(&d, &r->diags[at - 1]) < 0)
        at--;
    r->diags = rv_xrealloc(r->diags, (r->ndiags + 1) * sizeof *r->diags);
    memmove(r->diags + at + 1, r->diags + at, (r->ndiags - at) * sizeof *r->diags);
    r->diags[at] = d;
    r->ndiags++;
    rv_count_severity(r, d.severity);
}

/* Where the document starts: the position another diagnostic of the
 * whole document was given, else 1:1. */
static void document_position(const recval_result *r, unsigned *line, unsigned *column)
{
    *line = 1;
    *column = 1;
    for (size_t i = 0; i < r->ndiags; i++)
        if (r->diags[i].pointer[0] == '\0' && r->diags[i].line) {
            *line = r->diags[i].line;
            *column = r->diags[i].column;
            return;
        }
}

/* Which of the group replay reads: the file named by the current hash
 * (legacy names are by another hash, which the result does not keep). */
static void put_replay_note(strbuf *msg, const dup_entry *g, size_t n, size_t self)
{
    const char *hash = g[self].r->request_hash;
    if (is_legacy_name(g[self].base)) {
        rv_sb_puts(msg, ": replay reads at most one of them, the one named by the legacy hash");
        return;
    }
    size_t named = n;
    for (size_t i = 0; i < n; i++)
        if (strncmp(g[i].base, hash, 64) == 0 && strcmp(g[i].base + 64, ".json") == 0)
            named = i;
    rv_sb_printf(msg, ": replay reads only %s.json", hash);
    if (named == n)
        rv_sb_puts(msg, ", which none of them is");
    else if (named == self)
        rv_sb_puts(msg, ", this file; the others are never used");
    else
        rv_sb_puts(msg, "; this file is never used");
}

/* The duplicate warning of g[self] among the group g[0..n). */
static void report_duplicate(const dup_entry *g, size_t n, size_t self)
{
    strbuf msg = STRBUF_INIT;
    rv_sb_puts(&msg, "answers the same request as ");
    for (size_t i = 0, listed = 0; i < n; i++) {
        if (i == self)
            continue;
        listed++;
        rv_sb_printf(&msg, "%s%s", listed == 1 ? "" : listed == n - 1 ? " and " : ", ", g[i].base);
    }
    rv_sb_printf(&msg, " in this directory (request hash %s)", g[self].r->request_hash);
    put_replay_note(&msg, g, n, self);
    recval_diag d = {.rule = rv_rule(RV_REQUEST_HASH_DUPLICATE),
                     .severity = rv_rule(RV_REQUEST_HASH_DUPLICATE)->severity,
                     .message = rv_sb_detach(&msg),
                     .pointer = rv_xstrdup("")};
    document_position(g[self].r, &d.line, &d.column);
    insert_diag(g[self].r, d);
}

recval_status recval_check_duplicates(recval_result *results, size_t n, size_t *nadded)
{
    if (!results && n) {
        rv_set_error("recval_check_duplicates: NULL results");
        return RECVAL_EINVAL;
    }
    size_t count, added = 0;
    dup_entry *e = collect_entries(results, n, &count);
    for (size_t i = 0, j; i < count; i = j) {
        for (j = i + 1; j < count && same_group(&e[i], &e[j]); j++)
            ;
        for (size_t k = i; j - i > 1 && k < j; k++, added++)
            report_duplicate(e + i, j - i, k - i);
    }
    free(e);
    if (nadded)
        *nadded = added;
    return RECVAL_OK;
}
