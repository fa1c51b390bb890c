/* jsonschema_keywords.c - the compile-time builders that check each keyword's value and turn it
 * into a js_kw (precomputed limits, name tables, compiled patterns, resolved references). Keywords
 * outside the table are rejected unless the registry allows unknown keywords; keywords of
 * vocabularies the dialect does not enable are ignored, as the specification requires. Once a
 * compile succeeds, js_prepare_fast, js_prepare_passes and js_prepare_may_search derive the
 * evaluator's shortcuts from the finished keywords. */
#include "jsonschema_impl.h"
#include "jsonschema_keyword_table.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Everything one schema object's builders share. */
typedef struct kwctx {
    js_cc *c;
    js_schema *s;
    const js_loc *loc;
    json_object *val[K_COUNT];
    bool has[K_COUNT];
    js_kw out[JS_OP_COUNT];
    size_t n;
} kwctx;

static int fail(kwctx *k, kw_id id, const char *what)
{
    return js_cc_error(k->c, k->s->location, js_keywords[id].name, "%s", what);
}

static js_kw *emit(kwctx *k, js_op op, kw_id id, unsigned types)
{
    js_kw *kw = &k->out[k->n++];
    memset(kw, 0, sizeof *kw);
    kw->op = op;
    kw->types = types;
    kw->name = js_keywords[id].name;
    kw->name_len = strlen(js_keywords[id].name);
    return kw;
}

static const js_schema *child(kwctx *k, kw_id id, json_object *v, const char *tok2)
{
    return js_cc_child(k->c, k->s, k->loc, v, js_keywords[id].name, tok2);
}

static void make_name(js_name *n, const char *s, size_t len)
{
    n->str = rv_xstrndup(s, len);
    n->len = len;
    n->hash = js_hash_bytes(s, len);
}

/* Reads a non-negative integer (1.0 counts as 1); huge values saturate. */
static bool read_count(json_object *v, uint64_t *out)
{
    js_num n;
    if (!(js_type_bits(v) & JS_T_INTEGER) || !js_num_get(v, &n))
        return false;
    if (n.kind == JS_NUM_INT)
        *out = (uint64_t)n.i;
    else if (n.kind == JS_NUM_UINT)
        *out = n.u;
    else
        *out = n.d >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)n.d;
    return n.kind == JS_NUM_UINT || (n.kind == JS_NUM_INT ? n.i >= 0 : n.d >= 0);
}

static bool is_string_array(json_object *v)
{
    if (!json_object_is_type(v, json_type_array))
        return false;
    for (size_t i = 0, n = json_object_array_length(v); i < n; i++) {
        if (!json_object_is_type(json_object_array_get_idx(v, i), json_type_string))
            return false;
    }
    return true;
}

static js_name *names_of(json_object *arr, size_t *count)
{
    *count = json_object_array_length(arr);
    js_name *names = rv_xcalloc(*count, sizeof *names);
    for (size_t i = 0; i < *count; i++) {
        json_object *s = json_object_array_get_idx(arr, i);
        make_name(&names[i], json_object_get_string(s), (size_t)json_object_get_string_len(s));
    }
    return names;
}

/* ---- property tables ----------------------------------------------- */

long js_propmap_find(const js_propmap *pm, const char *name, size_t len, uint32_t hash)
{
    if (!pm->count)
        return -1;
    for (size_t i = hash & pm->mask;; i = (i + 1) & pm->mask) {
        uint32_t slot = pm->slots[i];
        if (!slot)
            return -1;
        const js_name *n = &pm->names[slot - 1];
        if (n->hash == hash && n->len == len && memcmp(n->str, name, len) == 0)
            return (long)slot - 1;
    }
}

/* Builds a name -> schema table from an object of schemas. */
static int build_propmap(kwctx *k, kw_id id, js_propmap *pm)
{
    json_object *obj = k->val[id];
    if (!json_object_is_type(obj, json_type_object))
        return fail(k, id, "must be an object of schemas");
    size_t n = (size_t)json_object_object_length(obj), cap = 4;
    while (cap < n * 2)
        cap *= 2;
    pm->names = rv_xcalloc(n, sizeof *pm->names);
    pm->schemas = rv_xcalloc(n, sizeof *pm->schemas);
    pm->slots = rv_xcalloc(cap, sizeof *pm->slots);
    pm->mask = cap - 1;
    json_object_object_foreach(obj, name, sub)
    {
        js_name *nm = &pm->names[pm->count];
        make_name(nm, name, strlen(name));
        size_t i = nm->hash & pm->mask;
        while (pm->slots[i])
            i = (i + 1) & pm->mask;
        pm->slots[i] = (uint32_t)++pm->count;
        pm->schemas[pm->count - 1] = child(k, id, sub, name);
        if (!pm->schemas[pm->count - 1])
            return -1;
    }
    return 0;
}

