/* test_cli.c - the recval command end to end: exit codes, exact text
 * output, the JSON contract, JUnit against the XSD (xmllint) and read by
 * python3-junitparser, XML-forbidden characters, determinism across
 * --jobs, and that checked files are never written. */
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

#define TRUNCATED "recordings/invalid/parse/invalid-json/truncated.json"
#define DUPKEY_DIR "suites/data/cli/dup-key"

static void version_and_help(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "--version", NULL), 0);
    char want[64];
    snprintf(want, sizeof want, "recval %s\n", recval_version());
    assert_string_equal(out, want);
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "--help", NULL), 0);
    assert_non_null(strstr(out, "usage: recval <command>"));
    free(out);
    free(err);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, NULL), 2);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "frobnicate", NULL), 2);
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", NULL), 2);
    assert_non_null(strstr(err, "no PATH given"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=yaml", "x", NULL), 2);
    assert_non_null(strstr(err, "unknown format 'yaml'"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--jobs=0", "x", NULL), 2);
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--bogus", "x", NULL), 2);
    free(out), free(err);
}

static void nothing_readable_exits_2(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", "/nonexistent/a.json", NULL), 2);
    assert_string_equal(out, "/nonexistent/a.json:1:1: error: cannot read file: No such file or "
                             "directory (at the document root) [parse/unreadable]\n"
                             "1 file checked: 0 passed, 1 failed; 1 error, 0 warnings, 0 notes\n");
    free(out), free(err);
}

static void text_output_is_exact(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", TRUNCATED, NULL), 1);
    assert_string_equal(out, TRUNCATED
                        ":10:52: error: unexpected end of file: the JSON value is "
                        "incomplete (truncated file?) (at /response/body/__data__/choices) "
                        "[parse/invalid-json]\n"
                        "1 file checked: 0 passed, 1 failed; 1 error, 0 warnings, 0 notes\n");
    assert_string_equal(err, "");
    free(out), free(err);
}

static void valid_recordings_exit_0(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", "recordings/valid", NULL), 0);
    assert_non_null(strstr(out, " passed, 0 failed; 0 errors, 0 warnings, 0 notes\n"));
    free(out), free(err);
}

static void strict_fails_on_warnings(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", DUPKEY_DIR, NULL), 0);
    assert_non_null(strstr(out, "[parse/duplicate-key]\n1 file checked: 1 passed, 0 failed; 0 "
                                "errors, 1 warning, 0 notes\n"));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--strict", DUPKEY_DIR, NULL), 1);
    assert_non_null(strstr(out, "1 file checked: 0 passed, 1 failed; 0 errors, 1 warning"));
    free(out), free(err);
}

static void json_output_follows_contract(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--format=json", TRUNCATED, DUPKEY_DIR, NULL), 1);
    json_object *doc = json_tokener_parse(out);
    assert_non_null(doc);
    json_object *files = json_object_object_get(doc, "files");
    assert_int_equal(json_object_array_length(files), 2);
    json_object *f0 = json_object_array_get_idx(files, 0);
    assert_string_equal(json_object_get_string(json_object_object_get(f0, "path")), TRUNCATED);
    assert_string_equal(json_object_get_string(json_object_object_get(f0, "kind")), "invalid");
    assert_string_equal(json_object_get_string(json_object_object_get(f0, "status")), "fail");
    json_object *d0 = json_object_array_get_idx(json_object_object_get(f0, "diagnostics"), 0);
    assert_string_equal(json_object_get_string(json_object_object_get(d0, "rule")),
                        "parse/invalid-json");
    assert_string_equal(json_object_get_string(json_object_object_get(d0, "severity")), "error");
    assert_string_equal(json_object_get_string(json_object_object_get(d0, "pointer")),
                        "/response/body/__data__/choices");
    assert_int_equal(json_object_get_int(json_object_object_get(d0, "line")), 10);
    assert_int_equal(json_object_get_int(json_object_object_get(d0, "column")), 52);
    json_object *f1 = json_object_array_get_idx(files, 1);
    assert_string_equal(json_object_get_string(json_object_object_get(f1, "status")), "pass");
    json_object *sum = json_object_object_get(doc, "summary");
    assert_string_equal(json_object_to_json_string_ext(sum, JSON_C_TO_STRING_PLAIN),
                        "{\"files\":2,\"passed\":1,\"failed\":1,\"errors\":1,\"warnings\":1}");
    json_object_put(doc);
    free(out), free(err);
}

static void ignore_switches_rules_and_families_off(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "validate", "--ignore=bogus", DUPKEY_DIR, NULL), 2);
    assert_string_equal(err, "recval validate: cannot ignore 'bogus': no such rule or family "
                             "(see recval rules)\n");
    free(out), free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--ignore=parse/invalid-json", TRUNCATED, NULL), 2);
    assert_string_equal(err, "recval validate: parse/invalid-json cannot be ignored: a file that "
                             "cannot be read has no other check\n");
    free(out), free(err);
    /* The only finding of the dup-key recording is a warning: ignored, --strict passes. */
    assert_int_equal(rvt_recval(&out, &err, "validate", "--strict",
                                "--ignore=schema,parse/duplicate-key", DUPKEY_DIR, NULL),
                     0);
    assert_string_equal(out, "1 file checked: 1 passed, 0 failed; 0 errors, 0 warnings, 0 notes\n");
    free(out), free(err);
    /* Repeated --ignore adds up; the other rules still run. */
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--ignore=ids", "--ignore", "usage", DUPKEY_DIR, NULL),
        0);
    assert_non_null(strstr(out, "[parse/duplicate-key]\n"));
    free(out), free(err);
    /* An old rule name still works, with a note saying what became of it. */
    assert_int_equal(rvt_recval(&out, &err, "validate", "--strict",
                                "--ignore=usage/inconsistent-repeat,parse/duplicate-key",
                                DUPKEY_DIR, NULL),
                     0);
    assert_string_equal(err, "recval: note: --ignore=usage/inconsistent-repeat: "
                             "usage/inconsistent-repeat was renamed usage/not-cumulative: growing "
                             "usage is now valid\n");
    free(out), free(err);
    recval_options opts = {.ignore = "usage,request-hash/duplicate"};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    assert_int_equal(recval_validator_reports(v, "usage/total-mismatch"), 0);
    assert_int_equal(recval_validator_reports(v, "request-hash/duplicate"), 0);
    assert_int_equal(recval_validator_reports(v, "request-hash/name-mismatch"), 1);
    assert_int_equal(recval_validator_reports(v, "no/such-rule"), 0);
    recval_validator_free(v);
}

