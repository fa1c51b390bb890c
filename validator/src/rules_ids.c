/* rules_ids.c - the ids rule family: the chunks of a stream share one id,
 * normalized ids (rec-<12 hex>) match the request hash the file is named
 * by, every tool message of a chat request answers a tool call of an
 * earlier assistant message, and a streamed tool call keeps its id.
 * Documented in docs/rules/ids.md. */
#include "rules_ids.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- ids of the body's items ----------------------------------------- */

/* Consecutive chunks (chunks without an id aside) that carry one id other
 * than the stream's first. */
typedef struct id_run {
    const char *id; /* NULL when no run is open */
    size_t first, last;
} id_run;

/* A normalized id that is not the expected one, counted over the body. */
typedef struct wrong_id {
    const char *id; /* borrowed from the tree */
    size_t first;
    size_t count;
} wrong_id;

/* One walk over the body for both checks: each item's id is looked up
 * once, and the rarer lookups wait until an id looks wrong. */
typedef struct id_walk {
    rv_file *f;
    bool list;
    bool stream;          /* check ids/inconsistent-stream-id */
    const char *expected; /* check normalized ids against it, or NULL */
    const char *source;
    const char *ref; /* the first chunk's id */
    size_t ref_item;
    id_run run;
    wrong_id *wrong;
    size_t nwrong, last;
} id_walk;

static void report_run(id_walk *w)
{
    if (!w->run.id)
        return;
    char ptr[RV_PTR_MAX], extent[64] = "";
    if (w->run.last > w->run.first)
        snprintf(extent, sizeof extent, " (and so on to chunk %zu)", w->run.last);
    rv_emit(w->f, RV_IDS_INCONSISTENT_STREAM_ID,
            rv_ptr(ptr, "/response/body/%zu/__data__/id", w->run.first),
            "chunk %zu has id \"%s\"%s but the stream began with \"%s\" (chunk %zu): the chunks of "
            "one stream belong to one completion",
            w->run.first, w->run.id, extent, w->ref, w->ref_item);
    w->run.id = NULL;
}

static void stream_step(id_walk *w, const char *id, size_t i)
{
    if (!w->ref) {
        w->ref = id;
        w->ref_item = i;
    } else if (strcmp(id, w->ref) == 0) {
        report_run(w);
    } else if (w->run.id && strcmp(id, w->run.id) == 0) {
        w->run.last = i;
    } else {
        report_run(w);
        w->run = (id_run){id, i, i};
    }
}

static bool is_normalized_id(const char *id)
{
    return strncmp(id, "rec-", 4) == 0 && strlen(id) == 16 && rv_is_hex(id + 4, 12);
}

/* The recorder normalizes the id of each object it serializes as a typed
 * envelope, except models (whose id is the model's name). */
static bool recorder_normalizes(json_object *item, json_object *data)
{
    const char *object = rv_get_string(data, "object");
    return rv_has(item, "__type__") && !(object && strcmp(object, "model") == 0);
}

static void count_wrong(id_walk *w, const char *id, size_t i)
{
    if (w->nwrong && strcmp(w->wrong[w->last].id, id) == 0) {
        w->wrong[w->last].count++;
        return;
    }
    for (size_t k = 0; k < w->nwrong; k++)
        if (strcmp(w->wrong[k].id, id) == 0) {
            w->wrong[k].count++;
            w->last = k;
            return;
        }
    w->wrong = rv_xrealloc(w->wrong, (w->nwrong + 1) * sizeof *w->wrong);
    w->wrong[w->nwrong] = (wrong_id){id, i, 1};
    w->last = w->nwrong++;
}

static void report_wrong(id_walk *w)
{
    for (size_t k = 0; k < w->nwrong; k++) {
        char ptr[RV_PTR_MAX], many[64] = "";
        if (w->wrong[k].count > 1)
            snprintf(many, sizeof many, " (%zu items carry it)", w->wrong[k].count);
        if (w->list)
            rv_ptr(ptr, "/response/body/%zu/__data__/id", w->wrong[k].first);
        else
            rv_ptr(ptr, "/response/body/__data__/id");
        rv_emit(w->f, RV_IDS_NORMALIZED_ID_MISMATCH, ptr,
                "normalized id \"%s\" does not match %s, which calls for \"rec-%s\" (the first 12 "
                "hex digits of the request hash)%s",
                w->wrong[k].id, w->source, w->expected, many);
    }
    free(w->wrong);
    w->wrong = NULL;
}

static void walk_item(id_walk *w, json_object *item, size_t i)
{
    json_object *data = rv_get_object(item, "__data__");
    const char *id = rv_get_string(data, "id");
    if (!id)
        return; /* absent or not a string: the schema's business */
    if (w->stream && !rv_is_filter_chunk(data))
        stream_step(w, id, i);
    if (w->expected && is_normalized_id(id) && strcmp(id + 4, w->expected) != 0 &&
        recorder_normalizes(item, data))
        count_wrong(w, id, i);
}

static void walk_ids(id_walk *w)
{
    rv_file *f = w->f;
    size_t n = w->list ? json_object_array_length(f->body) : f->body != NULL;
    for (size_t i = 0; i < n; i++)
        walk_item(w, w->list ? json_object_array_get_idx(f->body, i) : f->body, i);
    report_run(w);
    report_wrong(w);
}

void rv_ids_check_normalized(rv_file *f, const char *expected, const char *source)
{
    id_walk w = {.f = f,
                 .list = json_object_is_type(f->body, json_type_array),
                 .expected = expected,
                 .source = source};
    walk_ids(&w);
}

