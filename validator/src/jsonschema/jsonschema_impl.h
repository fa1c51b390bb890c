/* jsonschema_impl.h - internal types shared by the jsonschema_*.c sources:
 * hash maps, URI helpers, value helpers, the regex wrapper, the compiled
 * schema representation and the registry's document index. */
#ifndef RECVAL_JSONSCHEMA_IMPL_H
#define RECVAL_JSONSCHEMA_IMPL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "jsonschema.h"
#include "strbuf.h"
#include "textutil.h"

/* ---- hash maps (jsonschema_map.c) ---------------------------------- */

/* String-keyed map; keys are copied, values are borrowed pointers. */
typedef struct js_strmap {
    struct js_strent *ents;
    size_t cap; /* power of two, 0 when empty */
    size_t len;
} js_strmap;

/* Returns the value stored for `key`, or NULL. */
void *js_strmap_get(const js_strmap *m, const char *key);
/* Stores `val` under `key` (replacing any previous value). */
void js_strmap_put(js_strmap *m, const char *key, void *val);
/* Frees the map's keys and table (not the values). */
void js_strmap_free(js_strmap *m);

/* Pointer-keyed map. */
typedef struct js_ptrmap {
    struct js_ptrent *ents;
    size_t cap;
    size_t len;
} js_ptrmap;

/* Returns the value stored for `key`, or NULL. */
void *js_ptrmap_get(const js_ptrmap *m, const void *key);
/* Stores `val` under `key` (replacing any previous value). */
void js_ptrmap_put(js_ptrmap *m, const void *key, void *val);
/* Frees the table. */
void js_ptrmap_free(js_ptrmap *m);

/* Hash of n bytes (64-bit multiply-xorshift over 8-byte words). */
uint32_t js_hash_bytes(const char *s, size_t n);

/* ---- URIs (jsonschema_uri.c) --------------------------------------- */

/* Resolves `ref` against absolute `base` (RFC 3986 section 5.2) and removes
 * dot segments. Returns a heap string, or NULL if either is malformed. */
char *js_uri_resolve(const char *base, const char *ref);
/* True if `uri` has a scheme (is absolute, possibly with a fragment). */
bool js_uri_is_absolute(const char *uri);
/* Splits `uri` at '#': returns the heap prefix and points *fragment into
 * `uri` after the '#' (NULL when there is none). */
char *js_uri_split_fragment(const char *uri, const char **fragment);
/* Percent-decodes s[0..n); returns a heap string (length in *out_len), or
 * NULL on a malformed escape. */
char *js_percent_decode(const char *s, size_t n, size_t *out_len);

/* ---- values (jsonschema_value.c) ----------------------------------- */

/* Instance type bits; integral numbers carry both JS_T_INTEGER and
 * JS_T_NUMBER. */
enum {
    JS_T_NULL = 1u << 0,
    JS_T_BOOLEAN = 1u << 1,
    JS_T_INTEGER = 1u << 2,
    JS_T_NUMBER = 1u << 3,
    JS_T_STRING = 1u << 4,
    JS_T_ARRAY = 1u << 5,
    JS_T_OBJECT = 1u << 6,
};

/* Type bits of a json-c double: JS_T_INTEGER too when it is integral. */
unsigned js_double_type_bits(json_object *v);
/* Type bits of a value (NULL is JSON null); inline, as every keyword
 * evaluation asks. */
static inline unsigned js_type_bits(json_object *v)
{
    static const unsigned bits[] = {
        [json_type_null] = JS_T_NULL,
        [json_type_boolean] = JS_T_BOOLEAN,
        [json_type_int] = JS_T_INTEGER | JS_T_NUMBER,
        [json_type_object] = JS_T_OBJECT,
        [json_type_array] = JS_T_ARRAY,
        [json_type_string] = JS_T_STRING,
    };
    enum json_type jt = json_object_get_type(v);
    return jt == json_type_double ? js_double_type_bits(v) : bits[jt];
}
/* Name of the most specific type in `bits` ("integer" before "number"). */
const char *js_type_name(unsigned bits);