static char *temp_path(const char *suffix)
{
    static int n;
    char *p = malloc(256);
    snprintf(p, 256, "/tmp/recval-cli-%d-%d%s", (int)getpid(), n++, suffix);
    return p;
}

static void junit_validates_and_counts_match(void **state)
{
    (void)state;
    char *xml = temp_path(".xml"), *out, *err;
    char junit_opt[300];
    snprintf(junit_opt, sizeof junit_opt, "--junit=%s", xml);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=json", junit_opt, TRUNCATED,
                                "recordings/valid", NULL),
                     1);
    json_object *doc = json_tokener_parse(out);
    json_object *sum = json_object_object_get(doc, "summary");
    int files = json_object_get_int(json_object_object_get(sum, "files"));
    int errors = json_object_get_int(json_object_object_get(sum, "errors"));
    int failed = json_object_get_int(json_object_object_get(sum, "failed"));
    char *text = rvt_read_file(xml, NULL);
    assert_non_null(text);
    assert_non_null(strstr(text, "<failure type=\"parse/invalid-json\" message=\"10:52 "
                                 "/response/body/__data__/choices: unexpected end of file"));
    char tests_attr[64];
    snprintf(tests_attr, sizeof tests_attr, "tests=\"%d\" failures=\"%d\"", files, errors);
    assert_non_null(strstr(text, tests_attr));
    if (!rvt_junit_xsd_valid(xml))
        rvt_mark_skipped("xmllint or the junit XSD");
    if (access("/usr/bin/python3", X_OK) == 0 &&
        system("/usr/bin/python3 -c 'import junitparser' 2>/dev/null") == 0) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c 'import junitparser,sys; "
                 "x=junitparser.JUnitXml.fromfile(sys.argv[1]);"
                 "cases=[c for s in x for c in s];"
                 "print(len(cases), sum(1 for c in cases if not c.is_passed), "
                 "sum(len([r for r in c.result if isinstance(r, junitparser.Failure)]) for c in "
                 "cases))' %s",
                 xml);
        FILE *p = popen(cmd, "r");
        int n_cases = -1, n_failed = -1, n_failures = -1;
        assert_int_equal(fscanf(p, "%d %d %d", &n_cases, &n_failed, &n_failures), 3);
        pclose(p);
        assert_int_equal(n_cases, files);
        assert_int_equal(n_failed, failed);
        assert_int_equal(n_failures, errors);
    } else {
        rvt_mark_skipped("python3-junitparser");
    }
    json_object_put(doc);
    unlink(xml);
    free(xml), free(text), free(out), free(err);
}

