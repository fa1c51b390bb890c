/* test_cli_hash_replay.c - `recval hash` and `recval replay` end to end:
 * exact JSON and text of hash on seed files and on a bare request with its
 * test id, exact bytes of a replay hit, a miss (exit 1) listing the hash,
 * the paths looked at and the nearest recording with its body diff, a
 * recorded exception (exit 3), and the usage errors (exit 2). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VALID "recordings/valid/"
#define SEED_000 VALID "legacy/tests/integration/recordings/responses/e22f98c05933.json"
#define SEED_002_HASH "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251"
#define SEED_002 VALID "current/tests/integration/responses/recordings/" SEED_002_HASH ".json"
#define SEED_002_TEST                                                                              \
    "tests/integration/responses/test_basic_responses.py::test_response_non_streaming_basic"       \
    "[client_with_models-txt=openai/gpt-4o-saturn]"
#define COMPLETION_HASH "b3f616d206e5b653ee6120e8468319cbf4dab4a668fddc49c4755b96e68a51c1"
#define COMPLETION_ROOT VALID "kinds/completion"
#define COMPLETION                                                                                 \
    COMPLETION_ROOT "/tests/integration/inference/recordings/" COMPLETION_HASH ".json"
#define COMPLETION_TEST                                                                            \
    "tests/integration/inference/test_openai_completion.py::test_openai_completion_non_streaming"  \
    "[txt=ollama/llama3.2:3b-instruct-fp16]"
#define EXCEPTION_HASH "93c4ff0e54bbf4a95d036e67311d431708adcf9cacf162e88d42a80b0cd3a808"
#define EXCEPTION_ROOT VALID "kinds/exception"
#define EXCEPTION EXCEPTION_ROOT "/tests/integration/inference/recordings/" EXCEPTION_HASH ".json"

static char tmpdir[] = "/tmp/recval-cli-hr-XXXXXX";

/* Writes the request of the recording at path, changed by edit (may be
 * NULL), to a file of the temporary directory; returns its path. */
static char *request_file(const char *path, const char *name, void (*edit)(json_object *body))
{
    json_object *root = json_object_from_file(path);
    assert_non_null(root);
    json_object *request = json_object_object_get(root, "request");
    if (edit)
        edit(json_object_object_get(request, "body"));
    char *out = malloc(4096);
    snprintf(out, 4096, "%s/%s", tmpdir, name);
    assert_int_equal(json_object_to_file_ext(out, request, JSON_C_TO_STRING_PLAIN), 0);
    json_object_put(root);
    return out;
}

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* --- recval hash ----------------------------------------------------------- */

static void hash_json_of_seed_000(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "hash", "--format=json", SEED_000, NULL), 0);
    assert_string_equal(
        out, "{\"files\":[{\"path\":\"" SEED_000 "\",\"schemes\":{\"current\":"
             "\"84fd80c8a508badeb280b6f940aa5ad746858d067c4d7de092fb191e43081f9a\",\"legacy\":"
             "\"e22f98c0593384ec1fabb0903d8601292f50d4b3c7b82640f093c78f8c936693\","
             "\"current_raw\":\"84fd80c8a508badeb280b6f940aa5ad746858d067c4d7de092fb191e43081f9a\","
             "\"older_fs_partial\":null,\"older_fs_none\":null},\"name_hash\":\"e22f98c05933\","
             "\"matches\":\"legacy\",\"expected_name\":\"e22f98c05933.json\",\"request_kind\":"
             "\"inference\",\"unreproducible\":null}]}\n");
    assert_string_equal(err, "");
    free(out), free(err);
}

static void hash_text_of_two_files(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "hash", SEED_000, SEED_002, NULL), 0);
    assert_string_equal(out, SEED_000
                        "\n"
                        "  request_kind      inference\n"
                        "  current           "
                        "84fd80c8a508badeb280b6f940aa5ad746858d067c4d7de092fb191e43081f9a\n"
                        "  legacy            "
                        "e22f98c0593384ec1fabb0903d8601292f50d4b3c7b82640f093c78f8c936693\n"
                        "  current_raw       "
                        "84fd80c8a508badeb280b6f940aa5ad746858d067c4d7de092fb191e43081f9a\n"
                        "  name              e22f98c05933 (matches legacy)\n"
                        "  expected_name     e22f98c05933.json\n"
                        "\n" SEED_002 "\n"
                        "  request_kind      inference\n"
                        "  current           " SEED_002_HASH "\n"
                        "  legacy            "
                        "8ca76a816263eb76ff3dc1bf4994aebd4fe8f30558f833f92cc71194f11e3fd2\n"
                        "  current_raw       " SEED_002_HASH "\n"
                        "  name              " SEED_002_HASH " (matches current)\n"
                        "  expected_name     " SEED_002_HASH ".json\n");
    free(out), free(err);
}

