/* test_replay.c - the replay engine (recval_replay, recval_hash_file,
 * recval_hash_request) over recordings laid out as repositories: every
 * hash-named valid recording is found again from its own request and test
 * id, and what comes back checks clean; the exact answers replay gives for
 * the seeds, tool calls and the other kinds; misses with the paths looked
 * at and the nearest recordings' body differences; merged model lists; the
 * id normalization mapping; and the real corpus, where the recordings
 * replay cannot find are exactly those not named by their current hash.
 * (test_stream_fold.c covers the folder itself.) */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VALID "recordings/valid/"
#define SEED_000 VALID "legacy/tests/integration/recordings/responses/e22f98c05933.json"
#define CURRENT_DIR VALID "current/tests/integration/responses/recordings/"
#define SEED_002 CURRENT_DIR "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251.json"
#define SEED_004 CURRENT_DIR "8ff1917b614181d58694804c955f8144a3128e54c7c1fd8f1529bb305ed775d0.json"
#define TOOL_CALLS                                                                                 \
    VALID "tool-calls-single/tests/integration/responses/recordings/"                              \
          "bf4a82dd19f07de8b6f8ba78a3029ea3a65ee707585d6d0da3acb181df632803.json"
#define KINDS VALID "kinds/"
#define COMPLETION                                                                                 \
    KINDS "completion/tests/integration/inference/recordings/"                                     \
          "b3f616d206e5b653ee6120e8468319cbf4dab4a668fddc49c4755b96e68a51c1.json"
#define MODEL_LIST                                                                                 \
    KINDS "model-list/tests/integration/common/recordings/"                                        \
          "models-64a2277c90f0f42576f60c1030e3a020403d34a95f56931b792d5939f4cebc57-a073edf8.json"

/* --- a recording's request, and where its repository is ------------------ */

/* What a test would send: the request of a recording and its test id. */
typedef struct sent {
    char *request; /* JSON text */
    char *test_id; /* NULL: none */
} sent;

static sent sent_by(const char *path)
{
    json_object *root = json_object_from_file(path);
    assert_non_null(root);
    json_object *request = NULL, *tid = NULL;
    assert_true(json_object_object_get_ex(root, "request", &request));
    json_object_object_get_ex(root, "test_id", &tid);
    sent s = {strdup(json_object_to_json_string_ext(request, JSON_C_TO_STRING_PLAIN)),
              json_object_is_type(tid, json_type_string) ? strdup(json_object_get_string(tid))
                                                         : NULL};
    json_object_put(root);
    return s;
}

static void sent_free(sent *s)
{
    free(s->request);
    free(s->test_id);
}

static char *parent_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    assert_non_null(slash);
    return strndup(path, (size_t)(slash - path));
}

/* Where a recording at path is replayed from: the repository root (the
 * ancestor of its tests/ component, else the parent of its recording dir)
 * and the recording dir when it is not the default one. */
typedef struct layout {
    char *root;
    char *recording_dir; /* NULL: the default */
} layout;

static layout layout_of(const char *path, const char *matches, const char *test_id)
{
    layout l = {NULL, NULL};
    char *dir = parent_of(path), *rec_dir = parent_of(dir);
    const char *tests = strstr(path, "/tests/");
    l.root = tests ? strndup(path, (size_t)(tests - path)) : parent_of(rec_dir);
    bool legacy = strcmp(matches, "legacy") == 0;
    if (legacy || !test_id) {
        char fallback[4096];
        snprintf(fallback, sizeof fallback, "%s/tests/integration/%s", l.root,
                 legacy ? "recordings" : "common");
        if (strcmp(rec_dir, fallback) != 0) /* relative to the root, as the harness's */
            l.recording_dir = strdup(rec_dir + strlen(l.root) + 1);
    }
    free(dir);
    free(rec_dir);
    return l;
}

static void layout_free(layout *l)
{
    free(l->root);
    free(l->recording_dir);
}

/* Replays the request of the recording at path from its repository. */
static int replay_recording(const char *path, const char *matches, size_t max_nearest,
                            recval_replay_result *out)
{
    sent s = sent_by(path);
    layout l = layout_of(path, matches, s.test_id);
    recval_replay_options o = {l.root, l.recording_dir, s.test_id, max_nearest};
    int rc = recval_replay(rvt_validator(), s.request, strlen(s.request), &o, out);
    layout_free(&l);
    sent_free(&s);
    return rc;
}

