/* rules_envelope.c - the envelope rule family: the shape of a recording
 * (its top-level members, the response's members, the request members each
 * kind of request needs), is_streaming against the body, and the fields of
 * exception recordings. The body's items are checked in
 * rules_envelope_items.c. The rules are documented in
 * docs/rules/envelope.md. */
#include "rules_envelope.h"

#include <string.h>

/* The JSON types a member of the format may have. */
typedef enum member_type {
    MT_ANY,
    MT_OBJECT,
    MT_STRING,
    MT_STRING_OR_NULL,
    MT_BOOL,
    MT_INT,
} member_type;

typedef struct member_spec {
    const char *name;
    member_type type;
    bool required;
} member_spec;

/* One object of the format: where it sits, what messages call it, and the
 * members it holds. */
typedef struct object_spec {
    const char *pointer;
    const char *noun;
    const member_spec *members;
    size_t nmembers;
    bool closed; /* any other member gets envelope/unknown-field */
} object_spec;

#define SPEC(ptr, noun, members, closed)                                                           \
    {                                                                                              \
        ptr, noun, members, sizeof members / sizeof members[0], closed                             \
    }

static const member_spec top_members[] = {
    {"request", MT_OBJECT, true},
    {"response", MT_OBJECT, true},
    {"test_id", MT_STRING_OR_NULL, false},
    {"id_normalization_mapping", MT_OBJECT, false},
};

/* exception_message and exception_data belong to envelope/exception-fields. */
static const member_spec response_members[] = {
    {"body", MT_ANY, true},
    {"is_streaming", MT_BOOL, true},
    {"status", MT_INT, false},
    {"is_exception", MT_BOOL, false},
    {"exception_message", MT_ANY, false},
    {"exception_data", MT_ANY, false},
};

static const member_spec inference_members[] = {
    {"method", MT_STRING, true},
    {"url", MT_STRING, true},
    {"body", MT_OBJECT, true},
    {"endpoint", MT_STRING, true},
};

static const member_spec tool_members[] = {
    {"tool_name", MT_STRING, true},
    {"kwargs", MT_OBJECT, true},
};

static const member_spec http_members[] = {
    {"url", MT_STRING, true},
    {"method", MT_STRING, true},
    {"payload", MT_ANY, true},
};

static const member_spec file_members[] = {
    {"api", MT_STRING, true},
    {"file_id", MT_STRING, true},
};

static const object_spec top_spec = SPEC("", "the recording", top_members, true);
static const object_spec response_spec = SPEC("/response", "the response", response_members, true);
static const object_spec inference_spec =
    SPEC("/request", "the inference request", inference_members, false);
static const object_spec tool_spec =
    SPEC("/request", "the tool-invocation request", tool_members, false);
static const object_spec http_spec = SPEC("/request", "the raw HTTP request", http_members, false);
static const object_spec file_spec =
    SPEC("/request", "the file-processor request", file_members, false);

void rv_member_ptr(strbuf *sb, const char *parent, const char *key)
{
    rv_sb_truncate(sb, 0);
    rv_sb_puts(sb, parent);
    rv_sb_putc(sb, '/');
    rv_sb_put_pointer_token(sb, key, strlen(key));
}

static bool type_ok(json_object *v, member_type t)
{
    switch (t) {
    case MT_OBJECT:
        return json_object_is_type(v, json_type_object);
    case MT_STRING:
        return json_object_is_type(v, json_type_string);
    case MT_STRING_OR_NULL:
        return !v || json_object_is_type(v, json_type_string);
    case MT_BOOL:
        return json_object_is_type(v, json_type_boolean);
    case MT_INT:
        return json_object_is_type(v, json_type_int);
    case MT_ANY:
        break;
    }
    return true;
}

static const char *type_wanted(member_type t)
{
    switch (t) {
    case MT_OBJECT:
        return "an object";
    case MT_STRING:
        return "a string";
    case MT_STRING_OR_NULL:
        return "a string or null";
    case MT_BOOL:
        return "a boolean";
    case MT_INT:
        return "an integer";
    case MT_ANY:
        break;
    }
    return "any value";
}

static bool is_specified(const object_spec *spec, const char *key)
{
    for (size_t i = 0; i < spec->nmembers; i++)
        if (strcmp(spec->members[i].name, key) == 0)
            return true;
    return false;
}

/* missing-field and wrong-type for the members of spec, unknown-field for
 * the others when spec is closed. */
static void check_object(rv_file *f, json_object *obj, const object_spec *spec)
{
    strbuf ptr = STRBUF_INIT;
    for (size_t i = 0; i < spec->nmembers; i++) {
        const member_spec *m = &spec->members[i];
        if (!rv_has(obj, m->name)) {
            if (m->required)
                rv_emit(f, RV_ENVELOPE_MISSING_FIELD, spec->pointer, "%s has no \"%s\" member",
                        spec->noun, m->name);
            continue;
        }
        json_object *v = rv_get(obj, m->name);
        if (!type_ok(v, m->type)) {
            rv_member_ptr(&ptr, spec->pointer, m->name);
            rv_emit(f, RV_ENVELOPE_WRONG_TYPE, ptr.data, "\"%s\" of %s is %s; it must be %s",
                    m->name, spec->noun, rv_json_kind(v), type_wanted(m->type));
        }
    }
    if (spec->closed) {
        json_object_object_foreach(obj, key, val)
        {
            (void)val;
            if (is_specified(spec, key))
                continue;
            rv_member_ptr(&ptr, spec->pointer, key);
            rv_emit(f, RV_ENVELOPE_UNKNOWN_FIELD, ptr.data,
                    "%s has a member \"%s\" that the recorder never writes; replay ignores it",
                    spec->noun, key);
        }
    }
    rv_sb_free(&ptr);
}