static void xml_forbidden_characters_never_leak(void **state)
{
    (void)state;
    /* A member name with U+0001 and an unpaired surrogate escape lands in
     * the pointer of the parse error. */
    char *dir = temp_path("-dir"), *path = malloc(512), *xml = temp_path(".xml");
    mkdir(dir, 0700);
    snprintf(path, 512, "%s/bad.json", dir);
    FILE *fp = fopen(path, "w");
    fputs("{\"a\\u0001\\ud800b\": [1, x]}", fp);
    fclose(fp);
    char *out, *err, opt[300];
    snprintf(opt, sizeof opt, "--output=%s", xml);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=junit", opt, path, NULL), 1);
    char *text = rvt_read_file(xml, NULL);
    assert_non_null(text);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        assert_true(*p >= 0x20 || *p == '\n');
    assert_non_null(strstr(text, "/a\xEF\xBF\xBD"));
    rvt_junit_xsd_valid(xml);
    unlink(xml), unlink(path), rmdir(dir);
    free(text), free(out), free(err), free(dir), free(path), free(xml);
}

static void jobs_do_not_change_output(void **state)
{
    (void)state;
    char *one, *four, *err;
    rvt_recval(&one, &err, "validate", "--jobs=1", "recordings", NULL);
    free(err);
    rvt_recval(&four, &err, "validate", "--jobs=4", "recordings", NULL);
    free(err);
    assert_string_equal(one, four);
    free(one), free(four);
}

static void checked_files_are_not_written(void **state)
{
    (void)state;
    struct stat before, after;
    assert_int_equal(stat(TRUNCATED, &before), 0);
    char *out, *err;
    rvt_recval(&out, &err, "validate", "--format=junit", TRUNCATED, NULL);
    assert_int_equal(stat(TRUNCATED, &after), 0);
    assert_int_equal(before.st_mtim.tv_sec, after.st_mtim.tv_sec);
    assert_int_equal(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
    assert_int_equal(before.st_size, after.st_size);
    free(out), free(err);
}

static void rules_lists_every_rule(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(rvt_recval(&out, &err, "rules", NULL), 0);
    size_t n;
    const recval_rule *rules = recval_rules(&n);
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, n);
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(out, rules[i].name));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "rules", "--format=json", NULL), 0);
    json_object *doc = json_tokener_parse(out);
    assert_int_equal(json_object_array_length(json_object_object_get(doc, "rules")), n);
    json_object_put(doc);
    free(out), free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_and_help),
        cmocka_unit_test(usage_errors_exit_2),
        cmocka_unit_test(nothing_readable_exits_2),
        cmocka_unit_test(text_output_is_exact),
        cmocka_unit_test(valid_recordings_exit_0),
        cmocka_unit_test(strict_fails_on_warnings),
        cmocka_unit_test(json_output_follows_contract),
        cmocka_unit_test(ignore_switches_rules_and_families_off),
        cmocka_unit_test(junit_validates_and_counts_match),
        cmocka_unit_test(xml_forbidden_characters_never_leak),
        cmocka_unit_test(jobs_do_not_change_output),
        cmocka_unit_test(checked_files_are_not_written),
        cmocka_unit_test(rules_lists_every_rule),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