/* Replays a valid recording known to be found. */
static recval_replay_result replay_valid(const char *rel)
{
    recval_hashes h;
    assert_int_equal(recval_hash_file(rvt_validator(), rvt_path(rel), &h), RECVAL_OK);
    assert_non_null(h.matches);
    recval_replay_result r;
    assert_int_equal(replay_recording(rvt_path(rel), h.matches, 0, &r), RECVAL_OK);
    assert_true(r.found);
    recval_hashes_free(&h);
    return r;
}

static bool listed(char *const *list, size_t n, const char *path)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], path) == 0)
            return true;
    return false;
}

/* --- every valid recording is found again and checks clean --------------- */

typedef struct valid_tally {
    size_t replayed, unhashable;
} valid_tally;

static void assert_comes_back_clean(const recval_replay_result *r)
{
    for (size_t i = 0; i < r->nrecordings; i++) {
        recval_result c = rvt_check(r->recordings[i]);
        assert_int_equal(c.errors, 0);
        assert_string_equal(c.kind, r->kind);
        recval_result_free(&c);
    }
}

static void assert_answer_shape(const recval_replay_result *r)
{
    bool folded = strstr(r->kind, "completion") != NULL;
    assert_int_equal(r->summary_json == NULL, folded || r->exception_json != NULL);
    if (folded)
        assert_true(r->nchoices >= 1);
    for (size_t i = 0; i < r->nchoices; i++)
        assert_non_null(r->choices[i].finish_reason);
    assert_non_null(r->usage_json);
}

static void replay_one_valid(const char *path, void *ud)
{
    valid_tally *t = ud;
    recval_hashes h;
    assert_int_equal(recval_hash_file(rvt_validator(), path, &h), RECVAL_OK);
    if (strcmp(h.request_kind, "file_processor") == 0) {
        t->unhashable++; /* no known hash names them: nothing to look up */
        assert_null(h.matches);
        recval_hashes_free(&h);
        return;
    }
    assert_non_null(h.matches);
    recval_replay_result r;
    assert_int_equal(replay_recording(path, h.matches, 0, &r), RECVAL_OK);
    if (!r.found || !listed(r.recordings, r.nrecordings, path))
        fail_msg("%s: replay found %s", path, r.found ? r.recording : "nothing");
    assert_string_equal(r.scheme, strcmp(h.matches, "legacy") == 0 ? "legacy" : "current");
    assert_comes_back_clean(&r);
    assert_answer_shape(&r);
    print_message("%s -> %s %s\n", path + strlen(rvt_source_dir()) + 1, r.scheme, r.kind);
    t->replayed++;
    recval_replay_result_free(&r);
    recval_hashes_free(&h);
}

static void every_valid_recording_is_found_again(void **state)
{
    (void)state;
    valid_tally t = {0, 0};
    size_t n = rvt_each_json(rvt_path("recordings/valid"), replay_one_valid, &t);
    print_message("%zu valid recordings: %zu replayed, %zu without a known hash\n", n, t.replayed,
                  t.unhashable);
    assert_int_equal(t.replayed + t.unhashable, n);
    assert_true(t.replayed >= 20);
    assert_true(t.unhashable <= 1);
}

/* --- exact answers -------------------------------------------------------- */

static void assert_choice(const recval_choice *c, long long index, const char *content,
                          const char *finish)
{
    assert_int_equal(c->index, index);
    if (content) {
        assert_non_null(c->content);
        assert_string_equal(c->content, content);
        assert_int_equal(c->content_len, strlen(content));
    } else {
        assert_null(c->content);
    }
    assert_string_equal(c->finish_reason, finish);
}

static void seed_000_answers_both_choices(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(SEED_000);
    assert_string_equal(r.scheme, "legacy");
    assert_string_equal(r.hash, "e22f98c0593384ec1fabb0903d8601292f50d4b3c7b82640f093c78f8c936693");
    assert_string_equal(r.kind, "chat-completion-stream");
    assert_int_equal(r.nchoices, 2);
    const char *answer =
        "The capital of the United States is Washington, D.C. (short for District of Columbia).";
    assert_choice(&r.choices[0], 0, answer, "stop");
    assert_choice(&r.choices[1], 1, answer, "stop");
    assert_int_equal(r.choices[0].ntool_calls + r.choices[1].ntool_calls, 0);
    assert_string_equal(r.usage_json,
                        "{\"completion_tokens\":40,\"prompt_tokens\":20,\"total_tokens\":60,"
                        "\"completion_tokens_details\":null,\"prompt_tokens_details\":null}");
    recval_replay_result_free(&r);
}

