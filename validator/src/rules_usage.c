/* rules_usage.c - the usage rule family. Checks the token counts of every
 * OpenAI-typed usage object (chat, text completion, embeddings; streamed
 * or single): totals add up, cached and reasoning counts fit in their
 * parents, counts are non-negative integers, usage repeated on several
 * chunks is cumulative (grows, one prompt count), and a stream whose request asked for usage
 * carries it. Provider-native usage (Gemini, Anthropic, Ollama) is not OpenAI usage and is left
 * alone. */
#include "stream.h"

#include "jsonscan.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One count as read from a usage object. */
typedef struct count {
    bool present; /* member present and not null */
    bool valid;   /* a non-negative integer */
    int64_t value;
} count;

/* The three counts every usage object has (completion is 0 when absent
 * or null, as embeddings usage has none). */
typedef struct usage_counts {
    count prompt, completion, total;
} usage_counts;

/* A usage object of the body and where it is. */
typedef struct usage_at {
    json_object *usage;
    size_t item;
    char ptr[RV_PTR_MAX]; /* pointer of the usage object */
} usage_at;

/* True when json-c may have clamped the integer v: it reads as the
 * largest or smallest int64, or beyond (json-c saturates instead of
 * failing). Only the text as written tells (number_text). */
static bool maybe_clamped(json_object *v)
{
    if (!json_object_is_type(v, json_type_int))
        return false;
    int64_t n = json_object_get_int64(v);
    return n == INT64_MAX || n == INT64_MIN;
}

/* The number at ptr as written in the file (the caller frees it); NULL
 * when it cannot be found. */
static char *number_text(const rv_file *f, const char *ptr)
{
    const char *want[1] = {ptr};
    unsigned line, col;
    rv_jscan_locate(f->text, f->len, want, 1, &line, &col);
    if (!line)
        return NULL;
    size_t i = 0;
    for (unsigned l = 1; l < line && i < f->len; i++)
        l += f->text[i] == '\n';
    for (unsigned c = 1; c < col && i < f->len; c++)
        for (i++; i < f->len && ((unsigned char)f->text[i] & 0xC0) == 0x80;)
            i++;
    size_t end = i;
    while (end < f->len && f->text[end] && strchr("+-.eE0123456789", f->text[end]))
        end++;
    return end > i ? rv_xstrndup(f->text + i, end - i) : NULL;
}

/* The text of v at ptr when json-c clamped it (it is beyond int64); NULL
 * when v is what the file says. */
static char *clamped_text(const rv_file *f, json_object *v, const char *ptr)
{
    if (!maybe_clamped(v))
        return NULL;
    char *text = number_text(f, ptr), as_read[32];
    snprintf(as_read, sizeof as_read, "%" PRId64, json_object_get_int64(v));
    if (text && strcmp(text, as_read) == 0) {
        free(text);
        return NULL;
    }
    return text ? text : rv_xstrdup(as_read);
}

static count read_count(json_object *obj, const char *key)
{
    count c = {false, false, 0};
    json_object *v = rv_get(obj, key);
    if (!v)
        return c;
    c.present = true;
    c.valid = rv_as_int(v, &c.value) && c.value >= 0 && !maybe_clamped(v);
    return c;
}

static usage_counts read_counts(json_object *usage)
{
    usage_counts u = {read_count(usage, "prompt_tokens"), read_count(usage, "completion_tokens"),
                      read_count(usage, "total_tokens")};
    if (!u.completion.present)
        u.completion.valid = true; /* value 0 */
    return u;
}

/* Says what is wrong with a value that is not a count, for messages. */
static const char *type_phrase(json_object *v)
{
    if (json_object_is_type(v, json_type_int))
        return "negative";
    if (!json_object_is_type(v, json_type_double))
        return rv_json_type_phrase(v);
    double d = json_object_get_double(v);
    if (isfinite(d) && d == floor(d))
        return d < 0 ? "negative" : "too large";
    return "not an integer";
}

/* usage/invalid-count for every *_tokens member of obj. Null means "not
 * reported" and is allowed, except for the top-level prompt_tokens and
 * total_tokens that every usage object reports. */
static void check_counts_of(rv_file *f, json_object *obj, const char *obj_ptr, bool top_level)
{
    json_object_object_foreach(obj, key, val)
    {
        if (!rv_ends_with(key, "_tokens"))
            continue;
        bool required =
            top_level && (strcmp(key, "prompt_tokens") == 0 || strcmp(key, "total_tokens") == 0);
        int64_t n;
        bool clamped = maybe_clamped(val);
        if ((!val && !required) || (val && !clamped && rv_as_int(val, &n) && n >= 0))
            continue;
        strbuf ptr = STRBUF_INIT;
        rv_sb_puts(&ptr, obj_ptr);
        rv_sb_putc(&ptr, '/');
        rv_sb_put_pointer_token(&ptr, key, strlen(key));
        char *written = clamped ? clamped_text(f, val, ptr.data) : NULL;
        if (clamped && !written && json_object_get_int64(val) >= 0) {
            rv_sb_free(&ptr); /* exactly 2^63 - 1, as written */
            continue;
        }
        if (written)
            rv_emit(f, RV_USAGE_INVALID_COUNT, ptr.data,
                    "%s is %.60s, not representable as a 64-bit integer (recval's JSON reader "
                    "would clamp it): token counts are non-negative integers below 2^63",
                    key, written);
        else if (val)
            rv_emit(f, RV_USAGE_INVALID_COUNT, ptr.data,
                    "%s is %s (%.40s): token counts are non-negative integers", key,
                    type_phrase(val), json_object_to_json_string_ext(val, JSON_C_TO_STRING_PLAIN));
        else
            rv_emit(f, RV_USAGE_INVALID_COUNT, ptr.data,
                    "%s is null: every usage object reports it as a non-negative integer", key);
        free(written);
        rv_sb_free(&ptr);
    }
}

