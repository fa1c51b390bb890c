/* test_rules_envelope.c - the envelope rule family: its fixtures, exact
 * diagnostics (rule, pointer, line, column, message) for inline
 * recordings, the shapes the recorder legitimately writes (which must stay
 * silent), and the corpus, where no envelope error may be reported. */
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

/* Asserts r holds exactly one diagnostic, with these fields. */
static void assert_single(const recval_result *r, const char *rule, recval_severity severity,
                          const char *pointer, unsigned line, unsigned column, const char *message)
{
    rvt_assert_single(r, rule, pointer, line, column, message);
    assert_int_equal(r->diags[0].severity, severity);
}

static void envelope_fixtures(void **state)
{
    (void)state;
    rvt_check_family_fixtures("envelope");
}

/* A request the inference shape accepts, for the inline recordings. */
#define REQ                                                                                        \
    "\"request\": {\"method\": \"POST\", \"url\": \"http://localhost:11434/v1/v1/completions\", "  \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"prompt\": \"Hi\"}, \"endpoint\": "            \
    "\"/v1/completions\", \"model\": \"m\"}"

#define COMPLETION(id, text, finish)                                                               \
    "{\"__type__\": \"openai.types.completion.Completion\", \"__data__\": {\"id\": \"" id          \
    "\", \"choices\": [{\"finish_reason\": " finish ", \"index\": 0, \"logprobs\": null, "         \
    "\"text\": \"" text                                                                            \
    "\"}], \"created\": 0, \"model\": \"m\", \"object\": \"text_completion\"}}"

static void root_must_be_an_object(void **state)
{
    (void)state;
    recval_result r = rvt_check_text("x.json", "[1, 2]\n");
    assert_single(&r, "envelope/wrong-type", RECVAL_ERROR, "", 1, 1,
                  "the recording is an array; it must be an object holding request and response");
    recval_result_free(&r);
}

static void list_body_recorded_as_single(void **state)
{
    (void)state;
    const char *text = "{" REQ ",\n\"response\": {\"body\": [" COMPLETION(
        "cmpl-1", "Hi", "\"stop\"") "],\n \"is_streaming\": false}}";
    recval_result r = rvt_check_text("x.json", text);
    assert_single(&r, "envelope/streaming-mismatch", RECVAL_ERROR, "/response/is_streaming", 3, 18,
                  "is_streaming is false but the body is a list of 1 item: replay returns the "
                  "list where the client expects one response");
    recval_result_free(&r);
}

static void repeated_defect_is_reported_once(void **state)
{
    (void)state;
    const char *text = "{" REQ ", \"response\": {\"body\": ["
                       "{\"__type__\": \"Completion\", \"__data__\": {\"choices\": []}},\n"
                       "{\"__type__\": \"Completion\", \"__data__\": {\"choices\": []}},\n"
                       "{\"__type__\": \"Completion\", \"__data__\": {\"choices\": []}}], "
                       "\"is_streaming\": true}}";
    recval_result r = rvt_check_text("x.json", text);
    assert_single(&r, "envelope/bad-type-name", RECVAL_ERROR, "/response/body/0/__type__", 1, 219,
                  "__type__ \"Completion\" is not a dotted Python qualified name (module.Class): "
                  "replay cannot import it (first of 3 items)");
    recval_result_free(&r);
}

static void unknown_type_is_a_note(void **state)
{
    (void)state;
    const char *text = "{" REQ ", \"response\": {\"body\": {\"__type__\": "
                       "\"openai.types.responses.response.Response\", \"__data__\": {}}, "
                       "\"is_streaming\": false}}";
    recval_result r = rvt_check_text("x.json", text);
    assert_single(&r, "envelope/unknown-type", RECVAL_NOTE, "/response/body/__type__", 1, 218,
                  "__type__ \"openai.types.responses.response.Response\" is not a type recval has "
                  "checks for; its data is not checked");
    recval_result_free(&r);
}

