/* textutil.c - hex digits, \uXXXX escape values and strict UTF-8 decoding,
 * one copy for the loader, the request hasher, the schema engine and the
 * CLI. */
#include "textutil.h"

const char rv_hex_lower[17] = "0123456789abcdef";

int rv_hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool rv_hex4(const char *s, size_t avail, uint32_t *out)
{
    if (avail < 4)
        return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        int d = rv_hex_digit(s[i]);
        if (d < 0)
            return false;
        v = v * 16 + (uint32_t)d;
    }
    *out = v;
    return true;
}

size_t rv_json_u_escape(const char *s, size_t avail, uint32_t *cp)
{
    uint32_t hi, lo;
    if (!rv_hex4(s, avail, &hi))
        return 0;
    *cp = hi;
    if (hi >= 0xD800 && hi < 0xDC00 && avail >= 10 && s[4] == '\\' && s[5] == 'u' &&
        rv_hex4(s + 6, avail - 6, &lo) && lo >= 0xDC00 && lo < 0xE000) {
        *cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return 10;
    }
    return 4;
}

size_t rv_utf8_start(const char *s, size_t i)
{
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}

size_t rv_utf8_end(const char *s, size_t n, size_t i)
{
    while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
        i++;
    return i;
}

size_t rv_utf8_decode(const char *str, size_t n, uint32_t *cp)
{
    const unsigned char *s = (const unsigned char *)str;
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t len = s[0] < 0x80   ? 1
                 : s[0] < 0xC2 ? 0
                 : s[0] < 0xE0 ? 2
                 : s[0] < 0xF0 ? 3
                 : s[0] < 0xF5 ? 4
                               : 0;
    if (len == 0 || len > n)
        return 0;
    uint32_t c = len == 1 ? s[0] : s[0] & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min_cp[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

size_t rv_text_offset(const char *text, size_t len, unsigned line, unsigned column)
{
    size_t i = 0;
    for (unsigned l = 1; l < line && i < len; i++)
        if (text[i] == '\n')
            l++;
    for (unsigned c = 1; c < column && i < len; c++)
        for (i++; i < len && ((unsigned char)text[i] & 0xC0) == 0x80; i++)
            ;
    return i;
}
