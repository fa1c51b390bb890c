/* reqhash.c - the recorder's request hashes for each recording kind, the
 * model-list digest, Python's urlparse() path, and matching file names
 * against the hashes. See reqhash.h for the formulas. */
#include "reqhash.h"
#include "jsonscan.h"
#include "pyjson.h"
#include "recval_internal.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const model_list_paths[] = {"/api/tags", "/v1/models", "/v1/openai/v1/models"};

static int is_model_list_path(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof model_list_paths / sizeof model_list_paths[0]; i++)
        if (strlen(model_list_paths[i]) == n && memcmp(model_list_paths[i], s, n) == 0)
            return 1;
    return 0;
}

static void set_err(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(char **err, const char *fmt, ...)
{
    if (!err)
        return;
    strbuf sb = STRBUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    rv_sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    *err = rv_sb_detach(&sb);
}

/* Notes the first thing the recorder's Python would have hashed
 * differently: where (a JSON pointer) and why. */
static void mark_unreproducible(reqhash_result *out, const char *where, const char *why)
{
    if (out->unreproducible)
        return;
    out->unreproducible = 1;
    snprintf(out->where, sizeof out->where, "%s", where);
    snprintf(out->reason, sizeof out->reason, "%s: %s", where, why);
}

/* --- digests --------------------------------------------------------- */

/* --- urlparse -------------------------------------------------------- */

/* urlparse splits ;params off the path only for these schemes. */
static int uses_params(const char *scheme)
{
    static const char *const schemes[] = {"",      "ftp",   "hdl",  "prospero", "http",  "imap",
                                          "https", "shttp", "rtsp", "rtsps",    "rtspu", "sip",
                                          "sips",  "mms",   "sftp", "tel"};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (strcmp(schemes[i], scheme) == 0)
            return 1;
    return 0;
}

static int is_scheme_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '-' || c == '.';
}

/* Length of the scheme before the first ':' as urlsplit accepts it
 * (an ASCII letter, then scheme characters), or 0 for none. */
static size_t scheme_length(const char *u, size_t n)
{
    const char *colon = memchr(u, ':', n);
    if (!colon || colon == u || !((u[0] >= 'a' && u[0] <= 'z') || (u[0] >= 'A' && u[0] <= 'Z')))
        return 0;
    for (const char *p = u; p < colon; p++)
        if (!is_scheme_char(*p))
            return 0;
    return (size_t)(colon - u);
}

static size_t span_until(const char *s, size_t n, const char *stops)
{
    for (size_t i = 0; i < n; i++)
        for (const char *c = stops; *c; c++)
            if (s[i] == *c)
                return i;
    return n;
}

/* urlparse's _splitparams: the path up to the ';' that starts params. */
static size_t path_without_params(const char *p, size_t n)
{
    size_t last_slash = n;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '/')
            last_slash = i;
    if (last_slash == n)
        return span_until(p, n, ";");
    return last_slash + span_until(p + last_slash, n - last_slash, ";");
}

int rv_reqhash_urlparse(const char *url, size_t n, strbuf *netloc, strbuf *path)
{
    /* urlsplit: strip leading C0 controls and spaces, drop tabs and
     * newlines anywhere. */
    strbuf clean = STRBUF_INIT;
    size_t i = 0;
    while (i < n && (unsigned char)url[i] <= 0x20)
        i++;
    rv_sb_reserve(&clean, n - i);
    while (i < n) {
        size_t run = span_until(url + i, n - i, "\t\r\n");
        rv_sb_put(&clean, url + i, run);
        i += run + 1; /* past the tab or newline */
    }
    const char *u = clean.data ? clean.data : "";
    size_t len = clean.len, scheme_len = scheme_length(u, len);
    char scheme[32] = "";
    if (scheme_len) {
        for (size_t k = 0; k < scheme_len && k + 1 < sizeof scheme; k++)
            scheme[k] = (char)(u[k] >= 'A' && u[k] <= 'Z' ? u[k] + 32 : u[k]);
        u += scheme_len + 1;
        len -= scheme_len + 1;
    }
    int rc = 0;
    if (len >= 2 && u[0] == '/' && u[1] == '/') {
        size_t nl = span_until(u + 2, len - 2, "/?#");
        int open = memchr(u + 2, '[', nl) != NULL, close = memchr(u + 2, ']', nl) != NULL;
        rc = open != close ? -1 : 0; /* "Invalid IPv6 URL" */
        rv_sb_put(netloc, u + 2, nl);
        u += 2 + nl;
        len -= 2 + nl;
    }
    len = span_until(u, len, "#");
    len = span_until(u, len, "?");
    if (scheme_len < sizeof scheme && uses_params(scheme) && memchr(u, ';', len))
        len = path_without_params(u, len);
    rv_sb_put(path, u, len);
    rv_sb_free(&clean);
    return rc;
}

