/* fix_apply.c - applies a plan of fix.c without ever losing data: the
 * new name is taken only if free (renameat2(RENAME_NOREPLACE), else
 * link+unlink), rewritten content goes through an fsync'd temporary file
 * of the same directory, a file changed since it was planned is left
 * alone, and files or directories without write permission are reported,
 * not worked around. */
#define _GNU_SOURCE 1 /* syscall(), SYS_renameat2 */
#include "fix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif

/* --- renaming without replacing -------------------------------------- */

static int rename_by_link(const char *from, const char *to)
{
    if (link(from, to) != 0)
        return -1;
    if (unlink(from) != 0) {
        int e = errno;
        unlink(to); /* the second name we made: back to one name */
        errno = e;
        return -1;
    }
    return 0;
}

int rv_fix_rename_noreplace(const char *from, const char *to, bool force_link)
{
#ifdef SYS_renameat2
    if (!force_link) {
        if (syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
            return 0;
        if (errno != EINVAL && errno != ENOSYS)
            return -1;
    }
#endif
    return rename_by_link(from, to);
}

/* --- where the file lives -------------------------------------------- */

/* path's directory ("." for a bare name), a heap string. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return rv_xstrdup(".");
    return slash == path ? rv_xstrdup("/") : rv_xstrndup(path, (size_t)(slash - path));
}

static int fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

/* Write permission as the owner meant it: some write bit set (root
 * ignores the bits, so access() alone would not see a read-only file)
 * and granted to the caller. */
static bool writable(const char *path, const struct stat *st, int mode)
{
    return (st->st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) && access(path, mode) == 0;
}

/* --- the file as planned --------------------------------------------- */

/* The file's content now, when it is still what the plan read (size,
 * mtime, inode and SHA-256); NULL otherwise, with the last error set. */
static char *read_unchanged(const recval_validator *v, const recval_fix_plan *p, size_t *len,
                            struct stat *st)
{
    if (lstat(p->path, st) != 0) {
        rv_set_error("%s: changed on disk since it was read (%s): left alone", p->path,
                     strerror(errno));
        return NULL;
    }
    char *text = NULL;
    bool same = (unsigned long long)st->st_size == p->size &&
                (unsigned long long)st->st_ino == p->inode &&
                (long long)st->st_mtim.tv_sec == p->mtime_sec &&
                (long long)st->st_mtim.tv_nsec == p->mtime_nsec;
    if (same && (text = recval_read_file(v, p->path, len)) != NULL) {
        char hex[65];
        rv_sha256_hex(text, *len, hex, 65);
        same = strcmp(hex, p->sha256) == 0;
    }
    if (!same || !text) {
        free(text);
        rv_set_error("%s: changed on disk since it was read: left alone", p->path);
        return NULL;
    }
    return text;
}

static bool still_unchanged(const recval_fix_plan *p)
{
    struct stat st;
    return lstat(p->path, &st) == 0 && (unsigned long long)st.st_size == p->size &&
           (unsigned long long)st.st_ino == p->inode &&
           (long long)st.st_mtim.tv_sec == p->mtime_sec &&
           (long long)st.st_mtim.tv_nsec == p->mtime_nsec;
}

/* --- writing the rewritten content ----------------------------------- */

static bool write_all(int fd, const char *data, size_t n)
{
    while (n) {
        ssize_t w = write(fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        data += w;
        n -= (size_t)w;
    }
    return true;
}

/* Writes len bytes of text to fd with the original's mode and owner and
 * syncs it; returns NULL, or the step that failed (errno set). */
static const char *write_synced(int fd, const char *text, size_t len, const struct stat *st)
{
    if (!write_all(fd, text, len))
        return "write";
    if (fchmod(fd, st->st_mode & 07777) != 0)
        return "set the mode of";
    if ((st->st_uid != geteuid() || st->st_gid != getegid()) &&
        fchown(fd, st->st_uid, st->st_gid) != 0)
        return "give the original's owner to";
    if (fsync(fd) != 0)
        return "fsync";
    return NULL;
}

/* Writes text with the plan's edits to a new temporary file of dir with
 * the original's mode and owner, fsync'd; returns its path, or NULL with
 * the last error set (and no file left behind). */
static char *write_temp(const char *dir, const recval_fix_plan *p, char *text, size_t len,
                        const struct stat *st)
{
    for (size_t i = 0; i < p->nedits; i++)
        memcpy(text + p->edits[i].offset, p->edits[i].to, 12);
    strbuf tmp = STRBUF_INIT;
    rv_sb_printf(&tmp, "%s/.recval-fix-XXXXXX", dir);
    int fd = mkstemp(tmp.data);
    if (fd < 0) {
        rv_set_error("%s: cannot create a temporary file: %s", dir, strerror(errno));
        rv_sb_free(&tmp);
        return NULL;
    }
    const char *failed = write_synced(fd, text, len, st);
    int e = errno;
    if (close(fd) != 0 && !failed) {
        failed = "close";
        e = errno;
    }
    if (failed) {
        rv_set_error("%s: cannot %s the temporary file %s: %s", p->path, failed, tmp.data,
                     strerror(e));
        unlink(tmp.data);
        rv_sb_free(&tmp);
        return NULL;
    }
    return rv_sb_detach(&tmp);
}

/* --- applying -------------------------------------------------------- */

static recval_fix_outcome rename_failed(const recval_fix_plan *p, int e)
{
    if (e == EEXIST) {
        rv_set_error("%s: %s already exists: neither file touched", p->path, p->new_path);
        return RECVAL_FIX_CONFLICT;
    }
    if (e == EACCES || e == EPERM || e == EROFS) {
        rv_set_error("%s: cannot rename to %s: %s", p->path, p->new_path, strerror(e));
        return RECVAL_FIX_READ_ONLY;
    }
    rv_set_error("%s: cannot rename to %s: %s", p->path, p->new_path, strerror(e));
    return RECVAL_FIX_FAILED;
}

/* New name and rewritten ids: the temporary file takes the new name (never
 * replacing), then the old name goes. */
static recval_fix_outcome rewrite_and_rename(const char *dir, const recval_fix_plan *p, char *text,
                                             size_t len, const struct stat *st)
{
    char *tmp = write_temp(dir, p, text, len, st);
    if (!tmp)
        return RECVAL_FIX_FAILED;
    recval_fix_outcome o = RECVAL_FIX_DONE;
    if (rv_fix_rename_noreplace(tmp, p->new_path, false) != 0) {
        o = rename_failed(p, errno);
        unlink(tmp);
    } else if (!still_unchanged(p)) {
        rv_set_error("%s: changed on disk while being fixed: left alone", p->path);
        unlink(p->new_path);
        o = RECVAL_FIX_CHANGED;
    } else if (unlink(p->path) != 0) {
        rv_set_error("%s: cannot remove the old name: %s (the fixed copy is %s)", p->path,
                     strerror(errno), p->new_path);
        o = RECVAL_FIX_FAILED;
    }
    free(tmp);
    return o;
}

/* Why a plan is not applied at all under flags, or DONE when it is. */
static recval_fix_outcome gate(const recval_fix_plan *p, unsigned flags)
{
    if (!p->new_path || p->safety == RECVAL_FIX_NEVER) {
        if (p->reason)
            rv_set_error("%s", p->reason);
        return p->safety == RECVAL_FIX_NEVER ? RECVAL_FIX_SKIPPED : RECVAL_FIX_NOTHING;
    }
    if (p->safety == RECVAL_FIX_UNSAFE && !(flags & RECVAL_FIX_ALLOW_UNSAFE)) {
        rv_set_error("%s", p->reason ? p->reason : "an unsafe fix");
        return RECVAL_FIX_NEEDS_UNSAFE;
    }
    if (p->conflict_group) {
        rv_set_error("%zu files want the name %s: none renamed", p->conflict_group, p->new_path);
        return RECVAL_FIX_CONFLICT_GROUP;
    }
    return RECVAL_FIX_DONE;
}

/* The checks that need the file system: permissions, a free target and
 * an unchanged file (its content then in *text). */
static recval_fix_outcome check_disk(const recval_validator *v, const recval_fix_plan *p,
                                     const char *dir, char **text, size_t *len, struct stat *st)
{
    struct stat dst;
    if (lstat(p->path, st) == 0 && !writable(p->path, st, W_OK)) {
        rv_set_error("%s: the file is read-only: left alone", p->path);
        return RECVAL_FIX_READ_ONLY;
    }
    if (stat(dir, &dst) != 0 || !writable(dir, &dst, W_OK | X_OK)) {
        rv_set_error("%s: the directory %s is not writable: left alone", p->path, dir);
        return RECVAL_FIX_READ_ONLY;
    }
    if (lstat(p->new_path, &dst) == 0 || errno != ENOENT) {
        rv_set_error("%s: %s already exists: neither file touched", p->path, p->new_path);
        return RECVAL_FIX_CONFLICT;
    }
    *text = read_unchanged(v, p, len, st);
    return *text ? RECVAL_FIX_DONE : RECVAL_FIX_CHANGED;
}

recval_status recval_fix_apply(const recval_validator *v, const recval_fix_plan *p, unsigned flags,
                               recval_fix_outcome *out)
{
    if (!v || !p || !out || !p->path) {
        rv_set_error("recval_fix_apply: NULL argument");
        return RECVAL_EINVAL;
    }
    if ((*out = gate(p, flags)) != RECVAL_FIX_DONE)
        return RECVAL_OK;
    char *dir = dir_of(p->path), *text = NULL;
    size_t len = 0;
    struct stat st;
    *out = check_disk(v, p, dir, &text, &len, &st);
    if (*out == RECVAL_FIX_DONE && !(flags & RECVAL_FIX_DRY_RUN)) {
        if (p->nedits)
            *out = rewrite_and_rename(dir, p, text, len, &st);
        else if (rv_fix_rename_noreplace(p->path, p->new_path, false) != 0)
            *out = rename_failed(p, errno);
        if (*out == RECVAL_FIX_DONE && fsync_dir(dir) != 0) {
            rv_set_error("%s: renamed, but the directory could not be synced: %s", p->path,
                         strerror(errno));
            *out = RECVAL_FIX_FAILED;
        }
    }
    free(text);
    free(dir);
    return *out == RECVAL_FIX_FAILED ? RECVAL_EIO : RECVAL_OK;
}