/* LiteLLM-typed streams fold and replay like chat completion chunks; a
 * cumulative usage (Databricks: on every chunk) replays as its last entry. */
static void litellm_and_cumulative_usage_replay(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(
        "recordings/valid/kinds/litellm-model-response-stream/tests/integration/responses/"
        "recordings/616882799c9ab1565154bb487449819f3fa617cd7d8b895fad2c6c764d0c088f.json");
    assert_string_equal(r.kind, "chat-completion-stream");
    assert_int_equal(r.nchoices, 1);
    assert_choice(&r.choices[0], 0, "Two plus two is four.", "stop");
    assert_non_null(strstr(r.usage_json, "\"prompt_tokens\":30,\"total_tokens\":34"));
    recval_replay_result_free(&r);
    r = replay_valid("recordings/valid/usage-cumulative-databricks/tests/integration/inference/"
                     "recordings/"
                     "b0de624cd472a4f45c9376eceb94880db1cef76f651f2878fc7d968da64ed31c.json");
    assert_choice(&r.choices[0], 0, "Bonjour!", "stop");
    assert_non_null(strstr(r.usage_json, "\"completion_tokens\":3,\"prompt_tokens\":14"));
    recval_replay_result_free(&r);
}

static void seed_002_answer_and_usage(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(SEED_002);
    assert_string_equal(r.scheme, "current");
    assert_string_equal(r.recording, rvt_path(SEED_002));
    assert_int_equal(r.nchoices, 1);
    assert_choice(&r.choices[0], 0,
                  "The planet with rings around it that starts with the letter \"S\" is Saturn. "
                  "Saturn is well known for its prominent and extensive ring system.",
                  "stop");
    assert_string_equal(r.usage_json,
                        "{\"completion_tokens\":29,\"prompt_tokens\":21,\"total_tokens\":50,"
                        "\"completion_tokens_details\":{\"accepted_prediction_tokens\":0,"
                        "\"audio_tokens\":0,\"reasoning_tokens\":0,\"rejected_prediction_"
                        "tokens\":0},\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_"
                        "tokens\":0}}");
    recval_replay_result_free(&r);
}

static void seed_004_answer_after_tools(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(SEED_004);
    assert_int_equal(r.nchoices, 1);
    assert_choice(&r.choices[0], 0,
                  "The boiling point in the 'boiling_point' experiment is 100\xC2\xB0"
                  "C.",
                  "stop");
    assert_string_equal(r.usage_json, "null");
    recval_replay_result_free(&r);
}

static void tool_calls_come_back_whole(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(TOOL_CALLS);
    assert_string_equal(r.kind, "chat-completion");
    assert_int_equal(r.nchoices, 1);
    assert_choice(&r.choices[0], 0, NULL, "tool_calls");
    assert_int_equal(r.choices[0].ntool_calls, 2);
    const recval_tool_call *t = r.choices[0].tool_calls;
    assert_string_equal(t[0].id, "call_T1m3Pa4r1sQw8Er5Ty2Ui9Op");
    assert_string_equal(t[0].name, "get_time");
    assert_string_equal(t[0].arguments, "{\"city\":\"Paris\"}");
    assert_string_equal(t[1].id, "call_Cl0ckUtC7As3Df6Gh1Jk4Lz2");
    assert_string_equal(t[1].name, "get_current_time");
    assert_string_equal(t[1].arguments, "{}");
    recval_replay_result_free(&r);
}

