/* check.c - checks one recording: read, parse with json-c, scan for
 * duplicate keys, classify, run the rule families, then give every
 * diagnostic its line and column and sort them. Also the validator's
 * life cycle and the diagnostic emitter. */
#include "recval_internal.h"
#include "jsonscan.h"
#include "rules_request_hash.h"
#include "stream.h"
#include "rules_schema.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_DEPTH 10000
#define DEFAULT_MAX_FILE_SIZE ((size_t)256 << 20)

/* A dotted Python qualified name: module path and class name. */
static const char TYPE_NAME_PATTERN[] = "^[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+$";

static const char *const family_names[RV_FAMILY_COUNT] = {
    [RV_FAMILY_ENVELOPE] = "envelope",
    [RV_FAMILY_IDS] = "ids",
    [RV_FAMILY_FINISH_REASON] = "finish-reason",
    [RV_FAMILY_USAGE] = "usage",
    [RV_FAMILY_TOOL_CALLS] = "tool-calls",
    [RV_FAMILY_REQUEST_HASH] = "request-hash",
    [RV_FAMILY_SCHEMA] = "schema",
};

/* Ignores one rule or family by name; -1 with the last error if unknown. */
static int ignore_name(recval_validator *v, const char *name, size_t n)
{
    for (int fam = 0; fam < RV_FAMILY_COUNT; fam++) {
        size_t fl = strlen(family_names[fam]);
        if (fl != n || strncmp(family_names[fam], name, n) != 0)
            continue;
        v->ignored_family[fam] = true;
        for (size_t r = 0; r < RV_RULE_COUNT; r++)
            if (strncmp(rv_rule(r)->name, name, n) == 0 && rv_rule(r)->name[n] == '/')
                v->ignored_rule[r] = true;
        return 0;
    }
    for (size_t r = 0; r < RV_RULE_COUNT; r++) {
        const char *rule = rv_rule(r)->name;
        if (strlen(rule) != n || strncmp(rule, name, n) != 0)
            continue;
        if (strncmp(rule, "parse/", 6) == 0 && r != RV_PARSE_DUPLICATE_KEY) {
            rv_set_error("%s cannot be ignored: a file that cannot be read has no other check",
                         rule);
            return -1;
        }
        v->ignored_rule[r] = true;
        return 0;
    }
    rv_set_error("cannot ignore '%.*s': no such rule or family (see recval rules)", (int)n, name);
    return -1;
}

/* Parses recval_options.ignore: names separated by commas. */
static int parse_ignore(recval_validator *v, const char *list)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n > 0 && ignore_name(v, p, n) != 0)
            return -1;
        p += n + (p[n] == ',');
    }
    return 0;
}

