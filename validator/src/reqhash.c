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
    sb_vprintf(&sb, fmt, ap);
    va_end(ap);
    *err = sb_detach(&sb);
}

static void mark_unreproducible(reqhash_result *out, const char *what)
{
    if (out->unreproducible)
        return;
    out->unreproducible = 1;
    snprintf(out->reason, sizeof out->reason, "%s", what);
}

/* --- digests --------------------------------------------------------- */

static void sha256_hex(const void *data, size_t n, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, EVP_sha256(), NULL);
    for (unsigned int i = 0; i < len && i < 32; i++)
        sprintf(hex + 2 * i, "%02x", md[i]);
    hex[64] = '\0';
}

/* sha256(json.dumps(doc, sort_keys=True)); consumes doc. */
static void hash_doc(json_object *doc, char hex[65], reqhash_result *out)
{
    strbuf sb = STRBUF_INIT;
    int bad = 0;
    pyjson_dumps(doc, &sb, &bad);
    if (bad)
        mark_unreproducible(out, "a string of the request is not valid UTF-8");
    sha256_hex(sb.data, sb.len, hex);
    sb_free(&sb);
    json_object_put(doc);
}

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
    size_t i = 0;
    while (i < n && !memchr(stops, s[i], strlen(stops)))
        i++;
    return i;
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

int reqhash_urlparse(const char *url, size_t n, strbuf *netloc, strbuf *path)
{
    /* urlsplit: strip leading C0 controls and spaces, drop tabs and
     * newlines anywhere. */
    strbuf clean = STRBUF_INIT;
    size_t i = 0;
    while (i < n && (unsigned char)url[i] <= 0x20)
        i++;
    for (; i < n; i++)
        if (url[i] != '\t' && url[i] != '\r' && url[i] != '\n')
            sb_putc(&clean, url[i]);
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
        sb_put(netloc, u + 2, nl);
        u += 2 + nl;
        len -= 2 + nl;
    }
    len = span_until(u, len, "#");
    len = span_until(u, len, "?");
    if (scheme_len < sizeof scheme && uses_params(scheme) && memchr(u, ';', len))
        len = path_without_params(u, len);
    sb_put(path, u, len);
    sb_free(&clean);
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

/* method.upper() as a new string; non-ASCII letters would need Python's
 * full case mapping, so they only mark the result. */
static json_object *upper_method(json_object *method, reqhash_result *out)
{
    const char *s = json_object_get_string(method);
    size_t n = (size_t)json_object_get_string_len(method);
    char *u = xmalloc(n + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            mark_unreproducible(
                out, "request.method is not ASCII (Python's str.upper() not reproduced)");
        u[i] = (char)(c >= 'a' && c <= 'z' ? c - 32 : c);
    }
    json_object *v = json_object_new_string_len(u, (int)n);
    free(u);
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

static json_object *new_string(const strbuf *sb)
{
    return json_object_new_string_len(sb->data ? sb->data : "", (int)sb->len);
}

/* {"method", "endpoint", "body"[, "test_id"]} with a reference to body. */
static json_object *inference_doc(json_object *method, const strbuf *path, json_object *body,
                                  json_object *test_id, int with_test_id)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "method", json_object_get(method));
    json_object_object_add(doc, "endpoint", new_string(path));
    json_object_object_add(doc, "body", body);
    if (with_test_id)
        json_object_object_add(doc, "test_id", json_object_get(test_id));
    return doc;
}

/* The current scheme with the body normalized at the given level. */
static void hash_normalized(json_object *method, const strbuf *path, json_object *body,
                            json_object *test_id, int with_test_id, int bedrock,
                            reqhash_norm_level level, char hex[65], reqhash_result *out,
                            int *fs_changed)
{
    int bad = 0;
    json_object *norm = reqhash_normalize(body, level, bedrock, fs_changed, &bad);
    if (bad)
        mark_unreproducible(out,
                            "a string of request.body could not be normalized (invalid UTF-8?)");
    hash_doc(inference_doc(method, path, norm, test_id, with_test_id), hex, out);
}