static void free_propmap(js_propmap *pm)
{
    for (size_t i = 0; i < pm->count; i++)
        free(pm->names[i].str);
    free(pm->names);
    free(pm->schemas);
    free(pm->slots);
    free(pm->required);
}

/* ---- validation keywords ------------------------------------------- */

static unsigned type_bit(const char *name)
{
    static const char *const names[] = {"null",   "boolean", "integer", "number",
                                        "string", "array",   "object"};
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i], name) == 0)
            return 1u << i; /* same order as JS_T_* */
    }
    return 0;
}

static int build_type(kwctx *k)
{
    json_object *v = k->val[K_TYPE];
    unsigned mask = 0;
    if (json_object_is_type(v, json_type_string)) {
        mask = type_bit(json_object_get_string(v));
    } else if (is_string_array(v) && json_object_array_length(v) > 0) {
        for (size_t i = 0, n = json_object_array_length(v); i < n; i++) {
            unsigned bit = type_bit(json_object_get_string(json_object_array_get_idx(v, i)));
            mask = bit ? mask | bit : 0;
            if (!bit)
                break;
        }
    }
    if (!mask)
        return fail(k, K_TYPE, "must be a type name or a non-empty array of type names");
    emit(k, JS_OP_TYPE, K_TYPE, 0)->u.type_mask = mask;
    return 0;
}

static int build_enum(kwctx *k)
{
    json_object *v = k->val[K_ENUM];
    if (!json_object_is_type(v, json_type_array))
        return fail(k, K_ENUM, "must be an array");
    js_kw *kw = emit(k, JS_OP_ENUM, K_ENUM, 0);
    size_t n = json_object_array_length(v);
    kw->u.enumeration.count = n;
    kw->u.enumeration.json = v;
    kw->u.enumeration.values = rv_xcalloc(n, sizeof(json_object *));
    kw->u.enumeration.hashes = rv_xcalloc(n, sizeof(uint64_t));
    kw->u.enumeration.strings = rv_xcalloc(n, sizeof(const char *));
    kw->u.enumeration.lengths = rv_xcalloc(n, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        json_object *value = json_object_array_get_idx(v, i);
        kw->u.enumeration.values[i] = value;
        kw->u.enumeration.hashes[i] = js_json_hash(value);
        bool is_string = json_object_is_type(value, json_type_string);
        kw->u.enumeration.strings[i] = is_string ? json_object_get_string(value) : NULL;
        kw->u.enumeration.lengths[i] =
            is_string ? (size_t)json_object_get_string_len(value) : SIZE_MAX;
    }
    return 0;
}

static int build_limit(kwctx *k, kw_id id, js_op op)
{
    js_num n;
    if (!js_num_get(k->val[id], &n))
        return fail(k, id, "must be a number");
    js_kw *kw = emit(k, op, id, JS_T_NUMBER);
    kw->u.limit.num = n;
    kw->u.limit.json = k->val[id];
    return 0;
}

static int build_multiple_of(kwctx *k)
{
    js_num n, zero = {.kind = JS_NUM_INT};
    if (!js_num_get(k->val[K_MULTIPLE_OF], &n) || js_num_cmp(&n, &zero) <= 0 ||
        (n.kind == JS_NUM_DOUBLE && !isfinite(n.d)))
        return fail(k, K_MULTIPLE_OF, "must be a number greater than 0");
    js_kw *kw = emit(k, JS_OP_MULTIPLE_OF, K_MULTIPLE_OF, JS_T_NUMBER);
    js_decimal_from_json(k->val[K_MULTIPLE_OF], &kw->u.divisor.dec);
    kw->u.divisor.json = k->val[K_MULTIPLE_OF];
    return 0;
}

static int build_count(kwctx *k, kw_id id, js_op op, unsigned types)
{
    uint64_t n;
    if (!read_count(k->val[id], &n))
        return fail(k, id, "must be a non-negative integer");
    emit(k, op, id, types)->u.count = n;
    return 0;
}

