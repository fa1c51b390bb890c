/* test_oom.c - the out-of-memory contract of recval.h: when the Nth
 * allocation fails, for every N, recval_check_buffer() and
 * recval_validator_new() end in the handler set by recval_set_oom_handler()
 * (never a crash, never a result built on a failed allocation), and
 * without a handler the library aborts. The failing allocator is the
 * allocation hook rv_alloc_should_fail(), defined here, which overrides the
 * library's never-failing one in this test's build; each N runs in a child
 * process so that the leaks of the abandoned call do not matter. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "suite_util.h"

#include "recval.h"
#include "strbuf.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Exit statuses of a child. */
enum { DONE = 0, SWALLOWED = 3, HANDLED = 42 };

static size_t fail_at;     /* 1-based allocation to fail; 0: none */
static size_t allocations; /* made (or refused) since the child started */

bool rv_alloc_should_fail(size_t size)
{
    (void)size;
    return ++allocations == fail_at;
}

static void exit_handled(size_t size)
{
    (void)size;
    _exit(HANDLED);
}

/* The work a child does with the Nth allocation failing. */
typedef void (*work_fn)(const void *ud);

/* Runs work with allocation n failing, in a child: HANDLED when the
 * handler ran, DONE when work finished before the nth allocation,
 * SWALLOWED when it finished although the nth failed; -signal on a crash. */
static int run_failing(work_fn work, const void *ud, size_t n)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        recval_set_oom_handler(exit_handled);
        allocations = 0;
        fail_at = n;
        work(ud);
        _exit(allocations >= n ? SWALLOWED : DONE);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

/* Fails allocation 1, 2, ... (every `stride`th above `dense`) until work
 * completes without reaching the failing one; each failure must reach the
 * handler. Returns how many allocations work makes. */
static size_t fail_each_allocation(work_fn work, const void *ud, size_t dense, size_t stride)
{
    size_t n = 1;
    for (;;) {
        int rc = run_failing(work, ud, n);
        if (rc == DONE)
            return n - 1;
        if (rc != HANDLED)
            fail_msg("allocation %zu failing: child ended with %d, not in the handler", n, rc);
        n += n < dense ? 1 : stride;
    }
}

/* --- recval_check_buffer ---------------------------------------------- */

typedef struct check_work {
    const recval_validator *v;
    const char *path;
    char *text;
    size_t len;
} check_work;

static void check_once(const void *ud)
{
    const check_work *w = ud;
    recval_result r;
    recval_status rc = recval_check_buffer(w->v, w->path, w->text, w->len, &r);
    if (rc == RECVAL_OK)
        recval_result_free(&r);
}

/* Tool calls that fail their declared parameters, a chat stream and a
 * legacy file with a usage error: every family has work on one of them. */
static const char *const RECORDINGS[] = {
    "recordings/invalid/tool-calls/arguments-schema-missing-required/tests/integration/"
    "responses/recordings/"
    "178fb8450c82a7efe26c0b82e40beb2573fa54fc4d066cec1afb6f6f97c9c022.json",
    "recordings/valid/kinds/chat-completion-stream/tests/integration/inference/recordings/"
    "7908ac7256624e599a420e1652207f1b565d6b9fbecb65992893be4eeb05fc80.json",
    "recordings/invalid/usage/total-mismatch-completion/recordings/responses/f9d352260b26.json",
};

static void check_buffer_survives_every_failing_allocation(void **state)
{
    (void)state;
    recval_validator *v = recval_validator_new(NULL);
    assert_non_null(v);
    for (size_t i = 0; i < sizeof RECORDINGS / sizeof RECORDINGS[0]; i++) {
        check_work w = {v, RECORDINGS[i], NULL, 0};
        w.text = recval_read_file(v, w.path, &w.len);
        if (!w.text)
            fail_msg("%s", recval_last_error());
        size_t made = fail_each_allocation(check_once, &w, SIZE_MAX, 1);
        assert_true(made > 10);
        free(w.text);
    }
    recval_validator_free(v);
}

/* --- recval_validator_new --------------------------------------------- */

static void new_once(const void *ud)
{
    recval_validator_free(recval_validator_new(ud));
}

static void validator_new_survives_every_failing_allocation(void **state)
{
    (void)state;
    /* Without the schema family: the validator's own allocations. */
    recval_options opts = {.ignore = "schema"};
    assert_true(fail_each_allocation(new_once, &opts, SIZE_MAX, 1) > 0);
}

/* With the schema family the validator compiles recval's schemas, some
 * 7,000 allocations: every one of them with RECVAL_OOM_EXHAUSTIVE=1 (a few
 * minutes), else the first 400 and every 61st after. */
static void validator_new_with_schemas_survives_failing_allocations(void **state)
{
    (void)state;
    bool all = getenv("RECVAL_OOM_EXHAUSTIVE") != NULL;
    size_t made = fail_each_allocation(new_once, NULL, all ? SIZE_MAX : 400, all ? 1 : 61);
    assert_true(made > 1000);
}

/* --- the default handler ---------------------------------------------- */

static void returning_handler(size_t size)
{
    (void)size;
}

static void default_handler_aborts(void **state)
{
    (void)state;
    recval_options opts = {.ignore = "schema"};
    assert_int_equal(run_failing(new_once, &opts, 1), HANDLED);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        /* A handler that returns gets the default: a message, then abort. */
        recval_set_oom_handler(returning_handler);
        if (!freopen("/dev/null", "w", stderr))
            _exit(2);
        fail_at = 1;
        allocations = 0;
        new_once(&opts);
        _exit(SWALLOWED);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

static void set_oom_handler_returns_the_previous_one(void **state)
{
    (void)state;
    assert_null(recval_set_oom_handler(exit_handled));
    assert_ptr_equal(recval_set_oom_handler(NULL), exit_handled);
    assert_null(recval_set_oom_handler(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_oom_handler_returns_the_previous_one),
        cmocka_unit_test(default_handler_aborts),
        cmocka_unit_test(check_buffer_survives_every_failing_allocation),
        cmocka_unit_test(validator_new_survives_every_failing_allocation),
        cmocka_unit_test(validator_new_with_schemas_survives_failing_allocations),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
