/* normalize.c - the recorder's _normalize_body_for_hash(): floats rounded to
 * 5 decimals, and in strings the file_search noise (scores, attributes,
 * document ids, citations) replaced and long decimals rounded, with
 * Python re's meaning of \d and \s on str; as a tree, or as a dump written
 * while normalizing, from which the dumps of the lower levels are made by
 * rewriting only the strings file_search changed. Patterns are compiled
 * once per process; each call makes its own match data, so calls are
 * thread-safe. */
#include "pyjson.h"
#include "jsonschema.h"      /* js_match_context */
#include "recval_internal.h" /* PCRE2 (8-bit), rv_utf8_decode */
#include "reqhash.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* Code points of the digit zero of every run of ten Unicode decimal
 * digits (category Nd), Unicode 14.0 as in Python 3.11: Python's \d and
 * float() accept exactly these digits. */
static const uint32_t digit_zeros[] = {
    0x30,    0x660,   0x6f0,   0x7c0,   0x966,   0x9e6,   0xa66,   0xae6,   0xb66,   0xbe6,
    0xc66,   0xce6,   0xd66,   0xde6,   0xe50,   0xed0,   0xf20,   0x1040,  0x1090,  0x17e0,
    0x1810,  0x1946,  0x19d0,  0x1a80,  0x1a90,  0x1b50,  0x1bb0,  0x1c40,  0x1c50,  0xa620,
    0xa8d0,  0xa900,  0xa9d0,  0xa9f0,  0xaa50,  0xabf0,  0xff10,  0x104a0, 0x10d30, 0x11066,
    0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0,
    0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2,
    0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
};
#define N_DIGIT_RUNS (sizeof digit_zeros / sizeof digit_zeros[0])

/* Python's \s on str (str.isspace()): PCRE2's \s lacks \x1c-\x1f and
 * \x85, so the class is spelled out. */
#define PY_SPACE                                                                                   \
    "[\\t-\\r\\x1c-\\x20\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}"              \
    "\\x{202f}\\x{205f}\\x{3000}]"
#define UUID "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"

/* The recorder's substitutions, in the order it applies them; "\\d"
 * stands for Python's \d and is expanded before compiling. */
typedef enum step_id {
    STEP_SCORE,
    STEP_ATTRIBUTES,
    STEP_DOCUMENT_ID,
    STEP_CITATION,
    STEP_FLOAT,
    N_STEPS
} step_id;

typedef struct step {
    const char *pattern;
    const char *replacement;  /* NULL: the matched decimal, rounded */
    reqhash_norm_level level; /* lowest level that applies it */
} step;

static const step steps[N_STEPS] = {
    [STEP_SCORE] = {"score:" PY_SPACE "*[-+]?\\d*\\.?\\d+(?:[eE][-+]?\\d+)?",
                    "score: __NORMALIZED__", REQHASH_NORM_FS_PARTIAL},
    [STEP_ATTRIBUTES] = {",?" PY_SPACE "*attributes:" PY_SPACE "*\\{[^}]*\\}", "",
                         REQHASH_NORM_FS_PARTIAL},
    [STEP_DOCUMENT_ID] = {"document_id:" PY_SPACE "*" UUID, "document_id: __NORMALIZED__",
                          REQHASH_NORM_CURRENT},
    [STEP_CITATION] = {"<\\|" UUID "\\|>", "<|__NORMALIZED__|>", REQHASH_NORM_CURRENT},
    [STEP_FLOAT] = {"-?\\d+\\.\\d{4,}", NULL, REQHASH_NORM_FLOATS},
};

static pcre2_code *compiled[N_STEPS];
static pthread_once_t compile_once = PTHREAD_ONCE_INIT;

/* Python's \d as a class of the runs in digit_zeros. */
static void put_digit_class(strbuf *sb)
{
    rv_sb_putc(sb, '[');
    for (size_t i = 0; i < N_DIGIT_RUNS; i++)
        rv_sb_printf(sb, "\\x{%x}-\\x{%x}", (unsigned)digit_zeros[i], (unsigned)digit_zeros[i] + 9);
    rv_sb_putc(sb, ']');
}

