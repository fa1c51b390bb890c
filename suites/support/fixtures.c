/* fixtures.c - shared helpers of the cmocka suites (see fixtures.h). */
#include "fixtures.h"

#include <stdarg.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *rvt_source_dir(void)
{
    const char *d = getenv("RECVAL_SOURCE_DIR");
    return d && *d ? d : ".";
}

const char *rvt_shared_dir(void)
{
    static char buf[4096];
    const char *d = getenv("RECVAL_SHARED_DIR");
    if (!d || !*d) {
        snprintf(buf, sizeof buf, "%s/../shared", rvt_source_dir());
        d = buf;
    }
    struct stat st;
    return stat(d, &st) == 0 && S_ISDIR(st.st_mode) ? d : NULL;
}

const char *rvt_path(const char *rel)
{
    static _Thread_local char buf[4096];
    snprintf(buf, sizeof buf, "%s/%s", rvt_source_dir(), rel);
    return buf;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static size_t walk(const char *dir, void (*fn)(const char *, void *), void *ud)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        names = realloc(names, (n + 1) * sizeof *names);
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    size_t count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen);
        snprintf(path, plen, "%s/%s", dir, names[i]);
        struct stat st; /* lstat: a symlink fixture is a file, even to a directory */
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            count += walk(path, fn, ud);
        } else {
            size_t len = strlen(names[i]);
            if (len > 5 && strcmp(names[i] + len - 5, ".json") == 0) {
                fn(path, ud);
                count++;
            }
        }
        free(path);
        free(names[i]);
    }
    free(names);
    return count;
}

size_t rvt_each_json(const char *dir, void (*fn)(const char *path, void *ud), void *ud)
{
    return walk(dir, fn, ud);
}

static recval_validator *shared_validator;

recval_validator *rvt_validator(void)
{
    if (!shared_validator)
        shared_validator = recval_validator_new(NULL);
    assert_non_null(shared_validator);
    return shared_validator;
}

int rvt_free_validator(void **state)
{
    (void)state;
    recval_validator_free(shared_validator);
    shared_validator = NULL;
    return 0;
}

recval_result rvt_check(const char *path)
{
    recval_result r;
    int rc = recval_check_file(rvt_validator(), path, &r);
    assert_int_equal(rc, RECVAL_OK);
    return r;
}

recval_result rvt_check_text(const char *name, const char *text)
{
    recval_result r;
    int rc = recval_check_buffer(rvt_validator(), name, text, strlen(text), &r);
    assert_int_equal(rc, RECVAL_OK);
    return r;
}

recval_result rvt_check_inline(const char *text)
{
    return rvt_check_text("inline.json", text);
}

typedef struct family_run {
    const char *family;
    size_t fixtures, failures;
    /* rule name -> fixtures expecting it */
    char *rules[256];
    size_t counts[256];
    size_t nrules;
} family_run;

/* The test list of a "#! tests=FILE" line, FILE taken from the
 * expectation file's directory. */
static char fixture_tests_path[4096];
static const char *fixture_tests[1] = {fixture_tests_path};

/* "#! max-file-size=N max-depth=N tests=FILE" lines set the validator
 * options. */
static void read_options(const char *line, const char *expect_path, recval_options *opts)
{
    const char *p;
    if ((p = strstr(line, "max-file-size=")))
        opts->max_file_size = strtoull(p + 14, NULL, 10);
    if ((p = strstr(line, "max-depth=")))
        opts->max_depth = strtoull(p + 10, NULL, 10);
    if ((p = strstr(line, "tests="))) {
        const char *slash = strrchr(expect_path, '/');
        int dir_len = slash ? (int)(slash - expect_path) : 1;
        snprintf(fixture_tests_path, sizeof fixture_tests_path, "%.*s/%.*s", dir_len,
                 slash ? expect_path : ".", (int)strcspn(p + 6, " \t"), p + 6);
        opts->tests = fixture_tests;
        opts->ntests = 1;
    }
}

static char **read_expectations(const char *path, size_t *n, recval_options *opts)
{
    FILE *fp = fopen(path, "r");
    *n = 0;
    if (!fp)
        return NULL;
    char **lines = NULL;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, fp) >= 0) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' && line[1] == '!')
            read_options(line, path, opts);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        lines = realloc(lines, (*n + 1) * sizeof *lines);
        lines[(*n)++] = strdup(line);
    }
    free(line);
    fclose(fp);
    return lines;
}

static void count_rule(family_run *run, const char *rule)
{
    for (size_t i = 0; i < run->nrules; i++)
        if (strcmp(run->rules[i], rule) == 0) {
            run->counts[i]++;
            return;
        }
    if (run->nrules < 256) {
        run->rules[run->nrules] = strdup(rule);
        run->counts[run->nrules++] = 1;
    }
}

