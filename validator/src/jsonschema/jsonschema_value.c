/* jsonschema_value.c - JSON value helpers for the schema engine: type
 * classification, exact number comparison (int64/uint64/double mixed),
 * exact decimal multipleOf, deep equality and hashing with mathematical
 * number semantics, code-point lengths and message rendering. None of these
 * mutate the json-c objects, so they are safe on shared schema values. */
#include "jsonschema_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TWO_POW_63 9223372036854775808.0
#define TWO_POW_64 18446744073709551616.0

static bool double_is_integral(double d)
{
    return isfinite(d) && d == trunc(d);
}

unsigned js_double_type_bits(json_object *v)
{
    return double_is_integral(json_object_get_double(v)) ? JS_T_INTEGER | JS_T_NUMBER : JS_T_NUMBER;
}

const char *js_type_name(unsigned bits)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{JS_T_NULL, "null"},     {JS_T_BOOLEAN, "boolean"}, {JS_T_INTEGER, "integer"},
                 {JS_T_NUMBER, "number"}, {JS_T_STRING, "string"},   {JS_T_ARRAY, "array"},
                 {JS_T_OBJECT, "object"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (bits & names[i].bit)
            return names[i].name;
    }
    return "unknown";
}

bool js_num_get(json_object *v, js_num *out)
{
    memset(out, 0, sizeof *out);
    enum json_type t = json_object_get_type(v);
    if (t == json_type_double) {
        out->kind = JS_NUM_DOUBLE;
        out->d = json_object_get_double(v);
        return true;
    }
    if (t != json_type_int)
        return false;
    out->kind = JS_NUM_INT;
    out->i = json_object_get_int64(v);
    if (out->i == INT64_MAX) {
        /* json-c saturates get_int64 for values it stores as uint64. */
        out->u = json_object_get_uint64(v);
        if (out->u > (uint64_t)INT64_MAX)
            out->kind = JS_NUM_UINT;
    }
    return true;
}

static int sign_of_fraction(double d, double t)
{
    double frac = d - t;
    return frac > 0 ? 1 : (frac < 0 ? -1 : 0);
}

/* Compares int64 i with double d exactly: -1, 0, 1 for i <, ==, > d. */
static int cmp_int_double(int64_t i, double d)
{
    if (isnan(d))
        return 0;
    if (d >= TWO_POW_63)
        return -1;
    if (d < -TWO_POW_63)
        return 1;
    double t = trunc(d);
    int64_t ti = (int64_t)t;
    if (i != ti)
        return i < ti ? -1 : 1;
    return -sign_of_fraction(d, t);
}

/* Compares uint64 u with double d exactly. */
static int cmp_uint_double(uint64_t u, double d)
{
    if (isnan(d))
        return 0;
    if (d >= TWO_POW_64)
        return -1;
    if (d < 0)
        return 1;
    double t = trunc(d);
    uint64_t tu = (uint64_t)t;
    if (u != tu)
        return u < tu ? -1 : 1;
    return -sign_of_fraction(d, t);
}

static int cmp_values(long double a, long double b)
{
    return a < b ? -1 : (a > b ? 1 : 0);
}

int js_num_cmp(const js_num *a, const js_num *b)
{
    if (a->kind == JS_NUM_DOUBLE && b->kind == JS_NUM_DOUBLE)
        return cmp_values(a->d, b->d);
    if (b->kind == JS_NUM_DOUBLE)
        return a->kind == JS_NUM_INT ? cmp_int_double(a->i, b->d) : cmp_uint_double(a->u, b->d);
    if (a->kind == JS_NUM_DOUBLE)
        return -js_num_cmp(b, a);
    if (a->kind == JS_NUM_UINT || b->kind == JS_NUM_UINT) {
        if (a->kind != b->kind)
            return a->kind == JS_NUM_UINT ? 1 : -1;
        return a->u < b->u ? -1 : (a->u > b->u ? 1 : 0);
    }
    return a->i < b->i ? -1 : (a->i > b->i ? 1 : 0);
}