static int build_pattern(kwctx *k)
{
    json_object *v = k->val[K_PATTERN];
    char *why = NULL;
    if (!json_object_is_type(v, json_type_string))
        return fail(k, K_PATTERN, "must be a string");
    js_regex *re = rv_xcalloc(1, sizeof *re);
    if (js_regex_compile(re, json_object_get_string(v), (size_t)json_object_get_string_len(v),
                         &why) < 0) {
        free(re);
        js_cc_error(k->c, k->s->location, "pattern", "%s", why);
        free(why);
        return -1;
    }
    emit(k, JS_OP_PATTERN, K_PATTERN, JS_T_STRING)->u.pattern = re;
    return 0;
}

static int build_required(kwctx *k)
{
    json_object *v = k->val[K_REQUIRED];
    if (!is_string_array(v))
        return fail(k, K_REQUIRED, "must be an array of strings");
    js_kw *kw = emit(k, JS_OP_REQUIRED, K_REQUIRED, JS_T_OBJECT);
    kw->u.required.names = names_of(v, &kw->u.required.count);
    return 0;
}

static int build_dependent_required(kwctx *k)
{
    json_object *v = k->val[K_DEPENDENT_REQUIRED];
    if (!json_object_is_type(v, json_type_object))
        return fail(k, K_DEPENDENT_REQUIRED, "must be an object of string arrays");
    js_kw *kw = emit(k, JS_OP_DEPENDENT_REQUIRED, K_DEPENDENT_REQUIRED, JS_T_OBJECT);
    size_t n = (size_t)json_object_object_length(v);
    kw->u.dep_required.deps = rv_xcalloc(n, sizeof *kw->u.dep_required.deps);
    json_object_object_foreach(v, name, list)
    {
        if (!is_string_array(list))
            return fail(k, K_DEPENDENT_REQUIRED, "must be an object of string arrays");
        js_dep_required *d = &kw->u.dep_required.deps[kw->u.dep_required.count++];
        make_name(&d->name, name, strlen(name));
        d->required = names_of(list, &d->count);
    }
    return 0;
}

static int check_annotation(kwctx *k, kw_id id)
{
    unsigned want = js_keywords[id].value_type;
    if (want && !(js_type_bits(k->val[id]) & want))
        return js_cc_error(k->c, k->s->location, js_keywords[id].name, "must be %s %s",
                           want == JS_T_ARRAY || want == JS_T_OBJECT ? "an" : "a",
                           js_type_name(want));
    return 0;
}

/* ---- applicators -------------------------------------------------- */

static int build_ref(kwctx *k, kw_id id)
{
    json_object *v = k->val[id];
    if (!json_object_is_type(v, json_type_string))
        return fail(k, id, "must be a URI reference string");
    const char *ref = json_object_get_string(v);
    bool dynamic = false;
    const js_schema *target =
        js_cc_reference(k->c, k->s, k->loc, js_keywords[id].name, ref, &dynamic);
    if (!target)
        return -1;
    if (id == K_REF) {
        emit(k, JS_OP_REF, id, 0)->u.schema = target;
        return 0;
    }
    js_kw *kw = emit(k, JS_OP_DYNAMIC_REF, id, 0);
    kw->u.dynref.target = target;
    const char *frag = strchr(ref, '#');
    if (dynamic && frag && frag[1] != '/' && frag[1] != '\0')
        kw->u.dynref.anchor = js_percent_decode(frag + 1, strlen(frag + 1), NULL);
    return 0;
}

static int build_list(kwctx *k, kw_id id, js_op op, unsigned types)
{
    json_object *v = k->val[id];
    if (!json_object_is_type(v, json_type_array) || json_object_array_length(v) == 0)
        return fail(k, id, "must be a non-empty array of schemas");
    js_kw *kw = emit(k, op, id, types);
    size_t n = json_object_array_length(v);
    kw->u.list.schemas = rv_xcalloc(n, sizeof *kw->u.list.schemas);
    for (size_t i = 0; i < n; i++) {
        char idx[24];
        snprintf(idx, sizeof idx, "%zu", i);
        kw->u.list.schemas[i] = child(k, id, json_object_array_get_idx(v, i), idx);
        kw->u.list.count++;
        if (!kw->u.list.schemas[i])
            return -1;
    }
    return 0;
}

/* Compiles a single-subschema keyword; emits it when op is not JS_OP_COUNT. */
static int build_single(kwctx *k, kw_id id, js_op op, unsigned types, const js_schema **out)
{
    const js_schema *s = child(k, id, k->val[id], NULL);
    if (!s)
        return -1;
    if (out)
        *out = s;
    if (op != JS_OP_COUNT)
        emit(k, op, id, types)->u.schema = s;
    return 0;
}

