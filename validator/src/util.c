/* util.c - json-c accessors, what a JSON value is (for messages), small
 * string tests, pointer formatting, SHA-256 digests and the thread-local
 * error message of the public API. */
#include "recval_internal.h"

#include <math.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char last_error[4096]; /* room for a config's problems */

void rv_set_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
}

const char *recval_last_error(void)
{
    return last_error;
}

size_t recval_utf8_decode(const char *s, size_t n, uint32_t *cp)
{
    return rv_utf8_decode(s, n, cp);
}

recval_oom_handler recval_set_oom_handler(recval_oom_handler handler)
{
    return rv_set_oom_handler(handler);
}

const char *recval_version(void)
{
    return RECVAL_VERSION;
}

/* Members compared in order before json-c's hash lookup is used: the
 * objects of a recording are small, and comparing a few names costs less
 * than hashing one. */
#define MEMBERS_COMPARED 12

bool rv_member(json_object *obj, const char *key, json_object **value)
{
    if (!obj || !json_object_is_type(obj, json_type_object))
        return false;
    struct lh_entry *e = lh_table_head(json_object_get_object(obj));
    for (int i = 0; e && i < MEMBERS_COMPARED; i++, e = lh_entry_next(e)) {
        const char *k = lh_entry_k(e);
        if (k[0] == key[0] && strcmp(k, key) == 0) {
            if (value)
                *value = lh_entry_v(e);
            return true;
        }
    }
    return e && json_object_object_get_ex(obj, key, value);
}

json_object *rv_get(json_object *obj, const char *key)
{
    json_object *v = NULL;
    return rv_member(obj, key, &v) ? v : NULL;
}

json_object *rv_get_object(json_object *obj, const char *key)
{
    json_object *v = rv_get(obj, key);
    return json_object_is_type(v, json_type_object) ? v : NULL;
}

json_object *rv_get_array(json_object *obj, const char *key)
{
    json_object *v = rv_get(obj, key);
    return json_object_is_type(v, json_type_array) ? v : NULL;
}

const char *rv_get_string(json_object *obj, const char *key)
{
    json_object *v = rv_get(obj, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

bool rv_has(json_object *obj, const char *key)
{
    return rv_member(obj, key, NULL);
}

bool rv_as_int(json_object *v, int64_t *out)
{
    if (json_object_is_type(v, json_type_int)) {
        *out = json_object_get_int64(v);
        return true;
    }
    if (json_object_is_type(v, json_type_double)) {
        double d = json_object_get_double(v);
        if (isfinite(d) && d == floor(d) && fabs(d) < 9007199254740992.0) {
            *out = (int64_t)d;
            return true;
        }
    }
    return false;
}

bool rv_get_true(json_object *obj, const char *key)
{
    json_object *v = rv_get(obj, key);
    return json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

const char *rv_json_type_phrase(json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "a boolean";
    case json_type_double:
    case json_type_int:
        return "a number";
    case json_type_string:
        return "a string";
    case json_type_array:
        return "an array";
    default:
        return "an object";
    }
}

const char *rv_json_kind(json_object *v)
{
    return json_object_is_type(v, json_type_int) ? "an integer" : rv_json_type_phrase(v);
}

bool rv_ends_with(const char *s, const char *suffix)
{
    size_t n = s ? strlen(s) : 0, m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool rv_is_chat_endpoint(const rv_file *f)
{
    return rv_ends_with(rv_get_string(f->request, "endpoint"), "/chat/completions");
}

bool rv_str_in(const char *const *list, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return true;
    return false;
}

bool rv_is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    }
    return true;
}

const char *rv_ptr(char buf[RV_PTR_MAX], const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, RV_PTR_MAX, fmt, ap);
    va_end(ap);
    return buf;
}

static EVP_MD *sha256_fetched;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void fetch_sha256(void)
{
    sha256_fetched = EVP_MD_fetch(NULL, "SHA256", NULL);
}

const EVP_MD *rv_sha256_md(void)
{
    pthread_once(&sha256_once, fetch_sha256);
    return sha256_fetched ? sha256_fetched : EVP_sha256();
}

/* md[0..len) as lower-case hex into out (out_len bytes with the NUL; cut
 * to fit). */
static void put_digest_hex(const unsigned char *md, unsigned len, char *out, size_t out_len)
{
    size_t i = 0;
    for (; i + 1 < out_len && i / 2 < len; i++)
        out[i] = rv_hex_lower[(md[i / 2] >> (i % 2 ? 0 : 4)) & 0xF];
    out[i] = '\0';
}

void rv_sha256_hex(const void *data, size_t n, char *out, size_t out_len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data, n, md, &len, rv_sha256_md(), NULL);
    put_digest_hex(md, len, out, out_len);
}

void rv_sha256_final_hex(struct evp_md_ctx_st *ctx, char *out, size_t out_len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    put_digest_hex(md, len, out, out_len);
}