/* The summary replay gives for each kind that has no choices. */
static void other_kinds_are_summed_up(void **state)
{
    (void)state;
    static const struct {
        const char *rel, *kind, *usage, *summary;
    } cases[] = {
        {KINDS "embeddings/tests/integration/vector_io/recordings/"
               "8f78eb2f6452345706b7f0a03388a3ce7233a7c63a328a918ef8ebf05f9db20a.json",
         "embeddings", "{\"prompt_tokens\":9,\"total_tokens\":9}",
         "{\"embeddings\":1,\"dimensions\":6}"},
        {KINDS "ollama-embed/tests/integration/vector_io/recordings/"
               "fee0d63ac109457ff436f9c92504b365820d64c696463f8acdd71481deb4bcb9.json",
         "ollama-embed", "null", "{\"embeddings\":1,\"dimensions\":5}"},
        {KINDS "ollama-generate/recordings/responses/46968034e848.json", "ollama-generate", "null",
         NULL},
        {KINDS "ollama-chat/recordings/responses/de70904f078a.json", "ollama-chat", "null",
         "{\"text\":\"Red.\",\"done_reason\":\"stop\",\"prompt_eval_count\":41,\"eval_count\":4}"},
        {KINDS "ollama-ps/tests/integration/inference/recordings/"
               "5874740fd7dd12125ab6c196d11e161a75f977733ab1b4ba1a03ffeaa5ceb5ed.json",
         "ollama-ps", "null", "{\"models\":[\"llama3.2-vision:11b\"]}"},
        {KINDS "ollama-pull/tests/integration/inference/recordings/"
               "2c5fb5fbfb08240c8481c8de9aa2ce4207a90cc52358a1748123c8d60983c7d5.json",
         "ollama-pull", "null", "{\"status\":\"success\"}"},
        {KINDS "raw-http/tests/integration/vector_io/recordings/"
               "6c71fb7795e838aca3c39003e28c78f62b83ba577ff1da5a409a5a91021b7ff9.json",
         "raw-http", "null",
         "{\"status\":200,\"body\":{\"rankings\":[{\"index\":0,\"logit\":9.21},{\"index\":1,"
         "\"logit\":-2.47}]}}"},
        {MODEL_LIST, "model-list", "null", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        recval_replay_result r = replay_valid(cases[i].rel);
        assert_string_equal(r.kind, cases[i].kind);
        assert_int_equal(r.nchoices, 0);
        assert_string_equal(r.usage_json, cases[i].usage);
        assert_non_null(r.summary_json);
        if (cases[i].summary)
            assert_string_equal(r.summary_json, cases[i].summary);
        recval_replay_result_free(&r);
    }
}

static void ollama_generate_text_is_reassembled(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(KINDS "ollama-generate/recordings/responses/"
                                                "46968034e848.json");
    json_object *s = json_tokener_parse(r.summary_json);
    json_object *text = json_object_object_get(s, "text");
    assert_true(json_object_is_type(text, json_type_string));
    assert_true(json_object_get_string_len(text) > 0);
    assert_string_equal(json_object_get_string(json_object_object_get(s, "done_reason")), "stop");
    json_object_put(s);
    recval_replay_result_free(&r);
}

static void recorded_exception_is_replayed(void **state)
{
    (void)state;
    recval_replay_result r = replay_valid(KINDS "exception/tests/integration/inference/recordings/"
                                                "93c4ff0e54bbf4a95d036e67311d431708adcf9cacf162e88d"
                                                "42a80b0cd3a808.json");
    assert_string_equal(r.kind, "exception");
    assert_int_equal(r.nchoices, 0);
    assert_null(r.summary_json);
    assert_string_equal(r.exception_json,
                        "{\"type\":\"BadRequestError\",\"message\":\"Error code: 400 - {'error': "
                        "{'message': 'invalid image input', 'type': 'invalid_request_error', "
                        "'param': None, 'code': None}}\",\"category\":\"provider_sdk\","
                        "\"provider\":\"openai\",\"status_code\":400,\"body\":{\"message\":"
                        "\"invalid image input\",\"type\":\"invalid_request_error\",\"param\":null,"
                        "\"code\":null}}");
    recval_replay_result_free(&r);
}

/* --- misses ---------------------------------------------------------------- */

/* The request of seed 002, changed: content, temperature, stream_options. */
static char *changed_seed_002_request(void)
{
    json_object *root = json_object_from_file(rvt_path(SEED_002));
    json_object *body = json_object_object_get(json_object_object_get(root, "request"), "body");
    json_object *msg = json_object_array_get_idx(json_object_object_get(body, "messages"), 0);
    json_object_object_add(msg, "content",
                           json_object_new_string("Which planet has rings around it with a name "
                                                  "starting with letter S?!"));
    json_object_object_add(body, "temperature", json_object_new_double_s(0.7, "0.7"));
    json_object_object_del(body, "stream_options");
    char *text = strdup(json_object_to_json_string_ext(json_object_object_get(root, "request"),
                                                       JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return text;
}

static const char SEED_002_TEST[] =
    "tests/integration/responses/test_basic_responses.py::test_response_non_streaming_basic"
    "[client_with_models-txt=openai/gpt-4o-saturn]";

static void miss_names_paths_and_nearest(void **state)
{
    (void)state;
    char *request = changed_seed_002_request();
    char root[4096];
    snprintf(root, sizeof root, "%s", rvt_path(VALID "current"));
    recval_replay_options o = {root, NULL, SEED_002_TEST, 3};
    recval_replay_result r;
    assert_int_equal(recval_replay(rvt_validator(), request, strlen(request), &o, &r), RECVAL_OK);
    assert_false(r.found);
    assert_null(r.recording);
    recval_hashes h;
    assert_int_equal(
        recval_hash_request(rvt_validator(), request, strlen(request), SEED_002_TEST, &h),
        RECVAL_OK);
    assert_string_equal(r.hash, h.current);
    assert_string_equal(r.legacy_hash, h.legacy);
    char want[3][4400];
    snprintf(want[0], sizeof want[0], "%s/tests/integration/responses/recordings/%s.json", root,
             h.current);
    snprintf(want[1], sizeof want[1], "%s/tests/integration/common/recordings/%s.json", root,
             h.current);
    snprintf(want[2], sizeof want[2], "%s/tests/integration/recordings/responses/%.12s.json", root,
             h.legacy);
    assert_int_equal(r.nlooked_at, 3);
    for (size_t i = 0; i < 3; i++)
        assert_string_equal(r.looked_at[i], want[i]);
    /* seed 004 sits in the same directory but belongs to another test */
    assert_int_equal(r.nnearest, 1);
    const recval_nearest *n = &r.nearest[0];
    assert_string_equal(n->path, rvt_path(SEED_002));
    assert_string_equal(n->matches, "current");
    assert_int_equal(n->ndifferences, 3);
    assert_int_equal(n->ndiffs, 3);
    assert_string_equal(n->diffs[0].pointer, "/messages/0/content");
    assert_string_equal(n->diffs[0].message,
                        "\"Which planet has rings around it with a name starting with letter S?!\" "
                        "!= \"Which planet has rings around it with a name starting with letter "
                        "S?\"");
    assert_string_equal(n->diffs[1].pointer, "/temperature");
    assert_string_equal(n->diffs[1].message, "missing in the recording");
    assert_string_equal(n->diffs[2].pointer, "/stream_options");
    assert_string_equal(n->diffs[2].message, "missing in the request");
    assert_null(n->note);
    recval_hashes_free(&h);
    recval_replay_result_free(&r);
    free(request);
}

static void miss_under_another_test_has_no_nearest(void **state)
{
    (void)state;
    sent s = sent_by(rvt_path(SEED_002));
    recval_replay_options o = {rvt_path(VALID "current"), NULL,
                               "tests/integration/responses/"
                               "test_other.py::test_x",
                               3};
    recval_replay_result r;
    assert_int_equal(recval_replay(rvt_validator(), s.request, strlen(s.request), &o, &r),
                     RECVAL_OK);
    assert_false(r.found);
    assert_int_equal(r.nnearest, 0);
    recval_replay_result_free(&r);
    sent_free(&s);
}

/* --- temporary repositories ---------------------------------------------- */

static void make_dirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(buf, 0777);
        *p = '/';
    }
}

static void write_json(const char *path, json_object *v)
{
    make_dirs(path);
    assert_int_equal(json_object_to_file_ext(path, v, JSON_C_TO_STRING_PRETTY), 0);
}

static char *make_repo(void)
{
    char tmpl[] = "/tmp/recval-replay-XXXXXX";
    assert_non_null(mkdtemp(tmpl));
    return strdup(tmpl);
}

static void remove_repo(const char *root)
{
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    assert_int_equal(system(cmd), 0);
}

/* Model lists recorded against two servers answer the union of models. */
static void model_lists_are_merged(void **state)
{
    (void)state;
    char *root = make_repo();
    json_object *a = json_object_from_file(rvt_path(MODEL_LIST));
    json_object *b = json_object_from_file(rvt_path(MODEL_LIST));
    json_object *resp = json_object_object_get(b, "response"), *models = json_object_new_array();
    json_object *model = json_object_new_object(), *data = json_object_new_object();
    json_object_object_add(data, "id", json_object_new_string("o3-mini"));
    json_object_object_add(data, "object", json_object_new_string("model"));
    json_object_object_add(model, "__type__", json_object_new_string("openai.types.model.Model"));
    json_object_object_add(model, "__data__", data);
    json_object_array_add(models, model);
    json_object_object_add(resp, "body", models);
    const char *hash = "64a2277c90f0f42576f60c1030e3a020403d34a95f56931b792d5939f4cebc57";
    char pa[4096], pb[4096];
    snprintf(pa, sizeof pa, "%s/tests/integration/common/recordings/models-%s-a073edf8.json", root,
             hash);
    snprintf(pb, sizeof pb, "%s/tests/integration/common/recordings/models-%s-0badf00d.json", root,
             hash);
    write_json(pa, a);
    write_json(pb, b);
    sent s = sent_by(pa);
    recval_replay_options o = {root, NULL, NULL, 0};
    recval_replay_result r;
    assert_int_equal(recval_replay(rvt_validator(), s.request, strlen(s.request), &o, &r),
                     RECVAL_OK);
    assert_true(r.found);
    assert_int_equal(r.nrecordings, 2);
    assert_string_equal(r.recordings[0], pb); /* name order */
    assert_string_equal(r.recordings[1], pa);
    assert_string_equal(r.recording, pb);
    json_object *sum = json_tokener_parse(r.summary_json);
    json_object *ids = json_object_object_get(sum, "models");
    size_t n = json_object_array_length(ids), o3 = 0;
    assert_true(n >= 3);
    for (size_t i = 0; i < n; i++)
        o3 += strcmp(json_object_get_string(json_object_array_get_idx(ids, i)), "o3-mini") == 0;
    assert_int_equal(o3, 1);
    for (size_t i = 1; i < n; i++)
        assert_true(strcmp(json_object_get_string(json_object_array_get_idx(ids, i - 1)),
                           json_object_get_string(json_object_array_get_idx(ids, i))) < 0);
    json_object_put(sum);
    recval_replay_result_free(&r);
    sent_free(&s);
    json_object_put(a);
    json_object_put(b);
    remove_repo(root);
    free(root);
}

/* The harness rewrites each original id of id_normalization_mapping to its
 * normalized id before answering. */
static void id_mapping_is_applied(void **state)
{
    (void)state;
    char *root = make_repo();
    json_object *rec = json_object_from_file(rvt_path(COMPLETION));
    json_object *choice = json_object_array_get_idx(
        json_object_object_get(
            json_object_object_get(
                json_object_object_get(json_object_object_get(rec, "response"), "body"),
                "__data__"),
            "choices"),
        0);
    json_object_object_add(choice, "text", json_object_new_string("Blue. (file-9f8e7d)"));
    json_object *mapping = json_object_new_object();
    json_object_object_add(mapping, "file-rec-001", json_object_new_string("file-9f8e7d"));
    json_object_object_add(rec, "id_normalization_mapping", mapping);
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/integration/inference/recordings/%s", root,
             strrchr(COMPLETION, '/') + 1);
    write_json(path, rec);
    sent s = sent_by(path);
    recval_replay_options o = {root, NULL, s.test_id, 0};
    recval_replay_result r;
    assert_int_equal(recval_replay(rvt_validator(), s.request, strlen(s.request), &o, &r),
                     RECVAL_OK);
    assert_true(r.found);
    assert_int_equal(r.nchoices, 1);
    assert_string_equal(r.choices[0].content, "Blue. (file-rec-001)");
    recval_replay_result_free(&r);
    sent_free(&s);
    json_object_put(rec);
    remove_repo(root);
    free(root);
}