/* The pattern with each "\\d" replaced by the digit class. */
static char *expand_pattern(const char *p)
{
    strbuf sb = STRBUF_INIT;
    for (; *p; p++) {
        if (p[0] == '\\' && p[1] == 'd') {
            put_digit_class(&sb);
            p++;
        } else if (p[0] == '\\' && p[1]) {
            rv_sb_put(&sb, p, 2);
            p++;
        } else {
            rv_sb_putc(&sb, *p);
        }
    }
    return rv_sb_detach(&sb);
}

/* Compiles every step; a failure leaves its slot NULL (reported by
 * normalize_string as an error, which cannot happen with these
 * fixed patterns unless PCRE2 lacks UTF support). */
static void compile_steps(void)
{
    for (int i = 0; i < N_STEPS; i++) {
        char *pattern = expand_pattern(steps[i].pattern);
        int errcode;
        PCRE2_SIZE erroff;
        compiled[i] = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode,
                                    &erroff, NULL);
        if (compiled[i])
            pcre2_jit_compile(compiled[i], PCRE2_JIT_COMPLETE); /* optional speed-up */
        free(pattern);
    }
}

/* Value of a Python decimal digit code point, -1 if it is none. */
static int digit_value(uint32_t cp)
{
    size_t lo = 0, hi = N_DIGIT_RUNS;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (digit_zeros[mid] <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo > 0 && cp - digit_zeros[lo - 1] < 10 ? (int)(cp - digit_zeros[lo - 1]) : -1;
}

/* f"{float(m):.5f}" for a match of the decimal pattern (valid UTF-8,
 * digits possibly non-ASCII). */
static void put_rounded_decimal(strbuf *out, const char *m, size_t n)
{
    strbuf ascii = STRBUF_INIT;
    for (size_t i = 0; i < n;) {
        uint32_t cp = (unsigned char)m[i];
        size_t len = rv_utf8_decode(m + i, n - i, &cp);
        int d = digit_value(cp);
        rv_sb_putc(&ascii, d >= 0 ? (char)('0' + d) : (char)cp); /* else '-' or '.' */
        i += len ? len : 1;
    }
    rv_sb_printf(out, "%.5f", strtod(ascii.data, NULL));
    rv_sb_free(&ascii);
}

static unsigned steps_that_may_match(const char *s, size_t n);

/* Replaces every match of step id in s[0..n) into out (s and out
 * distinct). Returns the number of matches, or a PCRE2 error (< 0). After
 * a match, the rest of s is searched only when the prefilter says the
 * step can match there (no pattern looks behind where a search starts). */
static int substitute(step_id id, const char *s, size_t n, pcre2_match_data *md, uint32_t opts,
                      strbuf *out)
{
    size_t copied = 0;
    int count = 0;
    for (;;) {
        if (count && !(steps_that_may_match(s + copied, n - copied) & (1u << id)))
            break;
        int rc = pcre2_match(compiled[id], (PCRE2_SPTR)s, n, copied, opts, md, js_match_context());
        if (rc == PCRE2_ERROR_NOMATCH)
            break;
        if (rc < 0)
            return rc;
        opts |= PCRE2_NO_UTF_CHECK;
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
        rv_sb_put(out, s + copied, ov[0] - copied);
        if (steps[id].replacement)
            rv_sb_puts(out, steps[id].replacement);
        else
            put_rounded_decimal(out, s + ov[0], ov[1] - ov[0]);
        copied = ov[1]; /* no pattern matches the empty string */
        count++;
    }
    if (count)
        rv_sb_put(out, s + copied, n - copied);
    return count;
}

static pcre2_match_data *new_match_data(void)
{
    pthread_once(&compile_once, compile_steps);
    return pcre2_match_data_create(2, NULL);
}

/* --- prefilter ------------------------------------------------------- */

/* True when s[0..n) has `word` right before position `at`. */
static int ends_with_at(const char *s, size_t at, const char *word, size_t len)
{
    return at >= len && memcmp(s + at - len, word, len) == 0;
}

/* True when the code point starting at s[i] (or ending just before s[i]
 * when backwards) is a Python decimal digit; *len receives its length. */
static int digit_at(const char *s, size_t n, size_t i, size_t *len)
{
    uint32_t cp;
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *len = 1;
        return c >= '0' && c <= '9';
    }
    *len = rv_utf8_decode(s + i, n - i, &cp);
    return *len && digit_value(cp) >= 0;
}

