/* readfile.c - reads a whole regular file into memory, NUL-terminated,
 * refusing directories, FIFOs and devices and files over a size limit. The
 * one reader of the loader and of the schema engine. */
#include "readfile.h"
#include "strbuf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

/* Reads a whole file; NULL with errno set on failure. */
char *rv_read_whole_file(const char *path, size_t limit, size_t *len, bool *too_large)
{
    *too_large = false;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    struct stat st;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode)) {
        int e = S_ISDIR(st.st_mode) ? EISDIR : errno;
        fclose(fp);
        errno = e ? e : EINVAL;
        return NULL;
    }
    if ((size_t)st.st_size > limit) {
        fclose(fp);
        *too_large = true;
        *len = (size_t)st.st_size;
        return NULL;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (n < cap - 1) {
            if (ferror(fp)) {
                int e = errno;
                free(buf);
                fclose(fp);
                errno = e;
                return NULL;
            }
            break;
        }
        cap *= 2; /* the file grew while we read it */
        buf = xrealloc(buf, cap);
    }
    fclose(fp);
    buf[n] = '\0';
    *len = n;
    return buf;
}
