/* tool_validate.c - `recval validate`: checks files and directories of
 * recordings on N threads and writes the report(s). */
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
    bool strict;
    long jobs;
    char *ignore; /* --ignore values joined by commas, or NULL */
    char **paths;
    size_t npaths;
} validate_opts;

typedef struct job_queue {
    const recval_validator *validator;
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
        if (recval_check_file(q->validator, q->files[i], &q->results[i]) != RECVAL_OK)
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

static int usage_error(const char *fmt, const char *arg)
{
    fputs("recval validate: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nusage: recval validate [--format=text|json|junit] [--output=FILE] [--junit=FILE]\n"
          "                       [--strict] [--jobs=N] [--ignore=RULE|FAMILY,...] PATH...\n",
          stderr);
    return TOOL_EXIT_USAGE;
}

static void validate_help(void)
{
    fputs("usage: recval validate [--format=text|json|junit] [--output=FILE] [--junit=FILE]\n"
          "                       [--strict] [--jobs=N] [--ignore=RULE|FAMILY,...] PATH...\n"
          "\n"
          "Checks recordings. PATHs are files or directories (searched recursively\n"
          "for *.json, in sorted order).\n"
          "\n"
          "  --format=FMT    report format on the output: text (default), json, junit\n"
          "  --output=FILE   write the report to FILE instead of standard output\n"
          "  --junit=FILE    also write a JUnit XML report to FILE\n"
          "  --strict        warnings fail the run too\n"
          "  --jobs=N        check N files at a time (default: number of CPUs)\n"
          "  --ignore=LIST   do not report these rules or families (comma-separated,\n"
          "                  repeatable); an ignored family is not computed at all\n"
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
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    bool only_paths = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        const char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->npaths++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            only_paths = true;
        } else if (tool_is_help(a)) {
            validate_help();
            return TOOL_EXIT_OK;
        } else if (strcmp(a, "--strict") == 0) {
            o->strict = true;
        } else if ((v = tool_opt_value(argc, argv, &i, "--ignore"))) {
            add_ignore(o, v);
        } else if ((v = tool_opt_value(argc, argv, &i, "--format"))) {
            if (!tool_parse_format(v, &o->format))
                return usage_error("unknown format '%s' (text, json or junit)", v);
        } else if ((v = tool_opt_value(argc, argv, &i, "--output"))) {
            o->output = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--junit"))) {
            o->junit = v;
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

int tool_validate(int argc, char **argv)
{
    validate_opts o = {0};
    int rc = parse_validate_opts(argc, argv, &o);
    if (rc >= 0) {
        free(o.paths);
        free(o.ignore);
        return rc;
    }
    recval_options vopts = {.ignore = o.ignore};
    recval_validator *v = recval_validator_new(&vopts);
    if (!v) {
        fprintf(stderr, "recval validate: %s\n", recval_last_error());
        free(o.paths);
        free(o.ignore);
        return TOOL_EXIT_USAGE;
    }
    job_queue q = {.validator = v};
    q.nfiles = tool_collect_files(o.paths, o.npaths, &q.files);
    q.results = calloc(q.nfiles + 1, sizeof *q.results);
    q.seconds = calloc(q.nfiles + 1, sizeof *q.seconds);
    double t0 = tool_now_seconds();
    run_jobs(&q, o.jobs);
    if (recval_validator_reports(v, "request-hash/duplicate"))
        recval_check_duplicates(q.results, q.nfiles);
    tool_report rep = {.results = q.results,
                       .seconds = q.seconds,
                       .nresults = q.nfiles,
                       .strict = o.strict,
                       .total_seconds = tool_now_seconds() - t0,
                       .suite_name = "recval validate"};
    tool_totals t = tool_report_totals(&rep);
    rc = t.failed ? TOOL_EXIT_FINDINGS : TOOL_EXIT_OK;
    if (q.nfiles == 0) {
        fputs("recval validate: no *.json file found\n", stderr);
        rc = TOOL_EXIT_USAGE;
    } else if (nothing_read(&rep)) {
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
    tool_free_files(q.files, q.nfiles);
    recval_validator_free(v);
    free(o.paths);
    free(o.ignore);
    return rc;
}
