/* jsonschema_uri.c - RFC 3986 reference resolution for schema identifiers
 * ($id, $ref, $dynamicRef, $schema) and percent-decoding of fragments. */
#include "jsonschema_impl.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* The five components of a URI reference; each is a [start, end) slice of
 * the source string, `has_*` tells an empty component from a missing one. */
typedef struct uri_parts {
    const char *scheme, *scheme_end;
    bool has_authority;
    const char *auth, *auth_end;
    const char *path, *path_end;
    bool has_query;
    const char *query, *query_end;
    bool has_fragment;
    const char *frag, *frag_end;
} uri_parts;

static bool is_scheme_char(char c, bool first)
{
    if (isalpha((unsigned char)c))
        return true;
    return !first && (isdigit((unsigned char)c) || c == '+' || c == '-' || c == '.');
}

static const char *scan_scheme(const char *s)
{
    const char *p = s;
    if (!is_scheme_char(*p, true))
        return NULL;
    while (is_scheme_char(*p, false))
        p++;
    return *p == ':' ? p : NULL;
}

static void parse_uri(const char *s, uri_parts *u)
{
    memset(u, 0, sizeof *u);
    const char *p = s;
    const char *colon = scan_scheme(s);
    if (colon) {
        u->scheme = s;
        u->scheme_end = colon;
        p = colon + 1;
    }
    if (p[0] == '/' && p[1] == '/') {
        u->has_authority = true;
        u->auth = p + 2;
        u->auth_end = u->auth + strcspn(u->auth, "/?#");
        p = u->auth_end;
    }
    u->path = p;
    u->path_end = p + strcspn(p, "?#");
    p = u->path_end;
    if (*p == '?') {
        u->has_query = true;
        u->query = p + 1;
        u->query_end = u->query + strcspn(u->query, "#");
        p = u->query_end;
    }
    if (*p == '#') {
        u->has_fragment = true;
        u->frag = p + 1;
        u->frag_end = p + strlen(p);
    }
}

bool js_uri_is_absolute(const char *uri)
{
    return scan_scheme(uri) != NULL;
}

/* RFC 3986 5.2.4: removes "." and ".." segments from path[0..n). */
static void remove_dot_segments(strbuf *out, const char *path, size_t n)
{
    size_t base = out->len;
    const char *in = path, *end = path + n;
    while (in < end) {
        size_t left = (size_t)(end - in);
        if (left >= 3 && memcmp(in, "../", 3) == 0) {
            in += 3;
        } else if (left >= 2 && memcmp(in, "./", 2) == 0) {
            in += 2;
        } else if (left >= 3 && memcmp(in, "/./", 3) == 0) {
            in += 2;
        } else if (left == 2 && memcmp(in, "/.", 2) == 0) {
            in += 1;
            rv_sb_putc(out, '/');
            in = end;
        } else if ((left >= 4 && memcmp(in, "/../", 4) == 0) ||
                   (left == 3 && memcmp(in, "/..", 3) == 0)) {
            bool last = left == 3;
            in += 3;
            size_t keep = out->len;
            while (keep > base && out->data[keep - 1] != '/')
                keep--;
            if (keep > base)
                keep--;
            rv_sb_truncate(out, keep);
            if (last) {
                rv_sb_putc(out, '/');
                in = end;
            }
        } else if ((left == 1 && in[0] == '.') || (left == 2 && memcmp(in, "..", 2) == 0)) {
            in = end;
        } else {
            const char *seg_end = memchr(in + 1, '/', (size_t)(end - in - 1));
            if (!seg_end)
                seg_end = end;
            rv_sb_put(out, in, (size_t)(seg_end - in));
            in = seg_end;
        }
    }
}

static void put_slice(strbuf *sb, const char *a, const char *b)
{
    rv_sb_put(sb, a, (size_t)(b - a));
}

/* Appends base's path merged with the relative path of r (RFC 3986 5.2.3),
 * then removes dot segments. */
