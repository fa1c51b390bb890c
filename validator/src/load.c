/* load.c - reads a recording and parses it strictly: the whole file into
 * memory, the scan for what RFC 8259 forbids but json-c lets pass and for
 * duplicate keys, then json-c (lenient, fast, with a shallow stack first)
 * on the text without its whitespace; text that fails is parsed again in
 * json-c's strict mode for its diagnostics.
 * Also loading without the rules, for replay. */
#include "recval_internal.h"
#include "jsonscan.h"
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void on_duplicate(void *ud, const char *pointer, size_t offset, const char *key)
{
    rv_file *f = ud;
    strbuf k = STRBUF_INIT;
    for (const char *p = key; *p; p++) /* keep messages on one line */
        rv_sb_putc(&k, (unsigned char)*p < 0x20 ? '?' : *p);
    rv_emit_at(f, RV_PARSE_DUPLICATE_KEY, pointer, offset,
               "duplicate key \"%s\": only the last value is kept by the recorder's reader",
               k.data ? k.data : "");
    rv_sb_free(&k);
}

/* One json-c pass over text with the given depth limit and flags. */
static json_object *parse_with_depth(const char *text, size_t len, int depth, int flags,
                                     enum json_tokener_error *err, size_t *end)
{
    struct json_tokener *tok = json_tokener_new_ex(depth);
    if (!tok)
        rv_out_of_memory(sizeof(struct json_tokener));
    json_tokener_set_flags(tok, flags);
    json_object *root = json_tokener_parse_ex(tok, text, (int)len);
    *err = json_tokener_get_error(tok);
    *end = json_tokener_get_parse_end(tok);
    if (*err == json_tokener_continue && len > 0) {
        /* A number or literal at the very end needs a terminator. */
        root = json_tokener_parse_ex(tok, "", 1);
        *err = json_tokener_get_error(tok);
        if (*err != json_tokener_success)
            *err = json_tokener_continue;
    }
    json_tokener_free(tok);
    return root;
}

/* Parses strictly with json-c. json-c allocates and clears its whole
 * parse stack up front, so a first pass uses a shallow stack and only a
 * file nested deeper is parsed again with the configured limit. */
static json_object *parse_json(const char *text, size_t len, int max_depth, int flags,
                               enum json_tokener_error *err, size_t *end)
{
    enum { SHALLOW_DEPTH = 128 };
    if (max_depth > SHALLOW_DEPTH) {
        json_object *root = parse_with_depth(text, len, SHALLOW_DEPTH, flags, err, end);
        if (*err != json_tokener_error_depth)
            return root;
        json_object_put(root);
    }
    return parse_with_depth(text, len, max_depth, flags, err, end);
}

/* False, with the diagnostic, when the file is over the size limit or
 * the memory budget. */
static bool within_budget(rv_file *f)
{
    if (f->len > rv_read_limit(f->validator)) {
        rv_read_info info = {.status = RV_READ_TOO_LARGE, .size = f->len};
        rv_emit_size_error(f, &info);
        return false;
    }
    if (rv_estimate_fits(f->len, f->validator->max_memory))
        return true; /* nearly every file: no need to count */
    rv_memory_estimate est = rv_estimate_memory(f->text, f->len);
    if (est.bytes > f->validator->max_memory) {
        rv_emit_at(f, RV_PARSE_TOO_LARGE, "", 0,
                   "checking this file would take about %zu MiB of memory (%zu bytes, %zu JSON "
                   "values), over the budget of %zu MiB per file; raise it with --max-memory=SIZE "
                   "(recval_options.max_memory)",
                   (est.bytes + (1u << 20) - 1) >> 20, f->len, est.values,
                   f->validator->max_memory >> 20);
        return false;
    }
    return true;
}

/* Parses f->text with json-c in strict mode, UTF-8 validated: the parse
 * whose diagnostics are the reference for text that is not JSON. */
