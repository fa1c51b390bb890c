/* test_cli_baseline.c - `recval validate --write-baseline` and
 * `--baseline`: the file's exact bytes (fingerprints recomputed here with
 * Python's recipe), sorted and stable, valid against
 * schema/baseline.schema.json; suppression, the exit code, line shifts,
 * changed values and deleted files (stale entries), partial runs, invalid
 * baselines; and the library's recval_fingerprints(). */
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
#include <unistd.h>

#define TRUNCATED "recordings/invalid/parse/invalid-json/truncated.json"
#define DUPKEY                                                                                     \
    "suites/data/cli/dup-key/tests/integration/responses/recordings/"                              \
    "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251.json"
/* A copy of the usage fixtures: one error each; fresh_tree() counts them. */
static int usage_files;

static char tmpdir[64];
static char tree[128];     /* tmpdir/usage: the copied fixtures */
static char baseline[128]; /* tmpdir/baseline.json */

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/recval-baseline-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(tree, sizeof tree, "%s/usage", tmpdir);
    snprintf(baseline, sizeof baseline, "%s/baseline.json", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A fresh copy of recordings/invalid/usage in tree; usage_files is the
 * number of recordings in it. */
static void fresh_tree(void)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -r '%s' '%s'", tree,
             rvt_path("recordings/invalid/usage"), tree);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "find '%s' -name '*.json' | wc -l", tree);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &usage_files), 1);
    pclose(p);
    assert_true(usage_files > 3);
}

/* "N files checked: ..." when the baseline suppresses everything. */
static const char *all_suppressed(int n)
{
    static char line[256];
    snprintf(line, sizeof line,
             "%d files checked: %d passed, 0 failed; 0 errors, 0 warnings, 0 notes; %d "
             "suppressed by the baseline, 0 baseline entries no longer found\n",
             n, n, n);
    return line;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The one file under tree/<fixture>/ (any depth). */
static char *fixture_file(const char *fixture)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "find '%s/%s' -name '*.json'", tree, fixture);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char line[512];
    assert_non_null(fgets(line, sizeof line, p));
    pclose(p);
    line[strcspn(line, "\n")] = '\0';
    return strdup(line);
}

static void write_baseline_is_exact(void **state)
{
    (void)state;
    char *out, *err, arg[256];
    snprintf(arg, sizeof arg, "--write-baseline=%s", baseline);
    /* The findings are still reported, and fail the run. */
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, DUPKEY, TRUNCATED, NULL), 1);
    assert_string_equal(err, "");
    free(out), free(err);
    char *text = rvt_read_file(baseline, NULL);
    /* Fingerprints: sha256('value:"POST"') and, for the file that is not
     * JSON, sha256("finding:<rule>\n<message>"), first 16 hex digits. */
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"findings\": [\n"
                              "    {\"path\": \"" TRUNCATED "\", \"rule\": \"parse/invalid-json\", "
                              "\"pointer\": \"/response/body/__data__/choices\", \"fingerprint\": "
                              "\"c5a84949df9e1c39\"},\n"
                              "    {\"path\": \"" DUPKEY "\", \"rule\": \"parse/duplicate-key\", "
                              "\"pointer\": \"/request/method\", \"fingerprint\": "
                              "\"82f8e5ddf7ac298c\"}\n  ]\n}\n");
    free(text);
    /* No findings: an empty list. */
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, "recordings/valid", NULL), 0);
    free(out), free(err);
    text = rvt_read_file(baseline, NULL);
    assert_string_equal(text, "{\n  \"version\": 1,\n  \"findings\": []\n}\n");
    free(text);
}

/* Sorted by path, rule, pointer; the same bytes on every run whatever the
 * thread count; valid against the schema (with the library's engine). */
