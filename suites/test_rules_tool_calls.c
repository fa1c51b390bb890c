/* test_rules_tool_calls.c - the tool-calls family: its fixtures, the exact
 * diagnostics (rule, severity, pointer, line, column, message) of small
 * inline recordings, the strictness of the arguments parser, what counts
 * as declared, and the set of corpus files it reports errors in. */
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

#define FAMILY "tool-calls/"

/* An inline chat stream: the request on line 1, "response" on line 2,
 * then one chunk per line from line 3. */
#define STREAM_REQUEST(extra)                                                                      \
    "{\"request\": {\"method\": \"POST\", \"url\": "                                               \
    "\"http://localhost:8000/v1/chat/completions\", "                                              \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [], \"stream\": true" extra       \
    "}, \"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"                              \
    "\"response\": {\"is_streaming\": true, \"body\": [\n"
#define CHUNK(choices)                                                                             \
    "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "             \
    "\"__data__\": {\"id\": \"c\", \"created\": 0, \"model\": \"m\", "                             \
    "\"object\": \"chat.completion.chunk\", \"choices\": [" choices "]}}"
/* A choice delta with one tool-call fragment: `head` adds members before
 * function (id, type), `function` holds the function's members. */
#define CALL(head, function)                                                                       \
    "{\"index\": 0, \"delta\": {\"tool_calls\": [{\"index\": 0, " head "\"function\": {" function  \
    "}}]}, \"finish_reason\": null}"
#define FINISH "{\"index\": 0, \"delta\": {}, \"finish_reason\": \"tool_calls\"}"
#define STREAM_END "\n]}}\n"

/* A single chat completion whose message holds `calls`; `body` adds to
 * the request body (tools, messages). */
#define SINGLE(body, calls)                                                                        \
    "{\"request\": {\"method\": \"POST\", \"url\": "                                               \
    "\"http://localhost:8000/v1/chat/completions\", "                                              \
    "\"headers\": {}, \"body\": {\"model\": \"m\"" body "}, "                                      \
    "\"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"                                 \
    "\"response\": {\"is_streaming\": false, \"body\":\n"                                          \
    "{\"__type__\": \"openai.types.chat.chat_completion.ChatCompletion\", \"__data__\": "          \
    "{\"id\": \"c\", \"created\": 0, \"model\": \"m\", \"object\": \"chat.completion\", "          \
    "\"choices\": [{\"index\": 0, \"finish_reason\": \"tool_calls\", \"message\": "                \
    "{\"role\": \"assistant\", \"tool_calls\": [\n" calls "]}}]}}}}\n"

static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixtures("tool-calls");
}

/* The pointer names the fragment in which parsing fails. */
static void stream_arguments_break_in_second_fragment(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(CALL(
        "\"id\": \"call_1\", ",
        "\"name\": \"f\", \"arguments\": "
        "\"{\\\"a\\\": \"")) ",\n" CHUNK(CALL("", "\"arguments\": \"tru}\"")) ",\n" CHUNK(FINISH)
                                           STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(
        &r, "tool-calls/invalid-arguments", RECVAL_ERROR,
        "/response/body/1/__data__/choices/0/delta/tool_calls/0/function/arguments", 4, 253,
        "tool call 0 (f) of choice 0: arguments are not a JSON object: boolean "
        "expected at byte 9 of 10, near \"{\\\"a\\\": tru}\"; reassembled from 2 chunks");
    recval_result_free(&r);
}

/* Empty arguments mean "no arguments" ("" or none at all); whitespace
 * alone is not JSON. */
static void empty_arguments_are_no_arguments(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM_REQUEST("") CHUNK(
        CALL("\"id\": \"call_1\", ", "\"name\": \"f\", \"arguments\": \"\"")) ",\n" CHUNK(FINISH)
                                           STREAM_END);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
    r = rvt_check_inline(SINGLE("", "{\"id\": \"call_1\", \"type\": \"function\", \"function\": "
                                    "{\"name\": \"f\", \"arguments\": \"  \"}}"));
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(
        &r, "tool-calls/invalid-arguments", RECVAL_ERROR,
        "/response/body/__data__/choices/0/message/tool_calls/0/function/arguments", 4, 77,
        "tool call 0 (f) of choice 0: arguments are not a JSON object: the JSON text ends "
        "too early (cut off?) at byte 2 of 2, near \"  \"");
    recval_result_free(&r);
}

