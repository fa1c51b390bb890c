/* test_sarif_multitool.c - recval's SARIF passes Microsoft's validator,
 * `sarif-multitool validate` (npm @microsoft/sarif-multitool), installed
 * outside the repository by scripts/install-sarif-tools.sh. Without it the
 * suite exits 77, which CTest shows as skipped (SKIP_RETURN_CODE).
 *
 * The validator's own log (SARIF too) may hold no error, and no warning
 * but SARIF2005 (no informationUri: recval has no published home page to
 * point at; docs/cli.md lists each of the validator's remarks and why it is
 * left). */
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
#include <unistd.h>

/* The validator's warnings that are justified (docs/cli.md). */
static const char *const JUSTIFIED_WARNINGS[] = {"SARIF2005"};

static char tool[1024];
static char tmpdir[64];

/* Where scripts/install-sarif-tools.sh puts the tool, or
 * $RECVAL_SARIF_MULTITOOL; false when it is not there. */
static bool find_tool(void)
{
    const char *env = getenv("RECVAL_SARIF_MULTITOOL");
    const char *dir = getenv("RECVAL_TOOLS_DIR"), *cache = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    if (env && *env)
        snprintf(tool, sizeof tool, "%s", env);
    else if (dir && *dir)
        snprintf(tool, sizeof tool, "%s/sarif-tools/node_modules/.bin/sarif-multitool", dir);
    else if (cache && *cache)
        snprintf(tool, sizeof tool, "%s/recval/sarif-tools/node_modules/.bin/sarif-multitool",
                 cache);
    else
        snprintf(tool, sizeof tool,
                 "%s/.cache/recval/sarif-tools/node_modules/.bin/sarif-multitool",
                 home ? home : "");
    return access(tool, X_OK) == 0;
}

static bool is_justified(const char *rule)
{
    for (size_t i = 0; i < sizeof JUSTIFIED_WARNINGS / sizeof *JUSTIFIED_WARNINGS; i++)
        if (strcmp(rule, JUSTIFIED_WARNINGS[i]) == 0)
            return true;
    return false;
}

/* Prints the validator's errors and warnings (not its notes) for the test
 * log. */
static void print_remarks(const char *out)
{
    for (const char *line = out; *line;) {
        const char *eol = strchr(line, '\n');
        size_t n = eol ? (size_t)(eol - line) : strlen(line);
        char *l = strndup(line, n);
        if (strstr(l, ": error ") || strstr(l, ": warning "))
            printf("%s\n", l);
        free(l);
        line += n + (eol != NULL);
    }
}

/* Writes recval's SARIF for `args` to <tmpdir>/<name>.sarif, validates it
 * and asserts what the validator's log holds. */
static void validate_sarif(const char *name, const char *path, const char *path2, int status)
{
    char sarif[160], log[160];
    snprintf(sarif, sizeof sarif, "%s/%s.sarif", tmpdir, name);
    snprintf(log, sizeof log, "%s/%s.validation.sarif", tmpdir, name);
    char output[192];
    snprintf(output, sizeof output, "--output=%s", sarif);
    char *out, *err;
    assert_int_equal(
        rvt_recval(&out, &err, "validate", "--format=sarif", output, path, path2, NULL), status);
    free(out), free(err);
    const char *argv[] = {
        tool,      "validate", sarif,     "--output", log, "--log", "ForceOverwrite",
        "--level", "Error",    "Warning", "Note",     NULL};
    int rc = rvt_run(argv, &out, &err);
    print_remarks(out);
    if (rc != 0)
        print_error("sarif-multitool exited %d:\n%s%s", rc, out, err);
    assert_int_equal(rc, 0);
    free(out), free(err);
    char *text = rvt_read_file(log, NULL);
    assert_non_null(text);
    json_object *doc = json_tokener_parse(text), *runs, *results;
    assert_non_null(doc);
    assert_true(json_object_object_get_ex(doc, "runs", &runs));
    json_object *run = json_object_array_get_idx(runs, 0);
    size_t bad = 0;
    if (json_object_object_get_ex(run, "results", &results))
        for (size_t i = 0; i < json_object_array_length(results); i++) {
            json_object *r = json_object_array_get_idx(results, i), *level, *rule;
            const char *lv = json_object_object_get_ex(r, "level", &level)
                                 ? json_object_get_string(level)
                                 : "warning"; /* SARIF's default level */
            json_object_object_get_ex(r, "ruleId", &rule);
            const char *id = json_object_get_string(rule);
            bool ok = strcmp(lv, "note") == 0 || strcmp(lv, "none") == 0 ||
                      (strcmp(lv, "warning") == 0 && is_justified(id));
            if (!ok) {
                print_error("sarif-multitool: %s %s\n", lv, id);
                bad++;
            }
        }
    assert_int_equal(bad, 0);
    json_object_put(doc);
    free(text);
}

static void every_fixture_validates(void **state)
{
    (void)state;
    /* A relative path (uriBaseId) and an absolute one outside the working
     * directory (file: URI), with a ',' and a space in its name. */
    char abs_path[160];
    snprintf(abs_path, sizeof abs_path, "%s/odd, name.json", tmpdir);
    FILE *f = fopen(abs_path, "w");
    assert_non_null(f);
    fputs("{\"request\": 1}", f);
    fclose(f);
    validate_sarif("fixtures", "recordings/invalid", abs_path, 1);
}

static void empty_run_validates(void **state)
{
    (void)state;
    validate_sarif("valid", "recordings/valid", NULL, 0);
}

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/recval-sarif-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    if (!find_tool()) {
        printf("sarif-multitool not found at %s: run scripts/install-sarif-tools.sh "
               "(skipped)\n",
               tool);
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_fixture_validates),
        cmocka_unit_test(empty_run_validates),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
