/* rules_schema.h - what the schema checks share: the per-file cap on
 * diagnostics and the tool-call arguments check (rules_schema_args.c). */
#ifndef RECVAL_RULES_SCHEMA_H
#define RECVAL_RULES_SCHEMA_H

#include "recval_internal.h"

/* Diagnostics of one schema rule in one file before the summary. */
#define SCHEMA_DIAGS_MAX 20

/* True when the JSON pointer `ptr` is `base` or lies under it. */
bool rv_ptr_at_or_under(const char *ptr, const char *base);

/* tool-calls/arguments-schema: each tool call's parsed arguments against
 * the parameters schema the request declared for its function. */
void rv_check_arguments_schema(rv_file *f);

#endif
