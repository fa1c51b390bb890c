/* test_rules_schema.c - the schema family (schema/data, schema/recording)
 * and tool-calls/arguments-schema: the fixtures, exact diagnostics (rule,
 * severity, pointer, line, column, message), what is left to other rules,
 * repeats folded, the per-file cap, the parameters compiled per file,
 * threads sharing one validator, and the shared corpus: no schema errors,
 * and exactly the reference list of arguments-schema warnings
 * (scripts/check_schemas.py --tool-arguments). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "strbuf.h"
#include "suite_util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A chat stream: the request on line 1 (`extra` adds to its body),
 * "response" on line 2, one chunk per line from line 3. */
#define STREAM(extra, chunks)                                                                      \
    "{\"request\": {\"method\": \"POST\", \"url\": "                                               \
    "\"http://localhost:8000/v1/chat/completions\", "                                              \
    "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [{\"role\": \"user\", "           \
    "\"content\": \"hi\"}]" extra                                                                  \
    "}, \"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"                              \
    "\"response\": {\"is_streaming\": true, \"body\": [\n" chunks "\n]}}\n"
#define CHUNK(object, delta, finish)                                                               \
    "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "             \
    "\"__data__\": {\"id\": \"c\", \"created\": 0, \"model\": \"m\", \"object\": \"" object "\", " \
    "\"choices\": [{\"index\": 0, \"delta\": {" delta "}, \"finish_reason\": " finish "}]}}"
#define TEXT_CHUNK(object) CHUNK(object, "\"content\": \"x\"", "null")
#define LAST_CHUNK CHUNK("chat.completion.chunk", "", "\"stop\"")

/* A tools declaration with get_weather(city: string, required). */
#define WEATHER_TOOLS                                                                              \
    ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "            \
    "\"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, "  \
    "\"required\": [\"city\"]}}}]"
/* A chunk starting tool call 0 with arguments `args` (a JSON string body). */
#define CALL_CHUNK(name, args)                                                                     \
    CHUNK("chat.completion.chunk",                                                                 \
          "\"tool_calls\": [{\"index\": 0, \"id\": \"call_1\", \"type\": \"function\", "           \
          "\"function\": {\"name\": \"" name "\", \"arguments\": \"" args "\"}}]",                 \
          "null")
#define TOOL_LAST CHUNK("chat.completion.chunk", "", "\"tool_calls\"")

/* How many diagnostics of `rule` (NULL: of the schema rules) r has. */
static size_t count(const recval_result *r, const char *rule)
{
    if (rule)
        return rvt_count(r, rule);
    return rvt_count(r, "schema/") + rvt_count(r, "tool-calls/arguments-schema");
}

/* --- fixtures ------------------------------------------------------ */

static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixtures("schema");
}

static void fixture_diagnostics_are_exact(void **state)
{
    (void)state;
    recval_result r =
        rvt_check(rvt_path("recordings/invalid/schema/data-chunk-bad-object/tests/integration/"
                           "inference/recordings/3c74fbcfe0708163c0ece62aa2d721c27bcad42f6cefb9c7b2"
                           "6390091ed93835.json"));
    assert_int_equal(r.ndiags, 1);
    rvt_assert_diag(&r, "schema/data", RECVAL_ERROR, "/response/body/1/__data__/object", 71, 21,
                    "\"chat.completion\" is not one of [\"chat.completion.chunk\",\"\"] (schema: "
                    "https://recval.dev/schema/types/openai.chat_completion_chunk.schema.json#/"
                    "properties/object/enum)");
    recval_result_free(&r);
    r = rvt_check(rvt_path("recordings/invalid/schema/recording-chat-request-bad-role/tests/"
                           "integration/inference/recordings/ed1d8acd1ee0b6a80d8a1e5e29d1df9ff575e1"
                           "aa58a9fef28652d1fa7c002ab7.json"));
    assert_int_equal(r.ndiags, 1);
    rvt_assert_diag(
        &r, "schema/recording", RECVAL_ERROR, "/request/body/messages/0/role", 11, 19,
        "\"robot\" is not one of [\"system\",\"developer\",\"user\",\"assistant\",\"tool\","
        "\"function\"] (schema: https://recval.dev/schema/request/chat-completions.schema."
        "json#/$defs/message/properties/role/enum)");
    recval_result_free(&r);
}

/* --- schema/data and schema/recording ------------------------------ */

