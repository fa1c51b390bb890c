/* jsonschema_compile.c - turns indexed schema documents into immutable
 * js_schema graphs: one js_schema per schema location (cached, so $ref
 * cycles close on themselves), dialect/vocabulary selection from $schema,
 * dynamic-anchor tables per resource, and rollback of a failed compile so
 * that no half-built schema is ever reachable. */
#include "jsonschema_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define DRAFT2020_12_SCHEMA JS_DRAFT2020_12_BASE "schema"
#define VOCAB_PREFIX JS_DRAFT2020_12_BASE "vocab/"

int js_cc_error(js_cc *c, const char *location, const char *keyword, const char *fmt, ...)
{
    if (c->err)
        return -1;
    strbuf sb = STRBUF_INIT;
    rv_sb_puts(&sb, location);
    if (keyword) {
        rv_sb_putc(&sb, '/');
        rv_sb_put_pointer_token(&sb, keyword, strlen(keyword));
    }
    rv_sb_puts(&sb, ": ");
    va_list ap;
    va_start(ap, fmt);
    rv_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    c->err = rv_sb_detach(&sb);
    return -1;
}

/* ---- dialects ------------------------------------------------------ */

static unsigned vocabulary_bit(const char *uri)
{
    static const struct {
        const char *name;
        unsigned bit;
    } vocabs[] = {
        {"core", JS_V_CORE},
        {"applicator", JS_V_APPLICATOR},
        {"unevaluated", JS_V_UNEVALUATED},
        {"validation", JS_V_VALIDATION},
        {"meta-data", JS_V_METADATA},
        {"format-annotation", JS_V_FORMAT},
        {"content", JS_V_CONTENT},
    };
    if (strncmp(uri, VOCAB_PREFIX, strlen(VOCAB_PREFIX)) != 0)
        return 0;
    for (size_t i = 0; i < sizeof vocabs / sizeof vocabs[0]; i++) {
        if (strcmp(uri + strlen(VOCAB_PREFIX), vocabs[i].name) == 0)
            return vocabs[i].bit;
    }
    return 0;
}

/* Reads the $vocabulary of the metaschema at `uri` into *out. */
static int metaschema_vocabulary(js_cc *c, const char *where, const char *uri, unsigned *out)
{
    char *why = NULL;
    json_object *meta = js_registry_lookup(c->reg, uri, &why), *vocab;
    if (!meta) {
        js_cc_error(c, where, "$schema",
                    "unsupported dialect \"%s\" (only draft 2020-12 is supported): %s", uri, why);
        free(why);
        return -1;
    }
    if (!json_object_is_type(meta, json_type_object) ||
        !json_object_object_get_ex(meta, "$vocabulary", &vocab) ||
        !json_object_is_type(vocab, json_type_object))
        return js_cc_error(c, where, "$schema", "metaschema \"%s\" declares no $vocabulary", uri);
    unsigned bits = JS_V_CORE;
    json_object_object_foreach(vocab, name, required)
    {
        unsigned bit = vocabulary_bit(name);
        if (!bit && strcmp(name, VOCAB_PREFIX "format-assertion") == 0 &&
            !json_object_get_boolean(required))
            bit = JS_V_FORMAT; /* optional: format stays an annotation */
        if (!bit && json_object_get_boolean(required))
            return js_cc_error(c, where, "$schema",
                               "metaschema \"%s\" requires vocabulary \"%s\", which is not "
                               "supported",
                               uri, name);
        bits |= bit;
    }
    *out = bits;
    return 0;
}

/* Vocabulary bits in effect for schemas of resource `res`; errors are
 * reported at the resource's $schema. */
static int resource_vocabulary(js_cc *c, js_resinfo *res, unsigned *out)
{
    if (!res->vocab_known) {
        unsigned bits = JS_V_ALL;
        if (res->schema_uri) {
            strbuf where = STRBUF_INIT;
            rv_sb_printf(&where, "%s#", res->uri);
            char *uri = rv_xstrndup(res->schema_uri, strcspn(res->schema_uri, "#"));
            const char *frag = strchr(res->schema_uri, '#');
            int rc = 0;
            if (frag && frag[1] != '\0')
                rc = js_cc_error(c, where.data, "$schema", "\"%s\" must not have a fragment",
                                 res->schema_uri);
            else if (strcmp(uri, DRAFT2020_12_SCHEMA) != 0)
                rc = metaschema_vocabulary(c, where.data, uri, &bits);
            free(uri);
            rv_sb_free(&where);
            if (rc < 0)
                return -1;
        }
        res->vocab = bits;
        res->vocab_known = true;
    }
    *out = res->vocab;
    return 0;
}

/* ---- storage ------------------------------------------------------- */