static int digit_before(const char *s, size_t n, size_t i)
{
    if (i == 0)
        return 0;
    size_t start = i - 1, len;
    while (start > 0 && i - start < 4 && ((unsigned char)s[start] & 0xC0) == 0x80)
        start--; /* back to the lead byte of a UTF-8 sequence */
    return digit_at(s, n, start, &len) && start + len == i;
}

/* True when some '.' has a digit before it and four after: the only
 * places -?\d+\.\d{4,} can match. */
static int may_have_decimal(const char *s, size_t n)
{
    for (const char *dot = memchr(s, '.', n); dot;
         dot = memchr(dot + 1, '.', n - (size_t)(dot + 1 - s))) {
        size_t i = (size_t)(dot - s), p = i + 1, len = 0;
        if (!digit_before(s, n, i))
            continue;
        int k = 0;
        while (k < 4 && p < n && digit_at(s, n, p, &len)) {
            p += len;
            k++;
        }
        if (k == 4)
            return 1;
        if (dot + 1 >= s + n)
            break;
    }
    return 0;
}

/* Bit set of the steps whose pattern can match s[0..n): each needs a
 * literal ("score:", "attributes:", "document_id:", "<|") or, for the
 * decimal step, a digit run, '.', four digits. A quick byte scan spares
 * PCRE2 most strings. */
static unsigned steps_that_may_match(const char *s, size_t n)
{
    unsigned set = 0;
    for (const char *c = memchr(s, ':', n); c; c = memchr(c + 1, ':', n - (size_t)(c + 1 - s))) {
        size_t at = (size_t)(c - s);
        if (ends_with_at(s, at, "score", 5))
            set |= 1u << STEP_SCORE;
        else if (ends_with_at(s, at, "attributes", 10))
            set |= 1u << STEP_ATTRIBUTES;
        else if (ends_with_at(s, at, "document_id", 11))
            set |= 1u << STEP_DOCUMENT_ID;
        if (at + 1 >= n)
            break;
    }
    for (const char *c = memchr(s, '<', n); c; c = memchr(c + 1, '<', n - (size_t)(c + 1 - s))) {
        if (c + 1 < s + n && c[1] == '|') {
            set |= 1u << STEP_CITATION;
            break;
        }
        if (c + 1 >= s + n)
            break;
    }
    if (may_have_decimal(s, n))
        set |= 1u << STEP_FLOAT;
    return set;
}

/* --- strings --------------------------------------------------------- */

/* True when s[0..n) is valid UTF-8 as Python decodes it. */
static int valid_utf8(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = (unsigned char)s[i] < 0x80 ? 1 : rv_utf8_decode(s + i, n - i, &cp);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}

/* rv_reqhash_normalize_string() with the caller's match data. PCRE2 checks
 * UTF-8 on the first step that runs; when the prefilter spares them all,
 * check_utf8 asks for the check anyway (the dump path leaves it to
 * rv_pyjson_put_string). */
static int normalize_string(pcre2_match_data **md, const char *s, size_t n,
                            reqhash_norm_level level, strbuf *out, int *fs_changed, int check_utf8)
{
    strbuf buf[2] = {STRBUF_INIT, STRBUF_INIT};
    const char *cur = s;
    size_t cur_len = n;
    uint32_t opts = 0; /* UTF-8 is checked by the first match only */
    int changed = 0, rc = 0;
    unsigned may = steps_that_may_match(s, n);
    for (int i = 0; i < N_STEPS && rc >= 0; i++) {
        if (steps[i].level > level)
            continue;
        /* A replacement can make a later step match only through what it
         * writes; re-check the rewritten string for that step. */
        if (!(may & (1u << i)) && !(changed && (steps_that_may_match(cur, cur_len) & (1u << i))))
            continue;
        strbuf *dst = cur == buf[0].data ? &buf[1] : &buf[0];
        rv_sb_truncate(dst, 0);
        if (!*md)
            *md = new_match_data();
        rc = compiled[i] ? substitute((step_id)i, cur, cur_len, *md, opts, dst) : PCRE2_ERROR_NULL;
        opts = PCRE2_NO_UTF_CHECK;
        if (rc > 0) {
            cur = dst->data;
            cur_len = dst->len;
            changed = 1;
            if (i != STEP_FLOAT && fs_changed)
                *fs_changed = 1;
        }
    }
    if (rc >= 0 && opts == 0 && check_utf8 && !valid_utf8(s, n))
        rc = -1;
    if (rc >= 0 && changed)
        rv_sb_put(out, cur, cur_len);
    rv_sb_free(&buf[0]);
    rv_sb_free(&buf[1]);
    return rc < 0 ? -1 : changed;
}

