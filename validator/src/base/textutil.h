/* textutil.h - the byte-level text helpers every layer shares: hex digits,
 * \uXXXX escape values, strict UTF-8 decoding and positions in text. No
 * allocation. */
#ifndef RECVAL_TEXTUTIL_H
#define RECVAL_TEXTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of hex digit c (either case), or -1 when c is not one. */
int rv_hex_digit(char c);

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
