/* test_rules_ids.c - the ids rule family: its fixtures, exact diagnostics
 * for inline recordings, the request-hash seam, and the corpus, whose
 * files with ids errors must be exactly the known defects listed here. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"
#include "rules_ids.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Checks text named name, printing its diagnostics. */
static recval_result check_text(const char *name, const char *text)
{
    recval_result r = rvt_check_text(name, text);
    rvt_print_diags(&r);
    return r;
}

/* Asserts the i-th diagnostic of r is an error with these fields. */
static void assert_diag(const recval_result *r, size_t i, const char *rule, const char *pointer,
                        unsigned line, unsigned column, const char *message)
{
    assert_true(i < r->ndiags);
    assert_int_equal(r->diags[i].severity, RECVAL_ERROR);
    assert_non_null(message);
    rvt_assert_diag_is(&r->diags[i], rule, pointer, line, column, message);
}

static void ids_fixtures(void **state)
{
    (void)state;
    rvt_check_family_fixtures("ids");
}

#define REQ                                                                                        \
    "\"request\": {\"method\": \"POST\", \"url\": \"http://localhost:11434/v1/v1/completions\", "  \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"prompt\": \"Hi\", \"stream\": true}, "        \
    "\"endpoint\": \"/v1/completions\", \"model\": \"m\"}"

/* One Completion chunk per line. */
#define CHUNK(id, text, finish)                                                                    \
    "{\"__type__\": \"openai.types.completion.Completion\", \"__data__\": {\"id\": \"" id          \
    "\", \"choices\": [{\"finish_reason\": " finish ", \"index\": 0, \"logprobs\": null, "         \
    "\"text\": \"" text "\"}], \"created\": 0, \"model\": \"m\", \"object\": "                     \
    "\"text_completion\"}}"

static void deviation_runs_are_reported_once(void **state)
{
    (void)state;
    const char
        *text =
            "{" REQ
            ", \"response\": {\"body\": [\n" CHUNK("a", "1", "null") ",\n" CHUNK("a", "2", "null") ",\n" CHUNK(
                "b", "3",
                "null") ",\n" CHUNK("b", "4",
                                    "null") ",\n" CHUNK("a", "5",
                                                        "null") ",\n" CHUNK("c", "",
                                                                            "\"stop\"") "\n], "
                                                                                        "\"is_"
                                                                                        "streaming"
                                                                                        "\": "
                                                                                        "true}}";
    recval_result r = check_text("x.json", text);
    assert_int_equal(r.ndiags, 2);
    assert_diag(&r, 0, "ids/inconsistent-stream-id", "/response/body/2/__data__/id", 4, 71,
                "chunk 2 has id \"b\" (and so on to chunk 3) but the stream began with \"a\" "
                "(chunk 0): the chunks of one stream belong to one completion");
    assert_diag(&r, 1, "ids/inconsistent-stream-id", "/response/body/5/__data__/id", 7, 71,
                "chunk 5 has id \"c\" but the stream began with \"a\" (chunk 0): the chunks of one "
                "stream belong to one completion");
    recval_result_free(&r);
}

static void normalized_id_follows_the_file_name(void **state)
{
    (void)state;
    const char *text =
        "{" REQ ", \"response\": {\"body\": [\n" CHUNK("rec-ffffffffffff", "1", "null") ",\n" CHUNK(
            "rec-ffffffffffff", "", "\"stop\"") "\n], \"is_streaming\": true}}";
    recval_result r = check_text("recordings/responses/139dd25e1b51.json", text);
    assert_int_equal(r.ndiags, 1);
    assert_diag(&r, 0, "ids/normalized-id-mismatch", "/response/body/0/__data__/id", 2, 71,
                "normalized id \"rec-ffffffffffff\" does not match the file name, which calls for "
                "\"rec-139dd25e1b51\" (the first 12 hex digits of the request hash) (2 items "
                "carry it)");
    recval_result_free(&r);
    /* Not a recorder name: nothing to compare with. */
    r = check_text("x.json", text);
    assert_int_equal(r.ndiags, 0);
    recval_result_free(&r);
}

static void model_ids_are_model_names(void **state)
{
    (void)state;
    const char *text =
        "{\"test_id\": null, \"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/models\", "
        "\"headers\": {}, \"body\": {}, \"endpoint\": \"/v1/models\", \"model\": \"\"}, "
        "\"response\": {\"body\": [{\"__type__\": \"openai.types.model.Model\", \"__data__\": "
        "{\"id\": \"rec-ffffffffffff\", \"created\": 1, \"object\": \"model\", \"owned_by\": "
        "\"me\"}}], \"is_streaming\": false}, \"id_normalization_mapping\": {}}";
    recval_result r = check_text(
        "models-3a641f25d65695766fb77e424273f716b852f371e1e87f6e14fd5672b1ab6005-88511352.json",
        text);
    assert_int_equal(r.ndiags, 0);
    recval_result_free(&r);
}

