/* tool_validate.c - `recval validate`: checks files and directories of
 * recordings on N threads, each under its configuration file
 * (tool_config.c), and writes the report(s). */
#include "tool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct validate_opts {
    tool_format format;
    const char *output;
    const char *junit;
    const char *baseline, *write_baseline; /* --baseline, --write-baseline */
    bool strict;
    long jobs;
    char *ignore; /* --ignore values joined by commas, or NULL */
    bool no_strict, no_config;
    const char *config;
    const char **tests; /* --tests files */
    size_t ntests;
    tool_input in; /* --max-memory, --stdin-filename */
    char **paths;
    size_t npaths;
} validate_opts;

typedef struct job_queue {
    const recval_validator **validators; /* per file */
    const char *stdin_name;
    char **files;
    size_t nfiles;
    atomic_size_t next;
    recval_result *results;
    double *seconds;
} job_queue;

static void *worker(void *arg)
{
    job_queue *q = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&q->next, 1);
        if (i >= q->nfiles)
            return NULL;
        double t0 = tool_now_seconds();
        if (tool_check_entry(q->validators[i], NULL, q->files[i], q->stdin_name, &q->results[i]) !=
            RECVAL_OK)
            memset(&q->results[i], 0, sizeof q->results[i]);
        q->seconds[i] = tool_now_seconds() - t0;
    }
}

static long default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? n : 1;
}

static void run_jobs(job_queue *q, long jobs)
{
    if (jobs > (long)q->nfiles)
        jobs = (long)q->nfiles;
    if (jobs <= 1) {
        worker(q);
        return;
    }
    pthread_t *threads = calloc((size_t)jobs, sizeof *threads);
    long started = 0;
    for (; threads && started < jobs; started++)
        if (pthread_create(&threads[started], NULL, worker, q) != 0)
            break;
    if (started == 0)
        worker(q);
    for (long i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
}

#define VALIDATE_USAGE                                                                             \
    "usage: recval validate [--format=text|json|junit|sarif|github|markdown] [--output=FILE]\n"    \
    "                       [--junit=FILE] [--strict|--no-strict] [--jobs=N]\n"                    \
    "                       [--ignore=RULE|FAMILY,...] [--config=FILE|--no-config]\n"              \
    "                       [--tests=FILE]... [--baseline=FILE] [--write-baseline=FILE]\n"         \
    "                       [--max-memory=SIZE] [--stdin-filename=PATH] PATH...\n"

static int usage_error(const char *fmt, const char *arg)
{
    fputs("recval validate: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n" VALIDATE_USAGE, stderr);
    return TOOL_EXIT_USAGE;
}

static void validate_help(void)
{
    fputs(VALIDATE_USAGE
          "\n"
          "Checks recordings. PATHs are files or directories (searched recursively\n"
          "for *.json, in sorted order); - is standard input.\n"
          "\n"
          "  --format=FMT    report format on the output: text (default), json, junit,\n"
          "                  sarif (SARIF 2.1.0), github (workflow commands), markdown\n"
          "  --output=FILE   write the report to FILE instead of standard output\n"
          "  --junit=FILE    also write a JUnit XML report to FILE\n"
          "  --strict        warnings fail the run too\n"
          "  --jobs=N        check N files at a time (default: number of CPUs)\n"
          "  --ignore=LIST   do not report these rules or families (comma-separated,\n"
          "                  repeatable); an ignored family is not computed at all\n"
          "  --write-baseline=FILE  record the findings (rule, path, pointer, value\n"
          "                  fingerprint) in FILE\n"
          "  --baseline=FILE report only findings FILE does not list; say how many it\n"
          "                  suppressed and which of its entries no longer occur\n"
          "  --config=FILE   use FILE, not the recval.json found upward from each PATH\n"
          "  --no-config     use no configuration file\n"
          "  --no-strict     warnings do not fail, whatever the configuration says\n"
          "  --tests=FILE    test ids (pytest --collect-only -q), repeatable: warn of\n"
          "                  recordings no listed test replays (replay/unused-recording)\n"
          "  --max-memory=SIZE  memory budget per file (default 1G; K, M, G suffixes);\n"
          "                  a file estimated to need more gets parse/too-large;\n"
          "                  --jobs=N checks N files at once, so takes up to N budgets\n"
          "  --stdin-filename=PATH  report standard input (-) as PATH, so that its\n"
          "                  request hash is checked against that name\n"
          "\n"
          "Exit status: 0 no errors, 1 errors (or, with --strict, warnings),\n"
          "2 usage error or nothing could be read.\n",
          stdout);
}

/* Tells on stderr what became of each old rule name in names. */
static void note_aliases(const char *names)
{
    for (const char *p = names; *p;) {
        size_t n = strcspn(p, ",");
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(n < sizeof name ? n : sizeof name - 1), p);
        const char *note = recval_rule_alias_note(name);
        if (note)
            fprintf(stderr, "recval: note: --ignore=%s: %s\n", name, note);
        p += n + (p[n] == ',');
    }
}

