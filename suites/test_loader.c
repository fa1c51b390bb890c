/* test_loader.c - the loader: parse errors with their positions and
 * pointers, duplicate keys, nesting and size limits, unreadable files, the
 * parse fixtures, and the JSONTestSuite parsing cases when ../shared is
 * there. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "jsonscan.h"
#include "suite_util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void parse_fixtures(void **state)
{
    (void)state;
    rvt_check_family_fixtures("parse");
}

static void truncated_file_points_at_open_container(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline("{\n  \"request\": {\n    \"body\": [1, 2");
    rvt_assert_single(&r, "parse/invalid-json", "/request/body/1", 3, 18,
                      "unexpected end of file: the JSON value is incomplete (truncated file?)");
    assert_string_equal(r.kind, "invalid");
    assert_int_equal(r.errors, 1);
    recval_result_free(&r);
}

static void column_counts_code_points(void **state)
{
    (void)state;
    /* "é" is two bytes but one column; the error is at the second x. */
    recval_result r = rvt_check_inline("{\"é\": 1, x}");
    rvt_assert_single(&r, "parse/invalid-json", "/é", 1, 10, NULL);
    recval_result_free(&r);
}

static void rfc8259_numbers_are_enforced(void **state)
{
    (void)state;
    recval_result r = rvt_check_inline("{\"a\": [1, -01]}");
    rvt_assert_single(&r, "parse/invalid-json", "/a/1", 1, 11, NULL);
    recval_result_free(&r);
    r = rvt_check_inline("{\"a\": 2.}");
    rvt_assert_single(&r, "parse/invalid-json", "/a", 1, 7,
                      "invalid JSON: invalid literal or number syntax");
    recval_result_free(&r);
    r = rvt_check_inline("[NaN]");
    rvt_assert_single(&r, "parse/invalid-json", "/0", 1, 2, NULL);
    recval_result_free(&r);
}

/* The loader parses with lenient json-c first; whatever that lets
 * through (comments, trailing commas, literals in any case, \v, raw
 * control characters, duplicates before an error) still gets the strict
 * parse's diagnostic, and only it. */