/* A JSON number kept exactly as json-c holds it. */
typedef struct js_num {
    enum { JS_NUM_INT, JS_NUM_UINT, JS_NUM_DOUBLE } kind;
    int64_t i;
    uint64_t u;
    double d;
} js_num;

/* Reads a json-c int or double. Returns false for other types. */
bool js_num_get(json_object *v, js_num *out);
/* Mathematical comparison: -1, 0 or 1. */
int js_num_cmp(const js_num *a, const js_num *b);
/* Appends the number's JSON text. */
void js_num_render(strbuf *sb, const js_num *n, json_object *src);

/* Exact decimal form mantissa * 10^exp (mantissa without trailing zeros);
 * `exact` is false when the number did not fit (then `d` is used). */
typedef struct js_decimal {
    bool exact;
    bool negative;
    uint64_t mantissa;
    int exp;
    double d;
} js_decimal;

/* Converts a json-c number (using its original text for doubles). */
void js_decimal_from_json(json_object *v, js_decimal *out);
/* True when x is an integer multiple of the (positive) divisor. */
bool js_decimal_is_multiple(const js_decimal *x, const js_decimal *divisor);

/* Deep JSON equality with mathematical number comparison (1 == 1.0). */
bool js_json_equal(json_object *a, json_object *b);
/* Hash consistent with js_json_equal. */
uint64_t js_json_hash(json_object *v);
/* Number of Unicode code points in UTF-8 text. */
size_t js_utf8_length(const char *s, size_t n);
/* Appends compact JSON for `v`, cut with "..." after about `max` bytes.
 * Never mutates `v` (json-c's own serializer caches into the object). */
void js_render_json(strbuf *sb, json_object *v, size_t max);
/* Appends s[0..n) as a JSON string literal, cut like js_render_json. */
void js_render_string(strbuf *sb, const char *s, size_t n, size_t max);

/* ---- regular expressions (jsonschema_pattern.c) -------------------- */

/* An ECMA-262 pattern compiled once with PCRE2 (UTF mode). */
typedef struct js_regex {
    pcre2_code *code;
    char *source; /* the pattern as written in the schema */
    uint64_t id;  /* unique per compiled pattern, for js_regex_search's memo */
} js_regex;

/* Translates and compiles an ECMA-262 pattern. Returns 0, or -1 with a
 * heap message in *err. */
int js_regex_compile(js_regex *re, const char *pattern, size_t len, char **err);
/* The limits every match runs under (docs/schema-engine.md, "Patterns"):
 * PCRE2's match limit (backtracking steps), and its heap limit in KiB for
 * the interpreter's backtracking frames. A search that hits one is a
 * pattern error, never a mismatch. */
#define JS_PATTERN_MATCH_LIMIT 10000000u
#define JS_PATTERN_HEAP_LIMIT_KIB 8192u
/* The match context with those limits, made once, shared read-only (also
 * by request-hash normalization). */
pcre2_match_context *js_match_context(void);
/* Unanchored search of s[0..n): 1 when it matches, 0 when not, or a
 * PCRE2 error code (< 0) when the search could not be run to its end
 * (a limit, invalid UTF-8). *md is a per-call match block created on
 * first use; the caller frees it with pcre2_match_data_free. */
int js_regex_search(const js_regex *re, const char *s, size_t n, pcre2_match_data **md);
/* What a PCRE2 error code means, into sb (e.g. "match limit exceeded"). */
void js_regex_put_error(strbuf *sb, int code);
/* Frees the compiled pattern. */
void js_regex_free(js_regex *re);

/* ---- compiled schemas --------------------------------------------- */

/* Vocabulary bits of a dialect. */
enum {
    JS_V_CORE = 1u << 0,
    JS_V_APPLICATOR = 1u << 1,
    JS_V_UNEVALUATED = 1u << 2,
    JS_V_VALIDATION = 1u << 3,
    JS_V_METADATA = 1u << 4,
    JS_V_FORMAT = 1u << 5,
    JS_V_CONTENT = 1u << 6,
    JS_V_ALL = (1u << 7) - 1,
};