static void check_invalid_counts(rv_file *f, const usage_at *u)
{
    char ptr[RV_PTR_MAX];
    check_counts_of(f, u->usage, u->ptr, true);
    static const char *const details[] = {"prompt_tokens_details", "completion_tokens_details"};
    for (size_t i = 0; i < 2; i++) {
        json_object *d = rv_get_object(u->usage, details[i]);
        if (d)
            check_counts_of(f, d, rv_ptr(ptr, "%s/%s", u->ptr, details[i]), false);
    }
}

static void check_total(rv_file *f, const usage_at *u, const usage_counts *c)
{
    if (!c->total.valid || !c->prompt.valid || !c->completion.valid)
        return;
    int64_t sum;
    bool overflow = __builtin_add_overflow(c->prompt.value, c->completion.value, &sum);
    if (!overflow && sum == c->total.value)
        return;
    char ptr[RV_PTR_MAX];
    rv_emit(f, RV_USAGE_TOTAL_MISMATCH, rv_ptr(ptr, "%s/total_tokens", u->ptr),
            "total_tokens is %" PRId64 " but prompt_tokens (%" PRId64
            ") + completion_tokens (%" PRId64 "%s) = %s%" PRId64,
            c->total.value, c->prompt.value, c->completion.value,
            c->completion.present ? "" : ", absent", overflow ? "more than " : "",
            overflow ? INT64_MAX : sum);
}

/* Emits `rule` when the count at obj/key exceeds limit. */
static void check_not_above(rv_file *f, rv_rule_id rule, json_object *obj, const char *obj_ptr,
                            const char *key, const char *limit_name, int64_t limit)
{
    count c = read_count(obj, key);
    if (!c.valid || c.value <= limit)
        return;
    char ptr[RV_PTR_MAX];
    rv_emit(f, rule, rv_ptr(ptr, "%s/%s", obj_ptr, key),
            "%s is %" PRId64 ", more than %s (%" PRId64 ")", key, c.value, limit_name, limit);
}

static void check_parts(rv_file *f, const usage_at *u, const usage_counts *c)
{
    char ptr[RV_PTR_MAX];
    if (c->prompt.valid) {
        json_object *pd = rv_get_object(u->usage, "prompt_tokens_details");
        check_not_above(f, RV_USAGE_CACHED_EXCEEDS_PROMPT, pd,
                        rv_ptr(ptr, "%s/prompt_tokens_details", u->ptr), "cached_tokens",
                        "prompt_tokens", c->prompt.value);
        check_not_above(f, RV_USAGE_CACHED_EXCEEDS_PROMPT, u->usage, u->ptr, "cached_tokens",
                        "prompt_tokens", c->prompt.value);
    }
    if (c->completion.valid) {
        json_object *cd = rv_get_object(u->usage, "completion_tokens_details");
        check_not_above(f, RV_USAGE_REASONING_EXCEEDS_COMPLETION, cd,
                        rv_ptr(ptr, "%s/completion_tokens_details", u->ptr), "reasoning_tokens",
                        "completion_tokens", c->completion.value);
    }
}

static bool counts_all_valid(const usage_counts *c)
{
    return c->prompt.valid && c->completion.valid && c->total.valid;
}

/* How usage b, later in the stream than a, breaks the cumulative
 * pattern; NULL when it does not. Sets *member to the count to point at. */
static const char *cumulative_break(const usage_counts *a, const usage_counts *b,
                                    const char **member)
{
    if (a->prompt.value != b->prompt.value) {
        *member = "prompt_tokens";
        return "changes the prompt count";
    }
    if (b->completion.value < a->completion.value) {
        *member = b->completion.present ? "completion_tokens" : NULL;
        return "decreases the completion count";
    }
    return NULL;
}

/* usage/not-cumulative: usage repeated in a stream is cumulative, as
 * Databricks (every chunk) and Fireworks with n > 1 (each choice's last
 * chunk) send it: the prompt count stays, the completion count never
 * goes down, and the last one is the stream's usage (a total that is not
 * their sum is usage/total-mismatch's business). One
 * diagnostic per stream, at the first usage that breaks the pattern
 * (compared with the usage before it). */