/* A stale name: the nearest recording is the request's own, its note says
 * which hash names it and what name would answer. */
static void stale_name_is_explained(void **state)
{
    (void)state;
    char *root = make_repo();
    json_object *rec = json_object_from_file(rvt_path(COMPLETION));
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/integration/inference/recordings/%064d.json", root, 0);
    write_json(path, rec);
    sent s = sent_by(path);
    recval_replay_options o = {root, NULL, s.test_id, 3};
    recval_replay_result r;
    assert_int_equal(recval_replay(rvt_validator(), s.request, strlen(s.request), &o, &r),
                     RECVAL_OK);
    assert_false(r.found);
    assert_int_equal(r.nnearest, 1);
    assert_string_equal(r.nearest[0].path, path);
    assert_null(r.nearest[0].matches);
    assert_int_equal(r.nearest[0].ndifferences, 0);
    char note[512];
    snprintf(note, sizeof note,
             "the bodies are equal; it is this request, named by none of its hashes: as "
             "%s.json it would answer",
             r.hash);
    assert_string_equal(r.nearest[0].note, note);
    recval_replay_result_free(&r);
    sent_free(&s);
    json_object_put(rec);
    remove_repo(root);
    free(root);
}

/* --- the API's errors ----------------------------------------------------- */

static void unusable_requests_are_errors(void **state)
{
    (void)state;
    recval_replay_options o = {".", NULL, NULL, 0};
    recval_replay_result r;
    assert_int_equal(recval_replay(rvt_validator(), "{\"url\":", 7, &o, &r), RECVAL_EINVAL);
    assert_non_null(strstr(recval_last_error(), "the request is not JSON"));
    assert_int_equal(recval_replay(rvt_validator(), "[1]", 3, &o, &r), RECVAL_EINVAL);
    assert_int_equal(recval_replay(rvt_validator(), "{\"method\":\"POST\"}", 17, &o, &r),
                     RECVAL_EINVAL);
    assert_non_null(strstr(recval_last_error(), "no known recording shape"));
    const char fp[] = "{\"provider\":\"pypdf\",\"api\":\"file_processors\",\"file_id\":\"f-1\"}";
    assert_int_equal(recval_replay(rvt_validator(), fp, strlen(fp), &o, &r), RECVAL_EINVAL);
    assert_non_null(strstr(recval_last_error(), "file-processor"));
    recval_replay_options no_root = {NULL, NULL, NULL, 0};
    assert_int_equal(recval_replay(rvt_validator(), "{}", 2, &no_root, &r), RECVAL_EINVAL);
    recval_hashes h;
    assert_int_equal(recval_hash_file(rvt_validator(), "/nonexistent/x.json", &h), RECVAL_EIO);
    assert_int_equal(recval_hash_file(rvt_validator(),
                                      rvt_path("recordings/invalid/parse/invalid-json/"
                                               "truncated.json"),
                                      &h),
                     RECVAL_EINVAL);
    recval_replay_result_free(NULL);
    recval_hashes_free(NULL);
}

