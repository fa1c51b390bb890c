/* jsonscan.c - a small iterative walker over JSON text, used for what the
 * json-c tree does not keep: key order with duplicates and positions.
 *
 * The walker does not validate (json-c does); on text it cannot follow it
 * stops. One walker serves three jobs, picked by the mode of a scan. */
#include "jsonscan.h"
#include "strbuf.h"
#include "textutil.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* SCAN_CHECK also finds what json-c's strict mode lets through: bad
 * number syntax, bare words, single quotes, raw control characters. */
typedef enum scan_mode { SCAN_CHECK, SCAN_LOCATE, SCAN_UNTIL } scan_mode;

typedef struct span {
    size_t off, len; /* raw key bytes, without quotes */
} span;

typedef struct frame {
    char type;        /* '{' or '[' */
    size_t index;     /* element index, or member index */
    span key;         /* current member name */
    size_t first_key; /* SCAN_CHECK: first key of this object in keys */
    size_t ptr_len;   /* SCAN_LOCATE: pointer length of the container */
    bool started;     /* a member or element has begun */
} frame;

typedef struct scan {
    const char *text;
    size_t len, pos;
    scan_mode mode;
    frame *frames;
    size_t depth, cap;
    span *keys; /* SCAN_CHECK */
    size_t nkeys, keys_cap;
    jscan_dup_fn dup_fn;
    void *dup_ud;
    /* SCAN_LOCATE */
    strbuf ptr;
    const char *const *want;
    size_t nwant;
    unsigned *lines, *columns;
    unsigned line;
    size_t line_start;
    size_t col_pos;    /* SCAN_LOCATE: the last position given a column, */
    unsigned col_val;  /* and that column: counting resumes from there */
    size_t until;      /* SCAN_UNTIL */
    const char *error; /* SCAN_CHECK: what is wrong at s->pos */
    bool bad_utf8;     /* ... and it is ill-formed UTF-8 */
    bool compacting;   /* SCAN_CHECK: making the text without its whitespace, */
    char *out;         /* which is allocated at the first run to leave out, */
    size_t out_len;    /* its length so far, */
    size_t copy_from;  /* and where the text not copied yet starts */
} scan;

/* --- keys ---------------------------------------------------------- */

static void put_utf8(strbuf *sb, uint32_t cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    rv_sb_put(sb, b, n);
}

/* Decodes the escapes of a raw JSON string body into sb. */
static void decode_string(strbuf *sb, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *bs = memchr(s + i, '\\', n - i);
        size_t run = bs ? (size_t)(bs - (s + i)) : n - i;
        rv_sb_put(sb, s + i, run);
        i += run;
        if (i >= n || i + 1 >= n)
            break;
        char e = s[i + 1];
        i += 2;
        switch (e) {
        case 'b':
            rv_sb_putc(sb, '\b');
            break;
        case 'f':
            rv_sb_putc(sb, '\f');
            break;
        case 'n':
            rv_sb_putc(sb, '\n');
            break;
        case 'r':
            rv_sb_putc(sb, '\r');
            break;
        case 't':
            rv_sb_putc(sb, '\t');
            break;
        case 'u': {
            uint32_t cp;
            size_t used = rv_json_u_escape(s + i, n - i, &cp);
            if (used == 0) /* json-c rejects this; decode it as U+FFFD */
                cp = 0xFFFD, used = 4;
            i += used;
            put_utf8(sb, cp);
            break;
        }
        default:
            rv_sb_putc(sb, e);
            break;
        }
    }
}

static void put_key_token(strbuf *sb, const char *text, span k)
{
    const char *raw = text + k.off;
    if (!memchr(raw, '\\', k.len)) {
        rv_sb_put_pointer_token(sb, raw, k.len);
        return;
    }
    strbuf dec = STRBUF_INIT;
    decode_string(&dec, raw, k.len);
    rv_sb_put_pointer_token(sb, dec.data ? dec.data : "", dec.len);
    rv_sb_free(&dec);
}

/* Pointer of frames[0..depth) with their current member or element. */
static void frames_pointer(const scan *s, size_t depth, strbuf *out)
{
    for (size_t i = 0; i < depth; i++) {
        const frame *fr = &s->frames[i];
        if (!fr->started)
            break;
        rv_sb_putc(out, '/');
        if (fr->type == '{')
            put_key_token(out, s->text, fr->key);
        else
            rv_sb_printf(out, "%zu", fr->index);
    }
}

/* --- duplicates ---------------------------------------------------- */

typedef struct keyref {
    const char *p;
    size_t len;
    size_t order; /* position in the object */
    char *owned;
} keyref;

