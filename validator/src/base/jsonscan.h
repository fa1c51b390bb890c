/* jsonscan.h - one-pass scans over JSON text that json-c cannot do for us:
 * duplicate object keys, the line and column of a JSON pointer, and the
 * pointer of the value open at a byte offset (for parse errors).
 * The scanner is iterative (no recursion) and allocation-light. */
#ifndef RECVAL_JSONSCAN_H
#define RECVAL_JSONSCAN_H

#include <stddef.h>

/* Called for each repeated key: pointer of the repeated member, its byte
 * offset and the decoded key. */
typedef void (*jscan_dup_fn)(void *ud, const char *pointer, size_t offset, const char *key);

/* What rv_jscan_check found. */
typedef enum jscan_status {
    JSCAN_OK,           /* RFC 8259 JSON (repeated keys are reported apart) */
    JSCAN_INVALID_JSON, /* syntax json-c's strict mode lets pass */
    JSCAN_INVALID_UTF8, /* ill-formed UTF-8 in a string */
} jscan_status;

/* Walks text that json-c accepted, reporting every repeated key of every
 * object. Returns JSCAN_OK (*message NULL), or, for what json-c's strict
 * mode lets pass but RFC 8259 or RFC 3629 forbids (leading zeros, "2.",
 * NaN, single quotes, raw control characters or ill-formed UTF-8 in
 * strings), what it is, with a static message in *message and *offset
 * set to the byte where it is. */
jscan_status rv_jscan_check(const char *text, size_t len, jscan_dup_fn fn, void *ud, size_t *offset,
                            const char **message);

/* rv_jscan_check that also makes the text without its whitespace between
 * tokens: the same JSON value in fewer bytes. On JSCAN_OK, *compact is
 * that text (NUL-terminated, length in *compact_len; the caller frees
 * it), or NULL when no whitespace lies between tokens: then the value is
 * text itself, possibly with whitespace around it. Otherwise *compact is
 * NULL. */
jscan_status rv_jscan_check_compact(const char *text, size_t len, jscan_dup_fn fn, void *ud,
                                    size_t *offset, const char **message, char **compact,
                                    size_t *compact_len);

/* For each of the n sorted, distinct pointers, finds the first character of
 * the value it names and stores its 1-based line and column (code points);
 * 0/0 when the pointer names nothing. One pass over the text. */
void rv_jscan_locate(const char *text, size_t len, const char *const *sorted_pointers, size_t n,
                     unsigned *lines, unsigned *columns);

/* Pointer of the innermost member or element being read at byte `offset`
 * of possibly invalid JSON; the caller frees it. */
char *rv_jscan_pointer_at(const char *text, size_t len, size_t offset);

/* 1-based line and column (code points) of byte `offset`. */
void rv_jscan_position(const char *text, size_t len, size_t offset, unsigned *line,
                       unsigned *column);

#endif
