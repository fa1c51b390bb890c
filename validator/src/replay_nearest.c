/* replay_nearest.c - the report of a replay miss: the recordings nearest
 * to the request in the directories looked in (same endpoint, same test),
 * ranked by how many values of their request bodies differ from the
 * request's, each with its differences pointer by pointer, as the hash
 * reads the bodies (normalized). */
#include "replay.h"
#include "pyjson.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest value quoted in a difference. */
#define VALUE_MAX 80

/* --- differences --------------------------------------------------------- */

/* An excerpt of a value's JSON text of at most VALUE_MAX characters from
 * byte `from` (where two values start to differ), with "..." where it is
 * cut. The text is json.dumps with ensure_ascii (pyjson.c), all ASCII, so
 * any byte is a character boundary. */
static void put_excerpt(strbuf *out, const strbuf *text, size_t from)
{
    size_t start = text->len > VALUE_MAX && from > VALUE_MAX / 2 ? from - VALUE_MAX / 2 : 0;
    size_t n = text->len - start;
    if (start)
        rv_sb_puts(out, "...");
    rv_sb_put(out, text->data + start, n > VALUE_MAX ? VALUE_MAX - 3 : n);
    if (n > VALUE_MAX)
        rv_sb_puts(out, "...");
}

/* Records one difference at `at` (while fewer than keep are kept); returns 1. */
static size_t add_diff(const strbuf *at, char *message, recval_body_diff **diffs, size_t *ndiffs,
                       size_t keep)
{
    if (*ndiffs >= keep) {
        free(message);
        return 1;
    }
    *diffs = rv_xrealloc(*diffs, (*ndiffs + 1) * sizeof **diffs);
    (*diffs)[*ndiffs].pointer = rv_xstrdup(at->data ? at->data : "");
    (*diffs)[*ndiffs].message = message;
    (*ndiffs)++;
    return 1;
}

static size_t diff_leaves(json_object *a, json_object *b, strbuf *at, recval_body_diff **diffs,
                          size_t *ndiffs, size_t keep)
{
    strbuf x = STRBUF_INIT, y = STRBUF_INIT, msg = STRBUF_INIT;
    rv_pyjson_dumps(a, &x, NULL);
    rv_pyjson_dumps(b, &y, NULL);
    size_t same = 0;
    while (same < x.len && same < y.len && x.data[same] == y.data[same])
        same++;
    size_t found = 0;
    if (same < x.len || same < y.len) {
        put_excerpt(&msg, &x, same);
        rv_sb_puts(&msg, " != ");
        put_excerpt(&msg, &y, same);
        found = add_diff(at, rv_sb_detach(&msg), diffs, ndiffs, keep);
    }
    rv_sb_free(&x);
    rv_sb_free(&y);
    rv_sb_free(&msg);
    return found;
}

static size_t diff_objects(json_object *a, json_object *b, strbuf *at, recval_body_diff **diffs,
                           size_t *ndiffs, size_t keep)
{
    size_t total = 0, len = at->len;
    json_object_object_foreach(a, key, va)
    {
        json_object *vb;
        rv_sb_putc(at, '/');
        rv_sb_put_pointer_token(at, key, strlen(key));
        if (json_object_object_get_ex(b, key, &vb))
            total += rv_replay_diff(va, vb, at, diffs, ndiffs, keep);
        else
            total += add_diff(at, rv_xstrdup("missing in the recording"), diffs, ndiffs, keep);
        rv_sb_truncate(at, len);
    }
    json_object_object_foreach(b, key2, vb2)
    {
        (void)vb2;
        if (json_object_object_get_ex(a, key2, NULL))
            continue;
        rv_sb_putc(at, '/');
        rv_sb_put_pointer_token(at, key2, strlen(key2));
        total += add_diff(at, rv_xstrdup("missing in the request"), diffs, ndiffs, keep);
        rv_sb_truncate(at, len);
    }
    return total;
}

