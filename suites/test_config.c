/* test_config.c - the configuration file through the library
 * (recval_config_load/parse, recval_options.config): every error path
 * with its exact message, line and column; what each key does to the
 * diagnostics (ignore, per-path-ignores, severity, tests, strict);
 * recval_validator_apply() on diagnostics added after the check. */
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

#define TOTAL_MISMATCH                                                                             \
    "recordings/invalid/usage/total-mismatch-embeddings/tests/integration/inference/recordings/"   \
    "f58b24ab0c0486e4c841a9835de74629e419fad662b320b463c5b3b5f8ca2162.json"
#define TOTAL_MISMATCH_TEST                                                                        \
    "tests/integration/inference/test_openai_embeddings.py::test_openai_embeddings_single_"        \
    "string[emb=ollama/all-minilm:l6-v2]"
#define TOTAL_MESSAGE "total_tokens is 5 but prompt_tokens (4) + completion_tokens (0, absent) = 4"
#define REC_REL "tests/integration/inference/recordings/f58b.json"

/* Parses text as the config "cfg/recval.json" (relative: its directory
 * need not exist) and asserts it fails with exactly `want`. */
static void assert_config_error(const char *text, const char *want)
{
    recval_config *c = recval_config_parse("cfg/recval.json", text, strlen(text));
    if (c)
        fail_msg("accepted: %s", text);
    assert_string_equal(recval_last_error(), want);
}

static void unknown_key_is_located_at_the_key(void **state)
{
    (void)state;
    assert_config_error("{\n  \"strict\": true,\n  \"ignroe\": [\"usage\"]\n}\n",
                        "cfg/recval.json:3:3: key \"ignroe\": unknown key (known: $schema, "
                        "ignore, per-path-ignores, strict, severity, tests) (at /ignroe)");
}

static void bad_values_are_located_at_the_value(void **state)
{
    (void)state;
    assert_config_error("{\"strict\": \"yes\"}",
                        "cfg/recval.json:1:12: key \"strict\": expected boolean, got string (at "
                        "/strict)");
    assert_config_error("{\"ignore\": \"usage\"}", "cfg/recval.json:1:12: key \"ignore\": expected "
                                                   "array, got string (at /ignore)");
    assert_config_error("{\"ignore\": [\"usage\", 3]}",
                        "cfg/recval.json:1:22: key \"ignore\": expected string, got integer (at "
                        "/ignore/1)");
    assert_config_error("{\"ignore\": [\"Usage Stuff\"]}",
                        "cfg/recval.json:1:13: key \"ignore\": \"Usage Stuff\" does not match "
                        "the pattern \"^[a-z0-9-]+(/[a-z0-9-]+)?$\" (at /ignore/0)");
    assert_config_error("{\"per-path-ignores\": [\"x\"]}",
                        "cfg/recval.json:1:22: key \"per-path-ignores\": expected object, got "
                        "array (at /per-path-ignores)");
    assert_config_error("{\"per-path-ignores\": {\"a/*\": \"usage\"}}",
                        "cfg/recval.json:1:30: key \"per-path-ignores\": expected array, got "
                        "string (at /per-path-ignores/a~1*)");
    assert_config_error("{\"severity\": {\"usage\": \"fatal\"}}",
                        "cfg/recval.json:1:24: key \"severity\": \"fatal\" is not one of "
                        "[\"error\",\"warning\",\"note\"] (at /severity/usage)");
    assert_config_error("{\"tests\": [\"\"]}", "cfg/recval.json:1:12: key \"tests\": string has 0 "
                                               "characters, fewer than minLength 1 (at /tests/0)");
}

static void several_problems_one_line_each_in_file_order(void **state)
{
    (void)state;
    assert_config_error("{\"tests\": 1,\n \"strict\": 0,\n \"x\": 2}",
                        "cfg/recval.json:1:11: key \"tests\": expected array, got integer (at "
                        "/tests)\n"
                        "cfg/recval.json:2:12: key \"strict\": expected boolean, got integer (at "
                        "/strict)\n"
                        "cfg/recval.json:3:2: key \"x\": unknown key (known: $schema, ignore, "
                        "per-path-ignores, strict, severity, tests) (at /x)");
}

