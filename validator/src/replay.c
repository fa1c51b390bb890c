/* replay.c - the request hashes of a recording or a bare request, with
 * what its file name matches (`recval hash`), and the test harness's
 * lookup of a request (`recval replay`): the current scheme in the test's
 * recording directory, then in the recording dir, then the legacy scheme;
 * model lists merge every models-<hash>-*.json found. The answer is built
 * in replay_answer.c, the report of a miss in replay_nearest.c. */
#include "replay.h"
#include "pyjson.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- the request --------------------------------------------------------- */

const char *replay_test_id_string(json_object *test_id)
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
    if (reqhash_compute_request(out->request, out->test_id, &out->hashes, &err) < 0) {
        rv_set_error("the request cannot be hashed: %s", err ? err : "unknown shape");
        free(err);
        return RECVAL_EINVAL;
    }
    if (whole_recording && out->hashes.is_model_list &&
        reqhash_models_digest(out->file.root, out->hashes.models_digest) < 0)
        out->hashes.models_digest[0] = '\0';
    reqhash_scan_unreproducible(out->file.text, out->file.len, whole_recording, &out->hashes);
    return RECVAL_OK;
}

int replay_request_parse(const recval_validator *v, const char *json, size_t len,
                         const char *test_id, replay_request *out)
{
    memset(out, 0, sizeof *out);
    char *text = xmalloc(len + 1);
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

void replay_request_free(replay_request *r)
{
    rv_file_release(&r->file);
    json_object_put(r->test_id);
    memset(r, 0, sizeof *r);
}

char *replay_endpoint_key(json_object *request)
{
    strbuf key = STRBUF_INIT;
    const char *tool = rv_get_string(request, "tool_name");
    const char *endpoint = rv_get_string(request, "endpoint");
    const char *url = rv_get_string(request, "url");
    if (tool) {
        const char *provider = rv_get_string(request, "provider");
        sb_printf(&key, "tool %s/%s", provider ? provider : "", tool);
    } else if (endpoint && !rv_has(request, "payload")) {
        sb_printf(&key, "%s", endpoint);
    } else if (url) {
        strbuf netloc = STRBUF_INIT;
        sb_puts(&key, rv_has(request, "payload") ? "http " : "");
        reqhash_urlparse(url, strlen(url), &netloc, &key);
        sb_free(&netloc);
    } else {
        return NULL;
    }
    return sb_detach(&key);
}

json_object *replay_hashed_body(json_object *request)
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
    return m == REQHASH_MATCH_NONE ? NULL : reqhash_match_name_str(m);
}

char *replay_expected_name(const reqhash_result *r, bool legacy_layout)
{
    strbuf name = STRBUF_INIT;
    if (!r->current[0])
        return NULL;
    if (legacy_layout && r->legacy[0])
        sb_printf(&name, "%.12s.json", r->legacy);
    else if (r->is_model_list)
        sb_printf(&name, "models-%s-%s.json", r->current,
                  r->models_digest[0] ? r->models_digest : "*");
    else
        sb_printf(&name, "%s.json", r->current);
    return sb_detach(&name);
}

static void fill_hashes(recval_hashes *out, const reqhash_result *r)
{
    out->request_kind = reqhash_kind_str(r->kind);
    memcpy(out->current, r->current, sizeof out->current);
    memcpy(out->current_raw, r->current_raw, sizeof out->current_raw);
    memcpy(out->legacy, r->legacy, sizeof out->legacy);
    memcpy(out->older_fs_partial, r->older_fs_partial, sizeof out->older_fs_partial);
    memcpy(out->older_fs_none, r->older_fs_none, sizeof out->older_fs_none);
    out->is_model_list = r->is_model_list;
    memcpy(out->models_digest, r->models_digest, sizeof out->models_digest);
    out->unreproducible = r->unreproducible ? xstrdup(r->reason) : NULL;
}

/* The status of a failed load: the file could not be read, or is not JSON. */
static int load_error(const rv_file *f)
{
    const recval_diag *d = &f->diags[f->ndiags - 1];
    rv_set_error("%s: %s", f->path, d->message);
    return d->rule == rv_rule(RV_PARSE_UNREADABLE) || d->rule == rv_rule(RV_PARSE_TOO_LARGE)
               ? RECVAL_EIO
               : RECVAL_EINVAL;
}

