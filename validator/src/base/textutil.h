/* textutil.h - the byte-level text helpers every layer shares: hex digits,
 * \uXXXX escape values and strict UTF-8 decoding. No allocation. */
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

/* Decodes one strict UTF-8 sequence (RFC 3629: no overlongs, surrogates or
 * code points over U+10FFFF) at str, n bytes available. Returns its length
 * and the code point in *cp, or 0 when the bytes are not valid UTF-8. */
size_t rv_utf8_decode(const char *str, size_t n, uint32_t *cp);

#endif