static void mixed_types_name_both_items(void **state)
{
    (void)state;
    const char *text = "{" REQ ", \"response\": {\"body\": [" COMPLETION(
        "c", "Hi", "\"stop\"") ", \"data: [DONE]\"], \"is_streaming\": true}}";
    recval_result r = rvt_check_text("x.json", text);
    assert_single(&r, "envelope/mixed-types", RECVAL_ERROR, "/response/body/1", 1, 424,
                  "item 1 is a string but item 0 has __type__ "
                  "\"openai.types.completion.Completion\": the items of one body share one "
                  "__type__");
    recval_result_free(&r);
}

static void unknown_member_names_are_escaped(void **state)
{
    (void)state;
    const char *text = "{" REQ ", \"response\": {\"body\": null, \"is_streaming\": false, "
                       "\"a/b~c\": 1}}";
    recval_result r = rvt_check_text("x.json", text);
    assert_single(&r, "envelope/unknown-field", RECVAL_WARNING, "/response/a~1b~0c", 1, 243,
                  "the response has a member \"a/b~c\" that the recorder never writes; replay "
                  "ignores it");
    recval_result_free(&r);
}

/* Several diagnostics on one line (a compact file): each column is
 * counted on from the previous one, code points and not bytes. */
static void columns_on_one_line_count_on(void **state)
{
    (void)state;
    const char *text = "{" REQ ", \"response\": {\"body\": null, \"is_streaming\": false, "
                       "\"\xc3\xa9\": 1, \"x\": [2], \"y\": 3}}";
    recval_result r = rvt_check_text("x.json", text);
    assert_int_equal(r.ndiags, 3);
    const char *msg = "the response has a member \"%s\" that the recorder never writes; replay "
                      "ignores it";
    char want[160];
    snprintf(want, sizeof want, msg, "\xc3\xa9");
    rvt_assert_diag(&r, "envelope/unknown-field", RECVAL_WARNING, "/response/\xc3\xa9", 1, 239,
                    want);
    snprintf(want, sizeof want, msg, "x");
    rvt_assert_diag(&r, "envelope/unknown-field", RECVAL_WARNING, "/response/x", 1, 247, want);
    snprintf(want, sizeof want, msg, "y");
    rvt_assert_diag(&r, "envelope/unknown-field", RECVAL_WARNING, "/response/y", 1, 257, want);
    recval_result_free(&r);
}

/* Shapes the recorder writes that look odd but are right. */
static void recorder_shapes_stay_silent(void **state)
{
    (void)state;
    static const char *const texts[] = {
        /* a model list: a list of Model with is_streaming false */
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/models\", \"headers\": {}, "
        "\"body\": {}, \"endpoint\": \"/v1/models\", \"model\": \"\"}, \"response\": {\"body\": "
        "[{\"__type__\": \"openai.types.model.Model\", \"__data__\": {\"id\": "
        "\"rec-0123456789ab\", "
        "\"created\": 1, \"object\": \"model\", \"owned_by\": \"system\"}}], \"is_streaming\": "
        "false}}",
        /* the oldest recorder: a model list with is_streaming true */
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/models\", \"headers\": {}, "
        "\"body\": {}, \"endpoint\": \"/v1/models\", \"model\": \"\"}, \"response\": {\"body\": "
        "[{\"__type__\": \"openai.types.model.Model\", \"__data__\": {\"id\": \"m\", \"created\": "
        "1, \"object\": \"model\", \"owned_by\": \"system\"}}], \"is_streaming\": true}}",
        /* a raw HTTP post whose server answered a JSON list */
        "{\"test_id\": \"t\", \"request\": {\"test_id\": \"t\", \"url\": \"http://x/rerank\", "
        "\"method\": \"POST\", \"payload\": {}}, \"response\": {\"status\": 200, \"body\": [1, 2], "
        "\"is_streaming\": false}, \"id_normalization_mapping\": {}}",
        /* an exception in the middle of a stream: the chunks received so far */
        "{" REQ ", \"response\": {\"body\": [" COMPLETION(
            "c", "Hi", "null") "], \"is_streaming\": "
                               "true, \"is_exception\": true, \"exception_data\": {\"category\": "
                               "\"unknown\", \"type\": \"APIError\", \"message\": \"boom\"}, "
                               "\"exception_message\": \"boom\"}}",
        /* a google-genai stream that failed at once: null body, is_streaming true */
        "{" REQ ", \"response\": {\"body\": null, \"is_streaming\": true, \"is_exception\": true, "
        "\"exception_data\": {\"category\": \"unknown\", \"type\": \"APIError\", \"message\": "
        "\"boom\"}, \"exception_message\": \"boom\"}}",
        /* an older exception recording: no exception_data */
        "{" REQ ", \"response\": {\"body\": null, \"is_streaming\": false, \"is_exception\": true, "
        "\"exception_message\": \"boom\"}}",
        /* a plain Gemini body and a list of SSE lines */
        "{" REQ ", \"response\": {\"body\": {\"candidates\": []}, \"is_streaming\": false}}",
        "{\"test_id\": \"t\", \"request\": {\"test_id\": \"t\", \"url\": \"http://x/v1/messages\", "
        "\"method\": \"POST\", \"payload\": {}}, "
        "\"response\": {\"body\": [\"event: ping\", \"\"], \"is_streaming\": true}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        print_message("shape %zu\n", i);
        recval_result r = rvt_check_text("x.json", texts[i]);
        rvt_assert_clean(&r);
        recval_result_free(&r);
    }
}

