/* rules_finish_reason.c - the finish-reason rule family. Every choice of a
 * chat or text completion (streamed or single) finishes exactly once, with
 * one of the reasons OpenAI defines, and nothing but empty deltas or
 * usage-only chunks follow its finish; a choice that called tools should
 * finish with tool_calls. Works on the folded stream (stream.h). */
#include "stream.h"

#include <inttypes.h>
#include <string.h>

#define KNOWN_REASONS_TEXT "stop, length, tool_calls, content_filter, function_call"

/* Longest rendering of an offending value in a message. */
#define VALUE_SHOWN_MAX 60

/* Appends v as compact JSON, cut to VALUE_SHOWN_MAX bytes. */
static void put_value(strbuf *sb, json_object *v)
{
    const char *json = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    size_t n = strlen(json);
    if (n <= VALUE_SHOWN_MAX) {
        rv_sb_put(sb, json, n);
        return;
    }
    rv_sb_put(sb, json, rv_utf8_start(json, VALUE_SHOWN_MAX)); /* whole sequences only */
    rv_sb_puts(sb, "...");
}

/* "/delta/content" for a streamed chat choice, "/message/content" for a
 * single one, "/text" for a text completion. */
static const char *member_suffix(char buf[RV_PTR_MAX], const rv_stream *s, const char *member)
{
    if (!s->chat)
        return rv_ptr(buf, "/%s", member);
    return rv_ptr(buf, "/%s/%s", s->streamed ? "delta" : "message", member);
}

/* finish-reason/invalid-value, for every non-null finish_reason of every
 * chunk that is not a known value (a repeated finish may repeat one). */
static void check_values(rv_file *f, const rv_stream *s)
{
    for (size_t i = 0; i < s->nbad_finishes; i++) {
        json_object *fr = rv_get(rv_choice_at(f, s->bad_finishes[i]), "finish_reason");
        char ptr[RV_PTR_MAX];
        strbuf shown = STRBUF_INIT;
        put_value(&shown, fr);
        rv_emit(f, RV_FINISH_REASON_INVALID_VALUE,
                rv_choice_ptr(ptr, f, s->bad_finishes[i], "/finish_reason"),
                "finish_reason %s is not one of " KNOWN_REASONS_TEXT
                "; replay cannot rebuild the response",
                shown.data);
        rv_sb_free(&shown);
    }
}

/* finish-reason/empty-string: one warning per stream that marks its
 * unfinished chunks with "" (folded as null). */
static void check_empty_strings(rv_file *f, const rv_stream *s)
{
    if (s->nempty_finishes == 0)
        return;
    char ptr[RV_PTR_MAX];
    rv_emit(f, RV_FINISH_REASON_EMPTY_STRING,
            rv_choice_ptr(ptr, f, s->first_empty_finish, "/finish_reason"),
            "the stream marks %zu unfinished chunk%s with finish_reason \"\" instead of null, "
            "from chunk %zu on (text-generation-inference does); clients read \"\" as \"not "
            "finished\", and recval treats it as null",
            s->nempty_finishes, s->nempty_finishes == 1 ? "" : "s", s->first_empty_finish.item);
}

/* finish-reason/missing: no non-null finish_reason for this choice. Points
 * at the null finish_reason of the choice's last chunk, or at that choice
 * when it has no finish_reason member at all. */
static void check_missing(rv_file *f, const rv_stream *s, const rv_choice *c)
{
    if (c->finish_count > 0)
        return;
    bool has_member = rv_has(rv_choice_at(f, c->last), "finish_reason");
    char ptr[RV_PTR_MAX];
    rv_choice_ptr(ptr, f, c->last, has_member ? "/finish_reason" : "");
    if (s->streamed)
        rv_emit(f, RV_FINISH_REASON_MISSING, ptr,
                "choice %" PRId64 " never receives a finish_reason: it is last seen in chunk %zu "
                "and the stream ends (%zu chunk%s) without finishing it",
                c->index, c->last.item, s->nitems, s->nitems == 1 ? "" : "s");
    else
        rv_emit(f, RV_FINISH_REASON_MISSING, ptr, "choice %" PRId64 " has %s finish_reason",
                c->index, has_member ? "a null" : "no");
}

/* finish-reason/repeated: a second non-null finish_reason. */
static void check_repeated(rv_file *f, const rv_choice *c)
{
    if (c->finish_count < 2)
        return;
    json_object *second = rv_get(rv_choice_at(f, c->second_finish_at), "finish_reason");
    strbuf first_shown = STRBUF_INIT, second_shown = STRBUF_INIT;
    put_value(&first_shown, c->finish_value);
    put_value(&second_shown, second);
    char ptr[RV_PTR_MAX];
    rv_emit(f, RV_FINISH_REASON_REPEATED,
            rv_choice_ptr(ptr, f, c->second_finish_at, "/finish_reason"),
            "choice %" PRId64 " finishes again with %s in chunk %zu after finishing with %s in "
            "chunk %zu (%zu finish_reason values in all)",
            c->index, second_shown.data, c->second_finish_at.item, first_shown.data,
            c->finish_at.item, c->finish_count);
    rv_sb_free(&first_shown);
    rv_sb_free(&second_shown);
}

/* finish-reason/after-finish: output for a choice after its finish. */
static void check_after_finish(rv_file *f, const rv_stream *s, const rv_choice *c)
{
    if (!c->delta_after_finish)
        return;
    char suffix[RV_PTR_MAX], ptr[RV_PTR_MAX];
    member_suffix(suffix, s, c->after_finish_member);
    strbuf reason = STRBUF_INIT;
    put_value(&reason, c->finish_value);
    rv_emit(f, RV_FINISH_REASON_AFTER_FINISH, rv_choice_ptr(ptr, f, c->after_finish_at, suffix),
            "choice %" PRId64 " receives %s in chunk %zu after its finish_reason %s in chunk %zu; "
            "clients stop reading a choice at its finish and lose it",
            c->index, c->after_finish_member, c->after_finish_at.item, reason.data,
            c->finish_at.item);
    rv_sb_free(&reason);
}

/* finish-reason/tool-calls-mismatch: tool calls made, but the (valid)
 * finish_reason is something else. */
static void check_tool_calls_mismatch(rv_file *f, const rv_choice *c)
{
    if (c->ncalls == 0 || c->finish_count == 0 || !rv_finish_reason_known(c->finish_value) ||
        strcmp(c->finish_reason, "tool_calls") == 0)
        return;
    const char *name = c->calls[0].name ? c->calls[0].name : "(unnamed)";
    char ptr[RV_PTR_MAX];
    rv_emit(f, RV_FINISH_REASON_TOOL_CALLS_MISMATCH,
            rv_choice_ptr(ptr, f, c->finish_at, "/finish_reason"),
            "choice %" PRId64 " made %zu tool call%s (first: %s) but finished with \"%s\", not "
            "\"tool_calls\"; clients that dispatch on finish_reason will not run the call%s",
            c->index, c->ncalls, c->ncalls == 1 ? "" : "s", name, c->finish_reason,
            c->ncalls == 1 ? "" : "s");
}

void rv_check_finish_reason(rv_file *f)
{
    const rv_stream *s = f->stream;
    if (!s)
        return;
    check_values(f, s);
    check_empty_strings(f, s);
    for (size_t i = 0; i < s->nchoices; i++) {
        const rv_choice *c = &s->choices[i];
        check_missing(f, s, c);
        check_repeated(f, c);
        check_after_finish(f, s, c);
        check_tool_calls_mismatch(f, c);
    }
}