/* Evaluation operations, in the order keywords run within one schema
 * (unevaluated* must come last: they read the other keywords' results). */
typedef enum js_op {
    JS_OP_TYPE,
    JS_OP_CONST,
    JS_OP_ENUM,
    JS_OP_MINIMUM,
    JS_OP_MAXIMUM,
    JS_OP_EXCL_MINIMUM,
    JS_OP_EXCL_MAXIMUM,
    JS_OP_MULTIPLE_OF,
    JS_OP_MIN_LENGTH,
    JS_OP_MAX_LENGTH,
    JS_OP_PATTERN,
    JS_OP_MIN_ITEMS,
    JS_OP_MAX_ITEMS,
    JS_OP_UNIQUE_ITEMS,
    JS_OP_MIN_PROPERTIES,
    JS_OP_MAX_PROPERTIES,
    JS_OP_REQUIRED,
    JS_OP_DEPENDENT_REQUIRED,
    JS_OP_REF,
    JS_OP_DYNAMIC_REF,
    JS_OP_ALL_OF,
    JS_OP_ANY_OF,
    JS_OP_ONE_OF,
    JS_OP_NOT,
    JS_OP_IF,
    JS_OP_DEPENDENT_SCHEMAS,
    JS_OP_PROPERTIES,
    JS_OP_PATTERN_PROPERTIES,
    JS_OP_ADDITIONAL_PROPERTIES,
    JS_OP_PROPERTY_NAMES,
    JS_OP_PREFIX_ITEMS,
    JS_OP_ITEMS,
    JS_OP_CONTAINS,
    JS_OP_UNEVALUATED_ITEMS,
    JS_OP_UNEVALUATED_PROPERTIES,
    JS_OP_COUNT
} js_op;

/* A name with its length and hash (property names, required lists). */
typedef struct js_name {
    char *str;
    size_t len;
    uint32_t hash;
} js_name;

/* Property name -> subschema table with open addressing. */
typedef struct js_propmap {
    js_name *names;
    const js_schema **schemas;
    size_t count;
    uint32_t *slots; /* index + 1, 0 = empty */
    size_t mask;
    /* For `properties` whose schema also has a `required` naming only
     * these properties: per name, whether it is required, and how many
     * are (a fast validation checks required while walking properties);
     * required_next: that `required` is the keyword just before. */
    unsigned char *required;
    size_t nrequired;
    bool required_next;
    /* The schema of an `additionalProperties` (without patternProperties)
     * just after, which a fast validation also applies in the same walk. */
    const js_schema *additional;
} js_propmap;

/* Returns the index of `name` in the map, or -1. */
long js_propmap_find(const js_propmap *pm, const char *name, size_t len, uint32_t hash);

typedef struct js_pattern_schema {
    js_regex re;
    const js_schema *schema;
} js_pattern_schema;

typedef struct js_dep_required {
    js_name name;
    js_name *required;
    size_t count;
} js_dep_required;

typedef struct js_resource js_resource;

enum { JS_FUSED_ANY_ORDER = 1, JS_FUSED_IN_ORDER = 2 };