static int build_if(kwctx *k)
{
    const js_schema *cond = NULL, *then_s = NULL, *else_s = NULL;
    if ((k->has[K_IF] && build_single(k, K_IF, JS_OP_COUNT, 0, &cond) < 0) ||
        (k->has[K_THEN] && build_single(k, K_THEN, JS_OP_COUNT, 0, &then_s) < 0) ||
        (k->has[K_ELSE] && build_single(k, K_ELSE, JS_OP_COUNT, 0, &else_s) < 0))
        return -1;
    if (cond) { /* even alone: its annotations count for unevaluated* */
        js_kw *kw = emit(k, JS_OP_IF, K_IF, 0);
        kw->u.cond.cond = cond;
        kw->u.cond.then_s = then_s;
        kw->u.cond.else_s = else_s;
    }
    return 0;
}

static int build_pattern_properties(kwctx *k)
{
    json_object *v = k->val[K_PATTERN_PROPERTIES];
    if (!json_object_is_type(v, json_type_object))
        return fail(k, K_PATTERN_PROPERTIES, "must be an object of schemas");
    js_kw *kw = emit(k, JS_OP_PATTERN_PROPERTIES, K_PATTERN_PROPERTIES, JS_T_OBJECT);
    size_t n = (size_t)json_object_object_length(v);
    kw->u.patprops.items = rv_xcalloc(n, sizeof *kw->u.patprops.items);
    json_object_object_foreach(v, pattern, sub)
    {
        js_pattern_schema *ps = &kw->u.patprops.items[kw->u.patprops.count];
        char *why = NULL;
        if (js_regex_compile(&ps->re, pattern, strlen(pattern), &why) < 0) {
            js_cc_error(k->c, k->s->location, "patternProperties", "%s", why);
            free(why);
            return -1;
        }
        kw->u.patprops.count++;
        ps->schema = child(k, K_PATTERN_PROPERTIES, sub, pattern);
        if (!ps->schema)
            return -1;
    }
    return 0;
}

static int build_items(kwctx *k)
{
    if (json_object_is_type(k->val[K_ITEMS], json_type_array))
        return fail(k, K_ITEMS, "must be a schema (draft 2020-12 uses prefixItems for tuples)");
    js_kw *kw = emit(k, JS_OP_ITEMS, K_ITEMS, JS_T_ARRAY);
    kw->u.items.schema = child(k, K_ITEMS, k->val[K_ITEMS], NULL);
    if (k->has[K_PREFIX_ITEMS])
        kw->u.items.start = json_object_array_length(k->val[K_PREFIX_ITEMS]);
    return kw->u.items.schema ? 0 : -1;
}

static int build_contains(kwctx *k)
{
    uint64_t min = 1, max = UINT64_MAX;
    if (k->has[K_MIN_CONTAINS] && !read_count(k->val[K_MIN_CONTAINS], &min))
        return fail(k, K_MIN_CONTAINS, "must be a non-negative integer");
    if (k->has[K_MAX_CONTAINS] && !read_count(k->val[K_MAX_CONTAINS], &max))
        return fail(k, K_MAX_CONTAINS, "must be a non-negative integer");
    if (!k->has[K_CONTAINS])
        return 0; /* minContains/maxContains alone have no effect */
    js_kw *kw = emit(k, JS_OP_CONTAINS, K_CONTAINS, JS_T_ARRAY);
    kw->u.contains.min = min;
    kw->u.contains.max = max;
    kw->u.contains.schema = child(k, K_CONTAINS, k->val[K_CONTAINS], NULL);
    return kw->u.contains.schema ? 0 : -1;
}

/* Compiles the subschemas of $defs (never evaluated, but a broken
 * definition is still a broken schema). */
static int build_defs(kwctx *k)
{
    json_object *v = k->val[K_DEFS];
    if (!json_object_is_type(v, json_type_object))
        return fail(k, K_DEFS, "must be an object of schemas");
    json_object_object_foreach(v, name, sub)
    {
        if (!child(k, K_DEFS, sub, name))
            return -1;
    }
    return 0;
}