/* --- request kinds --------------------------------------------------- */

static reqhash_kind request_kind(json_object *req)
{
    if (!json_object_is_type(req, json_type_object))
        return REQHASH_KIND_UNKNOWN;
    if (rv_has(req, "tool_name") && rv_has(req, "kwargs"))
        return REQHASH_KIND_TOOL;
    if (rv_has(req, "payload") && rv_has(req, "url"))
        return REQHASH_KIND_HTTP;
    if (rv_has(req, "file_id") && rv_has(req, "api"))
        return REQHASH_KIND_FILE_PROCESSOR;
    if (rv_has(req, "url") && rv_has(req, "body"))
        return REQHASH_KIND_INFERENCE;
    return REQHASH_KIND_UNKNOWN;
}

/* The string member key, or NULL (with *err set) when it is not one. */
static json_object *string_member(json_object *req, const char *key, char **err)
{
    json_object *v = rv_get(req, key);
    if (!json_object_is_type(v, json_type_string)) {
        set_err(err, "request.%s is not a string", key);
        return NULL;
    }
    return v;
}

/* Python's `needle in s` for a byte string s[0..n). */
static int contains(const char *s, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(s + i, needle, k) == 0)
            return 1;
    return 0;
}

/* The pieces the hashed documents of one request are made of, each made
 * once and only when a scheme needs it: the JSON text of method.upper(),
 * of the endpoint path and of test_id, and the dumps of the body (or
 * payload), normalized and as is. Dumps are written straight from the
 * parsed request; nothing normalized is built. */
typedef struct request_parts {
    reqhash_result *out;
    json_object *req, *test_id;
    json_object *body;   /* request.body, or request.payload (raw HTTP) */
    const char *body_at; /* its pointer, for messages */
    strbuf method;       /* "POST" */
    strbuf endpoint;     /* "/v1/chat/completions" (inference) */
    strbuf tid;          /* the test_id value */
    int with_test_id, bedrock;
    strbuf norm; /* dumps(normalize(body)) once norm_made */
    int norm_made;
    reqhash_norm_info info;
    reqhash_fs_strings fs; /* the strings of norm file_search rewrote */
    strbuf raw;            /* dumps(body) once raw_made, when it differs from norm */
    int raw_made;
    strbuf doc; /* the document being hashed */
    /* SHA-256 states of the inference document up to `body` bytes into
     * its body, taken while hashing the current one, shortest first: at
     * norm's first change (the plain dump agrees with norm before it) and
     * at its first string file_search rewrote (the older dumps agree
     * before it). The other schemes resume the longest their body fits. */
    struct snapshot {
        EVP_MD_CTX *ctx;
        size_t body;
    } snaps[2];
    int nsnaps;
} request_parts;

static void parts_free(request_parts *p)
{
    rv_sb_free(&p->method);
    rv_sb_free(&p->endpoint);
    rv_sb_free(&p->tid);
    rv_sb_free(&p->norm);
    rv_sb_free(&p->raw);
    rv_sb_free(&p->doc);
    rv_reqhash_fs_strings_free(&p->fs);
    for (int i = 0; i < p->nsnaps; i++)
        EVP_MD_CTX_free(p->snaps[i].ctx);
}

