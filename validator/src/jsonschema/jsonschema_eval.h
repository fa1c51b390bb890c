/* jsonschema_eval.h - per-call evaluation state shared by the evaluator
 * core (jsonschema_validate.c) and the keyword evaluators
 * (jsonschema_eval_*.c). Everything here lives on the caller's stack. */
#ifndef RECVAL_JSONSCHEMA_EVAL_H
#define RECVAL_JSONSCHEMA_EVAL_H

#include <string.h>

#include "jsonschema_impl.h"

/* One step of an instance or evaluation path; key NULL means array index.
 * Paths are linked lists on the stack, rendered only for an error. */
typedef struct js_path {
    const struct js_path *up;
    const char *key;
    size_t len; /* key length, or the index */
} js_path;

/* The dynamic scope: resources entered so far, innermost first. */
typedef struct js_scope {
    const js_resource *res;
    const struct js_scope *up;
} js_scope;

/* Where an evaluation happens and whether its failures are reported. */
typedef struct js_frame {
    const js_path *ipath, *kpath;
    const js_scope *scope;
    bool report;
} js_frame;

/* One validation call. */
typedef struct js_vctx {
    js_error_fn on_error;
    void *user;
    pcre2_match_data *md; /* created on first regex use */
    unsigned depth;
    bool stopped;        /* the callback asked to stop */
    bool pattern_failed; /* some pattern could not be evaluated */
    /* The last pattern error reported: the same pattern on the same
     * string (patternProperties, then additionalProperties) once. */
    const js_regex *failed_re;
    const char *failed_subject;
} js_vctx;

/* Which children (properties by iteration index, or items) of the current
 * instance were evaluated successfully, for unevaluated*. */
typedef struct js_evalset {
    size_t n;
    bool all;
    uint64_t *bits;
    uint64_t local[4];
} js_evalset;

/* Sizes the set for n children (heap only above 256). */
void js_ev_init(js_evalset *ev, size_t n);
/* Frees a set made by js_ev_init. */
void js_ev_free(js_evalset *ev);
/* Adds the annotations of src to dst (dst may be NULL). */
void js_ev_merge(js_evalset *dst, const js_evalset *src);

/* Marks child i as evaluated (ev may be NULL: nobody is tracking). */
static inline void js_ev_mark(js_evalset *ev, size_t i)
{
    if (ev && i < ev->n)
        ev->bits[i / 64] |= 1ULL << (i % 64);
}

/* True if child i was evaluated. */
static inline bool js_ev_has(const js_evalset *ev, size_t i)
{
    return ev->all || (ev->bits[i / 64] >> (i % 64)) & 1;
}

/* Evaluate one keyword; t is js_type_bits(inst). Assertions are the ops
 * before JS_OP_REF (jsonschema_eval_assert.c), applicators the rest
 * (jsonschema_eval_apply.c). */
bool js_eval_assertion(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                       unsigned t, const js_frame *fr, js_evalset *ev);
bool js_eval_applicator(js_vctx *cx, const js_schema *s, const js_kw *kw, json_object *inst,
                        unsigned t, const js_frame *fr, js_evalset *ev);

/* Nested schema evaluations allowed before giving up (a $ref cycle that
 * consumes no instance depth, or a pathologically deep instance). */
#define JS_MAX_EVAL_DEPTH 1000

/* True when object schema sub accepts inst outright (its `passes`
 * shortcut, see js_prepare_passes) at this depth: evaluating it would
 * report nothing, annotate nothing and return true. */
static inline bool js_passes(const js_vctx *cx, const js_schema *sub, json_object *inst)
{
    return sub->passes && (sub->passes >> json_object_get_type(inst)) & 1 &&
           cx->depth + sub->passes_depth < JS_MAX_EVAL_DEPTH;
}

/* Evaluates subschema `sub` at instance path ip / evaluation path kp;
 * failures are reported only if `report` and the frame reports. */
bool js_eval_sub(js_vctx *cx, const js_schema *sub, json_object *inst, const js_frame *fr,
                 const js_path *ip, const js_path *kp, bool report, js_evalset *ev);

/* True when failures in this frame are to be reported (messages are only
 * built then). */
static inline bool js_reporting(const js_vctx *cx, const js_frame *fr)
{
    return fr->report && !cx->stopped;
}

/* Reports msg at instance path ip and evaluation path kp; the absolute
 * location is where's location, plus "/keyword" unless keyword is NULL.
 * Frees msg. */
void js_report(js_vctx *cx, const js_path *ip, const js_path *kp, const js_schema *where,
               const char *keyword, strbuf *msg);
/* Reports msg for keyword kw of s at instance path ip (NULL: the frame's)
 * and frees msg. */
void js_fail_kw(js_vctx *cx, const js_frame *fr, const js_schema *s, const js_kw *kw,
                const js_path *ip, strbuf *msg);

/* Searches re in s[0..n) for keyword kw of s at instance path ip (NULL:
 * the frame's): 1 match, 0 no match. When PCRE2 cannot finish, reports a
 * pattern error (whatever the frame's reporting) and returns `otherwise`,
 * the answer that reports no failure. */
int js_search_kw(js_vctx *cx, const js_frame *fr, const js_schema *s, const js_kw *kw,
                 const js_path *ip, const js_regex *re, const char *str, size_t n, int otherwise);

/* Appends a value / a string as short JSON for messages. */
void js_put_value(strbuf *sb, json_object *v);
void js_put_quoted(strbuf *sb, const char *s, size_t n);

#endif