/* Builds the keywords in evaluation order (the order of js_op). */
static int build_all(kwctx *k)
{
    static const struct {
        kw_id id;
        js_op op;
        unsigned types;
    } limits[] = {{K_MINIMUM, JS_OP_MINIMUM, 0},
                  {K_MAXIMUM, JS_OP_MAXIMUM, 0},
                  {K_EXCLUSIVE_MINIMUM, JS_OP_EXCL_MINIMUM, 0},
                  {K_EXCLUSIVE_MAXIMUM, JS_OP_EXCL_MAXIMUM, 0}},
      counts[] = {{K_MIN_LENGTH, JS_OP_MIN_LENGTH, JS_T_STRING},
                  {K_MAX_LENGTH, JS_OP_MAX_LENGTH, JS_T_STRING},
                  {K_MIN_ITEMS, JS_OP_MIN_ITEMS, JS_T_ARRAY},
                  {K_MAX_ITEMS, JS_OP_MAX_ITEMS, JS_T_ARRAY},
                  {K_MIN_PROPERTIES, JS_OP_MIN_PROPERTIES, JS_T_OBJECT},
                  {K_MAX_PROPERTIES, JS_OP_MAX_PROPERTIES, JS_T_OBJECT}};
    bool *has = k->has;
    if (has[K_TYPE] && build_type(k) < 0)
        return -1;
    if (has[K_CONST])
        emit(k, JS_OP_CONST, K_CONST, 0)->u.value = k->val[K_CONST];
    if (has[K_ENUM] && build_enum(k) < 0)
        return -1;
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++) {
        if (has[limits[i].id] && build_limit(k, limits[i].id, limits[i].op) < 0)
            return -1;
    }
    if (has[K_MULTIPLE_OF] && build_multiple_of(k) < 0)
        return -1;
    for (size_t i = 0; i < 2; i++) {
        if (has[counts[i].id] && build_count(k, counts[i].id, counts[i].op, counts[i].types) < 0)
            return -1;
    }
    if (has[K_PATTERN] && build_pattern(k) < 0)
        return -1;
    for (size_t i = 2; i < 4; i++) {
        if (has[counts[i].id] && build_count(k, counts[i].id, counts[i].op, counts[i].types) < 0)
            return -1;
    }
    if (has[K_UNIQUE_ITEMS] && json_object_get_boolean(k->val[K_UNIQUE_ITEMS]))
        emit(k, JS_OP_UNIQUE_ITEMS, K_UNIQUE_ITEMS, JS_T_ARRAY);
    for (size_t i = 4; i < 6; i++) {
        if (has[counts[i].id] && build_count(k, counts[i].id, counts[i].op, counts[i].types) < 0)
            return -1;
    }
    if ((has[K_REQUIRED] && build_required(k) < 0) ||
        (has[K_DEPENDENT_REQUIRED] && build_dependent_required(k) < 0) ||
        (has[K_REF] && build_ref(k, K_REF) < 0) ||
        (has[K_DYNAMIC_REF] && build_ref(k, K_DYNAMIC_REF) < 0) ||
        (has[K_ALL_OF] && build_list(k, K_ALL_OF, JS_OP_ALL_OF, 0) < 0) ||
        (has[K_ANY_OF] && build_list(k, K_ANY_OF, JS_OP_ANY_OF, 0) < 0) ||
        (has[K_ONE_OF] && build_list(k, K_ONE_OF, JS_OP_ONE_OF, 0) < 0) ||
        (has[K_NOT] && build_single(k, K_NOT, JS_OP_NOT, 0, NULL) < 0) || build_if(k) < 0)
        return -1;
    if (has[K_DEPENDENT_SCHEMAS]) {
        js_kw *kw = emit(k, JS_OP_DEPENDENT_SCHEMAS, K_DEPENDENT_SCHEMAS, JS_T_OBJECT);
        if (build_propmap(k, K_DEPENDENT_SCHEMAS, &kw->u.props) < 0)
            return -1;
    }
    if (has[K_PROPERTIES]) {
        js_kw *kw = emit(k, JS_OP_PROPERTIES, K_PROPERTIES, JS_T_OBJECT);
        if (build_propmap(k, K_PROPERTIES, &kw->u.props) < 0)
            return -1;
    }
    if ((has[K_PATTERN_PROPERTIES] && build_pattern_properties(k) < 0) ||
        (has[K_ADDITIONAL_PROPERTIES] &&
         build_single(k, K_ADDITIONAL_PROPERTIES, JS_OP_ADDITIONAL_PROPERTIES, JS_T_OBJECT, NULL) <
             0) ||
        (has[K_PROPERTY_NAMES] &&
         build_single(k, K_PROPERTY_NAMES, JS_OP_PROPERTY_NAMES, JS_T_OBJECT, NULL) < 0) ||
        (has[K_PREFIX_ITEMS] &&
         build_list(k, K_PREFIX_ITEMS, JS_OP_PREFIX_ITEMS, JS_T_ARRAY) < 0) ||
        (has[K_ITEMS] && build_items(k) < 0) || build_contains(k) < 0 ||
        (has[K_UNEVALUATED_ITEMS] &&
         build_single(k, K_UNEVALUATED_ITEMS, JS_OP_UNEVALUATED_ITEMS, JS_T_ARRAY, NULL) < 0) ||
        (has[K_UNEVALUATED_PROPERTIES] &&
         build_single(k, K_UNEVALUATED_PROPERTIES, JS_OP_UNEVALUATED_PROPERTIES, JS_T_OBJECT,
                      NULL) < 0) ||
        (has[K_DEFS] && build_defs(k) < 0) ||
        (has[K_CONTENT_SCHEMA] && build_single(k, K_CONTENT_SCHEMA, JS_OP_COUNT, 0, NULL) < 0))
        return -1;
    return 0;
}

