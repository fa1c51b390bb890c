/* fix.h - what the two halves of `recval fix` share (fix.c plans,
 * fix_apply.c applies): the digest that tells a file changed on disk, and
 * the rename that never replaces, exposed for the suites. */
#ifndef RECVAL_FIX_H
#define RECVAL_FIX_H

#include "recval_internal.h"

#include <stdbool.h>

/* Renames `from` to `to` unless `to` exists (then -1, errno EEXIST):
 * renameat2(RENAME_NOREPLACE), or link(2) + unlink(2) when the kernel or
 * the file system does not support it (EINVAL, ENOSYS) or when
 * force_link. Returns 0, or -1 with errno set and both names as before. */
int rv_fix_rename_noreplace(const char *from, const char *to, bool force_link);

#endif