/* The .expect file of a fixture: its lines, and its "#!" options. */
typedef struct fixture {
    const char *path;
    char expect_path[4096];
    char **exp;
    size_t nexp;
    recval_options opts;
    recval_result r;
} fixture;

/* Reads f's expectations and checks it with its options; false (a
 * failure counted) when it has no expectation file. */
static bool run_fixture(family_run *run, fixture *f)
{
    snprintf(f->expect_path, sizeof f->expect_path, "%.*s.expect", (int)(strlen(f->path) - 5),
             f->path);
    f->exp = read_expectations(f->expect_path, &f->nexp, &f->opts);
    run->fixtures++;
    if (!f->exp && access(f->expect_path, R_OK) != 0) {
        print_error("%s: no expectation file %s\n", f->path, f->expect_path);
        run->failures++;
        return false;
    }
    if (f->opts.max_depth || f->opts.max_file_size || f->opts.ntests) {
        recval_validator *v = recval_validator_new(&f->opts);
        assert_int_equal(recval_check_file(v, f->path, &f->r), RECVAL_OK);
        recval_validator_free(v);
    } else {
        f->r = rvt_check(f->path);
    }
    return true;
}

/* Compares f's result with its expectations and counts the rules it
 * expects; frees both. */
static void compare_fixture(family_run *run, fixture *f)
{
    char **exp = f->exp;
    size_t nexp = f->nexp;
    const recval_result *r = &f->r;
    const char *path = f->path;
    char **got = calloc(r->ndiags + 1, sizeof *got);
    for (size_t i = 0; i < r->ndiags; i++) {
        size_t len = strlen(r->diags[i].rule->name) + strlen(r->diags[i].pointer) + 2;
        got[i] = malloc(len);
        snprintf(got[i], len, "%s %s", r->diags[i].rule->name, r->diags[i].pointer);
    }
    /* Trailing space of an empty pointer is optional in the file. */
    for (size_t i = 0; i < nexp; i++)
        if (!strchr(exp[i], ' ')) {
            char *e = malloc(strlen(exp[i]) + 2);
            sprintf(e, "%s ", exp[i]);
            free(exp[i]);
            exp[i] = e;
        }
    qsort(got, r->ndiags, sizeof *got, cmp_str);
    if (exp)
        qsort(exp, nexp, sizeof *exp, cmp_str);
    int same = nexp == r->ndiags;
    for (size_t i = 0; same && i < nexp; i++)
        same = strcmp(exp[i], got[i]) == 0;
    if (!same) {
        run->failures++;
        print_error("%s: diagnostics differ from %s\n  expected:\n", path, f->expect_path);
        for (size_t i = 0; i < nexp; i++)
            print_error("    %s\n", exp[i]);
        print_error("  got:\n");
        for (size_t i = 0; i < r->ndiags; i++) /* in file order, with positions */
            print_error("    %s:%u:%u %s %s (%s)\n", path, r->diags[i].line, r->diags[i].column,
                        r->diags[i].rule->name, r->diags[i].pointer, r->diags[i].message);
    }
    /* Rule coverage: count each expected rule once per fixture. */
    for (size_t i = 0; i < nexp; i++) {
        char rule[256];
        sscanf(exp[i], "%255s", rule);
        int seen = 0;
        for (size_t k = 0; k < i; k++)
            if (strncmp(exp[k], rule, strlen(rule)) == 0 && exp[k][strlen(rule)] == ' ')
                seen = 1;
        if (!seen)
            count_rule(run, rule);
    }
    for (size_t i = 0; i < nexp; i++)
        free(exp[i]);
    free(exp);
    for (size_t i = 0; i < r->ndiags; i++)
        free(got[i]);
    free(got);
    recval_result_free(&f->r);
}

static void check_one_fixture(const char *path, void *ud)
{
    family_run *run = ud;
    fixture f = {.path = path};
    if (run_fixture(run, &f))
        compare_fixture(run, &f);
}

/* The fixtures of one directory, checked as one run. */
typedef struct dir_run {
    family_run *run;
    fixture *files;
    size_t n;
} dir_run;

static void add_to_run(const char *path, void *ud)
{
    dir_run *d = ud;
    d->files = realloc(d->files, (d->n + 1) * sizeof *d->files);
    fixture *f = &d->files[d->n];
    *f = (fixture){.path = strdup(path)};
    if (run_fixture(d->run, f))
        d->n++;
    else
        free((void *)(uintptr_t)f->path);
}

/* Checks every fixture under dir as `recval validate dir` does: one run,
 * with the run-level checks, then each result against its .expect. */
