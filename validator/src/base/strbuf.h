/* strbuf.h - growable byte buffer used for messages, pointers and reports.
 * Allocation failure aborts the process (there is no sane recovery for a
 * linter running out of memory); every other error is a return code. */
#ifndef RECVAL_STRBUF_H
#define RECVAL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data; /* always NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
} strbuf;

#define STRBUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void sb_reserve(strbuf *sb, size_t extra);
void sb_putc(strbuf *sb, char c);
void sb_put(strbuf *sb, const char *s, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
void sb_truncate(strbuf *sb, size_t len);
/* printf into a new heap string (never NULL; the caller frees it). */
char *sb_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *sb_vformat(const char *fmt, va_list ap);
/* Returns the heap string and resets sb; never NULL. */
char *sb_detach(strbuf *sb);
void sb_free(strbuf *sb);
/* Appends s as an RFC 6901 reference token: '~' -> "~0", '/' -> "~1". */
void sb_put_pointer_token(strbuf *sb, const char *s, size_t n);

/* Checked allocation helpers. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
