/* jsonschema_eval_assert.c - evaluators of the assertion keywords (type,
 * const, enum, numeric limits, multipleOf, string length and pattern,
 * array and object sizes, uniqueItems, required, dependentRequired).
 * Each returns validity and builds a message only when reporting. */
#include "jsonschema_eval.h"

#include <stdlib.h>

static bool eval_type(js_vctx *cx, const js_schema *s, const js_kw *kw, unsigned t,
                      const js_frame *fr)
{
    if (kw->u.type_mask & t)
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        rv_sb_puts(&msg, "expected ");
        for (unsigned bit = 1, first = 1; bit <= JS_T_OBJECT; bit <<= 1) {
            if (kw->u.type_mask & bit) {
                rv_sb_printf(&msg, "%s%s", first ? "" : " or ", js_type_name(bit));
                first = 0;
            }
        }
        rv_sb_printf(&msg, ", got %s", js_type_name(t));
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_const(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                       const js_frame *fr)
{
    if (js_json_equal(inst, kw->u.value))
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        js_put_value(&msg, inst);
        rv_sb_puts(&msg, " is not equal to the constant ");
        js_put_value(&msg, kw->u.value);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

/* True when inst equals one of the enum's values: a string is compared
 * with the string values as it is, anything else by hash first. */
static bool in_enum(const js_kw *kw, json_object *inst, unsigned t)
{
    if (t == JS_T_STRING) {
        const char *str = json_object_get_string(inst);
        size_t n = (size_t)json_object_get_string_len(inst);
        for (size_t i = 0; i < kw->u.enumeration.count; i++)
            if (kw->u.enumeration.lengths[i] == n &&
                memcmp(kw->u.enumeration.strings[i], str, n) == 0)
                return true;
        return false;
    }
    uint64_t h = js_json_hash(inst);
    for (size_t i = 0; i < kw->u.enumeration.count; i++) {
        if (kw->u.enumeration.hashes[i] == h && js_json_equal(inst, kw->u.enumeration.values[i]))
            return true;
    }
    return false;
}

static bool eval_enum(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                      unsigned t, const js_frame *fr)
{
    if (in_enum(kw, inst, t))
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        js_put_value(&msg, inst);
        rv_sb_puts(&msg, " is not one of ");
        js_render_json(&msg, kw->u.enumeration.json, 200);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_limit(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                       const js_frame *fr)
{
    js_num n;
    js_num_get(inst, &n);
    int c = js_num_cmp(&n, &kw->u.limit.num);
    const char *what = NULL;
    switch (kw->op) {
    case JS_OP_MINIMUM:
        what = c < 0 ? "is less than the minimum" : NULL;
        break;
    case JS_OP_MAXIMUM:
        what = c > 0 ? "is greater than the maximum" : NULL;
        break;
    case JS_OP_EXCL_MINIMUM:
        what = c <= 0 ? "is not greater than the exclusive minimum" : NULL;
        break;
    default:
        what = c >= 0 ? "is not less than the exclusive maximum" : NULL;
        break;
    }
    if (!what)
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        js_put_value(&msg, inst);
        rv_sb_printf(&msg, " %s ", what);
        js_num_render(&msg, &kw->u.limit.num, kw->u.limit.json);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_multiple_of(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                             const js_frame *fr)
{
    js_decimal x;
    js_decimal_from_json(inst, &x);
    if (js_decimal_is_multiple(&x, &kw->u.divisor.dec))
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        js_put_value(&msg, inst);
        rv_sb_puts(&msg, " is not a multiple of ");
        js_put_value(&msg, kw->u.divisor.json);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_length(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                        const js_frame *fr)
{
    size_t bytes = (size_t)json_object_get_string_len(inst);
    bool is_min = kw->op == JS_OP_MIN_LENGTH;
    /* a code point takes 1 to 4 bytes: most strings need no counting */
    if (is_min ? bytes / 4 >= kw->u.count : bytes <= kw->u.count)
        return true;
    size_t len = js_utf8_length(json_object_get_string(inst), bytes);
    if (is_min ? len >= kw->u.count : len <= kw->u.count)
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        rv_sb_printf(&msg, "string has %zu character%s, %s than %s %llu", len, len == 1 ? "" : "s",
                     is_min ? "fewer" : "more", kw->name, (unsigned long long)kw->u.count);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_pattern(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                         const js_frame *fr)
{
    const char *str = json_object_get_string(inst);
    size_t len = (size_t)json_object_get_string_len(inst);
    if (js_search_kw(cx, fr, s, kw, NULL, kw->u.pattern, str, len, 1))
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        js_put_value(&msg, inst);
        rv_sb_puts(&msg, " does not match the pattern ");
        js_put_quoted(&msg, kw->u.pattern->source, strlen(kw->u.pattern->source));
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

/* minItems, maxItems, minProperties, maxProperties. */
static bool eval_size(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                      unsigned t, const js_frame *fr)
{
    bool is_min = kw->op == JS_OP_MIN_ITEMS || kw->op == JS_OP_MIN_PROPERTIES;
    size_t n =
        t & JS_T_ARRAY ? json_object_array_length(inst) : (size_t)json_object_object_length(inst);
    if (is_min ? n >= kw->u.count : n <= kw->u.count)
        return true;
    if (js_reporting(cx, fr)) {
        const char *noun =
            t & JS_T_ARRAY ? (n == 1 ? "item" : "items") : (n == 1 ? "property" : "properties");
        strbuf msg = STRBUF_INIT;
        rv_sb_printf(&msg, "%s has %zu %s, %s than %s %llu", t & JS_T_ARRAY ? "array" : "object", n,
                     noun, is_min ? "fewer" : "more", kw->name, (unsigned long long)kw->u.count);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

typedef struct hashed_item {
    uint64_t hash;
    size_t index;
} hashed_item;

static int by_hash_then_index(const void *a, const void *b)
{
    const hashed_item *x = a, *y = b;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Finds two equal items; small arrays pairwise, larger ones by hash. */
static bool find_duplicate(json_object *arr, size_t *first, size_t *second)
{
    size_t n = json_object_array_length(arr);
    if (n <= 16) {
        for (size_t i = 0; i < n; i++) {
            for (size_t j = i + 1; j < n; j++) {
                if (js_json_equal(json_object_array_get_idx(arr, i),
                                  json_object_array_get_idx(arr, j))) {
                    *first = i;
                    *second = j;
                    return true;
                }
            }
        }
        return false;
    }
    hashed_item *items = rv_xmalloc(n * sizeof *items);
    for (size_t i = 0; i < n; i++) {
        items[i].hash = js_json_hash(json_object_array_get_idx(arr, i));
        items[i].index = i;
    }
    qsort(items, n, sizeof *items, by_hash_then_index);
    bool found = false;
    for (size_t i = 0; i < n && !found; i++) {
        for (size_t j = i + 1; j < n && items[j].hash == items[i].hash && !found; j++) {
            found = js_json_equal(json_object_array_get_idx(arr, items[i].index),
                                  json_object_array_get_idx(arr, items[j].index));
            *first = items[i].index;
            *second = items[j].index;
        }
    }
    free(items);
    return found;
}

static bool eval_unique(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                        const js_frame *fr)
{
    size_t a = 0, b = 0;
    if (!find_duplicate(inst, &a, &b))
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        rv_sb_printf(&msg, "items %zu and %zu are equal, but uniqueItems is set", a < b ? a : b,
                     a < b ? b : a);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool has_member(json_object *obj, const js_name *name)
{
    return json_object_object_get_ex(obj, name->str, NULL);
}

static bool eval_required(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                          const js_frame *fr)
{
    bool ok = true;
    for (size_t i = 0; i < kw->u.required.count; i++) {
        const js_name *name = &kw->u.required.names[i];
        if (has_member(inst, name))
            continue;
        ok = false;
        if (!js_reporting(cx, fr))
            break;
        strbuf msg = STRBUF_INIT;
        rv_sb_puts(&msg, "missing required property ");
        js_put_quoted(&msg, name->str, name->len);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return ok;
}

static bool eval_dependent_required(js_vctx *cx, const js_schema *s, const js_kw *kw,
                                    json_object *inst, const js_frame *fr)
{
    bool ok = true;
    for (size_t i = 0; i < kw->u.dep_required.count; i++) {
        const js_dep_required *d = &kw->u.dep_required.deps[i];
        if (!has_member(inst, &d->name))
            continue;
        for (size_t j = 0; j < d->count; j++) {
            if (has_member(inst, &d->required[j]))
                continue;
            ok = false;
            if (!js_reporting(cx, fr))
                return false;
            strbuf msg = STRBUF_INIT;
            rv_sb_puts(&msg, "property ");
            js_put_quoted(&msg, d->name.str, d->name.len);
            rv_sb_puts(&msg, " requires property ");
            js_put_quoted(&msg, d->required[j].str, d->required[j].len);
            js_fail_kw(cx, fr, s, kw, NULL, &msg);
        }
    }
    return ok;
}

bool js_eval_assertion(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                       unsigned t, const js_frame *fr, js_evalset *ev)
{
    (void)ev;
    switch (kw->op) {
    case JS_OP_TYPE:
        return eval_type(cx, s, kw, t, fr);
    case JS_OP_CONST:
        return eval_const(cx, s, kw, inst, fr);
    case JS_OP_ENUM:
        return eval_enum(cx, s, kw, inst, t, fr);
    case JS_OP_MINIMUM:
    case JS_OP_MAXIMUM:
    case JS_OP_EXCL_MINIMUM:
    case JS_OP_EXCL_MAXIMUM:
        return eval_limit(cx, s, kw, inst, fr);
    case JS_OP_MULTIPLE_OF:
        return eval_multiple_of(cx, s, kw, inst, fr);
    case JS_OP_MIN_LENGTH:
    case JS_OP_MAX_LENGTH:
        return eval_length(cx, s, kw, inst, fr);
    case JS_OP_PATTERN:
        return eval_pattern(cx, s, kw, inst, fr);
    case JS_OP_MIN_ITEMS:
    case JS_OP_MAX_ITEMS:
    case JS_OP_MIN_PROPERTIES:
    case JS_OP_MAX_PROPERTIES:
        return eval_size(cx, s, kw, inst, t, fr);
    case JS_OP_UNIQUE_ITEMS:
        return eval_unique(cx, s, kw, inst, fr);
    case JS_OP_REQUIRED:
        return eval_required(cx, s, kw, inst, fr);
    case JS_OP_DEPENDENT_REQUIRED:
        return eval_dependent_required(cx, s, kw, inst, fr);
    default:
        return true;
    }
}
