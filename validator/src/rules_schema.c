/* rules_schema.c - the schema family: the whole file against
 * schema/recording.schema.json (schema/recording) and each envelope's
 * __data__ against the schema that schema/types.json names for its __type__
 * (schema/data). The schemas are compiled once per validator, here, and
 * only read while files are checked, so checks stay thread-safe. A file
 * that breaks a schema badly is reported up to SCHEMA_DIAGS_MAX errors per
 * rule, then summed up in one more diagnostic. */
#include "recval_internal.h"
#include "jsonschema.h"
#include "rules_schema.h"
#include "schema_bundle.h"
#include "stream.h"

#include <json-c/linkhash.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RECORDING_SCHEMA_URI RV_SCHEMA_BASE_URI "recording.schema.json"
#define TYPES_FILE "types.json"

/* One line of types.json, compiled. */
struct rv_type_schema {
    char *type_name;
    const js_schema *schema;
};

/* --- compiling (once per validator) -------------------------------- */

static json_object *load_types_json(char **err)
{
    for (size_t i = 0; i < rv_schema_bundle_count; i++)
        if (strcmp(rv_schema_bundle[i].path, TYPES_FILE) == 0)
            return js_parse_json_text((const char *)rv_schema_bundle[i].data,
                                      rv_schema_bundle[i].len, TYPES_FILE, err);
    *err = rv_xstrdup(TYPES_FILE " is not in the schema bundle");
    return NULL;
}

/* Compiles the schema of every __type__ that types.json lists. */
static int compile_type_schemas(recval_validator *v, char **err)
{
    json_object *doc = load_types_json(err);
    json_object *types = rv_get_object(doc, "types");
    if (!types) {
        if (!*err)
            *err = rv_xstrdup(TYPES_FILE ": no \"types\" object");
        json_object_put(doc);
        return -1;
    }
    v->type_schemas =
        rv_xcalloc((size_t)json_object_object_length(types) + 1, sizeof *v->type_schemas);
    json_object_object_foreach(types, name, uri)
    {
        const js_schema *s = json_object_is_type(uri, json_type_string)
                                 ? js_compile(v->schema_registry, json_object_get_string(uri), err)
                                 : NULL;
        if (!s) {
            if (!*err)
                *err = rv_xstrdup(TYPES_FILE ": a schema URI is not a string");
            json_object_put(doc);
            return -1;
        }
        v->type_schemas[v->ntype_schemas++] = (struct rv_type_schema){rv_xstrdup(name), s};
    }
    json_object_put(doc);
    return 0;
}

int rv_schemas_new(recval_validator *v)
{
    char *err = NULL;
    v->schema_registry = rv_schema_registry_new(0);
    if (rv_schema_registry_add_own(v->schema_registry, &err) != 0 ||
        !(v->recording_schema = js_compile(v->schema_registry, RECORDING_SCHEMA_URI, &err)) ||
        compile_type_schemas(v, &err) != 0) {
        rv_set_error("cannot compile recval's schemas: %s", err ? err : "unknown error");
        free(err);
        return -1;
    }
    return 0;
}

void rv_schemas_free(recval_validator *v)
{
    for (size_t i = 0; i < v->ntype_schemas; i++)
        free(v->type_schemas[i].type_name);
    free(v->type_schemas);
    js_registry_free(v->schema_registry);
    v->type_schemas = NULL;
    v->ntype_schemas = 0;
    v->schema_registry = NULL;
    v->recording_schema = NULL;
}

/* --- reporting ----------------------------------------------------- */

/* A schema error waiting to be reported: the schema rules run last and
 * leave out what another rule of the file already reports. */
typedef struct pending {
    rv_rule_id rule;
    char *pointer;
    char *message;
    size_t repeats; /* how many later errors repeat it (the same keyword
                       failing at the same place of another body item) */
    bool quiet;     /* another rule reports it or one of its repeats */
} pending;

/* The provider deviations schema/provider-deviation knows (below). */
enum { DEVIATION_COUNT = 3 };

/* The rules whose errors wait here, each with its own cap. */
enum { SLOT_RECORDING, SLOT_DATA, SLOT_DEVIATION, SLOT_COUNT };

typedef struct pending_list {
    pending *items;
    size_t count, cap;
    size_t kept[SLOT_COUNT]; /* errors kept per rule (repeats are counted, not kept) */
    bool cut[SLOT_COUNT];    /* SCHEMA_PENDING_MAX reached */
    /* The kept errors inside a body item, by rule, keyword and place in
     * the item: a repeat is found here and counted on the first. */
    struct lh_table *groups;
    /* Per deviation, whether every item of the file carries it: 0 not yet
     * known, 1 yes, 2 no. Found once per file, not once per error (a
     * stream would make that quadratic). */
    unsigned char consistent[DEVIATION_COUNT];
} pending_list;

