/* textutil.h - the byte-level text helpers every layer shares: hex digits,
 * \uXXXX escape values, strict UTF-8 decoding and positions in text. No
 * allocation. */
#ifndef RECVAL_TEXTUTIL_H
#define RECVAL_TEXTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* The value of hex digit c (either case), or -1 when c is not one. */
int rv_hex_digit(char c);
/* The lower-case hex digits, "0123456789abcdef". */
extern const char rv_hex_lower[17];

/* Reads the four hex digits of a \uXXXX escape at s (avail bytes there)
 * into *out. False, *out untouched, when there are fewer than four or one
 * is not a hex digit. */
bool rv_hex4(const char *s, size_t avail, uint32_t *out);

/* Reads the \uXXXX escape of a JSON string whose hex digits start at s
 * (avail bytes there) into *cp, joining a high surrogate with a following
 * \uDC00-\uDFFF escape. Returns the bytes used after the "\u": 10 for a
 * pair, 4 for one escape (a lone surrogate is returned as itself), 0 when
 * the four hex digits are not there. The one \u reader of the JSON
 * scanner (jsonscan.c) and of the request hasher's scan (pyjson.c). */
size_t rv_json_u_escape(const char *s, size_t avail, uint32_t *cp);

/* Decodes one strict UTF-8 sequence (RFC 3629: no overlongs, surrogates or
 * code points over U+10FFFF) at str, n bytes available. Returns its length
 * and the code point in *cp, or 0 when the bytes are not valid UTF-8. */
size_t rv_utf8_decode(const char *str, size_t n, uint32_t *cp);

/* Length of the leading run of s[0..n) of printable ASCII other than '"'
 * and '\\' (0x20-0x7E): the bytes a JSON string holds, and Python's
 * ensure_ascii writes, as they are. Sixteen bytes at a time with SSE2,
 * byte by byte elsewhere: the JSON scan and the Python-style dump both
 * spend most of their string bytes here. */
static inline size_t rv_plain_ascii_run(const char *s, size_t n)
{
    size_t i = 0;
#ifdef __SSE2__
    const __m128i space = _mm_set1_epi8(0x20), del = _mm_set1_epi8(0x7F);
    const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        /* signed compares: bytes from 0x80 are negative, below ' ' too */
        __m128i special =
            _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, del)),
                         _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
        int mask = _mm_movemask_epi8(special);
        if (mask)
            return i + (size_t)__builtin_ctz((unsigned)mask);
    }
#endif
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c > 0x7E || c == '"' || c == '\\')
            break;
    }
    return i;
}

/* The start of the UTF-8 sequence holding byte i of s: i moved back over
 * continuation bytes (not below 0), to cut text short for a message. */
size_t rv_utf8_start(const char *s, size_t i);
/* The end of the sequence at byte i of s[0..n): i moved forward over
 * continuation bytes (not past n). */
size_t rv_utf8_end(const char *s, size_t n, size_t i);

/* The byte offset of 1-based `line` and `column` (columns count code
 * points, as diagnostics do) in text[0..len); len when past the end. */
size_t rv_text_offset(const char *text, size_t len, unsigned line, unsigned column);

#endif
