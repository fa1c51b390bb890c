/* rules_envelope.h - what the files of the envelope rule family share:
 * the check of the response body's items (rules_envelope_items.c) and
 * small helpers for messages and pointers. */
#ifndef RECVAL_RULES_ENVELOPE_H
#define RECVAL_RULES_ENVELOPE_H

#include "recval_internal.h"

/* Checks every item of the response body that is a typed envelope
 * (__type__/__data__): malformed-item, data-not-object, bad-type-name,
 * unknown-type and, for list bodies, mixed-types. */
void rv_envelope_check_items(rv_file *f);

/* Writes parent + "/" + key (escaped as an RFC 6901 token) into sb. */
void rv_member_ptr(strbuf *sb, const char *parent, const char *key);

#endif