static recval_result check_single_arguments(const char *args_literal)
{
    char text[4096];
    snprintf(text, sizeof text,
             SINGLE("", "{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": "
                        "\"f\", \"arguments\": %s}}"),
             args_literal);
    return rvt_check_inline(text);
}

/* Arguments must be RFC 8259 JSON: what json.loads or json-c's lenient
 * mode would let through is rejected; what JSON allows is accepted. */
static void arguments_are_strict_json(void **state)
{
    (void)state;
    static const char *const rejected[] = {
        "\"{\\\"a\\\": 1} x\"",
        "\"{\\\"a\\\": NaN}\"",
        "\"{\\\"a\\\": 01}\"",
        "\"{\\\"a\\\": 1,}\"",
        "\"{a: 1}\"",
        "\"{\\\"a\\\": 'b'}\"",
        "\"{\\\"a\\\": \\\"\\t\\\"}\"",
        "\"null\"",
        "\"42\"",
        "\"\\\"text\\\"\"",
        "\"[1, 2]\"",
        "{\"a\": 1}",
        "7",
    };
    static const char *const accepted[] = {
        "\"{}\"", "\" {\\\"a\\\": [1, 2.5e3, true, null, \\\"\\\\u00e9\\\"]}\\n\"",
        "\"{\\\"a\\\": {\\\"b\\\": {\\\"c\\\": [[[]]]}}}\"", "null"};
    for (size_t i = 0; i < sizeof rejected / sizeof rejected[0]; i++) {
        recval_result r = check_single_arguments(rejected[i]);
        if (rvt_count(&r, FAMILY) != 1 || !rvt_diag_at(&r, "tool-calls/invalid-arguments",
                                                       "/response/body/__data__/choices/0/message/"
                                                       "tool_calls/0/function/arguments"))
            print_error("arguments %s were not rejected\n", rejected[i]);
        assert_int_equal(rvt_count(&r, FAMILY), 1);
        recval_result_free(&r);
    }
    for (size_t i = 0; i < sizeof accepted / sizeof accepted[0]; i++) {
        recval_result r = check_single_arguments(accepted[i]);
        if (rvt_count(&r, FAMILY) != 0)
            print_error("arguments %s were rejected: %s\n", accepted[i], r.diags[0].message);
        assert_int_equal(rvt_count(&r, FAMILY), 0);
        recval_result_free(&r);
    }
}

/* Arguments nest as deep as the validator allows (max_depth), not just
 * json-c's default 32 levels; deeper ones are not JSON recval can read. */
static void deep_arguments(void **state)
{
    (void)state;
    char args[1024];
    for (size_t depth = 100; depth <= 101; depth++) {
        size_t n = (size_t)snprintf(args, sizeof args, "\"{\\\"a\\\": ");
        for (size_t i = 1; i < depth; i++)
            args[n++] = '[';
        for (size_t i = 1; i < depth; i++)
            args[n++] = ']';
        snprintf(args + n, sizeof args - n, "}\"");
        char text[4096];
        snprintf(text, sizeof text,
                 SINGLE("", "{\"id\": \"1\", \"type\": \"function\", \"function\": {\"name\": "
                            "\"f\", \"arguments\": %s}}"),
                 args);
        recval_options opts = {.max_depth = 100};
        recval_validator *v = recval_validator_new(&opts);
        recval_result r;
        assert_int_equal(recval_check_buffer(v, "inline.json", text, strlen(text), &r), RECVAL_OK);
        assert_int_equal(rvt_count(&r, FAMILY), depth == 100 ? 0 : 1);
        recval_result_free(&r);
        recval_validator_free(v);
    }
}