/* One compiled keyword. */
typedef struct js_kw {
    js_op op;
    unsigned types;   /* instance types it constrains; 0 = every type */
    const char *name; /* keyword as written in the schema */
    size_t name_len;
    /* A fast validation leaves this `required` or `additionalProperties`
     * to the sibling `properties`: JS_FUSED_ANY_ORDER only where no pattern
     * can be searched below, JS_FUSED_IN_ORDER always (the walk keeps the
     * order of evaluation). */
    unsigned char fused;
    union {
        unsigned type_mask;
        json_object *value; /* const */
        struct {
            json_object *json; /* the enum array, for messages */
            json_object **values;
            uint64_t *hashes;
            /* each value's text and length, SIZE_MAX when not a string */
            const char **strings;
            size_t *lengths;
            size_t count;
        } enumeration;
        struct {
            js_num num;
            json_object *json;
        } limit; /* minimum & co */
        struct {
            js_decimal dec;
            json_object *json;
        } divisor;      /* multipleOf */
        uint64_t count; /* min/max Length/Items/Properties */
        js_regex *pattern;
        struct {
            js_name *names;
            size_t count;
        } required;
        struct {
            js_dep_required *deps;
            size_t count;
        } dep_required;
        const js_schema *schema; /* $ref, not, propertyNames, unevaluated* */
        struct {
            const js_schema **schemas;
            size_t count;
        } list; /* allOf, anyOf, oneOf, prefixItems */
        struct {
            const js_schema *target; /* static resolution */
            char *anchor;            /* dynamic anchor name, NULL = acts as $ref */
        } dynref;
        struct {
            const js_schema *cond, *then_s, *else_s;
        } cond;
        js_propmap props; /* properties, dependentSchemas */
        struct {
            js_pattern_schema *items;
            size_t count;
        } patprops;
        struct {
            const js_schema *schema;
            const js_propmap *props;           /* sibling properties */
            const js_pattern_schema *patterns; /* sibling patternProperties */
            size_t npatterns;
        } additional;
        struct {
            const js_schema *schema;
            size_t start; /* first index not covered by prefixItems */
        } items;
        struct {
            const js_schema *schema;
            uint64_t min, max;
        } contains;
    } u;
} js_kw;

/* A compiled schema object or boolean. Immutable once compiled. */
struct js_schema {
    json_object *json; /* the schema's JSON (owned by a registry document) */
    char *location;    /* canonical "URI#pointer" */
    const js_resource *resource;
    bool is_bool;
    bool bool_value;
    bool tracks_evaluated; /* has unevaluatedItems/Properties */
    js_kw *kws;
    size_t nkw;
    /* Shortcuts set once the whole graph is compiled (js_prepare_passes,
     * js_prepare_fast): bit json_type of `passes` is set when every
     * instance of that json-c type is valid without evaluating anything
     * (type-only and empty schemas, $ref/allOf of such); `ref_only` is the
     * target when the schema is a lone $ref in a resource without dynamic
     * anchors, so that a validation that reports nothing can go straight
     * to it. */
    unsigned passes;
    unsigned passes_depth; /* nesting levels below it that `passes` skips */
    const js_schema *ref_only;
    /* Some pattern may be searched while evaluating it (or a $dynamicRef
     * may lead anywhere): then a fast validation must keep the order of
     * evaluation, since a pattern error makes the result false. */
    bool may_search;
};

/* A schema resource as seen by $dynamicRef: its URI and the schemas of
 * its $dynamicAnchor names. */
struct js_resource {
    char *uri;
    const void *info; /* the index's js_resinfo (compile-time key) */
    size_t nanchors;
    char **anchor_names;
    const js_schema **anchor_schemas;
};

/* Returns the schema of dynamic anchor `name` in `res`, or NULL. */
const js_schema *js_resource_dynamic_anchor(const js_resource *res, const char *name);

/* ---- registry index (jsonschema_registry.c) ------------------------ */

typedef struct js_named_node {
    char *name;
    json_object *node;
} js_named_node;

/* What the index knows about a schema resource (a document root or a
 * subschema with $id). */
typedef struct js_resinfo {
    char *uri;         /* canonical absolute URI */
    json_object *root; /* the resource's schema */
    char *schema_uri;  /* effective $schema, NULL = registry default */
    js_named_node *dyn_anchors;
    size_t ndyn;
    bool vocab_known;
    unsigned vocab;
} js_resinfo;

/* Where a schema node sits: its resource and its pointer inside it. */
typedef struct js_loc {
    js_resinfo *res;
    char *pointer;
} js_loc;

/* Result of resolving a reference. */
typedef struct js_target {
    json_object *node;
    bool dynamic_anchor; /* the fragment named a $dynamicAnchor */
} js_target;

/* Subschema shapes of applicator keywords, used by the index walk. */
typedef enum js_shape { JS_SHAPE_NONE, JS_SHAPE_ONE, JS_SHAPE_ARRAY, JS_SHAPE_MAP } js_shape;

