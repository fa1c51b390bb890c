/* test_rules_replay.c - the replay family: its fixtures, and
 * replay/unused-recording through the library: exact diagnostics, test
 * lists as pytest --collect-only -q prints them (summary, blank lines,
 * CRLF), the union of several lists, test_id null or absent never
 * reported, no check without a list, and an unreadable list. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RULE "replay/unused-recording"
#define ID_A "tests/integration/x/test_a.py::test_one[p-1]"
#define ID_B "tests/integration/x/test_b.py::test_two"

/* A minimal current-layout recording with this test_id member text
 * ("" for none), on line 1. */
static char *recording(const char *test_id_member)
{
    static const char rest[] =
        "\"request\": {\"method\": \"POST\", \"url\": \"http://localhost:8000/v1/models\", "
        "\"headers\": {}, \"body\": {}, \"endpoint\": \"/v1/models\", \"model\": \"\"},\n"
        "\"response\": {\"body\": [], \"is_streaming\": false}}\n";
    size_t n = strlen(test_id_member) + sizeof rest + 8;
    char *text = malloc(n);
    snprintf(text, n, "{%s%s", test_id_member, rest);
    return text;
}

/* Writes text to a new temporary file; returns its path (static, one of 4). */
static const char *temp_list(const char *text)
{
    static char paths[4][64];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, 64, "/tmp/recval-tests-XXXXXX");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return p;
}

/* Checks text with a validator given the test lists. */
static recval_result check_with(const char *const *lists, size_t n, const char *text)
{
    recval_options opts = {.tests = lists, .ntests = n};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    recval_result r;
    assert_int_equal(recval_check_buffer(v, "inline.json", text, strlen(text), &r), RECVAL_OK);
    recval_validator_free(v);
    return r;
}

static size_t unused_count(const char *const *lists, size_t n, const char *member)
{
    char *text = recording(member);
    recval_result r = check_with(lists, n, text);
    size_t c = rvt_count(&r, RULE);
    recval_result_free(&r);
    free(text);
    return c;
}

static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixtures("replay");
}

static void unlisted_test_is_a_warning_at_test_id(void **state)
{
    (void)state;
    const char *list = temp_list(ID_B "\n\n1 test collected in 0.01s\n");
    char *text = recording("\"test_id\": \"" ID_A "\", ");
    recval_result r = check_with(&list, 1, text);
    rvt_assert_diag(&r, RULE, RECVAL_WARNING, "/test_id", 1, 13,
                    "test_id \"" ID_A "\" is not among the collected tests: no test will "
                    "replay this recording");
    assert_int_equal(rvt_count(&r, "replay/"), 1);
    assert_int_equal(r.warnings, 1);
    recval_result_free(&r);
    free(text);
    unlink(list);
}

static void listed_test_is_clean_with_crlf_and_summary(void **state)
{
    (void)state;
    const char *list = temp_list(ID_B "\r\n" ID_A "\r\n\r\n2 tests collected in 0.51s\r\n");
    assert_int_equal(unused_count(&list, 1, "\"test_id\": \"" ID_A "\", "), 0);
    assert_int_equal(unused_count(&list, 1, "\"test_id\": \"" ID_B "\", "), 0);
    /* The summary line is no test id, nor is a line without "::". */
    assert_int_equal(unused_count(&list, 1, "\"test_id\": \"2 tests collected in 0.51s\", "), 1);
    unlink(list);
}

static void several_lists_count_as_their_union(void **state)
{
    (void)state;
    const char *lists[2] = {temp_list(ID_A "\n"), temp_list(ID_B "\n")};
    assert_int_equal(unused_count(lists, 2, "\"test_id\": \"" ID_A "\", "), 0);
    assert_int_equal(unused_count(lists, 2, "\"test_id\": \"" ID_B "\", "), 0);
    assert_int_equal(unused_count(lists, 1, "\"test_id\": \"" ID_B "\", "), 1);
    assert_int_equal(unused_count(lists + 1, 1, "\"test_id\": \"" ID_A "\", "), 1);
    assert_int_equal(unused_count(lists, 2, "\"test_id\": \"tests/x.py::test_c\", "), 1);
    unlink(lists[0]);
    unlink(lists[1]);
}

static void null_or_absent_test_id_serves_every_test(void **state)
{
    (void)state;
    const char *list = temp_list(ID_A "\n");
    assert_int_equal(unused_count(&list, 1, "\"test_id\": null, "), 0);
    assert_int_equal(unused_count(&list, 1, ""), 0);
    /* An empty list: every named test is unused, null still is not. */
    const char *empty = temp_list("\nno tests collected in 0.01s\n");
    assert_int_equal(unused_count(&empty, 1, "\"test_id\": \"" ID_A "\", "), 1);
    assert_int_equal(unused_count(&empty, 1, "\"test_id\": null, "), 0);
    unlink(list);
    unlink(empty);
}

static void no_list_no_check_and_family_can_be_ignored(void **state)
{
    (void)state;
    char *text = recording("\"test_id\": \"" ID_A "\", ");
    recval_result r = rvt_check_inline(text);
    assert_int_equal(rvt_count(&r, "replay/"), 0);
    recval_result_free(&r);
    const char *list = temp_list(ID_B "\n");
    recval_options opts = {.tests = &list, .ntests = 1, .ignore = "replay"};
    recval_validator *v = recval_validator_new(&opts);
    assert_non_null(v);
    assert_int_equal(recval_validator_reports(v, RULE), 0);
    assert_int_equal(recval_check_buffer(v, "inline.json", text, strlen(text), &r), RECVAL_OK);
    assert_int_equal(rvt_count(&r, "replay/"), 0);
    recval_result_free(&r);
    recval_validator_free(v);
    free(text);
    unlink(list);
}

static void unreadable_list_fails_the_validator(void **state)
{
    (void)state;
    const char *list = "/nonexistent/collected.txt";
    recval_options opts = {.tests = &list, .ntests = 1};
    assert_null(recval_validator_new(&opts));
    assert_string_equal(recval_last_error(),
                        "cannot read the test list /nonexistent/collected.txt: "
                        "No such file or directory");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fixtures_match_expectations),
        cmocka_unit_test(unlisted_test_is_a_warning_at_test_id),
        cmocka_unit_test(listed_test_is_clean_with_crlf_and_summary),
        cmocka_unit_test(several_lists_count_as_their_union),
        cmocka_unit_test(null_or_absent_test_id_serves_every_test),
        cmocka_unit_test(no_list_no_check_and_family_can_be_ignored),
        cmocka_unit_test(unreadable_list_fails_the_validator),
    };
    return cmocka_run_group_tests(tests, NULL, rvt_free_validator);
}
