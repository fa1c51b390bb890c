/* pyjson.c - json.dumps(obj, sort_keys=True) of Python 3.11, byte for byte,
 * over json-c values; Python's float repr and round(); and the scan for
 * tokens json-c reads differently from Python's json.loads. */
#include "pyjson.h"
#include "recval_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- floats ---------------------------------------------------------- */

/* A decimal significand as digit characters and the power of ten of the
 * first digit: value = 0.d1d2d3... * 10^(exp10 + 1). */
typedef struct decimal {
    char digits[24];
    int ndigits;
    int exp10;
} decimal;

/* Splits the output of "%.*e" ("d.ddde+XX") into a decimal. */
static void decimal_from_e(const char *s, decimal *d)
{
    d->ndigits = 0;
    for (; *s && *s != 'e'; s++)
        if (*s >= '0' && *s <= '9')
            d->digits[d->ndigits++] = *s;
    d->exp10 = *s == 'e' ? atoi(s + 1) : 0;
}

/* Reads d back as a double, correctly rounded like Python's float(). */
static double decimal_value(const decimal *d)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%c.%.*se%d", d->digits[0], d->ndigits - 1, d->digits + 1, d->exp10);
    return strtod(buf, NULL);
}

/* Moves d one unit in its last digit up (+1) or down (-1), keeping the
 * number of digits: 9.99e2 + 1 -> 1.00e3, 1.00e3 - 1 -> 9.99e2. */
static void decimal_step(decimal *d, int dir)
{
    int i = d->ndigits - 1;
    if (dir > 0) {
        while (i >= 0 && d->digits[i] == '9')
            d->digits[i--] = '0';
        if (i >= 0) {
            d->digits[i]++;
        } else {
            d->digits[0] = '1';
            d->exp10++;
        }
        return;
    }
    while (i >= 0 && d->digits[i] == '0')
        d->digits[i--] = '9';
    d->digits[i]--;
    if (d->digits[0] == '0') {
        memset(d->digits, '9', (size_t)d->ndigits);
        d->exp10--;
    }
}

/* The correctly rounded decimal of x with prec digits; true when it reads
 * back as x. */
static int nearest_roundtrips(double x, int prec, decimal *d)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*e", prec - 1, x);
    decimal_from_e(buf, d);
    return decimal_value(d) == x;
}

/* Powers of two: the gap to the next double below is half the gap above,
 * so a shortest decimal may lie on the far side of x from the correctly
 * rounded one. Tries, length by length, the nearest candidate and its
 * neighbour on the other side of x. */
static void shortest_decimal_linear(double x, decimal *d)
{
    for (int prec = 1; prec <= 17; prec++) {
        if (nearest_roundtrips(x, prec, d))
            return;
        decimal other = *d;
        decimal_step(&other, decimal_value(d) < x ? 1 : -1);
        if (decimal_value(&other) == x) {
            *d = other;
            return;
        }
    }
}

/* The shortest decimal that reads back as x (finite, > 0), and of those
 * the closest to x: what Python's repr() prints (dtoa mode 0). Elsewhere
 * than at powers of two the rounding interval of x is symmetric, so the
 * correctly rounded candidate is the one to try and "it reads back" is
 * monotonic in the length: a binary search finds the shortest. */
static void shortest_decimal(double x, decimal *d)
{
    int exp2;
    if (frexp(x, &exp2) == 0.5) {
        shortest_decimal_linear(x, d);
    } else {
        int lo = 1, hi = 17;
        while (lo < hi) {
            int mid = (lo + hi) / 2;
            if (nearest_roundtrips(x, mid, d))
                hi = mid;
            else
                lo = mid + 1;
        }
        nearest_roundtrips(x, hi, d);
    }
    while (d->ndigits > 1 && d->digits[d->ndigits - 1] == '0')
        d->ndigits--;
}

/* Formats d like Python's float_repr_style 'short': positional notation
 * when -4 <= exponent < 16, else d.ddde+XX with at least two exponent
 * digits; positional values always show a fractional part. */