static bool parse_text(rv_file *f)
{
    enum json_tokener_error err;
    size_t end;
    f->root = parse_json(f->text, f->len, (int)f->validator->max_depth,
                         JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8, &err, &end);
    if (err == json_tokener_success && end < f->len) {
        /* Only whitespace may follow the value. */
        size_t i = end;
        while (i < f->len && strchr(" \t\r\n", f->text[i]) && f->text[i])
            i++;
        if (i < f->len) {
            json_object_put(f->root);
            f->root = NULL;
            char *ptr = rv_xstrdup("");
            rv_emit_at(f, RV_PARSE_INVALID_JSON, ptr, i, "unexpected data after the JSON value");
            free(ptr);
            return false;
        }
    }
    if (err == json_tokener_success)
        return true;
    json_object_put(f->root);
    f->root = NULL;
    if (end > f->len)
        end = f->len;
    char *ptr = rv_jscan_pointer_at(f->text, f->len, end);
    if (err == json_tokener_continue)
        rv_emit_at(f, RV_PARSE_INVALID_JSON, ptr, f->len,
                   "unexpected end of file: the JSON value is incomplete (truncated file?)");
    else if (err == json_tokener_error_depth)
        rv_emit_at(f, RV_PARSE_TOO_DEEP, ptr, end, "nesting deeper than %zu levels",
                   f->validator->max_depth);
    else if (err == json_tokener_error_parse_utf8_string)
        rv_emit_at(f, RV_PARSE_INVALID_UTF8, ptr, end, "invalid UTF-8 byte sequence");
    else
        rv_emit_at(f, RV_PARSE_INVALID_JSON, ptr, end, "invalid JSON: %s",
                   json_tokener_error_desc(err));
    free(ptr);
    return false;
}

/* Frees the diagnostics emitted after the first n. */
static void drop_diags_after(rv_file *f, size_t n)
{
    for (size_t i = n; i < f->ndiags; i++) {
        free(f->diags[i].message);
        free(f->diags[i].pointer);
    }
    f->ndiags = n;
}

/* The fast path: rv_jscan_check first, which rejects everything json-c's
 * strict mode and UTF-8 validation exist for (comments, trailing commas,
 * single quotes, NaN, case-insensitive literals, raw control characters,
 * ill-formed UTF-8, data after the value) and reports duplicate keys,
 * and which copies the text without its whitespace (when it has some
 * between tokens); then json-c without its strict mode on that copy: the
 * same value, and nearly half the bytes of a pretty-printed recording are
 * indentation json-c need not read.
 * True with f->root set, and the duplicate-key diagnostics, when the text
 * is RFC 8259 JSON; false, with nothing kept, otherwise: the strict path
 * then gives the diagnostics it always gave. */
static bool parse_lenient(rv_file *f)
{
    enum json_tokener_error err = json_tokener_error_parse_unexpected;
    size_t end, bad_at, before = f->ndiags, compact_len;
    const char *bad;
    char *compact;
    if (rv_jscan_check_compact(f->text, f->len, on_duplicate, f, &bad_at, &bad, &compact,
                               &compact_len) == JSCAN_OK &&
        bad_at >= f->len) {
        int depth = (int)f->validator->max_depth;
        f->root = compact ? parse_json(compact, compact_len, depth, 0, &err, &end)
                          : parse_json(f->text, f->len, depth, 0, &err, &end);
    }
    free(compact);
    if (err == json_tokener_success)
        return true;
    drop_diags_after(f, before);
    json_object_put(f->root);
    f->root = NULL;
    return false;
}

/* Parses f->text into f->root, strictly: the fast path, or json-c's
 * strict mode then the scan for what RFC 8259 forbids but json-c lets
 * pass, which also reports duplicate keys. False, with the diagnostic,
 * when the text is not JSON. */
bool rv_parse_tree(rv_file *f)
{
    if (!within_budget(f)) {
        f->kind = RV_KIND_INVALID;
        return false;
    }
    if (parse_lenient(f))
        return true;
    if (!parse_text(f)) {
        f->kind = RV_KIND_INVALID;
        return false;
    }
    size_t bad_at;
    const char *bad;
    jscan_status st = rv_jscan_check(f->text, f->len, on_duplicate, f, &bad_at, &bad);
    if (st != JSCAN_OK) {
        rv_clear_diags(f);
        json_object_put(f->root);
        f->root = NULL;
        f->kind = RV_KIND_INVALID;
        char *ptr = rv_jscan_pointer_at(f->text, f->len, bad_at);
        if (st == JSCAN_INVALID_UTF8)
            rv_emit_at(f, RV_PARSE_INVALID_UTF8, ptr, bad_at, "%s", bad);
        else
            rv_emit_at(f, RV_PARSE_INVALID_JSON, ptr, bad_at, "invalid JSON: %s", bad);
        free(ptr);
        return false;
    }
    return true;
}