static void hash_of_a_request_with_its_test_id(void **state)
{
    (void)state;
    char *req = request_file(SEED_002, "seed-002-request.json", NULL);
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "hash", "--format=json", "--request", req,
                                "--test-id=" SEED_002_TEST, NULL),
                     0);
    assert_string_equal(out, "{\"files\":[{\"path\":null,\"schemes\":{\"current\":\"" SEED_002_HASH
                             "\",\"legacy\":\"8ca76a816263eb76ff3dc1bf4994aebd4fe8f30558f833f92cc7"
                             "1194f11e3fd2\",\"current_raw\":\"" SEED_002_HASH
                             "\",\"older_fs_partial\":null,\"older_fs_none\":null},\"name_hash\":"
                             "null,\"matches\":null,\"expected_name\":\"" SEED_002_HASH
                             ".json\",\"request_kind\":\"inference\",\"unreproducible\":null}]}\n");
    free(out), free(err);
    /* without the test id the request hashes differently */
    assert_int_equal(rvt_recval(&out, &err, "hash", "--format=json", "--request", req, NULL), 0);
    assert_null(strstr(out, SEED_002_HASH));
    assert_non_null(strstr(out, "\"legacy\":\"8ca76a816263eb76ff3dc1bf4994aebd4fe8f30558f833f92cc7"
                                "1194f11e3fd2\""));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash", "--request=", NULL), 2);
    free(out), free(err);
    free(req);
}

static void hash_usage_errors(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "hash", NULL), 2);
    assert_non_null(strstr(err, "no PATH given"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash", "--format=junit", SEED_000, NULL), 2);
    assert_non_null(strstr(err, "unknown format 'junit'"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash", "--bogus", SEED_000, NULL), 2);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash", "--test-id=x", SEED_000, NULL), 2);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash", "--request=x.json", SEED_000, NULL), 2);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash", "--help", NULL), 0);
    assert_non_null(strstr(out, "usage: recval hash"));
    free(out), free(err);
}

/* An unreadable file among others: the others are still hashed. */
static void hash_of_unreadable_input_exits_2(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(
        rvt_recval(&out, &err, "hash", "--format=json", "/nonexistent/a.json", SEED_000, NULL), 2);
    assert_non_null(strstr(out, "{\"files\":[{\"path\":\"/nonexistent/a.json\",\"error\":"
                                "\"/nonexistent/a.json: cannot read file: No such file or "
                                "directory\"},{\"path\":\"" SEED_000 "\""));
    assert_non_null(strstr(err, "recval hash: /nonexistent/a.json: cannot read file"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "hash",
                                "recordings/invalid/parse/invalid-json/"
                                "truncated.json",
                                NULL),
                     2);
    free(out), free(err);
}

/* --- recval replay ---------------------------------------------------------- */

static void replay_hit_exact_json(void **state)
{
    (void)state;
    char *req = request_file(COMPLETION, "completion.json", NULL);
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" COMPLETION_ROOT, "--request", req,
                                "--test-id=" COMPLETION_TEST, "--format=json", NULL),
                     0);
    assert_string_equal(out, "{\"recording\":\"" COMPLETION "\",\"hash\":\"" COMPLETION_HASH
                             "\",\"kind\":\"completion\",\"choices\":[{\"index\":0,\"content\":"
                             "\"Blue.\",\"finish_reason\":\"stop\",\"tool_calls\":[]}],\"usage\":"
                             "{\"completion_tokens\":3,\"prompt_tokens\":30,\"total_tokens\":33,"
                             "\"completion_tokens_details\":null,\"prompt_tokens_details\":null},"
                             "\"scheme\":\"current\"}\n");
    assert_string_equal(err, "");
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" COMPLETION_ROOT, "--request", req,
                                "--test-id=" COMPLETION_TEST, NULL),
                     0);
    assert_string_equal(out, "recording: " COMPLETION "\n"
                             "hash: " COMPLETION_HASH " (current scheme)\n"
                             "kind: completion\n"
                             "choice 0: finish_reason stop\n"
                             "  content: Blue.\n"
                             "usage: {\"completion_tokens\":3,\"prompt_tokens\":30,"
                             "\"total_tokens\":33,\"completion_tokens_details\":null,"
                             "\"prompt_tokens_details\":null}\n");
    free(out), free(err);
    free(req);
}

