/* rules_tool_calls.c - the tool-calls rule family. Every tool call of a
 * chat completion response (reassembled per choice and tool index when
 * streamed, see stream.h) and of the request's assistant messages has a
 * function name and arguments that parse as a JSON object; a call in the
 * response names a function the request declares in tools, when it
 * declares any. Empty arguments ("" or none at all) mean "no arguments"
 * and are accepted, as clients read them as {}. */
#include "rules_tool_calls.h"
#include "jsonscan.h"
#include "stream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of arguments quoted in a message around the place they break. */
#define SNIPPET_MAX 40
/* Nesting of arguments read with a small tokener before trying max_depth. */
#define SHALLOW_DEPTH 64
/* Declared function names listed in an undeclared-function message. */
#define DECLARED_SHOWN_MAX 6

/* Function names the request declares in tools (borrowed strings). */
typedef struct declared {
    const char **names;
    size_t n;
} declared;

static void ignore_duplicate(void *ud, const char *pointer, size_t offset, const char *key)
{
    (void)ud, (void)pointer, (void)offset, (void)key;
}

static bool only_whitespace(const char *s, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        if (!strchr(" \t\r\n", s[i]) || !s[i])
            return false;
    return true;
}

/* Parses n bytes at s strictly (RFC 8259) with a tokener nesting at most
 * `depth` levels into *obj (NULL on error), setting *e and *end. */
static void tokenize(const char *s, size_t n, size_t depth, json_object **obj,
                     enum json_tokener_error *e, size_t *end)
{
    *obj = NULL;
    struct json_tokener *tok = json_tokener_new_ex((int)depth);
    if (!tok)
        rv_out_of_memory(sizeof *tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    *obj = json_tokener_parse_ex(tok, s, (int)n);
    *e = json_tokener_get_error(tok);
    *end = json_tokener_get_parse_end(tok);
    if (*e == json_tokener_continue) {
        /* A number or literal at the very end needs a terminator. */
        *obj = json_tokener_parse_ex(tok, "", 1);
        if (json_tokener_get_error(tok) == json_tokener_success)
            *e = json_tokener_success;
    }
    json_tokener_free(tok);
}

/* True when the text tokenized into obj (error e, parse end `end`) is one
 * JSON object with nothing but whitespace after it; else false with *err
 * saying where and why. */
static bool is_one_object(const char *s, size_t n, json_object *obj, enum json_tokener_error e,
                          size_t end, rv_args_error *err)
{
    if (e == json_tokener_continue) {
        *err = (rv_args_error){n, "the JSON text ends too early (cut off?)", ""};
    } else if (e != json_tokener_success) {
        *err = (rv_args_error){end < n ? end : n, json_tokener_error_desc(e), ""};
    } else if (!only_whitespace(s, end, n)) {
        *err = (rv_args_error){end, "unexpected text after the JSON value", ""};
    } else if (!json_object_is_type(obj, json_type_object)) {
        size_t start = 0;
        while (start < n && s[start] && strchr(" \t\r\n", s[start]))
            start++;
        *err = (rv_args_error){start, NULL, ""};
        snprintf(err->reason_buf, sizeof err->reason_buf, "the JSON value is %s",
                 rv_json_type_phrase(obj));
        err->reason = err->reason_buf;
    } else {
        return rv_jscan_check(s, n, ignore_duplicate, NULL, &err->offset, &err->reason) == JSCAN_OK;
    }
    return false;
}

/* A tokener is cheap for a few levels and costly for max_depth (json-c
 * zeroes a stack frame per level), so arguments are read shallow first and
 * deep only if needed. */
json_object *rv_parse_arguments(const char *s, size_t n, size_t max_depth, rv_args_error *err)
{
    rv_args_error unused;
    enum json_tokener_error e = json_tokener_success;
    size_t end = 0;
    size_t depth = max_depth < SHALLOW_DEPTH ? max_depth : SHALLOW_DEPTH;
    json_object *obj;
    tokenize(s, n, depth, &obj, &e, &end);
    if (e == json_tokener_error_depth && depth < max_depth)
        tokenize(s, n, max_depth, &obj, &e, &end);
    if (!err)
        err = &unused;
    if (is_one_object(s, n, obj, e, end, err))
        return obj;
    json_object_put(obj);
    return NULL;
}

/* True when arguments parse as rv_parse_arguments() wants them. */
static bool arguments_ok(const char *s, size_t n, size_t max_depth, rv_args_error *err)
{
    json_object *obj = rv_parse_arguments(s, n, max_depth, err);
    bool ok = obj != NULL;
    json_object_put(obj);
    return ok;
}

/* Appends up to SNIPPET_MAX bytes of s around offset as a JSON string. */
static void put_snippet(strbuf *sb, const char *s, size_t n, size_t offset)
{
    size_t from = offset > SNIPPET_MAX / 2 ? offset - SNIPPET_MAX / 2 : 0;
    size_t to = from + SNIPPET_MAX < n ? from + SNIPPET_MAX : n;
    from = rv_utf8_start(s, from); /* whole UTF-8 sequences only */
    to = rv_utf8_end(s, n, to);
    json_object *str = json_object_new_string_len(s + from, (int)(to - from));
    rv_sb_puts(sb, from > 0 ? "..." : "");
    rv_sb_puts(sb, json_object_to_json_string_ext(str, JSON_C_TO_STRING_PLAIN |
                                                           JSON_C_TO_STRING_NOSLASHESCAPE));
    rv_sb_puts(sb, to < n ? "..." : "");
    json_object_put(str);
}

/* Appends "<reason> at byte <offset> of <n>, near <snippet>". */
static void describe_args_error(strbuf *sb, const char *s, size_t n, const rv_args_error *err)
{
    rv_sb_printf(sb, "%s at byte %zu of %zu, near ", err->reason, err->offset, n);
    put_snippet(sb, s, n, err->offset);
}

/* --- declared functions -------------------------------------------- */

static declared read_declared(const rv_file *f)
{
    declared d = {NULL, 0};
    json_object *tools = rv_get_array(f->request_body, "tools");
    size_t n = tools ? json_object_array_length(tools) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *tool = json_object_array_get_idx(tools, i);
        const char *name = rv_get_string(rv_get_object(tool, "function"), "name");
        if (!name)
            name = rv_get_string(rv_get_object(tool, "custom"), "name");
        if (!name)
            name = rv_get_string(tool, "name"); /* Responses-style flat tools */
        if (!name)
            continue;
        d.names = rv_xrealloc(d.names, (d.n + 1) * sizeof *d.names);
        d.names[d.n++] = name;
    }
    return d;
}

