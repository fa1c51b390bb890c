/* replay_request.c - the request side of replay and of `recval hash`: a
 * request (bare, or a whole recording) parsed and hashed, the fields the
 * harness keys on, the public recval_hash_* API, and the directory helpers
 * the lookup (replay.c) and the report of a miss (replay_nearest.c) share. */
#include "replay.h"
#include "pyjson.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- the request --------------------------------------------------------- */

const char *rv_replay_test_id_string(json_object *test_id)
{
    return json_object_is_type(test_id, json_type_string) ? json_object_get_string(test_id) : NULL;
}

/* True when root is a whole recording rather than a request object. */
static bool is_recording(json_object *root)
{
    static const char *const request_members[] = {"url", "tool_name", "payload", "file_id"};
    if (!rv_get_object(root, "request"))
        return false;
    for (size_t i = 0; i < sizeof request_members / sizeof request_members[0]; i++)
        if (rv_has(root, request_members[i]))
            return false;
    return true;
}

/* Hashes out->request under out->test_id, with the models digest and the
 * reproducibility scan a whole recording allows. */
static int hash_request(replay_request *out, bool whole_recording)
{
    char *err = NULL;
    if (rv_reqhash_compute_request(out->request, out->test_id, &out->hashes, &err) < 0) {
        rv_set_error("the request cannot be hashed: %s", err ? err : "unknown shape");
        free(err);
        return RECVAL_EINVAL;
    }
    if (whole_recording && out->hashes.is_model_list &&
        rv_reqhash_models_digest(out->file.root, out->hashes.models_digest) < 0)
        out->hashes.models_digest[0] = '\0';
    rv_reqhash_scan_unreproducible(out->file.text, out->file.len, whole_recording, &out->hashes);
    return RECVAL_OK;
}

int rv_replay_request_parse(const recval_validator *v, const char *json, size_t len,
                            const char *test_id, replay_request *out)
{
    memset(out, 0, sizeof *out);
    char *text = rv_xmalloc(len + 1);
    memcpy(text, json, len);
    text[len] = '\0';
    if (rv_file_load_text(v, "request", text, len, &out->file) < 0) {
        const recval_diag *d = &out->file.diags[out->file.ndiags - 1];
        rv_set_error("the request is not JSON: %s (at \"%s\")", d->message, d->pointer);
        return RECVAL_EINVAL;
    }
    json_object *root = out->file.root;
    bool whole = is_recording(root);
    out->request = whole ? rv_get_object(root, "request") : root;
    if (!json_object_is_type(out->request, json_type_object)) {
        rv_set_error("the request is not a JSON object");
        return RECVAL_EINVAL;
    }
    json_object *own = rv_get(whole ? root : out->request, "test_id");
    out->test_id = test_id ? json_object_new_string(test_id) : json_object_get(own);
    return hash_request(out, whole);
}

void rv_replay_request_free(replay_request *r)
{
    rv_file_release(&r->file);
    json_object_put(r->test_id);
    memset(r, 0, sizeof *r);
}

char *rv_replay_endpoint_key(json_object *request)
{
    strbuf key = STRBUF_INIT;
    const char *tool = rv_get_string(request, "tool_name");
    const char *endpoint = rv_get_string(request, "endpoint");
    const char *url = rv_get_string(request, "url");
    if (tool) {
        const char *provider = rv_get_string(request, "provider");
        rv_sb_printf(&key, "tool %s/%s", provider ? provider : "", tool);
    } else if (endpoint && !rv_has(request, "payload")) {
        rv_sb_printf(&key, "%s", endpoint);
    } else if (url) {
        strbuf netloc = STRBUF_INIT;
        rv_sb_puts(&key, rv_has(request, "payload") ? "http " : "");
        rv_reqhash_urlparse(url, strlen(url), &netloc, &key);
        rv_sb_free(&netloc);
    } else {
        return NULL;
    }
    return rv_sb_detach(&key);
}

json_object *rv_replay_hashed_body(json_object *request)
{
    if (rv_has(request, "tool_name"))
        return rv_get(request, "kwargs");
    if (rv_has(request, "payload"))
        return rv_get(request, "payload");
    return rv_get(request, "body");
}

/* --- recval hash ------------------------------------------------------- */

static const char *match_name(reqhash_match m)
{
    return m == REQHASH_MATCH_NONE ? NULL : rv_reqhash_match_name_str(m);
}