/* Files of the corpus with envelope errors, and why. Each one is a real
 * defect; none has been found (see docs/rules/envelope.md for the shapes
 * the family accepts because the recorder writes them). */
static const char *const corpus_envelope_errors[] = {NULL};

static bool listed(const char *path)
{
    for (size_t i = 0; corpus_envelope_errors[i]; i++) {
        size_t n = strlen(path), k = strlen(corpus_envelope_errors[i]);
        if (n >= k && strcmp(path + n - k, corpus_envelope_errors[i]) == 0)
            return true;
    }
    return false;
}

static void corpus_has_no_envelope_errors(void **state)
{
    (void)state;
    rvt_corpus_errors found = rvt_corpus_family_errors("envelope/", NULL, NULL);
    if (found.files == 0)
        rvt_skip_for("../shared");
    size_t expected = 0, unexpected = 0;
    while (corpus_envelope_errors[expected])
        expected++;
    for (size_t i = 0; i < found.npaths; i++)
        unexpected += !listed(found.paths[i]);
    print_message("%zu corpus files checked\n", found.files);
    assert_int_equal(unexpected, 0);
    assert_int_equal(found.npaths, expected);
    rvt_corpus_errors_free(&found);
}

/* LiteLLM's ModelResponseStream is checked as a chat stream: no
 * unknown-type note, and the other families see its chunks. */
#define LITELLM_FIXTURE                                                                            \
    "recordings/valid/kinds/litellm-model-response-stream/tests/integration/responses/"            \
    "recordings/616882799c9ab1565154bb487449819f3fa617cd7d8b895fad2c6c764d0c088f.json"

static void litellm_stream_is_checked_as_chat(void **state)
{
    (void)state;
    recval_result r = rvt_check(rvt_path(LITELLM_FIXTURE));
    rvt_assert_clean(&r);
    assert_string_equal(r.kind, "chat-completion-stream");
    recval_result_free(&r);
    r = rvt_check_variant(LITELLM_FIXTURE, "\"finish_reason\": \"stop\"",
                          "\"finish_reason\": \"done\"", false);
    assert_int_equal(rvt_count(&r, "finish-reason/invalid-value"), 1);
    recval_result_free(&r);
    r = rvt_check_variant(LITELLM_FIXTURE, "\"total_tokens\": 34", "\"total_tokens\": 35", false);
    assert_int_equal(rvt_count(&r, "usage/total-mismatch"), 1);
    recval_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(litellm_stream_is_checked_as_chat),
        cmocka_unit_test(envelope_fixtures),
        cmocka_unit_test(root_must_be_an_object),
        cmocka_unit_test(columns_on_one_line_count_on),
        cmocka_unit_test(list_body_recorded_as_single),
        cmocka_unit_test(repeated_defect_is_reported_once),
        cmocka_unit_test(unknown_type_is_a_note),
        cmocka_unit_test(mixed_types_name_both_items),
        cmocka_unit_test(unknown_member_names_are_escaped),
        cmocka_unit_test(recorder_shapes_stay_silent),
        cmocka_unit_test(corpus_has_no_envelope_errors),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, rvt_free_validator));
}
