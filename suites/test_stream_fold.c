/* test_stream_fold.c - the replay suite. Streams every valid recording
 * under recordings/valid through the folder (stream.h), the way a
 * replaying client reads it, and asserts that every chat or completion
 * choice reassembles cleanly: one known finish_reason, nothing after it,
 * named tool calls with object arguments, usage that adds up. For the
 * seeds and the tool-call recordings it asserts the exact reassembled
 * answers, tool calls and usage. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"
#include "stream.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LEGACY_DIR "recordings/valid/legacy/tests/integration/recordings/responses/"
#define CURRENT_DIR "recordings/valid/current/tests/integration/responses/recordings/"
#define SEED_000 LEGACY_DIR "e22f98c05933.json"
#define SEED_003 LEGACY_DIR "6730dcde0b73.json"
#define SEED_002 CURRENT_DIR "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251.json"
#define SEED_004 CURRENT_DIR "8ff1917b614181d58694804c955f8144a3128e54c7c1fd8f1529bb305ed775d0.json"

/* A recording parsed, classified and folded. */
typedef struct folded {
    rv_file f;
    char *text;
    rv_stream *s;
} folded;

static void fold_file(const char *path, folded *out)
{
    memset(out, 0, sizeof *out);
    out->text = rvt_read_file(path, &out->f.len);
    assert_non_null(out->text);
    out->f.path = path;
    const char *slash = strrchr(path, '/');
    out->f.base = slash ? slash + 1 : path;
    out->f.text = out->text;
    out->f.root = json_tokener_parse(out->text);
    assert_non_null(out->f.root);
    rv_classify(&out->f);
    out->s = rv_stream_fold(&out->f);
    out->f.stream = out->s;
}

static void unfold(folded *x)
{
    rv_stream_free(x->s);
    json_object_put(x->f.root);
    free(x->text);
}

static int64_t usage_count(json_object *usage, const char *key)
{
    int64_t v = -1;
    assert_true(rv_as_int(rv_get(usage, key), &v));
    return v;
}

/* --- every valid recording ------------------------------------------- */

static bool is_known_reason(const char *r)
{
    static const char *const known[] = {"stop", "length", "tool_calls", "content_filter",
                                        "function_call"};
    for (size_t i = 0; r && i < sizeof known / sizeof known[0]; i++)
        if (strcmp(r, known[i]) == 0)
            return true;
    return false;
}

static bool is_object_text(const strbuf *args)
{
    if (args->len == 0)
        return true; /* no arguments */
    json_object *o = json_tokener_parse(args->data);
    bool ok = json_object_is_type(o, json_type_object);
    json_object_put(o);
    return ok;
}

static void assert_call_replays(const rv_tool_call *t)
{
    assert_non_null(t->name);
    assert_non_null(t->id);
    assert_false(t->id_changed);
    assert_false(t->bad_arguments_type);
    assert_true(is_object_text(&t->arguments));
}

static void assert_choice_replays(const rv_choice *c)
{
    assert_int_equal(c->finish_count, 1);
    assert_true(is_known_reason(c->finish_reason));
    assert_false(c->delta_after_finish);
    if (c->ncalls > 0)
        assert_string_equal(c->finish_reason, "tool_calls");
    for (size_t k = 0; k < c->ncalls; k++)
        assert_call_replays(&c->calls[k]);
}

static void assert_usage_adds_up(json_object *usage)
{
    int64_t completion = 0;
    rv_as_int(rv_get(usage, "completion_tokens"), &completion);
    assert_int_equal(usage_count(usage, "total_tokens"),
                     usage_count(usage, "prompt_tokens") + completion);
}

static void replay_one(const char *path, void *ud)
{
    size_t *nfolded = ud;
    folded x;
    fold_file(path, &x);
    bool foldable = x.f.kind == RV_KIND_CHAT || x.f.kind == RV_KIND_CHAT_STREAM ||
                    x.f.kind == RV_KIND_COMPLETION || x.f.kind == RV_KIND_COMPLETION_STREAM;
    assert_int_equal(x.s != NULL, foldable);
    if (x.s) {
        print_message("%s: %zu items, %zu choices\n", path, x.s->nitems, x.s->nchoices);
        (*nfolded)++;
        assert_int_equal(x.s->streamed, json_object_is_type(x.f.body, json_type_array));
        assert_true(x.s->nchoices >= 1);
        for (size_t i = 0; i < x.s->nchoices; i++)
            assert_choice_replays(&x.s->choices[i]);
        json_object *so = rv_get_object(x.f.request_body, "stream_options");
        if (x.s->streamed && json_object_get_boolean(rv_get(so, "include_usage")))
            assert_non_null(x.s->usage);
        if (x.s->usage)
            assert_usage_adds_up(x.s->usage);
    }
    unfold(&x);
}