static int keyref_cmp(const void *x, const void *y)
{
    const keyref *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->p, b->p, n);
    if (c)
        return c;
    if (a->len != b->len)
        return a->len < b->len ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static keyref make_keyref(const scan *s, span k, size_t order)
{
    keyref r = {s->text + k.off, k.len, order, NULL};
    if (memchr(r.p, '\\', r.len)) {
        strbuf dec = STRBUF_INIT;
        decode_string(&dec, r.p, r.len);
        r.len = dec.len;
        r.owned = rv_sb_detach(&dec);
        r.p = r.owned;
    }
    return r;
}

static void report_duplicate(scan *s, const keyref *k, size_t order)
{
    span key = s->keys[s->frames[s->depth - 1].first_key + order];
    strbuf ptr = STRBUF_INIT;
    frames_pointer(s, s->depth - 1, &ptr);
    rv_sb_putc(&ptr, '/');
    rv_sb_put_pointer_token(&ptr, k->p, k->len);
    char *name = rv_xstrndup(k->p, k->len);
    s->dup_fn(s->dup_ud, ptr.data, key.off - 1, name);
    free(name);
    rv_sb_free(&ptr);
}

static bool any_escaped(const scan *s, const span *keys, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memchr(s->text + keys[i].off, '\\', keys[i].len))
            return true;
    return false;
}

/* Checks the keys of the object closing at the top of the stack. */
static void check_object_keys(scan *s)
{
    frame *fr = &s->frames[s->depth - 1];
    size_t n = s->nkeys - fr->first_key;
    if (n < 2)
        return;
    const span *keys = &s->keys[fr->first_key];
    if (n <= 16 && !any_escaped(s, keys, n)) {
        /* Small objects of plain keys (nearly all): compare in place. */
        for (size_t i = 1; i < n; i++)
            for (size_t k = 0; k < i; k++)
                if (keys[i].len == keys[k].len &&
                    memcmp(s->text + keys[i].off, s->text + keys[k].off, keys[i].len) == 0) {
                    keyref r = {s->text + keys[i].off, keys[i].len, i, NULL};
                    report_duplicate(s, &r, i);
                    break;
                }
        return;
    }
    keyref *refs = rv_xmalloc(n * sizeof *refs);
    for (size_t i = 0; i < n; i++)
        refs[i] = make_keyref(s, s->keys[fr->first_key + i], i);
    qsort(refs, n, sizeof *refs, keyref_cmp);
    for (size_t i = 1; i < n; i++)
        if (refs[i].len == refs[i - 1].len && memcmp(refs[i].p, refs[i - 1].p, refs[i].len) == 0)
            report_duplicate(s, &refs[i], refs[i].order);
    for (size_t i = 0; i < n; i++)
        free(refs[i].owned);
    free(refs);
}

/* --- the walker ---------------------------------------------------- */

/* Word-at-a-time scanning (memcpy into a uint64_t, the first byte lowest)
 * where the byte order allows it; byte loops elsewhere. */
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SCAN_WORDS 1
#define FIRST_MARKED_BYTE(m) ((size_t)__builtin_ctzll(m) >> 3)
#else
#define SCAN_WORDS 0
#endif

/* Skips a run of spaces, a word at a time: indentation is nearly half
 * the bytes of a pretty-printed recording. */
static const char *skip_spaces(const char *p, const char *end)
{
#if SCAN_WORDS
    static const uint64_t spaces = 0x2020202020202020ULL;
    while (end - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (w != spaces)
            return p + FIRST_MARKED_BYTE(w ^ spaces);
        p += 8;
    }
#endif
    while (p < end && *p == ' ')
        p++;
    return p;
}

/* Copies the text from copy_from to `upto` into the compact output; the
 * runs between whitespace are short, so small ones are copied inline. */
static void flush_compact(scan *s, size_t upto)
{
    size_t n = upto - s->copy_from;
    char *dst = s->out + s->out_len;
    const char *src = s->text + s->copy_from;
    if (n >= 8 && n <= 16) { /* two overlapping words */
        memcpy(dst, src, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4 && n < 8) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        memcpy(dst, src, n);
    }
    s->out_len += n;
}

static const unsigned char is_space[256] = {[' '] = 1, ['\n'] = 1, ['\t'] = 1, ['\r'] = 1};

