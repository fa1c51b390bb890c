/* rules_tool_calls_schema.c - tool-calls/arguments-schema: the arguments of each
 * tool call (a streamed call folded from its chunks, a single response's
 * call, or a call of an assistant message of the request) must satisfy the
 * `parameters` JSON Schema the request declared for that function in
 * request.body.tools.
 *
 * Parameters are request data, not recval's schemas: they are compiled per
 * file, only for functions that are called, in a registry of their own
 * that treats unknown keywords as annotations (as providers and Python's
 * jsonschema do). Parameters recval cannot compile get a note, unless
 * schema/recording already reports them as no valid JSON Schema. Arguments
 * that are not a JSON object are tool-calls/invalid-arguments' business and
 * are skipped here, as are empty arguments (no arguments given). */
#include "rules_schema.h"
#include "rules_tool_calls.h"
#include "jsonschema.h"
#include "schema_bundle.h"
#include "stream.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Schema errors quoted in one diagnostic. */
#define ARGS_ERRORS_SHOWN 3
/* Errors collected per call: the failures shown and the pattern errors. */
#define ARGS_COLLECTED_MAX 100

/* A function the request declares, its parameters compiled on first use. */
typedef struct declared_fn {
    const char *name;
    json_object *parameters;
    size_t tool_pos;
    bool tried;
    const js_schema *schema; /* NULL: not tried yet, or not compilable */
    char uri[40];            /* "urn:recval:tools:<pos>" */
} declared_fn;

typedef struct args_check {
    rv_file *f;
    declared_fn *fns;
    size_t nfns;
    js_registry *reg; /* made for the first compile */
} args_check;

/* --- declared parameters ------------------------------------------- */

static void read_declared(args_check *ac)
{
    json_object *tools = rv_get_array(ac->f->request_body, "tools");
    size_t n = tools ? json_object_array_length(tools) : 0;
    ac->fns = n ? rv_xcalloc(n, sizeof *ac->fns) : NULL;
    for (size_t i = 0; i < n; i++) {
        json_object *fn = rv_get_object(json_object_array_get_idx(tools, i), "function");
        const char *name = rv_get_string(fn, "name");
        json_object *parameters = rv_get(fn, "parameters");
        if (!name || !parameters)
            continue;
        declared_fn *d = &ac->fns[ac->nfns++];
        *d = (declared_fn){.name = name, .parameters = parameters, .tool_pos = i};
        snprintf(d->uri, sizeof d->uri, "urn:recval:tools:%zu", i);
    }
}

static const char *parameters_ptr(char buf[RV_PTR_MAX], const declared_fn *d)
{
    return rv_ptr(buf, "/request/body/tools/%zu/function/parameters", d->tool_pos);
}

/* Appends `text`, which starts with a schema location, with that location
 * made a pointer into the file when it lies in the declared parameters
 * ("urn:recval:tools:0#/properties/a" becomes
 * "/request/body/tools/0/function/parameters/properties/a", and
 * "urn:recval:tools:0: ..." "/request/body/tools/0/function/parameters: ..."). */
static void put_schema_location(strbuf *sb, const args_check *ac, const char *text)
{
    for (size_t i = 0; i < ac->nfns; i++) {
        const declared_fn *d = &ac->fns[i];
        size_t n = strlen(d->uri);
        if (strncmp(text, d->uri, n) == 0 && (text[n] == '#' || text[n] == ':')) {
            char ptr[RV_PTR_MAX];
            rv_sb_printf(sb, "%s%s", parameters_ptr(ptr, d), text + n + (text[n] == '#'));
            return;
        }
    }
    rv_sb_puts(sb, text);
}

/* True when a schema/recording diagnostic lies at or under `ptr`. */
static bool reported_under(const rv_file *f, const char *ptr)
{
    for (size_t i = 0; i < f->ndiags; i++)
        if (f->diags[i].rule == rv_rule(RV_SCHEMA_RECORDING) &&
            rv_ptr_at_or_under(f->diags[i].pointer, ptr))
            return true;
    return false;
}

