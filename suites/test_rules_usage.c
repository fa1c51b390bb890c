/* test_rules_usage.c - the usage family: its fixtures, the exact
 * diagnostics (rule, severity, pointer, line, column, message) of small
 * inline recordings, what it deliberately leaves alone (provider-native
 * usage, continuous usage stats, null details), and the set of corpus
 * files it reports errors in. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAMILY "usage/"

/* An inline chat stream: the request on line 1, "response" on line 2,
 * then one chunk per line from line 3. */
#define STREAM_REQUEST(options)                                                                    \
    "{\"request\": {\"method\": \"POST\", \"url\": "                                               \
    "\"http://localhost:8000/v1/chat/completions\", "                                              \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [], \"stream\": true" options     \
    "}, \"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"                              \
    "\"response\": {\"is_streaming\": true, \"body\": [\n"
#define CHUNK(choices, usage)                                                                      \
    "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "             \
    "\"__data__\": {\"id\": \"c\", \"created\": 0, \"model\": \"m\", "                             \
    "\"object\": \"chat.completion.chunk\", \"choices\": [" choices "], \"usage\": " usage "}}"
#define FINISH "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, \"finish_reason\": \"stop\"}"
#define STREAM_END "\n]}}\n"

static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixtures("usage");
}

static void total_mismatch_points_at_total(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(FINISH, "null") ",\n" CHUNK(
        "", "{\"prompt_tokens\": 5, \"completion_tokens\": 2, \"total_tokens\": 8}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "usage/total-mismatch", RECVAL_ERROR,
                    "/response/body/1/__data__/usage/total_tokens", 4, 249,
                    "total_tokens is 8 but prompt_tokens (5) + completion_tokens (2) = 7");
    recval_result_free(&r);
}

static void null_total_is_invalid(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(
        FINISH, "{\"prompt_tokens\": 5, \"completion_tokens\": null, \"total_tokens\": null}")
                                           STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(
        &r, "usage/invalid-count", RECVAL_ERROR, "/response/body/0/__data__/usage/total_tokens", 3,
        317, "total_tokens is null: every usage object reports it as a non-negative integer");
    recval_result_free(&r);
}

/* A missing or null completion count is 0: embeddings-like usage adds up,
 * and a reasoning count above it is reported. */
static void absent_completion_counts_as_zero(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(
        FINISH, "{\"prompt_tokens\": 5, \"total_tokens\": 5, \"completion_tokens_details\": "
                "{\"reasoning_tokens\": 1}}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "usage/reasoning-exceeds-completion", RECVAL_ERROR,
                    "/response/body/0/__data__/usage/completion_tokens_details/reasoning_tokens", 3,
                    343, "reasoning_tokens is 1, more than completion_tokens (0)");
    recval_result_free(&r);
}

/* Databricks and Fireworks (n > 1) repeat usage cumulatively: growing
 * counts are valid, a decrease is not. */