static void skip_ws_run(scan *s)
{
    const char *p = s->text + s->pos, *end = s->text + s->len;
    size_t start = s->pos;
    while (p < end) {
        if (*p == ' ') {
            p = skip_spaces(p, end);
        } else if (*p == '\n') {
            s->line++;
            s->line_start = (size_t)(p - s->text) + 1;
            p++;
        } else if (*p == '\t' || *p == '\r') {
            p++;
        } else {
            break;
        }
    }
    s->pos = (size_t)(p - s->text);
    if (s->compacting && s->pos != start && s->pos < s->len) {
        /* The run is left out of the compact text (one at the end needs
         * no copy: the copy stops before it). */
        if (!s->out)
            s->out = rv_xmalloc(s->len + 1);
        flush_compact(s, start);
        s->copy_from = s->pos;
    }
}

/* Moves past the whitespace at s->pos, if any (tokens are often adjacent). */
static inline void skip_ws(scan *s)
{
    if (s->pos < s->len && is_space[(unsigned char)s->text[s->pos]])
        skip_ws_run(s);
}

/* Moves past the string starting at s->pos (a '"'); false if unterminated. */
static bool skip_string(scan *s, span *body)
{
    const char *start = s->text + s->pos + 1;
    const char *end = s->text + s->len;
    const char *p = start;
    for (;;) {
        const char *q = memchr(p, '"', (size_t)(end - p));
        if (!q)
            return false;
        const char *r = q;
        while (r > start && r[-1] == '\\')
            r--;
        if (((q - r) & 1) == 0) {
            if (body) {
                body->off = (size_t)(start - s->text);
                body->len = (size_t)(q - start);
            }
            s->pos = (size_t)(q - s->text) + 1;
            return true;
        }
        p = q + 1;
    }
}

/* Like skip_string, but rejects raw control characters (RFC 8259 7) and
 * ill-formed UTF-8 that json-c lets through (encoded surrogates): on the
 * first, s->pos is set to it with s->error. An unterminated string is
 * false with no error, as for skip_string. One pass over the bytes. */