#define TOOL_TURN(answer)                                                                          \
    "{\"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/v1/chat/completions\", "          \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [\n"                              \
    "{\"role\": \"user\", \"content\": \"Weather?\"},\n"                                           \
    "{\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"id\": \"call_1\", "          \
    "\"type\": \"function\", \"function\": {\"name\": \"w\", \"arguments\": \"{}\"}}]},\n"         \
    "{\"role\": \"tool\", \"tool_call_id\": \"" answer "\", \"content\": \"sunny\"}\n"             \
    "]}, \"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"}, \"response\": {\"body\": "     \
    "null, \"is_streaming\": false, \"is_exception\": true, \"exception_data\": null, "            \
    "\"exception_message\": \"boom\"}}"

static void tool_messages_answer_earlier_calls(void **state)
{
    (void)state;
    recval_result r = check_text("x.json", TOOL_TURN("call_1"));
    assert_int_equal(r.ndiags, 0);
    recval_result_free(&r);
    r = check_text("x.json", TOOL_TURN("call_2"));
    assert_int_equal(r.ndiags, 1);
    assert_diag(&r, 0, "ids/unknown-tool-call-id", "/request/body/messages/2/tool_call_id", 4, 34,
                "tool message 2 answers tool call \"call_2\", which no earlier assistant message "
                "made");
    recval_result_free(&r);
}

static void ollama_tool_messages_are_not_checked(void **state)
{
    (void)state;
    const char *text =
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://localhost:11434/api/chat\", "
        "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [{\"role\": \"tool\", "
        "\"content\": \"sunny\", \"tool_name\": \"w\"}]}, \"endpoint\": \"/api/chat\", "
        "\"model\": \"m\"}, \"response\": {\"body\": null, \"is_streaming\": false}}";
    recval_result r = check_text("x.json", text);
    assert_int_equal(r.ndiags, 0);
    recval_result_free(&r);
}

/* The seam for request-hash checks: any expected prefix, any source. */
static void seam_takes_the_expected_prefix(void **state)
{
    (void)state;
    const char *text = "{" REQ ", \"response\": {\"body\": " CHUNK(
        "rec-0123456789ab", "Hi", "\"stop\"") ", \"is_streaming\": false}}";
    rv_file f = {.validator = rvt_validator(),
                 .path = "x.json",
                 .base = "x.json",
                 .text = text,
                 .len = strlen(text)};
    f.root = json_tokener_parse(text);
    assert_non_null(f.root);
    rv_classify(&f);
    rv_ids_check_normalized(&f, "0123456789ab", "the request hash");
    assert_int_equal(f.ndiags, 0);
    rv_ids_check_normalized(&f, "fedcba987654", "the request hash");
    assert_int_equal(f.ndiags, 1);
    assert_string_equal(f.diags[0].pointer, "/response/body/__data__/id");
    assert_string_equal(f.diags[0].message,
                        "normalized id \"rec-0123456789ab\" does not match the request hash, which "
                        "calls for \"rec-fedcba987654\" (the first 12 hex digits of the request "
                        "hash)");
    for (size_t i = 0; i < f.ndiags; i++) {
        free(f.diags[i].message);
        free(f.diags[i].pointer);
    }
    free(f.diags);
    json_object_put(f.root);
}

/* Files of the corpus with ids errors, and why. All are
 * ids/normalized-id-mismatch: the normalized id inside was derived from
 * another request hash than the one the file is named by - the files were
 * renamed (re-hashed) without rewriting the ids. */
static const char *const corpus_ids_errors[] = {
    /* test_id null, Ollama at localhost: the ids are rec- + the hash of
     * {method, endpoint, body} without test_id (the pre-test_id recorder);
     * the name is a later hash. */
    "agents/recordings/095b37e65a5a78904f225bdefc904d3e20145a4dab1be0cf07d17a416d85e58d.json",
    "agents/recordings/28cc2057662b6d13ab1becc3f92e5afbdaa19c2192b588a5795a5fa4c09fb588.json",
    "agents/recordings/3ef67b5ce7dbb36bf47c16b906e32b5d5f18f7e46b6425690d680b6536fffcf0.json",
    "agents/recordings/45f7bb25cd8184f361ab72c0ca3f9391c966d802d60df60d5b5b7c8354d0da6d.json",
    "agents/recordings/610695da59ffcce0a03a4d4b1ffbf61cf698f39fd41628173fb864e14b3a71c5.json",
    "agents/recordings/6446f5838fb216dcc72e56d44ad62350d66e4f850bc15abb328f1278d1204723.json",
    "agents/recordings/868db6e8a427d63dc71b749257aa40343a2876e37cc0f695fee5f1ae6e1d6ba7.json",
    "agents/recordings/961052707b2d39c56d3ac2ee7c71d67fffc2c1398c7d64d8e18a7b28135c42c3.json",
    "agents/recordings/b62d824408e5d5f1e278fb6ed654b18a8c50eeed5cfdd125ec110752595649bc.json",
    "tool_runtime/recordings/3027fe9da37cc8b8a9e3e244f8aaf8b0065eae214a7ea4b0ec9e526b70bc9654.json",
    /* Azure gpt-4o image and multi-turn tests: the ids come from a request
     * hash no longer derivable from the file (an earlier test id or
     * request); five of the seven names are the current request hash. */
    "responses/recordings/2cb4065d805458ef99e17f8341de7afb44e7879a6b866a4fc65a3c2f01fbd316.json",
    "responses/recordings/3abb9133ddda2c5d53c8831e81138cc83a7a635b31da03049650d41b4d12e2ad.json",
    "responses/recordings/3e881dd0f3b6134814955d448d329627cda35abedc83d3a12d5b39bc9db3e4d1.json",
    "responses/recordings/732ba804b6793b0cf3c8ecbf80563df6019a51c81d988095d4f08700d22a46b6.json",
    "responses/recordings/92807acae79cb6ab4b9ec4745a254895bebb45411ecef284139f9c462fb4c66b.json",
    "responses/recordings/a38bac693f7ff551e376bb60a4bbf9ec99cdd3c382a0b58194b0ab918728881e.json",
    "responses/recordings/d4acd24302620db64c95bf74d560f1d52489095c83b45d521e761bc1eb9d4fe5.json",
    NULL,
};

static size_t listed(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; corpus_ids_errors[i]; i++) {
        size_t k = strlen(corpus_ids_errors[i]);
        if (n > k && path[n - k - 1] == '/' && strcmp(path + n - k, corpus_ids_errors[i]) == 0)
            return i;
    }
    return SIZE_MAX;
}

