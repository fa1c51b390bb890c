/* test_cli_config.c - `recval validate` with configuration files and test
 * lists, end to end: recval.json found upward from each PATH, --config,
 * --no-config, command-line options winning (--strict, --no-strict,
 * --tests), config errors (exit 2, the key's line and column on stderr),
 * walks skipping the config file, per-path ignores, severity overrides,
 * PATHs under different configs, and replay/unused-recording over
 * several --tests files. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"
#include "tmptree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MISMATCH_SRC                                                                               \
    "recordings/invalid/usage/total-mismatch-embeddings/tests/integration/inference/recordings/"   \
    "f58b24ab0c0486e4c841a9835de74629e419fad662b320b463c5b3b5f8ca2162.json"
#define DUPKEY_SRC                                                                                 \
    "suites/data/cli/dup-key/tests/integration/responses/recordings/"                              \
    "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251.json"
#define MISMATCH_REL "tests/integration/inference/recordings/f58b.json"
#define DUPKEY_REL "tests/integration/responses/recordings/d058.json"
#define MISMATCH_TEST                                                                              \
    "tests/integration/inference/test_openai_embeddings.py::test_openai_embeddings_single_"        \
    "string[emb=ollama/all-minilm:l6-v2]"
#define DUPKEY_TEST                                                                                \
    "tests/integration/responses/test_basic_responses.py::test_response_non_streaming_basic["      \
    "client_with_models-txt=openai/gpt-4o-saturn]"
#define MISMATCH_LINE                                                                              \
    ":37:27: %s: total_tokens is 5 but prompt_tokens (4) + completion_tokens (0, absent) = 4 "     \
    "(at /response/body/__data__/usage/total_tokens) [usage/total-mismatch]\n"
#define DUPKEY_LINE                                                                                \
    ":5:5: warning: duplicate key \"method\": only the last value is kept by the recorder's "      \
    "reader (at /request/method) [parse/duplicate-key]\n"

/* A tree <tmp>/repo with the two recordings and, unless NULL, recval.json. */
static char *make_repo(const char *config)
{
    char *dir = rvt_mktree("cli-config");
    rvt_copy(dir, "repo/" MISMATCH_REL, MISMATCH_SRC);
    rvt_copy(dir, "repo/" DUPKEY_REL, DUPKEY_SRC);
    if (config)
        rvt_put(dir, "repo/recval.json", config);
    return dir;
}

/* "<dir>/<rel>" in one of 4 static buffers. */
static const char *at(const char *dir, const char *rel)
{
    static char bufs[4][4096];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, rel);
    return b;
}

/* Asserts out is exactly the lines of both files, severity `mismatch_sev`
 * for the total mismatch (NULL: not reported), then `summary`. */
static void assert_report(const char *out, const char *dir, const char *mismatch_sev, bool dupkey,
                          const char *summary)
{
    char want[16384] = "";
    size_t n = 0;
    if (mismatch_sev) {
        n += (size_t)snprintf(want + n, sizeof want - n, "%s/repo/%s", dir, MISMATCH_REL);
        n += (size_t)snprintf(want + n, sizeof want - n, MISMATCH_LINE, mismatch_sev);
    }
    if (dupkey)
        n += (size_t)snprintf(want + n, sizeof want - n, "%s/repo/%s" DUPKEY_LINE, dir, DUPKEY_REL);
    snprintf(want + n, sizeof want - n, "%s\n", summary);
    assert_string_equal(out, want);
}

static void no_config_reports_everything(void **state)
{
    (void)state;
    char *dir = make_repo(NULL), *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo"), NULL), 1);
    assert_report(out, dir, "error", true,
                  "2 files checked: 1 passed, 1 failed; 1 error, 1 warning, 0 notes");
    assert_string_equal(err, "");
    free(out), free(err);
    rvt_rmtree(dir);
}

static void config_is_found_upward_from_each_path(void **state)
{
    (void)state;
    char *dir = make_repo("{\"ignore\": [\"usage\"]}\n"), *out, *err;
    /* From the tree's root, from a directory two levels down, from a file. */
    const char *paths[] = {"repo", "repo/tests/integration", "repo/" MISMATCH_REL};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, paths[i]), NULL), 0);
        if (i < 2)
            assert_report(out, dir, NULL, true,
                          "2 files checked: 2 passed, 0 failed; 0 errors, 1 warning, 0 notes");
        else
            assert_report(out, dir, NULL, false,
                          "1 file checked: 1 passed, 0 failed; 0 errors, 0 warnings, 0 notes");
        free(out), free(err);
    }
    /* --no-config: none is read. */
    assert_int_equal(rvt_recval(&out, &err, "validate", "--no-config", at(dir, "repo"), NULL), 1);
    assert_report(out, dir, "error", true,
                  "2 files checked: 1 passed, 1 failed; 1 error, 1 warning, 0 notes");
    free(out), free(err);
    rvt_rmtree(dir);
}

