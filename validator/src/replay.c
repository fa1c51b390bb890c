/* replay.c - the test harness's lookup of a request (`recval replay`): the
 * current scheme in the test's recording directory, then in the recording
 * dir, then the legacy scheme; model lists merge every
 * models-<hash>-*.json found. The request and its hashes come from
 * replay_request.c, the answer from replay_answer.c, the report of a miss
 * from replay_nearest.c. */
#include "replay.h"
#include "pyjson.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- where the harness looks ------------------------------------------- */

/* The directories of one lookup (heap strings; test_dir NULL without a
 * test id). */
typedef struct lookup_dirs {
    char *test_dir;     /* <root>/<directory of the test file>/recordings */
    char *fallback_dir; /* <recording dir>/recordings */
    char *legacy_dir;   /* <legacy recording dir>/responses */
} lookup_dirs;

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
    char *parent = slash == 0   ? rv_xstrdup(".")
                   : slash == 1 ? rv_xstrdup("/")
                                : rv_xstrndup(test_id, slash - 1);
    char *base = strcmp(parent, ".") == 0 ? rv_xstrdup(root) : rv_replay_join_path(root, parent);
    char *dir = rv_replay_join_path(base, "recordings");
    free(parent);
    free(base);
    return dir;
}

static void lookup_dirs_init(lookup_dirs *d, const recval_replay_options *o, const char *test_id)
{
    char *rec = o->recording_dir ? rv_replay_join_path(o->root, o->recording_dir)
                                 : rv_replay_join_path(o->root, "tests/integration/common");
    char *legacy = o->recording_dir ? rv_xstrdup(rec)
                                    : rv_replay_join_path(o->root, "tests/integration/recordings");
    d->test_dir = test_id && *test_id ? test_recordings_dir(o->root, test_id) : NULL;
    d->fallback_dir = rv_replay_join_path(rec, "recordings");
    d->legacy_dir = rv_replay_join_path(legacy, "responses");
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
    *list = rv_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = rv_xstrdup(path);
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
    char **paths = rv_replay_list_dir(dir, is_models_name, hash, &n);
    for (size_t i = 0; i < n; i++)
        if (is_file(paths[i]))
            push_path(&out->recordings, &out->nrecordings, paths[i]);
    rv_replay_free_list(paths, n);
}

static bool lookup_models(const lookup_dirs *d, const char *hash, recval_replay_result *out)
{
    const char *dirs[2];
    size_t n = current_dirs(d, dirs);
    for (size_t i = 0; i < n; i++) {
        strbuf pattern = STRBUF_INIT;
        rv_sb_printf(&pattern, "%s/models-%s-*.json", dirs[i], hash);
        push_path(&out->looked_at, &out->nlooked_at, pattern.data);
        rv_sb_free(&pattern);
        glob_models(dirs[i], hash, out);
    }
    return out->nrecordings > 0;
}

/* Looks at dir/name; on a hit it becomes the one recording. */
static bool look_at(const char *dir, const char *name, recval_replay_result *out)
{
    char *path = rv_replay_join_path(dir, name);
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
        out->recording = rv_xstrdup(out->recordings[0]);
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
    rv_pyjson_dumps(f->root, &text, NULL);
    json_object_object_foreach(mapping, normalized, original)
    {
        const char *from = json_object_get_string(original);
        if (!json_object_is_type(original, json_type_string) || !*from)
            continue;
        strbuf next = STRBUF_INIT;
        const char *p = text.data, *hit;
        while ((hit = strstr(p, from)) != NULL) {
            rv_sb_put(&next, p, (size_t)(hit - p));
            rv_sb_puts(&next, normalized);
            p = hit + strlen(from);
        }
        rv_sb_puts(&next, p);
        rv_sb_free(&text);
        text = next;
    }
    json_object *mapped = json_tokener_parse(text.data);
    rv_sb_free(&text);
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
    rv_file *files = rv_xcalloc(out->nrecordings, sizeof *files);
    int rc = RECVAL_OK;
    size_t loaded = 0;
    for (; loaded < out->nrecordings; loaded++) {
        if (rv_file_load(v, out->recordings[loaded], &files[loaded]) < 0) {
            rc = rv_replay_load_error(&files[loaded]);
            loaded++;
            break;
        }
        apply_id_mapping(&files[loaded]);
    }
    if (rc == RECVAL_OK)
        rv_replay_fill_answer(files, out->nrecordings, out);
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

recval_status recval_replay(const recval_validator *v, const char *json, size_t len,
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
    int rc = rv_replay_request_parse(v, json, len, opts->test_id, &req);
    if (rc == RECVAL_OK && req.hashes.kind == REQHASH_KIND_FILE_PROCESSOR) {
        rv_set_error("file-processor requests cannot be looked up: the hash their recorder names "
                     "files by is not known");
        rc = RECVAL_EINVAL;
    }
    if (rc != RECVAL_OK) {
        rv_replay_request_free(&req);
        return rc;
    }
    memcpy(out->hash, req.hashes.current, sizeof out->hash);
    memcpy(out->legacy_hash, req.hashes.legacy, sizeof out->legacy_hash);
    lookup_dirs d;
    lookup_dirs_init(&d, opts, rv_replay_test_id_string(req.test_id));
    out->found = lookup(&d, &req.hashes, out);
    if (out->found) {
        rc = read_answer(v, out);
    } else if (opts->max_nearest > 0) {
        char *dirs[3];
        size_t n = searched_dirs(&d, req.hashes.legacy[0] != '\0', dirs);
        rv_replay_find_nearest(v, &req, dirs, n, opts->max_nearest, out);
    }
    lookup_dirs_free(&d);
    rv_replay_request_free(&req);
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
    rv_replay_free_list(r->recordings, r->nrecordings);
    rv_replay_free_list(r->looked_at, r->nlooked_at);
    for (size_t i = 0; i < r->nchoices; i++)
        free_choice(&r->choices[i]);
    free(r->choices);
    free(r->usage_json);
    free(r->summary_json);
    free(r->exception_json);
    for (size_t i = 0; i < r->nnearest; i++)
        rv_replay_nearest_free(&r->nearest[i]);
    free(r->nearest);
    memset(r, 0, sizeof *r);
}
