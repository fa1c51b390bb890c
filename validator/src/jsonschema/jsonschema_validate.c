/* jsonschema_validate.c - the evaluator core and the public validation
 * API. Read-only over the compiled graph; all state is per call (see
 * jsonschema_eval.h). Without an error callback evaluation stops at the
 * first failure, builds no message and takes the shortcuts the compiler
 * prepared (js_prepare_fast), which give the same validity. */
#include "jsonschema_eval.h"

#include <stdlib.h>

/* Longest rendering of a value inside a message. */
#define VALUE_MAX 80

void js_ev_init(js_evalset *ev, size_t n)
{
    ev->n = n;
    ev->all = false;
    if (n <= 64 * sizeof ev->local / sizeof ev->local[0]) {
        ev->bits = ev->local;
        memset(ev->local, 0, sizeof ev->local);
    } else {
        ev->bits = rv_xcalloc((n + 63) / 64, sizeof(uint64_t));
    }
}

void js_ev_free(js_evalset *ev)
{
    if (ev->bits != ev->local)
        free(ev->bits);
}

void js_ev_merge(js_evalset *dst, const js_evalset *src)
{
    if (!dst)
        return;
    if (src->all)
        dst->all = true;
    for (size_t w = 0; !dst->all && w < (dst->n + 63) / 64; w++)
        dst->bits[w] |= src->bits[w];
}

static size_t child_count(json_object *inst, unsigned t)
{
    if (t & JS_T_OBJECT)
        return (size_t)json_object_object_length(inst);
    return (t & JS_T_ARRAY) ? json_object_array_length(inst) : 0;
}

/* ---- error reporting ----------------------------------------------- */

static void render_path(strbuf *sb, const js_path *p)
{
    if (!p)
        return;
    render_path(sb, p->up);
    rv_sb_putc(sb, '/');
    if (p->key)
        rv_sb_put_pointer_token(sb, p->key, p->len);
    else
        rv_sb_printf(sb, "%zu", p->len);
}

static void emit_error_kind(js_vctx *cx, const js_path *ipath, const js_path *kpath,
                            const js_schema *s, const char *keyword, const char *message,
                            bool pattern_error)
{
    strbuf inst = STRBUF_INIT, kloc = STRBUF_INIT, abs = STRBUF_INIT;
    render_path(&inst, ipath);
    render_path(&kloc, kpath);
    rv_sb_puts(&abs, s->location);
    if (keyword) {
        rv_sb_putc(&abs, '/');
        rv_sb_put_pointer_token(&abs, keyword, strlen(keyword));
    }
    js_error e = {inst.data ? inst.data : "", kloc.data ? kloc.data : "", abs.data, message,
                  pattern_error};
    if (cx->on_error(&e, cx->user))
        cx->stopped = true;
    rv_sb_free(&inst);
    rv_sb_free(&kloc);
    rv_sb_free(&abs);
}

static void emit_error(js_vctx *cx, const js_path *ipath, const js_path *kpath, const js_schema *s,
                       const char *keyword, const char *message)
{
    emit_error_kind(cx, ipath, kpath, s, keyword, message, false);
}

int js_search_kw(js_vctx *cx, const js_frame *fr, const js_schema *s, const js_kw *kw,
                 const js_path *ip, const js_regex *re, const char *str, size_t n, int otherwise)
{
    int rc = js_regex_search(re, str, n, &cx->md);
    if (rc >= 0)
        return rc;
    cx->pattern_failed = true;
    bool repeated = cx->failed_re && cx->failed_subject == str &&
                    strcmp(cx->failed_re->source, re->source) == 0;
    cx->failed_re = re;
    cx->failed_subject = str;
    if (cx->on_error && !cx->stopped && !repeated) {
        strbuf msg = STRBUF_INIT;
        rv_sb_puts(&msg, "the pattern ");
        js_put_quoted(&msg, re->source, strlen(re->source));
        rv_sb_printf(&msg, " could not be evaluated on this %zu-byte string: ", n);
        js_regex_put_error(&msg, rc);
        rv_sb_puts(&msg, "; the keyword is not counted as failed");
        js_path kp = {fr->kpath, kw->name, kw->name_len};
        emit_error_kind(cx, ip ? ip : fr->ipath, &kp, s, kw->name, msg.data, true);
        rv_sb_free(&msg);
    }
    return otherwise;
}

void js_report(js_vctx *cx, const js_path *ip, const js_path *kp, const js_schema *where,
               const char *keyword, strbuf *msg)
{
    emit_error(cx, ip, kp, where, keyword, msg->data ? msg->data : "");
    rv_sb_free(msg);
}

void js_fail_kw(js_vctx *cx, const js_frame *fr, const js_schema *s, const js_kw *kw,
                const js_path *ip, strbuf *msg)
{
    js_path kp = {fr->kpath, kw->name, kw->name_len};
    js_report(cx, ip ? ip : fr->ipath, &kp, s, kw->name, msg);
}

void js_put_value(strbuf *sb, json_object *v)
{
    js_render_json(sb, v, VALUE_MAX);
}

void js_put_quoted(strbuf *sb, const char *s, size_t n)
{
    js_render_string(sb, s, n, VALUE_MAX);
}

/* ---- evaluation ---------------------------------------------------- */

static bool eval_schema(js_vctx *cx, const js_schema *s, json_object *inst, const js_frame *fr,
                        js_evalset *ev);

bool js_eval_sub(js_vctx *cx, const js_schema *sub, json_object *inst, const js_frame *fr,
                 const js_path *ip, const js_path *kp, bool report, js_evalset *ev)
{
    if (js_passes(cx, sub, inst))
        return true;
    js_frame f = {ip, kp, fr->scope, report && fr->report};
    return eval_schema(cx, sub, inst, &f, ev);
}

