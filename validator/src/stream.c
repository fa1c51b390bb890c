/* stream.c - folds chat/text completion responses, streamed or single,
 * into their final choices: content, finish_reason, tool calls reassembled
 * per (choice, tool index) with where each piece came from, and usage. */
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

bool rv_is_filter_chunk(json_object *data)
{
    json_object *choices = rv_get_array(data, "choices");
    const char *id = rv_get_string(data, "id");
    return choices && json_object_array_length(choices) == 0 && (!id || !*id) &&
           (rv_has(data, "prompt_filter_results") || rv_has(data, "content_filter_results"));
}

const char *rv_choice_ptr(char buf[RV_PTR_MAX], const rv_file *f, rv_loc loc, const char *suffix)
{
    if (json_object_is_type(f->body, json_type_array))
        return rv_ptr(buf, "/response/body/%zu/__data__/choices/%zu%s", loc.item, loc.choice_pos,
                      suffix);
    return rv_ptr(buf, "/response/body/__data__/choices/%zu%s", loc.choice_pos, suffix);
}

json_object *rv_choice_at(const rv_file *f, rv_loc loc)
{
    json_object *choices = rv_get_array(rv_body_data(f, loc.item), "choices");
    return choices ? json_object_array_get_idx(choices, loc.choice_pos) : NULL;
}

/* The member of a choice that holds its output: delta (streamed chat),
 * message (single chat) or the choice itself (text completion). */
static json_object *choice_output(json_object *choice, bool chat, bool streamed)
{
    if (!chat)
        return choice;
    return rv_get_object(choice, streamed ? "delta" : "message");
}

json_object *rv_call_at(const rv_file *f, const rv_stream *s, rv_loc loc)
{
    json_object *out = choice_output(rv_choice_at(f, loc), s->chat, s->streamed);
    json_object *calls = rv_get_array(out, "tool_calls");
    return calls ? json_object_array_get_idx(calls, loc.call_pos) : NULL;
}

const char *rv_call_ptr(char buf[RV_PTR_MAX], const rv_file *f, const rv_stream *s, rv_loc loc,
                        const char *suffix)
{
    char tail[RV_PTR_MAX];
    rv_ptr(tail, "/%s/tool_calls/%zu%s", s->streamed ? "delta" : "message", loc.call_pos, suffix);
    return rv_choice_ptr(buf, f, loc, tail);
}

static rv_choice *choice_for(rv_stream *s, int64_t index)
{
    for (size_t i = 0; i < s->nchoices; i++)
        if (s->choices[i].index == index)
            return &s->choices[i];
    s->choices = rv_xrealloc(s->choices, (s->nchoices + 1) * sizeof *s->choices);
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
    c->calls = rv_xrealloc(c->calls, (c->ncalls + 1) * sizeof *c->calls);
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

static void fold_call_id(rv_tool_call *t, json_object *tc, rv_loc loc)
{
    const char *id = rv_get_string(tc, "id");
    if (!id || !*id)
        return;
    if (!t->id) {
        t->id = rv_xstrdup(id);
    } else if (strcmp(t->id, id) != 0 && !t->id_changed) {
        t->id_changed = true;
        t->changed_at = loc;
        t->changed_id = rv_xstrdup(id);
    }
}

static void fold_call_arguments(rv_tool_call *t, json_object *args, rv_loc loc)
{
    if (!args)
        return;
    if (!json_object_is_type(args, json_type_string)) {
        if (!t->bad_arguments_type) {
            t->bad_arguments_type = true;
            t->bad_arguments_at = loc;
        }
        return;
    }
    t->has_arguments = true;
    size_t n = (size_t)json_object_get_string_len(args);
    if (n == 0)
        return;
    rv_sb_put(&t->arguments, json_object_get_string(args), n);
    t->frags = rv_xrealloc(t->frags, (t->nfrags + 1) * sizeof *t->frags);
    t->frags[t->nfrags++] = (rv_arg_frag){loc, t->arguments.len};
}

/* Folds one tool_calls entry (delta or message) into its call. */
static void fold_tool_call(rv_choice *c, json_object *tc, size_t pos, rv_loc loc, bool streamed)
{
    int64_t index = (int64_t)pos;
    json_object *iv = rv_get(tc, "index");
    if (streamed && iv)
        rv_as_int(iv, &index);
    rv_tool_call *t = call_for(c, index, loc);
    fold_call_id(t, tc, loc);
    json_object *fn = rv_get_object(tc, "function");
    /* Custom tool calls (type custom) carry custom {name, input}. */
    json_object *name = rv_get(fn ? fn : rv_get_object(tc, "custom"), "name");
    if (nonempty_string(name) && !t->name) {
        t->name = rv_xstrdup(json_object_get_string(name));
        t->name_at = loc;
    }
    fold_call_arguments(t, rv_get(fn, "arguments"), loc);
}

/* The first member of a delta (or message, or text choice) that carries
 * output, or NULL when it carries none: non-empty text, a tool call, a
 * function call. Role, logprobs and empty strings carry nothing. */
static const char *output_member(json_object *out, bool chat)
{
    static const char *const text_members[] = {"content", "refusal", "reasoning_content",
                                               "reasoning"};
    if (!chat)
        return nonempty_string(rv_get(out, "text")) ? "text" : NULL;
    for (size_t i = 0; i < sizeof text_members / sizeof text_members[0]; i++)
        if (nonempty_string(rv_get(out, text_members[i])))
            return text_members[i];
    json_object *calls = rv_get_array(out, "tool_calls");
    if (calls && json_object_array_length(calls) > 0)
        return "tool_calls";
    json_object *fc = rv_get_object(out, "function_call");
    if (nonempty_string(rv_get(fc, "name")) || nonempty_string(rv_get(fc, "arguments")))
        return "function_call";
    return NULL;
}

bool rv_finish_reason_known(json_object *v)
{
    static const char *const known[] = {"stop", "length", "tool_calls", "content_filter",
                                        "function_call"};
    if (!json_object_is_type(v, json_type_string))
        return false;
    const char *s = json_object_get_string(v);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(s, known[i]) == 0)
            return true;
    return false;
}