static size_t format_decimal(const decimal *d, int negative, char *out)
{
    char *p = out;
    int n = d->ndigits, decpt = d->exp10 + 1;
    if (negative)
        *p++ = '-';
    if (decpt <= -4 || decpt > 16) {
        *p++ = d->digits[0];
        if (n > 1) {
            *p++ = '.';
            memcpy(p, d->digits + 1, (size_t)n - 1);
            p += n - 1;
        }
        p += sprintf(p, "e%c%02d", d->exp10 < 0 ? '-' : '+', abs(d->exp10));
    } else if (decpt <= 0) {
        p += sprintf(p, "0.%.*s%.*s", -decpt, "0000", n, d->digits);
    } else if (decpt >= n) {
        p += sprintf(p, "%.*s%.*s.0", n, d->digits, decpt - n, "0000000000000000");
    } else {
        p += sprintf(p, "%.*s.%.*s", decpt, d->digits, n - decpt, d->digits + decpt);
    }
    return (size_t)(p - out);
}

size_t rv_pyjson_float_repr(double x, char buf[PYJSON_REPR_MAX])
{
    if (isnan(x))
        return (size_t)sprintf(buf, "nan");
    if (isinf(x))
        return (size_t)sprintf(buf, x < 0 ? "-inf" : "inf");
    decimal d = {.digits = "0", .ndigits = 1, .exp10 = 0};
    if (x != 0)
        shortest_decimal(fabs(x), &d);
    return format_decimal(&d, signbit(x) != 0, buf);
}

double rv_pyjson_round(double x, int ndigits)
{
    if (!isfinite(x) || ndigits < 0 || ndigits > 17)
        return x;
    /* glibc's printf is exact on the binary value and rounds half to
     * even, as Python's dtoa mode 3 does; 310 integer digits at most. */
    char buf[400];
    snprintf(buf, sizeof buf, "%.*f", ndigits, x);
    return strtod(buf, NULL);
}

/* --- strings --------------------------------------------------------- */