static void add_ignore(validate_opts *o, const char *names)
{
    note_aliases(names);
    size_t have = o->ignore ? strlen(o->ignore) + 1 : 0, n = strlen(names);
    o->ignore = realloc(o->ignore, have + n + 1);
    if (!o->ignore)
        abort();
    if (have)
        o->ignore[have - 1] = ',';
    memcpy(o->ignore + have, names, n + 1);
}

/* Returns -1 to continue, or an exit status. */
static int parse_validate_opts(int argc, char **argv, validate_opts *o)
{
    o->format = FORMAT_TEXT;
    o->jobs = default_jobs();
    o->in.stdin_name = "<stdin>";
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    o->tests = calloc((size_t)argc, sizeof *o->tests);
    bool only_paths = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        char bad[256];
        int k;
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->npaths++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            only_paths = true;
        } else if (tool_is_help(a)) {
            validate_help();
            return TOOL_EXIT_OK;
        } else if (strcmp(a, "--strict") == 0 || strcmp(a, "--no-strict") == 0) {
            o->strict = a[2] == 's';
            o->no_strict = !o->strict;
        } else if (strcmp(a, "--no-config") == 0) {
            o->no_config = true;
        } else if ((v = tool_opt_value(argc, argv, &i, "--config"))) {
            o->config = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--tests"))) {
            o->tests[o->ntests++] = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--ignore"))) {
            add_ignore(o, v);
        } else if ((v = tool_opt_value(argc, argv, &i, "--format"))) {
            if (!tool_parse_format(v, &o->format))
                return usage_error("unknown format '%s' (text, json, junit, sarif, github or "
                                   "markdown)",
                                   v);
        } else if ((v = tool_opt_value(argc, argv, &i, "--output"))) {
            o->output = v;
        } else if ((k = tool_input_opt(argc, argv, &i, &o->in, bad, sizeof bad)) != 0) {
            if (k < 0)
                return usage_error("%s", bad);
        } else if ((v = tool_opt_value(argc, argv, &i, "--junit"))) {
            o->junit = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--baseline"))) {
            o->baseline = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--write-baseline"))) {
            o->write_baseline = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--jobs"))) {
            char *end;
            o->jobs = strtol(v, &end, 10);
            if (*v == '\0' || *end != '\0' || o->jobs < 1 || o->jobs > 1024)
                return usage_error("--jobs needs a number from 1 to 1024, not '%s'", v);
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (o->npaths == 0)
        return usage_error("%s", "no PATH given");
    if (o->config && o->no_config)
        return usage_error("%s", "--config and --no-config exclude each other");
    return -1;
}

/* True when not a single file could be read. */
static bool nothing_read(const tool_report *rep)
{
    for (size_t i = 0; i < rep->nresults; i++) {
        const recval_result *r = &rep->results[i];
        bool unread = r->ndiags == 1 && (strcmp(r->diags[0].rule->name, "parse/unreadable") == 0);
        if (!unread)
            return false;
    }
    return true;
}

static void free_opts(validate_opts *o)
{
    free(o->paths);
    free((void *)o->tests);
    free(o->ignore);
}

