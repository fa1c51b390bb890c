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

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRUNCATED "recordings/invalid/parse/invalid-json/truncated.json"
#define DUPKEY_DIR "suites/data/cli/dup-key"

static const char *bin(void)
{
    const char *b = getenv("RECVAL_BIN");
    return b && *b ? b : "build/recval";
}

/* Runs recval with up to 8 arguments; returns the exit status. */
static int recval(char **out, char **err, const char *a1, const char *a2, const char *a3,
                  const char *a4, const char *a5)
{
    const char *argv[8] = {bin(), a1, a2, a3, a4, a5, NULL, NULL};
    return rvt_run(argv, out, err);
}

static void version_and_help(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(recval(&out, &err, "--version", NULL, NULL, NULL, NULL), 0);
    char want[64];
    snprintf(want, sizeof want, "recval %s\n", recval_version());
    assert_string_equal(out, want);
    free(out);
    free(err);
    assert_int_equal(recval(&out, &err, "--help", NULL, NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, "usage: recval <command>"));
    free(out);
    free(err);
}

static void usage_errors_exit_2(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(recval(&out, &err, NULL, NULL, NULL, NULL, NULL), 2);
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "frobnicate", NULL, NULL, NULL, NULL), 2);
    assert_non_null(strstr(err, "unknown command 'frobnicate'"));
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "validate", NULL, NULL, NULL, NULL), 2);
    assert_non_null(strstr(err, "no PATH given"));
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "validate", "--format=yaml", "x", NULL, NULL), 2);
    assert_non_null(strstr(err, "unknown format 'yaml'"));
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "validate", "--jobs=0", "x", NULL, NULL), 2);
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "validate", "--bogus", "x", NULL, NULL), 2);
    free(out), free(err);
}

static void nothing_readable_exits_2(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(recval(&out, &err, "validate", "/nonexistent/a.json", NULL, NULL, NULL), 2);
    assert_string_equal(out, "/nonexistent/a.json:1:1: error: cannot read file: No such file or "
                             "directory (at the document root) [parse/unreadable]\n"
                             "1 file checked: 0 passed, 1 failed; 1 error, 0 warnings, 0 notes\n");
    free(out), free(err);
}

static void text_output_is_exact(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(recval(&out, &err, "validate", TRUNCATED, NULL, NULL, NULL), 1);
    assert_string_equal(out, TRUNCATED ":10:52: error: unexpected end of file: the JSON value is "
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
    assert_int_equal(recval(&out, &err, "validate", "recordings/valid", NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, " passed, 0 failed; 0 errors, 0 warnings, 0 notes\n"));
    free(out), free(err);
}

static void strict_fails_on_warnings(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(recval(&out, &err, "validate", DUPKEY_DIR, NULL, NULL, NULL), 0);
    assert_non_null(strstr(out, "[parse/duplicate-key]\n1 file checked: 1 passed, 0 failed; 0 "
                                "errors, 1 warning, 0 notes\n"));
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "validate", "--strict", DUPKEY_DIR, NULL, NULL), 1);
    assert_non_null(strstr(out, "1 file checked: 0 passed, 1 failed; 0 errors, 1 warning"));
    free(out), free(err);
}

static void json_output_follows_contract(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(recval(&out, &err, "validate", "--format=json", TRUNCATED, DUPKEY_DIR, NULL),
                     1);
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

static char *temp_path(const char *suffix)
{
    static int n;
    char *p = malloc(256);
    snprintf(p, 256, "/tmp/recval-cli-%d-%d%s", (int)getpid(), n++, suffix);
    return p;
}

static char *read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static bool have(const char *program)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", program);
    return system(cmd) == 0;
}

/* Validates a JUnit file against the shared XSD when xmllint and the XSD
 * are there; returns whether it could check. */
static bool xsd_valid(const char *path)
{
    const char *shared = rvt_shared_dir();
    if (!shared || !have("xmllint"))
        return false;
    char cmd[8192];
    snprintf(cmd, sizeof cmd,
             "xmllint --noout --schema '%s/conformance/junit/junit-10.xsd' '%s' 2>/dev/null",
             shared, path);
    assert_int_equal(system(cmd), 0);
    return true;
}

