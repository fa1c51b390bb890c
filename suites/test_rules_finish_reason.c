/* test_rules_finish_reason.c - the finish-reason family: its fixtures, the
 * exact diagnostics (rule, severity, pointer, line, column, message) of
 * small inline recordings, what may legitimately follow a finish, and the
 * set of corpus files it reports errors in. */
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

#define FAMILY "finish-reason/"

/* An inline chat stream: the request on line 1, "response" on line 2,
 * then one chunk per line from line 3. */
#define STREAM_REQUEST                                                                             \
    "{\"request\": {\"method\": \"POST\", \"url\": "                                               \
    "\"http://localhost:8000/v1/chat/completions\", "                                              \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [], \"stream\": true}, "          \
    "\"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"                                 \
    "\"response\": {\"is_streaming\": true, \"body\": [\n"
#define CHUNK(choices)                                                                             \
    "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "             \
    "\"__data__\": {\"id\": \"c\", \"created\": 0, \"model\": \"m\", "                             \
    "\"object\": \"chat.completion.chunk\", \"choices\": [" choices "]}}"
#define STREAM_END "\n]}}\n"

static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixtures("finish-reason");
}

static void stream_without_finish_is_missing(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, "
        "\"finish_reason\": null}") ",\n" CHUNK("{\"index\": 0, \"delta\": {\"content\": \" "
                                                "there\"}, \"finish_reason\": null}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "finish-reason/missing", RECVAL_ERROR,
                    "/response/body/1/__data__/choices/0/finish_reason", 4, 238,
                    "choice 0 never receives a finish_reason: it is last seen in chunk 1 and the "
                    "stream ends (2 chunks) without finishing it");
    recval_result_free(&r);
}

static void second_finish_and_late_content(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, "
        "\"finish_reason\": \"stop\"}") ",\n" CHUNK("{\"index\": 0, \"delta\": {\"content\": "
                                                    "\"!\"}, \"finish_reason\": \"length\"}")
                                           STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 2);
    rvt_assert_diag(
        &r, "finish-reason/repeated", RECVAL_ERROR,
        "/response/body/1/__data__/choices/0/finish_reason", 4, 233,
        "choice 0 finishes again with \"length\" in chunk 1 after finishing with \"stop\" "
        "in chunk 0 (2 finish_reason values in all)");
    rvt_assert_diag(
        &r, "finish-reason/after-finish", RECVAL_ERROR,
        "/response/body/1/__data__/choices/0/delta/content", 4, 210,
        "choice 0 receives content in chunk 1 after its finish_reason \"stop\" in chunk 0; "
        "clients stop reading a choice at its finish and lose it");
    recval_result_free(&r);
}

static void non_string_value_is_invalid(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, \"finish_reason\": 1}") STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "finish-reason/invalid-value", RECVAL_ERROR,
                    "/response/body/0/__data__/choices/0/finish_reason", 3, 234,
                    "finish_reason 1 is not one of stop, length, tool_calls, content_filter, "
                    "function_call; replay cannot rebuild the response");
    recval_result_free(&r);
}

static void tool_call_finishing_with_stop_warns(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"tool_calls\": [{\"index\": 0, \"id\": \"call_1\", "
        "\"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}, \"finish_reason\": "
        "null}") ",\n" CHUNK("{\"index\": 0, \"delta\": {}, \"finish_reason\": \"stop\"}")
                                           STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "finish-reason/tool-calls-mismatch", RECVAL_WARNING,
                    "/response/body/1/__data__/choices/0/finish_reason", 4, 219,
                    "choice 0 made 1 tool call (first: f) but finished with \"stop\", not "
                    "\"tool_calls\"; clients that dispatch on finish_reason will not run the call");
    recval_result_free(&r);
}

/* What providers send after a finish and is harmless: an empty delta, a
 * role-only delta, empty strings, null tool_calls, a usage-only chunk
 * with no choices; and another choice's chunks (n > 1). */
static void harmless_chunks_after_finish(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"A\"}, \"finish_reason\": "
        "\"stop\"}") ",\n" CHUNK("{\"index\": 1, \"delta\": {\"content\": \"B\"}, "
                                 "\"finish_reason\": null}") ",\n" CHUNK("{\"index\": 0, "
                                                                         "\"delta\": {}, "
                                                                         "\"finish_reason\": "
                                                                         "null}") ",\n" CHUNK("{\"i"
                                                                                              "ndex"
                                                                                              "\": "
                                                                                              "0, "
                                                                                              "\"de"
                                                                                              "lta"
                                                                                              "\": "
                                                                                              "{\"r"
                                                                                              "ole"
                                                                                              "\": "
                                                                                              "\"as"
                                                                                              "sist"
                                                                                              "ant"
                                                                                              "\", "
                                                                                              "\"co"
                                                                                              "nten"
                                                                                              "t\":"
                                                                                              " \""
                                                                                              "\", "
                                                                                              "\"to"
                                                                                              "ol_"
                                                                                              "call"
                                                                                              "s\":"
                                                                                              " nul"
                                                                                              "l, "
                                                                                              "\"re"
                                                                                              "fusa"
                                                                                              "l\":"
                                                                                              " nul"
                                                                                              "l}, "
                                                                                              "\"fi"
                                                                                              "nish"
                                                                                              "_rea"
                                                                                              "son"
                                                                                              "\": "
                                                                                              "null"
                                                                                              "}") ",\n" CHUNK("{\"index\": 1, \"delta\": {\"content\": null}, \"finish_reason\": "
                                                                                                               "\"length\"}") ",\n" CHUNK("")
                                           STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