static int hash_inference(json_object *req, json_object *test_id, reqhash_result *out, char **err)
{
    json_object *url = string_member(req, "url", err);
    json_object *method = url ? string_member(req, "method", err) : NULL;
    if (!method)
        return -1;
    strbuf netloc = STRBUF_INIT, path = STRBUF_INIT;
    if (reqhash_urlparse(json_object_get_string(url), (size_t)json_object_get_string_len(url),
                         &netloc, &path) < 0)
        mark_unreproducible(out,
                            "/request/url: Python's urlparse() raises on it (unbalanced brackets)");
    json_object *body = rv_get(req, "body"), *m = upper_method(method, out);
    int with_tid = !is_model_list_path(path.data ? path.data : "", path.len);
    int bedrock = contains(netloc.data, netloc.len, "bedrock"), fs = 0;

    hash_normalized(m, &path, body, test_id, with_tid, bedrock, REQHASH_NORM_CURRENT, out->current,
                    out, &fs);
    if (fs) {
        hash_normalized(m, &path, body, test_id, with_tid, bedrock, REQHASH_NORM_FS_PARTIAL,
                        out->older_fs_partial, out, NULL);
        hash_normalized(m, &path, body, test_id, with_tid, bedrock, REQHASH_NORM_FLOATS,
                        out->older_fs_none, out, NULL);
    }
    hash_doc(inference_doc(m, &path, json_object_get(body), test_id, with_tid), out->current_raw,
             out);
    hash_doc(inference_doc(m, &path, json_object_get(body), NULL, 0), out->legacy, out);

    json_object *endpoint = rv_get(req, "endpoint");
    out->is_model_list = json_object_is_type(endpoint, json_type_string) &&
                         is_model_list_path(json_object_get_string(endpoint),
                                            (size_t)json_object_get_string_len(endpoint));
    json_object_put(m);
    sb_free(&netloc);
    sb_free(&path);
    return 0;
}

static int hash_tool(json_object *req, reqhash_result *out)
{
    json_object *doc = json_object_new_object();
    static const char *const keys[] = {"provider", "tool_name", "kwargs"};
    for (size_t i = 0; i < 3; i++)
        json_object_object_add(doc, keys[i], json_object_get(rv_get(req, keys[i])));
    hash_doc(doc, out->current, out);
    return 0;
}

/* {"test_id", "url", "method", "payload"}, payload normalized or not. */
static void hash_http_doc(json_object *req, json_object *method, json_object *test_id,
                          json_object *payload, char hex[65], reqhash_result *out)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "test_id", json_object_get(test_id));
    json_object_object_add(doc, "url", json_object_get(rv_get(req, "url")));
    json_object_object_add(doc, "method", json_object_get(method));
    json_object_object_add(doc, "payload", payload);
    hash_doc(doc, hex, out);
}

static int hash_http(json_object *req, json_object *test_id, reqhash_result *out, char **err)
{
    json_object *method = string_member(req, "method", err);
    if (!method)
        return -1;
    json_object *m = upper_method(method, out), *payload = rv_get(req, "payload");
    int bad = 0;
    json_object *norm = reqhash_normalize(payload, REQHASH_NORM_CURRENT, 0, NULL, &bad);
    if (bad)
        mark_unreproducible(out,
                            "a string of request.payload could not be normalized (invalid UTF-8?)");
    hash_http_doc(req, m, test_id, norm, out->current, out);
    hash_http_doc(req, m, test_id, json_object_get(payload), out->current_raw, out);
    json_object_put(m);
    return 0;
}

int reqhash_compute_request(json_object *request, json_object *test_id, reqhash_result *out,
                            char **err)
{
    memset(out, 0, sizeof *out);
    out->kind = request_kind(request);
    switch (out->kind) {
    case REQHASH_KIND_INFERENCE:
        return hash_inference(request, test_id, out, err);
    case REQHASH_KIND_TOOL:
        return hash_tool(request, out);
    case REQHASH_KIND_HTTP:
        return hash_http(request, test_id, out, err);
    case REQHASH_KIND_FILE_PROCESSOR:
        return 0;
    default:
        set_err(err, "request has no known recording shape");
        return -1;
    }
}

/* --- whole recordings ------------------------------------------------ */