static void data_error_points_into_the_file(void **state)
{
    (void)state;
    recval_result r =
        rvt_check_inline(STREAM("", TEXT_CHUNK("chat.completion.chunk") ",\n" TEXT_CHUNK(
                                        "chat.completion") ",\n" LAST_CHUNK));
    assert_int_equal(count(&r, NULL), 1);
    rvt_assert_diag(&r, "schema/data", RECVAL_ERROR, "/response/body/1/__data__/object", 4, 139,
                    "\"chat.completion\" is not one of [\"chat.completion.chunk\",\"\"] (schema: "
                    "https://recval.dev/schema/types/openai.chat_completion_chunk.schema.json#/"
                    "properties/object/enum)");
    recval_result_free(&r);
}

static void repeats_fold_into_their_first_item(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(STREAM(
        "", TEXT_CHUNK("chat.completion") ",\n" TEXT_CHUNK("chat.completion") ",\n" TEXT_CHUNK(
                "chat.completion") ",\n" CHUNK("chat.completion", "", "\"stop\"")));
    assert_int_equal(count(&r, NULL), 1);
    rvt_assert_diag(&r, "schema/data", RECVAL_ERROR, "/response/body/0/__data__/object", 3, 139,
                    "\"chat.completion\" is not one of [\"chat.completion.chunk\",\"\"] (schema: "
                    "https://recval.dev/schema/types/openai.chat_completion_chunk.schema.json#/"
                    "properties/object/enum); the same in 3 later items");
    recval_result_free(&r);
}

/* An Ollama model list of n models whose digests are numbers: n errors in
 * one __data__. */
static char *tags_with_bad_digests(size_t n)
{
    size_t cap = 400 + n * 40;
    char *text = malloc(cap);
    size_t len = (size_t)snprintf(
        text, cap,
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://localhost:11434/api/tags\", "
        "\"headers\": {}, \"body\": {}, \"endpoint\": \"/api/tags\", \"model\": \"\"},\n"
        "\"response\": {\"is_streaming\": false, \"body\": {\"__type__\": "
        "\"ollama._types.ListResponse\", \"__data__\": {\"models\": [");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(text + len, cap - len, "%s{\"model\": \"m%zu\", \"digest\": %zu}",
                                i ? ", " : "", i, i);
    snprintf(text + len, cap - len, "]}}}}");
    return text;
}

static void errors_are_capped_per_file(void **state)
{
    (void)state;
    char *text = tags_with_bad_digests(25);
    recval_result r = rvt_check_inline(text);
    assert_int_equal(count(&r, "schema/data"), 21);
    rvt_assert_diag(
        &r, "schema/data", RECVAL_ERROR, "/response/body/__data__/models/19/digest", 2, 727,
        "expected null or string, got integer (schema: https://recval.dev/schema/types/"
        "ollama.list_response.schema.json#/properties/models/items/properties/digest/type)");
    rvt_assert_diag(&r, "schema/data", RECVAL_ERROR, "/response/body", 2, 45,
                    "5 more schema/data errors are not listed (at most 20 are reported per file)");
    recval_result_free(&r);
    free(text);

    text = tags_with_bad_digests(1500);
    r = rvt_check_inline(text);
    assert_int_equal(count(&r, "schema/data"), 21);
    rvt_assert_diag(&r, "schema/data", RECVAL_ERROR, "/response/body", 2, 45,
                    "further schema/data errors are not listed: the file has over 1000 (at most 20 "
                    "are reported per file)");
    recval_result_free(&r);
    free(text);
}

/* What a specific rule reports, the schema rules leave out. */
static void other_rules_report_first(void **state)
{
    (void)state;
    /* finish-reason/invalid-value at the same value */
    recval_result r = rvt_check_inline(STREAM("", TEXT_CHUNK("chat.completion.chunk") ",\n" CHUNK(
                                                      "chat.completion.chunk", "", "\"done\"")));
    assert_int_equal(count(&r, "finish-reason/invalid-value"), 1);
    assert_int_equal(count(&r, NULL), 0);
    recval_result_free(&r);
    /* envelope/malformed-item on every chunk: its repeats too */
    r = rvt_check_inline(
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/chat/completions\", "
        "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [{\"role\": \"user\", "
        "\"content\": \"hi\"}]}, \"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"
        "\"response\": {\"is_streaming\": true, \"body\": [\n"
        "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "
        "\"__index__\": 0, \"__data__\": {\"id\": \"c\", \"created\": 0, \"model\": \"m\", "
        "\"object\": \"chat.completion.chunk\", \"choices\": [{\"index\": 0, \"delta\": {}, "
        "\"finish_reason\": null}]}},\n"
        "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "
        "\"__index__\": 1, \"__data__\": {\"id\": \"c\", \"created\": 0, \"model\": \"m\", "
        "\"object\": \"chat.completion.chunk\", \"choices\": [{\"index\": 0, \"delta\": {}, "
        "\"finish_reason\": \"stop\"}]}}]}}");
    assert_int_equal(count(&r, "envelope/malformed-item"), 1);
    assert_int_equal(count(&r, NULL), 0);
    recval_result_free(&r);
}