recval_validator *recval_validator_new(const recval_options *opts)
{
    recval_validator *v = calloc(1, sizeof *v);
    if (!v) {
        rv_set_error("out of memory");
        return NULL;
    }
    v->max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    v->max_file_size = opts && opts->max_file_size ? opts->max_file_size : DEFAULT_MAX_FILE_SIZE;
    if (v->max_depth > INT32_MAX)
        v->max_depth = INT32_MAX;
    int err;
    PCRE2_SIZE off;
    v->type_name_re =
        pcre2_compile((PCRE2_SPTR)TYPE_NAME_PATTERN, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    if (!v->type_name_re) {
        rv_set_error("cannot compile the type-name pattern (PCRE2 error %d)", err);
        free(v);
        return NULL;
    }
    pcre2_jit_compile(v->type_name_re, PCRE2_JIT_COMPLETE);
    if (opts && opts->ignore && parse_ignore(v, opts->ignore) != 0) {
        recval_validator_free(v);
        return NULL;
    }
    if (rv_schemas_new(v) != 0) {
        recval_validator_free(v);
        return NULL;
    }
    return v;
}

int recval_validator_reports(const recval_validator *v, const char *name)
{
    const recval_rule *rule = v ? recval_rule_find(name) : NULL;
    return rule && !v->ignored_rule[rule - rv_rule(0)];
}

void recval_validator_free(recval_validator *v)
{
    if (!v)
        return;
    pcre2_code_free(v->type_name_re);
    rv_schemas_free(v);
    free(v);
}

pcre2_match_data *rv_match_data(rv_file *f)
{
    if (!f->match_data)
        f->match_data = pcre2_match_data_create(4, NULL);
    return f->match_data;
}

/* --- diagnostics --------------------------------------------------- */

static void emit_v(rv_file *f, rv_rule_id rule, recval_severity sev, const char *pointer,
                   const char *fmt, va_list ap)
{
    if (f->validator->ignored_rule[rule])
        return;
    if (f->ndiags == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->diags = xrealloc(f->diags, f->cap * sizeof *f->diags);
    }
    strbuf msg = STRBUF_INIT;
    sb_vprintf(&msg, fmt, ap);
    recval_diag *d = &f->diags[f->ndiags++];
    d->rule = rv_rule(rule);
    d->severity = sev;
    d->message = sb_detach(&msg);
    d->pointer = xstrdup(pointer ? pointer : "");
    d->line = 0;
    d->column = 0;
}

void rv_emit(rv_file *f, rv_rule_id rule, const char *pointer, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(f, rule, rv_rule(rule)->severity, pointer, fmt, ap);
    va_end(ap);
}

void rv_emit_sev(rv_file *f, rv_rule_id rule, recval_severity sev, const char *pointer,
                 const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    emit_v(f, rule, sev, pointer, fmt, ap);
    va_end(ap);
}

/* Emits with an explicit position (parse errors know theirs). */
static void emit_at(rv_file *f, rv_rule_id rule, const char *pointer, size_t offset,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void emit_at(rv_file *f, rv_rule_id rule, const char *pointer, size_t offset,
                    const char *fmt, ...)
{
    size_t before = f->ndiags;
    va_list ap;
    va_start(ap, fmt);
    emit_v(f, rule, rv_rule(rule)->severity, pointer, fmt, ap);
    va_end(ap);
    if (f->ndiags == before) /* an ignored rule */
        return;
    recval_diag *d = &f->diags[f->ndiags - 1];
    jscan_position(f->text, f->len, offset, &d->line, &d->column);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Gives every diagnostic that lacks one the position of its pointer, in
 * one pass over the text. */
static void locate_diags(rv_file *f)
{
    size_t n = 0;
    const char **want = xmalloc((f->ndiags + 1) * sizeof *want);
    for (size_t i = 0; i < f->ndiags; i++)
        if (f->diags[i].line == 0)
            want[n++] = f->diags[i].pointer;
    if (n == 0 || !f->root) {
        free(want);
        return;
    }
    qsort(want, n, sizeof *want, cmp_cstr);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || strcmp(want[m - 1], want[i]) != 0)
            want[m++] = want[i];
    unsigned *lines = xmalloc(m * sizeof *lines), *cols = xmalloc(m * sizeof *cols);
    jscan_locate(f->text, f->len, want, m, lines, cols);
    for (size_t i = 0; i < f->ndiags; i++) {
        recval_diag *d = &f->diags[i];
        if (d->line)
            continue;
        const char **hit = bsearch(&d->pointer, want, m, sizeof *want, cmp_cstr);
        size_t k = (size_t)(hit - want);
        d->line = lines[k] ? lines[k] : 1;
        d->column = lines[k] ? cols[k] : 1;
    }
    free(lines);
    free(cols);
    free(want);
}

int rv_diag_cmp(const void *a, const void *b)
{
    const recval_diag *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->column != y->column)
        return x->column < y->column ? -1 : 1;
    int c = strcmp(x->rule->name, y->rule->name);
    return c ? c : strcmp(x->message, y->message);
}

/* --- parsing ------------------------------------------------------- */

static void on_duplicate(void *ud, const char *pointer, size_t offset, const char *key)
{
    rv_file *f = ud;
    strbuf k = STRBUF_INIT;
    for (const char *p = key; *p; p++) /* keep messages on one line */
        sb_putc(&k, (unsigned char)*p < 0x20 ? '?' : *p);
    emit_at(f, RV_PARSE_DUPLICATE_KEY, pointer, offset,
            "duplicate key \"%s\": only the last value is kept by the recorder's reader",
            k.data ? k.data : "");
    sb_free(&k);
}

/* One json-c pass over text with the given depth limit. */
static json_object *parse_with_depth(const char *text, size_t len, int depth,
                                     enum json_tokener_error *err, size_t *end)
{
    struct json_tokener *tok = json_tokener_new_ex(depth);
    if (!tok) {
        fputs("recval: out of memory\n", stderr);
        abort();
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
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
static json_object *parse_json(const char *text, size_t len, int max_depth,
                               enum json_tokener_error *err, size_t *end)
{
    enum { SHALLOW_DEPTH = 128 };
    if (max_depth > SHALLOW_DEPTH) {
        json_object *root = parse_with_depth(text, len, SHALLOW_DEPTH, err, end);
        if (*err != json_tokener_error_depth)
            return root;
        json_object_put(root);
    }
    return parse_with_depth(text, len, max_depth, err, end);
}

static bool parse_text(rv_file *f)
{
    if (f->len > f->validator->max_file_size) {
        emit_at(f, RV_PARSE_TOO_LARGE, "", 0, "file is %zu bytes, over the %zu-byte limit", f->len,
                f->validator->max_file_size);
        return false;
    }
    enum json_tokener_error err;
    size_t end;
    f->root = parse_json(f->text, f->len, (int)f->validator->max_depth, &err, &end);
    if (err == json_tokener_success && end < f->len) {
        /* Only whitespace may follow the value. */
        size_t i = end;
        while (i < f->len && strchr(" \t\r\n", f->text[i]) && f->text[i])
            i++;
        if (i < f->len) {
            json_object_put(f->root);
            f->root = NULL;
            char *ptr = xstrdup("");
            emit_at(f, RV_PARSE_INVALID_JSON, ptr, i, "unexpected data after the JSON value");
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
    char *ptr = jscan_pointer_at(f->text, f->len, end);
    if (err == json_tokener_continue)
        emit_at(f, RV_PARSE_INVALID_JSON, ptr, f->len,
                "unexpected end of file: the JSON value is incomplete (truncated file?)");
    else if (err == json_tokener_error_depth)
        emit_at(f, RV_PARSE_TOO_DEEP, ptr, end, "nesting deeper than %zu levels",
                f->validator->max_depth);
    else if (err == json_tokener_error_parse_utf8_string)
        emit_at(f, RV_PARSE_INVALID_UTF8, ptr, end, "invalid UTF-8 byte sequence");
    else
        emit_at(f, RV_PARSE_INVALID_JSON, ptr, end, "invalid JSON: %s",
                json_tokener_error_desc(err));
    free(ptr);
    return false;
}

/* --- one file ------------------------------------------------------ */

static void clear_diags(rv_file *f)
{
    for (size_t i = 0; i < f->ndiags; i++) {
        free(f->diags[i].message);
        free(f->diags[i].pointer);
    }
    f->ndiags = 0;
}

/* Parses f->text into f->root, strictly: json-c, then the scan for what
 * RFC 8259 forbids but json-c lets pass, which also reports duplicate
 * keys. False, with the diagnostic, when the text is not JSON. */
static bool parse_tree(rv_file *f)
{
    if (!parse_text(f)) {
        f->kind = RV_KIND_INVALID;
        return false;
    }
    size_t bad_at;
    const char *bad = jscan_check(f->text, f->len, on_duplicate, f, &bad_at);
    if (bad) {
        clear_diags(f);
        json_object_put(f->root);
        f->root = NULL;
        f->kind = RV_KIND_INVALID;
        char *ptr = jscan_pointer_at(f->text, f->len, bad_at);
        if (strcmp(bad, "invalid UTF-8 byte sequence") == 0)
            emit_at(f, RV_PARSE_INVALID_UTF8, ptr, bad_at, "%s", bad);
        else
            emit_at(f, RV_PARSE_INVALID_JSON, ptr, bad_at, "invalid JSON: %s", bad);
        free(ptr);
        return false;
    }
    return true;
}

/* Runs the rule families; request_hash receives the file's request hash
 * for the run-level checks ("" when it has none). */
static void run_checks(rv_file *f, char request_hash[65])
{
    if (!parse_tree(f))
        return;
    rv_classify(f);
    f->stream = rv_stream_fold(f);
    const bool *off = f->validator->ignored_family;
    if (!off[RV_FAMILY_ENVELOPE])
        rv_check_envelope(f);
    if (!off[RV_FAMILY_IDS])
        rv_check_ids(f);
    if (!off[RV_FAMILY_FINISH_REASON])
        rv_check_finish_reason(f);
    if (!off[RV_FAMILY_USAGE])
        rv_check_usage(f);
    if (!off[RV_FAMILY_TOOL_CALLS])
        rv_check_tool_calls(f);
    if (!off[RV_FAMILY_REQUEST_HASH])
        rv_request_hash_check(f, request_hash);
    if (!off[RV_FAMILY_SCHEMA])
        rv_check_schema(f);
    /* tool-calls/arguments-schema needs the compiled schemas of the
     * request's tools, not recval's own schemas: it runs with its family. */
    if (!off[RV_FAMILY_TOOL_CALLS])
        rv_check_arguments_schema(f);
}

void rv_count_severity(recval_result *r, recval_severity sev)
{
    if (sev == RECVAL_ERROR)
        r->errors++;
    else if (sev == RECVAL_WARNING)
        r->warnings++;
    else
        r->notes++;
}

static void finish_result(rv_file *f, recval_result *out)
{
    locate_diags(f);
    if (f->ndiags > 1)
        qsort(f->diags, f->ndiags, sizeof *f->diags, rv_diag_cmp);
    memset(out, 0, sizeof *out);
    out->path = xstrdup(f->path);
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

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

int recval_check_buffer(const recval_validator *v, const char *path, const char *text, size_t len,
                        recval_result *out)
{
    if (!v || !path || !text || !out) {
        rv_set_error("recval_check_buffer: NULL argument");
        return RECVAL_EINVAL;
    }
    rv_file f = {.validator = v, .path = path, .base = base_name(path), .text = text, .len = len};
    char request_hash[65] = "";
    run_checks(&f, request_hash);
    finish_result(&f, out);
    memcpy(out->request_hash, request_hash, sizeof out->request_hash);
    return RECVAL_OK;
}

/* Reads a whole file; NULL with errno set on failure. */
static char *read_file(const char *path, size_t limit, size_t *len, bool *too_large)
{
    *too_large = false;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        fclose(fp);
        errno = e ? e : EINVAL;
        return NULL;
    }
    if ((size_t)st.st_size > limit) {
        fclose(fp);
        *too_large = true;
        *len = (size_t)st.st_size;
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (n < cap - 1) {
            if (ferror(fp)) {
                int e = errno;
                free(buf);
                fclose(fp);
                errno = e;
                return NULL;
            }
            break;
        }
        cap *= 2; /* the file grew while we read it */
        buf = xrealloc(buf, cap);
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Records why read_file() failed (errno, or the size over the limit). */
static void emit_read_error(rv_file *f, bool too_large, size_t size)
{
    f->kind = RV_KIND_INVALID;
    if (too_large)
        emit_at(f, RV_PARSE_TOO_LARGE, "", 0, "file is %zu bytes, over the %zu-byte limit", size,
                f->validator->max_file_size);
    else
        emit_at(f, RV_PARSE_UNREADABLE, "", 0, "cannot read file: %s", strerror(errno));
}

int recval_check_file(const recval_validator *v, const char *path, recval_result *out)
{
    if (!v || !path || !out) {
        rv_set_error("recval_check_file: NULL argument");
        return RECVAL_EINVAL;
    }
    size_t len = 0;
    bool too_large;
    char *text = read_file(path, v->max_file_size, &len, &too_large);
    if (!text) {
        rv_file f = {.validator = v, .path = path, .base = base_name(path), .text = "", .len = 0};
        emit_read_error(&f, too_large, len);
        finish_result(&f, out);
        return RECVAL_OK;
    }
    int rc = recval_check_buffer(v, path, text, len, out);
    free(text);
    return rc;
}

/* --- loading without the rules (replay) ----------------------------- */

char *recval_read_file(const recval_validator *v, const char *path, size_t *len)
{
    if (!v || !path || !len) {
        rv_set_error("recval_read_file: NULL argument");
        return NULL;
    }
    bool too_large;
    char *text = read_file(path, v->max_file_size, len, &too_large);
    if (!text && too_large)
        rv_set_error("%s: file is %zu bytes, over the %zu-byte limit", path, *len,
                     v->max_file_size);
    else if (!text)
        rv_set_error("%s: cannot read file: %s", path, strerror(errno));
    return text;
}

int rv_file_load(const recval_validator *v, const char *path, rv_file *f)
{
    memset(f, 0, sizeof *f);
    f->validator = v;
    f->path = path;
    f->base = base_name(path);
    bool too_large;
    char *text = read_file(path, v->max_file_size, &f->len, &too_large);
    if (!text) {
        emit_read_error(f, too_large, f->len);
        f->text = xstrdup("");
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
    f->base = base_name(path);
    f->text = text;
    f->len = len;
    if (!parse_tree(f))
        return -1;
    rv_classify(f);
    return 0;
}

void rv_file_release(rv_file *f)
{
    clear_diags(f);
    free(f->diags);
    rv_stream_free(f->stream);
    if (f->match_data)
        pcre2_match_data_free(f->match_data);
    json_object_put(f->root);
    free((char *)f->text);
    memset(f, 0, sizeof *f);
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