static void compile_parameters(args_check *ac, declared_fn *d)
{
    char *err = NULL;
    d->tried = true;
    if (!ac->reg) {
        ac->reg = rv_schema_registry_new(JS_ALLOW_UNKNOWN_KEYWORDS);
        if (js_registry_add_metaschemas(ac->reg, NULL, &err) != 0) {
            free(err); /* only $schema and metaschema $refs need them */
            err = NULL;
        }
    }
    d->schema = js_compile_document(ac->reg, d->uri, d->parameters, &err);
    char ptr[RV_PTR_MAX];
    parameters_ptr(ptr, d);
    if (!d->schema && !reported_under(ac->f, ptr)) {
        strbuf why = STRBUF_INIT;
        put_schema_location(&why, ac, err ? err : "unknown error");
        rv_emit_sev(ac->f, RV_TOOL_CALLS_ARGUMENTS_SCHEMA, RECVAL_NOTE, ptr,
                    "the parameters of function %s cannot be used as a schema, so its calls are "
                    "not checked: %s",
                    d->name, why.data);
        rv_sb_free(&why);
    }
    free(err);
}

/* The compiled parameters of `name`, NULL when there are none to check
 * against (undeclared function, no parameters, not compilable). */
static const js_schema *parameters_of(args_check *ac, const char *name)
{
    for (size_t i = 0; i < ac->nfns; i++) {
        declared_fn *d = &ac->fns[i];
        if (strcmp(d->name, name) != 0)
            continue;
        if (!d->tried)
            compile_parameters(ac, d);
        return d->schema;
    }
    return NULL;
}

/* --- arguments ----------------------------------------------------- */

/* The arguments as a JSON object, read as strictly as
 * tool-calls/invalid-arguments reads them; NULL when that rule objects. */
static json_object *parse_arguments(const char *s, size_t n, size_t max_depth)
{
    if (n > INT32_MAX)
        return NULL;
    return rv_parse_arguments(s, n, max_depth, NULL);
}

/* Appends the failures (not the pattern errors) of list; returns how
 * many there are. */
static size_t put_errors(strbuf *sb, const args_check *ac, const js_error_list *list)
{
    size_t shown = 0, failures = 0;
    for (size_t i = 0; i < list->count; i++) {
        const js_error *e = &list->items[i];
        if (e->pattern_error)
            continue;
        if (failures++ >= ARGS_ERRORS_SHOWN)
            continue;
        rv_sb_puts(sb, shown++ ? "; " : ": ");
        if (e->instance_location[0])
            rv_sb_printf(sb, "at %s: ", e->instance_location);
        rv_sb_printf(sb, "%s (schema: ", e->message);
        put_schema_location(sb, ac, e->absolute_keyword_location);
        rv_sb_putc(sb, ')');
    }
    if (failures > ARGS_ERRORS_SHOWN)
        rv_sb_puts(sb, "; and more");
    return failures;
}

/* The patterns of the declared parameters that could not be evaluated:
 * schema/pattern-error, at most the severity of the arguments-schema rule
 * it happens under (a warning). */
static void emit_pattern_errors(args_check *ac, const js_error_list *list, const char *ptr,
                                const char *label, const char *name)
{
    recval_severity sev = rv_rule(RV_SCHEMA_PATTERN_ERROR)->severity;
    recval_severity under = rv_rule(RV_TOOL_CALLS_ARGUMENTS_SCHEMA)->severity;
    for (size_t i = 0; i < list->count; i++) {
        const js_error *e = &list->items[i];
        if (!e->pattern_error)
            continue;
        strbuf msg = STRBUF_INIT;
        if (e->instance_location[0])
            rv_sb_printf(&msg, "at %s: ", e->instance_location);
        rv_sb_printf(&msg, "%s (schema: ", e->message);
        put_schema_location(&msg, ac, e->absolute_keyword_location);
        rv_emit_sev(ac->f, RV_SCHEMA_PATTERN_ERROR, under < sev ? under : sev, ptr,
                    "%s: the parameters declared for %s: %s)", label, name, msg.data);
        rv_sb_free(&msg);
    }
}

