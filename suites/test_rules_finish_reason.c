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

static recval_result check_text(const char *text)
{
    static recval_validator *v;
    if (!v)
        v = recval_validator_new(NULL);
    recval_result r;
    assert_int_equal(recval_check_buffer(v, "inline.json", text, strlen(text), &r), RECVAL_OK);
    return r;
}

static size_t count_family(const recval_result *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->ndiags; i++)
        if (strncmp(r->diags[i].rule->name, FAMILY, strlen(FAMILY)) == 0)
            n++;
    return n;
}

/* The diagnostic of `rule` at `pointer`; fails when there is none. */
static const recval_diag *find_diag(const recval_result *r, const char *rule, const char *pointer)
{
    for (size_t i = 0; i < r->ndiags; i++)
        if (strcmp(r->diags[i].rule->name, rule) == 0 && strcmp(r->diags[i].pointer, pointer) == 0)
            return &r->diags[i];
    print_error("no %s at %s among %zu diagnostics\n", rule, pointer, r->ndiags);
    for (size_t i = 0; i < r->ndiags; i++)
        print_error("  %u:%u %s %s %s\n", r->diags[i].line, r->diags[i].column,
                    r->diags[i].rule->name, r->diags[i].pointer, r->diags[i].message);
    fail();
    return NULL;
}

static void assert_diag(const recval_result *r, const char *rule, recval_severity sev,
                        const char *pointer, unsigned line, unsigned column, const char *message)
{
    const recval_diag *d = find_diag(r, rule, pointer);
    assert_int_equal(d->severity, sev);
    assert_int_equal(d->line, line);
    assert_int_equal(d->column, column);
    assert_string_equal(d->message, message);
}

static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixtures("finish-reason");
}

static void stream_without_finish_is_missing(void **state)
{
    (void)state;
    recval_result r = check_text(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, "
        "\"finish_reason\": null}") ",\n" CHUNK("{\"index\": 0, \"delta\": {\"content\": \" "
                                                "there\"}, \"finish_reason\": null}") STREAM_END);
    assert_int_equal(count_family(&r), 1);
    assert_diag(&r, "finish-reason/missing", RECVAL_ERROR,
                "/response/body/1/__data__/choices/0/finish_reason", 4, 238,
                "choice 0 never receives a finish_reason: it is last seen in chunk 1 and the "
                "stream ends (2 chunks) without finishing it");
    recval_result_free(&r);
}

static void second_finish_and_late_content(void **state)
{
    (void)state;
    recval_result r = check_text(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, "
        "\"finish_reason\": \"stop\"}") ",\n" CHUNK("{\"index\": 0, \"delta\": {\"content\": "
                                                    "\"!\"}, \"finish_reason\": \"length\"}")
                                     STREAM_END);
    assert_int_equal(count_family(&r), 2);
    assert_diag(&r, "finish-reason/repeated", RECVAL_ERROR,
                "/response/body/1/__data__/choices/0/finish_reason", 4, 233,
                "choice 0 finishes again with \"length\" in chunk 1 after finishing with \"stop\" "
                "in chunk 0 (2 finish_reason values in all)");
    assert_diag(&r, "finish-reason/after-finish", RECVAL_ERROR,
                "/response/body/1/__data__/choices/0/delta/content", 4, 210,
                "choice 0 receives content in chunk 1 after its finish_reason \"stop\" in chunk 0; "
                "clients stop reading a choice at its finish and lose it");
    recval_result_free(&r);
}

static void non_string_value_is_invalid(void **state)
{
    (void)state;
    recval_result r = check_text(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"content\": \"Hi\"}, \"finish_reason\": 1}") STREAM_END);
    assert_int_equal(count_family(&r), 1);
    assert_diag(&r, "finish-reason/invalid-value", RECVAL_ERROR,
                "/response/body/0/__data__/choices/0/finish_reason", 3, 234,
                "finish_reason 1 is not one of stop, length, tool_calls, content_filter, "
                "function_call; replay cannot rebuild the response");
    recval_result_free(&r);
}

static void tool_call_finishing_with_stop_warns(void **state)
{
    (void)state;
    recval_result r = check_text(STREAM_REQUEST CHUNK(
        "{\"index\": 0, \"delta\": {\"tool_calls\": [{\"index\": 0, \"id\": \"call_1\", "
        "\"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]}, \"finish_reason\": "
        "null}") ",\n" CHUNK("{\"index\": 0, \"delta\": {}, \"finish_reason\": \"stop\"}")
                                     STREAM_END);
    assert_int_equal(count_family(&r), 1);
    assert_diag(&r, "finish-reason/tool-calls-mismatch", RECVAL_WARNING,
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
    recval_result r = check_text(STREAM_REQUEST CHUNK(
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
    assert_int_equal(count_family(&r), 0);
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
    recval_result r = check_text(text);
    assert_int_equal(count_family(&r), 1);
    assert_diag(&r, "finish-reason/missing", RECVAL_ERROR, "/response/body/__data__/choices/1", 5,
                3, "choice 1 has no finish_reason");
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

typedef struct corpus_scan {
    size_t root_len;
    char **bad;
    size_t nbad;
    size_t warnings;
} corpus_scan;

static void scan_file(const char *path, void *ud)
{
    corpus_scan *scan = ud;
    recval_result r = rvt_check(path);
    bool bad = false;
    for (size_t i = 0; i < r.ndiags; i++) {
        if (strncmp(r.diags[i].rule->name, FAMILY, strlen(FAMILY)) != 0)
            continue;
        if (r.diags[i].severity == RECVAL_ERROR)
            bad = true;
        else if (strcmp(r.diags[i].rule->name, "finish-reason/tool-calls-mismatch") == 0)
            scan->warnings++;
        print_message("%s: %s %s\n", path, r.diags[i].rule->name, r.diags[i].message);
    }
    if (bad) {
        scan->bad = realloc(scan->bad, (scan->nbad + 1) * sizeof *scan->bad);
        scan->bad[scan->nbad++] = strdup(path + scan->root_len);
    }
    recval_result_free(&r);
}

static void corpus_errors_are_known(void **state)
{
    (void)state;
    const char *shared = rvt_shared_dir();
    if (!shared)
        skip();
    char root[4096];
    snprintf(root, sizeof root, "%s/corpus/", shared);
    corpus_scan scan = {.root_len = strlen(root)};
    size_t n = rvt_each_json(root, scan_file, &scan);
    assert_true(n > 2000);
    size_t expected = 0;
    while (CORPUS_ERRORS[expected])
        expected++;
    assert_int_equal(scan.nbad, expected);
    for (size_t i = 0; i < scan.nbad; i++) {
        bool known = false;
        for (size_t k = 0; k < expected; k++)
            known = known || strcmp(scan.bad[i], CORPUS_ERRORS[k]) == 0;
        if (!known)
            print_error("unexpected finish-reason error in %s\n", scan.bad[i]);
        assert_true(known);
        free(scan.bad[i]);
    }
    free(scan.bad);
    assert_int_equal(scan.warnings, CORPUS_MISMATCH_WARNINGS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixtures_match_expectations),
        cmocka_unit_test(stream_without_finish_is_missing),
        cmocka_unit_test(second_finish_and_late_content),
        cmocka_unit_test(non_string_value_is_invalid),
        cmocka_unit_test(tool_call_finishing_with_stop_warns),
        cmocka_unit_test(harmless_chunks_after_finish),
        cmocka_unit_test(single_choice_without_member),
        cmocka_unit_test(corpus_errors_are_known),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
