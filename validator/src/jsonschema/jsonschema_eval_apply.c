/* jsonschema_eval_apply.c - evaluators of the applicator keywords ($ref,
 * $dynamicRef, allOf/anyOf/oneOf/not, if/then/else, dependentSchemas, the
 * object and array applicators, unevaluated*). They record which children
 * they evaluated in the caller's js_evalset when one is being tracked;
 * branches whose failure must not leak annotations (anyOf, oneOf, if) use
 * a scratch set merged only on success. */
#include "jsonschema_eval.h"

#include <stdlib.h>

/* Evaluation path of keyword kw in this frame. */
static js_path kw_path(const js_frame *fr, const js_kw *kw)
{
    js_path p = {fr->kpath, kw->name, kw->name_len};
    return p;
}

static bool is_false_schema(const js_schema *s)
{
    return s->is_bool && !s->bool_value;
}

/* ---- in-place applicators ------------------------------------------ */

static bool eval_ref(js_vctx *cx, const js_kw *kw, json_object *inst, const js_frame *fr,
                     js_evalset *ev)
{
    const js_schema *target = kw->u.schema;
    if (kw->op == JS_OP_DYNAMIC_REF) {
        target = kw->u.dynref.target;
        /* the outermost resource in the dynamic scope defining the anchor */
        for (const js_scope *sc = fr->scope; kw->u.dynref.anchor && sc; sc = sc->up) {
            const js_schema *found = js_resource_dynamic_anchor(sc->res, kw->u.dynref.anchor);
            if (found)
                target = found;
        }
    }
    js_path kp = kw_path(fr, kw);
    return js_eval_sub(cx, target, inst, fr, fr->ipath, &kp, true, ev);
}

static bool eval_all_of(js_vctx *cx, const js_kw *kw, json_object *inst, const js_frame *fr,
                        js_evalset *ev)
{
    js_path kp = kw_path(fr, kw);
    bool ok = true;
    for (size_t i = 0; i < kw->u.list.count; i++) {
        js_path bp = {&kp, NULL, i};
        if (!js_eval_sub(cx, kw->u.list.schemas[i], inst, fr, fr->ipath, &bp, true, ev)) {
            ok = false;
            if (!js_reporting(cx, fr))
                break;
        }
    }
    return ok;
}

/* Evaluates branch i of a list silently, merging its annotations into ev
 * only if it passes. */
static bool eval_branch(js_vctx *cx, const js_kw *kw, size_t i, json_object *inst,
                        const js_frame *fr, js_evalset *ev)
{
    js_path kp = kw_path(fr, kw);
    js_path bp = {&kp, NULL, i};
    if (!ev)
        return js_eval_sub(cx, kw->u.list.schemas[i], inst, fr, fr->ipath, &bp, false, NULL);
    js_evalset scratch;
    js_ev_init(&scratch, ev->n);
    bool ok = js_eval_sub(cx, kw->u.list.schemas[i], inst, fr, fr->ipath, &bp, false, &scratch);
    if (ok)
        js_ev_merge(ev, &scratch);
    js_ev_free(&scratch);
    return ok;
}

/* --- readable messages for anyOf/oneOf over type, enum and const ----- */

#define ALT_VALUES_SHOWN 12
#define ALT_VALUE_MAX 40

/* The keyword of schema s with operation op, following $ref chains of
 * schemas that do not have one, or NULL. */
static const js_kw *find_value_kw(const js_schema *s, js_op op)
{
    for (int depth = 0; s && !s->is_bool && depth < 8; depth++) {
        const js_schema *next = NULL;
        for (size_t i = 0; i < s->nkw; i++) {
            if (s->kws[i].op == op)
                return &s->kws[i];
            if (s->kws[i].op == JS_OP_REF)
                next = s->kws[i].u.schema;
        }
        s = next;
    }
    return NULL;
}

/* "string", "an integer or null", ... for a type mask. */
static void put_types(strbuf *sb, unsigned mask)
{
    static const unsigned bits[] = {JS_T_NULL,   JS_T_BOOLEAN, JS_T_INTEGER, JS_T_NUMBER,
                                    JS_T_STRING, JS_T_ARRAY,   JS_T_OBJECT};
    size_t shown = 0;
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if (mask & bits[i])
            rv_sb_printf(sb, "%s%s", shown++ ? " or " : "a value of type ", js_type_name(bits[i]));
}