static size_t diff_arrays(json_object *a, json_object *b, strbuf *at, recval_body_diff **diffs,
                          size_t *ndiffs, size_t keep)
{
    size_t na = json_object_array_length(a), nb = json_object_array_length(b);
    size_t total = 0, len = at->len;
    for (size_t i = 0; i < na || i < nb; i++) {
        rv_sb_printf(at, "/%zu", i);
        if (i < na && i < nb)
            total += rv_replay_diff(json_object_array_get_idx(a, i),
                                    json_object_array_get_idx(b, i), at, diffs, ndiffs, keep);
        else
            total += add_diff(
                at, rv_xstrdup(i < na ? "missing in the recording" : "missing in the request"),
                diffs, ndiffs, keep);
        rv_sb_truncate(at, len);
    }
    return total;
}

size_t rv_replay_diff(json_object *a, json_object *b, strbuf *at, recval_body_diff **diffs,
                      size_t *ndiffs, size_t keep)
{
    json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
    if (ta == json_type_object && tb == json_type_object)
        return diff_objects(a, b, at, diffs, ndiffs, keep);
    if (ta == json_type_array && tb == json_type_array)
        return diff_arrays(a, b, at, diffs, ndiffs, keep);
    return diff_leaves(a, b, at, diffs, ndiffs, keep);
}

/* How many values of a and b differ. */
static size_t count_differences(json_object *a, json_object *b)
{
    strbuf at = STRBUF_INIT;
    recval_body_diff *none = NULL;
    size_t kept = 0, n = rv_replay_diff(a, b, &at, &none, &kept, 0);
    rv_sb_free(&at);
    return n;
}

/* --- candidates ---------------------------------------------------------- */

/* A recording near the request. Those whose hashed bodies differ as much
 * are ranked by the differences of method and URL, then of the bodies as
 * sent. */
typedef struct candidate {
    recval_nearest n;
    size_t envelope_differences;
    size_t raw_differences;
} candidate;

/* One search for the nearest recordings. */
typedef struct search {
    const recval_validator *v;
    const replay_request *req;
    const char *test_id;     /* the request's, NULL for none */
    strbuf tid_tail;         /* test_id after its last '/' */
    strbuf tid_tail_escaped; /* the same as Python's json.dumps writes it */
    char *endpoint;          /* rv_replay_endpoint_key() of the request */
    json_object *body;       /* the request's body as hashed */
    json_object *raw;        /* the request's body as sent */
    candidate *hits;         /* every candidate so far */
    size_t nhits;
} search;

/* The body as the hash reads it: normalized (inference, HTTP) or as is
 * (tool kwargs). A new reference. */
static json_object *hashed_view(json_object *request)
{
    json_object *body = rv_replay_hashed_body(request);
    if (rv_has(request, "tool_name"))
        return json_object_get(body);
    return rv_reqhash_normalize(body, REQHASH_NORM_CURRENT, 0, NULL, NULL);
}

/* True when needle (m bytes) occurs in text (n bytes). */
static bool contains(const char *text, size_t n, const char *needle, size_t m)
{
    for (const char *p = text; m > 0 && (size_t)(text + n - p) >= m; p++) {
        p = memchr(p, needle[0], (size_t)(text + n - p) - m + 1);
        if (!p)
            return false;
        if (memcmp(p, needle, m) == 0)
            return true;
    }
    return m == 0;
}

/* A quick look at the text before parsing it: a recording of another
 * test names that test, so it cannot hold the request's test id. The
 * needle is the test id after its last '/' (writers may escape slashes),
 * raw or as Python's json.dumps escapes it. */
static bool may_share_test(const search *s, const char *text, size_t len)
{
    if (!s->test_id || !contains(text, len, "\"test_id\"", 9))
        return true;
    return contains(text, len, s->tid_tail.data, s->tid_tail.len) ||
           contains(text, len, s->tid_tail_escaped.data, s->tid_tail_escaped.len);
}

