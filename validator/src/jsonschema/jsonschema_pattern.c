/* jsonschema_pattern.c - ECMA-262 regular expressions ("pattern",
 * "patternProperties") on top of PCRE2. Patterns are translated once at
 * schema compile time into PCRE2 syntax with ECMA semantics (see
 * docs/schema-engine.md for the differences handled here) and compiled in
 * UTF mode, JIT-compiled when available. */
#include "jsonschema_impl.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ECMA-262 WhiteSpace and LineTerminator code points, as class content. */
#define ECMA_SPACE                                                                                 \
    "\\t\\n\\x{0b}\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}"  \
    "\\x{3000}\\x{feff}"
/* ECMA "." outside dotAll mode: anything but a line terminator. */
#define ECMA_DOT "[^\\n\\r\\x{2028}\\x{2029}]"

typedef struct xlat {
    const char *p, *end;
    strbuf *out;
    char **err;
} xlat;

static int fail(xlat *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(xlat *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    *x->err = rv_sb_vformat(fmt, ap);
    va_end(ap);
    return -1;
}

/* Reads exactly n hex digits at x->p; returns the value or -1. */
static long read_hex(xlat *x, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++) {
        int d = x->p + i < x->end ? rv_hex_digit(x->p[i]) : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    x->p += n;
    return v;
}

/* \uXXXX (joining a surrogate pair) or \u{X...}; x->p is after the 'u'. */
static long read_unicode_escape(xlat *x)
{
    if (x->p < x->end && *x->p == '{') {
        const char *close = memchr(x->p, '}', (size_t)(x->end - x->p));
        long v = 0;
        if (!close || close == x->p + 1)
            return -1;
        for (const char *q = x->p + 1; q < close; q++) {
            int d = rv_hex_digit(*q);
            if (d < 0 || v > 0x10FFFF)
                return -1;
            v = v * 16 + d;
        }
        x->p = close + 1;
        return v <= 0x10FFFF ? v : -1;
    }
    long v = read_hex(x, 4);
    if (v >= 0xD800 && v <= 0xDBFF && x->end - x->p >= 6 && x->p[0] == '\\' && x->p[1] == 'u') {
        const char *save = x->p;
        x->p += 2;
        long lo = read_hex(x, 4);
        if (lo >= 0xDC00 && lo <= 0xDFFF)
            return 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
        x->p = save;
    }
    return v;
}

/* General_Category long names and aliases ECMA accepts; PCRE2 10.42 only
 * knows the short forms. */
static const char *general_category_short(const char *name, size_t n)
{
    static const char *const map[][2] = {
        {"Letter", "L"},
        {"Cased_Letter", "L&"},
        {"LC", "L&"},
        {"Uppercase_Letter", "Lu"},
        {"Lowercase_Letter", "Ll"},
        {"Titlecase_Letter", "Lt"},
        {"Modifier_Letter", "Lm"},
        {"Other_Letter", "Lo"},
        {"Mark", "M"},
        {"Combining_Mark", "M"},
        {"Nonspacing_Mark", "Mn"},
        {"Spacing_Mark", "Mc"},
        {"Enclosing_Mark", "Me"},
        {"Number", "N"},
        {"Decimal_Number", "Nd"},
        {"digit", "Nd"},
        {"Letter_Number", "Nl"},
        {"Other_Number", "No"},
        {"Punctuation", "P"},
        {"punct", "P"},
        {"Connector_Punctuation", "Pc"},
        {"Dash_Punctuation", "Pd"},
        {"Open_Punctuation", "Ps"},
        {"Close_Punctuation", "Pe"},
        {"Initial_Punctuation", "Pi"},
        {"Final_Punctuation", "Pf"},
        {"Other_Punctuation", "Po"},
        {"Symbol", "S"},
        {"Math_Symbol", "Sm"},
        {"Currency_Symbol", "Sc"},
        {"Modifier_Symbol", "Sk"},
        {"Other_Symbol", "So"},
        {"Separator", "Z"},
        {"Space_Separator", "Zs"},
        {"Line_Separator", "Zl"},
        {"Paragraph_Separator", "Zp"},
        {"Other", "C"},
        {"Control", "Cc"},
        {"cntrl", "Cc"},
        {"Format", "Cf"},
        {"Surrogate", "Cs"},
        {"Private_Use", "Co"},
        {"Unassigned", "Cn"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        if (strlen(map[i][0]) == n && memcmp(map[i][0], name, n) == 0)
            return map[i][1];
    }
    return NULL;
}

static bool has_prefix(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && memcmp(s, prefix, k) == 0;
}

/* \p{...} / \P{...}; x->p is after the 'p' or 'P'. */
static int translate_property(xlat *x, char letter)
{
    const char *close =
        x->p < x->end && *x->p == '{' ? memchr(x->p, '}', (size_t)(x->end - x->p)) : NULL;
    if (!close)
        return fail(x, "\\%c must be followed by {property}", letter);
    const char *name = x->p + 1;
    size_t n = (size_t)(close - name);
    x->p = close + 1;
    rv_sb_printf(x->out, "\\%c{", letter);
    const char *eq = memchr(name, '=', n);
    if (eq) {
        size_t key = (size_t)(eq - name);
        const char *value = eq + 1;
        size_t vn = n - key - 1;
        if (has_prefix(name, key, "General_Category") || (key == 2 && !memcmp(name, "gc", 2))) {
            const char *gc = general_category_short(value, vn);
            if (gc)
                rv_sb_puts(x->out, gc);
            else
                rv_sb_put(x->out, value, vn);
        } else if (has_prefix(name, key, "Script_Extensions") ||
                   (key == 3 && !memcmp(name, "scx", 3))) {
            rv_sb_puts(x->out, "scx:");
            rv_sb_put(x->out, value, vn);
        } else if ((key == 6 && !memcmp(name, "Script", 6)) ||
                   (key == 2 && !memcmp(name, "sc", 2))) {
            rv_sb_puts(x->out, "sc:");
            rv_sb_put(x->out, value, vn);
        } else {
            return fail(x, "unsupported Unicode property \"%.*s\"", (int)n, name);
        }
    } else {
        const char *gc = general_category_short(name, n);
        if (gc)
            rv_sb_puts(x->out, gc);
        else
            rv_sb_put(x->out, name, n);
    }
    rv_sb_putc(x->out, '}');
    return 0;
}

static void put_code_point(xlat *x, long cp)
{
    rv_sb_printf(x->out, "\\x{%lx}", cp);
}

/* Escapes with the same meaning inside and outside classes. Returns 1 if
 * handled, 0 if not, -1 on error. x->p is after the escaped letter c. */
static int translate_common_escape(xlat *x, char c)
{
    long cp;
    switch (c) {
    case 'd':
    case 'D':
    case 'w':
    case 'W':
    case 't':
    case 'n':
    case 'r':
    case 'f':
        rv_sb_putc(x->out, '\\');
        rv_sb_putc(x->out, c);
        return 1;
    case 'v':
        put_code_point(x, 0x0B); /* PCRE2's \v is a class */
        return 1;
    case 'p':
    case 'P':
        return translate_property(x, c) < 0 ? -1 : 1;
    case 'u':
        cp = read_unicode_escape(x);
        if (cp < 0 || (cp >= 0xD800 && cp <= 0xDFFF))
            return fail(x, "invalid or unpaired \\u escape");
        put_code_point(x, cp);
        return 1;
    case 'x':
        cp = read_hex(x, 2);
        if (cp < 0)
            return fail(x, "\\x must be followed by two hex digits");
        put_code_point(x, cp);
        return 1;
    case 'c':
        if (x->p >= x->end || !((*x->p >= 'a' && *x->p <= 'z') || (*x->p >= 'A' && *x->p <= 'Z')))
            return fail(x, "\\c must be followed by a letter");
        put_code_point(x, *x->p++ % 32);
        return 1;
    case '0':
        if (x->p < x->end && *x->p >= '0' && *x->p <= '9')
            return fail(x, "octal escapes are not allowed");
        put_code_point(x, 0);
        return 1;
    }
    if (strchr("^$\\.*+?()[]{}|/-", c)) {
        rv_sb_putc(x->out, '\\');
        rv_sb_putc(x->out, c);
        return 1;
    }
    return 0;
}

/* Writes a translated class; `body` is its content. ECMA's \S inside a
 * class has no PCRE2 class-content equivalent, so such classes become an
 * alternation (or a negative lookahead when the class is negated). */
static void emit_class(strbuf *out, bool negated, const strbuf *body, bool non_space)
{
    const char *content = body->data ? body->data : "";
    if (!non_space) {
        rv_sb_puts(out, negated ? "[^" : "[");
        rv_sb_put(out, content, body->len);
        rv_sb_putc(out, ']');
    } else if (!body->len) {
        rv_sb_puts(out, negated ? "[" ECMA_SPACE "]" : "[^" ECMA_SPACE "]");
    } else {
        rv_sb_puts(out, negated ? "(?:(?![" : "(?:[");
        rv_sb_put(out, content, body->len);
        rv_sb_puts(out, negated ? "])[" ECMA_SPACE "])" : "]|[^" ECMA_SPACE "])");
    }
}

static int translate_class(xlat *x)
{
    bool negated = x->p < x->end && *x->p == '^';
    x->p += negated;
    strbuf body = STRBUF_INIT;
    strbuf *saved = x->out;
    bool non_space = false;
    x->out = &body;
    int rc = 0;
    while (rc == 0) {
        if (x->p >= x->end) {
            rc = fail(x, "unterminated character class");
            break;
        }
        char c = *x->p++;
        if (c == ']')
            break;
        if (c == '[') {
            rv_sb_puts(&body, "\\[");
        } else if (c != '\\') {
            rv_sb_putc(&body, c);
        } else if (x->p >= x->end) {
            rc = fail(x, "pattern ends with a backslash");
        } else {
            c = *x->p++;
            if (c == 's') {
                rv_sb_puts(&body, ECMA_SPACE);
            } else if (c == 'S') {
                non_space = true;
            } else if (c == 'b') {
                put_code_point(x, 0x08);
            } else {
                int r = translate_common_escape(x, c);
                if (r == 0)
                    rc = fail(x, "unsupported escape \\%c in character class", c);
                else if (r < 0)
                    rc = -1;
            }
        }
    }
    x->out = saved;
    if (rc == 0)
        emit_class(x->out, negated, &body, non_space);
    rv_sb_free(&body);
    return rc;
}

static int translate_escape(xlat *x)
{
    if (x->p >= x->end)
        return fail(x, "pattern ends with a backslash");
    char c = *x->p++;
    if (c == 's' || c == 'S') {
        rv_sb_puts(x->out, c == 's' ? "[" ECMA_SPACE "]" : "[^" ECMA_SPACE "]");
        return 0;
    }
    if (c == 'b' || c == 'B' || (c >= '1' && c <= '9')) {
        rv_sb_putc(x->out, '\\');
        rv_sb_putc(x->out, c);
        while (c != 'b' && c != 'B' && x->p < x->end && *x->p >= '0' && *x->p <= '9')
            rv_sb_putc(x->out, *x->p++);
        return 0;
    }
    if (c == 'k') {
        const char *close = memchr(x->p, '>', (size_t)(x->end - x->p));
        if (x->p >= x->end || *x->p != '<' || !close)
            return fail(x, "\\k must be followed by <name>");
        rv_sb_putc(x->out, '\\');
        rv_sb_put(x->out, x->p - 1, (size_t)(close + 1 - (x->p - 1)));
        x->p = close + 1;
        return 0;
    }
    int r = translate_common_escape(x, c);
    if (r == 0)
        return fail(x, "unsupported escape \\%c", c);
    return r < 0 ? -1 : 0;
}

static int translate_group_open(xlat *x)
{
    rv_sb_putc(x->out, '(');
    if (x->p >= x->end || *x->p != '?')
        return 0;
    static const char *const allowed[] = {"?:", "?=", "?!", "?<=", "?<!"};
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        size_t n = strlen(allowed[i]);
        if ((size_t)(x->end - x->p) >= n && memcmp(x->p, allowed[i], n) == 0) {
            rv_sb_put(x->out, x->p, n);
            x->p += n;
            return 0;
        }
    }
    if (x->end - x->p >= 2 && x->p[1] == '<') {
        rv_sb_puts(x->out, "?<");
        x->p += 2;
        return 0; /* named group: the name is copied as is */
    }
    return fail(x, "unsupported group syntax \"(%.2s\"", x->p);
}

/* Translates ECMA-262 syntax into PCRE2 syntax. Returns 0, or -1 with *err. */
static int translate(const char *pattern, size_t len, strbuf *out, char **err)
{
    xlat x = {pattern, pattern + len, out, err};
    while (x.p < x.end) {
        char c = *x.p++;
        int rc = 0;
        if (c == '\\')
            rc = translate_escape(&x);
        else if (c == '[')
            rc = translate_class(&x);
        else if (c == '.')
            rv_sb_puts(out, ECMA_DOT);
        else if (c == '(')
            rc = translate_group_open(&x);
        else
            rv_sb_putc(out, c);
        if (rc < 0)
            return -1;
    }
    return 0;
}

int js_regex_compile(js_regex *re, const char *pattern, size_t len, char **err)
{
    strbuf pcre = STRBUF_INIT;
    char *why = NULL;
    re->code = NULL;
    re->source = NULL;
    if (translate(pattern, len, &pcre, &why) < 0) {
        strbuf sb = STRBUF_INIT;
        rv_sb_printf(&sb, "invalid pattern \"%.*s\": %s", (int)len, pattern, why);
        free(why);
        rv_sb_free(&pcre);
        *err = rv_sb_detach(&sb);
        return -1;
    }
    int code;
    PCRE2_SIZE offset;
    /* Not PCRE2_MATCH_INVALID_UTF: with it, 10.42's JIT fails "^\\D$" on
     * non-ASCII input. Invalid UTF-8 subjects make pcre2_match fail, which
     * counts as no match. */
    uint32_t options = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_ALLOW_EMPTY_CLASS;
    re->code = pcre2_compile((PCRE2_SPTR)(pcre.data ? pcre.data : ""), pcre.len, options, &code,
                             &offset, NULL);
    if (!re->code) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        strbuf sb = STRBUF_INIT;
        rv_sb_printf(&sb, "invalid pattern \"%.*s\": %s", (int)len, pattern, (const char *)msg);
        rv_sb_free(&pcre);
        *err = rv_sb_detach(&sb);
        return -1;
    }
    rv_sb_free(&pcre);
    pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
    re->source = rv_xstrndup(pattern, len);
    static atomic_uint_fast64_t next_id = 1;
    re->id = atomic_fetch_add(&next_id, 1);
    return 0;
}

