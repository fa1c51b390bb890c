/* jsonschema_keyword_table.c - the draft 2020-12 keyword table and the
 * lookups by name; no dependency on the compiler or the registry. */
#include "jsonschema_keyword_table.h"

#include <string.h>

const js_kwdef js_keywords[K_COUNT] = {
    [K_SCHEMA] = {"$schema", JS_V_CORE, JS_SHAPE_NONE, JS_T_STRING},
    [K_ID] = {"$id", JS_V_CORE, JS_SHAPE_NONE, JS_T_STRING},
    [K_REF] = {"$ref", JS_V_CORE, JS_SHAPE_NONE, 0},
    [K_DYNAMIC_REF] = {"$dynamicRef", JS_V_CORE, JS_SHAPE_NONE, 0},
    [K_ANCHOR] = {"$anchor", JS_V_CORE, JS_SHAPE_NONE, JS_T_STRING},
    [K_DYNAMIC_ANCHOR] = {"$dynamicAnchor", JS_V_CORE, JS_SHAPE_NONE, JS_T_STRING},
    [K_VOCABULARY] = {"$vocabulary", JS_V_CORE, JS_SHAPE_NONE, JS_T_OBJECT},
    [K_COMMENT] = {"$comment", JS_V_CORE, JS_SHAPE_NONE, JS_T_STRING},
    [K_DEFS] = {"$defs", JS_V_CORE, JS_SHAPE_MAP, 0},
    [K_ALL_OF] = {"allOf", JS_V_APPLICATOR, JS_SHAPE_ARRAY, 0},
    [K_ANY_OF] = {"anyOf", JS_V_APPLICATOR, JS_SHAPE_ARRAY, 0},
    [K_ONE_OF] = {"oneOf", JS_V_APPLICATOR, JS_SHAPE_ARRAY, 0},
    [K_NOT] = {"not", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_IF] = {"if", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_THEN] = {"then", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_ELSE] = {"else", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_DEPENDENT_SCHEMAS] = {"dependentSchemas", JS_V_APPLICATOR, JS_SHAPE_MAP, 0},
    [K_PREFIX_ITEMS] = {"prefixItems", JS_V_APPLICATOR, JS_SHAPE_ARRAY, 0},
    [K_ITEMS] = {"items", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_CONTAINS] = {"contains", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_PROPERTIES] = {"properties", JS_V_APPLICATOR, JS_SHAPE_MAP, 0},
    [K_PATTERN_PROPERTIES] = {"patternProperties", JS_V_APPLICATOR, JS_SHAPE_MAP, 0},
    [K_ADDITIONAL_PROPERTIES] = {"additionalProperties", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_PROPERTY_NAMES] = {"propertyNames", JS_V_APPLICATOR, JS_SHAPE_ONE, 0},
    [K_UNEVALUATED_ITEMS] = {"unevaluatedItems", JS_V_UNEVALUATED, JS_SHAPE_ONE, 0},
    [K_UNEVALUATED_PROPERTIES] = {"unevaluatedProperties", JS_V_UNEVALUATED, JS_SHAPE_ONE, 0},
    [K_TYPE] = {"type", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_ENUM] = {"enum", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_CONST] = {"const", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MULTIPLE_OF] = {"multipleOf", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MAXIMUM] = {"maximum", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_EXCLUSIVE_MAXIMUM] = {"exclusiveMaximum", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MINIMUM] = {"minimum", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_EXCLUSIVE_MINIMUM] = {"exclusiveMinimum", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MAX_LENGTH] = {"maxLength", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MIN_LENGTH] = {"minLength", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_PATTERN] = {"pattern", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MAX_ITEMS] = {"maxItems", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MIN_ITEMS] = {"minItems", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_UNIQUE_ITEMS] = {"uniqueItems", JS_V_VALIDATION, JS_SHAPE_NONE, JS_T_BOOLEAN},
    [K_MAX_CONTAINS] = {"maxContains", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MIN_CONTAINS] = {"minContains", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MAX_PROPERTIES] = {"maxProperties", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_MIN_PROPERTIES] = {"minProperties", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_REQUIRED] = {"required", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_DEPENDENT_REQUIRED] = {"dependentRequired", JS_V_VALIDATION, JS_SHAPE_NONE, 0},
    [K_TITLE] = {"title", JS_V_METADATA, JS_SHAPE_NONE, JS_T_STRING},
    [K_DESCRIPTION] = {"description", JS_V_METADATA, JS_SHAPE_NONE, JS_T_STRING},
    [K_DEFAULT] = {"default", JS_V_METADATA, JS_SHAPE_NONE, 0},
    [K_DEPRECATED] = {"deprecated", JS_V_METADATA, JS_SHAPE_NONE, JS_T_BOOLEAN},
    [K_READ_ONLY] = {"readOnly", JS_V_METADATA, JS_SHAPE_NONE, JS_T_BOOLEAN},
    [K_WRITE_ONLY] = {"writeOnly", JS_V_METADATA, JS_SHAPE_NONE, JS_T_BOOLEAN},
    [K_EXAMPLES] = {"examples", JS_V_METADATA, JS_SHAPE_NONE, JS_T_ARRAY},
    [K_FORMAT] = {"format", JS_V_FORMAT, JS_SHAPE_NONE, JS_T_STRING},
    [K_CONTENT_ENCODING] = {"contentEncoding", JS_V_CONTENT, JS_SHAPE_NONE, JS_T_STRING},
    [K_CONTENT_MEDIA_TYPE] = {"contentMediaType", JS_V_CONTENT, JS_SHAPE_NONE, JS_T_STRING},
    [K_CONTENT_SCHEMA] = {"contentSchema", JS_V_CONTENT, JS_SHAPE_ONE, 0},
};

int js_keyword_find(const char *name)
{
    for (int i = 0; i < K_COUNT; i++) {
        if (strcmp(js_keywords[i].name, name) == 0)
            return i;
    }
    return -1;
}

js_shape js_keyword_shape(const char *name)
{
    int id = js_keyword_find(name);
    return id < 0 ? JS_SHAPE_NONE : js_keywords[id].shape;
}