static void check_one_run(family_run *run, const char *dir)
{
    dir_run d = {.run = run};
    rvt_each_json(dir, add_to_run, &d);
    recval_result *results = calloc(d.n + 1, sizeof *results);
    for (size_t i = 0; i < d.n; i++)
        results[i] = d.files[i].r;
    assert_int_equal(recval_check_duplicates(results, d.n, NULL), RECVAL_OK);
    for (size_t i = 0; i < d.n; i++) {
        d.files[i].r = results[i];
        compare_fixture(run, &d.files[i]);
        free((void *)(uintptr_t)d.files[i].path);
    }
    free(results);
    free(d.files);
}

/* Each directory directly under root, one run each, in name order. */
static void check_each_run(family_run *run, const char *root)
{
    DIR *dp = opendir(root);
    assert_non_null(dp);
    char **names = NULL;
    size_t n = 0;
    for (struct dirent *e; (e = readdir(dp));)
        if (e->d_name[0] != '.') {
            names = realloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(e->d_name);
        }
    closedir(dp);
    if (n > 1)
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char dir[8192];
        snprintf(dir, sizeof dir, "%s/%s", root, names[i]);
        check_one_run(run, dir);
        free(names[i]);
    }
    free(names);
}

static void check_family(const char *family, bool one_run_per_directory)
{
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/recordings/invalid/%s", rvt_source_dir(), family);
    family_run run = {.family = family};
    if (one_run_per_directory)
        check_each_run(&run, dir);
    else
        rvt_each_json(dir, check_one_fixture, &run);
    size_t nrules;
    const recval_rule *rules = recval_rules(&nrules);
    size_t flen = strlen(family);
    for (size_t i = 0; i < nrules; i++) {
        if (strncmp(rules[i].name, family, flen) != 0 || rules[i].name[flen] != '/')
            continue;
        /* Only `recval schema` reports it, on any JSON against any schema:
         * its failing fixtures are suites/test_cli_schema.c's instances. */
        if (strcmp(rules[i].name, "schema/instance") == 0)
            continue;
        /* Only directory walks report it, on FIFOs, sockets and devices,
         * which git cannot hold: suites/test_hostile_input.c makes them. */
        if (strcmp(rules[i].name, "parse/not-regular-file") == 0)
            continue;
        size_t c = 0;
        for (size_t k = 0; k < run.nrules; k++)
            if (strcmp(run.rules[k], rules[i].name) == 0)
                c = run.counts[k];
        if (c < 3) {
            print_error("rule %s has %zu failing fixtures under %s (need 3)\n", rules[i].name, c,
                        dir);
            run.failures++;
        }
    }
    for (size_t k = 0; k < run.nrules; k++)
        free(run.rules[k]);
    print_message("%s: %zu fixtures checked\n", family, run.fixtures);
    assert_true(run.fixtures > 0);
    assert_int_equal(run.failures, 0);
}

void rvt_check_family_fixtures(const char *family)
{
    check_family(family, false);
}

void rvt_check_family_fixture_runs(const char *family)
{
    check_family(family, true);
}

/* What is left to read of fd, NUL-terminated; its size in *len when len
 * is not NULL. */
static char *slurp_fd(int fd, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    ssize_t got;
    while ((got = read(fd, buf + n, cap - n - 1)) > 0) {
        n += (size_t)got;
        if (n + 1 >= cap)
            buf = realloc(buf, cap *= 2);
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

char *rvt_read_file(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return NULL;
    char *text = slurp_fd(fd, len);
    close(fd);
    return text;
}

int rvt_run(const char *const argv[], char **out, char **err)
{
    char out_tmpl[] = "/tmp/recval-out-XXXXXX", err_tmpl[] = "/tmp/recval-err-XXXXXX";
    int ofd = mkstemp(out_tmpl), efd = mkstemp(err_tmpl);
    if (ofd < 0 || efd < 0)
        return -1;
    unlink(out_tmpl);
    unlink(err_tmpl);
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(ofd, 1);
        dup2(efd, 2);
        int nul = open("/dev/null", O_RDONLY);
        dup2(nul, 0);
        /* execv takes char *const[] for history's sake; it does not write. */
        execv(argv[0], (char *const *)(uintptr_t)argv);
        _exit(127);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    lseek(ofd, 0, SEEK_SET);
    lseek(efd, 0, SEEK_SET);
    char *o = slurp_fd(ofd, NULL), *e = slurp_fd(efd, NULL);
    close(ofd);
    close(efd);
    if (out)
        *out = o;
    else
        free(o);
    if (err)
        *err = e;
    else
        free(e);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
