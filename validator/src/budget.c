/* budget.c - the memory budget per file: one pass over the text counts
 * its values by type and its string bytes, and prices them at what
 * json-c 0.16 and the checks allocate for each (measured with
 * /usr/bin/time -v on files of one shape each; docs/cli.md, "Limits"),
 * before json-c builds anything. The pass does not validate: json-c and
 * jscan do that afterwards, for files within the budget. */
#include "recval_internal.h"

#include <stdint.h>
#include <string.h>

/* Bytes per value of each kind, json-c's object and its share of the
 * container holding it, malloc's overhead and what the checks add
 * (positions, folded streams) included. */
enum {
    COST_OBJECT = 1000, /* measured 795: json-c's object and its 16-entry hash table */
    COST_ARRAY = 200,   /* measured 155 */
    COST_MEMBER = 400,  /* measured 95, 450 with a diagnostic for each (unknown-field) */
    COST_STRING = 120,  /* measured 91, bytes apart */
    COST_INTEGER = 96,  /* measured 74 */
    COST_DOUBLE = 136,  /* measured 109: json-c keeps the number's text too */
    COST_LITERAL = 24,  /* measured 13: null, true and false are shared */
};
/* Each string byte is held by the text, by json-c's string object and by
 * the copies the checks make (request-hash dumps): twice over, beyond the
 * text. A byte of a non-ASCII character costs four more: the recorder's
 * json.dumps writes it as a \uXXXX escape, and recval's dumps of the
 * request do too (measured: 7.8 times the string for a request of é). */
#define STRING_BYTE_COST 2
#define NON_ASCII_BYTE_COST 4
/* The longest string also passes through json-c's doubling buffer. */
#define LONGEST_STRING_COST 2

/* The number of bytes of [p, p + n) at 0x80 or above, in a loop the
 * compiler vectorizes. */
static size_t count_high(const unsigned char *p, size_t n)
{
    size_t high = 0;
    for (size_t i = 0; i < n; i++)
        high += p[i] >> 7;
    return high;
}

/* Moves past the string whose opening quote is at text[*i], leaving *i on
 * its closing quote; counts its bytes and its non-ASCII bytes (not the
 * byte after a backslash). Up to the first backslash, memchr finds the
 * end; from there on, byte by byte. */
static size_t skip_string(const char *text, size_t len, size_t *i, size_t *non_ascii)
{
    size_t start = *i + 1, k = start, high = 0;
    if (start < len) {
        const char *q = memchr(text + start, '"', len - start);
        size_t plain = q ? (size_t)(q - text) - start : len - start;
        const char *bs = memchr(text + start, '\\', plain);
        if (bs)
            plain = (size_t)(bs - text) - start;
        high = count_high((const unsigned char *)text + start, plain);
        k = start + plain;
    }
    while (k < len && text[k] != '"') {
        high += (unsigned char)text[k] >= 0x80;
        k += text[k] == '\\' ? 2 : 1;
    }
    if (k > len)
        k = len;
    *i = k;
    *non_ascii += high;
    return k - start;
}

/* The most any one byte of text adds to an estimate: each value counted
 * takes a byte of its own at least (a string its opening quote, with its
 * per-byte costs), and every byte is counted once more as text. */
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MAX_COST_PER_BYTE                                                                          \
    (1 + MAX(MAX(MAX(COST_OBJECT, COST_ARRAY), MAX(COST_MEMBER, COST_LITERAL)),                    \
             MAX(MAX(COST_INTEGER, COST_DOUBLE),                                                   \
                 COST_STRING + STRING_BYTE_COST + NON_ASCII_BYTE_COST + LONGEST_STRING_COST)))

bool rv_estimate_fits(size_t len, size_t budget)
{
    return len <= budget / MAX_COST_PER_BYTE;
}

/* The index of the first byte at or after i that is not a space, a word
 * at a time: indentation is nearly half the bytes of a recording. */
static size_t skip_spaces(const char *text, size_t len, size_t i)
{
    static const uint64_t spaces = 0x2020202020202020ULL;
    uint64_t w;
    while (len - i >= 8 && (memcpy(&w, text + i, 8), w == spaces))
        i += 8;
    while (i < len && text[i] == ' ')
        i++;
    return i;
}

static bool is_number_byte(char c)
{
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

rv_memory_estimate rv_estimate_memory(const char *text, size_t len)
{
    size_t objects = 0, arrays = 0, members = 0, strings = 0, ints = 0, doubles = 0;
    size_t literals = 0, string_bytes = 0, longest = 0, non_ascii = 0;
    for (size_t i = 0; i < len; i++) {
        char c = text[i];
        if (c == ' ') {
            i = skip_spaces(text, len, i) - 1;
        } else if (c == '{') {
            objects++;
        } else if (c == '[') {
            arrays++;
        } else if (c == ':') {
            members++;
        } else if (c == '"') {
            size_t n = skip_string(text, len, &i, &non_ascii);
            strings++;
            string_bytes += n;
            if (n > longest)
                longest = n;
        } else if ((c >= '0' && c <= '9') || c == '-') {
            bool is_double = false;
            while (i < len && is_number_byte(text[i])) {
                is_double |= text[i] == '.' || text[i] == 'e' || text[i] == 'E';
                i++;
            }
            i--;
            if (is_double)
                doubles++;
            else
                ints++;
        } else if (c == 't' || c == 'f' || c == 'n') {
            literals++;
            while (i + 1 < len && text[i + 1] >= 'a' && text[i + 1] <= 'z')
                i++;
        }
    }
    /* Member names are strings too, but json-c keeps them as keys. */
    size_t values_strings = strings > members ? strings - members : 0;
    rv_memory_estimate e;
    e.values = objects + arrays + values_strings + ints + doubles + literals;
    e.bytes = len + objects * (size_t)COST_OBJECT + arrays * (size_t)COST_ARRAY +
              members * (size_t)COST_MEMBER + values_strings * (size_t)COST_STRING +
              ints * (size_t)COST_INTEGER + doubles * (size_t)COST_DOUBLE +
              literals * (size_t)COST_LITERAL + string_bytes * STRING_BYTE_COST +
              non_ascii * NON_ASCII_BYTE_COST + longest * LONGEST_STRING_COST;
    return e;
}