/* Shape of keyword `name`'s value (JS_SHAPE_NONE if it holds no schema). */
js_shape js_keyword_shape(const char *name);

/* Location of a schema node known to the index, or NULL. */
const js_loc *js_registry_loc(const js_registry *reg, json_object *node);
/* Resolves `ref` against `base`, loading documents from mapped
 * directories when needed. Returns 0, or -1 with *err set. */
int js_registry_resolve(js_registry *reg, const char *base, const char *ref, js_target *out,
                        char **err);
/* Looks up the root of the document/resource with absolute URI `uri`
 * (loading it from a mapped directory if needed), or NULL with *err set. */
json_object *js_registry_lookup(js_registry *reg, const char *uri, char **err);
/* Location of `child`, found at parent/tok1[/tok2]: the indexed one, or a
 * new one derived from the parent (for schemas reached through pointers
 * into places the index walk does not visit). NULL if child is NULL. */
const js_loc *js_registry_child_loc(js_registry *reg, json_object *child, const js_loc *parent,
                                    const char *tok1, const char *tok2);
/* Registry options. */
unsigned js_registry_options(const js_registry *reg);

/* ---- compiled-schema storage (jsonschema_compile.c) ---------------- */

/* Every schema and resource compiled from one registry. */
typedef struct js_compiled {
    js_ptrmap by_node;   /* schema JSON -> js_schema */
    js_ptrmap by_res;    /* js_resinfo -> js_resource */
    js_schema **schemas; /* in creation order (rollback truncates) */
    size_t nschemas, cap_schemas;
    js_resource **resources;
    size_t nresources, cap_resources;
} js_compiled;

/* The slot where the compiler keeps what it compiled from a registry: the
 * registry only holds it and, when freed, calls `release` on it. */
void *js_registry_compiled(const js_registry *reg);
void js_registry_set_compiled(js_registry *reg, void *compiled, void (*release)(void *));
/* Compiles the schema at `node` (which must be indexed). */
const js_schema *js_compile_node(js_registry *reg, json_object *node, char **err);

/* State of one compile call (jsonschema_compile.c). */
typedef struct js_cc {
    js_registry *reg;
    js_compiled *out;
    char *err; /* first error */
} js_cc;

/* Records a compile error "<location>/<keyword>: <message>" (the first
 * one wins; keyword may be NULL) and returns -1. */
int js_cc_error(js_cc *c, const char *location, const char *keyword, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Compiles the subschema `child` found at parent/tok1[/tok2]. NULL on
 * error (recorded). */
const js_schema *js_cc_child(js_cc *c, const js_schema *parent, const js_loc *parent_loc,
                             json_object *child, const char *tok1, const char *tok2);
/* Resolves reference `ref` of keyword `keyword` in schema s and compiles
 * its target; *dynamic_anchor tells whether the fragment named a
 * $dynamicAnchor. NULL on error (recorded). */
const js_schema *js_cc_reference(js_cc *c, const js_schema *s, const js_loc *loc,
                                 const char *keyword, const char *ref, bool *dynamic_anchor);

/* Sets the `ref_only` shortcut of s and fuses `required` and
 * `additionalProperties` into `properties` (jsonschema_keywords.c); run
 * after a compile succeeded. */
void js_prepare_fast(js_schema *s);
/* Sets `passes` and `passes_depth` on schemas[0..n) (the ones just
 * compiled; those they reach are among them or already set): type-only and
 * empty schemas, and $ref/allOf of schemas that pass. */
void js_prepare_passes(js_schema **schemas, size_t n);
/* Sets `may_search` on schemas[0..n) (the ones just compiled; the ones
 * they reach are either among them or already set). */
void js_prepare_may_search(js_schema **schemas, size_t n);

/* Builds the keywords of object schema s (jsonschema_keywords.c) for a
 * dialect with vocabulary bits `vocab`. Returns 0 or -1 (error recorded). */
int js_build_keywords(js_cc *c, js_schema *s, const js_loc *loc, unsigned vocab);
/* Frees what a compiled keyword owns. */
void js_kw_free(js_kw *kw);

#endif