static void hash_request_matches_hash_file(void **state)
{
    (void)state;
    recval_hashes f, q;
    assert_int_equal(recval_hash_file(rvt_validator(), rvt_path(SEED_002), &f), RECVAL_OK);
    sent s = sent_by(rvt_path(SEED_002));
    assert_int_equal(
        recval_hash_request(rvt_validator(), s.request, strlen(s.request), s.test_id, &q),
        RECVAL_OK);
    assert_string_equal(f.current, q.current);
    assert_string_equal(f.current,
                        "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251");
    assert_string_equal(f.matches, "current");
    assert_null(q.path);
    assert_null(q.name_hash);
    assert_null(q.matches);
    assert_string_equal(q.expected_name, "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85"
                                         "bee5251.json");
    recval_hashes_free(&q);
    /* a whole recording is accepted as the request, with its own test id */
    char *whole = rvt_read_file(rvt_path(SEED_002), NULL);
    assert_non_null(whole);
    assert_int_equal(recval_hash_request(rvt_validator(), whole, strlen(whole), NULL, &q),
                     RECVAL_OK);
    assert_string_equal(q.current, f.current);
    recval_hashes_free(&q);
    free(whole);
    sent_free(&s);
    recval_hashes_free(&f);
}

/* --- the corpus ------------------------------------------------------------ */