/* Errors of the family, but not those against the request hash: the files
 * test_rules_request_hash checks. */
static bool is_error(const recval_diag *d, void *ud)
{
    (void)ud;
    return d->severity == RECVAL_ERROR && !strstr(d->message, "does not match the request hash");
}

static void corpus_ids_errors_are_the_known_defects(void **state)
{
    (void)state;
    rvt_corpus_errors found = rvt_corpus_family_errors("ids/", is_error, NULL);
    if (found.files == 0)
        rvt_skip_for("../shared");
    bool seen[sizeof corpus_ids_errors / sizeof corpus_ids_errors[0]] = {false};
    size_t unexpected = 0;
    for (size_t i = 0; i < found.npaths; i++) {
        size_t k = listed(found.paths[i]);
        if (k == SIZE_MAX) {
            unexpected++;
            print_error("unexpected ids error in %s\n", found.paths[i]);
        } else {
            seen[k] = true;
        }
    }
    print_message("%zu corpus files checked\n", found.files);
    assert_int_equal(unexpected, 0);
    for (size_t i = 0; corpus_ids_errors[i]; i++) {
        if (!seen[i])
            print_error("no ids error any more in %s\n", corpus_ids_errors[i]);
        assert_true(seen[i]);
    }
    rvt_corpus_errors_free(&found);
}

/* Azure OpenAI filter chunks (preamble, content-filter-only) carry id ""
 * and no choices: they are not part of the stream's identity. The same
 * chunk without its filter results is an ordinary chunk with another id. */
#define AZURE_FIXTURE                                                                              \
    "recordings/valid/provider-azure-filter-chunks/tests/integration/inference/recordings/"        \
    "662799773220c27732ba4977f1029969af89012d94c10f4a0553889c8a50c615.json"

static void azure_filter_chunks_are_not_stream_identity(void **state)
{
    (void)state;
    recval_result r = rvt_check(rvt_path(AZURE_FIXTURE));
    rvt_assert_clean(&r);
    recval_result_free(&r);
    r = rvt_check_variant(AZURE_FIXTURE, "\"prompt_filter_results\"", "\"filter_results\"", true);
    assert_int_equal(rvt_count(&r, "ids/inconsistent-stream-id"), 1);
    const recval_diag *d =
        rvt_find_diag(&r, "ids/inconsistent-stream-id", "/response/body/1/__data__/id");
    assert_int_equal(d->severity, RECVAL_ERROR);
    recval_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(azure_filter_chunks_are_not_stream_identity),
        cmocka_unit_test(ids_fixtures),
        cmocka_unit_test(deviation_runs_are_reported_once),
        cmocka_unit_test(normalized_id_follows_the_file_name),
        cmocka_unit_test(model_ids_are_model_names),
        cmocka_unit_test(tool_messages_answer_earlier_calls),
        cmocka_unit_test(ollama_tool_messages_are_not_checked),
        cmocka_unit_test(seam_takes_the_expected_prefix),
        cmocka_unit_test(corpus_ids_errors_are_the_known_defects),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, rvt_free_validator));
}
