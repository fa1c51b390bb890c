/* test_valid_recordings.c - every recording under recordings/valid must
 * produce no diagnostic at all, and be classified as a known kind. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <string.h>

static void check_clean(const char *path, void *ud)
{
    size_t *bad = ud;
    recval_result r = rvt_check(path);
    if (r.ndiags || strcmp(r.kind, "unknown") == 0) {
        (*bad)++;
        print_error("%s (kind %s):\n", path, r.kind);
        rvt_print_diags(&r);
    }
    recval_result_free(&r);
}

static void valid_recordings_are_clean(void **state)
{
    (void)state;
    size_t bad = 0;
    size_t n = rvt_each_json(rvt_path("recordings/valid"), check_clean, &bad);
    print_message("%zu valid recordings checked\n", n);
    assert_true(n >= 5);
    assert_int_equal(bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_recordings_are_clean),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