char *rv_replay_expected_name(const reqhash_result *r, bool legacy_layout)
{
    strbuf name = STRBUF_INIT;
    if (!r->current[0])
        return NULL;
    if (legacy_layout && r->legacy[0])
        rv_sb_printf(&name, "%.12s.json", r->legacy);
    else if (r->is_model_list)
        rv_sb_printf(&name, "models-%s-%s.json", r->current,
                     r->models_digest[0] ? r->models_digest : "*");
    else
        rv_sb_printf(&name, "%s.json", r->current);
    return rv_sb_detach(&name);
}

static void fill_hashes(recval_hashes *out, const reqhash_result *r)
{
    out->request_kind = rv_reqhash_kind_str(r->kind);
    memcpy(out->current, r->current, sizeof out->current);
    memcpy(out->current_raw, r->current_raw, sizeof out->current_raw);
    memcpy(out->legacy, r->legacy, sizeof out->legacy);
    memcpy(out->older_fs_partial, r->older_fs_partial, sizeof out->older_fs_partial);
    memcpy(out->older_fs_none, r->older_fs_none, sizeof out->older_fs_none);
    out->is_model_list = r->is_model_list;
    memcpy(out->models_digest, r->models_digest, sizeof out->models_digest);
    out->unreproducible = r->unreproducible ? rv_xstrdup(r->reason) : NULL;
}

int rv_replay_load_error(const rv_file *f)
{
    const recval_diag *d = &f->diags[f->ndiags - 1];
    rv_set_error("%s: %s", f->path, d->message);
    return d->rule == rv_rule(RV_PARSE_UNREADABLE) || d->rule == rv_rule(RV_PARSE_TOO_LARGE)
               ? RECVAL_EIO
               : RECVAL_EINVAL;
}

recval_status recval_hash_file(const recval_validator *v, const char *path, recval_hashes *out)
{
    if (!v || !path || !out) {
        rv_set_error("recval_hash_file: NULL argument");
        return RECVAL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    rv_file f;
    if (rv_file_load(v, path, &f) < 0) {
        int rc = rv_replay_load_error(&f);
        rv_file_release(&f);
        return rc;
    }
    reqhash_result r;
    char *err = NULL;
    int rc = RECVAL_OK;
    if (rv_reqhash_compute(f.root, f.text, f.len, &r, &err) < 0) {
        rv_set_error("%s: %s", path, err ? err : "not a recording");
        rc = RECVAL_EINVAL;
    } else {
        fill_hashes(out, &r);
        out->path = rv_xstrdup(path);
        out->name_hash = f.name_hash[0] ? rv_xstrdup(f.name_hash) : NULL;
        out->matches = match_name(rv_reqhash_match_name(&r, f.base, NULL));
        out->expected_name = rv_replay_expected_name(&r, f.name_scheme == RV_NAME_HASH12);
    }
    free(err);
    rv_file_release(&f);
    return rc;
}

recval_status recval_hash_request(const recval_validator *v, const char *json, size_t len,
                                  const char *test_id, recval_hashes *out)
{
    if (!v || !json || !out) {
        rv_set_error("recval_hash_request: NULL argument");
        return RECVAL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    replay_request req;
    int rc = rv_replay_request_parse(v, json, len, test_id, &req);
    if (rc == RECVAL_OK) {
        fill_hashes(out, &req.hashes);
        out->expected_name = rv_replay_expected_name(&req.hashes, false);
    }
    rv_replay_request_free(&req);
    return rc;
}

void recval_hashes_free(recval_hashes *h)
{
    if (!h)
        return;
    free(h->path);
    free(h->name_hash);
    free(h->expected_name);
    free(h->unreproducible);
    memset(h, 0, sizeof *h);
}

/* --- directory helpers -------------------------------------------------- */

char *rv_replay_join_path(const char *dir, const char *rel)
{
    strbuf sb = STRBUF_INIT;
    if (rel[0] == '/') {
        rv_sb_puts(&sb, rel);
    } else {
        rv_sb_puts(&sb, dir);
        if (sb.len && sb.data[sb.len - 1] != '/')
            rv_sb_putc(&sb, '/');
        rv_sb_puts(&sb, rel);
    }
    return rv_sb_detach(&sb);
}

/* Path(test_id.split("::")[0]).parent / "recordings", under root. */
static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **rv_replay_list_dir(const char *dir, bool (*want)(const char *name, const void *ud),
                          const void *ud, size_t *n)
{
    char **paths = NULL;
    *n = 0;
    DIR *dp = opendir(dir);
    if (!dp)
        return NULL;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (!want(e->d_name, ud))
            continue;
        paths = rv_xrealloc(paths, (*n + 1) * sizeof *paths);
        paths[(*n)++] = rv_replay_join_path(dir, e->d_name);
    }
    closedir(dp);
    if (*n > 1)
        qsort(paths, *n, sizeof *paths, cmp_cstr);
    return paths;
}

void rv_replay_free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}
