/* rules_tool_calls.h - what the tool-calls family shares with
 * tool-calls/arguments-schema (rules_tool_calls_schema.c): the strict parse of a
 * tool call's arguments, which both rules read alike. */
#ifndef RECVAL_RULES_TOOL_CALLS_H
#define RECVAL_RULES_TOOL_CALLS_H

#include "recval_internal.h"

/* Why arguments are not a JSON object: byte offset and reason. */
typedef struct rv_args_error {
    size_t offset;
    const char *reason;
    char reason_buf[96];
} rv_args_error;

/* Parses n bytes at s as the arguments of a tool call, strictly (RFC
 * 8259): one JSON object nesting at most max_depth levels, with nothing
 * but whitespace after it. Returns the object (the caller puts it), or
 * NULL with *err (when err is not NULL) saying where and why not. */
json_object *rv_parse_arguments(const char *s, size_t n, size_t max_depth, rv_args_error *err);

/* tool-calls/arguments-schema: each tool call's parsed arguments against
 * the parameters schema the request declared for its function. check.c
 * runs it after the schema family, whose findings on the parameters it
 * reads. */
void rv_check_tool_calls_arguments_schema(rv_file *f);

#endif
