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

/* --- ids/inconsistent-stream-id -------------------------------------- */

/* Consecutive chunks (chunks without an id aside) that carry one id other
 * than the stream's first. */
typedef struct id_run {
    const char *id; /* NULL when no run is open */
    size_t first, last;
} id_run;

typedef struct stream_ref {
    const char *id; /* the first chunk's id */
    size_t item;
} stream_ref;

static void report_run(rv_file *f, const id_run *run, const stream_ref *ref)
{
    if (!run->id)
        return;
    char ptr[RV_PTR_MAX], extent[64] = "";
    if (run->last > run->first)
        snprintf(extent, sizeof extent, " (and so on to chunk %zu)", run->last);
    rv_emit(f, RV_IDS_INCONSISTENT_STREAM_ID,
            rv_ptr(ptr, "/response/body/%zu/__data__/id", run->first),
            "chunk %zu has id \"%s\"%s but the stream began with \"%s\" (chunk %zu): the chunks of "
            "one stream belong to one completion",
            run->first, run->id, extent, ref->id, ref->item);
}

static void check_stream_ids(rv_file *f)
{
    if (f->kind != RV_KIND_CHAT_STREAM && f->kind != RV_KIND_COMPLETION_STREAM)
        return;
    if (!json_object_is_type(f->body, json_type_array))
        return;
    size_t n = json_object_array_length(f->body);
    stream_ref ref = {NULL, 0};
    id_run run = {NULL, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const char *id = rv_get_string(rv_body_data(f, i), "id");
        if (!id)
            continue; /* absent or not a string: the schema's business */
        if (!ref.id) {
            ref = (stream_ref){id, i};
        } else if (strcmp(id, ref.id) == 0) {
            report_run(f, &run, &ref);
            run.id = NULL;
        } else if (run.id && strcmp(id, run.id) == 0) {
            run.last = i;
        } else {
            report_run(f, &run, &ref);
            run = (id_run){id, i, i};
        }
    }
    report_run(f, &run, &ref);
}

/* --- ids/normalized-id-mismatch -------------------------------------- */

typedef struct wrong_id {
    const char *id; /* borrowed from the tree */
    size_t first;
    size_t count;
} wrong_id;

static bool is_normalized_id(const char *id)
{
    return strncmp(id, "rec-", 4) == 0 && strlen(id) == 16 && rv_is_hex(id + 4, 12);
}

/* The normalized id of a body item, or NULL: the recorder normalizes the
 * id of each object it serializes as a typed envelope, except models
 * (whose id is the model's name). */
static const char *item_normalized_id(json_object *item)
{
    json_object *data = rv_get_object(item, "__data__");
    if (!data || !rv_has(item, "__type__"))
        return NULL;
    const char *object = rv_get_string(data, "object");
    if (object && strcmp(object, "model") == 0)
        return NULL;
    const char *id = rv_get_string(data, "id");
    return id && is_normalized_id(id) ? id : NULL;
}

static wrong_id *count_wrong(wrong_id *w, size_t *n, size_t *last, const char *id, size_t i)
{
    if (*n && strcmp(w[*last].id, id) == 0) {
        w[*last].count++;
        return w;
    }
    for (size_t k = 0; k < *n; k++)
        if (strcmp(w[k].id, id) == 0) {
            w[k].count++;
            *last = k;
            return w;
        }
    w = xrealloc(w, (*n + 1) * sizeof *w);
    w[*n] = (wrong_id){id, i, 1};
    *last = (*n)++;
    return w;
}

void rv_ids_check_normalized(rv_file *f, const char *expected, const char *source)
{
    bool list = json_object_is_type(f->body, json_type_array);
    size_t n = list ? json_object_array_length(f->body) : f->body != NULL;
    wrong_id *wrong = NULL;
    size_t nwrong = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        const char *id = item_normalized_id(list ? json_object_array_get_idx(f->body, i) : f->body);
        if (id && strcmp(id + 4, expected) != 0)
            wrong = count_wrong(wrong, &nwrong, &last, id, i);
    }
    for (size_t k = 0; k < nwrong; k++) {
        char ptr[RV_PTR_MAX], many[64] = "";
        if (wrong[k].count > 1)
            snprintf(many, sizeof many, " (%zu items carry it)", wrong[k].count);
        if (list)
            rv_ptr(ptr, "/response/body/%zu/__data__/id", wrong[k].first);
        else
            rv_ptr(ptr, "/response/body/__data__/id");
        rv_emit(f, RV_IDS_NORMALIZED_ID_MISMATCH, ptr,
                "normalized id \"%s\" does not match %s, which calls for \"rec-%s\" (the first 12 "
                "hex digits of the request hash)%s",
                wrong[k].id, source, expected, many);
    }
    free(wrong);
}

static void check_normalized_ids(rv_file *f)
{
    if (f->name_scheme == RV_NAME_OTHER)
        return;
    char expected[13];
    memcpy(expected, f->name_hash, 12);
    expected[12] = '\0';
    rv_ids_check_normalized(f, expected, "the file name");
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
            s->ids = xrealloc(s->ids, s->cap * sizeof *s->ids);
        }
        s->ids[s->n++] = id;
    }
}

static bool id_set_has(const id_set *s, const char *id)
{
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->ids[k], id) == 0)
            return true;
    return false;
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
    else if (!id_set_has(made, id))
        rv_emit(f, RV_IDS_UNKNOWN_TOOL_CALL_ID, ptr,
                "tool message %zu answers tool call \"%s\", which no earlier assistant message "
                "made%s",
                i, id, made->n ? "" : " (no earlier assistant message made any tool call)");
}

static bool is_chat_request(const rv_file *f)
{
    if (f->kind == RV_KIND_CHAT || f->kind == RV_KIND_CHAT_STREAM)
        return true;
    static const char suffix[] = "/chat/completions";
    const char *ep = rv_get_string(f->request, "endpoint");
    size_t n = ep ? strlen(ep) : 0, k = sizeof suffix - 1;
    return n >= k && strcmp(ep + n - k, suffix) == 0;
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
    check_stream_ids(f);
    check_normalized_ids(f);
    check_tool_answers(f);
    check_tool_call_changes(f);
}