/* JSON text of method.upper(); non-ASCII letters would need Python's
 * full case mapping, so they only mark the result. */
static void put_upper_method(request_parts *p, json_object *method)
{
    const char *s = json_object_get_string(method);
    size_t n = (size_t)json_object_get_string_len(method);
    char *u = rv_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            mark_unreproducible(p->out, "/request/method",
                                "not ASCII (Python's str.upper() is not reproduced)");
        u[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    rv_pyjson_put_string(&p->method, u, n);
    free(u);
}

static int is_model_list_endpoint(json_object *req)
{
    json_object *endpoint = rv_get(req, "endpoint");
    return json_object_is_type(endpoint, json_type_string) &&
           is_model_list_path(json_object_get_string(endpoint),
                              (size_t)json_object_get_string_len(endpoint));
}

static int init_inference(request_parts *p, char **err)
{
    json_object *url = string_member(p->req, "url", err);
    json_object *method = url ? string_member(p->req, "method", err) : NULL;
    if (!method)
        return -1;
    strbuf netloc = STRBUF_INIT, path = STRBUF_INIT;
    if (rv_reqhash_urlparse(json_object_get_string(url), (size_t)json_object_get_string_len(url),
                            &netloc, &path) < 0)
        mark_unreproducible(p->out, "/request/url",
                            "Python's urlparse() raises on it (unbalanced brackets)");
    put_upper_method(p, method);
    rv_pyjson_put_string(&p->endpoint, path.data ? path.data : "", path.len);
    p->with_test_id = !is_model_list_path(path.data ? path.data : "", path.len);
    p->bedrock = contains(netloc.data, netloc.len, "bedrock");
    p->body = rv_get(p->req, "body");
    p->body_at = "/request/body";
    p->out->is_model_list = is_model_list_endpoint(p->req);
    rv_sb_free(&netloc);
    rv_sb_free(&path);
    return 0;
}

static int init_http(request_parts *p, char **err)
{
    json_object *method = string_member(p->req, "method", err);
    if (!method)
        return -1;
    put_upper_method(p, method);
    p->body = rv_get(p->req, "payload");
    p->body_at = "/request/payload";
    return 0;
}

static int parts_init(request_parts *p, json_object *req, json_object *test_id, reqhash_result *out,
                      char **err)
{
    memset(out, 0, sizeof *out);
    *p = (request_parts){.out = out, .req = req, .test_id = test_id};
    out->kind = request_kind(req);
    rv_pyjson_dumps(test_id, &p->tid, NULL);
    switch (out->kind) {
    case REQHASH_KIND_INFERENCE:
        return init_inference(p, err);
    case REQHASH_KIND_HTTP:
        return init_http(p, err);
    case REQHASH_KIND_TOOL:
    case REQHASH_KIND_FILE_PROCESSOR:
        return 0;
    default:
        set_err(err, "request has no known recording shape");
        return -1;
    }
}

/* Pointer of the first member name or string under v that cannot be
 * normalized (or written), appended to ptr; 1 when found. Only called
 * once something failed, so it may be slow. */
static int find_unnormalizable(json_object *v, strbuf *ptr)
{
    strbuf scratch = STRBUF_INIT;
    int found = 0;
    size_t mark = ptr->len;
    if (json_object_is_type(v, json_type_string)) {
        found = rv_reqhash_normalize_string(json_object_get_string(v),
                                            (size_t)json_object_get_string_len(v),
                                            REQHASH_NORM_CURRENT, &scratch, NULL) < 0;
    } else if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, val)
        {
            rv_sb_putc(ptr, '/');
            rv_sb_put_pointer_token(ptr, key, strlen(key));
            if (rv_pyjson_put_string(&scratch, key, strlen(key)) < 0 ||
                find_unnormalizable(val, ptr)) {
                found = 1;
                break;
            }
            rv_sb_truncate(ptr, mark);
        }
    } else if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(v) && !found; i++) {
            rv_sb_printf(ptr, "/%zu", i);
            found = find_unnormalizable(json_object_array_get_idx(v, i), ptr);
            if (!found)
                rv_sb_truncate(ptr, mark);
        }
    }
    rv_sb_free(&scratch);
    return found;
}

