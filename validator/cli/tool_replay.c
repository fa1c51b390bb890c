/* tool_replay.c - `recval replay`: looks a request up as the test harness
 * does and prints what it would answer (streams folded into their final
 * message), the recorded exception, or on a miss what a maintainer needs:
 * the hash, every path looked at and the nearest recordings with their
 * body differences. Text or JSON. */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

/* A recorded exception: the harness raises it. */
enum { REPLAY_EXIT_EXCEPTION = 3 };

#define DEFAULT_NEAREST 3

typedef struct replay_args {
    tool_format format;
    const char *request; /* --request=FILE */
    recval_replay_options opts;
    bool help;
} replay_args;

static void replay_usage(FILE *out)
{
    fputs("usage: recval replay --root=REPO --request=FILE [--test-id=ID]\n"
          "                     [--recording-dir=DIR] [--nearest=N] [--format=text|json]\n",
          out);
}

static bool parse_count(const char *s, size_t *out)
{
    char *end;
    unsigned long n = strtoul(s, &end, 10);
    if (!*s || *end || s[0] == '-' || n > 1000)
        return false;
    *out = (size_t)n;
    return true;
}

/* Parses one option at argv[*i]; false (having said why) when it is not
 * one or its value is bad. */
static bool parse_option(int argc, char **argv, int *i, replay_args *a)
{
    const char *v;
    if ((v = tool_opt_value(argc, argv, i, "--root")) != NULL)
        a->opts.root = v;
    else if ((v = tool_opt_value(argc, argv, i, "--request")) != NULL)
        a->request = v;
    else if ((v = tool_opt_value(argc, argv, i, "--test-id")) != NULL)
        a->opts.test_id = v;
    else if ((v = tool_opt_value(argc, argv, i, "--recording-dir")) != NULL)
        a->opts.recording_dir = v;
    else if ((v = tool_opt_value(argc, argv, i, "--nearest")) != NULL) {
        if (!parse_count(v, &a->opts.max_nearest)) {
            fprintf(stderr, "recval replay: --nearest wants a count from 0 to 1000, not '%s'\n", v);
            return false;
        }
    } else if ((v = tool_opt_value(argc, argv, i, "--format")) != NULL) {
        if (!tool_parse_text_or_json("replay", v, &a->format))
            return false;
    } else {
        fprintf(stderr, "recval replay: unknown argument '%s'\n", argv[*i]);
        return false;
    }
    return true;
}

static bool parse_replay_args(int argc, char **argv, replay_args *a)
{
    for (int i = 1; i < argc; i++) {
        if (tool_is_help(argv[i])) {
            a->help = true;
            return true;
        }
        if (!parse_option(argc, argv, &i, a))
            return false;
    }
    if (!a->opts.root || !*a->opts.root || !a->request) {
        fprintf(stderr, "recval replay: %s\n",
                a->request ? "--root=REPO is required" : "--request=FILE is required");
        return false;
    }
    return true;
}

/* --- JSON ---------------------------------------------------------------- */

/* A JSON string of n bytes that may hold U+0000, which
 * tool_put_json_string() (NUL-terminated) cannot write. */
static void put_json_bytes(FILE *out, const char *s, size_t n)
{
    if (!memchr(s, '\0', n)) {
        tool_put_json_string(out, s);
        return;
    }
    fputc('"', out);
    for (size_t i = 0; i < n;) {
        if (s[i] == '\0') {
            fputs("\\u0000", out);
            i++;
            continue;
        }
        char *piece = strndup(s + i, n - i), *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        if (!piece || !mem)
            abort();
        tool_put_json_string(mem, piece);
        fclose(mem);
        fwrite(buf + 1, 1, len - 2, out); /* without its quotes */
        i += strlen(piece);
        free(piece);
        free(buf);
    }
    fputc('"', out);
}

static void put_json_strings(FILE *out, char *const *list, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputc(',', out);
        tool_put_json_string(out, list[i]);
    }
    fputc(']', out);
}

static void write_json_choice(FILE *out, const recval_choice *c)
{
    fprintf(out, "{\"index\":%lld,\"content\":", c->index);
    if (c->content)
        put_json_bytes(out, c->content, c->content_len);
    else
        fputs("null", out);
    fputs(",\"finish_reason\":", out);
    tool_put_json_or_null(out, c->finish_reason);
    fputs(",\"tool_calls\":[", out);
    for (size_t k = 0; k < c->ntool_calls; k++) {
        fputs(k ? ",{\"id\":" : "{\"id\":", out);
        tool_put_json_or_null(out, c->tool_calls[k].id);
        fputs(",\"name\":", out);
        tool_put_json_or_null(out, c->tool_calls[k].name);
        fputs(",\"arguments\":", out);
        tool_put_json_or_null(out, c->tool_calls[k].arguments);
        fputc('}', out);
    }
    fputs("]}", out);
}

