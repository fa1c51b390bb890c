/* readfile.h - the whole-file reader shared by the loader and the schema
 * engine: never blocks on a FIFO, never reads past a size limit. */
#ifndef RECVAL_READFILE_H
#define RECVAL_READFILE_H

#include <stdbool.h>
#include <stddef.h>

/* Why a read failed. */
typedef enum rv_read_status {
    RV_READ_OK,
    RV_READ_ERRNO,       /* err says why */
    RV_READ_TOO_LARGE,   /* size bytes (grew: at least), over the limit */
    RV_READ_NOT_REGULAR, /* a FIFO, socket or device named as a file */
} rv_read_status;

typedef struct rv_read_info {
    rv_read_status status;
    int err;
    size_t size;   /* bytes read, or the size found too large */
    bool at_least; /* too large: more than the limit was read, size unknown */
    bool grew;     /* too large only because it grew while it was read */
} rv_read_info;

/* Reads a whole regular file into a malloc'd, NUL-terminated buffer of at
 * most `limit` bytes (its size in info->size). The file is opened without
 * blocking and checked with fstat before anything is read; a file that
 * grows while it is read stops past `limit`. NULL with *info saying why. */
char *rv_read_whole_file(const char *path, size_t limit, rv_read_info *info);

/* Reads what is left of `fd` the same way; `hint` is the size fstat gave
 * (0 when unknown). */
char *rv_read_fd(int fd, size_t limit, size_t hint, rv_read_info *info);

#endif