static void put_merged_path(strbuf *out, const uri_parts *b, const uri_parts *r)
{
    strbuf merged = STRBUF_INIT;
    if (b->has_authority && b->path == b->path_end) {
        rv_sb_putc(&merged, '/');
    } else {
        const char *slash = NULL;
        for (const char *p = b->path; p < b->path_end; p++) {
            if (*p == '/')
                slash = p;
        }
        if (slash)
            put_slice(&merged, b->path, slash + 1);
    }
    put_slice(&merged, r->path, r->path_end);
    remove_dot_segments(out, merged.data, merged.len);
    rv_sb_free(&merged);
}

static void put_scheme_lower(strbuf *out, const uri_parts *u)
{
    for (const char *p = u->scheme; p < u->scheme_end; p++)
        rv_sb_putc(out, (char)tolower((unsigned char)*p));
    rv_sb_putc(out, ':');
}

static void put_authority(strbuf *out, const uri_parts *u)
{
    if (u->has_authority) {
        rv_sb_puts(out, "//");
        put_slice(out, u->auth, u->auth_end);
    }
}

static void put_query(strbuf *out, const uri_parts *u)
{
    if (u->has_query) {
        rv_sb_putc(out, '?');
        put_slice(out, u->query, u->query_end);
    }
}

/* Path, query of the target per RFC 3986 5.2.2 when r has no scheme and
 * no authority. */
static void put_relative_path_query(strbuf *out, const uri_parts *b, const uri_parts *r)
{
    if (r->path == r->path_end) {
        put_slice(out, b->path, b->path_end);
        put_query(out, r->has_query ? r : b);
        return;
    }
    if (r->path[0] == '/')
        remove_dot_segments(out, r->path, (size_t)(r->path_end - r->path));
    else
        put_merged_path(out, b, r);
    put_query(out, r);
}

char *js_uri_resolve(const char *base, const char *ref)
{
    uri_parts b, r;
    parse_uri(base, &b);
    parse_uri(ref, &r);
    strbuf out = STRBUF_INIT;
    if (r.scheme) {
        put_scheme_lower(&out, &r);
        put_authority(&out, &r);
        remove_dot_segments(&out, r.path, (size_t)(r.path_end - r.path));
        put_query(&out, &r);
    } else {
        if (!b.scheme)
            return NULL;
        put_scheme_lower(&out, &b);
        if (r.has_authority) {
            put_authority(&out, &r);
            remove_dot_segments(&out, r.path, (size_t)(r.path_end - r.path));
            put_query(&out, &r);
        } else {
            put_authority(&out, &b);
            put_relative_path_query(&out, &b, &r);
        }
    }
    if (r.has_fragment) {
        rv_sb_putc(&out, '#');
        put_slice(&out, r.frag, r.frag_end);
    }
    return rv_sb_detach(&out);
}

char *js_uri_split_fragment(const char *uri, const char **fragment)
{
    const char *hash = strchr(uri, '#');
    *fragment = hash ? hash + 1 : NULL;
    return hash ? rv_xstrndup(uri, (size_t)(hash - uri)) : rv_xstrdup(uri);
}

char *js_percent_decode(const char *s, size_t n, size_t *out_len)
{
    strbuf out = STRBUF_INIT;
    rv_sb_put(&out, "", 0); /* NUL-terminated even when empty */
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '%') {
            rv_sb_putc(&out, s[i]);
            continue;
        }
        int hi = i + 2 < n ? rv_hex_digit(s[i + 1]) : -1;
        int lo = i + 2 < n ? rv_hex_digit(s[i + 2]) : -1;
        if (hi < 0 || lo < 0) {
            rv_sb_free(&out);
            return NULL;
        }
        rv_sb_putc(&out, (char)(hi * 16 + lo));
        i += 2;
    }
    if (out_len)
        *out_len = out.len;
    return rv_sb_detach(&out);
}
