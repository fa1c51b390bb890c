/* tool_schema.c - `recval schema`: validates JSON files against a JSON
 * Schema (draft 2020-12), like ajv-cli or check-jsonschema, and reports
 * with validate's writers (one result per instance file). Exit status: 0
 * all valid, 1 some instance invalid, 2 unusable input (the schema cannot
 * be loaded or compiled, or an instance cannot be read or is not JSON). */
#include "tool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct schema_opts {
    tool_format format;
    const char *output;
    recval_schema_base *bases;
    size_t nbases;
    char **paths; /* the schema, then the instances */
    size_t npaths;
    tool_input in; /* --max-memory, --stdin-filename */
} schema_opts;

static const char usage_line[] =
    "usage: recval schema [--format=text|json|junit|sarif|github|markdown] [--output=FILE]\n"
    "                     [--base=URI=DIR]... [--max-memory=SIZE] [--stdin-filename=PATH]\n"
    "                     SCHEMA INSTANCE...\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("recval schema: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    fputs(usage_line, stderr);
    return TOOL_EXIT_USAGE;
}

static void schema_help(void)
{
    fputs(usage_line, stdout);
    fputs("\n"
          "Validates JSON files (INSTANCEs; directories are searched for *.json) against\n"
          "the JSON Schema (draft 2020-12) in SCHEMA; an INSTANCE - is standard input.\n"
          "Nothing is fetched from the network:\n"
          "$refs resolve from --base directories, SCHEMA's own directory, recval's schemas\n"
          "(https://recval.dev/schema/) and the draft 2020-12 metaschemas.\n"
          "\n"
          "  --format=FMT      report format: text (default), json, junit, sarif, github,\n"
          "                    markdown (as for recval validate)\n"
          "  --output=FILE     write the report to FILE instead of standard output\n"
          "  --base=URI=DIR    serve the files of DIR under URI for $ref (repeatable)\n"
          "  --max-memory=SIZE memory budget per instance (default 1G; K, M, G suffixes)\n"
          "  --stdin-filename=PATH  report standard input (-) as PATH\n"
          "\n"
          "Exit status: 0 every instance is valid, 1 some instance is not, 2 usage error,\n"
          "a schema that cannot be used (unreadable, not JSON, unknown keyword, unresolvable\n"
          "$ref) or an instance that cannot be read or is not JSON.\n",
          stdout);
}

/* "URI=DIR" (split at the first '=') into a base, its URI a copy the caller
 * frees; false when a side is empty. */
static bool parse_base(const char *arg, recval_schema_base *out)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || eq[1] == '\0')
        return false;
    *out = (recval_schema_base){strndup(arg, (size_t)(eq - arg)), eq + 1};
    return true;
}

/* Returns -1 to continue, or an exit status. */
static int parse_schema_opts(int argc, char **argv, schema_opts *o)
{
    o->format = FORMAT_TEXT;
    o->in.stdin_name = "<stdin>";
    o->paths = calloc((size_t)argc, sizeof *o->paths);
    o->bases = calloc((size_t)argc, sizeof *o->bases);
    bool only_paths = false;
    for (int i = 1; i < argc; i++) {
        const char *v;
        char bad[256];
        int k;
        char *a = argv[i];
        if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
            o->paths[o->npaths++] = a;
        } else if (strcmp(a, "--") == 0) {
            only_paths = true;
        } else if (tool_is_help(a)) {
            schema_help();
            return TOOL_EXIT_OK;
        } else if ((v = tool_opt_value(argc, argv, &i, "--format"))) {
            if (!tool_parse_format(v, &o->format))
                return usage_error(
                    "unknown format '%s' (text, json, junit, sarif, github or markdown)", v);
        } else if ((v = tool_opt_value(argc, argv, &i, "--output"))) {
            o->output = v;
        } else if ((k = tool_input_opt(argc, argv, &i, &o->in, bad, sizeof bad)) != 0) {
            if (k < 0)
                return usage_error("%s", bad);
        } else if ((v = tool_opt_value(argc, argv, &i, "--base"))) {
            if (!parse_base(v, &o->bases[o->nbases]))
                return usage_error("--base needs URI=DIR, not '%s'", v);
            o->nbases++;
        } else {
            return usage_error("unknown option '%s'", a);
        }
    }
    if (o->npaths < 2)
        return usage_error("%s", o->npaths ? "no INSTANCE given" : "no SCHEMA given");
    return -1;
}

/* True when some instance could not be used: unreadable or not JSON. */
static bool any_unusable(const tool_report *rep)
{
    for (size_t i = 0; i < rep->nresults; i++)
        if (strcmp(rep->results[i].kind, "invalid") == 0 && rep->results[i].errors)
            return true;
    return false;
}

/* Checks every instance and writes the report; returns the exit status. */
static int check_instances(const schema_opts *o, const recval_validator *v, const recval_schema *s)
{
    char **files;
    size_t n = tool_collect_files(o->paths + 1, o->npaths - 1, &files);
    tool_report rep = {.results = calloc(n + 1, sizeof *rep.results),
                       .seconds = calloc(n + 1, sizeof *rep.seconds),
                       .nresults = n,
                       .suite_name = "recval schema",
                       .validator = v};
    double start = tool_now_seconds();
    for (size_t i = 0; i < n; i++) {
        double t0 = tool_now_seconds();
        tool_check_entry(v, s, files[i], o->in.stdin_name, &rep.results[i]);
        rep.seconds[i] = tool_now_seconds() - t0;
    }
    rep.total_seconds = tool_now_seconds() - start;
    int rc = tool_report_totals(&rep).failed ? TOOL_EXIT_FINDINGS : TOOL_EXIT_OK;
    if (n == 0) {
        fputs("recval schema: no *.json instance found\n", stderr);
        rc = TOOL_EXIT_USAGE;
    } else if (any_unusable(&rep)) {
        rc = TOOL_EXIT_USAGE;
    }
    if (tool_write_report(o->output, o->format, &rep) != 0)
        rc = TOOL_EXIT_USAGE;
    for (size_t i = 0; i < n; i++)
        recval_result_free(&rep.results[i]);
    free(rep.results);
    free(rep.seconds);
    tool_free_files(files, n);
    return rc;
}

int tool_schema(int argc, char **argv)
{
    schema_opts o = {0};
    int rc = parse_schema_opts(argc, argv, &o);
    if (rc < 0) {
        recval_options vopts = {.max_memory = o.in.max_memory};
        recval_validator *v = recval_validator_new(&vopts);
        recval_schema *s = v ? recval_schema_load(o.paths[0], o.bases, o.nbases) : NULL;
        if (!s) {
            fprintf(stderr, "recval schema: %s\n", recval_last_error());
            rc = TOOL_EXIT_USAGE;
        } else {
            rc = check_instances(&o, v, s);
        }
        recval_schema_free(s);
        recval_validator_free(v);
    }
    free(o.paths);
    for (size_t i = 0; i < o.nbases; i++)
        free((void *)(uintptr_t)o.bases[i].uri);
    free(o.bases);
    return rc;
}