/* Drops the config files met in directory walks; gives each file the
 * validator of its PATH's configuration. */
static void assign_validators(job_queue *q, const tool_run_config *rc, const validate_opts *o)
{
    size_t kept = 0;
    q->validators = calloc(q->nfiles + 1, sizeof *q->validators);
    for (size_t i = 0; i < q->nfiles; i++) {
        if (tool_run_config_skips(rc, o->paths, o->npaths, q->files[i])) {
            free(q->files[i]);
            continue;
        }
        q->files[kept] = q->files[i];
        q->validators[kept++] = tool_run_config_validator(rc, o->paths, o->npaths, q->files[i]);
    }
    q->nfiles = kept;
}

/* The run-level checks, then each file's configured ignores and
 * severities on what they added. */
static void check_run(job_queue *q, const tool_run_config *rc)
{
    bool duplicates = false;
    for (size_t k = 0; k <= rc->nconfigs; k++)
        duplicates |= recval_validator_reports(rc->validators[k], "request-hash/duplicate");
    if (duplicates)
        recval_check_duplicates(q->results, q->nfiles, NULL);
    for (size_t i = 0; i < q->nfiles; i++)
        if (q->results[i].path)
            recval_validator_apply(q->validators[i], &q->results[i]);
}

int tool_validate(int argc, char **argv)
{
    validate_opts o = {0};
    int rc = parse_validate_opts(argc, argv, &o);
    if (rc >= 0) {
        free_opts(&o);
        return rc;
    }
    recval_options vopts = {.ignore = o.ignore,
                            .tests = (const char *const *)o.tests,
                            .ntests = o.ntests,
                            .max_memory = o.in.max_memory};
    tool_run_config cfg;
    rc = tool_run_config_load(&cfg, o.paths, o.npaths, o.config, o.no_config, &vopts);
    if (rc >= 0) {
        tool_run_config_free(&cfg);
        free_opts(&o);
        return rc;
    }
    job_queue q = {.stdin_name = o.in.stdin_name};
    q.nfiles = tool_collect_files(o.paths, o.npaths, &q.files);
    assign_validators(&q, &cfg, &o);
    q.results = calloc(q.nfiles + 1, sizeof *q.results);
    q.seconds = calloc(q.nfiles + 1, sizeof *q.seconds);
    double t0 = tool_now_seconds();
    run_jobs(&q, o.jobs);
    check_run(&q, &cfg);
    tool_report rep = {.results = q.results,
                       .seconds = q.seconds,
                       .nresults = q.nfiles,
                       .strict = o.strict || (!o.no_strict && tool_run_config_strict(&cfg)),
                       .total_seconds = tool_now_seconds() - t0,
                       .suite_name = "recval validate",
                       .validator = cfg.validators[cfg.nconfigs]};
    bool unread = nothing_read(&rep);
    bool baseline_failed = tool_apply_baseline(cfg.validators[cfg.nconfigs], &rep, o.write_baseline,
                                               o.baseline) != 0 &&
                           q.nfiles > 0;
    tool_totals t = tool_report_totals(&rep);
    rc = t.failed ? TOOL_EXIT_FINDINGS : TOOL_EXIT_OK;
    if (q.nfiles == 0) {
        fputs("recval validate: no *.json file found\n", stderr);
        rc = TOOL_EXIT_USAGE;
    } else if (unread || baseline_failed) {
        rc = TOOL_EXIT_USAGE;
    }
    if (tool_write_report(o.output, o.format, &rep) != 0)
        rc = TOOL_EXIT_USAGE;
    if (o.junit && tool_write_report(o.junit, FORMAT_JUNIT, &rep) != 0)
        rc = TOOL_EXIT_USAGE;
    for (size_t i = 0; i < q.nfiles; i++)
        recval_result_free(&q.results[i]);
    free(q.results);
    free(q.seconds);
    free(q.validators);
    tool_free_files(q.files, q.nfiles);
    tool_run_config_free(&cfg);
    free_opts(&o);
    return rc;
}