static void every_valid_recording_replays(void **state)
{
    (void)state;
    size_t nfolded = 0;
    size_t n = rvt_each_json(rvt_path("recordings/valid"), replay_one, &nfolded);
    print_message("%zu valid recordings, %zu folded\n", n, nfolded);
    assert_true(nfolded >= 7);
}

/* --- the seeds ---------------------------------------------------------- */

static void assert_answer(const rv_choice *c, int64_t index, const char *content,
                          const char *finish, size_t finish_item)
{
    assert_int_equal(c->index, index);
    assert_true(c->has_content);
    assert_string_equal(c->content.data, content);
    assert_string_equal(c->finish_reason, finish);
    assert_int_equal(c->finish_at.item, finish_item);
    assert_int_equal(c->ncalls, 0);
}

/* Seed 000: Fireworks, n=2, chunks of the two choices interleaved, usage
 * repeated on each choice's finishing chunk. */
static void seed_000_two_choices(void **state)
{
    (void)state;
    folded x;
    fold_file(rvt_path(SEED_000), &x);
    assert_true(x.s->streamed);
    assert_int_equal(x.s->nitems, 40);
    assert_int_equal(x.s->nchoices, 2);
    static const char answer[] =
        "The capital of the United States is Washington, D.C. (short for District of Columbia).";
    assert_answer(&x.s->choices[0], 0, answer, "stop", 38);
    assert_answer(&x.s->choices[1], 1, answer, "stop", 39);
    assert_int_equal(x.s->usage_count, 2);
    assert_int_equal(x.s->usage_item, 39);
    assert_int_equal(usage_count(x.s->usage, "prompt_tokens"), 20);
    assert_int_equal(usage_count(x.s->usage, "completion_tokens"), 40);
    assert_int_equal(usage_count(x.s->usage, "total_tokens"), 60);
    unfold(&x);
}

/* Seeds 001 and 003: Together, the same answer before and after id
 * normalization; the finishing chunk carries content "" and usage with a
 * top-level cached_tokens. */
static void seeds_001_003_together(void **state)
{
    (void)state;
    static const char *const paths[] = {
        "recordings/valid/legacy-unnormalized/tests/integration/recordings/responses/"
        "6730dcde0b73.json",
        SEED_003};
    for (size_t i = 0; i < 2; i++) {
        folded x;
        fold_file(rvt_path(paths[i]), &x);
        assert_int_equal(x.s->nitems, 25);
        assert_int_equal(x.s->nchoices, 1);
        assert_answer(&x.s->choices[0], 0,
                      "Hello! It's nice to meet you. Is there something I can help you with or "
                      "would you like to chat?",
                      "stop", 24);
        assert_int_equal(x.s->usage_count, 1);
        assert_int_equal(usage_count(x.s->usage, "total_tokens"), 64);
        assert_int_equal(usage_count(x.s->usage, "cached_tokens"), 0);
        unfold(&x);
    }
}

/* Seed 002: OpenAI with include_usage: the usage arrives alone, in a last
 * chunk with no choices, after the finish. */
static void seed_002_usage_chunk(void **state)
{
    (void)state;
    folded x;
    fold_file(rvt_path(SEED_002), &x);
    assert_int_equal(x.s->nitems, 32);
    assert_int_equal(x.s->nchoices, 1);
    assert_answer(&x.s->choices[0], 0,
                  "The planet with rings around it that starts with the letter \"S\" is Saturn. "
                  "Saturn is well known for its prominent and extensive ring system.",
                  "stop", 30);
    assert_int_equal(x.s->choices[0].last.item, 30);
    assert_int_equal(x.s->usage_count, 1);
    assert_int_equal(x.s->usage_item, 31);
    json_object *u = x.s->usage;
    assert_int_equal(usage_count(u, "prompt_tokens"), 21);
    assert_int_equal(usage_count(u, "completion_tokens"), 29);
    assert_int_equal(usage_count(u, "total_tokens"), 50);
    assert_int_equal(usage_count(rv_get_object(u, "prompt_tokens_details"), "cached_tokens"), 0);
    assert_int_equal(usage_count(rv_get_object(u, "completion_tokens_details"), "reasoning_tokens"),
                     0);
    unfold(&x);
}

/* Seed 004: the answer after two tool turns (the calls are in the request
 * history, not in this response). */
