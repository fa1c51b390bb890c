/* test_jobs_identical.c - `recval validate --jobs=1` and `--jobs=8` give
 * byte-identical output, standard error and exit code in every format
 * (text, json, junit; JUnit's time attributes aside, which measure the
 * run), over recordings/ and, when it is there, ../shared/corpus. The
 * diagnostics of a file do not depend on which thread checks it, nor the
 * order of files on which finishes first. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <stdlib.h>
#include <string.h>

/* Removes every ` time="..."` attribute from s, in place. */
static void strip_times(char *s)
{
    static const char attr[] = " time=\"";
    char *w = s;
    const char *r = s;
    while (*r) {
        if (strncmp(r, attr, sizeof attr - 1) == 0) {
            const char *close = strchr(r + sizeof attr - 1, '"');
            if (close) {
                r = close + 1;
                continue;
            }
        }
        *w++ = *r++;
    }
    *w = '\0';
}

/* Runs validate over dir in one format at both job counts and compares. */
static void assert_same_output(const char *format, const char *dir)
{
    char *out[2], *err[2];
    int status[2];
    const char *jobs[2] = {"--jobs=1", "--jobs=8"};
    for (int i = 0; i < 2; i++)
        status[i] = rvt_recval(&out[i], &err[i], "validate", format, jobs[i], dir, NULL);
    if (strcmp(format, "--format=junit") == 0) {
        assert_non_null(strstr(out[0], " time=\""));
        strip_times(out[0]);
        strip_times(out[1]);
    }
    /* Something was checked and found: an empty run would prove nothing. */
    assert_true(strlen(out[0]) > 100);
    assert_int_equal(status[0], status[1]);
    assert_string_equal(err[0], err[1]);
    if (strcmp(out[0], out[1]) != 0) {
        size_t i = 0;
        while (out[0][i] && out[0][i] == out[1][i])
            i++;
        print_error("%s %s: --jobs=1 and --jobs=8 differ at byte %zu:\n%.200s\n---\n%.200s\n",
                    format, dir, i, out[0] + i, out[1] + i);
        fail();
    }
    for (int i = 0; i < 2; i++)
        free(out[i]), free(err[i]);
}

static void strip_times_strips_only_times(void **state)
{
    (void)state;
    char s[] = "<testsuite name=\"a\" time=\"0.25\"><testcase time=\"1e-06\" x=\"time\"/>";
    strip_times(s);
    assert_string_equal(s, "<testsuite name=\"a\"><testcase x=\"time\"/>");
}

static void recordings_text(void **state)
{
    (void)state;
    assert_same_output("--format=text", "recordings");
}

static void recordings_json(void **state)
{
    (void)state;
    assert_same_output("--format=json", "recordings");
}

static void recordings_junit(void **state)
{
    (void)state;
    assert_same_output("--format=junit", "recordings");
}

static void corpus_text(void **state)
{
    (void)state;
    assert_same_output("--format=text", rvt_need_shared("corpus"));
}

static void corpus_json(void **state)
{
    (void)state;
    assert_same_output("--format=json", rvt_need_shared("corpus"));
}

static void corpus_junit(void **state)
{
    (void)state;
    assert_same_output("--format=junit", rvt_need_shared("corpus"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(strip_times_strips_only_times),
        cmocka_unit_test(recordings_text),
        cmocka_unit_test(recordings_json),
        cmocka_unit_test(recordings_junit),
        cmocka_unit_test(corpus_text),
        cmocka_unit_test(corpus_json),
        cmocka_unit_test(corpus_junit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