/* Appends the escape Python's ensure_ascii encoder uses for cp. */
static void put_escape(strbuf *out, uint32_t cp)
{
    char buf[12], *p = buf;
    switch (cp) {
    case '"':
    case '\\':
        *p++ = '\\';
        *p++ = (char)cp;
        break;
    case '\n':
        *p++ = '\\';
        *p++ = 'n';
        break;
    case '\r':
        *p++ = '\\';
        *p++ = 'r';
        break;
    case '\t':
        *p++ = '\\';
        *p++ = 't';
        break;
    case '\b':
        *p++ = '\\';
        *p++ = 'b';
        break;
    case '\f':
        *p++ = '\\';
        *p++ = 'f';
        break;
    default: {
        uint32_t units[2] = {cp, 0};
        int nunits = 1;
        if (cp >= 0x10000) {
            units[0] = 0xD800 + ((cp - 0x10000) >> 10);
            units[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
            nunits = 2;
        }
        for (int i = 0; i < nunits; i++) {
            *p++ = '\\';
            *p++ = 'u';
            for (int shift = 12; shift >= 0; shift -= 4)
                *p++ = rv_hex_lower[(units[i] >> shift) & 0xF];
        }
    }
    }
    rv_sb_put(out, buf, (size_t)(p - buf));
}

int rv_pyjson_put_string(strbuf *out, const char *s, size_t n)
{
    int rc = 0;
    size_t i = rv_plain_ascii_run(s, n);
    rv_sb_reserve(out, n + 2);
    if (i == n) { /* most strings: nothing to escape */
        char *p = out->data + out->len;
        p[0] = '"';
        if (n)
            memcpy(p + 1, s, n);
        p[n + 1] = '"';
        p[n + 2] = '\0';
        out->len += n + 2;
        return 0;
    }
    rv_sb_putc(out, '"');
    rv_sb_put(out, s, i);
    while (i < n) {
        uint32_t cp;
        size_t len = rv_utf8_decode(s + i, n - i, &cp);
        if (len == 0) {
            cp = 0xFFFD;
            len = 1;
            rc = -1;
        }
        put_escape(out, cp);
        i += len;
        size_t run = rv_plain_ascii_run(s + i, n - i);
        rv_sb_put(out, s + i, run);
        i += run;
    }
    rv_sb_putc(out, '"');
    return rc;
}

/* --- values ---------------------------------------------------------- */

typedef struct member {
    const char *key;
    json_object *value;
} member;

/* One dump: where it goes and what the hooks change on the way. */
typedef struct dumper {
    strbuf *out;
    const pyjson_hooks *hooks; /* NULL: plain json.dumps */
    strbuf scratch;            /* a rewritten string */
    int bad;
} dumper;

static int member_cmp(const void *a, const void *b)
{
    /* strcmp compares bytes as unsigned char: UTF-8 byte order is code
     * point order, which is how Python sorts str keys. */
    return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

static void dump_value(dumper *d, json_object *v, int depth, const char *key);

static int skip_member(dumper *d, int depth, const char *parent_key, const char *key)
{
    return d->hooks && d->hooks->skip && d->hooks->skip(d->hooks->ud, depth, parent_key, key);
}

static void dump_object(dumper *d, json_object *v, int depth, const char *own_key)
{
    size_t n = (size_t)json_object_object_length(v), k = 0;
    member small[16]; /* most objects: no allocation */
    member *m = n <= 16 ? small : rv_xmalloc(n * sizeof *m);
    json_object_object_foreach(v, key, val)
    {
        if (skip_member(d, depth, own_key, key))
            continue;
        m[k].key = key;
        m[k++].value = val;
    }
    if (k == 0) {
        rv_sb_puts(d->out, "{}");
        if (m != small)
            free(m);
        return;
    }
    qsort(m, k, sizeof *m, member_cmp);
    rv_sb_putc(d->out, '{');
    for (size_t i = 0; i < k; i++) {
        if (i)
            rv_sb_put(d->out, ", ", 2);
        if (rv_pyjson_put_string(d->out, m[i].key, strlen(m[i].key)) < 0)
            d->bad = 1;
        rv_sb_put(d->out, ": ", 2);
        dump_value(d, m[i].value, depth + 1, m[i].key);
    }
    rv_sb_putc(d->out, '}');
    if (m != small)
        free(m);
}

static void dump_array(dumper *d, json_object *v, int depth)
{
    size_t n = json_object_array_length(v);
    rv_sb_putc(d->out, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            rv_sb_put(d->out, ", ", 2);
        dump_value(d, json_object_array_get_idx(v, i), depth + 1, NULL);
    }
    rv_sb_putc(d->out, ']');
}

/* json-c keeps integers above INT64_MAX as uint64; both getters clamp. */
static void dump_int(json_object *v, strbuf *out)
{
    int64_t i = json_object_get_int64(v);
    if (i == INT64_MAX)
        rv_sb_printf(out, "%llu", (unsigned long long)json_object_get_uint64(v));
    else
        rv_sb_printf(out, "%lld", (long long)i);
}

static void dump_double(double x, strbuf *out)
{
    if (isnan(x)) {
        rv_sb_puts(out, "NaN");
    } else if (isinf(x)) {
        rv_sb_puts(out, x < 0 ? "-Infinity" : "Infinity");
    } else {
        char buf[PYJSON_REPR_MAX];
        rv_sb_put(out, buf, rv_pyjson_float_repr(x, buf));
    }
}

static void dump_string(dumper *d, json_object *v)
{
    const char *s = json_object_get_string(v);
    size_t n = (size_t)json_object_get_string_len(v);
    if (d->hooks && d->hooks->string) {
        rv_sb_truncate(&d->scratch, 0);
        if (d->hooks->string(d->hooks->ud, s, n, &d->scratch) > 0) {
            s = d->scratch.data;
            n = d->scratch.len;
        }
    }
    if (rv_pyjson_put_string(d->out, s, n) < 0)
        d->bad = 1;
}

static void dump_value(dumper *d, json_object *v, int depth, const char *key)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        rv_sb_puts(d->out, "null");
        break;
    case json_type_boolean:
        rv_sb_puts(d->out, json_object_get_boolean(v) ? "true" : "false");
        break;
    case json_type_int:
        dump_int(v, d->out);
        break;
    case json_type_double: {
        double x = json_object_get_double(v);
        dump_double(d->hooks && d->hooks->number ? d->hooks->number(d->hooks->ud, x) : x, d->out);
        break;
    }
    case json_type_string:
        dump_string(d, v);
        break;
    case json_type_array:
        dump_array(d, v, depth);
        break;
    case json_type_object:
        dump_object(d, v, depth, key);
        break;
    }
}

