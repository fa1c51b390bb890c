/* rules_ids.h - the seam of the ids rule family for request-hash checks.
 *
 * The recorder normalizes the id of every response object it serializes
 * (except model objects) to "rec-" + the first 12 hex digits of the request
 * hash. rv_check_ids() checks those ids against the hash in the file name;
 * a check that computes the request hash itself can call
 * rv_ids_check_normalized() with the prefix of the computed hash. */
#ifndef RECVAL_RULES_IDS_H
#define RECVAL_RULES_IDS_H

#include "recval_internal.h"

/* Emits ids/normalized-id-mismatch for every distinct normalized id
 * (rec-<12 hex>) of a response object in f's body that is not
 * "rec-" + expected (12 lower-case hex digits), at its first occurrence.
 * `source` names where expected comes from, for the message ("the file
 * name", "the request hash"). */
void rv_ids_check_normalized(rv_file *f, const char *expected, const char *source);

/* Calls fn for every normalized id (rec-<12 hex>) of a response object
 * the recorder normalizes, in body order, with the id's JSON pointer
 * (`recval fix` rewrites them). */
typedef void (*rv_normalized_id_fn)(void *ud, const char *id, const char *pointer);
void rv_ids_each_normalized(const rv_file *f, rv_normalized_id_fn fn, void *ud);

#endif