/* Errors of one rule kept per file to decide which are new (the first
 * SCHEMA_DIAGS_MAX of those are reported). */
#define SCHEMA_PENDING_MAX 1000

static size_t rule_slot(rv_rule_id rule)
{
    return rule == RV_SCHEMA_RECORDING ? SLOT_RECORDING
           : rule == RV_SCHEMA_DATA    ? SLOT_DATA
                                       : SLOT_DEVIATION;
}

/* --- schema/provider-deviation ------------------------------------- */

/* A provider's habit that breaks the OpenAI reference schema of a type
 * but that clients tolerate (docs/providers.md): when the only thing wrong
 * at `member` of the __data__ is the value `value` (JSON text), and every
 * item of the body carries that same value there, it is reported as
 * schema/provider-deviation instead of schema/data. */
static const struct deviation {
    const char *type_name;
    const char *member; /* pointer under __data__ */
    const char *value;  /* JSON text */
    const char *reference, *provider;
} deviations[DEVIATION_COUNT] = {
    {"openai.types.completion.Completion", "/object", "\"text.completion\"", "\"text_completion\"",
     "Together (completions)"},
    {"openai.types.completion.Completion", "/object", "\"completion.chunk\"", "\"text_completion\"",
     "Together (streamed completions)"},
    {"openai.types.create_embedding_response.CreateEmbeddingResponse", "/usage", "null",
     "a usage object", "Together (embeddings)"},
};

static bool same_json(json_object *v, const char *text)
{
    return strcmp(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), text) == 0;
}

/* The member of __data__ a deviation names ("/object" -> "object"). */
static json_object *deviation_member(json_object *data, const struct deviation *d)
{
    json_object *v = NULL;
    return json_object_object_get_ex(data, d->member + 1, &v) ? v : NULL;
}

/* True when every item of the body carries the deviation's value: a habit
 * is consistent across the file; one item that differs is corruption. */
static bool deviation_consistent(const rv_file *f, const struct deviation *d)
{
    size_t n =
        json_object_is_type(f->body, json_type_array) ? json_object_array_length(f->body) : 1;
    for (size_t i = 0; i < n; i++) {
        json_object *data = rv_body_data(f, i);
        json_object *v = NULL;
        if (!data || !json_object_object_get_ex(data, d->member + 1, &v) || !same_json(v, d->value))
            return false;
    }
    return true;
}

/* The deviation that explains a schema error at `where` (under __data__)
 * of an item of type type_name, or NULL; l remembers which deviations the
 * whole file carries. */
static const struct deviation *find_deviation(const rv_file *f, pending_list *l,
                                              const char *type_name, json_object *data,
                                              const char *where)
{
    for (size_t i = 0; i < DEVIATION_COUNT; i++) {
        const struct deviation *d = &deviations[i];
        if (strcmp(d->type_name, type_name) != 0 || strcmp(d->member, where) != 0 ||
            !json_object_object_get_ex(data, d->member + 1, NULL) ||
            !same_json(deviation_member(data, d), d->value))
            continue;
        if (l->consistent[i] == 0)
            l->consistent[i] = deviation_consistent(f, d) ? 1 : 2;
        if (l->consistent[i] == 1)
            return d;
    }
    return NULL;
}

/* --- tool parameters with a Python type name ----------------------- */

/* The JSON Schema type a Python-ish type name means, or NULL. */
static const char *json_type_for(const char *name)
{
    static const char *const map[][2] = {
        {"str", "string"},  {"bool", "boolean"},  {"int", "integer"},     {"float", "number"},
        {"dict", "object"}, {"list", "array"},    {"None", "null"},       {"NoneType", "null"},
        {"tuple", "array"}, {"String", "string"}, {"Integer", "integer"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i][0], name) == 0)
            return map[i][1];
    return NULL;
}

static bool is_json_schema_type(const char *name)
{
    static const char *const types[] = {"array",  "boolean", "integer", "null",
                                        "number", "object",  "string"};
    return rv_str_in(types, sizeof types / sizeof types[0], name);
}

/* When ptr is a "type" inside the parameters of a request tool
 * (/request/body/tools/<n>/function/parameters/.../type) and holds a
 * string that is not a JSON Schema type, writes a message naming the tool,
 * the parameter and the type meant, and returns true. */