static void write_json_answer(FILE *out, const recval_replay_result *r)
{
    fputs("{\"recording\":", out);
    tool_put_json_string(out, r->recording);
    fprintf(out, ",\"hash\":\"%s\",\"kind\":\"%s\"", r->hash, r->kind);
    if (r->exception_json) {
        fprintf(out, ",\"exception\":%s", r->exception_json);
    } else {
        fputs(",\"choices\":[", out);
        for (size_t i = 0; i < r->nchoices; i++) {
            if (i)
                fputc(',', out);
            write_json_choice(out, &r->choices[i]);
        }
        fprintf(out, "],\"usage\":%s", r->usage_json);
    }
    fprintf(out, ",\"scheme\":\"%s\"", r->scheme);
    if (r->nrecordings > 1 || strcmp(r->kind, "model-list") == 0 ||
        strcmp(r->kind, "ollama-tags") == 0) {
        fputs(",\"recordings\":", out);
        put_json_strings(out, r->recordings, r->nrecordings);
    }
    if (r->summary_json)
        fprintf(out, ",\"summary\":%s", r->summary_json);
    fputs("}\n", out);
}

static void write_json_nearest(FILE *out, const recval_nearest *n)
{
    fputs("{\"path\":", out);
    tool_put_json_string(out, n->path);
    fputs(",\"matches\":", out);
    tool_put_json_or_null(out, n->matches);
    fprintf(out, ",\"differences\":%zu,\"diffs\":[", n->ndifferences);
    for (size_t k = 0; k < n->ndiffs; k++) {
        fputs(k ? ",{\"pointer\":" : "{\"pointer\":", out);
        tool_put_json_string(out, n->diffs[k].pointer);
        fputs(",\"message\":", out);
        tool_put_json_string(out, n->diffs[k].message);
        fputc('}', out);
    }
    fputs("],\"note\":", out);
    tool_put_json_or_null(out, n->note);
    fputc('}', out);
}

static void write_json_miss(FILE *out, const recval_replay_result *r)
{
    fprintf(out, "{\"recording\":null,\"hash\":\"%s\",\"legacy_hash\":", r->hash);
    tool_put_json_or_null(out, r->legacy_hash[0] ? r->legacy_hash : NULL);
    fputs(",\"looked_at\":", out);
    put_json_strings(out, r->looked_at, r->nlooked_at);
    fputs(",\"nearest\":[", out);
    for (size_t i = 0; i < r->nnearest; i++) {
        if (i)
            fputc(',', out);
        write_json_nearest(out, &r->nearest[i]);
    }
    fputs("]}\n", out);
}

/* --- text ---------------------------------------------------------------- */

/* tool_put_text for n bytes that may hold U+0000 (shown as \x00). */
static void put_text_bytes(FILE *out, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i += strlen(s + i) + 1) {
        tool_put_text(out, s + i);
        if (i + strlen(s + i) < n)
            fputs("\\x00", out);
    }
}

static void write_text_choice(FILE *out, const recval_choice *c)
{
    fprintf(out, "choice %lld: finish_reason ", c->index);
    tool_put_text(out, c->finish_reason ? c->finish_reason : "(none)");
    fputs("\n  content: ", out);
    if (c->content)
        put_text_bytes(out, c->content, c->content_len);
    else
        fputs("(none)", out);
    fputc('\n', out);
    for (size_t k = 0; k < c->ntool_calls; k++) {
        const recval_tool_call *t = &c->tool_calls[k];
        fputs("  tool call: ", out);
        tool_put_text(out, t->name ? t->name : "(no name)");
        fputs(" id ", out);
        tool_put_text(out, t->id ? t->id : "(none)");
        fputs(" arguments ", out);
        tool_put_text(out, t->arguments ? t->arguments : "(none)");
        fputc('\n', out);
    }
}

