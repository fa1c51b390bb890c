/* rules_schema.h - what the schema checks share with
 * tool-calls/arguments-schema (rules_tool_calls_schema.c): the per-file cap
 * on diagnostics and the pointer test. */
#ifndef RECVAL_RULES_SCHEMA_H
#define RECVAL_RULES_SCHEMA_H

#include "recval_internal.h"

/* Diagnostics of one schema rule in one file before the summary. */
#define SCHEMA_DIAGS_MAX 20

/* True when the JSON pointer `ptr` is `base` or lies under it. */
bool rv_ptr_at_or_under(const char *ptr, const char *base);

#endif