static void push_schema(js_compiled *out, js_schema *s)
{
    if (out->nschemas == out->cap_schemas) {
        out->cap_schemas = out->cap_schemas ? out->cap_schemas * 2 : 64;
        out->schemas = rv_xrealloc(out->schemas, out->cap_schemas * sizeof *out->schemas);
    }
    out->schemas[out->nschemas++] = s;
    js_ptrmap_put(&out->by_node, s->json, s);
}

static void push_resource(js_compiled *out, js_resinfo *info, js_resource *r)
{
    if (out->nresources == out->cap_resources) {
        out->cap_resources = out->cap_resources ? out->cap_resources * 2 : 16;
        out->resources = rv_xrealloc(out->resources, out->cap_resources * sizeof *out->resources);
    }
    out->resources[out->nresources++] = r;
    js_ptrmap_put(&out->by_res, info, r);
}

static void free_schema(js_schema *s)
{
    for (size_t i = 0; i < s->nkw; i++)
        js_kw_free(&s->kws[i]);
    free(s->kws);
    free(s->location);
    free(s);
}

static void free_resource(js_resource *r)
{
    for (size_t i = 0; i < r->nanchors; i++)
        free(r->anchor_names[i]);
    free(r->anchor_names);
    free(r->anchor_schemas);
    free(r->uri);
    free(r);
}

/* Frees everything created after the first keep_* entries and rebuilds
 * the lookup maps from what survives. */
static void rollback(js_compiled *out, size_t keep_schemas, size_t keep_resources)
{
    for (size_t i = keep_schemas; i < out->nschemas; i++)
        free_schema(out->schemas[i]);
    for (size_t i = keep_resources; i < out->nresources; i++)
        free_resource(out->resources[i]);
    out->nschemas = keep_schemas;
    out->nresources = keep_resources;
    js_ptrmap_free(&out->by_node);
    js_ptrmap_free(&out->by_res);
    for (size_t i = 0; i < out->nschemas; i++)
        js_ptrmap_put(&out->by_node, out->schemas[i]->json, out->schemas[i]);
    for (size_t i = 0; i < out->nresources; i++)
        js_ptrmap_put(&out->by_res, out->resources[i]->info, out->resources[i]);
}

static void free_compiled(void *p)
{
    js_compiled *c = p;
    for (size_t i = 0; i < c->nschemas; i++)
        free_schema(c->schemas[i]);
    for (size_t i = 0; i < c->nresources; i++)
        free_resource(c->resources[i]);
    free(c->schemas);
    free(c->resources);
    js_ptrmap_free(&c->by_node);
    js_ptrmap_free(&c->by_res);
    free(c);
}

/* The registry's compiled schemas, created on the first compile. */
static js_compiled *compiled_of(js_registry *reg)
{
    js_compiled *c = js_registry_compiled(reg);
    if (!c) {
        c = rv_xcalloc(1, sizeof *c);
        js_registry_set_compiled(reg, c, free_compiled);
    }
    return c;
}

/* ---- compiling ----------------------------------------------------- */

static bool is_schema_value(json_object *v)
{
    return json_object_is_type(v, json_type_object) || json_object_is_type(v, json_type_boolean);
}

static const js_schema *compile_schema(js_cc *c, json_object *node, const js_loc *loc);

/* The js_resource of `info`, built on first use together with the
 * schemas of all its dynamic anchors ($dynamicRef looks them up while
 * validating, so they must exist before any schema of the resource runs). */
static const js_resource *get_resource(js_cc *c, js_resinfo *info)
{
    js_resource *r = js_ptrmap_get(&c->out->by_res, info);
    if (r)
        return r;
    r = rv_xcalloc(1, sizeof *r);
    r->uri = rv_xstrdup(info->uri);
    r->info = info;
    r->nanchors = info->ndyn;
    r->anchor_names = rv_xcalloc(info->ndyn, sizeof *r->anchor_names);
    r->anchor_schemas = rv_xcalloc(info->ndyn, sizeof *r->anchor_schemas);
    for (size_t i = 0; i < info->ndyn; i++)
        r->anchor_names[i] = rv_xstrdup(info->dyn_anchors[i].name);
    push_resource(c->out, info, r);
    for (size_t i = 0; i < info->ndyn; i++) {
        json_object *node = info->dyn_anchors[i].node;
        r->anchor_schemas[i] = compile_schema(c, node, js_registry_loc(c->reg, node));
        if (!r->anchor_schemas[i])
            return NULL;
    }
    return r;
}

const js_schema *js_resource_dynamic_anchor(const js_resource *res, const char *name)
{
    for (size_t i = 0; i < res->nanchors; i++) {
        if (strcmp(res->anchor_names[i], name) == 0)
            return res->anchor_schemas[i];
    }
    return NULL;
}