static void lenient_parse_keeps_strict_diagnostics(void **state)
{
    (void)state;
    static const struct {
        const char *text, *rule, *pointer;
        unsigned column;
        const char *message;
    } cases[] = {
        {"{} /* c */", "parse/invalid-json", "", 4, "invalid JSON: unexpected character"},
        {"[1,]", "parse/invalid-json", "/1", 4, "invalid JSON: unexpected character"},
        {"{\"a\":1 /*x*/}", "parse/invalid-json", "/a", 8,
         "invalid JSON: object value separator ',' expected"},
        {"[True]", "parse/invalid-json", "/0", 2, "invalid JSON: boolean expected"},
        {"[\"a\tb\"]", "parse/invalid-json", "/0", 4,
         "invalid JSON: control character in string (must be escaped)"},
        {"\v[1]", "parse/invalid-json", "", 1, "invalid JSON: unexpected character"},
        {"{\"a\":1,\"a\":2,}", "parse/invalid-json", "/a", 14,
         "invalid JSON: unexpected character"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        recval_result r = rvt_check_inline(cases[i].text);
        rvt_assert_single(&r, cases[i].rule, cases[i].pointer, 1, cases[i].column,
                          cases[i].message);
        assert_string_equal(r.kind, "invalid");
        recval_result_free(&r);
    }
}

/* The loader hands json-c the text without the whitespace between
 * tokens; whitespace inside strings, escapes included, is kept, and text
 * with none between its tokens is not copied (NULL). */
static void compact_copy_drops_only_whitespace_between_tokens(void **state)
{
    (void)state;
    static const struct {
        const char *text, *compact;
    } cases[] = {
        {"{ \"a b\" :\n\t[ 1 ,\r\n  \"x \\\" y\" ] }  \n", "{\"a b\":[1,\"x \\\" y\"]}"},
        {"  -0.5e3 ", "-0.5e3"},
        {"[1,\n2]\n", "[1,2]"},
        {"[]", NULL},
        {"{\"k\":{\"\":[null,true,\"a b\"]}}\n\n", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = strlen(cases[i].text), at, clen = 99;
        const char *why;
        char *out = NULL;
        assert_int_equal(
            rv_jscan_check_compact(cases[i].text, len, NULL, NULL, &at, &why, &out, &clen),
            JSCAN_OK);
        assert_int_equal(at, len);
        if (cases[i].compact) {
            assert_non_null(out);
            assert_int_equal(clen, strlen(cases[i].compact));
            assert_string_equal(out, cases[i].compact);
        } else {
            assert_null(out);
            assert_int_equal(clen, 0);
        }
        free(out);
    }
    /* Data after the value stops the scan there: the caller sees it. */
    size_t at, clen;
    const char *why;
    char *out = NULL;
    assert_int_equal(rv_jscan_check_compact("{} x", 4, NULL, NULL, &at, &why, &out, &clen),
                     JSCAN_OK);
    assert_int_equal(at, 3);
    assert_string_equal(out, "{}");
    free(out);
    /* Text that is not JSON gives no copy. */
    assert_int_equal(rv_jscan_check_compact("[1, 2,]", 7, NULL, NULL, &at, &why, &out, &clen),
                     JSCAN_INVALID_JSON);
    assert_null(out);
}

static void scalars_at_top_level_are_json(void **state)
{
    (void)state;
    const char *ok[] = {"1", "-0.5e3", "null", "true", "\"x\"", " 2 \n"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        recval_result r = rvt_check_inline(ok[i]);
        for (size_t k = 0; k < r.ndiags; k++)
            assert_true(strncmp(r.diags[k].rule->name, "parse/", 6) != 0);
        recval_result_free(&r);
    }
}

static void duplicate_keys_warn_with_position(void **state)
{
    (void)state;
    recval_result r =
        rvt_check_inline("{\n \"request\": {},\n \"response\": {},\n \"request\": {}\n}");
    int found = 0;
    for (size_t i = 0; i < r.ndiags; i++) {
        if (strcmp(r.diags[i].rule->name, "parse/duplicate-key") != 0)
            continue;
        found++;
        assert_string_equal(r.diags[i].pointer, "/request");
        assert_int_equal(r.diags[i].line, 4);
        assert_int_equal(r.diags[i].column, 2);
        assert_int_equal(r.diags[i].severity, RECVAL_WARNING);
    }
    assert_int_equal(found, 1);
    recval_result_free(&r);
}

static void depth_limit_is_exact(void **state)
{
    (void)state;
    size_t depth = 10000;
    char *text = malloc(2 * depth + 3);
    memset(text, '[', depth);
    memset(text + depth, ']', depth);
    text[2 * depth] = '\0';
    recval_result r;
    assert_int_equal(recval_check_buffer(rvt_validator(), "deep.json", text, 2 * depth, &r),
                     RECVAL_OK);
    for (size_t i = 0; i < r.ndiags; i++) /* 10000 levels are within the limit */
        assert_true(strncmp(r.diags[i].rule->name, "parse/", 6) != 0);
    assert_string_not_equal(r.kind, "invalid");
    recval_result_free(&r);
    free(text);
    recval_options opts = {.max_depth = 3};
    recval_validator *v = recval_validator_new(&opts);
    assert_int_equal(recval_check_buffer(v, "d.json", "[[[[]]]]", 8, &r), RECVAL_OK);
    rvt_assert_single(&r, "parse/too-deep", "/0/0/0", 1, 4, "nesting deeper than 3 levels");
    recval_result_free(&r);
    recval_validator_free(v);
}

static void missing_file_is_reported(void **state)
{
    (void)state;
    recval_result r;
    assert_int_equal(recval_check_file(rvt_validator(), "/nonexistent/x.json", &r), RECVAL_OK);
    rvt_assert_single(&r, "parse/unreadable", "", 1, 1,
                      "cannot read file: No such file or directory");
    recval_result_free(&r);
}

static void null_arguments_are_rejected(void **state)
{
    (void)state;
    recval_result r;
    assert_int_equal(recval_check_file(NULL, "x", &r), RECVAL_EINVAL);
    assert_int_equal(recval_check_file(rvt_validator(), NULL, &r), RECVAL_EINVAL);
    assert_string_equal(recval_last_error(), "recval_check_file: NULL argument");
}

/* --- JSONTestSuite ------------------------------------------------- */

typedef struct suite_counts {
    size_t y, n, i, bad;
} suite_counts;

static int parse_errors(const recval_result *r)
{
    int n = 0;
    for (size_t k = 0; k < r->ndiags; k++)
        n += r->diags[k].severity == RECVAL_ERROR &&
             strncmp(r->diags[k].rule->name, "parse/", 6) == 0;
    return n;
}

static void check_parsing_case(const char *path, void *ud)
{
    suite_counts *c = ud;
    const char *base = strrchr(path, '/') + 1;
    recval_result r = rvt_check(path);
    int errors = parse_errors(&r);
    if (base[0] == 'y') {
        c->y++;
        if (errors) {
            c->bad++;
            print_error("%s: valid JSON rejected: %s\n", base, r.diags[0].message);
        }
    } else if (base[0] == 'n') {
        c->n++;
        if (errors != 1 || r.ndiags != 1) {
            c->bad++;
            print_error("%s: invalid JSON gave %d parse errors, %zu diagnostics\n", base, errors,
                        r.ndiags);
        }
    } else {
        c->i++; /* implementation-defined: only must not crash */
    }
    recval_result_free(&r);
}

static void json_test_suite(void **state)
{
    (void)state;
    const char *dir = rvt_need_shared("conformance/json-parsing-test-suite/test_parsing");
    suite_counts c = {0};
    rvt_each_json(dir, check_parsing_case, &c);
    print_message("JSONTestSuite: %zu y_ accepted, %zu n_ rejected, %zu i_ survived\n", c.y, c.n,
                  c.i);
    assert_true(c.y > 90 && c.n > 180);
    assert_int_equal(c.bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_fixtures),
        cmocka_unit_test(truncated_file_points_at_open_container),
        cmocka_unit_test(column_counts_code_points),
        cmocka_unit_test(rfc8259_numbers_are_enforced),
        cmocka_unit_test(lenient_parse_keeps_strict_diagnostics),
        cmocka_unit_test(compact_copy_drops_only_whitespace_between_tokens),
        cmocka_unit_test(scalars_at_top_level_are_json),
        cmocka_unit_test(duplicate_keys_warn_with_position),
        cmocka_unit_test(depth_limit_is_exact),
        cmocka_unit_test(missing_file_is_reported),
        cmocka_unit_test(null_arguments_are_rejected),
        cmocka_unit_test(json_test_suite),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, rvt_free_validator));
}