/* Points additionalProperties at its sibling properties/patternProperties
 * once the keyword array has its final address. */
static void link_siblings(js_schema *s)
{
    js_kw *props = NULL, *patterns = NULL, *additional = NULL;
    for (size_t i = 0; i < s->nkw; i++) {
        if (s->kws[i].op == JS_OP_PROPERTIES)
            props = &s->kws[i];
        else if (s->kws[i].op == JS_OP_PATTERN_PROPERTIES)
            patterns = &s->kws[i];
        else if (s->kws[i].op == JS_OP_ADDITIONAL_PROPERTIES)
            additional = &s->kws[i];
        else if (s->kws[i].op >= JS_OP_UNEVALUATED_ITEMS)
            s->tracks_evaluated = true;
    }
    if (!additional)
        return;
    const js_schema *sub = additional->u.schema;
    additional->u.additional.schema = sub;
    additional->u.additional.props = props ? &props->u.props : NULL;
    additional->u.additional.patterns = patterns ? patterns->u.patprops.items : NULL;
    additional->u.additional.npatterns = patterns ? patterns->u.patprops.count : 0;
}

/* Collects the schema object's keywords; rejects unknown ones. */
static int collect(kwctx *k, unsigned vocab)
{
    bool allow_unknown = js_registry_options(k->c->reg) & JS_ALLOW_UNKNOWN_KEYWORDS;
    json_object_object_foreach(k->s->json, key, val)
    {
        int id = js_keyword_find(key);
        if (id < 0 && !allow_unknown)
            return js_cc_error(k->c, k->s->location, key,
                               "unknown keyword \"%s\" (not implemented by recval)", key);
        if (id < 0 || !(js_keywords[id].vocab & vocab))
            continue; /* an annotation, or a vocabulary this dialect leaves out */
        k->val[id] = val;
        k->has[id] = true;
        if (check_annotation(k, id) < 0)
            return -1;
    }
    return 0;
}

int js_build_keywords(js_cc *c, js_schema *s, const js_loc *loc, unsigned vocab)
{
    kwctx *k = rv_xcalloc(1, sizeof *k);
    k->c = c;
    k->s = s;
    k->loc = loc;
    int rc = collect(k, vocab);
    if (rc == 0 && k->has[K_SCHEMA] && loc->res->root != s->json)
        rc = fail(k, K_SCHEMA, "only allowed at the root of a schema resource (next to $id)");
    if (rc == 0)
        rc = build_all(k);
    s->kws = rv_xmalloc(k->n * sizeof *s->kws);
    if (k->n)
        memcpy(s->kws, k->out, k->n * sizeof *s->kws);
    s->nkw = k->n;
    link_siblings(s);
    free(k);
    return rc;
}

void js_kw_free(js_kw *kw)
{
    switch (kw->op) {
    case JS_OP_ENUM:
        free(kw->u.enumeration.values);
        free(kw->u.enumeration.hashes);
        free(kw->u.enumeration.strings);
        free(kw->u.enumeration.lengths);
        break;
    case JS_OP_PATTERN:
        js_regex_free(kw->u.pattern);
        free(kw->u.pattern);
        break;
    case JS_OP_REQUIRED:
        for (size_t i = 0; i < kw->u.required.count; i++)
            free(kw->u.required.names[i].str);
        free(kw->u.required.names);
        break;
    case JS_OP_DEPENDENT_REQUIRED:
        for (size_t i = 0; i < kw->u.dep_required.count; i++) {
            js_dep_required *d = &kw->u.dep_required.deps[i];
            for (size_t j = 0; j < d->count; j++)
                free(d->required[j].str);
            free(d->required);
            free(d->name.str);
        }
        free(kw->u.dep_required.deps);
        break;
    case JS_OP_ALL_OF:
    case JS_OP_ANY_OF:
    case JS_OP_ONE_OF:
    case JS_OP_PREFIX_ITEMS:
        free(kw->u.list.schemas);
        break;
    case JS_OP_DYNAMIC_REF:
        free(kw->u.dynref.anchor);
        break;
    case JS_OP_PROPERTIES:
    case JS_OP_DEPENDENT_SCHEMAS:
        free_propmap(&kw->u.props);
        break;
    case JS_OP_PATTERN_PROPERTIES:
        for (size_t i = 0; i < kw->u.patprops.count; i++)
            js_regex_free(&kw->u.patprops.items[i].re);
        free(kw->u.patprops.items);
        break;
    default:
        break;
    }
}