static bool skip_string_checked(scan *s, span *body)
{
    const unsigned char *text = (const unsigned char *)s->text;
    const unsigned char *start = text + s->pos + 1, *end = text + s->len, *p = start;
    const unsigned char *bad = NULL;
    const char *why = NULL;
    bool bad_utf8 = false;
    for (;;) {
        if (p >= end) /* an escape may have stepped one past the end */
            return false;
        p += rv_plain_ascii_run((const char *)p, (size_t)(end - p));
        if (p >= end)
            return false;
        unsigned char c = *p;
        if (c == '"')
            break;
        if (c == '\\') {
            p += 2; /* the escape itself was checked by json-c */
        } else if (c < 0x20) {
            if (!bad)
                bad = p, why = "control character in string (must be escaped)";
            p++;
        } else {
            uint32_t cp;
            size_t n = rv_utf8_decode((const char *)p, (size_t)(end - p), &cp);
            if (!n && !bad)
                bad = p, why = "invalid UTF-8 byte sequence", bad_utf8 = true;
            p += n ? n : 1;
        }
    }
    if (bad) {
        s->pos = (size_t)(bad - text);
        s->error = why;
        s->bad_utf8 = bad_utf8;
        return false;
    }
    if (body) {
        body->off = (size_t)(start - text);
        body->len = (size_t)(p - start);
    }
    s->pos = (size_t)(p - text) + 1;
    return true;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Bytes that may follow a number or literal. */
static const unsigned char ends_scalar[256] = {
    [','] = 1, [']'] = 1, ['}'] = 1, [' '] = 1, ['\n'] = 1, ['\t'] = 1, ['\r'] = 1,
};

static void skip_scalar(scan *s)
{
    const unsigned char *p = (const unsigned char *)s->text + s->pos;
    const unsigned char *end = (const unsigned char *)s->text + s->len;
    while (p < end && !ends_scalar[*p])
        p++;
    s->pos = (size_t)((const char *)p - s->text);
}

static const char *skip_digits(const char *p, const char *end)
{
    while (p < end && is_digit(*p))
        p++;
    return p;
}

/* Moves past an RFC 8259 number or literal in one pass; false when the
 * token is anything else (json-c's strict mode lets "-01", "2.", NaN,
 * Infinity and single-quoted strings through). */
static bool scan_scalar(scan *s)
{
    const char *p = s->text + s->pos, *end = s->text + s->len;
    bool ok;
    if (*p == '-' || is_digit(*p)) {
        p += *p == '-';
        ok = p < end && is_digit(*p);
        if (ok)
            p = *p == '0' ? p + 1 : skip_digits(p, end);
        if (ok && p < end && *p == '.') {
            ok = ++p < end && is_digit(*p);
            p = skip_digits(p, end);
        }
        if (ok && p < end && (*p == 'e' || *p == 'E')) {
            p++;
            p += p < end && (*p == '+' || *p == '-');
            ok = p < end && is_digit(*p);
            p = skip_digits(p, end);
        }
    } else {
        /* Compare only the literal p's first byte can start: a text that
         * ends early must not be read past its end. */
        const char *word = *p == 'f' ? "false" : *p == 't' ? "true" : "null";
        size_t n = strlen(word);
        ok = (size_t)(end - p) >= n && memcmp(p, word, n) == 0;
        p += ok ? n : 0;
    }
    ok = ok && (p == end || ends_scalar[(unsigned char)*p]);
    if (ok)
        s->pos = (size_t)(p - s->text);
    return ok;
}

static void push(scan *s, char type)
{
    if (s->depth == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 32;
        s->frames = rv_xrealloc(s->frames, s->cap * sizeof *s->frames);
    }
    frame *fr = &s->frames[s->depth++];
    memset(fr, 0, sizeof *fr);
    fr->type = type;
    fr->first_key = s->nkeys;
    fr->ptr_len = s->ptr.len;
}

static void pop(scan *s)
{
    if (s->mode == SCAN_CHECK && s->frames[s->depth - 1].type == '{') {
        check_object_keys(s);
        s->nkeys = s->frames[s->depth - 1].first_key;
    }
    s->depth--;
}

static void remember_key(scan *s, span k)
{
    s->frames[s->depth - 1].key = k;
    s->frames[s->depth - 1].started = true;
    if (s->mode != SCAN_CHECK)
        return;
    if (s->nkeys == s->keys_cap) {
        s->keys_cap = s->keys_cap ? s->keys_cap * 2 : 64;
        s->keys = rv_xrealloc(s->keys, s->keys_cap * sizeof *s->keys);
    }
    s->keys[s->nkeys++] = k;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static unsigned column_of(const char *text, size_t line_start, size_t pos)
{
    unsigned col = 1;
    for (size_t i = line_start; i < pos; i++)
        if (((unsigned char)text[i] & 0xC0) != 0x80)
            col++;
    return col;
}

/* The column of s->pos, counted from the last position located on the
 * same line: a compact file is one line, and counting each column from
 * its start made locating many diagnostics quadratic. */
static unsigned column_at(scan *s)
{
    if (s->col_val == 0 || s->col_pos < s->line_start || s->col_pos > s->pos) {
        s->col_pos = s->line_start;
        s->col_val = 1;
    }
    s->col_val += column_of(s->text, s->col_pos, s->pos) - 1;
    s->col_pos = s->pos;
    return s->col_val;
}

/* SCAN_LOCATE: called at the first character of every value. */
static void at_value(scan *s)
{
    if (s->depth) {
        frame *fr = &s->frames[s->depth - 1];
        rv_sb_truncate(&s->ptr, fr->ptr_len);
        rv_sb_putc(&s->ptr, '/');
        if (fr->type == '{')
            put_key_token(&s->ptr, s->text, fr->key);
        else
            rv_sb_printf(&s->ptr, "%zu", fr->index);
    } else {
        rv_sb_truncate(&s->ptr, 0);
    }
    const char *cur = s->ptr.data ? s->ptr.data : "";
    const char *const *hit = bsearch(&cur, s->want, s->nwant, sizeof *s->want, cmp_str);
    if (hit) {
        size_t i = (size_t)(hit - s->want);
        s->lines[i] = s->line;
        s->columns[i] = column_at(s);
    }
}

/* Runs the walker; stops at the end of the text, at text it cannot follow,
 * or (SCAN_UNTIL) when reaching s->until. */
static void walk(scan *s)
{
    enum { VALUE, KEY, AFTER } state = VALUE;
    s->line = 1;
    for (;;) {
        skip_ws(s);
        if (s->pos >= s->len)
            return;
        if (state == VALUE && s->depth)
            s->frames[s->depth - 1].started = true;
        if (s->mode == SCAN_UNTIL && s->pos >= s->until)
            return;
        char c = s->text[s->pos];
        if (state == KEY) {
            span k;
            if (c != '"') {
                s->error = "expected a double-quoted member name";
                return;
            }
            if (!(s->mode == SCAN_CHECK ? skip_string_checked(s, &k) : skip_string(s, &k)))
                return;
            remember_key(s, k);
            skip_ws(s);
            if (s->pos >= s->len || s->text[s->pos] != ':') {
                s->error = "expected ':' after a member name";
                return;
            }
            s->pos++;
            state = VALUE;
            continue;
        }
        if (state == AFTER) {
            if (s->depth == 0)
                return;
            frame *fr = &s->frames[s->depth - 1];
            if (c == ',') {
                s->pos++;
                fr->index++;
                state = fr->type == '{' ? KEY : VALUE;
            } else if (c == '}' || c == ']') {
                s->pos++;
                pop(s);
            } else {
                s->error = "expected ',' or the end of the container";
                return;
            }
            continue;
        }
        /* VALUE */
        if (s->mode == SCAN_LOCATE)
            at_value(s);
        if (c == '{' || c == '[') {
            push(s, c);
            s->pos++;
            skip_ws(s);
            if (s->pos < s->len && (s->text[s->pos] == '}' || s->text[s->pos] == ']')) {
                s->pos++;
                pop(s);
                state = AFTER;
            } else {
                state = c == '{' ? KEY : VALUE;
            }
        } else if (c == '"') {
            if (!(s->mode == SCAN_CHECK ? skip_string_checked(s, NULL) : skip_string(s, NULL)))
                return;
            state = AFTER;
        } else if (c == '}' || c == ']' || c == ',' || c == ':') {
            s->error = "expected a value";
            return;
        } else {
            if (s->mode != SCAN_CHECK) {
                skip_scalar(s);
            } else if (!scan_scalar(s)) {
                s->error = c == '\'' ? "strings must use double quotes"
                                     : "invalid literal or number syntax";
                return;
            }
            state = AFTER;
        }
    }
}

static void scan_free(scan *s)
{
    free(s->out);
    free(s->frames);
    free(s->keys);
    rv_sb_free(&s->ptr);
}

/* Ends the compact text at the end of the value (before any whitespace
 * after it) and hands it over; NULL when no run had to be left out. */
static char *finish_compact(scan *s, size_t *compact_len)
{
    *compact_len = 0;
    if (!s->out)
        return NULL;
    size_t end = s->pos;
    while (end > s->copy_from && is_space[(unsigned char)s->text[end - 1]])
        end--;
    flush_compact(s, end);
    s->out[s->out_len] = '\0';
    *compact_len = s->out_len;
    char *out = s->out;
    s->out = NULL;
    return out;
}

jscan_status rv_jscan_check_compact(const char *text, size_t len, jscan_dup_fn fn, void *ud,
                                    size_t *offset, const char **message, char **compact,
                                    size_t *compact_len)
{
    scan s = {.text = text,
              .len = len,
              .mode = SCAN_CHECK,
              .dup_fn = fn,
              .dup_ud = ud,
              .compacting = compact != NULL};
    walk(&s);
    const char *error = s.error;
    if (!error && s.depth)
        error = "unexpected end of file";
    *offset = s.pos;
    *message = error;
    jscan_status st = !error ? JSCAN_OK : s.bad_utf8 ? JSCAN_INVALID_UTF8 : JSCAN_INVALID_JSON;
    if (compact)
        *compact = st == JSCAN_OK ? finish_compact(&s, compact_len) : NULL;
    scan_free(&s);
    return st;
}

jscan_status rv_jscan_check(const char *text, size_t len, jscan_dup_fn fn, void *ud, size_t *offset,
                            const char **message)
{
    return rv_jscan_check_compact(text, len, fn, ud, offset, message, NULL, NULL);
}

void rv_jscan_locate(const char *text, size_t len, const char *const *sorted_pointers, size_t n,
                     unsigned *lines, unsigned *columns)
{
    memset(lines, 0, n * sizeof *lines);
    memset(columns, 0, n * sizeof *columns);
    if (n == 0)
        return;
    scan s = {.text = text,
              .len = len,
              .mode = SCAN_LOCATE,
              .want = sorted_pointers,
              .nwant = n,
              .lines = lines,
              .columns = columns};
    rv_sb_reserve(&s.ptr, 64);
    walk(&s);
    scan_free(&s);
}

char *rv_jscan_pointer_at(const char *text, size_t len, size_t offset)
{
    scan s = {.text = text, .len = len, .mode = SCAN_UNTIL, .until = offset};
    walk(&s);
    strbuf out = STRBUF_INIT;
    frames_pointer(&s, s.depth, &out);
    scan_free(&s);
    return rv_sb_detach(&out);
}

void rv_jscan_position(const char *text, size_t len, size_t offset, unsigned *line,
                       unsigned *column)
{
    unsigned l = 1;
    size_t start = 0;
    if (offset > len)
        offset = len;
    for (size_t i = 0; i < offset; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *column = column_of(text, start, offset);
}