static void put_declared_list(strbuf *sb, const declared *d)
{
    for (size_t i = 0; i < d->n && i < DECLARED_SHOWN_MAX; i++)
        rv_sb_printf(sb, "%s%s", i ? ", " : "", d->names[i]);
    if (d->n > DECLARED_SHOWN_MAX)
        rv_sb_printf(sb, ", and %zu more", d->n - DECLARED_SHOWN_MAX);
}

/* --- calls of the response ----------------------------------------- */

/* The fragment of a streamed call's arguments holding byte offset. */
static const rv_arg_frag *fragment_at(const rv_tool_call *t, size_t offset)
{
    for (size_t i = 0; i < t->nfrags; i++)
        if (offset < t->frags[i].end)
            return &t->frags[i];
    return &t->frags[t->nfrags - 1];
}

/* "tool call 1 (get_weather) of choice 0" */
static void put_call_label(strbuf *sb, const rv_choice *c, const rv_tool_call *t)
{
    rv_sb_printf(sb, "tool call %" PRId64, t->index);
    if (t->name)
        rv_sb_printf(sb, " (%s)", t->name);
    rv_sb_printf(sb, " of choice %" PRId64, c->index);
}

static void check_response_arguments(rv_file *f, const rv_stream *s, const rv_choice *c,
                                     const rv_tool_call *t)
{
    char ptr[RV_PTR_MAX];
    strbuf msg = STRBUF_INIT;
    put_call_label(&msg, c, t);
    if (t->bad_arguments_type) {
        json_object *fn = rv_get_object(rv_call_at(f, s, t->bad_arguments_at), "function");
        rv_sb_printf(&msg, ": arguments are %s, not a string holding a JSON object",
                     rv_json_type_phrase(rv_get(fn, "arguments")));
        rv_emit(f, RV_TOOL_CALLS_INVALID_ARGUMENTS,
                rv_call_ptr(ptr, f, s, t->bad_arguments_at, "/function/arguments"), "%s", msg.data);
    } else if (t->arguments.len > 0) {
        rv_args_error err;
        if (!arguments_ok(t->arguments.data, t->arguments.len, f->validator->max_depth, &err)) {
            const rv_arg_frag *frag = fragment_at(t, err.offset);
            rv_sb_puts(&msg, ": arguments are not a JSON object: ");
            describe_args_error(&msg, t->arguments.data, t->arguments.len, &err);
            if (s->streamed)
                rv_sb_printf(&msg, "; reassembled from %zu chunk%s", t->nfrags,
                             t->nfrags == 1 ? "" : "s");
            rv_emit(f, RV_TOOL_CALLS_INVALID_ARGUMENTS,
                    rv_call_ptr(ptr, f, s, frag->at, "/function/arguments"), "%s", msg.data);
        }
    }
    rv_sb_free(&msg);
}

/* Where a missing name belongs: the name member when present (null or
 * empty), else the function (or custom) object, else the tool call. */