/* Checks one call's arguments text; `label` says which call it is. */
static void check_call(args_check *ac, const char *name, const char *text, size_t len,
                       const char *ptr, const char *label)
{
    const js_schema *schema = parameters_of(ac, name);
    if (!schema)
        return;
    json_object *args = parse_arguments(text, len, ac->f->validator->max_depth);
    if (!args)
        return;
    if (!js_is_valid(schema, args)) {
        js_error_list list = JS_ERROR_LIST_INIT;
        js_validate_collect(schema, args, ARGS_COLLECTED_MAX, &list);
        strbuf msg = STRBUF_INIT;
        rv_sb_printf(&msg, "%s: the arguments do not satisfy the parameters declared for %s", label,
                     name);
        if (put_errors(&msg, ac, &list))
            rv_emit(ac->f, RV_TOOL_CALLS_ARGUMENTS_SCHEMA, ptr, "%s", msg.data);
        emit_pattern_errors(ac, &list, ptr, label, name);
        rv_sb_free(&msg);
        js_error_list_free(&list);
    }
    json_object_put(args);
}

/* --- the calls ----------------------------------------------------- */

static void check_response_calls(args_check *ac)
{
    const rv_stream *s = ac->f->stream;
    if (!s || !s->chat)
        return;
    char ptr[RV_PTR_MAX], label[128];
    for (size_t i = 0; i < s->nchoices; i++) {
        const rv_choice *c = &s->choices[i];
        for (size_t k = 0; k < c->ncalls; k++) {
            const rv_tool_call *t = &c->calls[k];
            if (!t->name || t->bad_arguments_type || t->nfrags == 0)
                continue;
            snprintf(label, sizeof label, "tool call %" PRId64 " of choice %" PRId64, t->index,
                     c->index);
            rv_call_ptr(ptr, ac->f, s, t->frags[0].at, "/function/arguments");
            check_call(ac, t->name, t->arguments.data, t->arguments.len, ptr, label);
        }
    }
}

static void check_message_calls(args_check *ac, json_object *calls, size_t msg_pos)
{
    char ptr[RV_PTR_MAX], label[128];
    size_t n = json_object_array_length(calls);
    for (size_t k = 0; k < n; k++) {
        json_object *fn = rv_get_object(json_object_array_get_idx(calls, k), "function");
        const char *name = rv_get_string(fn, "name");
        json_object *args = rv_get(fn, "arguments");
        if (!name || !json_object_is_type(args, json_type_string))
            continue;
        snprintf(label, sizeof label, "tool call %zu of message %zu", k, msg_pos);
        rv_ptr(ptr, "/request/body/messages/%zu/tool_calls/%zu/function/arguments", msg_pos, k);
        check_call(ac, name, json_object_get_string(args), (size_t)json_object_get_string_len(args),
                   ptr, label);
    }
}

static void check_request_calls(args_check *ac)
{
    json_object *messages = rv_get_array(ac->f->request_body, "messages");
    size_t n = messages ? json_object_array_length(messages) : 0;
    for (size_t i = 0; i < n; i++) {
        json_object *calls = rv_get_array(json_object_array_get_idx(messages, i), "tool_calls");
        if (calls)
            check_message_calls(ac, calls, i);
    }
}

void rv_check_tool_calls_arguments_schema(rv_file *f)
{
    args_check ac = {.f = f};
    read_declared(&ac);
    if (ac.nfns > 0) {
        check_request_calls(&ac);
        check_response_calls(&ac);
    }
    js_registry_free(ac.reg);
    free(ac.fns);
}