static int js_regex_match(const js_regex *re, const char *s, size_t n, pcre2_match_data **md);

static pcre2_match_context *match_context;
static pthread_once_t match_context_once = PTHREAD_ONCE_INIT;

static void make_match_context(void)
{
    match_context = pcre2_match_context_create(NULL);
    if (!match_context)
        rv_out_of_memory(sizeof(void *));
    pcre2_set_match_limit(match_context, JS_PATTERN_MATCH_LIMIT);
    pcre2_set_heap_limit(match_context, JS_PATTERN_HEAP_LIMIT_KIB);
}

pcre2_match_context *js_match_context(void)
{
    pthread_once(&match_context_once, make_match_context);
    return match_context;
}

void js_regex_put_error(strbuf *sb, int code)
{
    PCRE2_UCHAR msg[256];
    if (pcre2_get_error_message(code, msg, sizeof msg) < 0)
        rv_sb_printf(sb, "PCRE2 error %d", code);
    else
        rv_sb_printf(sb, "%s (PCRE2 error %d)", (const char *)msg, code);
}

/* The last short subject each thread matched, and against what: streams
 * repeat the same strings (every chunk's __type__, object, role), so most
 * searches are answered without running PCRE2 (errors too: a search
 * that hit a limit is not run again). Per thread, so compiled schemas
 * stay read-only. */