void rv_ids_each_normalized(const rv_file *f, rv_normalized_id_fn fn, void *ud)
{
    bool list = json_object_is_type(f->body, json_type_array);
    size_t n = list ? json_object_array_length(f->body) : f->body != NULL;
    for (size_t i = 0; i < n; i++) {
        json_object *item = list ? json_object_array_get_idx(f->body, i) : f->body;
        json_object *data = rv_get_object(item, "__data__");
        const char *id = rv_get_string(data, "id");
        if (id && is_normalized_id(id) && recorder_normalizes(item, data)) {
            char ptr[RV_PTR_MAX];
            if (list)
                rv_ptr(ptr, "/response/body/%zu/__data__/id", i);
            else
                rv_ptr(ptr, "/response/body/__data__/id");
            fn(ud, id, ptr);
        }
    }
}

/* ids/inconsistent-stream-id for chat and completion streams, and
 * ids/normalized-id-mismatch against the file name, in one walk. */
static void check_body_ids(rv_file *f)
{
    char expected[13];
    id_walk w = {.f = f, .list = json_object_is_type(f->body, json_type_array)};
    w.stream = w.list && (f->kind == RV_KIND_CHAT_STREAM || f->kind == RV_KIND_COMPLETION_STREAM);
    if (f->name_scheme != RV_NAME_OTHER) {
        memcpy(expected, f->name_hash, 12);
        expected[12] = '\0';
        w.expected = expected;
        w.source = "the file name";
    }
    if (w.stream || w.expected)
        walk_ids(&w);
}

/* --- ids/unknown-tool-call-id ---------------------------------------- */

/* The tool-call ids made so far, borrowed from the tree. */
typedef struct id_set {
    const char **ids;
    size_t n, cap;
} id_set;

static void collect_calls(id_set *s, json_object *msg)
{
    json_object *calls = rv_get_array(msg, "tool_calls");
    size_t n = calls ? json_object_array_length(calls) : 0;
    for (size_t k = 0; k < n; k++) {
        const char *id = rv_get_string(json_object_array_get_idx(calls, k), "id");
        if (!id)
            continue;
        if (s->n == s->cap) {
            s->cap = s->cap ? 2 * s->cap : 8;
            s->ids = rv_xrealloc(s->ids, s->cap * sizeof *s->ids);
        }
        s->ids[s->n++] = id;
    }
}

static void check_tool_message(rv_file *f, json_object *msg, size_t i, const id_set *made)
{
    char ptr[RV_PTR_MAX];
    if (!rv_has(msg, "tool_call_id")) {
        rv_emit(f, RV_IDS_UNKNOWN_TOOL_CALL_ID, rv_ptr(ptr, "/request/body/messages/%zu", i),
                "tool message %zu has no tool_call_id, so it answers no tool call", i);
        return;
    }
    rv_ptr(ptr, "/request/body/messages/%zu/tool_call_id", i);
    const char *id = rv_get_string(msg, "tool_call_id");
    if (!id)
        rv_emit(f, RV_IDS_UNKNOWN_TOOL_CALL_ID, ptr,
                "tool_call_id of tool message %zu is not a string, so it answers no tool call", i);
    else if (!rv_str_in(made->ids, made->n, id))
        rv_emit(f, RV_IDS_UNKNOWN_TOOL_CALL_ID, ptr,
                "tool message %zu answers tool call \"%s\", which no earlier assistant message "
                "made%s",
                i, id, made->n ? "" : " (no earlier assistant message made any tool call)");
}

static bool is_chat_request(const rv_file *f)
{
    return f->kind == RV_KIND_CHAT || f->kind == RV_KIND_CHAT_STREAM || rv_is_chat_endpoint(f);
}

static void check_tool_answers(rv_file *f)
{
    json_object *msgs = rv_get_array(f->request_body, "messages");
    if (!msgs || !is_chat_request(f))
        return;
    id_set made = {NULL, 0, 0};
    size_t n = json_object_array_length(msgs);
    for (size_t i = 0; i < n; i++) {
        json_object *msg = json_object_array_get_idx(msgs, i);
        const char *role = rv_get_string(msg, "role");
        if (role && strcmp(role, "assistant") == 0)
            collect_calls(&made, msg);
        else if (role && strcmp(role, "tool") == 0)
            check_tool_message(f, msg, i, &made);
    }
    free(made.ids);
}

/* --- ids/tool-call-id-changed ---------------------------------------- */

static void check_tool_call_changes(rv_file *f)
{
    const rv_stream *s = f->stream;
    if (!s || !s->streamed)
        return;
    for (size_t c = 0; c < s->nchoices; c++) {
        const rv_choice *ch = &s->choices[c];
        for (size_t k = 0; k < ch->ncalls; k++) {
            const rv_tool_call *t = &ch->calls[k];
            if (!t->id_changed)
                continue;
            char suffix[64], ptr[RV_PTR_MAX];
            snprintf(suffix, sizeof suffix, "%s/tool_calls/%zu/id", s->chat ? "/delta" : "",
                     t->changed_at.call_pos);
            rv_emit(f, RV_IDS_TOOL_CALL_ID_CHANGED, rv_choice_ptr(ptr, f, t->changed_at, suffix),
                    "tool call %lld of choice %lld changes its id from \"%s\" to \"%s\" in chunk "
                    "%zu: a consumer joining deltas by id sees two different calls",
                    (long long)t->index, (long long)ch->index, t->id, t->changed_id,
                    t->changed_at.item);
        }
    }
}

void rv_check_ids(rv_file *f)
{
    if (!f->root)
        return;
    check_body_ids(f);
    check_tool_answers(f);
    check_tool_call_changes(f);
}