static void junit_validates_and_counts_match(void **state)
{
    (void)state;
    char *xml = temp_path(".xml"), *out, *err;
    char junit_opt[300];
    snprintf(junit_opt, sizeof junit_opt, "--junit=%s", xml);
    assert_int_equal(recval(&out, &err, "validate", "--format=json", junit_opt, TRUNCATED,
                            "recordings/valid"),
                     1);
    json_object *doc = json_tokener_parse(out);
    json_object *sum = json_object_object_get(doc, "summary");
    int files = json_object_get_int(json_object_object_get(sum, "files"));
    int errors = json_object_get_int(json_object_object_get(sum, "errors"));
    int failed = json_object_get_int(json_object_object_get(sum, "failed"));
    char *text = read_all(xml);
    assert_non_null(strstr(text, "<failure type=\"parse/invalid-json\" message=\"10:52 "
                                 "/response/body/__data__/choices: unexpected end of file"));
    char tests_attr[64];
    snprintf(tests_attr, sizeof tests_attr, "tests=\"%d\" failures=\"%d\"", files, errors);
    assert_non_null(strstr(text, tests_attr));
    if (!xsd_valid(xml))
        print_message("xmllint or the XSD missing: schema check skipped\n");
    if (access("/usr/bin/python3", X_OK) == 0 &&
        system("/usr/bin/python3 -c 'import junitparser' 2>/dev/null") == 0) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd,
                 "/usr/bin/python3 -c 'import junitparser,sys; x=junitparser.JUnitXml.fromfile(sys.argv[1]);"
                 "cases=[c for s in x for c in s];"
                 "print(len(cases), sum(1 for c in cases if not c.is_passed), "
                 "sum(len([r for r in c.result if isinstance(r, junitparser.Failure)]) for c in cases))' %s",
                 xml);
        FILE *p = popen(cmd, "r");
        int n_cases = -1, n_failed = -1, n_failures = -1;
        assert_int_equal(fscanf(p, "%d %d %d", &n_cases, &n_failed, &n_failures), 3);
        pclose(p);
        assert_int_equal(n_cases, files);
        assert_int_equal(n_failed, failed);
        assert_int_equal(n_failures, errors);
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
    assert_int_equal(recval(&out, &err, "validate", "--format=junit", opt, path, NULL), 1);
    char *text = read_all(xml);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        assert_true(*p >= 0x20 || *p == '\n');
    assert_non_null(strstr(text, "/a\xEF\xBF\xBD"));
    xsd_valid(xml);
    unlink(xml), unlink(path), rmdir(dir);
    free(text), free(out), free(err), free(dir), free(path), free(xml);
}

static void jobs_do_not_change_output(void **state)
{
    (void)state;
    char *one, *four, *err;
    recval(&one, &err, "validate", "--jobs=1", "recordings", NULL, NULL);
    free(err);
    recval(&four, &err, "validate", "--jobs=4", "recordings", NULL, NULL);
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
    recval(&out, &err, "validate", "--format=junit", TRUNCATED, NULL, NULL);
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
    assert_int_equal(recval(&out, &err, "rules", NULL, NULL, NULL, NULL), 0);
    size_t n;
    const recval_rule *rules = recval_rules(&n);
    size_t lines = 0;
    for (const char *p = out; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, n);
    for (size_t i = 0; i < n; i++)
        assert_non_null(strstr(out, rules[i].name));
    free(out), free(err);
    assert_int_equal(recval(&out, &err, "rules", "--format=json", NULL, NULL, NULL), 0);
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
        cmocka_unit_test(junit_validates_and_counts_match),
        cmocka_unit_test(xml_forbidden_characters_never_leak),
        cmocka_unit_test(jobs_do_not_change_output),
        cmocka_unit_test(checked_files_are_not_written),
        cmocka_unit_test(rules_lists_every_rule),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
