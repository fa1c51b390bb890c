/* tool_fix.c - `recval fix`: renames recordings to the name the current
 * recorder gives them and rewrites their normalized ids, safe fixes by
 * default, unsafe ones with --unsafe, nothing with --dry-run; one line per
 * action (or a JSON list), then totals. Plans and applies through the
 * library (recval_fix_plan_file(), recval_fix_conflicts(),
 * recval_fix_apply()). */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

typedef struct fix_args {
    tool_format format;
    unsigned flags; /* RECVAL_FIX_ALLOW_UNSAFE, RECVAL_FIX_DRY_RUN */
    char **paths;
    size_t npaths;
    bool help;
} fix_args;

/* What became of one file of the run (its plan is at the same index). */
typedef struct fix_entry {
    bool planned; /* false: the file could not be planned (message says why) */
    recval_fix_outcome outcome;
    char *message;
} fix_entry;

/* The run: plans[i] and entries[i] are the i-th file, in path order. */
typedef struct fix_run {
    recval_fix_plan *plans;
    fix_entry *entries;
    size_t n;
} fix_run;

static void fix_usage(FILE *out)
{
    fputs("usage: recval fix [--dry-run] [--unsafe] [--format=text|json] PATH...\n", out);
}

static bool parse_fix_args(int argc, char **argv, fix_args *a)
{
    const char *v;
    bool only_paths = false;
    a->paths = calloc((size_t)argc, sizeof *a->paths);
    if (!a->paths)
        abort();
    for (int i = 1; i < argc; i++) {
        if (!only_paths && tool_is_help(argv[i])) {
            a->help = true;
            return true;
        }
        if (only_paths || argv[i][0] != '-' || strcmp(argv[i], "-") == 0)
            a->paths[a->npaths++] = argv[i];
        else if (strcmp(argv[i], "--") == 0)
            only_paths = true;
        else if (strcmp(argv[i], "--dry-run") == 0)
            a->flags |= RECVAL_FIX_DRY_RUN;
        else if (strcmp(argv[i], "--unsafe") == 0)
            a->flags |= RECVAL_FIX_ALLOW_UNSAFE;
        else if ((v = tool_opt_value(argc, argv, &i, "--format")) != NULL) {
            if (!tool_parse_text_or_json("fix", v, &a->format))
                return false;
        } else {
            fprintf(stderr, "recval fix: unknown option '%s'\n", argv[i]);
            return false;
        }
    }
    if (!a->npaths) {
        fputs("recval fix: no PATH given\n", stderr);
        return false;
    }
    return true;
}

/* --- counting -------------------------------------------------------- */

typedef struct fix_totals {
    size_t renamed, ids, needs_unsafe, conflicts, group_files, groups, skipped, changed, read_only,
        errors;
} fix_totals;

/* True when file i is in the conflict group of file k. */
static bool same_group(const fix_run *r, size_t i, size_t k)
{
    return r->entries[k].outcome == RECVAL_FIX_CONFLICT_GROUP &&
           strcmp(r->plans[k].new_path, r->plans[i].new_path) == 0;
}

static bool first_of_group(const fix_run *r, size_t i)
{
    for (size_t k = 0; k < i; k++)
        if (same_group(r, i, k))
            return false;
    return true;
}

static fix_totals count_entries(const fix_run *r)
{
    fix_totals t = {0};
    for (size_t i = 0; i < r->n; i++) {
        const fix_entry *e = &r->entries[i];
        switch (e->outcome) {
        case RECVAL_FIX_DONE:
            t.renamed++;
            t.ids += r->plans[i].nedits;
            break;
        case RECVAL_FIX_NEEDS_UNSAFE:
            t.needs_unsafe++;
            break;
        case RECVAL_FIX_CONFLICT:
            t.conflicts++;
            break;
        case RECVAL_FIX_CONFLICT_GROUP:
            t.group_files++;
            t.groups += first_of_group(r, i);
            break;
        case RECVAL_FIX_SKIPPED:
            t.skipped++;
            break;
        case RECVAL_FIX_CHANGED:
            t.changed++;
            break;
        case RECVAL_FIX_READ_ONLY:
            t.read_only++;
            break;
        case RECVAL_FIX_FAILED:
            t.errors++;
            break;
        case RECVAL_FIX_NOTHING:
            break;
        }
    }
    return t;
}