static void single_choice_without_member(void **state)
{
    (void)state;
    static const char text[] =
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://localhost:8000/v1/completions\", "
        "\"headers\": {}, \"body\": {\"model\": \"m\", \"prompt\": \"p\"}, "
        "\"endpoint\": \"/v1/completions\", \"model\": \"m\"},\n"
        "\"response\": {\"is_streaming\": false, \"body\":\n"
        "{\"__type__\": \"openai.types.completion.Completion\", \"__data__\": {\"id\": \"c\", "
        "\"created\": 0, \"model\": \"m\", \"object\": \"text_completion\", \"choices\": [\n"
        "  {\"index\": 0, \"text\": \"ok\", \"finish_reason\": \"stop\"},\n"
        "  {\"index\": 1, \"text\": \"ok\"}]}}}}\n";
    recval_result r = rvt_check_inline(text);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "finish-reason/missing", RECVAL_ERROR, "/response/body/__data__/choices/1",
                    5, 3, "choice 1 has no finish_reason");
    recval_result_free(&r);
}

/* --- corpus ----------------------------------------------------------- */

/* Corpus files (relative to the corpus root) with finish-reason errors,
 * and why. None: every stream in the corpus finishes each choice exactly
 * once, on its last output, with a known value. */
static const char *const CORPUS_ERRORS[] = {NULL};
/* finish-reason/tool-calls-mismatch warnings in the corpus (no recording
 * shows the Ollama quirk). */
#define CORPUS_MISMATCH_WARNINGS 0

/* Errors of the family count; tool-calls-mismatch warnings are tallied. */
static bool is_error(const recval_diag *d, void *ud)
{
    size_t *warnings = ud;
    if (d->severity == RECVAL_ERROR)
        return true;
    if (strcmp(d->rule->name, "finish-reason/tool-calls-mismatch") == 0)
        (*warnings)++;
    return false;
}

static void corpus_errors_are_known(void **state)
{
    (void)state;
    size_t warnings = 0;
    rvt_assert_corpus_errors(FAMILY, CORPUS_ERRORS, is_error, &warnings);
    assert_int_equal(warnings, CORPUS_MISMATCH_WARNINGS);
}

/* TGI marks unfinished chunks with finish_reason "": one warning for the
 * stream, no invalid-value, repeated or after-finish; a stream that never
 * gets a real reason is still missing its finish. */
#define TGI_FIXTURE                                                                                \
    "recordings/invalid/finish-reason/empty-string-tgi-completion/tests/integration/inference/"    \
    "recordings/3f1b4428a6820ac3e3e96d7ae9813056af04d4d2d36a82d32b950f9d3eb116a1.json"

static void tgi_empty_finish_reason_is_one_warning(void **state)
{
    (void)state;
    recval_result r = rvt_check(rvt_path(TGI_FIXTURE));
    rvt_assert_single(&r, "finish-reason/empty-string",
                      "/response/body/0/__data__/choices/0/finish_reason", 24, 32,
                      "the stream marks 3 unfinished chunks with finish_reason \"\" instead of "
                      "null, from chunk 0 on (text-generation-inference does); clients read \"\" "
                      "as \"not finished\", and recval treats it as null");
    assert_int_equal(r.diags[0].severity, RECVAL_WARNING);
    recval_result_free(&r);
    r = rvt_check_variant(TGI_FIXTURE, "\"finish_reason\": \"length\"", "\"finish_reason\": \"\"",
                          false);
    assert_int_equal(rvt_count(&r, "finish-reason/"), 2);
    assert_int_equal(rvt_count(&r, "finish-reason/empty-string"), 1);
    assert_int_equal(rvt_count(&r, "finish-reason/missing"), 1);
    recval_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tgi_empty_finish_reason_is_one_warning),
        cmocka_unit_test(fixtures_match_expectations),
        cmocka_unit_test(stream_without_finish_is_missing),
        cmocka_unit_test(second_finish_and_late_content),
        cmocka_unit_test(non_string_value_is_invalid),
        cmocka_unit_test(tool_call_finishing_with_stop_warns),
        cmocka_unit_test(harmless_chunks_after_finish),
        cmocka_unit_test(single_choice_without_member),
        cmocka_unit_test(corpus_errors_are_known),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