/* Describes what one alternative allows, from its enum, const or type;
 * false when it has none of them. */
static bool put_alternative(strbuf *sb, const js_schema *alt)
{
    const js_kw *kw;
    if ((kw = find_value_kw(alt, JS_OP_ENUM)) != NULL) {
        size_t n = kw->u.enumeration.count;
        rv_sb_puts(sb, n == 1 ? "" : "one of ");
        for (size_t i = 0; i < n && i < ALT_VALUES_SHOWN; i++) {
            rv_sb_puts(sb, i ? ", " : "");
            js_render_json(sb, kw->u.enumeration.values[i], ALT_VALUE_MAX);
        }
        if (n > ALT_VALUES_SHOWN)
            rv_sb_printf(sb, " (and %zu more)", n - ALT_VALUES_SHOWN);
        return true;
    }
    if ((kw = find_value_kw(alt, JS_OP_CONST)) != NULL) {
        js_render_json(sb, kw->u.value, ALT_VALUE_MAX);
        return true;
    }
    if ((kw = find_value_kw(alt, JS_OP_TYPE)) != NULL) {
        put_types(sb, kw->u.type_mask);
        return true;
    }
    return false;
}

/* When every alternative of kw constrains the value by enum, const or
 * type, writes "<found> matches none of the N alternatives of <word>:
 * expected <a>, or <b>" to msg and returns true. */
static bool describe_alternatives(strbuf *msg, const js_kw *kw, json_object *inst, const char *word)
{
    strbuf alts = STRBUF_INIT;
    for (size_t i = 0; i < kw->u.list.count; i++) {
        rv_sb_puts(&alts, i == 0 ? "" : i + 1 == kw->u.list.count ? ", or " : ", ");
        if (!put_alternative(&alts, kw->u.list.schemas[i])) {
            rv_sb_free(&alts);
            return false;
        }
    }
    js_render_json(msg, inst, ALT_VALUE_MAX);
    rv_sb_printf(msg, " matches none of the %zu alternatives of %s: expected %s", kw->u.list.count,
                 word, alts.data ? alts.data : "");
    rv_sb_free(&alts);
    return true;
}