static void explicit_config_wins_over_the_found_one(void **state)
{
    (void)state;
    char *dir = make_repo("{\"ignore\": [\"usage\"]}\n"), *out, *err;
    rvt_put(dir, "ci/strict.json", "{\"severity\": {\"usage/total-mismatch\": \"warning\"}}");
    char opt[4200];
    snprintf(opt, sizeof opt, "--config=%s", at(dir, "ci/strict.json"));
    assert_int_equal(rvt_recval(&out, &err, "validate", opt, at(dir, "repo"), NULL), 0);
    assert_report(out, dir, "warning", true,
                  "2 files checked: 2 passed, 0 failed; 0 errors, 2 warnings, 0 notes");
    free(out), free(err);
    rvt_rmtree(dir);
}

static void command_line_wins_over_the_file(void **state)
{
    (void)state;
    char *dir = make_repo("{\"strict\": true, \"ignore\": [\"usage\"]}"), *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo"), NULL), 1);
    assert_report(out, dir, NULL, true,
                  "2 files checked: 1 passed, 1 failed; 0 errors, 1 warning, 0 notes");
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--no-strict", at(dir, "repo"), NULL), 0);
    assert_report(out, dir, NULL, true,
                  "2 files checked: 2 passed, 0 failed; 0 errors, 1 warning, 0 notes");
    free(out), free(err);
    rvt_put(dir, "repo/recval.json", "{\"strict\": false, \"ignore\": [\"usage\"]}");
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo"), NULL), 0);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--strict", at(dir, "repo"), NULL), 1);
    free(out), free(err);
    rvt_rmtree(dir);
}

static void config_errors_exit_2_with_key_line_and_column(void **state)
{
    (void)state;
    char *dir = make_repo("{\n  \"ignore\": [\"usage\"],\n  \"stritc\": true,\n"
                          "  \"severity\": {\"usage\": \"loud\"}\n}\n"),
         *out, *err;
    const char *cfg = at(dir, "repo/recval.json");
    char want[8192];
    snprintf(want, sizeof want,
             "recval validate: %s:3:3: key \"stritc\": unknown key (known: $schema, ignore, "
             "per-path-ignores, strict, severity, tests) (at /stritc)\n"
             "recval validate: %s:4:25: key \"severity\": \"loud\" is not one of "
             "[\"error\",\"warning\",\"note\"] (at /severity/usage)\n",
             cfg, cfg);
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo"), NULL), 2);
    assert_string_equal(out, "");
    assert_string_equal(err, want);
    free(out), free(err);
    /* An unknown rule, and a --config that cannot be read. */
    rvt_put(dir, "repo/recval.json", "{\"per-path-ignores\": {\"*\": [\"usage/totl\"]}}");
    snprintf(want, sizeof want,
             "recval validate: %s:1:29: key \"per-path-ignores\": cannot ignore 'usage/totl': "
             "no such rule or family (see recval rules) (at /per-path-ignores/*/0)\n",
             cfg);
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo"), NULL), 2);
    assert_string_equal(err, want);
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--config=/nonexistent/c.json", at(dir, "repo"), NULL),
        2);
    assert_string_equal(err, "recval validate: /nonexistent/c.json: cannot read the "
                             "configuration file: No such file or directory\n");
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--config=x", "--no-config", at(dir, "repo"), NULL), 2);
    assert_non_null(strstr(err, "--config and --no-config exclude each other"));
    free(out), free(err);
    rvt_rmtree(dir);
}

static void walks_skip_config_files(void **state)
{
    (void)state;
    char *dir = make_repo("{}"), *out, *err;
    rvt_put(dir, "repo/tests/integration/ci-config.json", "{\"ignore\": [\"usage\"]}");
    rvt_put(dir, "repo/tests/recval.json", "{}"); /* a nested one: not a recording either */
    char opt[4200];
    snprintf(opt, sizeof opt, "--config=%s", at(dir, "repo/tests/integration/ci-config.json"));
    assert_int_equal(rvt_recval(&out, &err, "validate", opt, at(dir, "repo"), NULL), 0);
    assert_report(out, dir, NULL, true,
                  "2 files checked: 2 passed, 0 failed; 0 errors, 1 warning, 0 notes");
    free(out), free(err);
    /* Given by name, a config file is checked like any file. */
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--no-config", at(dir, "repo/recval.json"), NULL), 1);
    assert_non_null(strstr(out, "repo/recval.json:1:1: error: "));
    assert_non_null(strstr(out, "1 file checked: 0 passed, 1 failed"));
    free(out), free(err);
    rvt_rmtree(dir);
}

static void per_path_ignores_and_severity_from_the_file(void **state)
{
    (void)state;
    char *dir = make_repo("{\"per-path-ignores\": {\"tests/integration/responses/*\": "
                          "[\"parse/duplicate-key\"]},\n"
                          " \"severity\": {\"usage/total-mismatch\": \"note\"}}"),
         *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", "--strict", at(dir, "repo"), NULL), 0);
    assert_report(out, dir, "note", false,
                  "2 files checked: 2 passed, 0 failed; 0 errors, 0 warnings, 1 note");
    free(out), free(err);
    rvt_rmtree(dir);
}

