/* strbuf.h - growable byte buffer used for messages, pointers and reports,
 * and the checked allocation every allocation of the library goes through.
 * Allocation failure calls rv_out_of_memory(): the handler the embedder set
 * (recval_set_oom_handler()), then abort(); every other error is a return
 * code. */
#ifndef RECVAL_STRBUF_H
#define RECVAL_STRBUF_H

#include <stdarg.h>
#include <stdbool.h>
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

void rv_sb_reserve(strbuf *sb, size_t extra);
void rv_sb_putc(strbuf *sb, char c);
void rv_sb_put(strbuf *sb, const char *s, size_t n);
void rv_sb_puts(strbuf *sb, const char *s);
void rv_sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rv_sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
void rv_sb_truncate(strbuf *sb, size_t len);
/* printf into a new heap string (never NULL; the caller frees it). */
char *rv_sb_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *rv_sb_vformat(const char *fmt, va_list ap);
/* Returns the heap string and resets sb; never NULL. */
char *rv_sb_detach(strbuf *sb);
void rv_sb_free(strbuf *sb);
/* Appends s as an RFC 6901 reference token: '~' -> "~0", '/' -> "~1". */
void rv_sb_put_pointer_token(strbuf *sb, const char *s, size_t n);

/* Out of memory: calls the handler set by rv_set_oom_handler() with the
 * size asked for, then (if it returns) prints a message and aborts. */
typedef void (*rv_oom_fn)(size_t size);
rv_oom_fn rv_set_oom_handler(rv_oom_fn fn);
_Noreturn void rv_out_of_memory(size_t size);
/* The allocation hook the x* helpers ask before allocating: the library's
 * weak definition never fails; a test build defines a failing one. */
bool rv_alloc_should_fail(size_t size);

/* Frees memory held through a const pointer (strings the owner hands out
 * read-only). */
void rv_free_const(const void *p);

/* Checked allocation helpers: never NULL. */
void *rv_xmalloc(size_t n);
void *rv_xcalloc(size_t n, size_t size);
void *rv_xrealloc(void *p, size_t n);
char *rv_xstrdup(const char *s);
char *rv_xstrndup(const char *s, size_t n);

#endif