static void mark_unnormalizable(request_parts *p, const char *why)
{
    strbuf ptr = STRBUF_INIT;
    rv_sb_puts(&ptr, p->body_at);
    find_unnormalizable(p->body, &ptr);
    mark_unreproducible(p->out, ptr.data, why);
    rv_sb_free(&ptr);
}

/* dumps(normalize(body)) at the current level, made once. */
static const strbuf *norm_body(request_parts *p)
{
    if (p->norm_made)
        return &p->norm;
    p->norm_made = 1;
    rv_reqhash_dump_normalized_fs(p->body, REQHASH_NORM_CURRENT, p->bedrock, &p->norm, &p->info,
                                  &p->fs);
    if (p->info.bad)
        mark_unnormalizable(p, "not valid UTF-8");
    else if (p->info.failed)
        mark_unnormalizable(p, "the recorder's normalization could not be run on it (PCRE2 error)");
    return &p->norm;
}

/* dumps(body): the normalized dump when normalizing changed nothing. */
static const strbuf *raw_body(request_parts *p)
{
    if (p->norm_made && !p->info.changed)
        return &p->norm;
    if (!p->raw_made) {
        int bad = 0;
        p->raw_made = 1;
        rv_pyjson_dumps(p->body, &p->raw, &bad);
        if (bad)
            mark_unnormalizable(p, "not valid UTF-8");
    }
    return &p->raw;
}

static void put_member(strbuf *doc, const char *name, const strbuf *json)
{
    rv_sb_puts(doc, name);
    rv_sb_put(doc, json->data ? json->data : "null", json->data ? json->len : 4);
}

/* Finishes the SHA-256 of ctx with data[0..n) as lower-case hex. */
static void finish_hex(EVP_MD_CTX *ctx, const char *data, size_t n, char hex[65])
{
    EVP_DigestUpdate(ctx, data, n);
    rv_sha256_final_hex(ctx, hex, 65);
}

static EVP_MD_CTX *new_sha256(void)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx)
        rv_out_of_memory(sizeof(void *));
    return ctx;
}

/* Takes p->snaps from p->doc, the current inference document, whose body
 * (norm) starts `head` bytes in. */
static void take_snapshots(request_parts *p, size_t head)
{
    size_t at[2] = {p->info.changed ? p->info.first_change : p->norm.len, 0}, n = 1;
    if (p->fs.count && p->fs.items[0].at > at[0])
        at[n++] = p->fs.items[0].at;
    EVP_MD_CTX *ctx = new_sha256();
    EVP_DigestInit_ex(ctx, rv_sha256_md(), NULL);
    for (size_t i = 0, done = 0; i < n; i++) {
        EVP_DigestUpdate(ctx, p->doc.data + done, head + at[i] - done);
        done = head + at[i];
        p->snaps[i].ctx = new_sha256();
        EVP_MD_CTX_copy_ex(p->snaps[i].ctx, ctx);
        p->snaps[i].body = at[i];
    }
    p->nsnaps = (int)n;
    EVP_MD_CTX_free(ctx);
}

/* The SHA-256 of p->doc, whose body starts `head` bytes in: resumed from
 * the longest snapshot whose body part body starts with (the snapshots
 * are taken the first time norm itself is hashed). */
