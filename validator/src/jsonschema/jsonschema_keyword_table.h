/* jsonschema_keyword_table.h - the draft 2020-12 keywords: name,
 * vocabulary, subschema shape and the JSON type of annotation-only values.
 * A leaf: the registry's index walk and the keyword builders both read it. */
#ifndef RECVAL_JSONSCHEMA_KEYWORD_TABLE_H
#define RECVAL_JSONSCHEMA_KEYWORD_TABLE_H

#include "jsonschema_impl.h"

typedef enum kw_id {
    K_SCHEMA,
    K_ID,
    K_REF,
    K_DYNAMIC_REF,
    K_ANCHOR,
    K_DYNAMIC_ANCHOR,
    K_VOCABULARY,
    K_COMMENT,
    K_DEFS,
    K_ALL_OF,
    K_ANY_OF,
    K_ONE_OF,
    K_NOT,
    K_IF,
    K_THEN,
    K_ELSE,
    K_DEPENDENT_SCHEMAS,
    K_PREFIX_ITEMS,
    K_ITEMS,
    K_CONTAINS,
    K_PROPERTIES,
    K_PATTERN_PROPERTIES,
    K_ADDITIONAL_PROPERTIES,
    K_PROPERTY_NAMES,
    K_UNEVALUATED_ITEMS,
    K_UNEVALUATED_PROPERTIES,
    K_TYPE,
    K_ENUM,
    K_CONST,
    K_MULTIPLE_OF,
    K_MAXIMUM,
    K_EXCLUSIVE_MAXIMUM,
    K_MINIMUM,
    K_EXCLUSIVE_MINIMUM,
    K_MAX_LENGTH,
    K_MIN_LENGTH,
    K_PATTERN,
    K_MAX_ITEMS,
    K_MIN_ITEMS,
    K_UNIQUE_ITEMS,
    K_MAX_CONTAINS,
    K_MIN_CONTAINS,
    K_MAX_PROPERTIES,
    K_MIN_PROPERTIES,
    K_REQUIRED,
    K_DEPENDENT_REQUIRED,
    K_TITLE,
    K_DESCRIPTION,
    K_DEFAULT,
    K_DEPRECATED,
    K_READ_ONLY,
    K_WRITE_ONLY,
    K_EXAMPLES,
    K_FORMAT,
    K_CONTENT_ENCODING,
    K_CONTENT_MEDIA_TYPE,
    K_CONTENT_SCHEMA,
    K_COUNT
} kw_id;

typedef struct js_kwdef {
    const char *name;
    unsigned vocab;
    js_shape shape;
    unsigned value_type; /* expected JSON type of annotation-only keywords (0: anything) */
} js_kwdef;

extern const js_kwdef js_keywords[K_COUNT];

/* The keyword named `name`, as a kw_id, or -1 when it is not one. */
int js_keyword_find(const char *name);

#endif