/* Evaluates keyword kw of s (t: the instance's type bits). The commonest
 * cases are done here: a type that holds, and, when nobody collects
 * errors (so no evaluation path is ever rendered), a $ref. */
static bool eval_keyword(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                         unsigned t, const js_frame *fr, js_evalset *use)
{
    if (kw->op == JS_OP_TYPE && (kw->u.type_mask & t))
        return true;
    if (kw->op == JS_OP_REF && !cx->on_error)
        return js_passes(cx, kw->u.schema, inst) || eval_schema(cx, kw->u.schema, inst, fr, use);
    return kw->op < JS_OP_REF ? js_eval_assertion(cx, s, kw, inst, t, fr, use)
                              : js_eval_applicator(cx, s, kw, inst, t, fr, use);
}

static bool eval_keywords(js_vctx *cx, const js_schema *s, json_object *inst, const js_frame *fr,
                          js_evalset *ev)
{
    unsigned t = js_type_bits(inst);
    js_evalset local;
    js_evalset *use = ev;
    if (s->tracks_evaluated) {
        js_ev_init(&local, child_count(inst, t));
        use = &local;
    }
    bool ok = true;
    for (size_t i = 0; i < s->nkw; i++) {
        const js_kw *kw = &s->kws[i];
        if (kw->types && !(kw->types & t))
            continue;
        /* the fast path of properties checks a fused required and
         * additionalProperties */
        if (kw->fused && !cx->on_error && !use &&
            (kw->fused == JS_FUSED_IN_ORDER || !s->may_search))
            continue;
        if (!eval_keyword(cx, s, kw, inst, t, fr, use)) {
            ok = false;
            if (!fr->report || cx->stopped)
                break;
        }
    }
    if (s->tracks_evaluated) {
        if (ok)
            js_ev_merge(ev, &local);
        js_ev_free(&local);
    }
    return ok;
}

/* Evaluates schema s on inst. Shortcuts that change nothing but the work
 * done: schemas that pass this json-c type outright, and (when nobody
 * collects errors, so paths are never rendered) a lone $ref goes straight
 * to its target. The dynamic scope only records resources that have
 * dynamic anchors: the others can never be the answer of a $dynamicRef. */
static bool eval_schema(js_vctx *cx, const js_schema *s, json_object *inst, const js_frame *fr,
                        js_evalset *ev)
{
    if (s->is_bool) {
        if (!s->bool_value && js_reporting(cx, fr))
            emit_error(cx, fr->ipath, fr->kpath, s, NULL,
                       "no value is allowed here (false schema)");
        return s->bool_value;
    }
    if (cx->depth >= JS_MAX_EVAL_DEPTH) {
        if (js_reporting(cx, fr))
            emit_error(cx, fr->ipath, fr->kpath, s, NULL,
                       "schema evaluation nested too deeply (a $ref cycle?)");
        return false;
    }
    if (js_passes(cx, s, inst))
        return true;
    cx->depth++;
    bool ok;
    if (s->ref_only && !cx->on_error) {
        ok = eval_schema(cx, s->ref_only, inst, fr, ev);
    } else if (s->resource->nanchors && (!fr->scope || fr->scope->res != s->resource)) {
        /* only resources with dynamic anchors matter to $dynamicRef */
        js_scope scope = {s->resource, fr->scope};
        js_frame f = *fr;
        f.scope = &scope;
        ok = eval_keywords(cx, s, inst, &f, ev);
    } else {
        ok = eval_keywords(cx, s, inst, fr, ev);
    }
    cx->depth--;
    return ok;
}

/* ---- public API ---------------------------------------------------- */

bool js_is_valid(const js_schema *schema, json_object *instance)
{
    return js_validate(schema, instance, NULL, NULL);
}

bool js_validate(const js_schema *schema, json_object *instance, js_error_fn on_error, void *ctx)
{
    js_vctx cx = {on_error, ctx, NULL, 0, false, false, NULL, NULL};
    js_frame fr = {NULL, NULL, NULL, on_error != NULL};
    bool ok = eval_schema(&cx, schema, instance, &fr, NULL);
    if (cx.md)
        pcre2_match_data_free(cx.md);
    return ok && !cx.pattern_failed;
}

typedef struct collector {
    js_error_list *out;
    size_t max;
} collector;

static int collect_error(const js_error *e, void *ctx)
{
    collector *c = ctx;
    js_error_list *l = c->out;
    if (l->count == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 8;
        l->items = rv_xrealloc(l->items, l->cap * sizeof *l->items);
    }
    js_error *copy = &l->items[l->count++];
    copy->instance_location = rv_xstrdup(e->instance_location);
    copy->keyword_location = rv_xstrdup(e->keyword_location);
    copy->absolute_keyword_location = rv_xstrdup(e->absolute_keyword_location);
    copy->message = rv_xstrdup(e->message);
    copy->pattern_error = e->pattern_error;
    return c->max && l->count >= c->max;
}

bool js_validate_collect(const js_schema *schema, json_object *instance, size_t max_errors,
                         js_error_list *out)
{
    collector c = {out, max_errors};
    return js_validate(schema, instance, collect_error, &c);
}

void js_error_list_free(js_error_list *list)
{
    for (size_t i = 0; i < list->count; i++) {
        rv_free_const(list->items[i].instance_location);
        rv_free_const(list->items[i].keyword_location);
        rv_free_const(list->items[i].absolute_keyword_location);
        rv_free_const(list->items[i].message);
    }
    free(list->items);
    list->items = NULL;
    list->count = list->cap = 0;
}