static void not_json_or_not_an_object(void **state)
{
    (void)state;
    assert_config_error("{\"strict\": true,}",
                        "cfg/recval.json:1:17: key \"strict\": invalid JSON: unexpected character "
                        "(at /strict)");
    assert_config_error("[]", "cfg/recval.json:1:1: expected object, got array (at the document "
                              "root)");
    assert_config_error("{\"strict\": true, \"strict\": false}",
                        "cfg/recval.json:1:18: key \"strict\": the key is repeated (at /strict)");
}

static void unknown_rule_names_are_located(void **state)
{
    (void)state;
    assert_config_error("{\"ignore\": [\"usage/no-such\"]}",
                        "cfg/recval.json:1:13: key \"ignore\": cannot ignore 'usage/no-such': no "
                        "such rule or family (see recval rules) (at /ignore/0)");
    assert_config_error("{\"ignore\": [\"parse/invalid-json\"]}",
                        "cfg/recval.json:1:13: key \"ignore\": parse/invalid-json cannot be "
                        "ignored: a file that cannot be read has no other check (at /ignore/0)");
    assert_config_error("{\"per-path-ignores\": {\"*.json\": [\"usage\", \"nope\"]}}",
                        "cfg/recval.json:1:43: key \"per-path-ignores\": cannot ignore 'nope': no "
                        "such rule or family (see recval rules) (at /per-path-ignores/*.json/1)");
    assert_config_error("{\"severity\": {\"usage/no-such\": \"note\"}}",
                        "cfg/recval.json:1:15: key \"severity\": cannot change the severity of "
                        "'usage/no-such': no such rule or family (see recval rules) (at "
                        "/severity/usage~1no-such)");
    assert_config_error("{\"severity\": {\"parse/too-deep\": \"note\"}}",
                        "cfg/recval.json:1:15: key \"severity\": parse/too-deep cannot be given "
                        "another severity: a file that cannot be read has no other check (at "
                        "/severity/parse~1too-deep)");
}

static void unreadable_files(void **state)
{
    (void)state;
    assert_null(recval_config_load("/nonexistent/recval.json"));
    assert_string_equal(recval_last_error(), "/nonexistent/recval.json: cannot read the "
                                             "configuration file: No such file or directory");
    char *dir = rvt_mktree("config");
    const char *path = rvt_put(dir, "recval.json", "{\n\"tests\": [\"ci/collected.txt\"]}\n");
    char want[8192];
    snprintf(want, sizeof want,
             "%s:2:11: key \"tests\": cannot read the test list %s/ci/collected.txt: No such "
             "file or directory (at /tests/0)",
             path, dir);
    assert_null(recval_config_load(path));
    assert_string_equal(recval_last_error(), want);
    rvt_rmtree(dir);
}

/* Checks `rel` (a copy of TOTAL_MISMATCH) in a tree with this config. */
static recval_result check_under(const char *config_text, const char *rel)
{
    char *dir = rvt_mktree("config");
    rvt_put(dir, "ci/collected.txt", "tests/x.py::test_other\n\n1 test collected in 0.01s\n");
    const char *cfg = rvt_put(dir, "recval.json", config_text);
    recval_config *c = recval_config_load(cfg);
    if (!c)
        fail_msg("%s", recval_last_error());
    char path[4096];
    snprintf(path, sizeof path, "%s", rvt_copy(dir, rel, TOTAL_MISMATCH));
    recval_options opts = {.config = c};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    recval_config_free(c); /* the validator copied what it needs */
    recval_result r;
    assert_int_equal(recval_check_file(v, path, &r), RECVAL_OK);
    recval_validator_free(v);
    rvt_rmtree(dir);
    return r;
}