/* Content holding U+0000 comes back whole, in JSON and in text. */
static void nul_in_content_is_kept(void **state)
{
    (void)state;
    json_object *rec = json_object_from_file(COMPLETION);
    json_object *body = json_object_object_get(json_object_object_get(rec, "response"), "body");
    json_object *choices =
        json_object_object_get(json_object_object_get(body, "__data__"), "choices");
    json_object_object_add(json_object_array_get_idx(choices, 0), "text",
                           json_object_new_string_len("Blue\0.", 6));
    char dir[4096], path[4200], cmd[4300];
    snprintf(dir, sizeof dir, "%s/nul/tests/integration/inference/recordings", tmpdir);
    snprintf(cmd, sizeof cmd, "mkdir -p '%s'", dir);
    assert_int_equal(system(cmd), 0);
    snprintf(path, sizeof path, "%s/" COMPLETION_HASH ".json", dir);
    assert_int_equal(json_object_to_file_ext(path, rec, JSON_C_TO_STRING_PRETTY), 0);
    json_object_put(rec);
    char *req = request_file(COMPLETION, "nul-request.json", NULL);
    char root[4096], root_opt[4200];
    snprintf(root, sizeof root, "%s/nul", tmpdir);
    snprintf(root_opt, sizeof root_opt, "--root=%s", root);
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "replay", root_opt, "--request", req,
                                "--test-id=" COMPLETION_TEST, "--format=json", NULL),
                     0);
    assert_non_null(strstr(out, "\"content\":\"Blue\\u0000.\",\"finish_reason\":\"stop\""));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", root_opt, "--request", req,
                                "--test-id=" COMPLETION_TEST, NULL),
                     0);
    assert_non_null(strstr(out, "  content: Blue\\x00.\n"));
    free(out), free(err);
    free(req);
}

static void legacy_hit_with_two_choices(void **state)
{
    (void)state;
    char *req = request_file(SEED_000, "seed-000.json", NULL);
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" VALID "legacy", "--request", req,
                                "--format=json", NULL),
                     0);
    assert_non_null(strstr(out, "\"hash\":\"e22f98c0593384ec1fabb0903d8601292f50d4b3c7b82640f093c"
                                "78f8c936693\",\"kind\":\"chat-completion-stream\",\"choices\":[{"
                                "\"index\":0,"));
    assert_non_null(strstr(out, "},{\"index\":1,\"content\":\"The capital of the United States is "
                                "Washington, D.C. (short for District of Columbia).\","
                                "\"finish_reason\":\"stop\",\"tool_calls\":[]}]"));
    assert_non_null(strstr(out, ",\"scheme\":\"legacy\"}\n"));
    free(out), free(err);
    free(req);
}

static void add_exclamation(json_object *body)
{
    json_object *msg = json_object_array_get_idx(json_object_object_get(body, "messages"), 0);
    json_object_object_add(msg, "content",
                           json_object_new_string("Which planet has rings around it with a name "
                                                  "starting with letter S?!"));
}

