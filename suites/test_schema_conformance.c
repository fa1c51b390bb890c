/* test_schema_conformance.c - runs the official JSON Schema Test Suite
 * (draft 2020-12) against the schema engine.
 *
 * required_suite: every case of tests/draft2020-12/NAME.json, with remotes/
 * served as http://localhost:1234/ and the metaschemas compiled into the
 * library; each test is checked in fast mode (js_is_valid) and in report
 * mode (js_validate, which must report at least one error exactly when the
 * instance is invalid). Any miss fails the test; every miss is printed.
 *
 * optional_report: the optional/ and optional/format/ files, printed as
 * counts; the total passed may not fall below today's 520 of 926 (a floor:
 * more is fine, fewer is a regression). They run with JS_ALLOW_UNKNOWN_KEYWORDS because
 * optional/unknownKeyword.json and refOfUnknownKeyword.json put unknown
 * keywords in their schemas on purpose; the required suite runs with the
 * strict default (it contains no unknown keywords).
 *
 * Skips when RECVAL_SHARED_DIR (the read-only shared/ tree) is missing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "jsonschema.h"
#include "suite_util.h"
#include "schema_bundle.h"

#define REMOTES_URI "http://localhost:1234/"

typedef struct tally {
    size_t passed, total;
} tally;

static char *suite_path(const char *rel)
{
    const char *shared = getenv("RECVAL_SHARED_DIR");
    struct stat st;
    if (!shared || !*shared)
        return NULL;
    size_t n = strlen(shared) + strlen(rel) + 64;
    char *path = malloc(n);
    snprintf(path, n, "%s/conformance/json-schema-test-suite/%s", shared, rel);
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        free(path);
        return NULL;
    }
    return path;
}

static bool suite_has(const char *rel)
{
    char *path = suite_path(rel);
    free(path);
    return path != NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names of the *.json files in dir; *count gets their number. */
static char **json_files(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    *count = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        if (n > 5 && strcmp(e->d_name + n - 5, ".json") == 0) {
            names = realloc(names, (*count + 1) * sizeof *names);
            names[(*count)++] = strdup(e->d_name);
        }
    }
    if (d)
        closedir(d);
    if (*count)
        qsort(names, *count, sizeof *names, by_name);
    return names;
}

static int count_error(const js_error *e, void *ctx)
{
    (void)e;
    (*(size_t *)ctx)++;
    return 0;
}

static js_registry *case_registry(const char *remotes, unsigned options)
{
    js_registry *reg = rv_schema_registry_new(options);
    char *err = NULL;
    if (js_registry_add_metaschemas(reg, NULL, &err) < 0 ||
        js_registry_add_dir(reg, REMOTES_URI, remotes, &err) < 0) {
        fprintf(stderr, "registry setup failed: %s\n", err);
        free(err);
        fail();
    }
    return reg;
}

/* Checks one test; returns NULL when passed, else a static reason. */
static const char *check_test(const js_schema *schema, json_object *data, bool expected)
{
    size_t errors = 0;
    bool fast = js_is_valid(schema, data);
    bool full = js_validate(schema, data, count_error, &errors);
    if (fast != expected)
        return expected ? "fast mode: rejected a valid instance" : "fast mode: accepted";
    if (full != expected)
        return expected ? "report mode: rejected a valid instance" : "report mode: accepted";
    if (full != (errors == 0))
        return full ? "report mode: valid but reported errors" : "report mode: no error reported";
    return NULL;
}

static void run_case(json_object *tc, const char *file, const char *remotes, unsigned options,
                     tally *t, bool print_misses)
{
    json_object *schema_json = json_object_object_get(tc, "schema");
    json_object *tests = json_object_object_get(tc, "tests");
    const char *case_desc = json_object_get_string(json_object_object_get(tc, "description"));
    js_registry *reg = case_registry(remotes, options);
    char *err = NULL;
    const js_schema *schema = js_compile_document(reg, NULL, schema_json, &err);
    for (size_t i = 0; i < json_object_array_length(tests); i++) {
        json_object *test = json_object_array_get_idx(tests, i);
        bool expected = json_object_get_boolean(json_object_object_get(test, "valid"));
        const char *why =
            schema ? check_test(schema, json_object_object_get(test, "data"), expected) : err;
        t->total++;
        if (!why) {
            t->passed++;
        } else if (print_misses) {
            printf("    MISS %s | %s | %s: %s\n", file, case_desc,
                   json_object_get_string(json_object_object_get(test, "description")), why);
        }
    }
    free(err);
    js_registry_free(reg);
}

/* Runs every file of `dir` (relative to the suite); adds to *all. */
static void run_dir(const char *rel_dir, const char *remotes, unsigned options, tally *all,
                    bool print_misses)
{
    char *dir = suite_path(rel_dir);
    size_t nfiles;
    char **files = dir ? json_files(dir, &nfiles) : NULL;
    for (size_t f = 0; dir && f < nfiles; f++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, files[f]);
        char *err = NULL;
        json_object *cases = js_load_json_file(path, &err);
        if (!cases) {
            printf("    cannot read %s: %s\n", path, err);
            free(err);
            all->total++;
            continue;
        }
        tally t = {0, 0};
        for (size_t i = 0; i < json_object_array_length(cases); i++)
            run_case(json_object_array_get_idx(cases, i), files[f], remotes, options, &t,
                     print_misses);
        const char *sub = rel_dir + strlen("tests/draft2020-12");
        printf("  %s%s%s: %zu/%zu\n", *sub ? sub + 1 : "", *sub ? "/" : "", files[f], t.passed,
               t.total);
        all->passed += t.passed;
        all->total += t.total;
        json_object_put(cases);
        free(files[f]);
    }
    free(files);
    free(dir);
}

static void required_suite(void **state)
{
    (void)state;
    if (!suite_has("remotes") || !suite_has("tests/draft2020-12"))
        rvt_skip_for("../shared");
    char *remotes = suite_path("remotes");
    tally all = {0, 0};
    printf("draft2020-12 required tests:\n");
    run_dir("tests/draft2020-12", remotes, 0, &all, true);
    printf("required total: %zu/%zu passed\n", all.passed, all.total);
    free(remotes);
    assert_true(all.total > 1000);
    assert_int_equal(all.passed, all.total);
}

static void optional_report(void **state)
{
    (void)state;
    if (!suite_has("remotes") || !suite_has("tests/draft2020-12/optional"))
        rvt_skip_for("../shared");
    char *remotes = suite_path("remotes");
    tally all = {0, 0};
    printf("draft2020-12 optional tests (report only, unknown keywords allowed):\n");
    run_dir("tests/draft2020-12/optional", remotes, JS_ALLOW_UNKNOWN_KEYWORDS, &all,
            getenv("RECVAL_SHOW_OPTIONAL_MISSES") != NULL);
    run_dir("tests/draft2020-12/optional/format", remotes, JS_ALLOW_UNKNOWN_KEYWORDS, &all,
            getenv("RECVAL_SHOW_OPTIONAL_MISSES") != NULL);
    printf("optional total: %zu/%zu passed\n", all.passed, all.total);
    free(remotes);
    enum { OPTIONAL_PASSED_FLOOR = 520, OPTIONAL_TOTAL = 926 };
    assert_int_equal(all.total, OPTIONAL_TOTAL);
    assert_true(all.passed >= OPTIONAL_PASSED_FLOOR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(required_suite),
        cmocka_unit_test(optional_report),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
