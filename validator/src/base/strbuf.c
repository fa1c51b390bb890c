/* strbuf.c - growable byte buffer and checked allocation. */
#include "strbuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static rv_oom_fn oom_handler;

rv_oom_fn rv_set_oom_handler(rv_oom_fn fn)
{
    rv_oom_fn old = oom_handler;
    oom_handler = fn;
    return old;
}

_Noreturn void rv_out_of_memory(size_t n)
{
    if (oom_handler)
        oom_handler(n);
    fputs("recval: out of memory\n", stderr);
    abort();
}

/* The allocation hook: never fails here. A test build that defines its own
 * (strong) rv_alloc_should_fail fails the allocations it picks. */
__attribute__((weak)) bool rv_alloc_should_fail(size_t n)
{
    (void)n;
    return false;
}

void *rv_xmalloc(size_t n)
{
    void *p = rv_alloc_should_fail(n) ? NULL : malloc(n ? n : 1);
    if (!p)
        rv_out_of_memory(n);
    return p;
}

void *rv_xcalloc(size_t n, size_t size)
{
    void *p = rv_alloc_should_fail(n * size) ? NULL : calloc(n ? n : 1, size ? size : 1);
    if (!p)
        rv_out_of_memory(n * size);
    return p;
}

void *rv_xrealloc(void *p, size_t n)
{
    void *q = rv_alloc_should_fail(n) ? NULL : realloc(p, n ? n : 1);
    if (!q)
        rv_out_of_memory(n);
    return q;
}

void rv_free_const(const void *p)
{
    free((void *)(uintptr_t)p);
}

char *rv_xstrdup(const char *s)
{
    return rv_xstrndup(s, strlen(s));
}

char *rv_xstrndup(const char *s, size_t n)
{
    char *p = rv_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

void rv_sb_reserve(strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < need)
        cap *= 2;
    sb->data = rv_xrealloc(sb->data, cap);
    sb->cap = cap;
    sb->data[sb->len] = '\0'; /* a reserved buffer is always a string */
}

void rv_sb_put(strbuf *sb, const char *s, size_t n)
{
    rv_sb_reserve(sb, n);
    if (n)
        memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
}

void rv_sb_putc(strbuf *sb, char c)
{
    rv_sb_reserve(sb, 1);
    sb->data[sb->len++] = c;
    sb->data[sb->len] = '\0';
}

void rv_sb_puts(strbuf *sb, const char *s)
{
    rv_sb_put(sb, s, strlen(s));
}

void rv_sb_vprintf(strbuf *sb, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n <= 0)
        return;
    rv_sb_reserve(sb, (size_t)n);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
}

void rv_sb_printf(strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rv_sb_vprintf(sb, fmt, ap);
    va_end(ap);
}

void rv_sb_truncate(strbuf *sb, size_t len)
{
    if (len < sb->len) {
        sb->len = len;
        sb->data[len] = '\0';
    }
}

char *rv_sb_vformat(const char *fmt, va_list ap)
{
    strbuf sb = STRBUF_INIT;
    rv_sb_vprintf(&sb, fmt, ap);
    return rv_sb_detach(&sb);
}

char *rv_sb_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = rv_sb_vformat(fmt, ap);
    va_end(ap);
    return s;
}

char *rv_sb_detach(strbuf *sb)
{
    char *p = sb->data ? sb->data : rv_xstrdup("");
    sb->data = NULL;
    sb->len = sb->cap = 0;
    return p;
}

void rv_sb_free(strbuf *sb)
{
    free(sb->data);
    sb->data = NULL;
    sb->len = sb->cap = 0;
}

void rv_sb_put_pointer_token(strbuf *sb, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '~')
            rv_sb_put(sb, "~0", 2);
        else if (s[i] == '/')
            rv_sb_put(sb, "~1", 2);
        else
            rv_sb_putc(sb, s[i]);
    }
}
