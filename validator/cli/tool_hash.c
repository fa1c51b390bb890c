/* tool_hash.c - `recval hash`: the request hashes of recordings (or of a
 * bare request) under every scheme, which one the file name matches and
 * the name the current recorder would give it. Text or JSON. */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

typedef struct hash_args {
    tool_format format;
    const char *request; /* --request=FILE */
    const char *test_id; /* --test-id=ID */
    char **files;
    size_t nfiles;
    bool help;
} hash_args;

static void hash_usage(FILE *out)
{
    fputs("usage: recval hash [--format=text|json] PATH...\n"
          "       recval hash [--format=text|json] --request=FILE [--test-id=ID]\n",
          out);
}

/* Parses argv; returns false (having said why) on a usage error. */
static bool parse_hash_args(int argc, char **argv, hash_args *a)
{
    const char *v;
    bool only_files = false;
    a->files = calloc((size_t)argc, sizeof *a->files);
    if (!a->files)
        abort();
    for (int i = 1; i < argc; i++) {
        if (!only_files && tool_is_help(argv[i])) {
            a->help = true;
            return true;
        }
        if (only_files || argv[i][0] != '-' || strcmp(argv[i], "-") == 0) {
            a->files[a->nfiles++] = argv[i];
        } else if (strcmp(argv[i], "--") == 0) {
            only_files = true;
        } else if ((v = tool_opt_value(argc, argv, &i, "--format")) != NULL) {
            if (!tool_parse_text_or_json("hash", v, &a->format))
                return false;
        } else if ((v = tool_opt_value(argc, argv, &i, "--request")) != NULL) {
            a->request = v;
        } else if ((v = tool_opt_value(argc, argv, &i, "--test-id")) != NULL) {
            a->test_id = v;
        } else {
            fprintf(stderr, "recval hash: unknown option '%s'\n", argv[i]);
            return false;
        }
    }
    if (a->request && a->nfiles) {
        fputs("recval hash: give either PATHs or --request, not both\n", stderr);
        return false;
    }
    if (a->test_id && !a->request) {
        fputs("recval hash: --test-id goes with --request (a recording has its own)\n", stderr);
        return false;
    }
    if (!a->request && !a->nfiles) {
        fputs("recval hash: no PATH given\n", stderr);
        return false;
    }
    return true;
}

/* A JSON string, or null for NULL and "". */
static void put_nonempty_or_null(FILE *out, const char *s)
{
    tool_put_json_or_null(out, s && *s ? s : NULL);
}

static void write_json_entry(FILE *out, const recval_hashes *h)
{
    fputs("{\"path\":", out);
    put_nonempty_or_null(out, h->path);
    fputs(",\"schemes\":{\"current\":", out);
    put_nonempty_or_null(out, h->current);
    fputs(",\"legacy\":", out);
    put_nonempty_or_null(out, h->legacy);
    fputs(",\"current_raw\":", out);
    put_nonempty_or_null(out, h->current_raw);
    fputs(",\"older_fs_partial\":", out);
    put_nonempty_or_null(out, h->older_fs_partial);
    fputs(",\"older_fs_none\":", out);
    put_nonempty_or_null(out, h->older_fs_none);
    fputs("},\"name_hash\":", out);
    put_nonempty_or_null(out, h->name_hash);
    fputs(",\"matches\":", out);
    put_nonempty_or_null(out, h->matches);
    fputs(",\"expected_name\":", out);
    put_nonempty_or_null(out, h->expected_name);
    fputs(",\"request_kind\":", out);
    put_nonempty_or_null(out, h->request_kind);
    fputs(",\"unreproducible\":", out);
    put_nonempty_or_null(out, h->unreproducible);
    fputc('}', out);
}

/* An entry for a file that could not be hashed. */
static void write_json_error(FILE *out, const char *path, const char *message)
{
    fputs("{\"path\":", out);
    put_nonempty_or_null(out, path);
    fputs(",\"error\":", out);
    tool_put_json_string(out, message);
    fputc('}', out);
}

static void text_line(FILE *out, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    fprintf(out, "  %-17s ", label);
    tool_put_text(out, value);
    fputc('\n', out);
}