static void unknown_types_and_non_json_are_skipped(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/responses\", \"headers\": "
        "{}, \"body\": {}, \"endpoint\": \"/v1/responses\", \"model\": \"m\"}, \"response\": "
        "{\"body\": {\"__type__\": \"openai.types.responses.response.Response\", \"__data__\": "
        "{\"object\": 5}}, \"is_streaming\": false}}");
    assert_int_equal(count(&r, NULL), 0);
    recval_result_free(&r);
    r = rvt_check_inline("{\"request\": ");
    assert_int_equal(r.ndiags, 1);
    assert_string_equal(r.diags[0].rule->name, "parse/invalid-json");
    recval_result_free(&r);
}

/* --- tool-calls/arguments-schema ------------------------------------ */

static void streamed_arguments_are_folded(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(
        STREAM(WEATHER_TOOLS, CALL_CHUNK("get_weather", "{\\\"city\\\":") ",\n" CHUNK(
                                  "chat.completion.chunk",
                                  "\"tool_calls\": [{\"index\": 0, \"function\": {\"arguments\": "
                                  "\"75001}\"}}]",
                                  "null") ",\n" TOOL_LAST));
    assert_int_equal(count(&r, NULL), 1);
    rvt_assert_diag(&r, "tool-calls/arguments-schema", RECVAL_WARNING,
                    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments", 3,
                    312,
                    "tool call 0 of choice 0: the arguments do not satisfy the parameters declared "
                    "for get_weather: at /city: expected string, got integer (schema: "
                    "/request/body/tools/0/function/parameters/properties/city/type)");
    recval_result_free(&r);
}

static void request_history_is_checked(void **state)
{
    (void)state;
    recval_result r =
        rvt_check_inline(STREAM(WEATHER_TOOLS, CALL_CHUNK("get_weather", "{}") ",\n" TOOL_LAST));
    /* {} lacks the required city */
    rvt_assert_diag(&r, "tool-calls/arguments-schema", RECVAL_WARNING,
                    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments", 3,
                    312,
                    "tool call 0 of choice 0: the arguments do not satisfy the parameters declared "
                    "for get_weather: missing required property \"city\" (schema: "
                    "/request/body/tools/0/function/parameters/required)");
    recval_result_free(&r);

    r = rvt_check_inline(
        "{\"request\": {\"method\": \"POST\", \"url\": \"http://x/v1/chat/completions\", "
        "\"headers\": {}, \"body\": {\"model\": \"m\", \"messages\": [{\"role\": \"user\", "
        "\"content\": \"hi\"}, {\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"a\", "
        "\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": "
        "\"{\\\"town\\\": \\\"Oslo\\\"}\"}}, {\"id\": \"b\", \"type\": \"function\", "
        "\"function\": {\"name\": \"get_weather\", \"arguments\": \"\"}}, {\"id\": \"c\", "
        "\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"arguments\": "
        "\"{}\"}}]}, {\"role\": \"tool\", \"tool_call_id\": \"a\", \"content\": \"x\"}, "
        "{\"role\": \"tool\", \"tool_call_id\": \"b\", \"content\": \"x\"}, {\"role\": "
        "\"tool\", \"tool_call_id\": \"c\", \"content\": \"x\"}]" WEATHER_TOOLS
        "}, \"endpoint\": \"/v1/chat/completions\", \"model\": \"m\"},\n"
        "\"response\": {\"is_streaming\": false, \"body\": null}}");
    /* only the first call: the second has no arguments, the third names
     * an undeclared function */
    assert_int_equal(count(&r, "tool-calls/arguments-schema"), 1);
    rvt_assert_diag(
        &r, "tool-calls/arguments-schema", RECVAL_WARNING,
        "/request/body/messages/1/tool_calls/0/function/arguments", 1, 275,
        "tool call 0 of message 1: the arguments do not satisfy the parameters declared "
        "for get_weather: missing required property \"city\" (schema: "
        "/request/body/tools/0/function/parameters/required)");
    recval_result_free(&r);
}