static void write_baseline_is_sorted_stable_and_valid(void **state)
{
    (void)state;
    fresh_tree();
    char *out, *err, arg[256], other[160], arg2[256];
    snprintf(arg, sizeof arg, "--write-baseline=%s", baseline);
    snprintf(other, sizeof other, "%s/other.json", tmpdir);
    snprintf(arg2, sizeof arg2, "--write-baseline=%s", other);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--jobs=1", arg, tree, NULL), 1);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--jobs=4", arg2, tree, NULL), 1);
    free(out), free(err);
    char *a = rvt_read_file(baseline, NULL), *b = rvt_read_file(other, NULL);
    assert_string_equal(a, b);
    free(b);
    json_object *doc = json_tokener_parse(a), *list = NULL;
    assert_true(json_object_object_get_ex(doc, "findings", &list));
    assert_int_equal(json_object_array_length(list), (size_t)usage_files);
    for (size_t i = 1; i < (size_t)usage_files; i++) {
        json_object *p = json_object_array_get_idx(list, i - 1), *q;
        q = json_object_array_get_idx(list, i);
        json_object *pp, *qp;
        json_object_object_get_ex(p, "path", &pp);
        json_object_object_get_ex(q, "path", &qp);
        assert_true(strcmp(json_object_get_string(pp), json_object_get_string(qp)) < 0);
    }
    json_object_put(doc);
    free(a);
    recval_schema *s = recval_schema_load_builtin("baseline.schema.json");
    assert_non_null(s);
    assert_string_equal(recval_schema_uri(s), "https://recval.dev/schema/baseline.schema.json");
    recval_result r;
    assert_int_equal(recval_schema_check_file(rvt_validator(), s, baseline, &r), RECVAL_OK);
    rvt_assert_clean(&r);
    recval_result_free(&r);
    recval_schema_free(s);
    assert_null(recval_schema_load_builtin("no-such.schema.json"));
}

static void expect_run(const char *path, int status, const char *want_out, const char *want_err)
{
    char *out, *err, arg[256];
    snprintf(arg, sizeof arg, "--baseline=%s", baseline);
    int got = rvt_recval(&out, &err, "validate", arg, path, NULL);
    if (got != status || strcmp(out, want_out) != 0 || strcmp(err, want_err) != 0)
        print_error("exit %d\nstdout:\n%s\nstderr:\n%s\n", got, out, err);
    assert_int_equal(got, status);
    assert_string_equal(out, want_out);
    assert_string_equal(err, want_err);
    free(out), free(err);
}

static void record_baseline(void)
{
    char *out, *err, arg[256];
    snprintf(arg, sizeof arg, "--write-baseline=%s", baseline);
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, tree, NULL), 1);
    free(out), free(err);
}

/* Everything in the baseline: nothing reported, exit 0; a line shift in a
 * file does not matter (the fingerprint is the value's). */
static void baseline_suppresses_across_line_shifts(void **state)
{
    (void)state;
    fresh_tree();
    record_baseline();
    expect_run(tree, 0, all_suppressed(usage_files), "");
    char *f = fixture_file("invalid-count-negative");
    size_t len;
    char *text = rvt_read_file(f, &len);
    char *shifted = malloc(len + 4);
    memcpy(shifted, "\n\n\n", 3);
    memcpy(shifted + 3, text, len + 1);
    write_file(f, shifted);
    free(text), free(shifted), free(f);
    expect_run(tree, 0, all_suppressed(usage_files), "");
}

/* A changed offending value is a new finding (exit 1) and its old entry no
 * longer occurs; so do the entries of a deleted file. */