/* The replayer substitutes each original id (a value) by its normalized
 * id (the key) in the file's text, so the values must be strings. */
static void check_mapping(rv_file *f)
{
    json_object *map = rv_get_object(f->root, "id_normalization_mapping");
    if (!map)
        return;
    strbuf ptr = STRBUF_INIT;
    json_object_object_foreach(map, key, val)
    {
        if (json_object_is_type(val, json_type_string))
            continue;
        rv_member_ptr(&ptr, "/id_normalization_mapping", key);
        rv_emit(f, RV_ENVELOPE_WRONG_TYPE, ptr.data,
                "id_normalization_mapping maps \"%s\" to %s; the original id must be a string", key,
                rv_json_kind(val));
    }
    rv_sb_free(&ptr);
}

/* The kind of request, told by its keys as the recorder writes them, or
 * by the classified kind when the telling key is missing. */
static const object_spec *request_spec(const rv_file *f)
{
    if (rv_has(f->request, "tool_name") || f->kind == RV_KIND_TOOL_INVOCATION)
        return &tool_spec;
    if (rv_has(f->request, "payload"))
        return &http_spec;
    if (rv_has(f->request, "api") || f->kind == RV_KIND_FILE_PROCESSOR)
        return &file_spec;
    return &inference_spec;
}

static bool is_exception(const rv_file *f)
{
    return rv_get_true(f->response, "is_exception");
}

/* A list body recorded with is_streaming false: model lists (a list of
 * Model) and raw HTTP posts (whatever JSON the server answered, told by
 * their status). */
static bool list_may_be_single(const rv_file *f)
{
    return f->kind == RV_KIND_MODEL_LIST ||
           (rv_has(f->request, "payload") && rv_has(f->response, "status"));
}

static void check_streaming(rv_file *f)
{
    json_object *flag = rv_get(f->response, "is_streaming");
    if (!json_object_is_type(flag, json_type_boolean) || !rv_has(f->response, "body"))
        return;
    bool streaming = json_object_get_boolean(flag);
    const char *ptr = "/response/is_streaming";
    if (json_object_is_type(f->body, json_type_array)) {
        size_t n = json_object_array_length(f->body);
        if (!streaming && !list_may_be_single(f))
            rv_emit(
                f, RV_ENVELOPE_STREAMING_MISMATCH, ptr,
                "is_streaming is false but the body is a list of %zu item%s: replay returns the "
                "list where the client expects one response",
                n, n == 1 ? "" : "s");
    } else if (f->body) {
        if (streaming)
            rv_emit(f, RV_ENVELOPE_STREAMING_MISMATCH, ptr,
                    "is_streaming is true but the body is %s, not a list of chunks: replay "
                    "iterates over it as if it were a stream",
                    rv_json_kind(f->body));
    } else if (streaming && !is_exception(f)) {
        rv_emit(f, RV_ENVELOPE_STREAMING_MISMATCH, ptr,
                "is_streaming is true but the body is null: replay has no chunks to stream");
    }
}

/* An exception recording: replay raises the exception rebuilt from
 * exception_data, or from exception_message when there is none (older
 * recorders), and never reads the body. */
static void check_exception(rv_file *f)
{
    if (!is_exception(f))
        return;
    if (!rv_has(f->response, "exception_message"))
        rv_emit(f, RV_ENVELOPE_EXCEPTION_FIELDS, "/response",
                "the exception recording has no exception_message (the recorder always writes "
                "str(exception); replay raises with it when exception_data is null or absent)");
    else if (!json_object_is_type(rv_get(f->response, "exception_message"), json_type_string))
        rv_emit(f, RV_ENVELOPE_EXCEPTION_FIELDS, "/response/exception_message",
                "exception_message is %s; it must be a string",
                rv_json_kind(rv_get(f->response, "exception_message")));
    json_object *data = rv_get(f->response, "exception_data");
    if (data && !json_object_is_type(data, json_type_object))
        rv_emit(f, RV_ENVELOPE_EXCEPTION_FIELDS, "/response/exception_data",
                "exception_data is %s; it must be an object (category, type, message, ...) or null",
                rv_json_kind(data));
    if (f->body && !json_object_is_type(f->body, json_type_array))
        rv_emit(f, RV_ENVELOPE_EXCEPTION_FIELDS, "/response/body",
                "the exception recording has %s as body; the recorder writes null (or the chunks "
                "received before a stream failed), since replay raises instead of answering",
                rv_json_kind(f->body));
}

void rv_check_envelope(rv_file *f)
{
    if (!f->root)
        return;
    if (!json_object_is_type(f->root, json_type_object)) {
        rv_emit(f, RV_ENVELOPE_WRONG_TYPE, "",
                "the recording is %s; it must be an object holding request and response",
                rv_json_kind(f->root));
        return;
    }
    check_object(f, f->root, &top_spec);
    check_mapping(f);
    if (f->response) {
        check_object(f, f->response, &response_spec);
        check_streaming(f);
        check_exception(f);
        rv_envelope_check_items(f);
    }
    if (f->request)
        check_object(f, f->request, request_spec(f));
}