/* The number's text as it appeared in the parsed document, or NULL. json-c
 * keeps it as the userdata of parsed doubles; it is only trusted when it
 * reads back as the same value. */
static const char *original_double_text(json_object *v)
{
    if (!v || json_object_get_type(v) != json_type_double)
        return NULL;
    const char *text = json_object_get_userdata(v);
    if (!text)
        return NULL;
    char *end;
    double d = strtod(text, &end);
    if (*end != '\0' || d != json_object_get_double(v))
        return NULL;
    return text;
}

void js_num_render(strbuf *sb, const js_num *n, json_object *src)
{
    if (n->kind == JS_NUM_INT) {
        rv_sb_printf(sb, "%lld", (long long)n->i);
    } else if (n->kind == JS_NUM_UINT) {
        rv_sb_printf(sb, "%llu", (unsigned long long)n->u);
    } else {
        const char *text = original_double_text(src);
        if (text)
            rv_sb_puts(sb, text);
        else
            rv_sb_printf(sb, "%.17g", n->d);
    }
}

/* ---- exact decimals ------------------------------------------------ */

static void decimal_from_uint(js_decimal *out, bool negative, uint64_t m)
{
    out->exact = true;
    out->negative = negative;
    out->exp = 0;
    while (m != 0 && m % 10 == 0) {
        m /= 10;
        out->exp++;
    }
    out->mantissa = m;
}

/* Parses decimal JSON number text into mantissa * 10^exp. */
static bool decimal_parse(const char *p, js_decimal *out)
{
    char digits[32];
    size_t nd = 0;
    long exp = 0;
    bool neg = *p == '-';
    p += neg;
    for (bool frac = false; (*p >= '0' && *p <= '9') || (*p == '.' && !frac); p++) {
        if (*p == '.') {
            frac = true;
            continue;
        }
        exp -= frac;
        if (nd == 0 && *p == '0')
            continue;
        if (nd == sizeof digits)
            return false;
        digits[nd++] = *p;
    }
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (*end != '\0' || e > 100000 || e < -100000)
            return false;
        exp += e;
    }
    while (nd > 0 && digits[nd - 1] == '0') {
        nd--;
        exp++;
    }
    if (nd > 19)
        return false;
    uint64_t m = 0;
    for (size_t i = 0; i < nd; i++)
        m = m * 10 + (uint64_t)(digits[i] - '0');
    out->exact = true;
    out->negative = neg;
    out->mantissa = m;
    out->exp = m ? (int)exp : 0;
    return true;
}

void js_decimal_from_json(json_object *v, js_decimal *out)
{
    js_num n;
    memset(out, 0, sizeof *out);
    if (!js_num_get(v, &n))
        return;
    if (n.kind == JS_NUM_INT) {
        out->d = (double)n.i;
        uint64_t mag = n.i < 0 ? (uint64_t)(-(n.i + 1)) + 1 : (uint64_t)n.i;
        decimal_from_uint(out, n.i < 0, mag);
    } else if (n.kind == JS_NUM_UINT) {
        out->d = (double)n.u;
        decimal_from_uint(out, false, n.u);
    } else {
        out->d = n.d;
        const char *text = original_double_text(v);
        if (!text || !decimal_parse(text, out))
            out->exact = false;
    }
}

static uint64_t addmod(uint64_t a, uint64_t b, uint64_t m)
{
    return a >= m - b ? a - (m - b) : a + b;
}

/* (r * 10) mod m without overflow, for r < m. */
static uint64_t times10_mod(uint64_t r, uint64_t m)
{
    uint64_t r2 = addmod(r, r, m);
    uint64_t r4 = addmod(r2, r2, m);
    uint64_t r8 = addmod(r4, r4, m);
    return addmod(r8, r2, m);
}