static void defaults_without_settings(void **state)
{
    (void)state;
    recval_result r = check_under("{}", REC_REL);
    assert_int_equal(r.ndiags, 1);
    rvt_assert_diag(&r, "usage/total-mismatch", RECVAL_ERROR,
                    "/response/body/__data__/usage/total_tokens", 37, 27, TOTAL_MESSAGE);
    recval_result_free(&r);
    recval_config *c = recval_config_parse("recval.json", "{}", 2);
    assert_int_equal(recval_config_strict(c), -1);
    assert_string_equal(recval_config_path(c), "recval.json");
    recval_config_free(c);
    c = recval_config_parse("recval.json", "{\"strict\": false}", 17);
    assert_int_equal(recval_config_strict(c), 0);
    recval_config_free(c);
    c = recval_config_parse("recval.json", "{\"strict\": true}", 16);
    assert_int_equal(recval_config_strict(c), 1);
    recval_config_free(c);
}

static void ignore_rules_and_families(void **state)
{
    (void)state;
    recval_result r = check_under("{\"ignore\": [\"usage\"]}", REC_REL);
    rvt_assert_clean(&r);
    recval_result_free(&r);
    r = check_under("{\"ignore\": [\"usage/total-mismatch\"]}", REC_REL);
    rvt_assert_clean(&r);
    recval_result_free(&r);
    r = check_under("{\"ignore\": [\"usage/invalid-count\"]}", REC_REL);
    assert_int_equal(rvt_count(&r, "usage/total-mismatch"), 1);
    recval_result_free(&r);
}

static void severity_overrides_rules_and_families(void **state)
{
    (void)state;
    recval_result r = check_under("{\"severity\": {\"usage/total-mismatch\": \"note\"}}", REC_REL);
    rvt_assert_diag(&r, "usage/total-mismatch", RECVAL_NOTE,
                    "/response/body/__data__/usage/total_tokens", 37, 27, TOTAL_MESSAGE);
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.notes, 1);
    recval_result_free(&r);
    r = check_under("{\"severity\": {\"usage\": \"warning\"}}", REC_REL);
    assert_int_equal(r.diags[0].severity, RECVAL_WARNING);
    assert_int_equal(r.warnings, 1);
    recval_result_free(&r);
}

