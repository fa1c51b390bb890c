/* jsonschema_registry.c - schema documents and their identifiers. Indexes
 * every schema resource ($id), anchor ($anchor, $dynamicAnchor) and schema
 * location of a registered document, loads documents lazily from local
 * directories mapped to base URIs (never from the network), and resolves
 * references (JSON pointer fragments with percent-encoding, anchors). */
#include "jsonschema_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct js_doc {
    char *uri;
    json_object *root;
} js_doc;

/* URIs below `prefix` come from files below `dir`, or (dir NULL) from the
 * schema/ files compiled into the library below `bundle_dir`. */
typedef struct js_source {
    char *prefix;
    char *dir;
    char *bundle_dir;
} js_source;

/* What an absolute URI (or URI#anchor) in the index designates. */
typedef struct js_uri_entry {
    json_object *node;
    bool dynamic;
} js_uri_entry;

/* A growable array of owned pointers. */
typedef struct ptrvec {
    void **items;
    size_t len, cap;
} ptrvec;

struct js_registry {
    unsigned options;
    js_strmap uris; /* URI or URI#anchor -> js_uri_entry */
    js_ptrmap locs; /* schema node -> js_loc */
    ptrvec docs, sources, entries, loc_store, resinfos;
    unsigned anonymous_count;
    void *compiled; /* the compiler's storage, released by release_compiled */
    void (*release_compiled)(void *);
    const js_embedded_file *embedded; /* js_registry_set_embedded, borrowed */
    size_t nembedded;
};

static void vec_push(ptrvec *v, void *p)
{
    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 16;
        v->items = rv_xrealloc(v->items, v->cap * sizeof *v->items);
    }
    v->items[v->len++] = p;
}

js_registry *js_registry_new(unsigned options)
{
    js_registry *reg = rv_xcalloc(1, sizeof *reg);
    reg->options = options;
    return reg;
}

void js_registry_set_embedded(js_registry *reg, const js_embedded_file *files, size_t n)
{
    reg->embedded = files;
    reg->nembedded = n;
}

static void free_resinfo(js_resinfo *r)
{
    for (size_t i = 0; i < r->ndyn; i++)
        free(r->dyn_anchors[i].name);
    free(r->dyn_anchors);
    free(r->uri);
    free(r->schema_uri);
    free(r);
}

void js_registry_free(js_registry *reg)
{
    if (!reg)
        return;
    if (reg->release_compiled)
        reg->release_compiled(reg->compiled);
    for (size_t i = 0; i < reg->docs.len; i++) {
        js_doc *d = reg->docs.items[i];
        json_object_put(d->root);
        free(d->uri);
        free(d);
    }
    for (size_t i = 0; i < reg->sources.len; i++) {
        js_source *s = reg->sources.items[i];
        free(s->prefix);
        free(s->dir);
        free(s->bundle_dir);
        free(s);
    }
    for (size_t i = 0; i < reg->entries.len; i++)
        free(reg->entries.items[i]);
    for (size_t i = 0; i < reg->loc_store.len; i++) {
        js_loc *l = reg->loc_store.items[i];
        free(l->pointer);
        free(l);
    }
    for (size_t i = 0; i < reg->resinfos.len; i++)
        free_resinfo(reg->resinfos.items[i]);
    free(reg->docs.items);
    free(reg->sources.items);
    free(reg->entries.items);
    free(reg->loc_store.items);
    free(reg->resinfos.items);
    js_strmap_free(&reg->uris);
    js_ptrmap_free(&reg->locs);
    free(reg);
}

unsigned js_registry_options(const js_registry *reg)
{
    return reg->options;
}

void *js_registry_compiled(const js_registry *reg)
{
    return reg->compiled;
}

void js_registry_set_compiled(js_registry *reg, void *compiled, void (*release)(void *))
{
    reg->compiled = compiled;
    reg->release_compiled = release;
}

const js_loc *js_registry_loc(const js_registry *reg, json_object *node)
{
    return node ? js_ptrmap_get(&reg->locs, node) : NULL;
}

/* ---- indexing ------------------------------------------------------ */

/* Index entries of one document, committed only if the whole walk
 * succeeds so that a rejected document leaves no trace. */
typedef struct batch {
    js_registry *reg;
    js_strmap seen; /* URIs added by this batch */
    ptrvec uri_keys, uri_entries, locs, resinfos;
    char *err;
} batch;