/* One block per input, headed by its path (label for a bare request). */
static void write_text_entry(FILE *out, const recval_hashes *h, const char *label)
{
    tool_put_text(out, label);
    fputs(h->path ? "\n" : " (request)\n", out);
    text_line(out, "request_kind", h->request_kind);
    text_line(out, "current", h->current);
    text_line(out, "legacy", h->legacy);
    text_line(out, "current_raw", h->current_raw);
    text_line(out, "older_fs_partial", h->older_fs_partial);
    text_line(out, "older_fs_none", h->older_fs_none);
    if (h->path) {
        fprintf(out, "  %-17s ", "name");
        tool_put_text(out, h->name_hash ? h->name_hash : "(not a recorder name)");
        fprintf(out, " (matches %s)\n", h->matches ? h->matches : "no scheme");
    }
    text_line(out, "expected_name", h->expected_name ? h->expected_name : "(unknown)");
    text_line(out, "unreproducible", h->unreproducible);
}

/* Hashes one input (a FILE, or the --request file when is_request). */
static int hash_one(const recval_validator *v, const hash_args *a, const char *path,
                    bool is_request, recval_hashes *h)
{
    if (!is_request)
        return recval_hash_file(v, path, h);
    size_t len;
    char *text = recval_read_file(v, path, &len);
    if (!text)
        return RECVAL_EIO;
    int rc = recval_hash_request(v, text, len, a->test_id, h);
    free(text);
    return rc;
}

/* Hashes and writes every input; returns the exit status. */
static int run_hash(const recval_validator *v, const hash_args *a)
{
    bool is_request = a->request != NULL;
    size_t n = is_request ? 1 : a->nfiles;
    int status = TOOL_EXIT_OK;
    if (a->format == FORMAT_JSON)
        fputs("{\"files\":[", stdout);
    for (size_t i = 0, written = 0; i < n; i++) {
        const char *path = is_request ? a->request : a->files[i];
        const char *skipped = is_request ? NULL : tool_is_skipped(path);
        if (skipped) { /* a directory's FIFO, socket or device */
            fprintf(stderr, "recval hash: %s: skipped: not a regular file\n", skipped);
            continue;
        }
        recval_hashes h;
        int rc = hash_one(v, a, path, is_request, &h);
        if (a->format == FORMAT_JSON && written)
            fputc(',', stdout);
        if (a->format == FORMAT_TEXT && written)
            fputc('\n', stdout);
        written++;
        if (rc != RECVAL_OK) {
            status = TOOL_EXIT_USAGE;
            fprintf(stderr, "recval hash: %s\n", recval_last_error());
            if (a->format == FORMAT_JSON)
                write_json_error(stdout, is_request ? NULL : path, recval_last_error());
            continue;
        }
        if (a->format == FORMAT_JSON)
            write_json_entry(stdout, &h);
        else
            write_text_entry(stdout, &h, path);
        recval_hashes_free(&h);
    }
    if (a->format == FORMAT_JSON)
        fputs("]}\n", stdout);
    return status;
}

int tool_hash(int argc, char **argv)
{
    hash_args a = {.format = FORMAT_TEXT};
    if (!parse_hash_args(argc, argv, &a)) {
        hash_usage(stderr);
        free(a.files);
        return TOOL_EXIT_USAGE;
    }
    if (a.help) {
        hash_usage(stdout);
        free(a.files);
        return TOOL_EXIT_OK;
    }
    recval_validator *v = recval_validator_new(NULL);
    if (!v) {
        fprintf(stderr, "recval hash: %s\n", recval_last_error());
        free(a.files);
        return TOOL_EXIT_USAGE;
    }
    char **given = a.files;
    size_t ngiven = a.nfiles;
    a.nfiles = tool_collect_files(given, ngiven, &a.files);
    int status = TOOL_EXIT_USAGE;
    if (a.request || a.nfiles)
        status = run_hash(v, &a);
    else
        fputs("recval hash: no *.json file found\n", stderr);
    recval_validator_free(v);
    tool_free_files(a.files, a.nfiles);
    free(given);
    return status;
}