static void write_text_answer(FILE *out, const recval_replay_result *r)
{
    for (size_t i = 0; i < r->nrecordings; i++) {
        fputs("recording: ", out);
        tool_put_text(out, r->recordings[i]);
        fputc('\n', out);
    }
    fprintf(out, "hash: %s (%s scheme)\nkind: %s\n", r->hash, r->scheme, r->kind);
    if (r->exception_json) {
        fputs("exception: ", out);
        tool_put_text(out, r->exception_json);
        fputc('\n', out);
        return;
    }
    for (size_t i = 0; i < r->nchoices; i++)
        write_text_choice(out, &r->choices[i]);
    if (r->summary_json) {
        fputs("summary: ", out);
        tool_put_text(out, r->summary_json);
        fputc('\n', out);
    }
    fprintf(out, "usage: ");
    tool_put_text(out, r->usage_json);
    fputc('\n', out);
}

static void write_text_nearest(FILE *out, const recval_nearest *n)
{
    fputs("  ", out);
    tool_put_text(out, n->path);
    fprintf(out, " (name matches %s; %zu difference%s)\n", n->matches ? n->matches : "no scheme",
            n->ndifferences, n->ndifferences == 1 ? "" : "s");
    for (size_t k = 0; k < n->ndiffs; k++) {
        fputs("    ", out);
        tool_put_text(out, *n->diffs[k].pointer ? n->diffs[k].pointer : "(the body)");
        fputs(": ", out);
        tool_put_text(out, n->diffs[k].message);
        fputc('\n', out);
    }
    if (n->ndifferences > n->ndiffs)
        fprintf(out, "    ... and %zu more\n", n->ndifferences - n->ndiffs);
    if (n->note) {
        fputs("    ", out);
        tool_put_text(out, n->note);
        fputc('\n', out);
    }
}

static void write_text_miss(FILE *out, const recval_replay_result *r, size_t max_nearest)
{
    fprintf(out, "no recording answers this request\nhash: %s (current scheme)\n", r->hash);
    if (r->legacy_hash[0])
        fprintf(out, "legacy hash: %s (file %.12s.json)\n", r->legacy_hash, r->legacy_hash);
    fputs("looked at:\n", out);
    for (size_t i = 0; i < r->nlooked_at; i++) {
        fputs("  ", out);
        tool_put_text(out, r->looked_at[i]);
        fputc('\n', out);
    }
    if (max_nearest == 0)
        return;
    if (r->nnearest == 0) {
        fputs("no recording there has the same endpoint and test\n", out);
        return;
    }
    fputs("nearest recordings (same directory, endpoint and test; request != recording):\n", out);
    for (size_t i = 0; i < r->nnearest; i++)
        write_text_nearest(out, &r->nearest[i]);
}

/* --- the command --------------------------------------------------------- */

static int exit_status(const recval_replay_result *r)
{
    if (!r->found)
        return TOOL_EXIT_FINDINGS;
    return r->exception_json ? REPLAY_EXIT_EXCEPTION : TOOL_EXIT_OK;
}

static int run_replay(const recval_validator *v, const replay_args *a)
{
    size_t len;
    char *text = recval_read_file(v, a->request, &len);
    if (!text) {
        fprintf(stderr, "recval replay: %s\n", recval_last_error());
        return TOOL_EXIT_USAGE;
    }
    recval_replay_result r;
    int rc = recval_replay(v, text, len, &a->opts, &r);
    free(text);
    if (rc != RECVAL_OK) {
        fprintf(stderr, "recval replay: %s\n", recval_last_error());
        return TOOL_EXIT_USAGE;
    }
    if (a->format == FORMAT_JSON && r.found)
        write_json_answer(stdout, &r);
    else if (a->format == FORMAT_JSON)
        write_json_miss(stdout, &r);
    else if (r.found)
        write_text_answer(stdout, &r);
    else
        write_text_miss(stdout, &r, a->opts.max_nearest);
    int status = exit_status(&r);
    recval_replay_result_free(&r);
    return status;
}

int tool_replay(int argc, char **argv)
{
    replay_args a = {.format = FORMAT_TEXT, .opts = {.max_nearest = DEFAULT_NEAREST}};
    if (!parse_replay_args(argc, argv, &a)) {
        replay_usage(stderr);
        return TOOL_EXIT_USAGE;
    }
    if (a.help) {
        replay_usage(stdout);
        return TOOL_EXIT_OK;
    }
    recval_validator *v = recval_validator_new(NULL);
    if (!v) {
        fprintf(stderr, "recval replay: %s\n", recval_last_error());
        return TOOL_EXIT_USAGE;
    }
    int status = run_replay(v, &a);
    recval_validator_free(v);
    return status;
}
