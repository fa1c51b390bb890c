/* readfile.h - the whole-file reader shared by the loader and the schema
 * engine. */
#ifndef RECVAL_READFILE_H
#define RECVAL_READFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Reads the regular file at path into a malloc'd, NUL-terminated buffer
 * and its size into *len. Returns NULL with errno set when it cannot be
 * opened or read or is not a regular file (EISDIR for a directory,
 * EINVAL for a FIFO or device), or NULL with *too_large set and the size
 * in *len when it is over limit bytes. */
char *rv_read_whole_file(const char *path, size_t limit, size_t *len, bool *too_large);

#endif
