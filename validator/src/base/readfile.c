/* readfile.c - reads a whole regular file (or what is left of a
 * descriptor) into memory, NUL-terminated, refusing directories, FIFOs and
 * devices without blocking on them, and never reading past a size limit.
 * The one reader of the loader, the configuration and the schema engine. */
#include "readfile.h"
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads fd to its end, at most limit bytes: a file that grows while it is
 * read stops past limit bytes and is too large. `hint` is the size fstat
 * gave (0 when unknown): the buffer is made that big, and a small probe
 * read tells whether anything follows, so a file that does not grow is
 * read into one buffer of its size. NULL with info->status set on
 * failure. */
char *rv_read_fd(int fd, size_t limit, size_t hint, rv_read_info *info)
{
    enum { PROBE = 4096, UNKNOWN_SIZE_START = 65536 };
    size_t cap = hint ? hint : UNKNOWN_SIZE_START, n = 0;
    if (cap > limit + 1)
        cap = limit + 1;
    char *buf = rv_xmalloc(cap + 1);
    while (n <= limit) {
        char probe[PROBE];
        bool full = n == cap;
        ssize_t got = read(fd, full ? probe : buf + n, full ? sizeof probe : cap - n);
        if (got == 0)
            break;
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            info->status = RV_READ_ERRNO;
            info->err = errno;
            free(buf);
            return NULL;
        }
        if (full) { /* more than hinted: grow, never past limit + 1 bytes */
            size_t want = n + (size_t)got;
            cap = cap > (limit + 1) / 2 ? limit + 1 : cap * 2;
            if (cap < want)
                cap = want;
            buf = rv_xrealloc(buf, cap + 1);
            memcpy(buf + n, probe, (size_t)got);
        }
        n += (size_t)got;
    }
    if (n > limit) {
        free(buf);
        info->status = RV_READ_TOO_LARGE;
        info->size = n;
        info->at_least = true;
        return NULL;
    }
    buf[n] = '\0';
    info->status = RV_READ_OK;
    info->size = n;
    return buf;
}

/* Reads a whole regular file, at most limit bytes. The file is opened
 * without blocking (a FIFO without a writer would block open()) and
 * checked with fstat before anything is read. */
char *rv_read_whole_file(const char *path, size_t limit, rv_read_info *info)
{
    memset(info, 0, sizeof *info);
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        info->status = RV_READ_ERRNO;
        info->err = errno;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        info->status = RV_READ_ERRNO;
        info->err = errno;
        close(fd);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        info->status = S_ISDIR(st.st_mode) ? RV_READ_ERRNO : RV_READ_NOT_REGULAR;
        info->err = EISDIR;
        close(fd);
        return NULL;
    }
    if ((size_t)st.st_size > limit) {
        close(fd);
        info->status = RV_READ_TOO_LARGE;
        info->size = (size_t)st.st_size;
        return NULL;
    }
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    char *buf = rv_read_fd(fd, limit, (size_t)st.st_size, info);
    info->grew = info->at_least; /* fstat said it fitted */
    close(fd);
    return buf;
}