static void hash_doc(request_parts *p, const strbuf *body, size_t head, char hex[65])
{
    if (body == &p->norm && p->nsnaps == 0)
        take_snapshots(p, head);
    const struct snapshot *from = NULL;
    for (int i = 0; i < p->nsnaps; i++)
        if (body->len >= p->snaps[i].body &&
            memcmp(body->data, p->norm.data, p->snaps[i].body) == 0)
            from = &p->snaps[i];
    EVP_MD_CTX *ctx = new_sha256();
    size_t done = 0;
    if (from) {
        EVP_MD_CTX_copy_ex(ctx, from->ctx);
        done = head + from->body;
    } else {
        EVP_DigestInit_ex(ctx, rv_sha256_md(), NULL);
    }
    finish_hex(ctx, p->doc.data + done, p->doc.len - done, hex);
    EVP_MD_CTX_free(ctx);
}

/* sha256 of {"body", "endpoint", "method"[, "test_id"]} (keys sorted). */
static void hash_inference_doc(request_parts *p, const strbuf *body, int with_test_id, char hex[65])
{
    static const char head[] = "{\"body\": ";
    rv_sb_truncate(&p->doc, 0);
    put_member(&p->doc, head, body);
    put_member(&p->doc, ", \"endpoint\": ", &p->endpoint);
    put_member(&p->doc, ", \"method\": ", &p->method);
    if (with_test_id)
        put_member(&p->doc, ", \"test_id\": ", &p->tid);
    rv_sb_putc(&p->doc, '}');
    if (body->data)
        hash_doc(p, body, sizeof head - 1, hex);
    else
        rv_sha256_hex(p->doc.data, p->doc.len, hex, 65);
}

/* sha256 of {"method", "payload", "test_id", "url"} (keys sorted). */
static void hash_http_doc(request_parts *p, const strbuf *payload, char hex[65])
{
    strbuf url = STRBUF_INIT;
    rv_pyjson_dumps(rv_get(p->req, "url"), &url, NULL);
    rv_sb_truncate(&p->doc, 0);
    put_member(&p->doc, "{\"method\": ", &p->method);
    put_member(&p->doc, ", \"payload\": ", payload);
    put_member(&p->doc, ", \"test_id\": ", &p->tid);
    put_member(&p->doc, ", \"url\": ", &url);
    rv_sb_putc(&p->doc, '}');
    rv_sha256_hex(p->doc.data, p->doc.len, hex, 65);
    rv_sb_free(&url);
}

/* sha256 of {"kwargs", "provider", "tool_name"}, nothing normalized, and
 * with the test_id as well when with_test_id (an earlier recorder). */
static void hash_tool(request_parts *p, int with_test_id, char hex[65])
{
    json_object *doc = json_object_new_object();
    static const char *const keys[] = {"provider", "tool_name", "kwargs"};
    for (size_t i = 0; i < 3; i++)
        json_object_object_add(doc, keys[i], json_object_get(rv_get(p->req, keys[i])));
    if (with_test_id)
        json_object_object_add(doc, "test_id", json_object_get(p->test_id));
    int bad = 0;
    rv_sb_truncate(&p->doc, 0);
    rv_pyjson_dumps(doc, &p->doc, &bad);
    if (bad)
        mark_unreproducible(p->out, "/request", "a string is not valid UTF-8");
    rv_sha256_hex(p->doc.data, p->doc.len, hex, 65);
    json_object_put(doc);
}

/* The current scheme: what today's recorder names the file by. */
static void compute_current(request_parts *p)
{
    if (p->out->current[0])
        return;
    switch (p->out->kind) {
    case REQHASH_KIND_INFERENCE:
        hash_inference_doc(p, norm_body(p), p->with_test_id, p->out->current);
        break;
    case REQHASH_KIND_HTTP:
        hash_http_doc(p, norm_body(p), p->out->current);
        break;
    case REQHASH_KIND_TOOL:
        hash_tool(p, 0, p->out->current);
        break;
    default:
        break;
    }
}

static void compute_legacy(request_parts *p)
{
    if (p->out->kind == REQHASH_KIND_INFERENCE && !p->out->legacy[0])
        hash_inference_doc(p, raw_body(p), 0, p->out->legacy);
}