/* --- output ---------------------------------------------------------- */

/* The other files of file i's conflict group, comma-separated. */
static void put_group_others(FILE *out, const fix_run *r, size_t i)
{
    bool first = true;
    for (size_t k = 0; k < r->n; k++) {
        if (k == i || !same_group(r, i, k))
            continue;
        fputs(first ? "" : ", ", out);
        tool_put_text(out, r->plans[k].path);
        first = false;
    }
}

static void write_text_entry(FILE *out, const fix_run *r, size_t i, bool dry_run)
{
    const recval_fix_plan *p = &r->plans[i];
    const fix_entry *e = &r->entries[i];
    tool_put_text(out, p->path);
    if (e->outcome == RECVAL_FIX_DONE) {
        fputs(dry_run ? ": would rename to " : ": renamed to ", out);
        tool_put_text(out, p->new_path);
        fprintf(out, " (%zu ids rewritten) [%s, %s]\n", p->nedits,
                recval_fix_safety_name(p->safety), p->problem);
        return;
    }
    fprintf(out, ": %s: ", recval_fix_outcome_name(e->outcome));
    if (e->outcome == RECVAL_FIX_NEEDS_UNSAFE) {
        fputs("rename to ", out);
        tool_put_text(out, p->new_path);
        fprintf(out, " (%zu ids rewritten): ", p->nedits);
    } else if (e->outcome == RECVAL_FIX_CONFLICT_GROUP) {
        fputs("also wanted by ", out);
        put_group_others(out, r, i);
        fputs("; ", out);
    }
    tool_put_text(out, e->message);
    fputc('\n', out);
}

static void write_text_totals(FILE *out, const fix_totals *t, bool dry_run)
{
    fprintf(out,
            "%zu %s (%zu ids rewritten), %zu need --unsafe, %zu conflicts, %zu conflict groups "
            "(%zu files), %zu skipped (never fixed), %zu changed on disk, %zu read-only, %zu "
            "errors\n",
            t->renamed, dry_run ? "would be renamed" : "renamed", t->ids, t->needs_unsafe,
            t->conflicts, t->groups, t->group_files, t->skipped, t->changed, t->read_only,
            t->errors);
}

static void write_json_entry(FILE *out, const recval_fix_plan *p, const fix_entry *e)
{
    fputs("{\"path\":", out);
    tool_put_json_string(out, p->path);
    fputs(",\"action\":", out);
    tool_put_json_string(out, recval_fix_outcome_name(e->outcome));
    fputs(",\"new_path\":", out);
    tool_put_json_or_null(out, p->new_path);
    fprintf(out,
            ",\"ids_rewritten\":%zu,\"safety\":", e->outcome == RECVAL_FIX_DONE ? p->nedits : 0);
    tool_put_json_or_null(out, e->planned ? recval_fix_safety_name(p->safety) : NULL);
    fputs(",\"problem\":", out);
    tool_put_json_or_null(out, p->problem);
    fputs(",\"reason\":", out);
    tool_put_json_or_null(out, e->outcome == RECVAL_FIX_DONE ? p->reason : e->message);
    fputc('}', out);
}

static void write_report(FILE *out, const fix_args *a, const fix_run *r)
{
    bool dry_run = a->flags & RECVAL_FIX_DRY_RUN, any = false;
    if (a->format == FORMAT_JSON)
        fputc('[', out);
    for (size_t i = 0; i < r->n; i++) {
        if (r->entries[i].outcome == RECVAL_FIX_NOTHING)
            continue;
        if (a->format == FORMAT_JSON) {
            fputs(any ? ",\n" : "\n", out);
            write_json_entry(out, &r->plans[i], &r->entries[i]);
        } else {
            write_text_entry(out, r, i, dry_run);
        }
        any = true;
    }
    if (a->format == FORMAT_JSON) {
        fputs(any ? "\n]\n" : "]\n", out);
    } else {
        fix_totals t = count_entries(r);
        write_text_totals(out, &t, dry_run);
    }
}

