/* stream.c - folds chat/text completion responses into final choices. */
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

json_object *rv_body_data(const rv_file *f, size_t i)
{
    json_object *item = f->body;
    if (json_object_is_type(f->body, json_type_array))
        item = json_object_array_get_idx(f->body, i);
    else if (i != 0)
        return NULL;
    return rv_get_object(item, "__data__");
}

const char *rv_choice_ptr(char buf[RV_PTR_MAX], const rv_file *f, rv_loc loc, const char *suffix)
{
    if (json_object_is_type(f->body, json_type_array))
        return rv_ptr(buf, "/response/body/%zu/__data__/choices/%zu%s", loc.item, loc.choice_pos,
                      suffix);
    return rv_ptr(buf, "/response/body/__data__/choices/%zu%s", loc.choice_pos, suffix);
}

static rv_choice *choice_for(rv_stream *s, int64_t index)
{
    for (size_t i = 0; i < s->nchoices; i++)
        if (s->choices[i].index == index)
            return &s->choices[i];
    s->choices = xrealloc(s->choices, (s->nchoices + 1) * sizeof *s->choices);
    rv_choice *c = &s->choices[s->nchoices++];
    memset(c, 0, sizeof *c);
    c->index = index;
    return c;
}

static rv_tool_call *call_for(rv_choice *c, int64_t index, rv_loc loc)
{
    for (size_t i = 0; i < c->ncalls; i++)
        if (c->calls[i].index == index)
            return &c->calls[i];
    c->calls = xrealloc(c->calls, (c->ncalls + 1) * sizeof *c->calls);
    rv_tool_call *t = &c->calls[c->ncalls++];
    memset(t, 0, sizeof *t);
    t->index = index;
    t->first = loc;
    return t;
}

static bool nonempty_string(json_object *v)
{
    return json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0;
}

/* Folds one tool_calls entry (delta or message) into its call. */
static void fold_tool_call(rv_choice *c, json_object *tc, size_t pos, rv_loc loc, bool streamed)
{
    int64_t index = (int64_t)pos;
    json_object *iv = rv_get(tc, "index");
    if (streamed && iv)
        rv_as_int(iv, &index);
    rv_tool_call *t = call_for(c, index, loc);
    const char *id = rv_get_string(tc, "id");
    if (id && *id) {
        if (!t->id) {
            t->id = xstrdup(id);
        } else if (strcmp(t->id, id) != 0 && !t->id_changed) {
            t->id_changed = true;
            t->changed_at = loc;
            t->changed_id = xstrdup(id);
        }
    }
    json_object *fn = rv_get_object(tc, "function");
    json_object *name = rv_get(fn, "name");
    if (nonempty_string(name) && !t->name)
        t->name = xstrdup(json_object_get_string(name));
    json_object *args = rv_get(fn, "arguments");
    if (json_object_is_type(args, json_type_string)) {
        sb_put(&t->arguments, json_object_get_string(args), (size_t)json_object_get_string_len(args));
        t->has_arguments = true;
    }
}

static bool delta_has_output(json_object *delta, bool chat)
{
    json_object *content = rv_get(delta, chat ? "content" : "text");
    if (nonempty_string(content))
        return true;
    json_object *calls = rv_get_array(delta, "tool_calls");
    return calls && json_object_array_length(calls) > 0;
}

static void fold_finish(rv_choice *c, json_object *fr, rv_loc loc)
{
    if (!fr)
        return;
    c->finish_count++;
    if (c->finish_count == 1) {
        c->finish_value = fr;
        c->finish_reason = json_object_is_type(fr, json_type_string) ? json_object_get_string(fr)
                                                                      : NULL;
        c->finish_at = loc;
    } else if (c->finish_count == 2) {
        c->second_finish_at = loc;
    }
}

/* Folds one entry of a choices array. */
static void fold_choice(rv_stream *s, json_object *ch, rv_loc loc)
{
    int64_t index = (int64_t)loc.choice_pos;
    rv_as_int(rv_get(ch, "index"), &index);
    rv_choice *c = choice_for(s, index);
    json_object *msg = s->chat ? rv_get_object(ch, s->streamed ? "delta" : "message") : ch;
    if (c->finish_count > 0 && !c->delta_after_finish && delta_has_output(msg, s->chat)) {
        c->delta_after_finish = true;
        c->after_finish_at = loc;
    }
    json_object *content = rv_get(msg, s->chat ? "content" : "text");
    if (json_object_is_type(content, json_type_string)) {
        sb_put(&c->content, json_object_get_string(content),
               (size_t)json_object_get_string_len(content));
        c->has_content = true;
    }
    json_object *calls = rv_get_array(msg, "tool_calls");
    size_t ncalls = calls ? json_object_array_length(calls) : 0;
    for (size_t k = 0; k < ncalls; k++) {
        rv_loc cl = loc;
        cl.call_pos = k;
        fold_tool_call(c, json_object_array_get_idx(calls, k), k, cl, s->streamed);
    }
    fold_finish(c, rv_get(ch, "finish_reason"), loc);
    c->last = loc;
}

static void fold_item(rv_stream *s, json_object *data, size_t item)
{
    json_object *choices = rv_get_array(data, "choices");
    size_t n = choices ? json_object_array_length(choices) : 0;
    for (size_t k = 0; k < n; k++) {
        json_object *ch = json_object_array_get_idx(choices, k);
        if (json_object_is_type(ch, json_type_object))
            fold_choice(s, ch, (rv_loc){item, k, 0});
    }
}

rv_stream *rv_stream_fold(const rv_file *f)
{
    bool chat;
    switch (f->kind) {
    case RV_KIND_CHAT_STREAM:
    case RV_KIND_CHAT: chat = true; break;
    case RV_KIND_COMPLETION_STREAM:
    case RV_KIND_COMPLETION: chat = false; break;
    default: return NULL;
    }
    rv_stream *s = xcalloc(1, sizeof *s);
    s->chat = chat;
    s->streamed = json_object_is_type(f->body, json_type_array);
    s->nitems = s->streamed ? json_object_array_length(f->body) : 1;
    for (size_t i = 0; i < s->nitems; i++) {
        json_object *data = rv_body_data(f, i);
        if (data) {
            /* Completions streamed by some providers carry chat deltas. */
            if (!s->chat && i == 0 && s->streamed) {
                json_object *ch0 = json_object_array_get_idx(rv_get_array(data, "choices"), 0);
                if (rv_has(ch0, "delta"))
                    s->chat = true;
            }
            fold_item(s, data, i);
        }
    }
    return s;
}

void rv_stream_free(rv_stream *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nchoices; i++) {
        rv_choice *c = &s->choices[i];
        sb_free(&c->content);
        for (size_t k = 0; k < c->ncalls; k++) {
            free(c->calls[k].id);
            free(c->calls[k].name);
            free(c->calls[k].changed_id);
            sb_free(&c->calls[k].arguments);
        }
        free(c->calls);
    }
    free(s->choices);
    free(s);
}
