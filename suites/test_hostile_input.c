/* test_hostile_input.c - the defects found by fuzzing and stress (issue 9),
 * one regression test each: FIFOs never block (skipped in walks, unreadable
 * when named), standard input as `-`, reads bounded by the size limit, the
 * memory budget, PCRE2 limits reported as pattern errors, the NUL of a
 * reserved buffer (under valgrind when it is installed), `--ignore=parse`,
 * bare scalar schemas, one check per file however it is named, escaped
 * line separators and cut pointers in text output. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "recval_internal.h"
#include "suite_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Seconds a test may take before SIGALRM ends the suite (a hang fails). */
#define HANG_SECONDS 60

static const char VALID_CHAT[] =
    "recordings/valid/kinds/chat-completion-stream/tests/integration/inference/recordings/"
    "7908ac7256624e599a420e1652207f1b565d6b9fbecb65992893be4eeb05fc80.json";

/* A fresh directory under /tmp (static buffer). */
static const char *make_temp_dir(void)
{
    static char dir[64];
    snprintf(dir, sizeof dir, "/tmp/recval-hostile-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_temp_dir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Runs recval with `in` on standard input; returns its exit status. */
static int recval_with_stdin(const char *in, char **out, const char *a1, const char *a2,
                             const char *a3, const char *a4)
{
    const char *const argv[] = {
        "/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", in, rvt_bin(), a1, a2, a3,
        a4,        NULL};
    return rvt_run(argv, out, NULL);
}

/* --- FIFOs and standard input (1.1) ---------------------------------- */

static void fifo_in_a_directory_is_skipped_with_a_note(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char fifo[128], dev[128], expected[1024];
    snprintf(fifo, sizeof fifo, "%s/x.json", dir);
    snprintf(dev, sizeof dev, "%s/y.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink("/dev/null", dev), 0);
    alarm(HANG_SECONDS);
    char *out = NULL;
    int rc = rvt_recval(&out, NULL, "validate", dir, NULL);
    alarm(0);
    snprintf(expected, sizeof expected,
             "%s:1:1: note: skipped: not a regular file (a FIFO, socket or device); to check what "
             "it holds, give it on standard input as - (at the document root) "
             "[parse/not-regular-file]\n"
             "%s:1:1: note: skipped: not a regular file (a FIFO, socket or device); to check what "
             "it holds, give it on standard input as - (at the document root) "
             "[parse/not-regular-file]\n"
             "2 files checked: 2 passed, 0 failed; 0 errors, 0 warnings, 2 notes\n",
             fifo, dev);
    assert_string_equal(out, expected);
    assert_int_equal(rc, 0);
    free(out);
    alarm(HANG_SECONDS);
    rc = rvt_recval(&out, NULL, "hash", dir, NULL);
    alarm(0);
    assert_int_equal(rc, 0);
    assert_string_equal(out, "");
    free(out);
    remove_temp_dir(dir);
}

static void fifo_named_is_unreadable_and_never_blocks(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char fifo[128];
    snprintf(fifo, sizeof fifo, "%s/f.json", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    alarm(HANG_SECONDS);
    recval_result r = rvt_check(fifo);
    rvt_assert_single(&r, "parse/unreadable", "", 1, 1,
                      "cannot read file: not a regular file (a FIFO, socket or device)");
    recval_result_free(&r);
    size_t len;
    assert_null(recval_read_file(rvt_validator(), fifo, &len)); /* hash, replay --request */
    assert_non_null(strstr(recval_last_error(), "not a regular file"));
    char *out = NULL;
    assert_int_equal(rvt_recval(&out, NULL, "replay", "--root", dir, "--request", fifo, NULL), 2);
    free(out);
    alarm(0);
    remove_temp_dir(dir);
}

static void dash_is_standard_input_named_by_stdin_filename(void **state)
{
    (void)state;
    char *out = NULL;
    const char *rec = rvt_path(VALID_CHAT);
    assert_int_equal(recval_with_stdin(rec, &out, "validate", "-", NULL, NULL), 0);
    assert_string_equal(out, "1 file checked: 1 passed, 0 failed; 0 errors, 0 warnings, 0 notes\n");
    free(out);
    /* Under a recorder name the request hash is checked against it. */
    const char *wrong = "--stdin-filename=recordings/"
                        "0000000000000000000000000000000000000000000000000000000000000000.json";
    assert_int_equal(recval_with_stdin(rec, &out, "validate", wrong, "-", NULL), 1);
    assert_non_null(strstr(out, "recordings/0000000000000000000000000000000000000000000000000000"
                                "000000000000.json:"));
    assert_non_null(strstr(out, "[request-hash/name-mismatch]"));
    free(out);
    char right[512];
    snprintf(right, sizeof right, "--stdin-filename=%s", VALID_CHAT);
    assert_int_equal(recval_with_stdin(rec, &out, "validate", right, "-", NULL), 0);
    free(out);
    /* Text that is not JSON, named <stdin>. */
    const char *dir = make_temp_dir();
    char in[128], schema[128];
    snprintf(in, sizeof in, "%s/in.txt", dir);
    snprintf(schema, sizeof schema, "%s/s.json", dir);
    write_file(in, "\"x\"");
    write_file(schema, "{\"type\":\"integer\"}");
    assert_int_equal(recval_with_stdin(in, &out, "schema", schema, "-", NULL), 1);
    char expected[512];
    snprintf(expected, sizeof expected,
             "<stdin>:1:1: error: expected integer, got string (schema: file://%s#/type) (at the "
             "document root) [schema/instance]\n"
             "1 file checked: 0 passed, 1 failed; 1 error, 0 warnings, 0 notes\n",
             schema);
    assert_string_equal(out, expected);
    free(out);
    remove_temp_dir(dir);
}

/* --- reads bounded by the size limit (1.2) --------------------------- */

static void a_stream_longer_than_the_limit_stops_at_it(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) { /* a writer that never stops, like `yes '{"a":1}'` */
        close(fds[0]);
        for (;;)
            if (write(fds[1], "{\"a\":1}\n", 8) < 0)
                _exit(0);
    }
    close(fds[1]);
    recval_options o = {.max_file_size = 4096};
    recval_validator *v = recval_validator_new(&o);
    recval_result r;
    alarm(HANG_SECONDS);
    assert_int_equal(recval_check_fd(v, fds[0], "<stdin>", &r), RECVAL_OK);
    alarm(0);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    rvt_assert_single(&r, "parse/too-large", "", 1, 1,
                      "file is more than 4096 bytes, over the 4096-byte limit");
    recval_result_free(&r);
    recval_validator_free(v);
}

/* --- the memory budget (1.3) ----------------------------------------- */

/* "[{},{},...]" with n objects (the caller frees it). */
static char *empty_objects(size_t n)
{
    char *s = malloc(3 * n + 2);
    s[0] = '[';
    for (size_t i = 0; i < n; i++)
        memcpy(s + 1 + 3 * i, i + 1 < n ? "{}," : "{}]", 3);
    s[3 * n + 1] = '\0';
    return s;
}

static void over_the_budget_is_too_large_before_parsing(void **state)
{
    (void)state;
    char *text = empty_objects(10000); /* 30 kB, about 10 MB in json-c */
    recval_options o = {.max_memory = (size_t)4 << 20};
    recval_validator *v = recval_validator_new(&o);
    recval_result r;
    assert_int_equal(recval_check_buffer(v, "objs.json", text, strlen(text), &r), RECVAL_OK);
    rvt_assert_single(&r, "parse/too-large", "", 1, 1,
                      "checking this file would take about 10 MiB of memory (30001 bytes, 10001 "
                      "JSON values), over the budget of 4 MiB per file; raise it with "
                      "--max-memory=SIZE (recval_options.max_memory)");
    recval_result_free(&r);
    recval_validator_free(v);
    o.max_memory = (size_t)16 << 20; /* the same file within a larger budget */
    v = recval_validator_new(&o);
    assert_int_equal(recval_check_buffer(v, "objs.json", text, strlen(text), &r), RECVAL_OK);
    assert_int_equal(rvt_count(&r, "parse/too-large"), 0);
    recval_result_free(&r);
    recval_validator_free(v);
    free(text);
}

static void estimate_prices_each_shape(void **state)
{
    (void)state;
    rv_memory_estimate e = rv_estimate_memory("[{},[],\"ab\",1,2.5,null]", 23);
    assert_int_equal(e.values, 7);
    assert_int_equal(e.bytes, 23 + 1000 + 2 * 200 + 120 + 2 * 2 + 96 + 136 + 24 + 2 * 2);
    e = rv_estimate_memory("{\"k\":\"\xc3\xa9\"}", 10);
    assert_int_equal(e.values, 2);
    assert_int_equal(e.bytes, 10 + 1000 + 400 + 120 + 2 * 3 + 4 * 2 + 2 * 2);
}

static void a_file_larger_than_the_budget_is_not_read(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char path[128];
    snprintf(path, sizeof path, "%s/big.json", dir);
    char *text = empty_objects(1000);
    write_file(path, text);
    free(text);
    char *out = NULL, *err = NULL;
    assert_int_equal(rvt_recval(&out, &err, "validate", "--max-memory=1K", path, NULL), 1);
    assert_non_null(strstr(out, "error: file is 3001 bytes, over the memory budget of 1024 bytes "
                                "per file; raise it with --max-memory=SIZE"));
    free(out);
    free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--max-memory=lots", path, NULL), 2);
    assert_non_null(strstr(err, "--max-memory needs a size such as 512M or 2G, not 'lots'"));
    free(out);
    free(err);
    remove_temp_dir(dir);
}

static void shared_files_stay_far_below_the_default_budget(void **state)
{
    (void)state;
    const char *dirs[] = {"corpus", "history"};
    size_t largest = 0, files = 0;
    for (size_t d = 0; d < 2; d++) {
        const char *root = rvt_need_shared(dirs[d]);
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "find '%s' -name '*.json' -type f", root);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char line[4096];
        while (fgets(line, sizeof line, p)) {
            line[strcspn(line, "\n")] = '\0';
            size_t len;
            char *text = rvt_read_file(line, &len);
            assert_non_null(text);
            rv_memory_estimate e = rv_estimate_memory(text, len);
            if (e.bytes > largest)
                largest = e.bytes;
            files++;
            free(text);
        }
        pclose(p);
    }
    print_message("%zu shared files, largest estimate %zu bytes\n", files, largest);
    assert_true(files > 2000);
    assert_true(largest < (size_t)64 << 20); /* the default budget is 1 GiB */
}

/* --- PCRE2 limits (1.4) ---------------------------------------------- */

static void match_limit_is_a_pattern_error_not_a_mismatch(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char schema_path[128];
    snprintf(schema_path, sizeof schema_path, "%s/s.json", dir);
    write_file(schema_path, "{\"type\":\"string\",\"pattern\":\"^(a+)+$|b\"}");
    recval_schema *s = recval_schema_load(schema_path, NULL, 0);
    assert_non_null(s);
    const char *hostile = "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!b\"";
    recval_result r;
    assert_int_equal(
        recval_schema_check_buffer(rvt_validator(), s, "i.json", hostile, strlen(hostile), &r),
        RECVAL_OK);
    char message[512];
    snprintf(message, sizeof message,
             "the pattern \"^(a+)+$|b\" could not be evaluated on this 34-byte string: match "
             "limit exceeded (PCRE2 error -47); the keyword is not counted as failed (schema: "
             "file://%s#/pattern)",
             schema_path);
    rvt_assert_single(&r, "schema/pattern-error", "", 1, 1, message);
    recval_result_free(&r);
    /* What PCRE2 can answer is still answered. */
    assert_int_equal(recval_schema_check_buffer(rvt_validator(), s, "i.json", "\"b\"", 3, &r),
                     RECVAL_OK);
    rvt_assert_clean(&r);
    recval_result_free(&r);
    assert_int_equal(recval_schema_check_buffer(rvt_validator(), s, "i.json", "\"x\"", 3, &r),
                     RECVAL_OK);
    assert_int_equal(rvt_count(&r, "schema/instance"), 1);
    recval_result_free(&r);
    recval_schema_free(s);
    remove_temp_dir(dir);
}

/* --- the NUL of a reserved buffer (1.5) ------------------------------ */

static void a_reserved_buffer_is_a_string(void **state)
{
    (void)state;
    /* Leave a dirty block of the size rv_sb_reserve will ask for. */
    char *dirty = malloc(64);
    memset(dirty, 'x', 64);
    free(dirty);
    strbuf sb = STRBUF_INIT;
    rv_sb_reserve(&sb, 10);
    assert_int_equal(sb.data[0], '\0');
    rv_sb_free(&sb);
}

static void schema_errors_are_clean_under_valgrind(void **state)
{
    (void)state;
#ifdef __SANITIZE_ADDRESS__
    print_message("an ASan build cannot run under valgrind: skipped\n");
    skip();
#endif
    if (access("/usr/bin/valgrind", X_OK) != 0) {
        print_message("valgrind not installed: skipped\n");
        skip();
    }
    const char *dir = make_temp_dir();
    char schema_path[128], inst[128];
    snprintf(schema_path, sizeof schema_path, "%s/s.json", dir);
    snprintf(inst, sizeof inst, "%s/i.json", dir);
    write_file(schema_path, "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\","
                            "\"properties\":{\"foo\":{\"$ref\":\"#\"}},"
                            "\"additionalProperties\":false}");
    write_file(inst, "{\"bar\": false}");
    const char *const argv[] = {"/usr/bin/valgrind",
                                "-q",
                                "--error-exitcode=99",
                                rvt_bin(),
                                "schema",
                                schema_path,
                                inst,
                                NULL};
    char *out = NULL, *err = NULL;
    int rc = rvt_run(argv, &out, &err);
    if (rc != 1)
        print_error("valgrind said: %s\n", err);
    assert_int_equal(rc, 1); /* the finding, not 99 */
    assert_non_null(strstr(out, "[schema/instance]"));
    free(out);
    free(err);
    remove_temp_dir(dir);
}

/* --- the rest of the issue: --ignore=parse, scalar schemas, repeated
 * paths, escapes, long pointers --------------------------------------- */

static void ignoring_parse_says_it_cannot_be(void **state)
{
    (void)state;
    char *out = NULL, *err = NULL;
    assert_int_equal(rvt_recval(&out, &err, "validate", "--ignore=parse", VALID_CHAT, NULL), 2);
    assert_string_equal(err, "recval validate: the parse family cannot be ignored: a file that is "
                             "not JSON has no other check (parse/duplicate-key can be ignored on "
                             "its own)\n");
    free(out);
    free(err);
}

static void a_bare_scalar_schema_needs_no_newline(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char schema_path[128];
    snprintf(schema_path, sizeof schema_path, "%s/s.json", dir);
    const char *scalars[] = {"true", "false", "1"};
    for (size_t i = 0; i < 3; i++) {
        write_file(schema_path, scalars[i]);
        recval_schema *s = recval_schema_load(schema_path, NULL, 0);
        if (i == 2) { /* a number is no schema: refused as such, not as truncated */
            assert_null(s);
            assert_null(strstr(recval_last_error(), "unexpected end of input"));
            continue;
        }
        assert_non_null(s);
        recval_schema_free(s);
    }
    remove_temp_dir(dir);
}

static void a_file_named_twice_is_checked_once(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char a[128], b[128], link[128];
    snprintf(a, sizeof a, "%s/x.json", dir);
    snprintf(b, sizeof b, "%s/./x.json", dir);
    snprintf(link, sizeof link, "%s/l.json", dir);
    write_file(a, "{}");
    assert_int_equal(symlink("x.json", link), 0);
    char *out = NULL;
    assert_int_equal(rvt_recval(&out, NULL, "validate", a, b, link, NULL), 1);
    assert_non_null(strstr(out, "1 file checked"));
    free(out);
    remove_temp_dir(dir);
}

static void line_separators_are_escaped_in_text(void **state)
{
    (void)state;
    const char *dir = make_temp_dir();
    char path[128], expected[1024];
    snprintf(path, sizeof path, "%s/e.json", dir);
    write_file(path, "{\"request\":{},\"response\":{},\"a\xc2\x85"
                     "b\xe2\x80\xa8"
                     "c\xe2\x80\xae\":1}");
    char *out = NULL;
    rvt_recval(&out, NULL, "validate", "--ignore=schema,envelope/missing-field", path, NULL);
    snprintf(expected, sizeof expected,
             "%s:1:38: warning: the recording has a member \"a\\u0085b\\u2028c\\u202e\" that the "
             "recorder never writes; replay ignores it (at /a\\u0085b\\u2028c\\u202e) "
             "[envelope/unknown-field]\n",
             path);
    assert_non_null(strstr(out, expected));
    free(out);
    remove_temp_dir(dir);
}

static void long_pointers_are_cut_in_text_not_in_json(void **state)
{
    (void)state;
    const char *fixture = "recordings/invalid/parse/too-deep/ten-thousand-levels.json";
    char *out = NULL;
    assert_int_equal(rvt_recval(&out, NULL, "validate", fixture, NULL), 1);
    char expected[512];
    snprintf(expected, sizeof expected,
             "%s:1:10020: error: nesting deeper than 10000 levels (at "
             "/request/body/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
             "0/0/0/0/0/0/0/0/0/0/0/0/\xe2\x80\xa6"
             "9935 tokens cut\xe2\x80\xa6/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/"
             "0/0/0/0/0/0/0/0/0/0/0/0/0/0/0) [parse/too-deep]\n",
             fixture);
    assert_non_null(strstr(out, expected));
    free(out);
    assert_int_equal(rvt_recval(&out, NULL, "validate", "--format=json", fixture, NULL), 1);
    json_object *doc = json_tokener_parse(out);
    json_object *d = json_object_array_get_idx(
        rv_get(json_object_array_get_idx(rv_get(doc, "files"), 0), "diagnostics"), 0);
    assert_int_equal(strlen(rv_get_string(d, "pointer")), strlen("/request/body") + 2 * 9998);
    json_object_put(doc);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fifo_in_a_directory_is_skipped_with_a_note),
        cmocka_unit_test(fifo_named_is_unreadable_and_never_blocks),
        cmocka_unit_test(dash_is_standard_input_named_by_stdin_filename),
        cmocka_unit_test(a_stream_longer_than_the_limit_stops_at_it),
        cmocka_unit_test(over_the_budget_is_too_large_before_parsing),
        cmocka_unit_test(estimate_prices_each_shape),
        cmocka_unit_test(a_file_larger_than_the_budget_is_not_read),
        cmocka_unit_test(shared_files_stay_far_below_the_default_budget),
        cmocka_unit_test(match_limit_is_a_pattern_error_not_a_mismatch),
        cmocka_unit_test(a_reserved_buffer_is_a_string),
        cmocka_unit_test(schema_errors_are_clean_under_valgrind),
        cmocka_unit_test(ignoring_parse_says_it_cannot_be),
        cmocka_unit_test(a_bare_scalar_schema_needs_no_newline),
        cmocka_unit_test(a_file_named_twice_is_checked_once),
        cmocka_unit_test(line_separators_are_escaped_in_text),
        cmocka_unit_test(long_pointers_are_cut_in_text_not_in_json),
    };
    return cmocka_run_group_tests(tests, NULL, rvt_free_validator);
}