typedef struct corpus_tally {
    const char *root;
    size_t with_test_id, found, misses, not_current, sampled;
    size_t mismatched; /* found != named by current hash */
} corpus_tally;

/* Every 8th miss is replayed again with the nearest search: the file
 * itself must be among the nearest, with the same body. */
static void assert_nearest_has_itself(const char *path, const char *matches)
{
    recval_replay_result r;
    assert_int_equal(replay_recording(path, matches ? matches : "none", 1000, &r), RECVAL_OK);
    bool itself = false;
    for (size_t i = 0; i < r.nnearest; i++)
        if (strcmp(r.nearest[i].path, path) == 0) {
            itself = true;
            assert_int_equal(r.nearest[i].ndifferences, 0);
            assert_non_null(r.nearest[i].note);
        }
    if (!itself)
        fail_msg("%s: not among its own nearest recordings", path);
    recval_replay_result_free(&r);
}

static void replay_one_corpus(const char *path, void *ud)
{
    corpus_tally *t = ud;
    sent s = sent_by(path);
    if (!s.test_id) {
        sent_free(&s);
        return;
    }
    t->with_test_id++;
    recval_hashes h;
    assert_int_equal(recval_hash_file(rvt_validator(), path, &h), RECVAL_OK);
    bool current = h.matches && strcmp(h.matches, "current") == 0;
    recval_replay_result r;
    int rc = replay_recording(path, h.matches ? h.matches : "none", 0, &r);
    bool hit = false, nothing = false;
    if (rc == RECVAL_OK) {
        hit = r.found && listed(r.recordings, r.nrecordings, path);
        nothing = !r.found;
        recval_replay_result_free(&r);
    } else {
        /* only file-processor requests cannot be looked up */
        assert_string_equal(h.request_kind, "file_processor");
    }
    t->found += hit;
    t->misses += !hit;
    t->not_current += !current;
    if (hit != current) {
        t->mismatched++;
        print_error("%s: %s, name matches %s\n", path, hit ? "found" : "missed",
                    h.matches ? h.matches : "nothing");
    }
    if (nothing && t->misses % 8 == 1) {
        assert_nearest_has_itself(path, h.matches);
        t->sampled++;
    }
    recval_hashes_free(&h);
    sent_free(&s);
}