static void seed_004_answer_after_tools(void **state)
{
    (void)state;
    folded x;
    fold_file(rvt_path(SEED_004), &x);
    assert_int_equal(x.s->nitems, 18);
    assert_int_equal(x.s->nchoices, 1);
    assert_answer(&x.s->choices[0], 0,
                  "The boiling point in the 'boiling_point' experiment is 100\xc2\xb0"
                  "C.",
                  "stop", 17);
    assert_null(x.s->usage);
    unfold(&x);
}

/* --- tool calls ----------------------------------------------------------- */

/* The only recording under dir. */
static void only_json(const char *path, void *ud)
{
    char *found = ud;
    assert_int_equal(found[0], '\0');
    snprintf(found, 4096, "%s", path);
}

static void fold_only(const char *dir, folded *x)
{
    char path[4096] = "";
    assert_int_equal(rvt_each_json(rvt_path(dir), only_json, path), 1);
    fold_file(path, x);
}

/* A streamed call to a function without parameters: arguments "" (no
 * arguments), an empty delta and a usage chunk after the finish. */
static void streamed_call_without_arguments(void **state)
{
    (void)state;
    folded x;
    fold_only("recordings/valid/tool-calls-no-arguments", &x);
    assert_int_equal(x.s->nchoices, 1);
    const rv_choice *c = &x.s->choices[0];
    assert_string_equal(c->finish_reason, "tool_calls");
    assert_int_equal(c->finish_at.item, 2);
    assert_int_equal(c->last.item, 3);
    assert_int_equal(c->ncalls, 1);
    const rv_tool_call *t = &c->calls[0];
    assert_string_equal(t->name, "get_current_time");
    assert_string_equal(t->id, "chatcmpl-tool-9a8b7c6d5e4f3a2b");
    assert_true(t->has_arguments);
    assert_int_equal(t->arguments.len, 0);
    assert_int_equal(t->nfrags, 0);
    assert_int_equal(t->first.item, 1);
    char ptr[RV_PTR_MAX];
    assert_string_equal(rv_call_ptr(ptr, &x.f, x.s, t->first, "/function/name"),
                        "/response/body/1/__data__/choices/0/delta/tool_calls/0/function/name");
    assert_int_equal(x.s->usage_item, 4);
    assert_int_equal(usage_count(x.s->usage, "total_tokens"), 166);
    unfold(&x);
}

/* A single response with two parallel calls, one of them without
 * arguments ("{}"). */
static void single_response_parallel_calls(void **state)
{
    (void)state;
    folded x;
    fold_only("recordings/valid/tool-calls-single", &x);
    assert_false(x.s->streamed);
    const rv_choice *c = &x.s->choices[0];
    assert_int_equal(c->ncalls, 2);
    assert_string_equal(c->calls[0].name, "get_time");
    assert_string_equal(c->calls[0].arguments.data, "{\"city\":\"Paris\"}");
    assert_int_equal(c->calls[0].nfrags, 1);
    assert_string_equal(c->calls[1].name, "get_current_time");
    assert_string_equal(c->calls[1].arguments.data, "{}");
    assert_int_equal(c->calls[1].first.call_pos, 1);
    char ptr[RV_PTR_MAX];
    assert_string_equal(rv_call_ptr(ptr, &x.f, x.s, c->calls[1].first, ""),
                        "/response/body/__data__/choices/0/message/tool_calls/1");
    assert_non_null(rv_call_at(&x.f, x.s, c->calls[1].first));
    unfold(&x);
}

/* Fragments remember their chunk: a broken fixture's arguments are
 * reassembled from the chunks that carried them, in order. */
static void fragments_keep_their_chunks(void **state)
{
    (void)state;
    folded x;
    fold_only("recordings/invalid/tool-calls/invalid-arguments-truncated-stream", &x);
    const rv_tool_call *t = &x.s->choices[0].calls[0];
    assert_string_equal(t->arguments.data, "{\"location\": \"San Francisco, CA");
    assert_int_equal(t->nfrags, 2);
    assert_int_equal(t->frags[0].at.item, 2);
    assert_int_equal(t->frags[0].end, 17);
    assert_int_equal(t->frags[1].at.item, 3);
    assert_int_equal(t->frags[1].end, t->arguments.len);
    assert_int_equal(t->first.item, 1);
    assert_int_equal(t->name_at.item, 1);
    unfold(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_valid_recording_replays),
        cmocka_unit_test(seed_000_two_choices),
        cmocka_unit_test(seeds_001_003_together),
        cmocka_unit_test(seed_002_usage_chunk),
        cmocka_unit_test(seed_004_answer_after_tools),
        cmocka_unit_test(streamed_call_without_arguments),
        cmocka_unit_test(single_response_parallel_calls),
        cmocka_unit_test(fragments_keep_their_chunks),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
