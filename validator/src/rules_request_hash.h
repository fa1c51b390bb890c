/* rules_request_hash.h - the request-hash rule family's entry point for the
 * pipeline (check.c): it checks one file and hands back the file's request
 * hash, which recval_check_duplicates() compares across files. */
#ifndef RECVAL_RULES_REQUEST_HASH_H
#define RECVAL_RULES_REQUEST_HASH_H

#include "recval_internal.h"
#include "reqhash.h"

/* Runs the request-hash rules on f and stores in f->request_hash the
 * current scheme's hash of f's request (64 hex), or "" when f is not named
 * by a hash, its kind has no known formula or the hash cannot be trusted. */
void rv_check_request_hash(rv_file *f);

/* What the family concludes about f's name (`recval fix` acts on it). */
typedef enum rv_name_verdict {
    RV_VERDICT_UNCHECKED,      /* not a hash name, no known formula, or no usable request */
    RV_VERDICT_CURRENT,        /* the recorder's name (legacy layout: the legacy name) */
    RV_VERDICT_STALE,          /* request-hash/stale-scheme */
    RV_VERDICT_MISMATCH,       /* request-hash/name-mismatch */
    RV_VERDICT_UNREPRODUCIBLE, /* request-hash/unreproducible: the name cannot be checked */
} rv_name_verdict;

/* Hashes f's request for its name (rv_reqhash_compute_for_name()) into r,
 * which is zeroed first, stores the scheme the name matches in m and
 * says what that means for the name. */
rv_name_verdict rv_request_hash_verdict(const rv_file *f, reqhash_result *r, reqhash_match *m);

/* Appends the name the recorder gives f: <current>.json,
 * models-<current>-<digest>.json, or <legacy 12>.json for a legacy name. */
void rv_request_hash_expected_name(strbuf *sb, const rv_file *f, const reqhash_result *r);

#endif