const char *rv_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The limit a file's size is checked against before it is read: the size
 * limit, or the memory budget when that is lower (the text alone would
 * use it up). */
size_t rv_read_limit(const recval_validator *v)
{
    return v->max_memory < v->max_file_size ? v->max_memory : v->max_file_size;
}

/* Says a file of `size` bytes is over the size limit or, when the size
 * limit is not what it passed, over the memory budget. */
void rv_emit_size_error(rv_file *f, const rv_read_info *info)
{
    const recval_validator *v = f->validator;
    size_t limit = rv_read_limit(v);
    const char *more = info->at_least ? "more than " : "";
    size_t size = info->at_least ? limit : info->size;
    const char *grew = info->grew ? " (it grew while it was read)" : "";
    if (limit == v->max_file_size)
        rv_emit_at(f, RV_PARSE_TOO_LARGE, "", 0, "file is %s%zu bytes, over the %zu-byte limit%s",
                   more, size, limit, grew);
    else
        rv_emit_at(f, RV_PARSE_TOO_LARGE, "", 0,
                   "file is %s%zu bytes, over the memory budget of %zu bytes per file%s; raise it "
                   "with --max-memory=SIZE (recval_options.max_memory)",
                   more, size, limit, grew);
}

/* Records why rv_read_whole_file() or rv_read_fd() failed. */
void rv_emit_read_error(rv_file *f, const rv_read_info *info)
{
    f->kind = RV_KIND_INVALID;
    if (info->status == RV_READ_TOO_LARGE)
        rv_emit_size_error(f, info);
    else if (info->status == RV_READ_NOT_REGULAR)
        rv_emit_at(f, RV_PARSE_UNREADABLE, "", 0,
                   "cannot read file: not a regular file (a FIFO, socket or device)");
    else
        rv_emit_at(f, RV_PARSE_UNREADABLE, "", 0, "cannot read file: %s", strerror(info->err));
}

/* The message of a failed read, for recval_last_error(). */
static void set_read_error(const recval_validator *v, const char *path, const rv_read_info *info)
{
    if (info->status == RV_READ_TOO_LARGE)
        rv_set_error("%s: file is %s%zu bytes, over the %zu-byte limit", path,
                     info->at_least ? "more than " : "",
                     info->at_least ? rv_read_limit(v) : info->size, rv_read_limit(v));
    else if (info->status == RV_READ_NOT_REGULAR)
        rv_set_error("%s: cannot read file: not a regular file", path);
    else
        rv_set_error("%s: cannot read file: %s", path, strerror(info->err));
}

/* --- loading without the rules (replay) ----------------------------- */

char *recval_read_file(const recval_validator *v, const char *path, size_t *len)
{
    if (!v || !path || !len) {
        rv_set_error("recval_read_file: NULL argument");
        return NULL;
    }
    rv_read_info info;
    char *text = rv_read_whole_file(path, rv_read_limit(v), &info);
    if (!text)
        set_read_error(v, path, &info);
    *len = info.size;
    return text;
}

int rv_file_load(const recval_validator *v, const char *path, rv_file *f)
{
    memset(f, 0, sizeof *f);
    f->validator = v;
    f->path = path;
    f->base = rv_base_name(path);
    rv_read_info info;
    char *text = rv_read_whole_file(path, rv_read_limit(v), &info);
    f->len = info.size;
    if (!text) {
        rv_emit_read_error(f, &info);
        f->text = rv_xstrdup("");
        f->len = 0;
        return -1;
    }
    return rv_file_load_text(v, path, text, f->len, f);
}

int rv_file_load_text(const recval_validator *v, const char *path, char *text, size_t len,
                      rv_file *f)
{
    memset(f, 0, sizeof *f);
    f->validator = v;
    f->path = path;
    f->base = rv_base_name(path);
    f->text = text;
    f->len = len;
    if (!rv_parse_tree(f))
        return -1;
    rv_classify(f);
    return 0;
}

void rv_file_release(rv_file *f)
{
    rv_clear_diags(f);
    free(f->diags);
    rv_stream_free(f->stream);
    if (f->match_data)
        pcre2_match_data_free(f->match_data);
    json_object_put(f->root);
    rv_free_const(f->text);
    memset(f, 0, sizeof *f);
}
