/* rules_request_hash.h - the request-hash rule family's entry point for the
 * pipeline (check.c): it checks one file and hands back the file's request
 * hash, which recval_check_duplicates() compares across files. */
#ifndef RECVAL_RULES_REQUEST_HASH_H
#define RECVAL_RULES_REQUEST_HASH_H

#include "recval_internal.h"

/* Runs the request-hash rules on f and stores in f->request_hash the
 * current scheme's hash of f's request (64 hex), or "" when f is not named
 * by a hash, its kind has no known formula or the hash cannot be trusted. */
void rv_check_request_hash(rv_file *f);

#endif