enum { MEMO_MAX = 128 };
static _Thread_local struct {
    uint64_t id; /* js_regex.id; 0 never names a pattern */
    size_t n;
    int rc;
    char subject[MEMO_MAX];
} memo;

int js_regex_search(const js_regex *re, const char *s, size_t n, pcre2_match_data **md)
{
    if (memo.id == re->id && memo.n == n && memcmp(memo.subject, s, n) == 0)
        return memo.rc;
    int rc = js_regex_match(re, s, n, md);
    if (n <= MEMO_MAX) {
        memo.id = re->id;
        memo.n = n;
        memo.rc = rc;
        memcpy(memo.subject, s, n);
    }
    return rc;
}

/* Invalid UTF-8 cannot come from json-c's validated strings; it counts as
 * no match, as before. Every other failure is returned. */
static int js_regex_match(const js_regex *re, const char *s, size_t n, pcre2_match_data **md)
{
    if (!*md)
        *md = pcre2_match_data_create(1, NULL);
    pcre2_match_context *mcx = js_match_context();
    int rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, 0, *md, mcx);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT)
        rc = pcre2_match(re->code, (PCRE2_SPTR)s, n, 0, PCRE2_NO_JIT, *md, mcx);
    if (rc >= 0) /* 0: matched, ovector too small for the groups */
        return 1;
    if (rc == PCRE2_ERROR_NOMATCH || (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21))
        return 0;
    return rc;
}

void js_regex_free(js_regex *re)
{
    pcre2_code_free(re->code);
    free(re->source);
    re->code = NULL;
    re->source = NULL;
}