/* True for finish_reason "", which TGI sends on every unfinished chunk
 * and clients read as "not finished". */
static bool is_empty_string(json_object *v)
{
    return json_object_is_type(v, json_type_string) && json_object_get_string_len(v) == 0;
}

static void fold_finish(rv_stream *s, rv_choice *c, json_object *fr, rv_loc loc)
{
    if (!fr)
        return;
    if (s->streamed && is_empty_string(fr)) {
        if (s->nempty_finishes++ == 0)
            s->first_empty_finish = loc;
        return;
    }
    if (!rv_finish_reason_known(fr)) {
        s->bad_finishes =
            rv_xrealloc(s->bad_finishes, (s->nbad_finishes + 1) * sizeof *s->bad_finishes);
        s->bad_finishes[s->nbad_finishes++] = loc;
    }
    c->finish_count++;
    if (c->finish_count == 1) {
        c->finish_value = fr;
        c->finish_reason =
            json_object_is_type(fr, json_type_string) ? json_object_get_string(fr) : NULL;
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
    json_object *msg = choice_output(ch, s->chat, s->streamed);
    if (c->finish_count > 0 && !c->delta_after_finish) {
        const char *member = output_member(msg, s->chat);
        if (member) {
            c->delta_after_finish = true;
            c->after_finish_at = loc;
            c->after_finish_member = member;
        }
    }
    json_object *content = rv_get(msg, s->chat ? "content" : "text");
    if (json_object_is_type(content, json_type_string)) {
        rv_sb_put(&c->content, json_object_get_string(content),
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
    fold_finish(s, c, rv_get(ch, "finish_reason"), loc);
    c->last = loc;
}

static void fold_usage(rv_stream *s, json_object *data, size_t item)
{
    json_object *usage = rv_get_object(data, "usage");
    if (!usage)
        return;
    s->usage = usage;
    s->usage_item = item;
    s->usage_items = rv_xrealloc(s->usage_items, (s->usage_count + 1) * sizeof *s->usage_items);
    s->usage_items[s->usage_count++] = item;
}

static void fold_item(rv_stream *s, json_object *data, size_t item)
{
    fold_usage(s, data, item);
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
    case RV_KIND_CHAT:
        chat = true;
        break;
    case RV_KIND_COMPLETION_STREAM:
    case RV_KIND_COMPLETION:
        chat = false;
        break;
    default:
        return NULL;
    }
    rv_stream *s = rv_xcalloc(1, sizeof *s);
    s->chat = chat;
    s->streamed = json_object_is_type(f->body, json_type_array);
    s->nitems = s->streamed ? json_object_array_length(f->body) : 1;
    bool decided = false;
    for (size_t i = 0; i < s->nitems; i++) {
        json_object *data = rv_body_data(f, i);
        if (data) {
            /* Completions streamed by some providers carry chat deltas
             * (decided on the first chunk with choices). */
            if (!s->chat && !decided && s->streamed && !rv_is_filter_chunk(data)) {
                decided = true;
                json_object *choices = rv_get_array(data, "choices");
                json_object *ch0 = choices && json_object_array_length(choices)
                                       ? json_object_array_get_idx(choices, 0)
                                       : NULL;
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
        rv_sb_free(&c->content);
        for (size_t k = 0; k < c->ncalls; k++) {
            free(c->calls[k].id);
            free(c->calls[k].name);
            free(c->calls[k].changed_id);
            free(c->calls[k].frags);
            rv_sb_free(&c->calls[k].arguments);
        }
        free(c->calls);
    }
    free(s->choices);
    free(s->usage_items);
    free(s->bad_finishes);
    free(s);
}