static bool explain_tool_param_type(const rv_file *f, const char *ptr, strbuf *msg)
{
    static const char prefix[] = "/request/body/tools/";
    int tool = -1, used = 0;
    if (!ptr || strncmp(ptr, prefix, sizeof prefix - 1) != 0 ||
        sscanf(ptr + sizeof prefix - 1, "%d/function/parameters%n", &tool, &used) < 1 || !used ||
        !rv_ends_with(ptr, "/type"))
        return false;
    json_object *v = NULL;
    if (json_pointer_get(f->root, ptr, &v) != 0 || !json_object_is_type(v, json_type_string) ||
        is_json_schema_type(json_object_get_string(v)))
        return false;
    const char *param_path = ptr + sizeof prefix - 1 + used; /* "/properties/x/type" */
    size_t plen = strlen(param_path) - strlen("/type");
    const char *last = NULL;
    for (const char *q = param_path; (q = strstr(q, "/properties/")) && q < param_path + plen; q++)
        last = q + strlen("/properties/");
    json_object *fn = rv_get_object(
        json_object_array_get_idx(rv_get_array(f->request_body, "tools"), (size_t)tool),
        "function");
    const char *tool_name = rv_get_string(fn, "name");
    const char *type = json_object_get_string(v), *meant = json_type_for(type);
    rv_sb_printf(msg, "tool %s declares ", tool_name ? tool_name : "(unnamed)");
    if (last)
        rv_sb_printf(msg, "parameter %.*s", (int)(param_path + plen - last), last);
    else if (plen == 0)
        rv_sb_puts(msg, "its parameters object");
    else
        rv_sb_printf(msg, "its parameters (at %.*s)", (int)plen, param_path);
    rv_sb_printf(msg, " with type \"%s\", which is not a JSON Schema type", type);
    if (meant)
        rv_sb_printf(msg, " (did you mean \"%s\"?)", meant);
    return true;
}

/* A pattern recval's schema could not evaluate: reported at once, as
 * schema/pattern-error, never as a failure of the rule. */
static void emit_pattern_error(rv_file *f, const js_error *e, const char *prefix)
{
    strbuf ptr = STRBUF_INIT;
    rv_sb_printf(&ptr, "%s%s", prefix, e->instance_location);
    rv_emit(f, RV_SCHEMA_PATTERN_ERROR, ptr.data, "%s (schema: %s)", e->message,
            e->absolute_keyword_location);
    rv_sb_free(&ptr);
}

bool rv_ptr_at_or_under(const char *ptr, const char *base)
{
    size_t n = strlen(base);
    return strncmp(ptr, base, n) == 0 && (ptr[n] == '\0' || ptr[n] == '/');
}

/* True when the diagnostic at `reported` (another rule's) already tells of
 * the schema error at `ptr`: the same value, the __data__ of an item whose
 * __type__ it reports (data is read by its type), or the body when it
 * reports is_streaming (the body's shape follows the flag). */
static bool tells_of(const char *reported, const char *ptr)
{
    if (strcmp(reported, ptr) == 0)
        return true;
    if (strcmp(reported, "/response/is_streaming") == 0)
        return strcmp(ptr, "/response/body") == 0;
    size_t n = strlen(reported), t = strlen("/__type__");
    if (n < t || strcmp(reported + n - t, "/__type__") != 0)
        return false;
    char data[RV_PTR_MAX];
    snprintf(data, sizeof data, "%.*s/__data__", (int)(n - t), reported);
    return rv_ptr_at_or_under(ptr, data);
}

static bool reported_elsewhere(const rv_file *f, const char *ptr)
{
    for (size_t i = 0; i < f->ndiags; i++) {
        const recval_rule *r = f->diags[i].rule;
        if (r != rv_rule(RV_SCHEMA_DATA) && r != rv_rule(RV_SCHEMA_RECORDING) &&
            r != rv_rule(RV_SCHEMA_PROVIDER_DEVIATION) && tells_of(f->diags[i].pointer, ptr))
            return true;
    }
    return false;
}

/* Where the part of a pointer after its body item starts: after
 * "/response/body/<n>", or 0 when it lies in no item of a list body. */
static size_t after_item(const char *ptr)
{
    static const char body[] = "/response/body/";
    size_t n = sizeof body - 1, i = n;
    if (strncmp(ptr, body, n) != 0)
        return 0;
    while (ptr[i] >= '0' && ptr[i] <= '9')
        i++;
    return i > n && (ptr[i] == '/' || ptr[i] == '\0') ? i : 0;
}