static void changed_value_and_deleted_file(void **state)
{
    (void)state;
    fresh_tree();
    record_baseline();
    char *f = fixture_file("invalid-count-negative");
    char *text = rvt_read_file(f, NULL);
    char *at = strstr(text, "\"prompt_tokens\": -1");
    assert_non_null(at);
    at[strlen("\"prompt_tokens\": -")] = '2';
    write_file(f, text);
    free(text);
    char *gone = fixture_file("total-mismatch-stream");
    assert_int_equal(unlink(gone), 0);
    char want_out[1024], want_err[2048];
    snprintf(want_out, sizeof want_out,
             "%s:48:28: error: prompt_tokens is negative (-2): token counts are non-negative "
             "integers (at /response/body/__data__/usage/prompt_tokens) [usage/invalid-count]\n"
             "%d files checked: %d passed, 1 failed; 1 error, 0 warnings, 0 notes; %d suppressed "
             "by the baseline, 2 baseline entries no longer found\n",
             f, usage_files - 1, usage_files - 2, usage_files - 2);
    snprintf(want_err, sizeof want_err,
             "recval validate: baseline entry no longer found: %s: usage/invalid-count at "
             "/response/body/__data__/usage/prompt_tokens\n"
             "recval validate: baseline entry no longer found: %s: usage/total-mismatch at "
             "/response/body/3/__data__/usage/total_tokens\n",
             f, gone);
    expect_run(tree, 1, want_out, want_err);
    free(f), free(gone);
}

/* A run on part of the tree leaves the other files' entries alone. */
static void partial_run_has_no_stale_entries(void **state)
{
    (void)state;
    fresh_tree();
    record_baseline();
    char part[192];
    snprintf(part, sizeof part, "%s/total-mismatch-stream", tree);
    expect_run(part, 0,
               "1 file checked: 1 passed, 0 failed; 0 errors, 0 warnings, 0 notes; 1 suppressed "
               "by the baseline, 0 baseline entries no longer found\n",
               "");
}

/* The counts in the formats without a totals line: JSON summary members,
 * JUnit testsuite properties, SARIF run properties. */
static void counts_in_json_junit_sarif(void **state)
{
    (void)state;
    fresh_tree();
    record_baseline();
    char *gone = fixture_file("total-mismatch-stream");
    assert_int_equal(unlink(gone), 0);
    free(gone);
    char *out, *err, arg[256];
    snprintf(arg, sizeof arg, "--baseline=%s", baseline);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=json", arg, tree, NULL), 0);
    int n = usage_files - 1;
    char want[512];
    snprintf(want, sizeof want,
             "],\"summary\":{\"files\":%d,\"passed\":%d,\"failed\":0,"
             "\"errors\":0,\"warnings\":0,\"suppressed\":%d,\"stale\":1}}\n",
             n, n, n);
    assert_non_null(strstr(out, want));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=junit", arg, tree, NULL), 0);
    snprintf(want, sizeof want,
             "    <properties>\n"
             "      <property name=\"recval.baseline.suppressed\" value=\"%d\"/>\n"
             "      <property name=\"recval.baseline.stale\" value=\"1\"/>\n"
             "    </properties>\n    <testcase ",
             n);
    assert_non_null(strstr(out, want));
    free(out), free(err);
    char junit[160], junit_arg[192];
    snprintf(junit, sizeof junit, "%s/report.junit.xml", tmpdir);
    snprintf(junit_arg, sizeof junit_arg, "--junit=%s", junit);
    assert_int_equal(rvt_recval(&out, &err, "validate", junit_arg, arg, tree, NULL), 0);
    rvt_junit_xsd_valid(junit); /* the properties are in the schema */
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=sarif", arg, tree, NULL), 0);
    snprintf(want, sizeof want,
             "\"properties\":{\"recvalBaselineSuppressed\":%d,\"recvalBaselineStale\":1}", n);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "\"results\":[]"));
    free(out), free(err);
}

/* The baseline is checked against its schema: a usage error (exit 2)
 * naming the position and the failing keyword. */
