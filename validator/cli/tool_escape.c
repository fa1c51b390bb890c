/* tool_escape.c - writes untrusted text (paths, messages quoting
 * recordings) safely into text, JSON and XML output. */
#include "tool.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Decodes one UTF-8 sequence at NUL-terminated s (the library's strict
 * decoder); returns its length (0 when invalid) and stores the code point. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    return recval_utf8_decode((const char *)s, strnlen((const char *)s, 4), cp);
}

static const char REPLACEMENT[] = "\xEF\xBF\xBD";

void tool_put_json_string(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    fputc('"', out);
    while (*s) {
        uint32_t cp;
        size_t n = utf8_decode(s, &cp);
        if (n == 0) {
            fputs(REPLACEMENT, out);
            s++;
            continue;
        }
        switch (cp) {
        case '"':
            fputs("\\\"", out);
            break;
        case '\\':
            fputs("\\\\", out);
            break;
        case '\n':
            fputs("\\n", out);
            break;
        case '\r':
            fputs("\\r", out);
            break;
        case '\t':
            fputs("\\t", out);
            break;
        case '\b':
            fputs("\\b", out);
            break;
        case '\f':
            fputs("\\f", out);
            break;
        default:
            if (cp < 0x20)
                fprintf(out, "\\u%04x", (unsigned)cp);
            else
                fwrite(s, 1, n, out);
        }
        s += n;
    }
    fputc('"', out);
}

/* XML 1.0 Char production. */
static int xml_allowed(uint32_t cp)
{
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
           (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

void tool_put_json_or_null(FILE *out, const char *s)
{
    if (s)
        tool_put_json_string(out, s);
    else
        fputs("null", out);
}

void tool_put_xml(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        uint32_t cp;
        size_t n = utf8_decode(s, &cp);
        if (n == 0 || !xml_allowed(cp)) {
            fputs(REPLACEMENT, out);
            s += n ? n : 1;
            continue;
        }
        switch (cp) {
        case '&':
            fputs("&amp;", out);
            break;
        case '<':
            fputs("&lt;", out);
            break;
        case '>':
            fputs("&gt;", out);
            break;
        case '"':
            fputs("&quot;", out);
            break;
        case '\'':
            fputs("&apos;", out);
            break;
        case '\t':
            fputs("&#9;", out);
            break;
        case '\n':
            fputs("&#10;", out);
            break;
        case '\r':
            fputs("&#13;", out);
            break;
        default:
            fwrite(s, 1, n, out);
        }
        s += n;
    }
}

/* C1 controls (U+0080-U+009F, NEL among them), the line and paragraph
 * separators, and the bidirectional controls: a terminal or editor may
 * break a line at them or reorder the text around them. */
static bool is_invisible_break(uint32_t cp)
{
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

void tool_put_text(FILE *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)(str ? str : "");
    while (*s) {
        uint32_t cp;
        size_t n = utf8_decode(s, &cp);
        if (n == 0) {
            fprintf(out, "\\x%02x", *s);
            s++;
            continue;
        }
        if (cp == '\n')
            fputs("\\n", out);
        else if (cp == '\r')
            fputs("\\r", out);
        else if (cp == '\t')
            fputs("\\t", out);
        else if (cp < 0x20 || cp == 0x7F)
            fprintf(out, "\\x%02x", (unsigned)cp);
        else if (is_invisible_break(cp))
            fprintf(out, "\\u%04x", (unsigned)cp);
        else
            fwrite(s, 1, n, out);
        s += n;
    }
}

/* Pointers are cut in messages (text and JUnit) above this many bytes:
 * the first tokens up to HEAD bytes and the last up to TAIL are kept. */
enum { POINTER_MAX = 160, POINTER_HEAD = 80, POINTER_TAIL = 60 };

char *tool_short_pointer(const char *p)
{
    size_t n = strlen(p);
    char *out = malloc(n + 64);
    if (!out)
        abort();
    if (n <= POINTER_MAX) {
        memcpy(out, p, n + 1);
        return out;
    }
    size_t head = POINTER_HEAD, tail = n - POINTER_TAIL;
    while (head > 1 && p[head] != '/') /* whole tokens only */
        head--;
    while (tail < n && p[tail] != '/')
        tail++;
    size_t cut = 0;
    for (size_t i = head; i < tail; i++)
        cut += p[i] == '/';
    memcpy(out, p, head);
    int k = snprintf(out + head, 64, "/\u2026%zu tokens cut\u2026", cut);
    memcpy(out + head + (size_t)k, p + tail, n - tail + 1);
    return out;
}