static void check_cumulative(rv_file *f, const usage_at *all, size_t n)
{
    const usage_at *prev = NULL, *bad = NULL;
    usage_counts cprev = {0}, cbad = {0}, cbefore = {0};
    const char *what = NULL, *member = NULL;
    size_t nbad = 0, before_item = 0;
    for (size_t i = 0; i < n; i++) {
        usage_counts c = read_counts(all[i].usage);
        if (!counts_all_valid(&c))
            continue;
        const char *m = NULL, *w = prev ? cumulative_break(&cprev, &c, &m) : NULL;
        if (w && nbad++ == 0) {
            bad = &all[i];
            cbad = c;
            cbefore = cprev;
            before_item = prev->item;
            what = w;
            member = m;
        }
        prev = &all[i];
        cprev = c;
    }
    if (!bad)
        return;
    char ptr[RV_PTR_MAX];
    rv_emit(f, RV_USAGE_NOT_CUMULATIVE, member ? rv_ptr(ptr, "%s/%s", bad->ptr, member) : bad->ptr,
            "usage of chunk %zu (prompt %" PRId64 ", completion %" PRId64 ", total %" PRId64
            ") %s from chunk %zu (prompt %" PRId64 ", completion %" PRId64 ", total %" PRId64
            "): usage repeated in a stream may only grow, with one prompt count%s",
            bad->item, cbad.prompt.value, cbad.completion.value, cbad.total.value, what,
            before_item, cbefore.prompt.value, cbefore.completion.value, cbefore.total.value,
            nbad > 1 ? "; later chunks break it too" : "");
}

static bool is_stream_kind(rv_kind k)
{
    return k == RV_KIND_CHAT_STREAM || k == RV_KIND_COMPLETION_STREAM;
}

static bool has_usage_kind(rv_kind k)
{
    return is_stream_kind(k) || k == RV_KIND_CHAT || k == RV_KIND_COMPLETION ||
           k == RV_KIND_EMBEDDINGS;
}

/* True when the request's stream_options sets `option` to true. */
static bool stream_option(const rv_file *f, const char *option)
{
    return rv_get_true(rv_get_object(f->request_body, "stream_options"), option);
}

/* usage/missing-in-stream. */
static void check_missing_in_stream(rv_file *f, size_t nusage)
{
    if (nusage > 0 || !is_stream_kind(f->kind) || !json_object_is_type(f->body, json_type_array) ||
        !stream_option(f, "include_usage"))
        return;
    rv_emit(f, RV_USAGE_MISSING_IN_STREAM, "/request/body/stream_options/include_usage",
            "the request sets stream_options.include_usage but no chunk of the stream (%zu "
            "chunk%s) carries usage; a client that waits for the final usage chunk gets none on "
            "replay",
            json_object_array_length(f->body), json_object_array_length(f->body) == 1 ? "" : "s");
}

/* Adds the usage of body item i when the item is OpenAI-typed (LiteLLM's
 * types are OpenAI's shape). */
static void add_usage(const rv_file *f, size_t i, usage_at **all, size_t *n)
{
    bool streamed = json_object_is_type(f->body, json_type_array);
    json_object *item = streamed ? json_object_array_get_idx(f->body, i) : f->body;
    const char *type = rv_get_string(item, "__type__");
    json_object *usage = rv_get_object(rv_get_object(item, "__data__"), "usage");
    if (!usage || !type ||
        (strncmp(type, "openai.", 7) != 0 && strncmp(type, "litellm.types.", 14) != 0))
        return;
    *all = rv_xrealloc(*all, (*n + 1) * sizeof **all);
    usage_at *u = &(*all)[(*n)++];
    u->usage = usage;
    u->item = i;
    if (streamed)
        rv_ptr(u->ptr, "/response/body/%zu/__data__/usage", i);
    else
        rv_ptr(u->ptr, "/response/body/__data__/usage");
}

/* Collects the usage objects of OpenAI-typed body items: those the fold
 * found (chat and completion kinds), else every item (embeddings). */
static size_t collect_usages(const rv_file *f, usage_at **out)
{
    usage_at *all = NULL;
    size_t n = 0;
    if (f->stream) {
        for (size_t k = 0; k < f->stream->usage_count; k++)
            add_usage(f, f->stream->usage_items[k], &all, &n);
    } else {
        bool streamed = json_object_is_type(f->body, json_type_array);
        size_t nitems = streamed ? json_object_array_length(f->body) : 1;
        for (size_t i = 0; i < nitems; i++)
            add_usage(f, i, &all, &n);
    }
    *out = all;
    return n;
}

void rv_check_usage(rv_file *f)
{
    if (!has_usage_kind(f->kind))
        return;
    usage_at *all;
    size_t n = collect_usages(f, &all);
    for (size_t i = 0; i < n; i++) {
        usage_counts c = read_counts(all[i].usage);
        check_invalid_counts(f, &all[i]);
        check_total(f, &all[i], &c);
        check_parts(f, &all[i], &c);
    }
    if (n > 1)
        check_cumulative(f, all, n);
    check_missing_in_stream(f, n);
    free(all);
}
