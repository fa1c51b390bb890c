/* test_cli_schema.c - `recval schema` and the recval_schema_* API behind
 * it: exit statuses 0/1/2, the exact JSON report of a small case, $refs
 * served by --base and from the schema's own directory, unusable schemas
 * (unknown keyword, unresolvable $ref, not JSON) and instances (not JSON,
 * unreadable), JUnit output (against the shared XSD when xmllint is
 * there), and positions of failures in the instance file. */
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
#include <sys/stat.h>
#include <unistd.h>

static char dir[200]; /* the files of the tests, a real path (file: URIs use it) */

/* dir/name, in a static buffer (one of four, so a call can take several). */
static const char *in_dir(const char *name)
{
    static char bufs[4][512];
    static int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "%s/%s", dir, name);
    return b;
}

static void write_file(const char *name, const char *text)
{
    FILE *fp = fopen(in_dir(name), "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static int setup(void **state)
{
    (void)state;
    char tmpl[] = "/tmp/recval-schema-XXXXXX";
    char *real = mkdtemp(tmpl) ? realpath(tmpl, NULL) : NULL;
    if (!real)
        return -1;
    snprintf(dir, sizeof dir, "%s", real);
    free(real);
    char sub[512];
    snprintf(sub, sizeof sub, "%s/lib", dir);
    mkdir(sub, 0700);
    write_file("person.schema.json",
               "{\"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n"
               " \"type\": \"object\", \"required\": [\"name\"],\n"
               " \"properties\": {\"name\": {\"type\": \"string\"},\n"
               "                \"age\": {\"$ref\": \"defs.json#/$defs/age\"}}}\n");
    write_file("defs.json", "{\"$defs\": {\"age\": {\"type\": \"integer\", \"minimum\": 0}}}\n");
    write_file("lib/pet.json", "{\"$id\": \"https://example.com/schemas/pet.json\", \"type\": "
                               "\"object\", \"properties\": {\"legs\": {\"$ref\": "
                               "\"defs.json#/$defs/legs\"}}}\n");
    write_file("lib/defs.json",
               "{\"$defs\": {\"legs\": {\"type\": \"integer\", \"maximum\": 8}}}\n");
    write_file("pet-ref.schema.json", "{\"$ref\": \"https://example.com/schemas/pet.json\"}\n");
    write_file("typo.schema.json", "{\"type\": \"object\", \"maxLenght\": 3}\n");
    write_file("broken.schema.json", "{\"type\": \"object\",}\n");
    write_file("ok.json", "{\"name\": \"Ada\", \"age\": 36}\n");
    write_file("bad.json", "{\n  \"name\": 5,\n  \"age\": -1\n}\n");
    write_file("cut.json", "{\"name\": ");
    write_file("spider.json", "{\"legs\": 9}\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const names[] = {"person.schema.json",
                                        "defs.json",
                                        "lib/pet.json",
                                        "lib/defs.json",
                                        "pet-ref.schema.json",
                                        "typo.schema.json",
                                        "broken.schema.json",
                                        "ok.json",
                                        "bad.json",
                                        "cut.json",
                                        "spider.json",
                                        "report.xml"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(in_dir(names[i]));
    rmdir(in_dir("lib"));
    rmdir(dir);
    return 0;
}

/* --- exit statuses ------------------------------------------------- */

static void valid_instances_exit_0(void **state)
{
    (void)state;
    char *out, *err;
    assert_int_equal(
        rvt_recval(&out, &err, "schema", in_dir("person.schema.json"), in_dir("ok.json"), NULL), 0);
    assert_string_equal(out, "1 file checked: 1 passed, 0 failed; 0 errors, 0 warnings, 0 notes\n");
    free(out);
    free(err);
}

static void invalid_instance_exits_1_with_positions(void **state)
{
    (void)state;
    char *out, *err, expected[2048];
    assert_int_equal(rvt_recval(&out, &err, "schema", in_dir("person.schema.json"),
                                in_dir("ok.json"), in_dir("bad.json"), NULL),
                     1);
    snprintf(expected, sizeof expected,
             "%s/bad.json:2:11: error: expected string, got integer (schema: "
             "file://%s/person.schema.json#/properties/name/type) (at /name) [schema/instance]\n"
             "%s/bad.json:3:10: error: -1 is less than the minimum 0 (schema: "
             "file://%s/defs.json#/$defs/age/minimum) (at /age) [schema/instance]\n"
             "2 files checked: 1 passed, 1 failed; 2 errors, 0 warnings, 0 notes\n",
             dir, dir, dir, dir);
    assert_string_equal(out, expected);
    free(out);
    free(err);
}

static void json_report_follows_validates_contract(void **state)
{
    (void)state;
    char *out, *err, expected[2048];
    assert_int_equal(rvt_recval(&out, &err, "schema", "--format=json", in_dir("person.schema.json"),
                                in_dir("bad.json"), NULL),
                     1);
    snprintf(expected, sizeof expected,
             "{\"files\":[\n"
             "{\"path\":\"%s/bad.json\",\"kind\":\"unknown\",\"status\":\"fail\",\"diagnostics\":["
             "{\"rule\":\"schema/instance\",\"severity\":\"error\",\"message\":\"expected string, "
             "got integer (schema: file://%s/person.schema.json#/properties/name/type)\","
             "\"pointer\":\"/name\",\"line\":2,\"column\":11},"
             "{\"rule\":\"schema/instance\",\"severity\":\"error\",\"message\":\"-1 is less than "
             "the minimum 0 (schema: file://%s/defs.json#/$defs/age/minimum)\",\"pointer\":"
             "\"/age\",\"line\":3,\"column\":10}]}\n"
             "],\"summary\":{\"files\":1,\"passed\":0,\"failed\":1,\"errors\":2,\"warnings\":0}}\n",
             dir, dir, dir);
    assert_string_equal(out, expected);
    free(out);
    free(err);
}

static void unusable_input_exits_2(void **state)
{
    (void)state;
    char *out, *err;
    /* an unknown keyword: no report, the reason on stderr */
    assert_int_equal(
        rvt_recval(&out, &err, "schema", in_dir("typo.schema.json"), in_dir("ok.json"), NULL), 2);
    assert_string_equal(out, "");
    assert_non_null(strstr(err, "unknown keyword \"maxLenght\""));
    free(out);
    free(err);
    /* an unresolvable $ref */
    assert_int_equal(rvt_recval(&out, &err, "schema", in_dir("pet-ref.schema.json"),
                                in_dir("spider.json"), NULL),
                     2);
    assert_non_null(strstr(err, "cannot resolve \"https://example.com/schemas/pet.json\""));
    assert_non_null(strstr(err, "network retrieval is disabled"));
    free(out);
    free(err);
    /* a schema that is not JSON, a missing schema */
    assert_int_equal(
        rvt_recval(&out, &err, "schema", in_dir("broken.schema.json"), in_dir("ok.json"), NULL), 2);
    free(out);
    free(err);
    assert_int_equal(
        rvt_recval(&out, &err, "schema", in_dir("none.schema.json"), in_dir("ok.json"), NULL), 2);
    assert_non_null(strstr(err, "cannot read the schema"));
    free(out);
    free(err);
    /* an instance that is not JSON gets its parse/ error, and exit 2 */
    assert_int_equal(rvt_recval(&out, &err, "schema", in_dir("person.schema.json"),
                                in_dir("ok.json"), in_dir("cut.json"), NULL),
                     2);
    char expected[512];
    snprintf(expected, sizeof expected,
             "%s/cut.json:1:10: error: unexpected end of file: the JSON value is incomplete "
             "(truncated file?) (at /name) [parse/invalid-json]\n",
             dir);
    assert_non_null(strstr(out, expected));
    free(out);
    free(err);
    /* usage errors */
    assert_int_equal(rvt_recval(&out, &err, "schema", in_dir("person.schema.json"), NULL), 2);
    assert_non_null(strstr(err, "no INSTANCE given"));
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "schema", "--base=nodir", in_dir("person.schema.json"),
                                in_dir("ok.json"), NULL),
                     2);
    assert_non_null(strstr(err, "--base needs URI=DIR"));
    free(out);
    free(err);
}

/* --- references ---------------------------------------------------- */

static void base_serves_a_directory(void **state)
{
    (void)state;
    char *out, *err, base[300], expected[1024];
    snprintf(base, sizeof base, "--base=https://example.com/schemas/=%s/lib", dir);
    assert_int_equal(rvt_recval(&out, &err, "schema", base, in_dir("pet-ref.schema.json"),
                                in_dir("spider.json"), NULL),
                     1);
    snprintf(expected, sizeof expected,
             "%s/spider.json:1:10: error: 9 is greater than the maximum 8 (schema: "
             "https://example.com/schemas/defs.json#/$defs/legs/maximum) (at /legs) "
             "[schema/instance]\n",
             dir);
    assert_non_null(strstr(out, expected));
    free(out);
    free(err);
}

static void recvals_schemas_are_available(void **state)
{
    (void)state;
    char *out, *err;
    write_file("model.schema.json",
               "{\"$ref\": \"https://recval.dev/schema/types/openai.model.schema.json\"}\n");
    write_file("model.json", "{\"id\": \"gpt-4o\", \"object\": \"model\", \"created\": -1, "
                             "\"owned_by\": \"system\"}\n");
    assert_int_equal(
        rvt_recval(&out, &err, "schema", in_dir("model.schema.json"), in_dir("model.json"), NULL),
        1);
    assert_non_null(strstr(out, "openai.model.schema.json#/properties/created/minimum"));
    unlink(in_dir("model.schema.json"));
    unlink(in_dir("model.json"));
    free(out);
    free(err);
}

/* --- JUnit --------------------------------------------------------- */

static void junit_report(void **state)
{
    (void)state;
    char *out, *err, output[300];
    snprintf(output, sizeof output, "--output=%s", in_dir("report.xml"));
    assert_int_equal(rvt_recval(&out, &err, "schema", "--format=junit", output,
                                in_dir("person.schema.json"), in_dir("ok.json"), in_dir("bad.json"),
                                NULL),
                     1);
    FILE *fp = fopen(in_dir("report.xml"), "r");
    assert_non_null(fp);
    char xml[8192];
    size_t n = fread(xml, 1, sizeof xml - 1, fp);
    xml[n] = '\0';
    fclose(fp);
    assert_non_null(strstr(xml, "<testsuite name=\"recval schema\" tests=\"2\" failures=\"2\""));
    assert_non_null(strstr(xml, "<testcase name=\"ok.json\""));
    assert_non_null(strstr(xml, "<failure type=\"schema/instance\" message=\"2:11 /name: "
                                "expected string, got integer (schema: file://"));
    if (!rvt_junit_xsd_valid(in_dir("report.xml")))
        rvt_mark_skipped("xmllint or the junit XSD");
    free(out);
    free(err);
}

/* --- the library --------------------------------------------------- */

static void api_checks_buffers_and_reports_load_errors(void **state)
{
    (void)state;
    assert_null(recval_schema_load(in_dir("typo.schema.json"), NULL, 0));
    assert_non_null(strstr(recval_last_error(), "unknown keyword \"maxLenght\""));
    recval_schema *s = recval_schema_load(in_dir("person.schema.json"), NULL, 0);
    assert_non_null(s);
    char uri[512];
    snprintf(uri, sizeof uri, "file://%s/person.schema.json", dir);
    assert_string_equal(recval_schema_uri(s), uri);
    recval_validator *v = recval_validator_new(NULL);
    recval_result r;
    const char *text = "[1,\n {\"age\": 1.5}]";
    assert_int_equal(recval_schema_check_buffer(v, s, "x.json", text, strlen(text), &r), RECVAL_OK);
    assert_int_equal(r.ndiags, 1);
    assert_ptr_equal(r.diags[0].rule, recval_schema_rule());
    assert_string_equal(r.diags[0].rule->name, "schema/instance");
    assert_ptr_equal(recval_rule_find("schema/instance"), recval_schema_rule());
    assert_string_equal(r.diags[0].pointer, "");
    assert_int_equal(r.diags[0].line, 1);
    assert_int_equal(r.diags[0].column, 1);
    assert_int_equal(r.errors, 1);
    recval_result_free(&r);
    text = "{\"name\": \"x\", \"name\": \"y\"}";
    assert_int_equal(recval_schema_check_buffer(v, s, "x.json", text, strlen(text), &r), RECVAL_OK);
    assert_int_equal(r.ndiags, 1);
    assert_string_equal(r.diags[0].rule->name, "parse/duplicate-key");
    recval_result_free(&r);
    assert_int_equal(recval_schema_check_file(v, s, NULL, &r), RECVAL_EINVAL);
    recval_validator_free(v);
    recval_schema_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_instances_exit_0),
        cmocka_unit_test(invalid_instance_exits_1_with_positions),
        cmocka_unit_test(json_report_follows_validates_contract),
        cmocka_unit_test(unusable_input_exits_2),
        cmocka_unit_test(base_serves_a_directory),
        cmocka_unit_test(recvals_schemas_are_available),
        cmocka_unit_test(junit_report),
        cmocka_unit_test(api_checks_buffers_and_reports_load_errors),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, setup, teardown));
}