static void paths_under_different_configs(void **state)
{
    (void)state;
    char *dir = make_repo(NULL), *out, *err;
    rvt_put(dir, "repo/tests/integration/inference/recval.json", "{\"ignore\": [\"usage\"]}");
    rvt_put(dir, "repo/tests/integration/responses/recval.json", "{\"ignore\": [\"parse\"]}");
    /* The second config is broken: it is read only when a PATH needs it. */
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo/tests/integration/inference"),
                                at(dir, "repo/" DUPKEY_REL), NULL),
                     2);
    assert_non_null(strstr(err, "the parse family cannot be ignored"));
    free(out), free(err);
    rvt_put(dir, "repo/tests/integration/responses/recval.json",
            "{\"severity\": {\"parse/duplicate-key\": \"error\"}}");
    assert_int_equal(rvt_recval(&out, &err, "validate", at(dir, "repo/tests/integration/inference"),
                                at(dir, "repo/" DUPKEY_REL), NULL),
                     1);
    char want[8192];
    snprintf(want, sizeof want,
             "%s/repo/" DUPKEY_REL ":5:5: error: duplicate key \"method\": only the last value "
             "is kept by the recorder's reader (at /request/method) [parse/duplicate-key]\n"
             "2 files checked: 1 passed, 1 failed; 1 error, 0 warnings, 0 notes\n",
             dir);
    assert_string_equal(out, want);
    free(out), free(err);
    rvt_rmtree(dir);
}

/* The text of an unused-recording warning for the dup-key file. */
static void unused_line(char *buf, size_t n, const char *dir)
{
    snprintf(buf, n,
             "%s/repo/" DUPKEY_REL ":2:14: warning: test_id \"" DUPKEY_TEST "\" is not among the "
             "collected tests: no test will replay this recording (at /test_id) "
             "[replay/unused-recording]\n",
             dir);
}

static void unused_recordings_over_several_test_lists(void **state)
{
    (void)state;
    char *dir = make_repo("{\"ignore\": [\"usage\", \"parse/duplicate-key\"], "
                          "\"tests\": [\"../ci/all.txt\"]}"),
         *out, *err;
    rvt_put(dir, "ci/a.txt", MISMATCH_TEST "\n\n1 test collected in 0.20s\n");
    rvt_put(dir, "ci/b.txt", DUPKEY_TEST "\r\n\r\n1 test collected in 0.30s\r\n");
    rvt_put(dir, "ci/all.txt", "tests/x.py::test_x\n");
    char a[4200], b[4200], want[8192];
    snprintf(a, sizeof a, "--tests=%s", at(dir, "ci/a.txt"));
    snprintf(b, sizeof b, "--tests=%s", at(dir, "ci/b.txt"));
    /* Only the first list: the dup-key file's test is not in it. */
    assert_int_equal(rvt_recval(&out, &err, "validate", a, at(dir, "repo"), NULL), 0);
    unused_line(want, sizeof want, dir);
    strcat(want, "2 files checked: 2 passed, 0 failed; 0 errors, 1 warning, 0 notes\n");
    assert_string_equal(out, want);
    free(out), free(err);
    /* Both: their union holds both tests (the config's list is replaced). */
    assert_int_equal(rvt_recval(&out, &err, "validate", a, b, at(dir, "repo"), NULL), 0);
    assert_string_equal(out,
                        "2 files checked: 2 passed, 0 failed; 0 errors, 0 warnings, 0 notes\n");
    free(out), free(err);
    /* The config's list alone (relative to the config's directory): both unused. */
    assert_int_equal(rvt_recval(&out, &err, "validate", "--strict", at(dir, "repo"), NULL), 1);
    assert_non_null(strstr(out, "\n2 files checked: 0 passed, 2 failed; 0 errors, 2 warnings, "
                                "0 notes\n"));
    size_t unused = 0;
    for (const char *p = out; (p = strstr(p, "[replay/unused-recording]\n")); p++)
        unused++;
    assert_int_equal(unused, 2);
    free(out), free(err);
    /* An unreadable list is a usage error. */
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--tests=/nonexistent/t.txt", at(dir, "repo"), NULL), 2);
    assert_string_equal(err, "recval validate: cannot read the test list /nonexistent/t.txt: No "
                             "such file or directory\n");
    free(out), free(err);
    rvt_rmtree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_config_reports_everything),
        cmocka_unit_test(config_is_found_upward_from_each_path),
        cmocka_unit_test(explicit_config_wins_over_the_found_one),
        cmocka_unit_test(command_line_wins_over_the_file),
        cmocka_unit_test(config_errors_exit_2_with_key_line_and_column),
        cmocka_unit_test(walks_skip_config_files),
        cmocka_unit_test(per_path_ignores_and_severity_from_the_file),
        cmocka_unit_test(paths_under_different_configs),
        cmocka_unit_test(unused_recordings_over_several_test_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