static void replay_miss_says_what_to_fix(void **state)
{
    (void)state;
    char *req = request_file(SEED_002, "changed.json", add_exclamation);
    char *hash_out, *out, *err;
    assert_int_equal(
        rvt_recval(&hash_out, &err, "hash", "--request", req, "--test-id=" SEED_002_TEST, NULL), 0);
    free(err);
    char hash[65] = "";
    sscanf(strstr(hash_out, "current ") + strlen("current "), " %64s", hash);
    assert_int_equal(strlen(hash), 64);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" VALID "current", "--request", req,
                                "--test-id=" SEED_002_TEST, NULL),
                     1);
    char want[1024];
    snprintf(want, sizeof want, "no recording answers this request\nhash: %s (current scheme)\n",
             hash);
    assert_int_equal(strncmp(out, want, strlen(want)), 0);
    snprintf(want, sizeof want,
             "looked at:\n  " VALID
             "current/tests/integration/responses/recordings/%s.json\n  " VALID
             "current/tests/integration/common/recordings/%s.json\n  " VALID
             "current/tests/integration/recordings/responses/",
             hash, hash);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "nearest recordings (same directory, endpoint and test; request "
                                "!= recording):\n  " SEED_002 " (name matches current; 1 "
                                "difference)\n    /messages/0/content: \"Which planet has rings "
                                "around it with a name starting with letter S?!\" != \"Which "
                                "planet has rings around it with a name starting with letter "
                                "S?\"\n"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" VALID "current", "--request", req,
                                "--test-id=" SEED_002_TEST, "--format=json", NULL),
                     1);
    assert_non_null(strstr(out, "\"nearest\":[{\"path\":\"" SEED_002 "\",\"matches\":\"current\","
                                "\"differences\":1,\"diffs\":[{\"pointer\":\"/messages/0/"
                                "content\",\"message\":"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" VALID "current", "--request", req,
                                "--test-id=" SEED_002_TEST, "--nearest=0", NULL),
                     1);
    assert_null(strstr(out, "nearest"));
    free(out), free(err);
    free(hash_out);
    free(req);
}

static void recorded_exception_exits_3(void **state)
{
    (void)state;
    char *req = request_file(EXCEPTION, "exception.json", NULL);
    json_object *rec = json_object_from_file(EXCEPTION);
    const char *tid = json_object_get_string(json_object_object_get(rec, "test_id"));
    char tid_opt[512];
    snprintf(tid_opt, sizeof tid_opt, "--test-id=%s", tid);
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=" EXCEPTION_ROOT, "--request", req,
                                tid_opt, "--format=json", NULL),
                     3);
    assert_string_equal(
        out, "{\"recording\":\"" EXCEPTION "\",\"hash\":\"" EXCEPTION_HASH "\",\"kind\":"
             "\"exception\",\"exception\":{\"type\":\"BadRequestError\",\"message\":\"Error code: "
             "400 - {'error': {'message': 'invalid image input', 'type': 'invalid_request_error', "
             "'param': None, 'code': None}}\",\"category\":\"provider_sdk\",\"provider\":"
             "\"openai\",\"status_code\":400,\"body\":{\"message\":\"invalid image input\","
             "\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}},\"scheme\":"
             "\"current\"}\n");
    free(out), free(err);
    json_object_put(rec);
    free(req);
}

static void replay_usage_errors(void **state)
{
    (void)state;
    char *req = request_file(COMPLETION, "usage.json", NULL);
    char bad[4096];
    snprintf(bad, sizeof bad, "%s/not-json.json", tmpdir);
    FILE *fp = fopen(bad, "w");
    fputs("{\"url\": ", fp);
    fclose(fp);
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "replay", NULL), 2);
    assert_non_null(strstr(err, "--request=FILE is required"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--request", req, NULL), 2);
    assert_non_null(strstr(err, "--root=REPO is required"));
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "replay", "--root=.", "--request", req, "--format=xml", NULL), 2);
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "replay", "--root=.", "--request", req, "--nearest=-1", NULL), 2);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=.", "--request", req, "extra", NULL),
                     2);
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "replay", "--root=.", "--request=/nonexistent.json", NULL), 2);
    assert_non_null(strstr(err, "cannot read file"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--root=.", "--request", bad, NULL), 2);
    assert_non_null(strstr(err, "the request is not JSON"));
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "replay", "--root=/nonexistent", "--request", req, NULL), 2);
    assert_non_null(strstr(err, "/nonexistent: the root is not a directory"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "replay", "--help", NULL), 0);
    assert_non_null(strstr(out, "usage: recval replay"));
    free(out), free(err);
    free(req);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_json_of_seed_000),
        cmocka_unit_test(hash_text_of_two_files),
        cmocka_unit_test(hash_of_a_request_with_its_test_id),
        cmocka_unit_test(hash_usage_errors),
        cmocka_unit_test(hash_of_unreadable_input_exits_2),
        cmocka_unit_test(replay_hit_exact_json),
        cmocka_unit_test(nul_in_content_is_kept),
        cmocka_unit_test(legacy_hit_with_two_choices),
        cmocka_unit_test(replay_miss_says_what_to_fix),
        cmocka_unit_test(recorded_exception_exits_3),
        cmocka_unit_test(replay_usage_errors),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, setup, teardown));
}