static const char *missing_name_suffix(json_object *call)
{
    if (rv_get_object(call, "function"))
        return rv_has(rv_get_object(call, "function"), "name") ? "/function/name" : "/function";
    if (rv_get_object(call, "custom"))
        return rv_has(rv_get_object(call, "custom"), "name") ? "/custom/name" : "/custom";
    return "";
}

static void check_response_name(rv_file *f, const rv_stream *s, const rv_choice *c,
                                const rv_tool_call *t, const declared *d)
{
    char ptr[RV_PTR_MAX];
    if (!t->name) {
        const char *suffix = missing_name_suffix(rv_call_at(f, s, t->first));
        rv_emit(f, RV_TOOL_CALLS_MISSING_NAME, rv_call_ptr(ptr, f, s, t->first, suffix),
                "tool call %" PRId64 " of choice %" PRId64 " (id %s) has no function name%s; "
                "replay cannot dispatch it",
                t->index, c->index, t->id ? t->id : "none",
                s->streamed ? " in any of its chunks" : "");
        return;
    }
    if (d->n == 0 || rv_str_in(d->names, d->n, t->name))
        return;
    strbuf list = STRBUF_INIT;
    put_declared_list(&list, d);
    rv_emit(f, RV_TOOL_CALLS_UNDECLARED_FUNCTION,
            rv_call_ptr(ptr, f, s, t->name_at, "/function/name"),
            "tool call %" PRId64 " of choice %" PRId64 " calls \"%s\", which the request does not "
            "declare in tools (declared: %s)",
            t->index, c->index, t->name, list.data);
    rv_sb_free(&list);
}

static void check_response_calls(rv_file *f, const declared *d)
{
    const rv_stream *s = f->stream;
    if (!s || !s->chat)
        return;
    for (size_t i = 0; i < s->nchoices; i++) {
        const rv_choice *c = &s->choices[i];
        for (size_t k = 0; k < c->ncalls; k++) {
            check_response_name(f, s, c, &c->calls[k], d);
            check_response_arguments(f, s, c, &c->calls[k]);
        }
    }
}

/* --- calls of the request's assistant messages ------------------------ */

static void check_request_call(rv_file *f, json_object *call, size_t msg_pos, size_t call_pos)
{
    char base[RV_PTR_MAX], ptr[RV_PTR_MAX];
    rv_ptr(base, "/request/body/messages/%zu/tool_calls/%zu", msg_pos, call_pos);
    json_object *fn = rv_get_object(call, "function");
    json_object *name = rv_get(fn ? fn : rv_get_object(call, "custom"), "name");
    if (!json_object_is_type(name, json_type_string) || json_object_get_string_len(name) == 0)
        rv_emit(f, RV_TOOL_CALLS_MISSING_NAME, rv_ptr(ptr, "%s%s", base, missing_name_suffix(call)),
                "tool call %zu of message %zu has no function name", call_pos, msg_pos);
    json_object *args = rv_get(fn, "arguments");
    if (!args)
        return;
    rv_ptr(ptr, "%s/function/arguments", base);
    if (!json_object_is_type(args, json_type_string)) {
        rv_emit(f, RV_TOOL_CALLS_INVALID_ARGUMENTS, ptr,
                "tool call %zu of message %zu: arguments are %s, not a string holding a JSON "
                "object",
                call_pos, msg_pos, rv_json_type_phrase(args));
        return;
    }
    const char *text = json_object_get_string(args);
    size_t len = (size_t)json_object_get_string_len(args);
    rv_args_error err;
    if (len == 0 || arguments_ok(text, len, f->validator->max_depth, &err))
        return;
    strbuf msg = STRBUF_INIT;
    describe_args_error(&msg, text, len, &err);
    rv_emit(f, RV_TOOL_CALLS_INVALID_ARGUMENTS, ptr,
            "tool call %zu of message %zu: arguments are not a JSON object: %s", call_pos, msg_pos,
            msg.data);
    rv_sb_free(&msg);
}

static void check_request_calls(rv_file *f)
{
    json_object *messages = rv_get_array(f->request_body, "messages");
    if (!messages || !rv_is_chat_endpoint(f))
        return;
    size_t n = json_object_array_length(messages);
    for (size_t i = 0; i < n; i++) {
        json_object *calls = rv_get_array(json_object_array_get_idx(messages, i), "tool_calls");
        size_t ncalls = calls ? json_object_array_length(calls) : 0;
        for (size_t k = 0; k < ncalls; k++) {
            json_object *call = json_object_array_get_idx(calls, k);
            if (json_object_is_type(call, json_type_object))
                check_request_call(f, call, i, k);
        }
    }
}

void rv_check_tool_calls(rv_file *f)
{
    declared d = read_declared(f);
    check_response_calls(f, &d);
    check_request_calls(f);
    free(d.names);
}