int rv_reqhash_normalize_string(const char *s, size_t n, reqhash_norm_level level, strbuf *out,
                                int *fs_changed)
{
    pcre2_match_data *md = NULL;
    int rc = normalize_string(&md, s, n, level, out, fs_changed, 1);
    pcre2_match_data_free(md);
    return rc;
}

/* --- values ---------------------------------------------------------- */

typedef struct norm {
    reqhash_norm_level level;
    int fs_changed, failed;
    strbuf scratch;
    pcre2_match_data *md;
} norm;

static json_object *norm_value(norm *c, json_object *v);

static json_object *norm_object(norm *c, json_object *v)
{
    json_object *o = json_object_new_object();
    json_object_object_foreach(v, key, val) json_object_object_add(o, key, norm_value(c, val));
    return o;
}

static json_object *norm_array(norm *c, json_object *v)
{
    size_t n = json_object_array_length(v);
    json_object *a = json_object_new_array_ext((int)n);
    for (size_t i = 0; i < n; i++)
        json_object_array_add(a, norm_value(c, json_object_array_get_idx(v, i)));
    return a;
}

static json_object *norm_string(norm *c, json_object *v)
{
    rv_sb_truncate(&c->scratch, 0);
    int rc =
        normalize_string(&c->md, json_object_get_string(v), (size_t)json_object_get_string_len(v),
                         c->level, &c->scratch, &c->fs_changed, 1);
    if (rc < 0)
        c->failed = 1;
    if (rc <= 0)
        return json_object_get(v);
    return json_object_new_string_len(c->scratch.data, (int)c->scratch.len);
}

static json_object *norm_value(norm *c, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_object:
        return norm_object(c, v);
    case json_type_array:
        return norm_array(c, v);
    case json_type_double:
        return json_object_new_double(rv_pyjson_round(json_object_get_double(v), 5));
    case json_type_string:
        return norm_string(c, v);
    default: /* null, booleans and integers are kept */
        return json_object_get(v);
    }
}

/* The top-level tweaks: provider credentials and Bedrock's varying
 * stream options do not take part in the hash. */
static void strip_root(json_object *root, int drop_stream_options)
{
    if (!json_object_is_type(root, json_type_object))
        return;
    if (drop_stream_options)
        json_object_object_del(root, "stream_options");
    static const char *const extras[] = {"extra_body", "extra_query"};
    for (size_t i = 0; i < 2; i++) {
        json_object *extra = NULL;
        if (json_object_object_get_ex(root, extras[i], &extra) &&
            json_object_is_type(extra, json_type_object))
            json_object_object_del(extra, "project_id");
    }
}

json_object *rv_reqhash_normalize(json_object *body, reqhash_norm_level level,
                                  int drop_stream_options, int *fs_changed, int *failed)
{
    norm c = {.level = level, .scratch = STRBUF_INIT};
    json_object *out = norm_value(&c, body);
    strip_root(out, drop_stream_options);
    rv_sb_free(&c.scratch);
    pcre2_match_data_free(c.md);
    if (fs_changed && c.fs_changed)
        *fs_changed = 1;
    if (failed && c.failed)
        *failed = 1;
    return out;
}

/* --- normalizing dump ------------------------------------------------ */

/* The state of one rv_reqhash_dump_normalized(). */
typedef struct norm_dump {
    reqhash_norm_level level;
    int drop_stream_options;
    reqhash_norm_info *info;
    const strbuf *out;      /* the dump, for the offsets of changes */
    reqhash_fs_strings *fs; /* NULL: not listed */
    pcre2_match_data *md;   /* made when a pattern first has to run */
} norm_dump;

/* Notes that the value about to be written at the end of the dump (or
 * the object about to be opened) differs from the plain dump. */
static void note_change(norm_dump *c)
{
    if (!c->info->changed)
        c->info->first_change = c->out->len;
    c->info->changed = 1;
}