/* Deepest chain of $ref/allOf a `passes` shortcut may stand for. */
#define PASSES_MAX_DEPTH 16

/* True when subschema sub (reached one level below) accepts every value of
 * json-c type jt without evaluating anything; raises *depth to the levels
 * the shortcut stands for. */
static bool sub_passes(const js_schema *sub, enum json_type jt, unsigned *depth)
{
    bool ok = sub->is_bool ? sub->bool_value : (sub->passes >> jt) & 1;
    if (ok && *depth < 1u + sub->passes_depth)
        *depth = 1u + sub->passes_depth;
    return ok;
}

/* True when keyword kw accepts every instance with type bits t (of json-c
 * type jt) without evaluating anything: it does not apply to that type, it
 * is a type keyword allowing it, or it is a $ref / allOf of schemas that
 * pass (those add to *depth). */
static bool kw_passes_type(const js_kw *kw, unsigned t, enum json_type jt, unsigned *depth)
{
    if (kw->types && !(kw->types & t))
        return true;
    switch (kw->op) {
    case JS_OP_TYPE:
        return (kw->u.type_mask & t) != 0;
    case JS_OP_REF:
        return sub_passes(kw->u.schema, jt, depth);
    case JS_OP_ALL_OF:
        for (size_t i = 0; i < kw->u.list.count; i++)
            if (!sub_passes(kw->u.list.schemas[i], jt, depth))
                return false;
        return true;
    default:
        return false;
    }
}

/* True when object schema s accepts every instance with type bits t. */
static bool schema_passes_type(const js_schema *s, unsigned t, enum json_type jt, unsigned *depth)
{
    for (size_t i = 0; i < s->nkw; i++)
        if (!kw_passes_type(&s->kws[i], t, jt, depth))
            return false;
    return true;
}

/* One round of js_prepare_passes on s; true if it changed. */
static bool update_passes(js_schema *s)
{
    /* the type bits a value of each json-c type can have (a double may be
     * integral or not: both must pass) */
    static const struct {
        enum json_type jt;
        unsigned bits[2];
    } kinds[] = {
        {json_type_null, {JS_T_NULL, JS_T_NULL}},
        {json_type_boolean, {JS_T_BOOLEAN, JS_T_BOOLEAN}},
        {json_type_double, {JS_T_NUMBER, JS_T_INTEGER | JS_T_NUMBER}},
        {json_type_int, {JS_T_INTEGER | JS_T_NUMBER, JS_T_INTEGER | JS_T_NUMBER}},
        {json_type_object, {JS_T_OBJECT, JS_T_OBJECT}},
        {json_type_array, {JS_T_ARRAY, JS_T_ARRAY}},
        {json_type_string, {JS_T_STRING, JS_T_STRING}},
    };
    if (s->is_bool)
        return false;
    unsigned passes = 0, depth = s->passes_depth;
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        unsigned d = depth;
        if (schema_passes_type(s, kinds[i].bits[0], kinds[i].jt, &d) &&
            schema_passes_type(s, kinds[i].bits[1], kinds[i].jt, &d) && d <= PASSES_MAX_DEPTH) {
            passes |= 1u << kinds[i].jt;
            depth = d;
        }
    }
    if (passes == s->passes && depth == s->passes_depth)
        return false;
    s->passes = passes;
    s->passes_depth = depth;
    return true;
}

void js_prepare_passes(js_schema **schemas, size_t n)
{
    /* from "nothing passes", each round only adds what the previous one
     * proved; $ref cycles may need several */
    for (int round = 0;; round++) {
        bool changed = false;
        for (size_t i = 0; i < n; i++)
            changed |= update_passes(schemas[i]);
        if (!changed)
            return;
        if (round == 64) /* not settling: no shortcut is safer than a wrong one */
            break;
    }
    for (size_t i = 0; i < n; i++)
        schemas[i]->passes = 0;
}