static void non_string_arguments(void **state)
{
    (void)state;
    recval_result r = check_single_arguments("{\"a\": 1}");
    rvt_assert_diag(&r, "tool-calls/invalid-arguments", RECVAL_ERROR,
                    "/response/body/__data__/choices/0/message/tool_calls/0/function/arguments", 4,
                    77,
                    "tool call 0 (f) of choice 0: arguments are an object, not a string holding a "
                    "JSON object");
    recval_result_free(&r);
}

/* Declared: tools[].function.name, tools[].custom.name or tools[].name. */
static void declared_shapes(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(SINGLE(
        ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a\"}}, "
        "{\"type\": \"function\", \"name\": \"b\"}, {\"type\": \"custom\", \"custom\": "
        "{\"name\": \"c\"}}, {\"type\": \"web_search\"}]",
        "{\"id\": \"1\", \"type\": \"function\", \"function\": {\"name\": \"a\", \"arguments\": "
        "\"{}\"}},\n{\"id\": \"2\", \"type\": \"function\", \"function\": {\"name\": \"b\", "
        "\"arguments\": \"{}\"}},\n{\"id\": \"3\", \"type\": \"custom\", \"custom\": {\"name\": "
        "\"c\", \"input\": \"free text\"}},\n{\"id\": \"4\", \"type\": \"function\", \"function\": "
        "{\"name\": \"d\", \"arguments\": \"{}\"}}"));
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(
        &r, "tool-calls/undeclared-function", RECVAL_ERROR,
        "/response/body/__data__/choices/0/message/tool_calls/3/function/name", 7, 54,
        "tool call 3 of choice 0 calls \"d\", which the request does not declare in tools "
        "(declared: a, b, c)");
    recval_result_free(&r);
}

/* Without declared tools any name goes; a request's history is checked for
 * names and arguments but not against the current tools. */
static void undeclared_needs_declarations(void **state)
{
    (void)state;
    recval_result r =
        rvt_check_inline(SINGLE("", "{\"id\": \"1\", \"type\": \"function\", \"function\": "
                                    "{\"name\": \"anything\", \"arguments\": \"{}\"}}"));
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
    r = rvt_check_inline(SINGLE(
        ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"a\"}}], \"messages\": "
        "[{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"0\", \"type\": \"function\", "
        "\"function\": {\"name\": \"old\", \"arguments\": \"{}\"}}]}]",
        "{\"id\": \"1\", \"type\": \"function\", \"function\": {\"name\": \"a\", \"arguments\": "
        "\"{}\"}}"));
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

static void missing_name_in_request_history(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(SINGLE(
        ", \"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"0\", \"type\": "
        "\"function\", \"function\": {\"arguments\": \"{\\\"x\\\": 1\"}}]}]",
        "{\"id\": \"1\", \"type\": \"function\", \"function\": {\"name\": \"a\", \"arguments\": "
        "\"{}\"}}"));
    assert_int_equal(rvt_count(&r, FAMILY), 2);
    rvt_assert_diag(&r, "tool-calls/missing-name", RECVAL_ERROR,
                    "/request/body/messages/0/tool_calls/0/function", 1, 216,
                    "tool call 0 of message 0 has no function name");
    rvt_assert_diag(
        &r, "tool-calls/invalid-arguments", RECVAL_ERROR,
        "/request/body/messages/0/tool_calls/0/function/arguments", 1, 230,
        "tool call 0 of message 0: arguments are not a JSON object: the JSON text ends too "
        "early (cut off?) at byte 7 of 7, near \"{\\\"x\\\": 1\"");
    recval_result_free(&r);
}

/* --- corpus ----------------------------------------------------------- */

/* Corpus files (relative to the corpus root) with tool-calls errors, and
 * why. None: every tool call in the corpus (responses and request
 * histories) is named, declared, and has object arguments. */
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
        cmocka_unit_test(stream_arguments_break_in_second_fragment),
        cmocka_unit_test(empty_arguments_are_no_arguments),
        cmocka_unit_test(arguments_are_strict_json),
        cmocka_unit_test(deep_arguments),
        cmocka_unit_test(non_string_arguments),
        cmocka_unit_test(declared_shapes),
        cmocka_unit_test(undeclared_needs_declarations),
        cmocka_unit_test(missing_name_in_request_history),
        cmocka_unit_test(corpus_errors_are_known),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