/* The current scheme with the normalization of an earlier recorder: the
 * current dump with the strings file_search rewrote written again. */
static void hash_older(request_parts *p, reqhash_norm_level level, char hex[65])
{
    strbuf body = STRBUF_INIT;
    const strbuf *norm = norm_body(p);
    rv_reqhash_redump_level(norm->data, norm->len, &p->fs, level, &body);
    hash_inference_doc(p, &body, p->with_test_id, hex);
    rv_sb_free(&body);
}

/* Every scheme not computed yet. */
static void compute_all(request_parts *p)
{
    reqhash_result *out = p->out;
    compute_current(p);
    if (out->kind == REQHASH_KIND_INFERENCE) {
        if (!out->current_raw[0])
            hash_inference_doc(p, raw_body(p), p->with_test_id, out->current_raw);
        compute_legacy(p);
        if (p->info.fs_changed && !out->older_fs_partial[0])
            hash_older(p, REQHASH_NORM_FS_PARTIAL, out->older_fs_partial);
        if (p->info.fs_changed && !out->older_fs_none[0])
            hash_older(p, REQHASH_NORM_FLOATS, out->older_fs_none);
    } else if (out->kind == REQHASH_KIND_HTTP && !out->current_raw[0]) {
        hash_http_doc(p, raw_body(p), out->current_raw);
    } else if (out->kind == REQHASH_KIND_TOOL && !out->tool_test_id[0]) {
        hash_tool(p, 1, out->tool_test_id);
    }
}

int rv_reqhash_compute_request(json_object *request, json_object *test_id, reqhash_result *out,
                               char **err)
{
    request_parts p;
    int rc = parts_init(&p, request, test_id, out, err);
    if (rc == 0)
        compute_all(&p);
    parts_free(&p);
    return rc;
}

/* --- whole recordings ------------------------------------------------ */

typedef struct scan_ctx {
    const char *text;
    size_t len;
    int whole_recording; /* only /request and /test_id are hashed */
    reqhash_result *out;
} scan_ctx;

static int starts_member(const char *pointer, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(pointer, prefix, n) == 0 && (pointer[n] == '\0' || pointer[n] == '/');
}

/* Keeps the first issue that lies in what the hash reads. */
static int on_issue(const pyjson_issue *issue, void *ud)
{
    scan_ctx *c = ud;
    char *pointer = rv_jscan_pointer_at(c->text, c->len, issue->offset);
    int hit = pointer && (!c->whole_recording || starts_member(pointer, "/request") ||
                          starts_member(pointer, "/test_id"));
    if (hit)
        mark_unreproducible(c->out, pointer, issue->reason);
    free(pointer);
    return hit;
}

void rv_reqhash_scan_unreproducible(const char *text, size_t len, int whole_recording,
                                    reqhash_result *out)
{
    if (out->unreproducible)
        return;
    scan_ctx c = {text, len, whole_recording, out};
    rv_pyjson_scan(text, len, on_issue, &c);
}

/* The request and test_id of a recording, or -1 when it is no object. */
static int recording_parts(json_object *recording, request_parts *p, reqhash_result *out,
                           char **err)
{
    if (!json_object_is_type(recording, json_type_object)) {
        memset(out, 0, sizeof *out);
        *p = (request_parts){.out = out};
        set_err(err, "recording is not an object");
        return -1;
    }
    return parts_init(p, rv_get(recording, "request"), rv_get(recording, "test_id"), out, err);
}

/* The model-list digest and the text scan, after the hashes. */
static void finish_recording(json_object *recording, const char *text, size_t len,
                             reqhash_result *out)
{
    if (out->is_model_list && rv_reqhash_models_digest(recording, out->models_digest) < 0)
        out->models_digest[0] = '\0';
    if (text)
        rv_reqhash_scan_unreproducible(text, len, 1, out);
}