/* The first keyword of s with operation op, or NULL. */
static js_kw *find_kw(js_schema *s, js_op op)
{
    for (size_t i = 0; i < s->nkw; i++)
        if (s->kws[i].op == op)
            return &s->kws[i];
    return NULL;
}

/* When every name of s's `required` is one of its `properties`, marks
 * them in the property table and the `required` keyword as fused; an
 * `additionalProperties` right after `properties`, with no
 * patternProperties, is fused too. */
static void fuse_into_properties(js_schema *s)
{
    js_kw *props = find_kw(s, JS_OP_PROPERTIES);
    if (!props || !props->u.props.count)
        return;
    js_propmap *pm = &props->u.props;
    js_kw *add = props + 1 < s->kws + s->nkw ? props + 1 : NULL;
    if (add && add->op == JS_OP_ADDITIONAL_PROPERTIES && add->types == props->types &&
        add->u.additional.npatterns == 0 && add->u.additional.props == pm) {
        pm->additional = add->u.additional.schema;
        add->fused = JS_FUSED_IN_ORDER;
    }
    js_kw *req = find_kw(s, JS_OP_REQUIRED);
    if (!req || req->types != props->types)
        return;
    unsigned char *marks = rv_xcalloc(pm->count, 1);
    size_t n = 0;
    for (size_t i = 0; i < req->u.required.count; i++) {
        const js_name *name = &req->u.required.names[i];
        long j = js_propmap_find(pm, name->str, name->len, name->hash);
        if (j < 0) {
            free(marks);
            return;
        }
        n += !marks[j];
        marks[j] = 1;
    }
    pm->required = marks;
    pm->nrequired = n;
    pm->required_next = req + 1 == props;
    req->fused = pm->required_next ? JS_FUSED_IN_ORDER : JS_FUSED_ANY_ORDER;
}

void js_prepare_fast(js_schema *s)
{
    s->ref_only = NULL;
    if (s->is_bool)
        return;
    if (s->nkw == 1 && s->kws[0].op == JS_OP_REF && s->resource->nanchors == 0)
        s->ref_only = s->kws[0].u.schema;
    fuse_into_properties(s);
}

/* True when one of the n schemas may search a pattern. */
static bool any_may_search(const js_schema *const *schemas, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (schemas[i]->may_search)
            return true;
    return false;
}

/* True when kw searches a pattern itself or may reach a schema that does
 * (a $dynamicRef may reach any). */
static bool kw_may_search(const js_kw *kw)
{
    switch (kw->op) {
    case JS_OP_PATTERN:
    case JS_OP_PATTERN_PROPERTIES:
    case JS_OP_DYNAMIC_REF:
        return true;
    case JS_OP_REF:
    case JS_OP_NOT:
    case JS_OP_PROPERTY_NAMES:
    case JS_OP_UNEVALUATED_ITEMS:
    case JS_OP_UNEVALUATED_PROPERTIES:
        return kw->u.schema->may_search;
    case JS_OP_ALL_OF:
    case JS_OP_ANY_OF:
    case JS_OP_ONE_OF:
    case JS_OP_PREFIX_ITEMS:
        return any_may_search(kw->u.list.schemas, kw->u.list.count);
    case JS_OP_IF:
        return kw->u.cond.cond->may_search ||
               (kw->u.cond.then_s && kw->u.cond.then_s->may_search) ||
               (kw->u.cond.else_s && kw->u.cond.else_s->may_search);
    case JS_OP_PROPERTIES:
    case JS_OP_DEPENDENT_SCHEMAS:
        return any_may_search(kw->u.props.schemas, kw->u.props.count);
    case JS_OP_ADDITIONAL_PROPERTIES:
        return kw->u.additional.npatterns || kw->u.additional.schema->may_search;
    case JS_OP_ITEMS:
        return kw->u.items.schema->may_search;
    case JS_OP_CONTAINS:
        return kw->u.contains.schema->may_search;
    default:
        return false;
    }
}

void js_prepare_may_search(js_schema **schemas, size_t n)
{
    /* a fixpoint: $ref cycles make a single pass insufficient */
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; i++) {
            js_schema *s = schemas[i];
            for (size_t k = 0; !s->may_search && k < s->nkw; k++) {
                if (kw_may_search(&s->kws[k])) {
                    s->may_search = true;
                    changed = true;
                }
            }
        }
    }
}
