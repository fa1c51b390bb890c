/* check.c - checks one recording: load it (load.c), classify it, fold its
 * stream, run the rule families that are not ignored, then give every
 * diagnostic its line and column and sort them (diag.c) into a result,
 * with the configured per-path ignores and severities (config.c). */
#include "recval_internal.h"
#include "rules_tool_calls.h"
#include "stream.h"

#include <stdlib.h>
#include <string.h>

/* The rule families, in the order they run: one row per family (tool-calls
 * has a second, arguments-schema, which reads the schema family's findings
 * on the declared parameters and so runs after it). */
static const struct family_check {
    rv_family family;
    void (*check)(rv_file *f);
} FAMILIES[] = {
    {RV_FAMILY_ENVELOPE, rv_check_envelope},
    {RV_FAMILY_IDS, rv_check_ids},
    {RV_FAMILY_FINISH_REASON, rv_check_finish_reason},
    {RV_FAMILY_USAGE, rv_check_usage},
    {RV_FAMILY_TOOL_CALLS, rv_check_tool_calls},
    {RV_FAMILY_REQUEST_HASH, rv_check_request_hash},
    {RV_FAMILY_SCHEMA, rv_check_schema},
    {RV_FAMILY_TOOL_CALLS, rv_check_tool_calls_arguments_schema},
    {RV_FAMILY_REPLAY, rv_check_replay},
};

/* Parses, classifies and folds f, then runs the families not ignored. */
static void run_checks(rv_file *f)
{
    if (!rv_parse_tree(f))
        return;
    rv_classify(f);
    f->stream = rv_stream_fold(f);
    for (size_t i = 0; i < sizeof FAMILIES / sizeof FAMILIES[0]; i++) {
        if (!f->validator->ignored_family[FAMILIES[i].family])
            FAMILIES[i].check(f);
    }
}

static void finish_result(rv_file *f, recval_result *out)
{
    rv_locate_diags(f);
    if (f->ndiags > 1)
        qsort(f->diags, f->ndiags, sizeof *f->diags, rv_diag_cmp);
    rv_apply_settings(f->validator, f->path, f->diags, &f->ndiags);
    memset(out, 0, sizeof *out);
    out->path = rv_xstrdup(f->path);
    out->kind = rv_kind_name(f->kind);
    out->diags = f->diags;
    out->ndiags = f->ndiags;
    for (size_t i = 0; i < f->ndiags; i++)
        rv_count_severity(out, f->diags[i].severity);
    rv_stream_free(f->stream);
    if (f->match_data)
        pcre2_match_data_free(f->match_data);
    json_object_put(f->root);
}

void rv_file_finish(rv_file *f, recval_result *out)
{
    finish_result(f, out);
}

recval_status recval_check_buffer(const recval_validator *v, const char *path, const char *text,
                                  size_t len, recval_result *out)
{
    if (!v || !path || !text || !out) {
        rv_set_error("recval_check_buffer: NULL argument");
        return RECVAL_EINVAL;
    }
    rv_file f = {
        .validator = v, .path = path, .base = rv_base_name(path), .text = text, .len = len};
    run_checks(&f);
    finish_result(&f, out);
    memcpy(out->request_hash, f.request_hash, sizeof out->request_hash);
    return RECVAL_OK;
}

/* The result of a file that could not be read. */
static void unread_result(const recval_validator *v, const char *path, const rv_read_info *info,
                          recval_result *out)
{
    rv_file f = {.validator = v, .path = path, .base = rv_base_name(path), .text = "", .len = 0};
    rv_emit_read_error(&f, info);
    finish_result(&f, out);
}

/* Checks what rv_read_whole_file() or rv_read_fd() gave (text NULL: the
 * read failed, as info says), then frees it. */
static recval_status check_read(const recval_validator *v, const char *path, char *text,
                                const rv_read_info *info, recval_result *out)
{
    if (!text) {
        unread_result(v, path, info, out);
        return RECVAL_OK;
    }
    recval_status rc = recval_check_buffer(v, path, text, info->size, out);
    free(text);
    return rc;
}

recval_status recval_check_file(const recval_validator *v, const char *path, recval_result *out)
{
    if (!v || !path || !out) {
        rv_set_error("recval_check_file: NULL argument");
        return RECVAL_EINVAL;
    }
    rv_read_info info;
    char *text = rv_read_whole_file(path, rv_read_limit(v), &info);
    return check_read(v, path, text, &info, out);
}

recval_status recval_check_fd(const recval_validator *v, int fd, const char *path,
                              recval_result *out)
{
    if (!v || fd < 0 || !path || !out) {
        rv_set_error("recval_check_fd: bad argument");
        return RECVAL_EINVAL;
    }
    rv_read_info info = {0};
    char *text = rv_read_fd(fd, rv_read_limit(v), 0, &info);
    return check_read(v, path, text, &info, out);
}

recval_status recval_skip_file(const recval_validator *v, const char *path, recval_result *out)
{
    if (!v || !path || !out) {
        rv_set_error("recval_skip_file: NULL argument");
        return RECVAL_EINVAL;
    }
    rv_file f = {.validator = v, .path = path, .base = rv_base_name(path), .text = "", .len = 0};
    f.kind = RV_KIND_INVALID;
    rv_emit_at(&f, RV_PARSE_NOT_REGULAR_FILE, "", 0,
               "skipped: not a regular file (a FIFO, socket or device); to check what it "
               "holds, give it on standard input as -");
    finish_result(&f, out);
    return RECVAL_OK;
}

void recval_result_free(recval_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ndiags; i++) {
        free(r->diags[i].message);
        free(r->diags[i].pointer);
    }
    free(r->diags);
    free(r->path);
    memset(r, 0, sizeof *r);
}