static void unparseable_arguments_are_left_to_invalid_arguments(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline(
        STREAM(WEATHER_TOOLS, CALL_CHUNK("get_weather", "{\\\"city\\\": 'Oslo'}") ",\n" TOOL_LAST));
    assert_int_equal(count(&r, "tool-calls/invalid-arguments"), 1);
    assert_int_equal(count(&r, NULL), 0);
    recval_result_free(&r);
}

static void parameters_that_cannot_compile(void **state)
{
    (void)state;
    /* not a schema at all: schema/recording says so, no note */
    recval_result r = rvt_check_inline(STREAM(
        ", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": "
        "{\"type\": \"object\", \"required\": \"x\"}}}]",
        CALL_CHUNK("f", "{}") ",\n" TOOL_LAST));
    assert_int_equal(count(&r, "schema/recording"), 1);
    assert_int_equal(count(&r, "tool-calls/arguments-schema"), 0);
    recval_result_free(&r);
    /* a valid schema recval cannot compile (another draft): a note */
    r = rvt_check_inline(
        STREAM(", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", "
               "\"parameters\": {\"$schema\": "
               "\"http://json-schema.org/draft-07/schema#\", \"type\": \"object\"}}}]",
               CALL_CHUNK("f", "{}") ",\n" TOOL_LAST));
    assert_int_equal(count(&r, NULL), 1);
    const recval_diag *d = rvt_find_diag(&r, "tool-calls/arguments-schema",
                                         "/request/body/tools/0/function/parameters");
    assert_int_equal(d->severity, RECVAL_NOTE);
    assert_non_null(strstr(d->message, "the parameters of function f cannot be used as a schema, "
                                       "so its calls are not checked: "));
    recval_result_free(&r);
    /* unknown keywords are annotations, as providers read them */
    r = rvt_check_inline(
        STREAM(", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", "
               "\"parameters\": {\"type\": \"object\", \"nullable\": true, "
               "\"properties\": {\"n\": {\"type\": \"integer\"}}}}}]",
               CALL_CHUNK("f", "{\\\"n\\\": \\\"5\\\"}") ",\n" TOOL_LAST));
    assert_int_equal(count(&r, "tool-calls/arguments-schema"), 1);
    assert_int_equal(
        rvt_find_diag(&r, "tool-calls/arguments-schema",
                      "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/"
                      "arguments")
            ->severity,
        RECVAL_WARNING);
    recval_result_free(&r);
}

/* --- threads ------------------------------------------------------- */

typedef struct thread_run {
    const char *const *paths;
    size_t n;
    size_t diags;
} thread_run;

static void *check_all(void *arg)
{
    thread_run *t = arg;
    for (int round = 0; round < 5; round++)
        for (size_t i = 0; i < t->n; i++) {
            recval_result r;
            if (recval_check_file(rvt_validator(), t->paths[i], &r) == RECVAL_OK) {
                t->diags += r.ndiags;
                recval_result_free(&r);
            }
        }
    return NULL;
}

static void collect_path(const char *path, void *ud)
{
    char ***list = ud;
    size_t n = 0;
    while ((*list)[n])
        n++;
    *list = realloc(*list, (n + 2) * sizeof **list);
    (*list)[n] = strdup(path);
    (*list)[n + 1] = NULL;
}

/* The diagnostics the .expect file next to a fixture lists. */
static size_t expected_diags(const char *json_path)
{
    char expect[4096];
    snprintf(expect, sizeof expect, "%.*s.expect", (int)(strlen(json_path) - 5), json_path);
    char *text = rvt_read_file(expect, NULL);
    size_t n = 0;
    for (char *line = text; line && *line;) {
        char *end = strchr(line, '\n');
        if (*line != '#' && *line != '\n')
            n++;
        line = end ? end + 1 : line + strlen(line);
    }
    free(text);
    return n;
}