static bool double_is_multiple(double x, double divisor)
{
    double q = x / divisor;
    return isfinite(q) && q == trunc(q);
}

bool js_decimal_is_multiple(const js_decimal *x, const js_decimal *dv)
{
    if (!x->exact || !dv->exact)
        return double_is_multiple(x->d, dv->d);
    if (x->mantissa == 0)
        return true;
    if (dv->mantissa == 0)
        return false;
    long k = (long)x->exp - dv->exp;
    if (k >= 0) {
        /* x.m * 10^k mod dv.m == 0 */
        uint64_t r = x->mantissa % dv->mantissa;
        for (long i = 0; i < k && r != 0; i++)
            r = times10_mod(r, dv->mantissa);
        return r == 0;
    }
    /* dv.m * 10^-k must divide x.m */
    uint64_t d = dv->mantissa;
    for (long i = 0; i < -k; i++) {
        if (d > UINT64_MAX / 10)
            return false;
        d *= 10;
    }
    return x->mantissa % d == 0;
}

/* ---- equality and hashing ------------------------------------------ */

static bool objects_equal(json_object *a, json_object *b)
{
    if (json_object_object_length(a) != json_object_object_length(b))
        return false;
    json_object_object_foreach(a, key, va)
    {
        json_object *vb;
        if (!json_object_object_get_ex(b, key, &vb) || !js_json_equal(va, vb))
            return false;
    }
    return true;
}

static bool arrays_equal(json_object *a, json_object *b)
{
    size_t n = json_object_array_length(a);
    if (n != json_object_array_length(b))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!js_json_equal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i)))
            return false;
    }
    return true;
}

bool js_json_equal(json_object *a, json_object *b)
{
    unsigned ta = js_type_bits(a), tb = js_type_bits(b);
    if ((ta & JS_T_NUMBER) && (tb & JS_T_NUMBER)) {
        js_num na, nb;
        js_num_get(a, &na);
        js_num_get(b, &nb);
        return js_num_cmp(&na, &nb) == 0;
    }
    if (ta != tb)
        return false;
    switch (ta) {
    case JS_T_NULL:
        return true;
    case JS_T_BOOLEAN:
        return json_object_get_boolean(a) == json_object_get_boolean(b);
    case JS_T_STRING: {
        size_t n = (size_t)json_object_get_string_len(a);
        return n == (size_t)json_object_get_string_len(b) &&
               memcmp(json_object_get_string(a), json_object_get_string(b), n) == 0;
    }
    case JS_T_ARRAY:
        return arrays_equal(a, b);
    case JS_T_OBJECT:
        return objects_equal(a, b);
    }
    return false;
}

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    x ^= x >> 31;
    return x;
}