static void per_path_ignores_match_relative_to_the_config(void **state)
{
    (void)state;
    static const struct {
        const char *glob;
        size_t diags;
    } cases[] = {
        {"tests/integration/inference/recordings/*.json", 0},
        {"./tests/integration/*", 0}, /* a leading ./ is dropped */
        {"tests/*", 0},               /* '*' matches '/' too (fnmatch without flags) */
        {"*.json", 0},
        {"tests/integration/inference/recordings/f58b.json", 0},
        {"integration/*", 1}, /* anchored at the config's directory */
        {"tests/integration/responses/*", 1},
        {"*.txt", 1},
        {"tests/integration/inference/recordings/f58?.json", 0},
        {"tests/integration/inference/recordings/[a-e]*.json", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char config[512];
        snprintf(config, sizeof config,
                 "{\"per-path-ignores\": {\"%s\": [\"usage/total-mismatch\"]}}", cases[i].glob);
        recval_result r = check_under(config, REC_REL);
        if (r.ndiags != cases[i].diags)
            fail_msg("%s: %zu diagnostics, want %zu", cases[i].glob, r.ndiags, cases[i].diags);
        recval_result_free(&r);
    }
    /* Other rules of the file are still reported. */
    recval_result r =
        check_under("{\"per-path-ignores\": {\"*\": [\"schema\", \"ids\"]}}", REC_REL);
    assert_int_equal(rvt_count(&r, "usage/total-mismatch"), 1);
    recval_result_free(&r);
}

static void tests_are_relative_to_the_config_and_replaced_by_options(void **state)
{
    (void)state;
    recval_result r = check_under("{\"tests\": [\"ci/collected.txt\"]}", REC_REL);
    rvt_assert_diag(&r, "replay/unused-recording", RECVAL_WARNING, "/test_id", 2, 14,
                    "test_id \"" TOTAL_MISMATCH_TEST "\" is not among the collected tests: no "
                    "test will replay this recording");
    assert_int_equal(r.ndiags, 2);
    recval_result_free(&r);
    /* recval_options.tests replaces the config's lists. */
    char *dir = rvt_mktree("config");
    const char *list = rvt_put(dir, "mine.txt", TOTAL_MISMATCH_TEST "\n");
    rvt_put(dir, "ci/collected.txt", "tests/x.py::test_other\n");
    const char *cfg = rvt_put(dir, "recval.json", "{\"tests\": [\"ci/collected.txt\"]}");
    recval_config *c = recval_config_load(cfg);
    assert_non_null(c);
    recval_options opts = {.config = c, .tests = &list, .ntests = 1};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    assert_int_equal(recval_check_file(v, rvt_path(TOTAL_MISMATCH), &r), RECVAL_OK);
    assert_int_equal(rvt_count(&r, "replay/"), 0);
    recval_result_free(&r);
    recval_validator_free(v);
    recval_config_free(c);
    rvt_rmtree(dir);
}

static void config_ignore_adds_to_options_ignore(void **state)
{
    (void)state;
    recval_config *c = recval_config_parse("recval.json", "{\"ignore\": [\"schema\"]}", 22);
    assert_non_null(c);
    recval_options opts = {.config = c, .ignore = "usage"};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    assert_int_equal(recval_validator_reports(v, "usage/total-mismatch"), 0);
    assert_int_equal(recval_validator_reports(v, "schema/data"), 0);
    assert_int_equal(recval_validator_reports(v, "ids/normalized-id-mismatch"), 1);
    recval_validator_free(v);
    recval_config_free(c);
}

static void apply_settles_diagnostics_added_later(void **state)
{
    (void)state;
    static const char text[] =
        "{\"severity\": {\"request-hash/duplicate\": \"error\"}, \"ignore\": [\"usage\"]}";
    recval_config *c = recval_config_parse("recval.json", text, strlen(text));
    assert_non_null(c);
    recval_options opts = {.config = c};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    recval_result r;
    assert_int_equal(recval_check_file(v, rvt_path(TOTAL_MISMATCH), &r), RECVAL_OK);
    assert_int_equal(r.ndiags, 0);
    /* As recval_check_duplicates() would add one, and an ignored one. */
    r.diags = realloc(r.diags, 2 * sizeof *r.diags);
    r.diags[0] = (recval_diag){recval_rule_find("request-hash/duplicate"),
                               RECVAL_WARNING,
                               strdup("dup"),
                               strdup(""),
                               1,
                               1};
    r.diags[1] = (recval_diag){recval_rule_find("usage/total-mismatch"),
                               RECVAL_ERROR,
                               strdup("ignored"),
                               strdup(""),
                               1,
                               1};
    r.ndiags = 2;
    r.warnings = 1;
    r.errors = 1;
    for (int twice = 0; twice < 2; twice++) {
        assert_int_equal(recval_validator_apply(v, &r), RECVAL_OK);
        assert_int_equal(r.ndiags, 1);
        assert_string_equal(r.diags[0].rule->name, "request-hash/duplicate");
        assert_int_equal(r.diags[0].severity, RECVAL_ERROR);
        assert_int_equal(r.errors, 1);
        assert_int_equal(r.warnings, 0);
    }
    assert_int_equal(recval_validator_apply(NULL, &r), RECVAL_EINVAL);
    recval_result_free(&r);
    recval_validator_free(v);
    recval_config_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown_key_is_located_at_the_key),
        cmocka_unit_test(bad_values_are_located_at_the_value),
        cmocka_unit_test(several_problems_one_line_each_in_file_order),
        cmocka_unit_test(not_json_or_not_an_object),
        cmocka_unit_test(unknown_rule_names_are_located),
        cmocka_unit_test(unreadable_files),
        cmocka_unit_test(defaults_without_settings),
        cmocka_unit_test(ignore_rules_and_families),
        cmocka_unit_test(severity_overrides_rules_and_families),
        cmocka_unit_test(per_path_ignores_match_relative_to_the_config),
        cmocka_unit_test(tests_are_relative_to_the_config_and_replaced_by_options),
        cmocka_unit_test(config_ignore_adds_to_options_ignore),
        cmocka_unit_test(apply_settles_diagnostics_added_later),
    };
    return cmocka_run_group_tests(tests, NULL, rvt_free_validator);
}
