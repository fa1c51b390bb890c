/* pyjson.h - Python 3.11 json semantics over json-c values: the exact bytes
 * of json.dumps(obj, sort_keys=True), Python's float repr and round(), and
 * a scan for what json-c reads differently from Python's json.loads.
 * Used to reproduce the request hashes of the recorder (reqhash.h). */
#ifndef RECVAL_PYJSON_H
#define RECVAL_PYJSON_H

#include "strbuf.h"

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

/* Longest output of rv_pyjson_float_repr, with its NUL. */
#define PYJSON_REPR_MAX 32

/* Appends json.dumps(v, sort_keys=True) (ensure_ascii, separators ", " and
 * ": ", NaN/Infinity spelled as Python does) to out. NULL is JSON null.
 * Sets *unreproducible (when not NULL) if v holds what Python could not
 * have produced: a string that is not valid UTF-8. Returns 0. */
int rv_pyjson_dumps(json_object *v, strbuf *out, int *unreproducible);

/* What rv_pyjson_dumps_with() may change while it writes a value: the
 * recorder's normalization applied on the way out, without building a
 * normalized copy. Every hook may be NULL. */
typedef struct pyjson_hooks {
    /* Rewrites the string s[0..n): appends the new text to out and returns
     * 1, or returns 0 to keep s (or -1 when s cannot be rewritten; s is
     * kept), leaving out untouched. */
    int (*string)(void *ud, const char *s, size_t n, strbuf *out);
    /* The float to write in place of x. */
    double (*number)(void *ud, double x);
    /* Nonzero to leave out member `key` of an object `depth` levels below
     * the dumped value (0: the value itself); parent_key is the object's
     * own member name, NULL for the dumped value and array elements. */
    int (*skip)(void *ud, int depth, const char *parent_key, const char *key);
    void *ud;
} pyjson_hooks;

/* rv_pyjson_dumps() with hooks (NULL: none). Returns 0. */
int rv_pyjson_dumps_with(json_object *v, strbuf *out, const pyjson_hooks *hooks,
                         int *unreproducible);

/* Appends the JSON string literal of s[0..n) as Python's ensure_ascii
 * encoder writes it. Returns -1 (having written U+FFFD for the bad bytes)
 * when s is not valid UTF-8, else 0. */
int rv_pyjson_put_string(strbuf *out, const char *s, size_t n);

/* Writes repr(x) of a Python float into buf: the shortest digits that read
 * back as x, e.g. "0.7", "1e-05", "1e+16", "100.0", "-0.0", "inf", "nan".
 * Returns the length. (json.dumps spells inf and nan as Infinity, NaN.) */
size_t rv_pyjson_float_repr(double x, char buf[PYJSON_REPR_MAX]);

/* Python's round(x, ndigits) for a float and 0 <= ndigits <= 17: the value
 * correctly rounded (half to even on the exact binary value) to ndigits
 * decimals; non-finite values are returned unchanged. */
double rv_pyjson_round(double x, int ndigits);

/* Something in JSON text that json-c reads differently from Python. */
typedef struct pyjson_issue {
    size_t offset;      /* byte offset of the token */
    const char *reason; /* static text */
} pyjson_issue;

/* Called for each issue found; return nonzero to stop the scan. */
typedef int (*pyjson_issue_fn)(const pyjson_issue *issue, void *ud);

/* Scans JSON text (already accepted by json-c) for tokens whose json-c
 * value differs from Python's: integers outside [INT64_MIN, UINT64_MAX]
 * (json-c clamps them), unpaired \uD800-\uDFFF escapes (json-c substitutes
 * U+FFFD) and escaped NUL in member names (json-c cuts the name). Returns
 * the number of issues reported. */
size_t rv_pyjson_scan(const char *text, size_t len, pyjson_issue_fn fn, void *ud);

#endif