static void threads_share_one_validator(void **state)
{
    (void)state;
    char **paths = calloc(1, sizeof *paths);
    size_t n = rvt_each_json(rvt_path("recordings/invalid/schema"), collect_path, &paths);
    rvt_validator();
    thread_run runs[4];
    pthread_t threads[4];
    for (int i = 0; i < 4; i++) {
        runs[i] = (thread_run){(const char *const *)paths, n, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, check_all, &runs[i]), 0);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(threads[i], NULL);
    for (int i = 1; i < 4; i++)
        assert_int_equal(runs[i].diags, runs[0].diags);
    size_t want = 0;
    for (size_t i = 0; i < n; i++)
        want += expected_diags(paths[i]);
    assert_int_equal(runs[0].diags, 5 * want); /* what the fixtures expect */
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    free(paths);
}

/* --- the shared corpus --------------------------------------------- */

/* The corpus tool calls whose arguments break their declared parameters,
 * as `scripts/check_schemas.py --tool-arguments` (Python jsonschema) lists
 * them: small models sending "true" for a boolean, null, or a JSON string
 * where an object is declared. Paths are relative to the corpus. */
static const char *const corpus_bad_arguments[] = {
    "ogx/tests/integration/agents/recordings/"
    "095b37e65a5a78904f225bdefc904d3e20145a4dab1be0cf07d17a416d85e58d.json "
    "/request/body/messages/2/tool_calls/0/function/arguments",
    "ogx/tests/integration/agents/recordings/1d82e9439ae3.json "
    "/request/body/messages/2/tool_calls/0/function/arguments",
    "ogx/tests/integration/agents/recordings/"
    "28cc2057662b6d13ab1becc3f92e5afbdaa19c2192b588a5795a5fa4c09fb588.json "
    "/request/body/messages/2/tool_calls/0/function/arguments",
    "ogx/tests/integration/agents/recordings/"
    "3ef67b5ce7dbb36bf47c16b906e32b5d5f18f7e46b6425690d680b6536fffcf0.json "
    "/request/body/messages/2/tool_calls/0/function/arguments",
    "ogx/tests/integration/agents/recordings/"
    "45f7bb25cd8184f361ab72c0ca3f9391c966d802d60df60d5b5b7c8354d0da6d.json "
    "/request/body/messages/2/tool_calls/0/function/arguments",
    "ogx/tests/integration/inference/recordings/"
    "12b4c92fd0d85cf140cb3ae3c1f79a6f684b20f57519011742a8b9088e92130a.json "
    "/response/body/__data__/choices/0/message/tool_calls/0/function/arguments",
    "ogx/tests/integration/inference/recordings/"
    "95be86b56c9f5f688bfb396933972ec68f056ccbdc10bee6610d2c6722761d5a.json "
    "/response/body/__data__/choices/0/message/tool_calls/0/function/arguments",
    "ogx/tests/integration/tool_runtime/recordings/"
    "0b29d8fc2fee6f3086820af7b7db15b91bbde548bb9d9531a9e0c9cbbc2c66df.json "
    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments",
    "ogx/tests/integration/tool_runtime/recordings/"
    "1e9f5ce2b5bb9d8ab952b4b12d6a85deb5194400946929464b965bf014c32e72.json "
    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments",
    "ogx/tests/integration/tool_runtime/recordings/"
    "3027fe9da37cc8b8a9e3e244f8aaf8b0065eae214a7ea4b0ec9e526b70bc9654.json "
    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments",
    "ogx/tests/integration/tool_runtime/recordings/"
    "4d04859cb4d87fe1c3df23b0a9f49cb9fe05b2b91ee425f5ec97332297451220.json "
    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments",
    "ogx/tests/integration/tool_runtime/recordings/"
    "a27a32894b82ced1edfbbbe2005b7d02ac84ca79c14e8e4c1932be544016fae5.json "
    "/response/body/0/__data__/choices/0/delta/tool_calls/0/function/arguments",
};
#define NBAD (sizeof corpus_bad_arguments / sizeof corpus_bad_arguments[0])

typedef struct corpus_scan {
    size_t root_len;
    size_t files;
    size_t schema_errors;
    size_t found[NBAD];
    size_t unexpected;
} corpus_scan;

static void note_arguments(corpus_scan *s, const char *rel, const recval_diag *d)
{
    char key[1024];
    snprintf(key, sizeof key, "%s %s", rel, d->pointer);
    for (size_t k = 0; k < NBAD; k++)
        if (strcmp(corpus_bad_arguments[k], key) == 0 && d->severity == RECVAL_WARNING) {
            s->found[k]++;
            return;
        }
    print_error("unexpected %s:%u:%u %s\n", rel, d->line, d->column, d->message);
    s->unexpected++;
}