/* The message of an error, and the rule it is kept under: a known
 * provider deviation, the tool-parameter type explained, or the engine's
 * own words. */
static rv_rule_id describe_error(rv_file *f, pending_list *l, rv_rule_id rule,
                                 json_object *instance, const char *ptr, const js_error *e,
                                 const char *type_name, strbuf *msg)
{
    const struct deviation *d =
        type_name ? find_deviation(f, l, type_name, instance, e->instance_location) : NULL;
    if (rule == RV_SCHEMA_RECORDING && explain_tool_param_type(f, ptr, msg))
        return rule;
    if (d) {
        rv_sb_printf(msg,
                     "%s is %s where the OpenAI reference has %s: a habit of %s, the same in "
                     "every item of the file; clients do not dispatch on it (docs/providers.md)",
                     d->member + 1, d->value, d->reference, d->provider);
        return RV_SCHEMA_PROVIDER_DEVIATION;
    }
    rv_sb_printf(msg, "%s (schema: %s)", e->message, e->absolute_keyword_location);
    return rule;
}

static void free_group_key(struct lh_entry *e)
{
    rv_free_const(lh_entry_k(e));
}

/* The group key of an error inside a body item: its rule, the failing
 * keyword and its place in the item; NULL outside the items. */
static char *group_key(rv_rule_id rule, const js_error *e, const char *ptr)
{
    size_t x = after_item(ptr);
    return x ? rv_sb_format("%d %s %s", (int)rule, e->absolute_keyword_location, ptr + x) : NULL;
}

/* Counts an error that repeats a kept one on `group`'s earlier item;
 * false when it repeats none. */
static bool count_repeat(pending_list *l, const char *key, bool told)
{
    void *k = NULL;
    if (!key || !l->groups || !lh_table_lookup_ex(l->groups, key, &k))
        return false;
    pending *leader = &l->items[(uintptr_t)k];
    leader->repeats++;
    leader->quiet |= told;
    return true;
}

/* Keeps a new error (its pointer and message taken), unless its rule
 * already has SCHEMA_PENDING_MAX. */