typedef struct scan_ctx {
    const char *text;
    size_t len;
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
    char *pointer = jscan_pointer_at(c->text, c->len, issue->offset);
    int hit = pointer && (starts_member(pointer, "/request") || starts_member(pointer, "/test_id"));
    if (hit) {
        c->out->unreproducible = 1;
        snprintf(c->out->reason, sizeof c->out->reason, "%s: %s", pointer, issue->reason);
    }
    free(pointer);
    return hit;
}

int reqhash_compute(json_object *recording, const char *text, size_t len, reqhash_result *out,
                    char **err)
{
    if (!json_object_is_type(recording, json_type_object)) {
        memset(out, 0, sizeof *out);
        set_err(err, "recording is not an object");
        return -1;
    }
    if (reqhash_compute_request(rv_get(recording, "request"), rv_get(recording, "test_id"), out,
                                err) < 0)
        return -1;
    if (out->is_model_list && reqhash_models_digest(recording, out->models_digest) < 0)
        out->models_digest[0] = '\0';
    if (text && !out->unreproducible) {
        scan_ctx c = {text, len, out};
        pyjson_scan(text, len, on_issue, &c);
    }
    return 0;
}

/* --- model lists ----------------------------------------------------- */

/* v, or its "__data__" when v is a {"__type__", "__data__"} wrapper. */
static json_object *unwrap(json_object *v)
{
    json_object *data = rv_get(v, "__data__");
    return json_object_is_type(v, json_type_object) && data ? data : v;
}

static int cmp_json_strings(const void *a, const void *b)
{
    json_object *x = *(json_object *const *)a, *y = *(json_object *const *)b;
    size_t nx = (size_t)json_object_get_string_len(x), ny = (size_t)json_object_get_string_len(y);
    int c = memcmp(json_object_get_string(x), json_object_get_string(y), nx < ny ? nx : ny);
    return c ? c : (nx > ny) - (nx < ny);
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

int reqhash_models_digest(json_object *recording, char out[9])
{
    json_object *request = rv_get(recording, "request"), *endpoint = rv_get(request, "endpoint");
    json_object *items = model_items(rv_get(rv_get(recording, "response"), "body"));
    if (!json_object_is_type(endpoint, json_type_string) || !items)
        return -1;
    const char *key = strcmp(json_object_get_string(endpoint), "/api/tags") == 0 ? "model" : "id";
    size_t n = json_object_array_length(items), k = 0;
    json_object **ids = xcalloc(n, sizeof *ids);
    for (size_t i = 0; i < n; i++) {
        json_object *id = rv_get(unwrap(json_object_array_get_idx(items, i)), key);
        if (!json_object_is_type(id, json_type_string)) {
            free(ids);
            return -1;
        }
        ids[k++] = id;
    }
    qsort(ids, k, sizeof *ids, cmp_json_strings);
    strbuf joined = STRBUF_INIT;
    for (size_t i = 0; i < k; i++) {
        if (i && cmp_json_strings(&ids[i - 1], &ids[i]) == 0)
            continue; /* sorted(set(...)) */
        if (i)
            sb_putc(&joined, '|');
        sb_put(&joined, json_object_get_string(ids[i]), (size_t)json_object_get_string_len(ids[i]));
    }
    char hex[65];
    sha256_hex(joined.data ? joined.data : "", joined.len, hex);
    memcpy(out, hex, 8);
    out[8] = '\0';
    sb_free(&joined);
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

reqhash_match reqhash_match_hash(const reqhash_result *r, const char *h)
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
    } else if (n == 12 && r->legacy[0] && memcmp(h, r->legacy, 12) == 0) {
        return REQHASH_MATCH_LEGACY;
    }
    return REQHASH_MATCH_NONE;
}

reqhash_match reqhash_match_name(const reqhash_result *r, const char *basename, int *digest_ok)
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
    return reqhash_match_hash(r, hash);
}

const char *reqhash_match_name_str(reqhash_match m)
{
    static const char *const names[] = {
        "none", "current", "current_raw", "older_fs_partial", "older_fs_none", "legacy"};
    return (size_t)m < sizeof names / sizeof names[0] ? names[m] : "none";
}

const char *reqhash_kind_str(reqhash_kind k)
{
    static const char *const names[] = {"unknown", "inference", "tool", "http", "file_processor"};
    return (size_t)k < sizeof names / sizeof names[0] ? names[k] : "unknown";
}