static void scan_one(const char *path, void *ud)
{
    corpus_scan *s = ud;
    recval_result r = rvt_check(path);
    s->files++;
    for (size_t i = 0; i < r.ndiags; i++) {
        const recval_diag *d = &r.diags[i];
        if (strncmp(d->rule->name, "schema/", 7) == 0) {
            print_error("%s:%u:%u %s %s %s\n", path, d->line, d->column, d->rule->name, d->pointer,
                        d->message);
            s->schema_errors++;
        } else if (strcmp(d->rule->name, "tool-calls/arguments-schema") == 0) {
            note_arguments(s, path + s->root_len, d);
        }
    }
    recval_result_free(&r);
}

static void corpus_passes_and_arguments_match_the_reference(void **state)
{
    (void)state;
    const char *root = rvt_need_shared("corpus");
    corpus_scan s = {.root_len = strlen(root) + 1};
    rvt_each_json(root, scan_one, &s);
    print_message("%zu corpus files checked\n", s.files);
    assert_true(s.files > 2000);
    assert_int_equal(s.schema_errors, 0);
    assert_int_equal(s.unexpected, 0);
    for (size_t k = 0; k < NBAD; k++) {
        if (s.found[k] != 1)
            print_error("expected once, found %zu times: %s\n", s.found[k],
                        corpus_bad_arguments[k]);
        assert_int_equal(s.found[k], 1);
    }
}

/* Together's "completion.chunk" on every chunk is a habit (a warning);
 * on one chunk among "text_completion" siblings it is an inconsistency
 * (schema/data). Ignoring schema/data, the old name, ignores both. */
#define TOGETHER_FIXTURE                                                                           \
    "recordings/invalid/schema/provider-deviation-together-stream/tests/integration/inference/"    \
    "recordings/00e3d2477fc173fb45a83b3d7f96c0109899ad303440c5fd2eba408c5885b134.json"

static void together_deviation_is_a_warning_only_when_consistent(void **state)
{
    (void)state;
    recval_result r = rvt_check(rvt_path(TOGETHER_FIXTURE));
    rvt_assert_single(&r, "schema/provider-deviation", "/response/body/0/__data__/object", 33, 21,
                      NULL);
    assert_int_equal(r.diags[0].severity, RECVAL_WARNING);
    recval_result_free(&r);
    r = rvt_check_variant(TOGETHER_FIXTURE, "\"completion.chunk\"", "\"text_completion\"", false);
    assert_int_equal(rvt_count(&r, "schema/provider-deviation"), 0);
    assert_int_equal(rvt_count(&r, "schema/data"), 1);
    recval_result_free(&r);
    recval_options o = {.ignore = "schema/data"};
    recval_validator *v = recval_validator_new(&o);
    assert_int_equal(recval_validator_reports(v, "schema/provider-deviation"), 0);
    recval_validator_free(v);
}

/* A Together stream of `n` chunks, every one carrying `object` (JSON text)
 * and `created` (JSON text), as one compact recording. */
static char *together_stream(size_t n, const char *object, const char *created)
{
    strbuf sb = STRBUF_INIT;
    rv_sb_puts(&sb,
               "{\"test_id\": null, \"request\": {\"method\": \"POST\", \"url\": "
               "\"http://localhost/v1/completions\", \"headers\": {}, \"body\": {\"model\": "
               "\"m\", \"prompt\": \"x\", \"stream\": true}, \"endpoint\": \"/v1/completions\", "
               "\"model\": \"m\"}, \"response\": {\"body\": [");
    for (size_t i = 0; i < n; i++)
        rv_sb_printf(&sb,
                     "%s{\"__type__\": \"openai.types.completion.Completion\", \"__data__\": "
                     "{\"id\": \"cmpl-1\", \"choices\": [{\"finish_reason\": %s, \"index\": 0, "
                     "\"logprobs\": null, \"text\": \"x\"}], \"created\": %s, \"model\": \"m\", "
                     "\"object\": %s}}",
                     i ? ", " : "", i + 1 == n ? "\"stop\"" : "null", created, object);
    rv_sb_puts(&sb, "], \"is_streaming\": true}}");
    return rv_sb_detach(&sb);
}