static void keep_error(pending_list *l, rv_rule_id rule, char *key, char *ptr, char *msg, bool told)
{
    size_t slot = rule_slot(rule);
    if (l->kept[slot] == SCHEMA_PENDING_MAX) {
        l->cut[slot] = true;
        free(key), free(ptr), free(msg);
        return;
    }
    if (l->count == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->items = rv_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    if (key) {
        if (!l->groups)
            l->groups = lh_kchar_table_new(64, free_group_key);
        lh_table_insert(l->groups, key, (void *)(uintptr_t)l->count);
    }
    l->items[l->count++] = (pending){.rule = rule, .pointer = ptr, .message = msg, .quiet = told};
    l->kept[slot]++;
}

/* Keeps the errors of `instance`, which is not valid against `schema`;
 * `prefix` is the instance's pointer in the file. An error another rule
 * already reports makes its group quiet; one that repeats a kept error
 * on another body item is counted on it. For __data__ (type_name not
 * NULL), errors a known provider deviation explains are kept as
 * schema/provider-deviation. */
static void collect_errors(rv_file *f, pending_list *l, rv_rule_id rule, const js_schema *schema,
                           json_object *instance, const char *prefix, const char *type_name)
{
    js_error_list list = JS_ERROR_LIST_INIT;
    js_validate_collect(schema, instance, SCHEMA_PENDING_MAX + 1, &list);
    for (size_t i = 0; i < list.count; i++) {
        const js_error *e = &list.items[i];
        if (e->pattern_error) {
            emit_pattern_error(f, e, prefix);
            continue;
        }
        strbuf msg = STRBUF_INIT;
        char *ptr = rv_sb_format("%s%s", prefix, e->instance_location);
        rv_rule_id kept_as = describe_error(f, l, rule, instance, ptr, e, type_name, &msg);
        bool told = reported_elsewhere(f, ptr);
        char *key = group_key(kept_as, e, ptr);
        if (count_repeat(l, key, told)) {
            free(key);
            free(ptr);
            rv_sb_free(&msg);
            continue;
        }
        keep_error(l, kept_as, key, ptr, rv_sb_detach(&msg), told);
    }
    if (list.count > SCHEMA_PENDING_MAX)
        l->cut[rule_slot(rule)] = true;
    js_error_list_free(&list);
}

/* Reports the first SCHEMA_DIAGS_MAX new errors of `rule`, then how many
 * more there are. */
static void emit_rule(rv_file *f, const pending_list *l, rv_rule_id rule, const char *summary_ptr)
{
    size_t shown = 0, more = 0;
    for (size_t i = 0; i < l->count; i++) {
        const pending *p = &l->items[i];
        if (p->rule != rule || p->quiet)
            continue;
        if (shown == SCHEMA_DIAGS_MAX) {
            more++;
            continue;
        }
        if (p->repeats)
            rv_emit(f, rule, p->pointer, "%s; the same in %zu later item%s", p->message, p->repeats,
                    p->repeats == 1 ? "" : "s");
        else
            rv_emit(f, rule, p->pointer, "%s", p->message);
        shown++;
    }
    const char *name = rv_rule(rule)->name;
    if (l->cut[rule_slot(rule)])
        rv_emit(f, rule, summary_ptr,
                "further %s errors are not listed: the file has over %d (at most %d are "
                "reported per file)",
                name, SCHEMA_PENDING_MAX, SCHEMA_DIAGS_MAX);
    else if (more > 0)
        rv_emit(f, rule, summary_ptr,
                "%zu more %s error%s not listed (at most %d are reported per file)", more, name,
                more == 1 ? " is" : "s are", SCHEMA_DIAGS_MAX);
}

static void pending_free(pending_list *l)
{
    for (size_t i = 0; i < l->count; i++) {
        free(l->items[i].pointer);
        free(l->items[i].message);
    }
    free(l->items);
    if (l->groups)
        lh_table_free(l->groups);
}

/* --- schema/recording ---------------------------------------------- */

static void check_recording(rv_file *f, pending_list *l)
{
    if (!js_is_valid(f->validator->recording_schema, f->root))
        collect_errors(f, l, RV_SCHEMA_RECORDING, f->validator->recording_schema, f->root, "",
                       NULL);
}

/* --- schema/data --------------------------------------------------- */

/* The compiled schema of a __type__, NULL when types.json lacks it.
 * Streams repeat one type, so the previous answer is tried first. */
static const js_schema *type_schema(const recval_validator *v, const char *type_name, size_t *last)
{
    if (*last < v->ntype_schemas && strcmp(v->type_schemas[*last].type_name, type_name) == 0)
        return v->type_schemas[*last].schema;
    for (size_t i = 0; i < v->ntype_schemas; i++)
        if (strcmp(v->type_schemas[i].type_name, type_name) == 0) {
            *last = i;
            return v->type_schemas[i].schema;
        }
    return NULL;
}

/* Checks one body item when it is an envelope of a known __type__:
 * item `index` of a list body, or the body itself when `list` is false.
 * Pointers are only made for data that fails. */
static void check_item(rv_file *f, pending_list *l, size_t *last_type, json_object *item, bool list,
                       size_t index)
{
    const char *type_name = rv_get_string(item, "__type__");
    json_object *data = rv_get_object(item, "__data__");
    if (!type_name || !data)
        return;
    const js_schema *schema = type_schema(f->validator, type_name, last_type);
    if (!schema || js_is_valid(schema, data))
        return; /* no schema: envelope/unknown-type's business */
    char prefix[RV_PTR_MAX];
    if (list)
        rv_ptr(prefix, "/response/body/%zu/__data__", index);
    else
        rv_ptr(prefix, "/response/body/__data__");
    collect_errors(f, l, RV_SCHEMA_DATA, schema, data, prefix, type_name);
}

static void check_data(rv_file *f, pending_list *l)
{
    size_t last_type = 0;
    json_object *body = f->body;
    if (json_object_is_type(body, json_type_array)) {
        size_t n = json_object_array_length(body);
        for (size_t i = 0; i < n; i++)
            check_item(f, l, &last_type, json_object_array_get_idx(body, i), true, i);
    } else if (json_object_is_type(body, json_type_object)) {
        check_item(f, l, &last_type, body, false, 0);
    }
}

void rv_check_schema(rv_file *f)
{
    if (!f->root)
        return;
    pending_list l = {0};
    check_recording(f, &l);
    check_data(f, &l);
    if (l.count > 0) {
        emit_rule(f, &l, RV_SCHEMA_RECORDING, "");
        emit_rule(f, &l, RV_SCHEMA_DATA, "/response/body");
        emit_rule(f, &l, RV_SCHEMA_PROVIDER_DEVIATION, "/response/body");
    }
    pending_free(&l);
}