static void test_id_needles(search *s)
{
    const char *slash = strrchr(s->test_id, '/');
    const char *tail = slash ? slash + 1 : s->test_id;
    rv_sb_puts(&s->tid_tail, tail);
    rv_pyjson_put_string(&s->tid_tail_escaped, tail, strlen(tail));
    /* without its quotes */
    memmove(s->tid_tail_escaped.data, s->tid_tail_escaped.data + 1, s->tid_tail_escaped.len - 2);
    rv_sb_truncate(&s->tid_tail_escaped, s->tid_tail_escaped.len - 2);
}

/* Same test: the same test_id, or none at all (legacy recordings). */
static bool same_test(const search *s, json_object *root)
{
    if (!rv_has(root, "test_id"))
        return true;
    const char *tid = rv_replay_test_id_string(rv_get(root, "test_id"));
    return tid && s->test_id ? strcmp(tid, s->test_id) == 0 : tid == s->test_id;
}

static bool same_endpoint(const search *s, json_object *request)
{
    char *key = rv_replay_endpoint_key(request);
    bool same = key && strcmp(key, s->endpoint) == 0;
    free(key);
    return same;
}

static bool differs_str(json_object *a, json_object *b, const char *key)
{
    const char *x = rv_get_string(a, key), *y = rv_get_string(b, key);
    return (x && y) ? strcasecmp(x, y) != 0 : x != y;
}

/* The name of a recording whose request is the one replayed: why the
 * lookup missed it and what would fix it. */
static void note_name(strbuf *note, const reqhash_result *own, const char *matches)
{
    if (matches && strcmp(matches, "current") == 0) {
        rv_sb_puts(note, "; it is this request under its current name, in a directory the current "
                         "scheme does not look in");
        return;
    }
    char *name = rv_replay_expected_name(own, false);
    if (matches)
        rv_sb_printf(note, "; it is this request, named by its %s hash: as %s it would answer",
                     matches, name);
    else
        rv_sb_printf(
            note, "; it is this request, named by none of its hashes: as %s it would answer", name);
    free(name);
}

/* What tells a recording with the same body apart from the request. */
static char *note_for_equal_bodies(const search *s, const rv_file *f, const reqhash_result *own,
                                   const char *matches)
{
    strbuf note = STRBUF_INIT;
    rv_sb_puts(&note, "the bodies are equal");
    if (differs_str(s->req->request, f->request, "method"))
        rv_sb_printf(&note, "; the method differs (%s != %s)",
                     rv_get_string(s->req->request, "method"), rv_get_string(f->request, "method"));
    if (differs_str(s->req->request, f->request, "url"))
        rv_sb_printf(&note, "; the URL differs (%s != %s)", rv_get_string(s->req->request, "url"),
                     rv_get_string(f->request, "url"));
    if (!rv_has(f->root, "test_id") && s->test_id)
        rv_sb_puts(&note, "; it has no test_id (legacy layout)");
    else if (strcmp(own->current, s->req->hashes.current) == 0)
        note_name(&note, own, matches);
    return rv_sb_detach(&note);
}

/* How many of method and URL differ (the hash reads both). */
static size_t envelope_differences(const search *s, json_object *request)
{
    return (size_t)differs_str(s->req->request, request, "method") +
           (size_t)differs_str(s->req->request, request, "url");
}

/* Compares one loaded recording with the request; keeps it when it is a
 * candidate. */