/* Past the cap of kept errors, a defect on every chunk is still one
 * finding with the count of all its repeats: a provider habit stays one
 * warning (no schema/data error about errors not listed), a real defect
 * one error. */
static void repeats_on_long_streams_are_counted_not_capped(void **state)
{
    (void)state;
    char *text = together_stream(3000, "\"completion.chunk\"", "0");
    recval_result r;
    assert_int_equal(recval_check_buffer(rvt_validator(), "long.json", text, strlen(text), &r),
                     RECVAL_OK);
    unsigned col = (unsigned)(strstr(text, "\"object\": ") - text) + 11;
    rvt_assert_single(&r, "schema/provider-deviation", "/response/body/0/__data__/object", 1, col,
                      NULL);
    assert_int_equal(r.diags[0].severity, RECVAL_WARNING);
    assert_non_null(strstr(r.diags[0].message, "; the same in 2999 later items"));
    recval_result_free(&r);
    free(text);
    text = together_stream(3000, "\"text_completion\"", "\"0\"");
    assert_int_equal(recval_check_buffer(rvt_validator(), "long.json", text, strlen(text), &r),
                     RECVAL_OK);
    col = (unsigned)(strstr(text, "\"created\": ") - text) + 12;
    rvt_assert_single(&r, "schema/data", "/response/body/0/__data__/created", 1, col, NULL);
    assert_non_null(strstr(r.diags[0].message, "; the same in 2999 later items"));
    recval_result_free(&r);
    free(text);
}

/* Tool parameters typed with Python names: the message names the tool,
 * the parameter and the type meant. */
#define PYTHON_TYPE_FIXTURE                                                                        \
    "recordings/invalid/schema/recording-tool-param-python-type/tests/integration/agents/"         \
    "recordings/9cf41123c78b7c5ef15968759eaa259ddfa4e60b2a04b97275682b32206c61f7.json"

static void python_type_in_tool_parameters_is_explained(void **state)
{
    (void)state;
    recval_result r = rvt_check(rvt_path(PYTHON_TYPE_FIXTURE));
    assert_int_equal(r.ndiags, 2);
    rvt_assert_diag(
        &r, "schema/recording", RECVAL_ERROR,
        "/request/body/tools/0/function/parameters/properties/liquid_name/type", 25, 27,
        "tool get_boiling_point declares parameter liquid_name with type \"str\", which "
        "is not a JSON Schema type (did you mean \"string\"?)");
    rvt_assert_diag(&r, "schema/recording", RECVAL_ERROR,
                    "/request/body/tools/0/function/parameters/properties/celsius/type", 29, 27,
                    "tool get_boiling_point declares parameter celsius with type \"bool\", which "
                    "is not a JSON Schema type (did you mean \"boolean\"?)");
    recval_result_free(&r);
    /* The parameters object itself typed "dict". */
    r = rvt_check_variant(PYTHON_TYPE_FIXTURE, "\"type\": \"object\"", "\"type\": \"dict\"", false);
    const recval_diag *d =
        rvt_find_diag(&r, "schema/recording", "/request/body/tools/0/function/parameters/type");
    assert_string_equal(d->message, "tool get_boiling_point declares its parameters object with "
                                    "type \"dict\", which is not a JSON Schema type (did you mean "
                                    "\"object\"?)");
    recval_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(together_deviation_is_a_warning_only_when_consistent),
        cmocka_unit_test(python_type_in_tool_parameters_is_explained),
        cmocka_unit_test(fixtures_match_expectations),
        cmocka_unit_test(fixture_diagnostics_are_exact),
        cmocka_unit_test(data_error_points_into_the_file),
        cmocka_unit_test(repeats_fold_into_their_first_item),
        cmocka_unit_test(errors_are_capped_per_file),
        cmocka_unit_test(other_rules_report_first),
        cmocka_unit_test(unknown_types_and_non_json_are_skipped),
        cmocka_unit_test(streamed_arguments_are_folded),
        cmocka_unit_test(request_history_is_checked),
        cmocka_unit_test(unparseable_arguments_are_left_to_invalid_arguments),
        cmocka_unit_test(parameters_that_cannot_compile),
        cmocka_unit_test(repeats_on_long_streams_are_counted_not_capped),
        cmocka_unit_test(threads_share_one_validator),
        cmocka_unit_test(corpus_passes_and_arguments_match_the_reference),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, rvt_free_validator));
}