int rv_reqhash_compute(json_object *recording, const char *text, size_t len, reqhash_result *out,
                       char **err)
{
    request_parts p;
    int rc = recording_parts(recording, &p, out, err);
    if (rc == 0) {
        compute_all(&p);
        finish_recording(recording, text, len, out);
    }
    parts_free(&p);
    return rc;
}

/* The stale schemes of the current layout, most frequent first, each
 * computed only when the previous one did not match. */
static reqhash_match match_stale(request_parts *p, const char *hex)
{
    reqhash_result *out = p->out;
    reqhash_match m = REQHASH_MATCH_NONE;
    if (out->kind == REQHASH_KIND_INFERENCE && p->info.fs_changed) {
        hash_older(p, REQHASH_NORM_FLOATS, out->older_fs_none);
        if ((m = rv_reqhash_match_hash(out, hex)) != REQHASH_MATCH_NONE)
            return m;
        hash_older(p, REQHASH_NORM_FS_PARTIAL, out->older_fs_partial);
        if ((m = rv_reqhash_match_hash(out, hex)) != REQHASH_MATCH_NONE)
            return m;
    }
    if (out->kind == REQHASH_KIND_INFERENCE || out->kind == REQHASH_KIND_HTTP ||
        out->kind == REQHASH_KIND_TOOL) {
        compute_all(p); /* current_raw and legacy, or tool_test_id */
        m = rv_reqhash_match_hash(out, hex);
    }
    return m;
}

reqhash_match rv_reqhash_compute_for_name(json_object *recording, const char *text, size_t len,
                                          const char *hex, reqhash_result *out, char **err)
{
    request_parts p;
    reqhash_match m = REQHASH_MATCH_NONE;
    if (recording_parts(recording, &p, out, err) < 0) {
        parts_free(&p);
        return (reqhash_match)-1;
    }
    size_t n = strlen(hex);
    if (n == 12) {
        compute_current(&p); /* wanted whatever the name; first, for the snapshot */
        compute_legacy(&p);
        m = rv_reqhash_match_hash(out, hex);
    } else if (n == 64) {
        compute_current(&p);
        m = rv_reqhash_match_hash(out, hex);
        if (m == REQHASH_MATCH_NONE)
            m = match_stale(&p, hex);
    }
    if (m == REQHASH_MATCH_NONE) {
        compute_all(&p); /* every scheme, for the message */
        finish_recording(recording, text, len, out);
    } else if (out->is_model_list && rv_reqhash_models_digest(recording, out->models_digest) < 0) {
        out->models_digest[0] = '\0';
    }
    parts_free(&p);
    return m;
}

/* --- model lists ----------------------------------------------------- */

/* v, or its "__data__" when v is a {"__type__", "__data__"} wrapper. */
static json_object *unwrap(json_object *v)
{
    json_object *data = rv_get(v, "__data__");
    return json_object_is_type(v, json_type_object) && data ? data : v;
}

/* A model identifier: its bytes, read out of json-c once. */
typedef struct model_id {
    const char *s;
    size_t n;
} model_id;

/* Python's str order: UTF-8 bytes compare in code point order. */
static int cmp_model_ids(const void *a, const void *b)
{
    const model_id *x = a, *y = b;
    int c = memcmp(x->s, y->s, x->n < y->n ? x->n : y->n);
    return c ? c : (x->n > y->n) - (x->n < y->n);
}

/* The models of a model-list response body: the list itself, or the
 * "models" member (Ollama's ListResponse). */
static json_object *model_items(json_object *body)
{
    body = unwrap(body);
    json_object *models = rv_get(body, "models");
    if (json_object_is_type(body, json_type_object) && json_object_is_type(models, json_type_array))
        return models;
    return json_object_is_type(body, json_type_array) ? body : NULL;
}