/* --- the run --------------------------------------------------------- */

/* The library's message, without the "PATH: " it starts with when it
 * names the file (the report names it already). */
static char *message_about(const char *path, const char *message)
{
    size_t n = strlen(path);
    if (strncmp(message, path, n) == 0 && strncmp(message + n, ": ", 2) == 0)
        message += n + 2;
    char *copy = strdup(message);
    if (!copy)
        abort();
    return copy;
}

static void plan_all(const recval_validator *v, char **files, fix_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        fix_entry *e = &r->entries[i];
        e->planned = recval_fix_plan_file(v, files[i], &r->plans[i]) == RECVAL_OK;
        if (!e->planned) {
            r->plans[i].path = strdup(files[i]);
            e->outcome = RECVAL_FIX_FAILED;
            e->message = message_about(files[i], recval_last_error());
        }
    }
}

static void apply_all(const recval_validator *v, unsigned flags, fix_run *r)
{
    for (size_t i = 0; i < r->n; i++) {
        fix_entry *e = &r->entries[i];
        if (!e->planned)
            continue;
        recval_fix_apply(v, &r->plans[i], flags, &e->outcome);
        if (e->outcome != RECVAL_FIX_NOTHING && e->outcome != RECVAL_FIX_DONE)
            e->message = message_about(r->plans[i].path, recval_last_error());
    }
}

/* 0 nothing left to fix; 1 something left (dry run: something would change). */
static int exit_status(const fix_run *r, bool dry_run)
{
    for (size_t i = 0; i < r->n; i++) {
        recval_fix_outcome o = r->entries[i].outcome;
        if (dry_run ? o == RECVAL_FIX_DONE
                    : o != RECVAL_FIX_NOTHING && o != RECVAL_FIX_DONE && o != RECVAL_FIX_SKIPPED)
            return TOOL_EXIT_FINDINGS;
    }
    return TOOL_EXIT_OK;
}

static int run_fix(const recval_validator *v, const fix_args *a, char **files, size_t n)
{
    fix_run r = {calloc(n, sizeof *r.plans), calloc(n, sizeof *r.entries), n};
    if (!r.plans || !r.entries)
        abort();
    plan_all(v, files, &r);
    recval_fix_conflicts(r.plans, n, a->flags, NULL);
    apply_all(v, a->flags, &r);
    write_report(stdout, a, &r);
    int status = exit_status(&r, a->flags & RECVAL_FIX_DRY_RUN);
    for (size_t i = 0; i < n; i++) {
        recval_fix_plan_free(&r.plans[i]);
        free(r.entries[i].message);
    }
    free(r.plans);
    free(r.entries);
    return status;
}

int tool_fix(int argc, char **argv)
{
    fix_args a = {.format = FORMAT_TEXT};
    if (!parse_fix_args(argc, argv, &a) || a.help) {
        FILE *out = a.help ? stdout : stderr;
        fix_usage(out);
        free(a.paths);
        return a.help ? TOOL_EXIT_OK : TOOL_EXIT_USAGE;
    }
    recval_validator *v = recval_validator_new(NULL);
    if (!v) {
        fprintf(stderr, "recval fix: %s\n", recval_last_error());
        free(a.paths);
        return TOOL_EXIT_USAGE;
    }
    char **files;
    size_t n = tool_collect_files(a.paths, a.npaths, &files);
    int status = TOOL_EXIT_USAGE;
    if (n)
        status = run_fix(v, &a, files, n);
    else
        fputs("recval fix: no *.json file found\n", stderr);
    tool_free_files(files, n);
    recval_validator_free(v);
    free(a.paths);
    return status;
}