static void repeated_usage_may_grow(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(
        FINISH,
        "{\"prompt_tokens\": 5, \"completion_tokens\": 2, "
        "\"total_tokens\": 7}") ",\n" CHUNK("", "{\"prompt_tokens\": 5, \"completion_tokens\": 3, "
                                                "\"total_tokens\": 8}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

static void repeated_usage_must_not_decrease(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(
        FINISH,
        "{\"prompt_tokens\": 5, \"completion_tokens\": 3, "
        "\"total_tokens\": 8}") ",\n" CHUNK("", "{\"prompt_tokens\": 5, \"completion_tokens\": 2, "
                                                "\"total_tokens\": 7}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "usage/not-cumulative", RECVAL_ERROR,
                    "/response/body/1/__data__/usage/completion_tokens", 4, 230,
                    "usage of chunk 1 (prompt 5, completion 2, total 7) decreases the completion "
                    "count from chunk 0 (prompt 5, completion 3, total 8): usage repeated in a "
                    "stream may only grow, with one prompt count");
    recval_result_free(&r);
}

/* The old name still switches the rule off, as an alias. */
static void old_name_is_an_alias(void **state)
{
    (void)state;
    recval_options o = {.ignore = "usage/inconsistent-repeat"};
    recval_validator *v = recval_validator_new(&o);
    assert_non_null(v);
    assert_int_equal(recval_validator_reports(v, "usage/not-cumulative"), 0);
    assert_int_equal(recval_validator_reports(v, "usage/total-mismatch"), 1);
    recval_validator_free(v);
    assert_non_null(strstr(recval_rule_alias_note("usage/inconsistent-repeat"), "renamed"));
    assert_null(recval_rule_alias_note("usage/not-cumulative"));
}

/* vLLM's stream_options.continuous_usage_stats puts a growing usage on
 * every chunk: that is requested, not inconsistent. */
static void continuous_usage_stats_may_grow(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(
        STREAM_REQUEST(", \"stream_options\": {\"include_usage\": true, "
                       "\"continuous_usage_stats\": true}")
            CHUNK("{\"index\": 0, \"delta\": {\"content\": \"H\"}, \"finish_reason\": "
                  "null}",
                  "{\"prompt_tokens\": 5, \"completion_tokens\": 1, \"total_tokens\": "
                  "6}") ",\n" CHUNK(FINISH, "{\"prompt_tokens\": 5, \"completion_tokens\": 2, "
                                            "\"total_tokens\": 7}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

static void include_usage_without_usage(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST(
        ", \"stream_options\": {\"include_usage\": true}") CHUNK(FINISH, "null") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(
        &r, "usage/missing-in-stream", RECVAL_ERROR, "/request/body/stream_options/include_usage",
        1, 190,
        "the request sets stream_options.include_usage but no chunk of the stream (1 "
        "chunk) carries usage; a client that waits for the final usage chunk gets none on "
        "replay");
    recval_result_free(&r);
}

/* include_usage false, or a request that failed (exception recording). */
static void include_usage_false_or_exception(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST(
        ", \"stream_options\": {\"include_usage\": false}") CHUNK(FINISH, "null") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
    static const char exception[] =
        "{\"request\": {\"method\": \"POST\", \"url\": "
        "\"http://localhost:8000/v1/chat/completions\", "
        "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [], \"stream\": true, "
        "\"stream_options\": {\"include_usage\": true}}, \"endpoint\": \"/v1/chat/completions\", "
        "\"model\": \"m\"},\n"
        "\"response\": {\"body\": null, \"is_streaming\": false, \"is_exception\": true, "
        "\"exception_data\": {\"type\": \"BadRequestError\", \"message\": \"no\"}, "
        "\"exception_message\": \"no\"}}\n";
    r = rvt_check_inline(exception);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

/* Provider-native usage (here a Gemini-style raw body) is not OpenAI usage
 * and is not checked, even when it does not add up. */
static void provider_native_usage_is_ignored(void **state)
{
    (void)state;
    static const char text[] =
        "{\"request\": {\"method\": \"POST\", \"url\": \"https://example.com/v1/generate\", "
        "\"headers\": {}, \"body\": {\"model\": \"g\"}, \"endpoint\": \"/v1/generate\", "
        "\"model\": \"g\"},\n"
        "\"response\": {\"is_streaming\": false, \"body\": {\"usage\": {\"prompt_tokens\": 3, "
        "\"completion_tokens\": 3, \"total_tokens\": 9}}}}\n";
    recval_result r = rvt_check_inline(text);
    assert_string_equal(r.kind, "raw-body");
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

static void top_level_cached_tokens(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(
        FINISH, "{\"prompt_tokens\": 5, \"completion_tokens\": 2, \"total_tokens\": 7, "
                "\"cached_tokens\": 6, \"prompt_tokens_details\": null}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "usage/cached-exceeds-prompt", RECVAL_ERROR,
                    "/response/body/0/__data__/usage/cached_tokens", 3, 334,
                    "cached_tokens is 6, more than prompt_tokens (5)");
    recval_result_free(&r);
}

/* --- corpus ----------------------------------------------------------- */

/* Corpus files (relative to the corpus root) with usage errors, and why.
 * None: every OpenAI usage object in the corpus adds up, and every stream
 * that asked for usage carries it. */
static const char *const CORPUS_ERRORS[] = {NULL};

static void corpus_errors_are_known(void **state)
{
    (void)state;
    rvt_assert_corpus_errors(FAMILY, CORPUS_ERRORS, NULL, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixtures_match_expectations),
        cmocka_unit_test(total_mismatch_points_at_total),
        cmocka_unit_test(null_total_is_invalid),
        cmocka_unit_test(absent_completion_counts_as_zero),
        cmocka_unit_test(repeated_usage_may_grow),
        cmocka_unit_test(repeated_usage_must_not_decrease),
        cmocka_unit_test(old_name_is_an_alias),
        cmocka_unit_test(continuous_usage_stats_may_grow),
        cmocka_unit_test(include_usage_without_usage),
        cmocka_unit_test(include_usage_false_or_exception),
        cmocka_unit_test(provider_native_usage_is_ignored),
        cmocka_unit_test(top_level_cached_tokens),
        cmocka_unit_test(corpus_errors_are_known),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