/* Lists s[0..n), about to be written at the end of the dump. */
static void add_fs_string(norm_dump *c, const char *s, size_t n)
{
    reqhash_fs_strings *fs = c->fs;
    if (fs->count == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 8;
        fs->items = rv_xrealloc(fs->items, fs->cap * sizeof *fs->items);
    }
    fs->items[fs->count++] = (struct reqhash_fs_string){c->out->len, s, n};
}

static int dump_string_hook(void *ud, const char *s, size_t n, strbuf *out)
{
    norm_dump *c = ud;
    int fs_changed = 0;
    int rc = normalize_string(&c->md, s, n, c->level, out, &fs_changed, 0);
    if (rc < 0)
        c->info->failed = 1;
    if (rc > 0)
        note_change(c);
    if (fs_changed) {
        c->info->fs_changed = 1;
        if (c->fs)
            add_fs_string(c, s, n);
    }
    return rc;
}

static double dump_number_hook(void *ud, double x)
{
    norm_dump *c = ud;
    double r = rv_pyjson_round(x, 5);
    if (memcmp(&r, &x, sizeof r) != 0)
        note_change(c);
    return r;
}

/* strip_root() as a filter: "stream_options" of the body (Bedrock) and
 * "project_id" of its extra_body and extra_query objects. */
static int dump_skip_hook(void *ud, int depth, const char *parent_key, const char *key)
{
    norm_dump *c = ud;
    int skip = 0;
    if (depth == 0)
        skip = c->drop_stream_options && strcmp(key, "stream_options") == 0;
    else if (depth == 1 && parent_key)
        skip = strcmp(key, "project_id") == 0 &&
               (strcmp(parent_key, "extra_body") == 0 || strcmp(parent_key, "extra_query") == 0);
    if (skip)
        note_change(c);
    return skip;
}

void rv_reqhash_dump_normalized_fs(json_object *body, reqhash_norm_level level,
                                   int drop_stream_options, strbuf *out, reqhash_norm_info *info,
                                   reqhash_fs_strings *fs)
{
    norm_dump c = {.level = level,
                   .drop_stream_options = drop_stream_options,
                   .info = info,
                   .out = out,
                   .fs = fs};
    pyjson_hooks hooks = {dump_string_hook, dump_number_hook, dump_skip_hook, &c};
    rv_pyjson_dumps_with(body, out, &hooks, &info->bad);
    pcre2_match_data_free(c.md);
}

void rv_reqhash_dump_normalized(json_object *body, reqhash_norm_level level,
                                int drop_stream_options, strbuf *out, reqhash_norm_info *info)
{
    rv_reqhash_dump_normalized_fs(body, level, drop_stream_options, out, info, NULL);
}

void rv_reqhash_fs_strings_free(reqhash_fs_strings *fs)
{
    free(fs->items);
    *fs = (reqhash_fs_strings){0};
}

/* --- another level from a dump --------------------------------------- */

/* The end of the string literal that starts at dump[at] (its opening
 * quote): the offset after its closing quote. */
static size_t literal_end(const char *dump, size_t n, size_t at)
{
    size_t i = at + 1;
    while (i < n && dump[i] != '"')
        i += dump[i] == '\\' ? 2 : 1;
    return i < n ? i + 1 : n;
}

void rv_reqhash_redump_level(const char *dump, size_t n, const reqhash_fs_strings *fs,
                             reqhash_norm_level level, strbuf *out)
{
    strbuf scratch = STRBUF_INIT;
    pcre2_match_data *md = NULL;
    size_t copied = 0;
    rv_sb_reserve(out, n);
    for (size_t i = 0; i < fs->count; i++) {
        const struct reqhash_fs_string *f = &fs->items[i];
        rv_sb_put(out, dump + copied, f->at - copied);
        rv_sb_truncate(&scratch, 0);
        if (normalize_string(&md, f->s, f->n, level, &scratch, NULL, 0) > 0)
            rv_pyjson_put_string(out, scratch.data, scratch.len);
        else
            rv_pyjson_put_string(out, f->s, f->n);
        copied = literal_end(dump, n, f->at);
    }
    rv_sb_put(out, dump + copied, n - copied);
    pcre2_match_data_free(md);
    rv_sb_free(&scratch);
}