static void consider(search *s, rv_file *f)
{
    if (!f->request || !same_test(s, f->root) || !same_endpoint(s, f->request))
        return;
    reqhash_result own;
    if (rv_reqhash_compute(f->root, f->text, f->len, &own, NULL) < 0)
        return;
    s->hits = rv_xrealloc(s->hits, (s->nhits + 1) * sizeof *s->hits);
    candidate *c = &s->hits[s->nhits++];
    recval_nearest *n = &c->n;
    memset(c, 0, sizeof *c);
    c->envelope_differences = envelope_differences(s, f->request);
    c->raw_differences = count_differences(s->raw, rv_replay_hashed_body(f->request));
    n->path = rv_xstrdup(f->path);
    reqhash_match m = rv_reqhash_match_name(&own, f->base, NULL);
    n->matches = m == REQHASH_MATCH_NONE ? NULL : rv_reqhash_match_name_str(m);
    json_object *body = hashed_view(f->request);
    strbuf at = STRBUF_INIT;
    rv_sb_puts(&at, "");
    n->ndifferences = rv_replay_diff(s->body, body, &at, &n->diffs, &n->ndiffs, REPLAY_MAX_DIFFS);
    rv_sb_free(&at);
    json_object_put(body);
    if (n->ndifferences == 0)
        n->note = note_for_equal_bodies(s, f, &own, n->matches);
}

static void consider_path(search *s, const char *path)
{
    size_t len;
    char *text = recval_read_file(s->v, path, &len);
    if (!text)
        return;
    if (!may_share_test(s, text, len)) {
        free(text);
        return;
    }
    rv_file f;
    if (rv_file_load_text(s->v, path, text, len, &f) == 0)
        consider(s, &f);
    rv_file_release(&f);
}

static bool is_json_name(const char *name, const void *ud)
{
    (void)ud;
    size_t n = strlen(name);
    return name[0] != '.' && n > 5 && strcmp(name + n - 5, ".json") == 0;
}

/* Considers every *.json file of dir, in name order. */
static void consider_dir(search *s, const char *dir)
{
    size_t n;
    char **paths = rv_replay_list_dir(dir, is_json_name, NULL, &n);
    for (size_t i = 0; i < n; i++)
        consider_path(s, paths[i]);
    rv_replay_free_list(paths, n);
}

/* Nearest first: fewest differences of the bodies as hashed, of method
 * and URL, of the bodies as sent; then path order. */
static int cmp_nearest(const void *a, const void *b)
{
    const candidate *x = a, *y = b;
    if (x->n.ndifferences != y->n.ndifferences)
        return x->n.ndifferences < y->n.ndifferences ? -1 : 1;
    if (x->envelope_differences != y->envelope_differences)
        return x->envelope_differences < y->envelope_differences ? -1 : 1;
    if (x->raw_differences != y->raw_differences)
        return x->raw_differences < y->raw_differences ? -1 : 1;
    return strcmp(x->n.path, y->n.path);
}

void rv_replay_nearest_free(recval_nearest *n)
{
    free(n->path);
    free(n->note);
    for (size_t k = 0; k < n->ndiffs; k++) {
        free(n->diffs[k].pointer);
        free(n->diffs[k].message);
    }
    free(n->diffs);
}

void rv_replay_find_nearest(const recval_validator *v, const replay_request *req, char *const *dirs,
                            size_t ndirs, size_t max, recval_replay_result *out)
{
    search s = {.v = v, .req = req, .test_id = rv_replay_test_id_string(req->test_id)};
    s.endpoint = rv_replay_endpoint_key(req->request);
    if (!s.endpoint)
        return;
    if (s.test_id)
        test_id_needles(&s);
    s.body = hashed_view(req->request);
    s.raw = rv_replay_hashed_body(req->request);
    for (size_t i = 0; i < ndirs; i++)
        consider_dir(&s, dirs[i]);
    if (s.nhits > 1)
        qsort(s.hits, s.nhits, sizeof *s.hits, cmp_nearest);
    out->nnearest = s.nhits < max ? s.nhits : max;
    out->nearest = rv_xcalloc(out->nnearest ? out->nnearest : 1, sizeof *out->nearest);
    for (size_t i = 0; i < s.nhits; i++) {
        if (i < out->nnearest)
            out->nearest[i] = s.hits[i].n;
        else
            rv_replay_nearest_free(&s.hits[i].n);
    }
    free(s.hits);
    json_object_put(s.body);
    rv_sb_free(&s.tid_tail);
    rv_sb_free(&s.tid_tail_escaped);
    free(s.endpoint);
}