static void invalid_baseline_is_a_usage_error(void **state)
{
    (void)state;
    char *out, *err, arg[256];
    snprintf(arg, sizeof arg, "--baseline=%s", baseline);
    write_file(baseline, "{\"version\": 1, \"findings\": [],\n \"extra\": true}\n");
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, DUPKEY, NULL), 2);
    char want[512];
    snprintf(want, sizeof want, "recval validate: baseline %s:2:11: ", baseline);
    assert_memory_equal(err, want, strlen(want));
    assert_non_null(strstr(err, "additionalProperties"));
    assert_non_null(strstr(err, "(at /extra) [schema/instance]\n"));
    free(out), free(err);
    write_file(baseline, "{\"version\": 1, \"findings\": [{\"path\": \"a.json\", \"rule\": "
                         "\"parse/invalid-json\", \"pointer\": \"\", \"fingerprint\": \"XYZ\"}]}");
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, DUPKEY, NULL), 2);
    assert_non_null(strstr(err, "(at /findings/0/fingerprint) [schema/instance]\n"));
    free(out), free(err);
    write_file(baseline, "{\"version\": 1,");
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, DUPKEY, NULL), 2);
    assert_non_null(strstr(err, "[parse/invalid-json]\n"));
    free(out), free(err);
    snprintf(arg, sizeof arg, "--baseline=%s/missing.json", tmpdir);
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, DUPKEY, NULL), 2);
    assert_non_null(strstr(err, "[parse/unreadable]\n"));
    free(out), free(err);
}

/* recval_fingerprints(): the value's fingerprint ignores position; the
 * finding's ignores the path; different values differ. */
static void fingerprints_follow_values_not_places(void **state)
{
    (void)state;
    char a[160], b[160], c[160];
    snprintf(a, sizeof a, "%s/fp-a.json", tmpdir);
    snprintf(b, sizeof b, "%s/fp-b.json", tmpdir);
    snprintf(c, sizeof c, "%s/fp-c.json", tmpdir);
    write_file(a, "{\"request\": 1, \"response\": {}}");
    write_file(b, "\n\n  {\"request\":\n 1, \"response\": {}}");
    write_file(c, "{\"request\": 2, \"response\": {}}");
    recval_result ra = rvt_check(a), rb = rvt_check(b), rc = rvt_check(c);
    const recval_diag *da = rvt_find_diag(&ra, "envelope/wrong-type", "/request");
    const recval_diag *db = rvt_find_diag(&rb, "envelope/wrong-type", "/request");
    assert_int_not_equal(da->line, db->line);
    recval_fingerprint fa[8], fb[8], fc[8];
    assert_true(ra.ndiags <= 8 && rb.ndiags <= 8 && rc.ndiags <= 8);
    assert_int_equal(recval_fingerprints(rvt_validator(), &ra, fa), RECVAL_OK);
    assert_int_equal(recval_fingerprints(rvt_validator(), &rb, fb), RECVAL_OK);
    assert_int_equal(recval_fingerprints(rvt_validator(), &rc, fc), RECVAL_OK);
    size_t ia = (size_t)(da - ra.diags), ib = (size_t)(db - rb.diags);
    /* sha256("value:1") */
    assert_string_equal(fa[ia].value, "ac73d0a37880347f");
    assert_string_equal(fb[ib].value, fa[ia].value);
    assert_string_equal(fb[ib].finding, fa[ia].finding);
    assert_int_equal(strlen(fa[ia].finding), 32);
    const recval_diag *dc = rvt_find_diag(&rc, "envelope/wrong-type", "/request");
    assert_string_not_equal(fc[dc - rc.diags].value, fa[ia].value);
    assert_int_equal(recval_fingerprints(NULL, &ra, fa), RECVAL_EINVAL);
    recval_result_free(&ra), recval_result_free(&rb), recval_result_free(&rc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(write_baseline_is_exact),
        cmocka_unit_test(write_baseline_is_sorted_stable_and_valid),
        cmocka_unit_test(baseline_suppresses_across_line_shifts),
        cmocka_unit_test(changed_value_and_deleted_file),
        cmocka_unit_test(partial_run_has_no_stale_entries),
        cmocka_unit_test(counts_in_json_junit_sarif),
        cmocka_unit_test(invalid_baseline_is_a_usage_error),
        cmocka_unit_test(fingerprints_follow_values_not_places),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    rvt_free_validator(NULL);
    return failed;
}