static void corpus_misses_are_the_stale_names(void **state)
{
    (void)state;
    const char *root = rvt_need_shared("corpus/ogx");
    corpus_tally t = {.root = root};
    size_t n = rvt_each_json(root, replay_one_corpus, &t);
    print_message("corpus/ogx: %zu files, %zu with a test id: %zu found, %zu missed; %zu not "
                  "named by their current hash; nearest checked on %zu misses\n",
                  n, t.with_test_id, t.found, t.misses, t.not_current, t.sampled);
    assert_true(t.with_test_id > 1000);
    assert_int_equal(t.mismatched, 0);
    assert_int_equal(t.misses, t.not_current);
}

static void replay_one_legacy(const char *path, void *ud)
{
    size_t *found = ud;
    recval_replay_result r;
    assert_int_equal(replay_recording(path, "legacy", 0, &r), RECVAL_OK);
    if (!r.found || strcmp(r.recording, path) != 0)
        fail_msg("%s: replay found %s", path, r.found ? r.recording : "nothing");
    assert_string_equal(r.scheme, "legacy");
    (*found)++;
    recval_replay_result_free(&r);
}

static void legacy_corpus_is_found_by_the_legacy_scheme(void **state)
{
    (void)state;
    const char *root = rvt_need_shared("corpus/legacy");
    size_t found = 0, n = rvt_each_json(root, replay_one_legacy, &found);
    print_message("corpus/legacy: %zu of %zu recordings found by the legacy scheme\n", found, n);
    assert_true(n > 100);
    assert_int_equal(found, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_valid_recording_is_found_again),
        cmocka_unit_test(seed_000_answers_both_choices),
        cmocka_unit_test(litellm_and_cumulative_usage_replay),
        cmocka_unit_test(seed_002_answer_and_usage),
        cmocka_unit_test(seed_004_answer_after_tools),
        cmocka_unit_test(tool_calls_come_back_whole),
        cmocka_unit_test(other_kinds_are_summed_up),
        cmocka_unit_test(ollama_generate_text_is_reassembled),
        cmocka_unit_test(recorded_exception_is_replayed),
        cmocka_unit_test(miss_names_paths_and_nearest),
        cmocka_unit_test(miss_under_another_test_has_no_nearest),
        cmocka_unit_test(model_lists_are_merged),
        cmocka_unit_test(id_mapping_is_applied),
        cmocka_unit_test(stale_name_is_explained),
        cmocka_unit_test(unusable_requests_are_errors),
        cmocka_unit_test(hash_request_matches_hash_file),
        cmocka_unit_test(corpus_misses_are_the_stale_names),
        cmocka_unit_test(legacy_corpus_is_found_by_the_legacy_scheme),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, rvt_free_validator));
}