static js_schema *new_schema(js_cc *c, json_object *node, const js_loc *loc)
{
    js_schema *s = rv_xcalloc(1, sizeof *s);
    s->json = node;
    s->location = rv_sb_format("%s#%s", loc->res->uri, loc->pointer);
    push_schema(c->out, s);
    return s;
}

static const js_schema *compile_schema(js_cc *c, json_object *node, const js_loc *loc)
{
    js_schema *s = node ? js_ptrmap_get(&c->out->by_node, node) : NULL;
    if (s)
        return s;
    bool is_bool = json_object_is_type(node, json_type_boolean);
    if (!loc || (!is_bool && !json_object_is_type(node, json_type_object))) {
        /* callers check first; this guards against an unindexed node */
        js_cc_error(c, loc ? loc->res->uri : "schema", NULL,
                    "not a schema (expected an object or a boolean)");
        return NULL;
    }
    s = new_schema(c, node, loc);
    s->resource = get_resource(c, loc->res);
    if (!s->resource)
        return NULL;
    if (is_bool) {
        s->is_bool = true;
        s->bool_value = json_object_get_boolean(node);
        return s;
    }
    unsigned vocab;
    if (resource_vocabulary(c, loc->res, &vocab) < 0 || js_build_keywords(c, s, loc, vocab) < 0)
        return NULL;
    return s;
}

const js_schema *js_cc_child(js_cc *c, const js_schema *parent, const js_loc *parent_loc,
                             json_object *child, const char *tok1, const char *tok2)
{
    const js_loc *loc = js_registry_child_loc(c->reg, child, parent_loc, tok1, tok2);
    if (!loc || !is_schema_value(child)) {
        js_cc_error(c, parent->location, tok1,
                    "%s%s%s is not a schema (expected an object or a boolean)",
                    tok2 ? "entry \"" : "value", tok2 ? tok2 : "", tok2 ? "\"" : "");
        return NULL;
    }
    return compile_schema(c, child, loc);
}

const js_schema *js_cc_reference(js_cc *c, const js_schema *s, const js_loc *loc,
                                 const char *keyword, const char *ref, bool *dynamic_anchor)
{
    js_target t;
    char *why = NULL;
    if (js_registry_resolve(c->reg, loc->res->uri, ref, &t, &why) < 0) {
        js_cc_error(c, s->location, keyword, "cannot resolve \"%s\": %s", ref, why);
        free(why);
        return NULL;
    }
    if (!is_schema_value(t.node)) {
        js_cc_error(c, s->location, keyword, "\"%s\" is not a schema (an object or a boolean)",
                    ref);
        return NULL;
    }
    if (dynamic_anchor)
        *dynamic_anchor = t.dynamic_anchor;
    return compile_schema(c, t.node, js_registry_loc(c->reg, t.node));
}

const js_schema *js_compile_node(js_registry *reg, json_object *node, char **err)
{
    js_cc c = {reg, compiled_of(reg), NULL};
    size_t keep_schemas = c.out->nschemas, keep_resources = c.out->nresources;
    const js_schema *s = compile_schema(&c, node, js_registry_loc(reg, node));
    if (!s || c.err) {
        rollback(c.out, keep_schemas, keep_resources);
        if (err)
            *err = c.err ? c.err : rv_xstrdup("schema compilation failed");
        else
            free(c.err);
        return NULL;
    }
    for (size_t i = keep_schemas; i < c.out->nschemas; i++)
        js_prepare_fast(c.out->schemas[i]);
    js_prepare_passes(c.out->schemas + keep_schemas, c.out->nschemas - keep_schemas);
    js_prepare_may_search(c.out->schemas + keep_schemas, c.out->nschemas - keep_schemas);
    return s;
}

const js_schema *js_compile(js_registry *reg, const char *uri, char **err)
{
    js_target t;
    if (!js_uri_is_absolute(uri)) {
        *err = rv_sb_format("schema URI \"%s\" must be absolute", uri);
        return NULL;
    }
    if (js_registry_resolve(reg, uri, uri, &t, err) < 0)
        return NULL;
    if (!is_schema_value(t.node)) {
        *err = rv_sb_format("\"%s\" is not a schema (an object or a boolean)", uri);
        return NULL;
    }
    return js_compile_node(reg, t.node, err);
}

const js_schema *js_compile_document(js_registry *reg, const char *uri, json_object *doc,
                                     char **err)
{
    const char *registered;
    if (js_registry_add_document(reg, uri, doc, &registered, err) < 0)
        return NULL;
    return js_compile(reg, registered, err);
}

const char *js_schema_location(const js_schema *schema)
{
    return schema->location;
}