static bool eval_any_of(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                        const js_frame *fr, js_evalset *ev)
{
    bool any = false;
    for (size_t i = 0; i < kw->u.list.count && (ev || !any); i++)
        any |= eval_branch(cx, kw, i, inst, fr, ev);
    if (!any && js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        if (!describe_alternatives(&msg, kw, inst, "anyOf"))
            rv_sb_printf(&msg, "value does not match any of the %zu alternatives of anyOf",
                         kw->u.list.count);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return any;
}

static bool eval_one_of(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                        const js_frame *fr, js_evalset *ev)
{
    size_t matched = 0, first = 0, second = 0;
    for (size_t i = 0; i < kw->u.list.count && matched < 2; i++) {
        if (!eval_branch(cx, kw, i, inst, fr, ev))
            continue;
        if (matched++ == 0)
            first = i;
        else
            second = i;
    }
    if (matched == 1)
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        if (matched == 0) {
            if (!describe_alternatives(&msg, kw, inst, "oneOf"))
                rv_sb_printf(&msg, "value does not match any of the %zu alternatives of oneOf",
                             kw->u.list.count);
        } else {
            rv_sb_printf(&msg,
                         "value matches both alternatives %zu and %zu of oneOf, expected "
                         "exactly one",
                         first, second);
        }
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_not(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                     const js_frame *fr)
{
    js_path kp = kw_path(fr, kw);
    if (!js_eval_sub(cx, kw->u.schema, inst, fr, fr->ipath, &kp, false, NULL))
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        rv_sb_puts(&msg, "value must not match the schema in not");
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

static bool eval_if(js_vctx *cx, const js_kw *kw, json_object *inst, const js_frame *fr,
                    js_evalset *ev)
{
    js_path kp = kw_path(fr, kw);
    bool cond;
    if (!ev && !kw->u.cond.then_s && !kw->u.cond.else_s)
        return true; /* "if" alone only matters for its annotations */
    if (ev) {
        js_evalset scratch;
        js_ev_init(&scratch, ev->n);
        cond = js_eval_sub(cx, kw->u.cond.cond, inst, fr, fr->ipath, &kp, false, &scratch);
        if (cond)
            js_ev_merge(ev, &scratch);
        js_ev_free(&scratch);
    } else {
        cond = js_eval_sub(cx, kw->u.cond.cond, inst, fr, fr->ipath, &kp, false, NULL);
    }
    const js_schema *branch = cond ? kw->u.cond.then_s : kw->u.cond.else_s;
    if (!branch)
        return true;
    js_path bp = {fr->kpath, cond ? "then" : "else", 4};
    return js_eval_sub(cx, branch, inst, fr, fr->ipath, &bp, true, ev);
}

static bool eval_dependent_schemas(js_vctx *cx, const js_kw *kw, json_object *inst,
                                   const js_frame *fr, js_evalset *ev)
{
    js_path kp = kw_path(fr, kw);
    bool ok = true;
    for (size_t i = 0; i < kw->u.props.count; i++) {
        const js_name *name = &kw->u.props.names[i];
        if (!json_object_object_get_ex(inst, name->str, NULL))
            continue;
        js_path np = {&kp, name->str, name->len};
        if (!js_eval_sub(cx, kw->u.props.schemas[i], inst, fr, fr->ipath, &np, true, ev)) {
            ok = false;
            if (!js_reporting(cx, fr))
                break;
        }
    }
    return ok;
}

/* ---- object applicators -------------------------------------------- */

/* Evaluates property value `val` (instance path ip) against sub, reported
 * under evaluation path kw/<token>; `what` names a disallowed property. */
static bool eval_property(js_vctx *cx, const js_kw *kw, const js_schema *sub, json_object *val,
                          const js_path *ip, const char *token, size_t token_len,
                          const js_frame *fr, const char *what)
{
    js_path kp = kw_path(fr, kw);
    js_path tp = {&kp, token, token_len};
    if (!is_false_schema(sub))
        return js_eval_sub(cx, sub, val, fr, ip, token ? &tp : &kp, true, NULL);
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        rv_sb_printf(&msg, "%s ", what);
        js_put_quoted(&msg, ip->key, ip->len);
        rv_sb_puts(&msg, " is not allowed");
        js_report(cx, ip, token ? &tp : &kp, sub, NULL, &msg);
    }
    return false;
}

/* Members an object may have for eval_properties_fast to remember where
 * each one is in the property table (larger ones are hashed again). */
#define WALK_MEMO 32

/* Evaluates sub on val without a path (fast validation). */
static bool eval_fast(js_vctx *cx, const js_schema *sub, json_object *val, const js_frame *fr)
{
    return js_passes(cx, sub, val) ||
           js_eval_sub(cx, sub, val, fr, fr->ipath, fr->kpath, false, NULL);
}

/* properties looked up by the schema's names (fast validation, any order
 * allowed): cheaper when the schema names fewer than the instance has. */
static bool eval_properties_by_name(js_vctx *cx, const js_propmap *pm, json_object *inst,
                                    const js_frame *fr)
{
    for (size_t i = 0; i < pm->count; i++) {
        json_object *val;
        if (!json_object_object_get_ex(inst, pm->names[i].str, &val)) {
            if (pm->required && pm->required[i])
                return false;
            continue;
        }
        if (!eval_fast(cx, pm->schemas[i], val, fr))
            return false;
    }
    return true;
}

/* properties in one walk over the instance (fast validation), checking
 * the fused required at the end when `count_required` (any order). */
static bool eval_properties_walk(js_vctx *cx, const js_propmap *pm, json_object *inst,
                                 const js_frame *fr, bool count_required)
{
    size_t required = 0;
    json_object_object_foreach(inst, key, val)
    {
        size_t len = strlen(key);
        long j = js_propmap_find(pm, key, len, js_hash_bytes(key, len));
        if (j < 0)
            continue;
        if (pm->required)
            required += pm->required[j];
        if (!eval_fast(cx, pm->schemas[j], val, fr))
            return false;
    }
    return !count_required || required == pm->nrequired;
}

/* properties with a fused required just before it and/or a fused
 * additionalProperties just after (fast validation, in the order they
 * would run; `check_required`: the required was left to it): each member
 * is found in the table once when the object has at most WALK_MEMO
 * members. */
static bool eval_properties_fused(js_vctx *cx, const js_propmap *pm, json_object *inst,
                                  const js_frame *fr, size_t n, bool check_required)
{
    long memo[WALK_MEMO];
    size_t required = 0, i = 0;
    json_object_object_foreach(inst, key, val)
    {
        (void)val;
        size_t len = strlen(key);
        long j = js_propmap_find(pm, key, len, js_hash_bytes(key, len));
        if (n <= WALK_MEMO)
            memo[i++] = j;
        if (j >= 0 && pm->required)
            required += pm->required[j];
    }
    if (check_required && required != pm->nrequired)
        return false;
    for (int pass = 0; pass < (pm->additional ? 2 : 1); pass++) {
        i = 0;
        json_object_object_foreach(inst, key2, val2)
        {
            long j;
            if (n <= WALK_MEMO) {
                j = memo[i++];
            } else {
                size_t len = strlen(key2);
                j = js_propmap_find(pm, key2, len, js_hash_bytes(key2, len));
            }
            const js_schema *sub =
                pass == 0 ? (j >= 0 ? pm->schemas[j] : NULL) : (j < 0 ? pm->additional : NULL);
            if (sub && !eval_fast(cx, sub, val2, fr))
                return false;
        }
    }
    return true;
}

/* properties when nobody collects errors or annotations: only validity
 * counts, so no paths are built. It also does the keywords fused into it
 * (js_prepare_fast), in the order they would run: the fused required,
 * then the properties, then the fused additionalProperties, each member
 * found in the table once. A reordering (by_name, a required checked
 * last) is only done where no pattern can be searched below, since a
 * pattern error makes the result false. */
static bool eval_properties_fast(js_vctx *cx, const js_schema *s, const js_propmap *pm,
                                 json_object *inst, const js_frame *fr)
{
    bool any_order = !s->may_search;
    size_t n = (size_t)json_object_object_length(inst);
    if (any_order && !pm->additional && pm->count * 3 <= n * 2)
        return eval_properties_by_name(cx, pm, inst, fr);
    if (!pm->additional && (any_order || !pm->required || !pm->required_next))
        return eval_properties_walk(cx, pm, inst, fr, any_order);
    return eval_properties_fused(cx, pm, inst, fr, n,
                                 pm->required && (any_order || pm->required_next));
}

static bool eval_properties(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                            const js_frame *fr, js_evalset *ev)
{
    const js_propmap *pm = &kw->u.props;
    if (!cx->on_error && !ev)
        return eval_properties_fast(cx, s, pm, inst, fr);
    bool ok = true;
    size_t index = 0;
    json_object_object_foreach(inst, key, val)
    {
        size_t len = strlen(key);
        long j = js_propmap_find(pm, key, len, js_hash_bytes(key, len));
        if (j >= 0) {
            js_ev_mark(ev, index);
            js_path ip = {fr->ipath, key, len};
            if (!eval_property(cx, kw, pm->schemas[j], val, &ip, pm->names[j].str, len, fr,
                               "property")) {
                ok = false;
                if (!js_reporting(cx, fr))
                    return false;
            }
        }
        index++;
    }
    return ok;
}

/* A pattern that cannot be evaluated on a name does not apply its schema
 * (nor, for additionalProperties, leave the member "additional"). */
static bool eval_pattern_properties(js_vctx *cx, const js_schema *s, const js_kw *kw,
                                    json_object *inst, const js_frame *fr, js_evalset *ev)
{
    bool ok = true;
    size_t index = 0;
    json_object_object_foreach(inst, key, val)
    {
        size_t len = strlen(key);
        js_path ip = {fr->ipath, key, len};
        for (size_t i = 0; i < kw->u.patprops.count; i++) {
            const js_pattern_schema *ps = &kw->u.patprops.items[i];
            if (!js_search_kw(cx, fr, s, kw, &ip, &ps->re, key, len, 0))
                continue;
            js_ev_mark(ev, index);
            if (!eval_property(cx, kw, ps->schema, val, &ip, ps->re.source, strlen(ps->re.source),
                               fr, "property")) {
                ok = false;
                if (!js_reporting(cx, fr))
                    return false;
            }
        }
        index++;
    }
    return ok;
}

static bool matches_sibling(js_vctx *cx, const js_schema *s, const js_kw *kw, const js_frame *fr,
                            const js_path *ip, const char *key, size_t len)
{
    const js_propmap *pm = kw->u.additional.props;
    if (pm && js_propmap_find(pm, key, len, js_hash_bytes(key, len)) >= 0)
        return true;
    for (size_t i = 0; i < kw->u.additional.npatterns; i++) {
        if (js_search_kw(cx, fr, s, kw, ip, &kw->u.additional.patterns[i].re, key, len, 1))
            return true;
    }
    return false;
}

static bool eval_additional(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                            const js_frame *fr, js_evalset *ev)
{
    bool ok = true;
    size_t index = 0;
    json_object_object_foreach(inst, key, val)
    {
        size_t len = strlen(key);
        js_path ip = {fr->ipath, key, len};
        if (!matches_sibling(cx, s, kw, fr, &ip, key, len)) {
            js_ev_mark(ev, index);
            if (!eval_property(cx, kw, kw->u.additional.schema, val, &ip, NULL, 0, fr,
                               "additional property")) {
                ok = false;
                if (!js_reporting(cx, fr))
                    return false;
            }
        }
        index++;
    }
    return ok;
}

static bool eval_property_names(js_vctx *cx, const js_kw *kw, json_object *inst, const js_frame *fr)
{
    js_path kp = kw_path(fr, kw);
    bool ok = true;
    json_object_object_foreach(inst, key, val)
    {
        (void)val;
        json_object *name = json_object_new_string(key);
        bool name_ok = js_eval_sub(cx, kw->u.schema, name, fr, fr->ipath, &kp, true, NULL);
        json_object_put(name);
        if (!name_ok) {
            ok = false;
            if (!js_reporting(cx, fr))
                break;
        }
    }
    return ok;
}

static bool eval_unevaluated_properties(js_vctx *cx, const js_kw *kw, json_object *inst,
                                        const js_frame *fr, js_evalset *ev)
{
    bool ok = true;
    size_t index = 0;
    json_object_object_foreach(inst, key, val)
    {
        if (!ev || !js_ev_has(ev, index)) {
            js_path ip = {fr->ipath, key, strlen(key)};
            if (!eval_property(cx, kw, kw->u.schema, val, &ip, NULL, 0, fr,
                               "unevaluated property")) {
                ok = false;
                if (!js_reporting(cx, fr))
                    return false;
            }
        }
        index++;
    }
    if (ok && ev)
        ev->all = true;
    return ok;
}

/* ---- array applicators --------------------------------------------- */

static bool eval_item(js_vctx *cx, const js_kw *kw, const js_schema *sub, json_object *arr,
                      size_t i, bool token, const js_frame *fr, const char *what)
{
    js_path ip = {fr->ipath, NULL, i};
    js_path kp = kw_path(fr, kw);
    js_path tp = {&kp, NULL, i};
    if (!is_false_schema(sub))
        return js_eval_sub(cx, sub, json_object_array_get_idx(arr, i), fr, &ip, token ? &tp : &kp,
                           true, NULL);
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        rv_sb_printf(&msg, "%s %zu is not allowed", what, i);
        js_report(cx, &ip, token ? &tp : &kp, sub, NULL, &msg);
    }
    return false;
}

/* prefixItems, items, unevaluatedItems. */
static bool eval_items(js_vctx *cx, const js_kw *kw, json_object *inst, const js_frame *fr,
                       js_evalset *ev)
{
    size_t n = json_object_array_length(inst);
    bool ok = true;
    for (size_t i = kw->op == JS_OP_ITEMS ? kw->u.items.start : 0; i < n; i++) {
        const js_schema *sub;
        if (kw->op == JS_OP_PREFIX_ITEMS) {
            if (i >= kw->u.list.count)
                break;
            sub = kw->u.list.schemas[i];
        } else if (kw->op == JS_OP_UNEVALUATED_ITEMS) {
            if (ev && js_ev_has(ev, i))
                continue;
            sub = kw->u.schema;
        } else {
            sub = kw->u.items.schema;
        }
        js_ev_mark(ev, i);
        const char *what = kw->op == JS_OP_UNEVALUATED_ITEMS ? "unevaluated item" : "item";
        if (!eval_item(cx, kw, sub, inst, i, kw->op == JS_OP_PREFIX_ITEMS, fr, what)) {
            ok = false;
            if (!js_reporting(cx, fr))
                return false;
        }
    }
    if (ok && ev && kw->op != JS_OP_PREFIX_ITEMS)
        ev->all = true;
    return ok;
}

static bool eval_contains(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                          const js_frame *fr, js_evalset *ev)
{
    js_path kp = kw_path(fr, kw);
    size_t n = json_object_array_length(inst);
    uint64_t count = 0;
    bool need_all = ev || kw->u.contains.max != UINT64_MAX;
    for (size_t i = 0; i < n && (need_all || count < kw->u.contains.min); i++) {
        js_path ip = {fr->ipath, NULL, i};
        if (js_eval_sub(cx, kw->u.contains.schema, json_object_array_get_idx(inst, i), fr, &ip, &kp,
                        false, NULL)) {
            count++;
            js_ev_mark(ev, i);
        }
    }
    if (count >= kw->u.contains.min && count <= kw->u.contains.max)
        return true;
    if (js_reporting(cx, fr)) {
        strbuf msg = STRBUF_INIT;
        if (count == 0)
            rv_sb_puts(&msg, "no array item matches the contains schema");
        else if (count < kw->u.contains.min)
            rv_sb_printf(&msg,
                         "only %llu array items match the contains schema, minContains is %llu",
                         (unsigned long long)count, (unsigned long long)kw->u.contains.min);
        else
            rv_sb_printf(&msg, "%llu array items match the contains schema, maxContains is %llu",
                         (unsigned long long)count, (unsigned long long)kw->u.contains.max);
        js_fail_kw(cx, fr, s, kw, NULL, &msg);
    }
    return false;
}

bool js_eval_applicator(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                        unsigned t, const js_frame *fr, js_evalset *ev)
{
    (void)t;
    switch (kw->op) {
    case JS_OP_REF:
    case JS_OP_DYNAMIC_REF:
        return eval_ref(cx, kw, inst, fr, ev);
    case JS_OP_ALL_OF:
        return eval_all_of(cx, kw, inst, fr, ev);
    case JS_OP_ANY_OF:
        return eval_any_of(cx, s, kw, inst, fr, ev);
    case JS_OP_ONE_OF:
        return eval_one_of(cx, s, kw, inst, fr, ev);
    case JS_OP_NOT:
        return eval_not(cx, s, kw, inst, fr);
    case JS_OP_IF:
        return eval_if(cx, kw, inst, fr, ev);
    case JS_OP_DEPENDENT_SCHEMAS:
        return eval_dependent_schemas(cx, kw, inst, fr, ev);
    case JS_OP_PROPERTIES:
        return eval_properties(cx, s, kw, inst, fr, ev);
    case JS_OP_PATTERN_PROPERTIES:
        return eval_pattern_properties(cx, s, kw, inst, fr, ev);
    case JS_OP_ADDITIONAL_PROPERTIES:
        return eval_additional(cx, s, kw, inst, fr, ev);
    case JS_OP_PROPERTY_NAMES:
        return eval_property_names(cx, kw, inst, fr);
    case JS_OP_UNEVALUATED_PROPERTIES:
        return eval_unevaluated_properties(cx, kw, inst, fr, ev);
    case JS_OP_PREFIX_ITEMS:
    case JS_OP_ITEMS:
    case JS_OP_UNEVALUATED_ITEMS:
        return eval_items(cx, kw, inst, fr, ev);
    case JS_OP_CONTAINS:
        return eval_contains(cx, s, kw, inst, fr, ev);
    default:
        return true;
    }
}