static const char *string_member(json_object *obj, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(obj, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static int batch_add_uri(batch *b, const char *uri, json_object *node, bool dynamic)
{
    if (js_strmap_get(&b->reg->uris, uri) || js_strmap_get(&b->seen, uri)) {
        b->err = rv_sb_format("duplicate schema identifier \"%s\"", uri);
        return -1;
    }
    js_uri_entry *e = rv_xmalloc(sizeof *e);
    e->node = node;
    e->dynamic = dynamic;
    js_strmap_put(&b->seen, uri, e);
    vec_push(&b->uri_keys, rv_xstrdup(uri));
    vec_push(&b->uri_entries, e);
    return 0;
}

static void batch_add_loc(batch *b, json_object *node, js_resinfo *res, const strbuf *ptr)
{
    js_loc *l = rv_xmalloc(sizeof *l);
    l->res = res;
    l->pointer = rv_xstrdup(ptr->data ? ptr->data : "");
    vec_push(&b->locs, node);
    vec_push(&b->locs, l);
}

static js_resinfo *batch_new_resource(batch *b, const char *uri, json_object *root,
                                      const char *schema_uri)
{
    js_resinfo *r = rv_xcalloc(1, sizeof *r);
    r->uri = rv_xstrdup(uri);
    r->root = root;
    r->schema_uri = schema_uri ? rv_xstrdup(schema_uri) : NULL;
    vec_push(&b->resinfos, r);
    return r;
}

/* Resolves a subschema's $id against its parent resource. Returns the new
 * resource URI (heap), or NULL with b->err set. */
static char *resolve_id(batch *b, const char *base, const char *id)
{
    char *abs = js_uri_resolve(base, id);
    if (!abs) {
        b->err = rv_sb_format("invalid $id \"%s\"", id);
        return NULL;
    }
    char *hash = strchr(abs, '#');
    if (hash && hash[1] != '\0') {
        b->err = rv_sb_format("$id \"%s\" must not contain a non-empty fragment", id);
        free(abs);
        return NULL;
    }
    if (hash)
        *hash = '\0';
    return abs;
}

/* Registers res->uri#name for node; a schema may carry the same name as
 * both $anchor and $dynamicAnchor. */
static int index_anchor(batch *b, js_resinfo *res, json_object *node, const char *name,
                        bool dynamic)
{
    strbuf key = STRBUF_INIT;
    rv_sb_printf(&key, "%s#%s", res->uri, name);
    js_uri_entry *same = js_strmap_get(&b->seen, key.data);
    int rc = 0;
    if (same && same->node == node)
        same->dynamic |= dynamic;
    else
        rc = batch_add_uri(b, key.data, node, dynamic);
    rv_sb_free(&key);
    return rc;
}

static int index_anchors(batch *b, json_object *node, js_resinfo *res)
{
    const char *anchor = string_member(node, "$anchor");
    const char *dynamic = string_member(node, "$dynamicAnchor");
    if (anchor && index_anchor(b, res, node, anchor, false) < 0)
        return -1;
    if (!dynamic)
        return 0;
    if (index_anchor(b, res, node, dynamic, true) < 0)
        return -1;
    res->dyn_anchors = rv_xrealloc(res->dyn_anchors, (res->ndyn + 1) * sizeof *res->dyn_anchors);
    res->dyn_anchors[res->ndyn].name = rv_xstrdup(dynamic);
    res->dyn_anchors[res->ndyn++].node = node;
    return 0;
}

static int index_schema(batch *b, json_object *node, js_resinfo *res, strbuf *ptr, bool is_root);

static int index_child(batch *b, json_object *child, js_resinfo *res, strbuf *ptr, const char *tok1,
                       const char *tok2)
{
    size_t mark = ptr->len;
    rv_sb_putc(ptr, '/');
    rv_sb_put_pointer_token(ptr, tok1, strlen(tok1));
    if (tok2) {
        rv_sb_putc(ptr, '/');
        rv_sb_put_pointer_token(ptr, tok2, strlen(tok2));
    }
    int rc = index_schema(b, child, res, ptr, false);
    rv_sb_truncate(ptr, mark);
    return rc;
}

static int index_subschemas(batch *b, json_object *node, js_resinfo *res, strbuf *ptr)
{
    json_object_object_foreach(node, key, val)
    {
        js_shape shape = js_keyword_shape(key);
        int rc = 0;
        if (shape == JS_SHAPE_ONE) {
            rc = index_child(b, val, res, ptr, key, NULL);
        } else if (shape == JS_SHAPE_ARRAY && json_object_is_type(val, json_type_array)) {
            for (size_t i = 0, n = json_object_array_length(val); i < n && rc == 0; i++) {
                char idx[24];
                snprintf(idx, sizeof idx, "%zu", i);
                rc = index_child(b, json_object_array_get_idx(val, i), res, ptr, key, idx);
            }
        } else if (shape == JS_SHAPE_MAP && json_object_is_type(val, json_type_object)) {
            json_object_object_foreach(val, name, sub)
            {
                if (rc == 0)
                    rc = index_child(b, sub, res, ptr, key, name);
            }
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int index_schema(batch *b, json_object *node, js_resinfo *res, strbuf *ptr, bool is_root)
{
    if (json_object_is_type(node, json_type_boolean)) {
        batch_add_loc(b, node, res, ptr);
        return 0;
    }
    if (!json_object_is_type(node, json_type_object))
        return 0; /* not a schema: the compiler reports it if it is used */
    const char *id = is_root ? NULL : string_member(node, "$id");
    if (!id) {
        batch_add_loc(b, node, res, ptr);
        return index_anchors(b, node, res) < 0 ? -1 : index_subschemas(b, node, res, ptr);
    }
    char *uri = resolve_id(b, res->uri, id);
    if (!uri || batch_add_uri(b, uri, node, false) < 0) {
        free(uri);
        return -1;
    }
    const char *schema = string_member(node, "$schema");
    js_resinfo *sub = batch_new_resource(b, uri, node, schema ? schema : res->schema_uri);
    free(uri);
    strbuf sub_ptr = STRBUF_INIT;
    batch_add_loc(b, node, sub, &sub_ptr);
    int rc = index_anchors(b, node, sub) < 0 ? -1 : index_subschemas(b, node, sub, &sub_ptr);
    rv_sb_free(&sub_ptr);
    return rc;
}

static void batch_commit(batch *b)
{
    js_registry *reg = b->reg;
    for (size_t i = 0; i < b->uri_keys.len; i++) {
        js_strmap_put(&reg->uris, b->uri_keys.items[i], b->uri_entries.items[i]);
        vec_push(&reg->entries, b->uri_entries.items[i]);
        free(b->uri_keys.items[i]);
    }
    for (size_t i = 0; i < b->locs.len; i += 2) {
        js_ptrmap_put(&reg->locs, b->locs.items[i], b->locs.items[i + 1]);
        vec_push(&reg->loc_store, b->locs.items[i + 1]);
    }
    for (size_t i = 0; i < b->resinfos.len; i++)
        vec_push(&reg->resinfos, b->resinfos.items[i]);
}

static void batch_discard(batch *b)
{
    for (size_t i = 0; i < b->uri_keys.len; i++) {
        free(b->uri_keys.items[i]);
        free(b->uri_entries.items[i]);
    }
    for (size_t i = 1; i < b->locs.len; i += 2) {
        js_loc *l = b->locs.items[i];
        free(l->pointer);
        free(l);
    }
    for (size_t i = 0; i < b->resinfos.len; i++)
        free_resinfo(b->resinfos.items[i]);
}

static void batch_free(batch *b)
{
    js_strmap_free(&b->seen);
    free(b->uri_keys.items);
    free(b->uri_entries.items);
    free(b->locs.items);
    free(b->resinfos.items);
}

/* Indexes a document registered under `uri`; root $id (if any) names the
 * root resource too. */
static int index_document(js_registry *reg, const char *uri, json_object *root, char **err)
{
    batch b = {.reg = reg};
    const char *id =
        json_object_is_type(root, json_type_object) ? string_member(root, "$id") : NULL;
    char *canonical = id ? resolve_id(&b, uri, id) : rv_xstrdup(uri);
    int rc = -1;
    if (canonical && batch_add_uri(&b, uri, root, false) == 0 &&
        (strcmp(canonical, uri) == 0 || batch_add_uri(&b, canonical, root, false) == 0)) {
        const char *schema =
            json_object_is_type(root, json_type_object) ? string_member(root, "$schema") : NULL;
        js_resinfo *res = batch_new_resource(&b, canonical, root, schema);
        strbuf ptr = STRBUF_INIT;
        rc = index_schema(&b, root, res, &ptr, true);
        rv_sb_free(&ptr);
    }
    free(canonical);
    if (rc == 0) {
        batch_commit(&b);
    } else {
        batch_discard(&b);
        *err = rv_sb_format("%s: %s", uri, b.err ? b.err : "cannot index document");
    }
    free(b.err);
    batch_free(&b);
    return rc;
}

int js_registry_add_document(js_registry *reg, const char *uri, json_object *doc,
                             const char **uri_out, char **err)
{
    char anonymous[48];
    if (!uri) {
        snprintf(anonymous, sizeof anonymous, "urn:recval:anonymous:%u", ++reg->anonymous_count);
        uri = anonymous;
    }
    if (!js_uri_is_absolute(uri) || (strchr(uri, '#') && strchr(uri, '#')[1] != '\0')) {
        *err = rv_sb_format("document URI \"%s\" must be absolute and have no fragment", uri);
        return -1;
    }
    char *clean = js_uri_resolve(uri, ""); /* normalized, fragment dropped */
    if (js_strmap_get(&reg->uris, clean) || js_registry_loc(reg, doc)) {
        *err = rv_sb_format("document \"%s\" is already registered", clean);
        free(clean);
        return -1;
    }
    if (index_document(reg, clean, doc, err) < 0) {
        free(clean);
        return -1;
    }
    js_doc *d = rv_xmalloc(sizeof *d);
    d->uri = clean;
    d->root = json_object_get(doc);
    vec_push(&reg->docs, d);
    if (uri_out)
        *uri_out = d->uri;
    return 0;
}

/* ---- files and directories ----------------------------------------- */

int js_registry_add_file(js_registry *reg, const char *uri, const char *path, char **err)
{
    json_object *doc = js_load_json_file(path, err);
    if (!doc)
        return -1;
    char *file_uri = NULL;
    if (!uri) {
        char *real = realpath(path, NULL);
        strbuf sb = STRBUF_INIT;
        rv_sb_printf(&sb, "file://%s", real ? real : path);
        free(real);
        file_uri = rv_sb_detach(&sb);
    }
    int rc = js_registry_add_document(reg, uri ? uri : file_uri, doc, NULL, err);
    json_object_put(doc);
    free(file_uri);
    return rc;
}

static js_source *add_source(js_registry *reg, const char *base_uri, char **err)
{
    if (!js_uri_is_absolute(base_uri) || strchr(base_uri, '#')) {
        *err = rv_sb_format("base URI \"%s\" must be absolute and have no fragment", base_uri);
        return NULL;
    }
    js_source *s = rv_xcalloc(1, sizeof *s);
    s->prefix = rv_xstrdup(base_uri);
    vec_push(&reg->sources, s);
    return s;
}

int js_registry_add_dir(js_registry *reg, const char *base_uri, const char *dir, char **err)
{
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        *err = rv_sb_format("%s: not a directory", dir);
        return -1;
    }
    js_source *s = add_source(reg, base_uri, err);
    if (!s)
        return -1;
    s->dir = rv_xstrdup(dir);
    return 0;
}

int js_registry_add_bundle(js_registry *reg, const char *base_uri, const char *bundle_dir,
                           char **err)
{
    js_source *s = add_source(reg, base_uri, err);
    if (!s)
        return -1;
    s->bundle_dir = rv_xstrdup(bundle_dir);
    return 0;
}

int js_registry_add_metaschemas(js_registry *reg, const char *schema_dir, char **err)
{
    if (!schema_dir)
        return js_registry_add_bundle(reg, JS_DRAFT2020_12_BASE, "meta/draft2020-12", err);
    strbuf dir = STRBUF_INIT;
    rv_sb_printf(&dir, "%s/meta/draft2020-12", schema_dir);
    int rc = js_registry_add_dir(reg, JS_DRAFT2020_12_BASE, dir.data, err);
    rv_sb_free(&dir);
    return rc;
}

static bool is_regular_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Maps the part of a URI after a source prefix to a relative file path;
 * NULL if it could escape the directory or is not a plain path. */
static char *relative_path(const char *rest)
{
    size_t n;
    char *path = js_percent_decode(rest, strlen(rest), &n);
    if (!path || n == 0 || strlen(path) != n || path[0] == '/' || strpbrk(path, "?#\\")) {
        free(path);
        return NULL;
    }
    for (const char *seg = path; seg; seg = strchr(seg, '/') ? strchr(seg, '/') + 1 : NULL) {
        if (strncmp(seg, "..", 2) == 0 && (seg[2] == '/' || seg[2] == '\0')) {
            free(path);
            return NULL;
        }
    }
    return path;
}

/* Loads `uri` from file dir/rel (or dir/rel.json): 1 loaded, 0 none. */
static int load_from_dir(js_registry *reg, const char *uri, const js_source *s, const char *rel,
                         char **err)
{
    strbuf path = STRBUF_INIT;
    rv_sb_printf(&path, "%s/%s", s->dir, rel);
    if (!is_regular_file(path.data))
        rv_sb_puts(&path, ".json");
    int rc = 0;
    if (is_regular_file(path.data))
        rc = js_registry_add_file(reg, uri, path.data, err) == 0 ? 1 : -1;
    rv_sb_free(&path);
    return rc;
}

static const js_embedded_file *find_bundled(const js_registry *reg, const char *path)
{
    for (size_t i = 0; i < reg->nembedded; i++) {
        if (strcmp(reg->embedded[i].path, path) == 0)
            return &reg->embedded[i];
    }
    return NULL;
}

/* Loads `uri` from the compiled-in bundle_dir/rel (or .json): 1, 0, -1. */
static int load_from_bundle(js_registry *reg, const char *uri, const js_source *s, const char *rel,
                            char **err)
{
    strbuf path = STRBUF_INIT;
    rv_sb_printf(&path, "%s%s%s", s->bundle_dir, *s->bundle_dir ? "/" : "", rel);
    const js_embedded_file *f = find_bundled(reg, path.data);
    if (!f) {
        rv_sb_puts(&path, ".json");
        f = find_bundled(reg, path.data);
    }
    int rc = 0;
    if (f) {
        json_object *doc = js_parse_json_text((const char *)f->data, f->len, f->path, err);
        rc = doc && js_registry_add_document(reg, uri, doc, NULL, err) == 0 ? 1 : -1;
        json_object_put(doc);
    }
    rv_sb_free(&path);
    return rc;
}

/* Loads `uri` from a mapped source: 1 loaded, 0 nothing there, -1 error. */
static int load_from_sources(js_registry *reg, const char *uri, char **err)
{
    for (size_t i = 0; i < reg->sources.len; i++) {
        js_source *s = reg->sources.items[i];
        size_t plen = strlen(s->prefix);
        if (strncmp(uri, s->prefix, plen) != 0)
            continue;
        char *rel = relative_path(uri + plen);
        if (!rel)
            continue;
        int rc =
            s->dir ? load_from_dir(reg, uri, s, rel, err) : load_from_bundle(reg, uri, s, rel, err);
        free(rel);
        if (rc != 0)
            return rc;
    }
    return 0;
}

static void remember_loc(js_registry *reg, json_object *node, const js_loc *near,
                         const char *extra);

static json_object *lookup_uri(js_registry *reg, const char *uri, char **err)
{
    js_uri_entry *e = js_strmap_get(&reg->uris, uri);
    if (e)
        return e->node;
    int rc = load_from_sources(reg, uri, err);
    if (rc == 0)
        *err =
            rv_sb_format("no schema is registered for \"%s\" (network retrieval is disabled)", uri);
    if (rc <= 0)
        return NULL;
    e = js_strmap_get(&reg->uris, uri);
    return e ? e->node : NULL;
}

json_object *js_registry_lookup(js_registry *reg, const char *uri, char **err)
{
    return lookup_uri(reg, uri, err);
}

const js_loc *js_registry_child_loc(js_registry *reg, json_object *child, const js_loc *parent,
                                    const char *tok1, const char *tok2)
{
    const js_loc *known = js_registry_loc(reg, child);
    if (known || !child)
        return known;
    strbuf extra = STRBUF_INIT;
    rv_sb_putc(&extra, '/');
    rv_sb_put_pointer_token(&extra, tok1, strlen(tok1));
    if (tok2) {
        rv_sb_putc(&extra, '/');
        rv_sb_put_pointer_token(&extra, tok2, strlen(tok2));
    }
    remember_loc(reg, child, parent, extra.data);
    rv_sb_free(&extra);
    return js_registry_loc(reg, child);
}

/* ---- JSON pointers ------------------------------------------------- */

/* Decodes one pointer token (~0, ~1) in place; false if malformed. */
static bool unescape_token(char *tok)
{
    char *w = tok;
    for (char *r = tok; *r; r++) {
        if (*r == '~') {
            if (r[1] != '0' && r[1] != '1')
                return false;
            *w++ = r[1] == '0' ? '~' : '/';
            r++;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return true;
}

static json_object *pointer_step(json_object *cur, const char *tok)
{
    json_object *next = NULL;
    if (json_object_is_type(cur, json_type_object)) {
        json_object_object_get_ex(cur, tok, &next);
    } else if (json_object_is_type(cur, json_type_array)) {
        char *end;
        if (!*tok || (tok[0] == '0' && tok[1]) || tok[0] < '0' || tok[0] > '9')
            return NULL;
        unsigned long long i = strtoull(tok, &end, 10);
        if (*end || i >= json_object_array_length(cur))
            return NULL;
        next = json_object_array_get_idx(cur, (size_t)i);
    }
    return next;
}

/* Records where a node reached by pointer sits when the index walk did not
 * see it (a pointer into a non-schema keyword). */
static void remember_loc(js_registry *reg, json_object *node, const js_loc *near, const char *extra)
{
    js_loc *l = rv_xmalloc(sizeof *l);
    l->res = near->res;
    strbuf sb = STRBUF_INIT;
    rv_sb_printf(&sb, "%s%s", near->pointer, extra);
    l->pointer = rv_sb_detach(&sb);
    js_ptrmap_put(&reg->locs, node, l);
    vec_push(&reg->loc_store, l);
}

/* Follows decoded JSON pointer `ptr` from `root`. */
static json_object *follow_pointer(js_registry *reg, json_object *root, const char *ptr)
{
    char *copy = rv_xstrdup(ptr);
    json_object *cur = root;
    const js_loc *near = js_registry_loc(reg, root);
    strbuf extra = STRBUF_INIT;
    for (char *p = copy + 1; cur && p;) {
        char *slash = strchr(p, '/');
        if (slash)
            *slash = '\0';
        if (!unescape_token(p)) {
            cur = NULL;
            break;
        }
        cur = pointer_step(cur, p);
        const js_loc *l = js_registry_loc(reg, cur);
        if (l) {
            near = l;
            rv_sb_truncate(&extra, 0);
        } else {
            rv_sb_putc(&extra, '/');
            rv_sb_put_pointer_token(&extra, p, strlen(p));
        }
        p = slash ? slash + 1 : NULL;
    }
    if (cur && near && extra.len && !js_registry_loc(reg, cur))
        remember_loc(reg, cur, near, extra.data);
    rv_sb_free(&extra);
    free(copy);
    return cur;
}

int js_registry_resolve(js_registry *reg, const char *base, const char *ref, js_target *out,
                        char **err)
{
    char *abs = js_uri_resolve(base, ref);
    if (!abs) {
        *err = rv_sb_format("invalid reference \"%s\"", ref);
        return -1;
    }
    const char *frag;
    char *uri = js_uri_split_fragment(abs, &frag);
    json_object *root = lookup_uri(reg, uri, err);
    int rc = root ? 0 : -1;
    size_t n;
    char *decoded = root && frag ? js_percent_decode(frag, strlen(frag), &n) : NULL;
    out->node = root;
    out->dynamic_anchor = false;
    if (root && frag && !decoded) {
        *err = rv_sb_format("invalid percent-encoding in \"%s\"", ref);
        rc = -1;
    } else if (decoded && decoded[0] == '/') {
        out->node = follow_pointer(reg, root, decoded);
        if (!out->node) {
            *err = rv_sb_format("\"%s\" does not exist (resolved to %s)", ref, abs);
            rc = -1;
        }
    } else if (decoded && decoded[0] != '\0') {
        strbuf key = STRBUF_INIT;
        rv_sb_printf(&key, "%s#%s", uri, decoded);
        js_uri_entry *e = js_strmap_get(&reg->uris, key.data);
        rv_sb_free(&key);
        if (e) {
            out->node = e->node;
            out->dynamic_anchor = e->dynamic;
        } else {
            *err = rv_sb_format("anchor \"%s\" is not defined in %s", decoded, uri);
            rc = -1;
        }
    }
    free(decoded);
    free(uri);
    free(abs);
    return rc;
}