int rv_pyjson_dumps_with(json_object *v, strbuf *out, const pyjson_hooks *hooks,
                         int *unreproducible)
{
    dumper d = {.out = out, .hooks = hooks, .scratch = STRBUF_INIT};
    dump_value(&d, v, 0, NULL);
    rv_sb_free(&d.scratch);
    if (unreproducible && d.bad)
        *unreproducible = 1;
    return 0;
}

int rv_pyjson_dumps(json_object *v, strbuf *out, int *unreproducible)
{
    return rv_pyjson_dumps_with(v, out, NULL, unreproducible);
}

/* --- scan ------------------------------------------------------------ */

typedef struct scanner {
    const char *text;
    size_t len, pos, count;
    pyjson_issue_fn fn;
    void *ud;
    int stop;
} scanner;

static void report(scanner *s, size_t offset, const char *reason)
{
    pyjson_issue issue = {offset, reason};
    s->count++;
    if (s->fn && s->fn(&issue, s->ud))
        s->stop = 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_number_char(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

/* True when a member name ends at s->pos (the next token is ':'). */
static int followed_by_colon(const scanner *s, size_t pos)
{
    while (pos < s->len && is_space(s->text[pos]))
        pos++;
    return pos < s->len && s->text[pos] == ':';
}

/* Checks the \u escape at p (just after the backslash-u) and returns
 * how many bytes of the string it used beyond "\u". */
static size_t check_unicode_escape(scanner *s, size_t start, size_t p, int *has_nul)
{
    uint32_t cp;
    size_t used = rv_json_u_escape(s->text + p, s->len - p, &cp);
    if (used == 0)
        return 0;
    if (cp == 0)
        *has_nul = 1;
    if (used == 4 && cp >= 0xD800 && cp <= 0xDFFF)
        report(s, start, "unpaired surrogate escape (json-c reads U+FFFD)");
    return used;
}

static void scan_string(scanner *s)
{
    size_t start = s->pos, p = s->pos + 1;
    int has_nul = 0;
    while (p < s->len && s->text[p] != '"' && !s->stop) {
        if (s->text[p] != '\\') {
            p++;
            continue;
        }
        if (p + 1 < s->len && s->text[p + 1] == 'u')
            p += 2 + check_unicode_escape(s, start, p + 2, &has_nul);
        else
            p += 2;
    }
    s->pos = p + 1;
    if (has_nul && !s->stop && followed_by_colon(s, s->pos))
        report(s, start, "member name with an escaped NUL (json-c cuts the name)");
}

/* True when the decimal digits d[0..n) exceed the limit (same length
 * digits compared as text). */
static int digits_exceed(const char *d, size_t n, const char *limit)
{
    while (n > 1 && *d == '0')
        d++, n--;
    size_t ln = strlen(limit);
    return n != ln ? n > ln : memcmp(d, limit, n) > 0;
}

static void scan_number(scanner *s)
{
    size_t start = s->pos, p = s->pos;
    int negative = s->text[p] == '-', integral = 1;
    if (negative)
        p++;
    size_t digits = p;
    while (p < s->len && is_number_char(s->text[p])) {
        if (s->text[p] == '.' || s->text[p] == 'e' || s->text[p] == 'E')
            integral = 0;
        p++;
    }
    s->pos = p;
    if (!integral)
        return;
    if (digits_exceed(s->text + digits, p - digits,
                      negative ? "9223372036854775808" : "18446744073709551615"))
        report(s, start, "integer outside json-c's int64/uint64 range (json-c clamps it)");
}

size_t rv_pyjson_scan(const char *text, size_t len, pyjson_issue_fn fn, void *ud)
{
    scanner s = {.text = text, .len = len, .fn = fn, .ud = ud};
    while (s.pos < s.len && !s.stop) {
        char c = text[s.pos];
        if (c == '"')
            scan_string(&s);
        else if (c == '-' || (c >= '0' && c <= '9'))
            scan_number(&s);
        else
            s.pos++;
    }
    return s.count;
}