static uint64_t hash_bytes64(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t hash_number(json_object *v)
{
    js_num n;
    js_num_get(v, &n);
    if (n.kind == JS_NUM_INT)
        return mix64((uint64_t)n.i);
    double d = n.kind == JS_NUM_DOUBLE ? n.d : (double)n.u;
    if (double_is_integral(d) && d >= -TWO_POW_63 && d < TWO_POW_63)
        return mix64((uint64_t)(int64_t)d);
    if (d == 0)
        d = 0; /* -0.0 */
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return mix64(bits ^ 0x5555);
}

uint64_t js_json_hash(json_object *v)
{
    unsigned t = js_type_bits(v);
    if (t & JS_T_NUMBER)
        return hash_number(v);
    switch (t) {
    case JS_T_BOOLEAN:
        return json_object_get_boolean(v) ? 0x1111 : 0x2222;
    case JS_T_STRING:
        return hash_bytes64(json_object_get_string(v), (size_t)json_object_get_string_len(v));
    case JS_T_ARRAY: {
        uint64_t h = 0xa11a;
        for (size_t i = 0, n = json_object_array_length(v); i < n; i++)
            h = mix64(h ^ js_json_hash(json_object_array_get_idx(v, i)));
        return h;
    }
    case JS_T_OBJECT: {
        uint64_t h = 0x0b1ec7;
        json_object_object_foreach(v, key, val)
        {
            h += mix64(hash_bytes64(key, strlen(key)) ^ (js_json_hash(val) * 31));
        }
        return h;
    }
    }
    return 0x4e11;
}

size_t js_utf8_length(const char *s, size_t n)
{
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

/* ---- rendering ----------------------------------------------------- */

/* Output of a message rendering: stops once `limit` is passed and
 * remembers that it did. */
typedef struct render {
    strbuf *sb;
    size_t start, limit;
    bool cut;
} render;

static bool render_full(render *r)
{
    if (r->sb->len > r->limit)
        r->cut = true;
    return r->cut;
}

static void render_string(render *r, const char *s, size_t n)
{
    strbuf *sb = r->sb;
    rv_sb_putc(sb, '"');
    for (size_t i = 0; i < n && !render_full(r); i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            rv_sb_putc(sb, '\\');
            rv_sb_putc(sb, (char)c);
        } else if (c == '\n') {
            rv_sb_puts(sb, "\\n");
        } else if (c == '\t') {
            rv_sb_puts(sb, "\\t");
        } else if (c == '\r') {
            rv_sb_puts(sb, "\\r");
        } else if (c < 0x20) {
            rv_sb_printf(sb, "\\u%04x", c);
        } else {
            rv_sb_putc(sb, (char)c);
        }
    }
    rv_sb_putc(sb, '"');
}

static void render_value(render *r, json_object *v);

static void render_container(render *r, json_object *v)
{
    bool is_array = json_object_get_type(v) == json_type_array;
    rv_sb_putc(r->sb, is_array ? '[' : '{');
    size_t i = 0;
    if (is_array) {
        for (size_t n = json_object_array_length(v); i < n && !render_full(r); i++) {
            if (i)
                rv_sb_putc(r->sb, ',');
            render_value(r, json_object_array_get_idx(v, i));
        }
    } else {
        json_object_object_foreach(v, key, val)
        {
            if (render_full(r))
                break;
            if (i++)
                rv_sb_putc(r->sb, ',');
            render_string(r, key, strlen(key));
            rv_sb_putc(r->sb, ':');
            render_value(r, val);
        }
    }
    rv_sb_putc(r->sb, is_array ? ']' : '}');
}

static void render_value(render *r, json_object *v)
{
    js_num n;
    switch (json_object_get_type(v)) {
    case json_type_null:
        rv_sb_puts(r->sb, "null");
        break;
    case json_type_boolean:
        rv_sb_puts(r->sb, json_object_get_boolean(v) ? "true" : "false");
        break;
    case json_type_int:
    case json_type_double:
        js_num_get(v, &n);
        js_num_render(r->sb, &n, v);
        break;
    case json_type_string:
        render_string(r, json_object_get_string(v), (size_t)json_object_get_string_len(v));
        break;
    case json_type_array:
    case json_type_object:
        render_container(r, v);
        break;
    }
}

/* Cuts a rendering that passed its limit, at a UTF-8 boundary, and marks
 * the cut with "...". */
static void finish_render(render *r)
{
    strbuf *sb = r->sb;
    if (!render_full(r))
        return;
    size_t keep = rv_utf8_start(sb->data, r->limit); /* whole sequences only */
    rv_sb_truncate(sb, keep > r->start ? keep : r->start);
    rv_sb_puts(sb, "...");
}

void js_render_json(strbuf *sb, json_object *v, size_t max)
{
    render r = {sb, sb->len, sb->len + max, false};
    render_value(&r, v);
    finish_render(&r);
}

void js_render_string(strbuf *sb, const char *s, size_t n, size_t max)
{
    render r = {sb, sb->len, sb->len + max, false};
    render_string(&r, s, n);
    finish_render(&r);
}