int rv_reqhash_models_digest(json_object *recording, char out[9])
{
    json_object *request = rv_get(recording, "request"), *endpoint = rv_get(request, "endpoint");
    json_object *items = model_items(rv_get(rv_get(recording, "response"), "body"));
    if (!json_object_is_type(endpoint, json_type_string) || !items)
        return -1;
    const char *key = strcmp(json_object_get_string(endpoint), "/api/tags") == 0 ? "model" : "id";
    size_t n = json_object_array_length(items), k = 0;
    model_id *ids = rv_xcalloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        json_object *id = rv_get(unwrap(json_object_array_get_idx(items, i)), key);
        if (!json_object_is_type(id, json_type_string)) {
            free(ids);
            return -1;
        }
        ids[k++] = (model_id){json_object_get_string(id), (size_t)json_object_get_string_len(id)};
    }
    qsort(ids, k, sizeof *ids, cmp_model_ids);
    strbuf joined = STRBUF_INIT;
    for (size_t i = 0; i < k; i++) {
        if (i && cmp_model_ids(&ids[i - 1], &ids[i]) == 0)
            continue; /* sorted(set(...)) */
        if (i)
            rv_sb_putc(&joined, '|');
        rv_sb_put(&joined, ids[i].s, ids[i].n);
    }
    rv_sha256_hex(joined.data ? joined.data : "", joined.len, out, 9);
    rv_sb_free(&joined);
    free(ids);
    return 0;
}

/* --- file names ------------------------------------------------------ */

static int all_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

reqhash_match rv_reqhash_match_hash(const reqhash_result *r, const char *h)
{
    size_t n = strlen(h);
    if (n == 64) {
        if (r->current[0] && memcmp(h, r->current, 64) == 0)
            return REQHASH_MATCH_CURRENT;
        if (r->current_raw[0] && memcmp(h, r->current_raw, 64) == 0)
            return REQHASH_MATCH_CURRENT_RAW;
        if (r->older_fs_partial[0] && memcmp(h, r->older_fs_partial, 64) == 0)
            return REQHASH_MATCH_OLDER_FS_PARTIAL;
        if (r->older_fs_none[0] && memcmp(h, r->older_fs_none, 64) == 0)
            return REQHASH_MATCH_OLDER_FS_NONE;
        if (r->legacy[0] && memcmp(h, r->legacy, 64) == 0)
            return REQHASH_MATCH_LEGACY; /* the whole legacy hash as a current-style name */
        if (r->tool_test_id[0] && memcmp(h, r->tool_test_id, 64) == 0)
            return REQHASH_MATCH_TOOL_TEST_ID;
    } else if (n == 12 && r->legacy[0] && memcmp(h, r->legacy, 12) == 0) {
        return REQHASH_MATCH_LEGACY;
    }
    return REQHASH_MATCH_NONE;
}

reqhash_match rv_reqhash_match_name(const reqhash_result *r, const char *basename, int *digest_ok)
{
    size_t n = strlen(basename);
    if (digest_ok)
        *digest_ok = 1;
    if (n < 5 || strcmp(basename + n - 5, ".json") != 0)
        return REQHASH_MATCH_NONE;
    n -= 5;
    if (n == 7 + 64 + 1 + 8 && strncmp(basename, "models-", 7) == 0 && basename[71] == '-') {
        if (digest_ok)
            *digest_ok =
                all_hex(basename + 72, 8) && memcmp(basename + 72, r->models_digest, 8) == 0;
        basename += 7;
        n = 64;
    }
    if ((n != 64 && n != 12) || !all_hex(basename, n))
        return REQHASH_MATCH_NONE;
    char hash[65];
    memcpy(hash, basename, n);
    hash[n] = '\0';
    return rv_reqhash_match_hash(r, hash);
}

const char *rv_reqhash_match_name_str(reqhash_match m)
{
    static const char *const names[] = {
        "none",          "current", "current_raw", "older_fs_partial",
        "older_fs_none", "legacy",  "tool_test_id"};
    return (size_t)m < sizeof names / sizeof names[0] ? names[m] : "none";
}

const char *rv_reqhash_kind_str(reqhash_kind k)
{
    static const char *const names[] = {"unknown", "inference", "tool", "http", "file_processor"};
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "unknown";
}