int recval_hash_file(const recval_validator *v, const char *path, recval_hashes *out)
{
    if (!v || !path || !out) {
        rv_set_error("recval_hash_file: NULL argument");
        return RECVAL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    rv_file f;
    if (rv_file_load(v, path, &f) < 0) {
        int rc = load_error(&f);
        rv_file_release(&f);
        return rc;
    }
    reqhash_result r;
    char *err = NULL;
    int rc = RECVAL_OK;
    if (reqhash_compute(f.root, f.text, f.len, &r, &err) < 0) {
        rv_set_error("%s: %s", path, err ? err : "not a recording");
        rc = RECVAL_EINVAL;
    } else {
        fill_hashes(out, &r);
        out->path = xstrdup(path);
        out->name_hash = f.name_hash[0] ? xstrdup(f.name_hash) : NULL;
        out->matches = match_name(reqhash_match_name(&r, f.base, NULL));
        out->expected_name = replay_expected_name(&r, f.name_scheme == RV_NAME_HASH12);
    }
    free(err);
    rv_file_release(&f);
    return rc;
}

int recval_hash_request(const recval_validator *v, const char *json, size_t len,
                        const char *test_id, recval_hashes *out)
{
    if (!v || !json || !out) {
        rv_set_error("recval_hash_request: NULL argument");
        return RECVAL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    replay_request req;
    int rc = replay_request_parse(v, json, len, test_id, &req);
    if (rc == RECVAL_OK) {
        fill_hashes(out, &req.hashes);
        out->expected_name = replay_expected_name(&req.hashes, false);
    }
    replay_request_free(&req);
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

/* --- where the harness looks ------------------------------------------- */

/* The directories of one lookup (heap strings; test_dir NULL without a
 * test id). */
typedef struct lookup_dirs {
    char *test_dir;     /* <root>/<directory of the test file>/recordings */
    char *fallback_dir; /* <recording dir>/recordings */
    char *legacy_dir;   /* <legacy recording dir>/responses */
} lookup_dirs;

static char *join(const char *dir, const char *rel)
{
    strbuf sb = STRBUF_INIT;
    if (rel[0] == '/') {
        sb_puts(&sb, rel);
    } else {
        sb_puts(&sb, dir);
        if (sb.len && sb.data[sb.len - 1] != '/')
            sb_putc(&sb, '/');
        sb_puts(&sb, rel);
    }
    return sb_detach(&sb);
}

/* Path(test_id.split("::")[0]).parent / "recordings", under root. */
static char *test_recordings_dir(const char *root, const char *test_id)
{
    const char *sep = strstr(test_id, "::");
    size_t n = sep ? (size_t)(sep - test_id) : strlen(test_id);
    while (n > 1 && test_id[n - 1] == '/')
        n--;
    size_t slash = n;
    while (slash > 0 && test_id[slash - 1] != '/')
        slash--;
    /* slash is one past the last '/', 0 when there is none */
    char *parent = slash == 0   ? xstrdup(".")
                   : slash == 1 ? xstrdup("/")
                                : xstrndup(test_id, slash - 1);
    char *base = strcmp(parent, ".") == 0 ? xstrdup(root) : join(root, parent);
    char *dir = join(base, "recordings");
    free(parent);
    free(base);
    return dir;
}

static void lookup_dirs_init(lookup_dirs *d, const recval_replay_options *o, const char *test_id)
{
    char *rec = o->recording_dir ? join(o->root, o->recording_dir)
                                 : join(o->root, "tests/integration/common");
    char *legacy = o->recording_dir ? xstrdup(rec) : join(o->root, "tests/integration/recordings");
    d->test_dir = test_id && *test_id ? test_recordings_dir(o->root, test_id) : NULL;
    d->fallback_dir = join(rec, "recordings");
    d->legacy_dir = join(legacy, "responses");
    free(rec);
    free(legacy);
}

static void lookup_dirs_free(lookup_dirs *d)
{
    free(d->test_dir);
    free(d->fallback_dir);
    free(d->legacy_dir);
}

static void push_path(char ***list, size_t *n, const char *path)
{
    *list = xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = xstrdup(path);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The current-scheme directories in lookup order, without repeats. */
static size_t current_dirs(const lookup_dirs *d, const char *dirs[2])
{
    size_t n = 0;
    if (d->test_dir)
        dirs[n++] = d->test_dir;
    if (n == 0 || strcmp(dirs[0], d->fallback_dir) != 0)
        dirs[n++] = d->fallback_dir;
    return n;
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char **replay_list_dir(const char *dir, bool (*want)(const char *name, const void *ud),
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
        paths = xrealloc(paths, (*n + 1) * sizeof *paths);
        paths[(*n)++] = join(dir, e->d_name);
    }
    closedir(dp);
    if (*n > 1)
        qsort(paths, *n, sizeof *paths, cmp_cstr);
    return paths;
}

void replay_free_list(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* models-<hash>-<8 hex>.json for the hash at ud. */
static bool is_models_name(const char *b, const void *hash)
{
    return strlen(b) == 7 + 64 + 1 + 8 + 5 && strncmp(b, "models-", 7) == 0 &&
           memcmp(b + 7, hash, 64) == 0 && b[71] == '-' && rv_is_hex(b + 72, 8) &&
           strcmp(b + 80, ".json") == 0;
}

/* Adds the dir/models-<hash>-*.json files, sorted, to the recordings. */
static void glob_models(const char *dir, const char *hash, recval_replay_result *out)
{
    size_t n;
    char **paths = replay_list_dir(dir, is_models_name, hash, &n);
    for (size_t i = 0; i < n; i++)
        if (is_file(paths[i]))
            push_path(&out->recordings, &out->nrecordings, paths[i]);
    replay_free_list(paths, n);
}

static bool lookup_models(const lookup_dirs *d, const char *hash, recval_replay_result *out)
{
    const char *dirs[2];
    size_t n = current_dirs(d, dirs);
    for (size_t i = 0; i < n; i++) {
        strbuf pattern = STRBUF_INIT;
        sb_printf(&pattern, "%s/models-%s-*.json", dirs[i], hash);
        push_path(&out->looked_at, &out->nlooked_at, pattern.data);
        sb_free(&pattern);
        glob_models(dirs[i], hash, out);
    }
    return out->nrecordings > 0;
}

/* Looks at dir/name; on a hit it becomes the one recording. */
static bool look_at(const char *dir, const char *name, recval_replay_result *out)
{
    char *path = join(dir, name);
    push_path(&out->looked_at, &out->nlooked_at, path);
    bool hit = is_file(path);
    if (hit)
        push_path(&out->recordings, &out->nrecordings, path);
    free(path);
    return hit;
}

static bool lookup_current(const lookup_dirs *d, const char *hash, recval_replay_result *out)
{
    const char *dirs[2];
    size_t n = current_dirs(d, dirs);
    char name[64 + 6];
    snprintf(name, sizeof name, "%s.json", hash);
    for (size_t i = 0; i < n; i++)
        if (look_at(dirs[i], name, out))
            return true;
    return false;
}

static bool lookup_legacy(const lookup_dirs *d, const char *legacy, recval_replay_result *out)
{
    char name[12 + 6];
    snprintf(name, sizeof name, "%.12s.json", legacy);
    return look_at(d->legacy_dir, name, out);
}

/* Runs the harness's lookup, filling looked_at, recordings and scheme. */
static bool lookup(const lookup_dirs *d, const reqhash_result *h, recval_replay_result *out)
{
    bool hit =
        h->is_model_list ? lookup_models(d, h->current, out) : lookup_current(d, h->current, out);
    if (hit) {
        out->scheme = "current";
        memcpy(out->hash, h->current, sizeof out->hash);
    } else if (h->legacy[0] && lookup_legacy(d, h->legacy, out)) {
        out->scheme = "legacy";
        memcpy(out->hash, h->legacy, sizeof out->hash);
        hit = true;
    }
    if (hit)
        out->recording = xstrdup(out->recordings[0]);
    return hit;
}

/* --- what the harness reads -------------------------------------------- */

/* The harness rewrites a recording through its id_normalization_mapping
 * (normalized id -> original) before use: every original in the text of
 * json.dumps(data) becomes the normalized id. (Key order differs from
 * Python's, which only matters to a match across members.) */
static void apply_id_mapping(rv_file *f)
{
    json_object *mapping = rv_get_object(f->root, "id_normalization_mapping");
    if (!mapping || json_object_object_length(mapping) == 0)
        return;
    strbuf text = STRBUF_INIT;
    pyjson_dumps(f->root, &text, NULL);
    json_object_object_foreach(mapping, normalized, original)
    {
        const char *from = json_object_get_string(original);
        if (!json_object_is_type(original, json_type_string) || !*from)
            continue;
        strbuf next = STRBUF_INIT;
        const char *p = text.data, *hit;
        while ((hit = strstr(p, from)) != NULL) {
            sb_put(&next, p, (size_t)(hit - p));
            sb_puts(&next, normalized);
            p = hit + strlen(from);
        }
        sb_puts(&next, p);
        sb_free(&text);
        text = next;
    }
    json_object *mapped = json_tokener_parse(text.data);
    sb_free(&text);
    if (!mapped)
        return; /* the harness would fail to read it back; keep what the file says */
    json_object_object_add(mapped, "id_normalization_mapping", json_object_new_object());
    json_object_put(f->root);
    f->root = mapped;
    rv_classify(f);
}

/* Loads every recording found and builds the answer. */
static int read_answer(const recval_validator *v, recval_replay_result *out)
{
    rv_file *files = xcalloc(out->nrecordings, sizeof *files);
    int rc = RECVAL_OK;
    size_t loaded = 0;
    for (; loaded < out->nrecordings; loaded++) {
        if (rv_file_load(v, out->recordings[loaded], &files[loaded]) < 0) {
            rc = load_error(&files[loaded]);
            loaded++;
            break;
        }
        apply_id_mapping(&files[loaded]);
    }
    if (rc == RECVAL_OK)
        replay_fill_answer(files, out->nrecordings, out);
    for (size_t i = 0; i < loaded; i++)
        rv_file_release(&files[i]);
    free(files);
    return rc;
}

/* The directories a miss report searches: those looked in, existing. */
static size_t searched_dirs(const lookup_dirs *d, bool legacy, char *dirs[3])
{
    char *all[3] = {d->test_dir, d->fallback_dir, legacy ? d->legacy_dir : NULL};
    size_t n = 0;
    struct stat st;
    for (size_t i = 0; i < 3; i++) {
        bool seen = false;
        for (size_t k = 0; k < n; k++)
            seen = seen || strcmp(dirs[k], all[i] ? all[i] : "") == 0;
        if (all[i] && !seen && stat(all[i], &st) == 0 && S_ISDIR(st.st_mode))
            dirs[n++] = all[i];
    }
    return n;
}

int recval_replay(const recval_validator *v, const char *json, size_t len,
                  const recval_replay_options *opts, recval_replay_result *out)
{
    if (!v || !json || !opts || !out || !opts->root || !*opts->root) {
        rv_set_error("recval_replay: NULL argument or no root");
        return RECVAL_EINVAL;
    }
    memset(out, 0, sizeof *out);
    struct stat st;
    if (stat(opts->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
        rv_set_error("%s: the root is not a directory", opts->root);
        return RECVAL_EINVAL;
    }
    replay_request req;
    int rc = replay_request_parse(v, json, len, opts->test_id, &req);
    if (rc == RECVAL_OK && req.hashes.kind == REQHASH_KIND_FILE_PROCESSOR) {
        rv_set_error("file-processor requests cannot be looked up: the hash their recorder names "
                     "files by is not known");
        rc = RECVAL_EINVAL;
    }
    if (rc != RECVAL_OK) {
        replay_request_free(&req);
        return rc;
    }
    memcpy(out->hash, req.hashes.current, sizeof out->hash);
    memcpy(out->legacy_hash, req.hashes.legacy, sizeof out->legacy_hash);
    lookup_dirs d;
    lookup_dirs_init(&d, opts, replay_test_id_string(req.test_id));
    out->found = lookup(&d, &req.hashes, out);
    if (out->found) {
        rc = read_answer(v, out);
    } else if (opts->max_nearest > 0) {
        char *dirs[3];
        size_t n = searched_dirs(&d, req.hashes.legacy[0] != '\0', dirs);
        replay_find_nearest(v, &req, dirs, n, opts->max_nearest, out);
    }
    lookup_dirs_free(&d);
    replay_request_free(&req);
    return rc;
}

static void free_choice(recval_choice *c)
{
    free(c->content);
    free(c->finish_reason);
    for (size_t k = 0; k < c->ntool_calls; k++) {
        free(c->tool_calls[k].id);
        free(c->tool_calls[k].name);
        free(c->tool_calls[k].arguments);
    }
    free(c->tool_calls);
}

void recval_replay_result_free(recval_replay_result *r)
{
    if (!r)
        return;
    free(r->recording);
    replay_free_list(r->recordings, r->nrecordings);
    replay_free_list(r->looked_at, r->nlooked_at);
    for (size_t i = 0; i < r->nchoices; i++)
        free_choice(&r->choices[i]);
    free(r->choices);
    free(r->usage_json);
    free(r->summary_json);
    free(r->exception_json);
    for (size_t i = 0; i < r->nnearest; i++)
        replay_nearest_free(&r->nearest[i]);
    free(r->nearest);
    memset(r, 0, sizeof *r);
}
