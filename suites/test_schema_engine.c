/* test_schema_engine.c - focused tests of the JSON Schema engine
 * (jsonschema.h): exact error output (instance pointer, evaluation path,
 * absolute keyword location, message), compile-time errors, number and
 * string semantics, references across documents and directories, boolean
 * schemas, ECMA-262 regex behaviour, early stop and multi-threaded use. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "suite_util.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "jsonschema.h"
#include "jsonschema_impl.h" /* js_render_string */
#include "schema_bundle.h"

static json_object *parse(const char *text)
{
    json_object *v = json_tokener_parse(text);
    if (!v && strcmp(text, "null") != 0)
        fail_msg("test JSON does not parse: %s", text);
    return v;
}

static js_registry *new_registry(unsigned options)
{
    js_registry *reg = rv_schema_registry_new(options);
    char *err = NULL;
    if (js_registry_add_metaschemas(reg, NULL, &err) < 0)
        fail_msg("metaschemas: %s", err);
    return reg;
}

/* Compiles `text` as a new document of reg; fails the test on error. */
static const js_schema *compile_ok(js_registry *reg, const char *text)
{
    json_object *doc = parse(text);
    char *err = NULL;
    const js_schema *s = js_compile_document(reg, NULL, doc, &err);
    json_object_put(doc);
    if (!s)
        fail_msg("compile failed: %s", err);
    return s;
}

/* Compiles `text`, expecting failure; returns the message (caller frees). */
static char *compile_error(js_registry *reg, const char *text)
{
    json_object *doc = parse(text);
    char *err = NULL;
    const js_schema *s = js_compile_document(reg, NULL, doc, &err);
    json_object_put(doc);
    assert_null(s);
    assert_non_null(err);
    return err;
}

/* Validity of `text`, checked to agree between fast and report modes. */
static bool is_valid(const js_schema *s, const char *text)
{
    json_object *inst = parse(text);
    js_error_list errors = JS_ERROR_LIST_INIT;
    bool fast = js_is_valid(s, inst);
    bool full = js_validate_collect(s, inst, 0, &errors);
    assert_int_equal(fast, full);
    assert_int_equal(full, errors.count == 0);
    js_error_list_free(&errors);
    json_object_put(inst);
    return fast;
}

static void assert_error(const js_error *e, const char *instance, const char *keyword,
                         const char *absolute, const char *message)
{
    assert_string_equal(e->instance_location, instance);
    assert_string_equal(e->keyword_location, keyword);
    assert_string_equal(e->absolute_keyword_location, absolute);
    assert_string_equal(e->message, message);
}

static void error_output_is_exact(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s = compile_ok(
        reg, "{\"$id\": \"https://recval.test/s.json\", \"type\": \"object\","
             " \"required\": [\"id\"],"
             " \"properties\": {"
             "   \"usage\": {\"$ref\": \"#/$defs/usage\"},"
             "   \"finish_reason\": {\"enum\": [\"stop\", \"length\"]},"
             "   \"n\": {\"type\": \"integer\"},"
             "   \"a/b\": {\"type\": [\"string\", \"null\"]}},"
             " \"additionalProperties\": false,"
             " \"$defs\": {\"usage\": {\"type\": \"object\", \"required\": [\"prompt_tokens\"],"
             "   \"properties\": {\"prompt_tokens\": {\"type\": \"integer\", \"minimum\": 0}}}}}");
    json_object *inst = parse("{\"usage\": {\"prompt_tokens\": -1.5}, \"finish_reason\": \"x\","
                              " \"n\": \"5\", \"a/b\": 1, \"extra\": true}");
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(s, inst, 0, &errors));
    assert_int_equal(errors.count, 7);
    const char *base = "https://recval.test/s.json#";
    char abs[256];
    assert_error(&errors.items[0], "", "/required", "https://recval.test/s.json#/required",
                 "missing required property \"id\"");
    snprintf(abs, sizeof abs, "%s/$defs/usage/properties/prompt_tokens/type", base);
    assert_error(&errors.items[1], "/usage/prompt_tokens",
                 "/properties/usage/$ref/properties/prompt_tokens/type", abs,
                 "expected integer, got number");
    snprintf(abs, sizeof abs, "%s/$defs/usage/properties/prompt_tokens/minimum", base);
    assert_error(&errors.items[2], "/usage/prompt_tokens",
                 "/properties/usage/$ref/properties/prompt_tokens/minimum", abs,
                 "-1.5 is less than the minimum 0");
    assert_error(&errors.items[3], "/finish_reason", "/properties/finish_reason/enum",
                 "https://recval.test/s.json#/properties/finish_reason/enum",
                 "\"x\" is not one of [\"stop\",\"length\"]");
    assert_error(&errors.items[4], "/n", "/properties/n/type",
                 "https://recval.test/s.json#/properties/n/type", "expected integer, got string");
    assert_error(&errors.items[5], "/a~1b", "/properties/a~1b/type",
                 "https://recval.test/s.json#/properties/a~1b/type",
                 "expected null or string, got integer");
    assert_error(&errors.items[6], "/extra", "/additionalProperties",
                 "https://recval.test/s.json#/additionalProperties",
                 "additional property \"extra\" is not allowed");
    js_error_list_free(&errors);
    json_object_put(inst);
    js_registry_free(reg);
}

static void more_messages(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s =
        compile_ok(reg, "{\"properties\": {"
                        " \"s\": {\"maxLength\": 2, \"pattern\": \"^a\"},"
                        " \"m\": {\"multipleOf\": 0.5},"
                        " \"o\": {\"oneOf\": [{\"type\": \"integer\"}, {\"minimum\": 0}]},"
                        " \"u\": {\"uniqueItems\": true, \"maxItems\": 2},"
                        " \"c\": {\"contains\": {\"const\": 1}}}}");
    json_object *inst = parse("{\"s\": \"b\\u00e9\\u00e9\", \"m\": 0.3, \"o\": 3,"
                              " \"u\": [1, 2, 1.0], \"c\": [2]}");
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(s, inst, 0, &errors));
    assert_int_equal(errors.count, 7);
    assert_string_equal(errors.items[0].message, "string has 3 characters, more than maxLength 2");
    assert_string_equal(errors.items[1].message, "\"béé\" does not match the pattern \"^a\"");
    assert_string_equal(errors.items[2].message, "0.3 is not a multiple of 0.5");
    assert_string_equal(errors.items[3].message,
                        "value matches both alternatives 0 and 1 of oneOf, expected exactly one");
    assert_string_equal(errors.items[3].keyword_location, "/properties/o/oneOf");
    assert_string_equal(errors.items[4].message, "array has 3 items, more than maxItems 2");
    assert_string_equal(errors.items[5].message, "items 0 and 2 are equal, but uniqueItems is set");
    assert_string_equal(errors.items[6].message, "no array item matches the contains schema");
    assert_string_equal(errors.items[6].instance_location, "/c");
    js_error_list_free(&errors);
    json_object_put(inst);
    js_registry_free(reg);
}

/* anyOf/oneOf whose alternatives are enum, const or type name what they
 * expect and what was found; others keep the generic message. */
static void alternatives_over_values_are_named(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s = compile_ok(
        reg, "{\"$defs\": {\"kinds\": {\"enum\": [\"a\", \"b\"]}}, \"properties\": {"
             " \"k\": {\"anyOf\": [{\"$ref\": \"#/$defs/kinds\"}, {\"type\": \"array\"}]},"
             " \"c\": {\"oneOf\": [{\"const\": 1}, {\"type\": [\"string\", \"null\"]}]},"
             " \"g\": {\"anyOf\": [{\"minimum\": 5}, {\"type\": \"string\"}]}}}");
    json_object *inst = parse("{\"k\": \"str\", \"c\": 2, \"g\": 1}");
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(s, inst, 0, &errors));
    assert_int_equal(errors.count, 3);
    assert_string_equal(
        errors.items[0].message,
        "\"str\" matches none of the 2 alternatives of anyOf: expected one of \"a\", "
        "\"b\", or a value of type array");
    assert_string_equal(errors.items[1].message,
                        "2 matches none of the 2 alternatives of oneOf: expected 1, or a value of "
                        "type null or string");
    assert_string_equal(errors.items[2].message,
                        "value does not match any of the 2 alternatives of anyOf");
    js_error_list_free(&errors);
    json_object_put(inst);
    js_registry_free(reg);
}

static void long_values_are_cut_in_messages(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s = compile_ok(reg, "{\"enum\": [\"stop\"]}");
    char text[5000];
    memset(text, 'a', sizeof text);
    text[0] = '"';
    snprintf(text + sizeof text - 2, 2, "\"");
    json_object *inst = parse(text);
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(s, inst, 0, &errors));
    assert_int_equal(errors.count, 1);
    assert_true(strlen(errors.items[0].message) < 120);
    assert_non_null(strstr(errors.items[0].message, "aaa... is not one of [\"stop\"]"));
    js_error_list_free(&errors);
    json_object_put(inst);
    js_registry_free(reg);
}

static void unknown_keyword_fails_at_load(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    char *err = compile_error(reg, "{\"type\": \"string\", \"maxLenght\": 3}");
    assert_string_equal(err, "urn:recval:anonymous:1#/maxLenght: unknown keyword \"maxLenght\" "
                             "(not implemented by recval)");
    free(err);
    err = compile_error(reg, "{\"$defs\": {\"a\": {\"properties\": {\"b\": {\"foo\": 1}}}}}");
    assert_string_equal(err, "urn:recval:anonymous:2#/$defs/a/properties/b/foo: unknown keyword "
                             "\"foo\" (not implemented by recval)");
    free(err);
    js_registry_free(reg);

    reg = new_registry(JS_ALLOW_UNKNOWN_KEYWORDS);
    const js_schema *s = compile_ok(reg, "{\"type\": \"string\", \"maxLenght\": 3}");
    assert_true(is_valid(s, "\"abcdef\""));
    js_registry_free(reg);
}

static void other_compile_errors(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    char *err = compile_error(reg, "{\"$ref\": \"https://example.com/nowhere.json\"}");
    assert_string_equal(err,
                        "urn:recval:anonymous:1#/$ref: cannot resolve "
                        "\"https://example.com/nowhere.json\": no schema is registered for "
                        "\"https://example.com/nowhere.json\" (network retrieval is disabled)");
    free(err);
    err = compile_error(reg, "{\"pattern\": \"(a\"}");
    assert_non_null(strstr(err, "#/pattern: invalid pattern \"(a\""));
    free(err);
    err = compile_error(reg, "{\"items\": [{\"type\": \"string\"}]}");
    assert_non_null(strstr(err, "#/items: must be a schema"));
    free(err);
    err = compile_error(reg, "{\"minLength\": -1}");
    assert_non_null(strstr(err, "#/minLength: must be a non-negative integer"));
    free(err);
    err = compile_error(reg, "{\"properties\": {\"a\": {\"$schema\": "
                             "\"https://json-schema.org/draft/2020-12/schema\"}}}");
    assert_non_null(strstr(err, "#/properties/a/$schema: only allowed at the root"));
    free(err);
    err = compile_error(reg, "{\"$schema\": \"http://json-schema.org/draft-07/schema#\"}");
    assert_non_null(strstr(err, "unsupported dialect"));
    free(err);
    js_registry_free(reg);
}

static void failed_compile_leaves_no_trace(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    json_object *doc = parse("{\"$id\": \"https://recval.test/mixed.json\", \"$defs\": {"
                             " \"good\": {\"type\": \"integer\"},"
                             " \"bad\": {\"$ref\": \"#/$defs/good\", \"oops\": 1}}}");
    char *err = NULL;
    assert_int_equal(js_registry_add_document(reg, NULL, doc, NULL, &err), 0);
    json_object_put(doc);
    assert_null(js_compile(reg, "https://recval.test/mixed.json", &err));
    free(err);
    err = NULL;
    const js_schema *good = js_compile(reg, "https://recval.test/mixed.json#/$defs/good", &err);
    assert_non_null(good);
    assert_string_equal(js_schema_location(good), "https://recval.test/mixed.json#/$defs/good");
    assert_true(is_valid(good, "3"));
    assert_false(is_valid(good, "3.5"));
    assert_null(js_compile(reg, "https://recval.test/mixed.json#/$defs/bad", &err));
    free(err);
    js_registry_free(reg);
}

static void numbers_compare_mathematically(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    assert_true(is_valid(compile_ok(reg, "{\"enum\": [1, \"x\"]}"), "1.0"));
    assert_true(is_valid(compile_ok(reg, "{\"enum\": [{\"a\": [1.0]}]}"), "{\"a\": [1]}"));
    assert_true(is_valid(compile_ok(reg, "{\"const\": 1.0}"), "1"));
    assert_false(is_valid(compile_ok(reg, "{\"const\": 1.0}"), "1.5"));
    const js_schema *unique = compile_ok(reg, "{\"uniqueItems\": true}");
    assert_false(is_valid(unique, "[1, 2, 1.0]"));
    assert_false(is_valid(unique, "[{\"a\": 1}, {\"a\": 1.0}]"));
    assert_true(is_valid(unique, "[1, 1.5, \"1\", true]"));
    assert_false(is_valid(unique, "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19.0,19]"));
    const js_schema *by_two = compile_ok(reg, "{\"multipleOf\": 2}");
    assert_true(is_valid(by_two, "4.0"));
    assert_false(is_valid(by_two, "3.0"));
    assert_true(is_valid(compile_ok(reg, "{\"multipleOf\": 0.01}"), "19.99"));
    assert_true(is_valid(compile_ok(reg, "{\"multipleOf\": 1.0}"), "7"));
    assert_true(is_valid(compile_ok(reg, "{\"type\": \"integer\"}"), "1.0"));
    /* beyond double precision: 2^53 + 1 vs 2^53 */
    assert_false(is_valid(compile_ok(reg, "{\"const\": 9007199254740993}"), "9007199254740992"));
    assert_false(is_valid(compile_ok(reg, "{\"minimum\": 9007199254740993}"), "9007199254740992"));
    assert_true(is_valid(compile_ok(reg, "{\"maximum\": 9007199254740993}"), "9007199254740993"));
    assert_false(
        is_valid(compile_ok(reg, "{\"maximum\": 9223372036854775807}"), "18446744073709551615"));
    assert_true(is_valid(compile_ok(reg, "{\"exclusiveMaximum\": 1e300}"), "9223372036854775807"));
    js_registry_free(reg);
}

static void lengths_count_code_points(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *max2 = compile_ok(reg, "{\"maxLength\": 2}");
    const js_schema *min3 = compile_ok(reg, "{\"minLength\": 3}");
    assert_true(is_valid(max2, "\"\\u65e5\\u672c\""));        /* 2 CJK chars, 6 bytes */
    assert_true(is_valid(max2, "\"\\ud83d\\udc32\\u00e9\"")); /* dragon + e-acute, 6 bytes */
    assert_false(is_valid(max2, "\"abc\""));
    assert_true(is_valid(min3, "\"\\ud83d\\udc32\\ud83d\\udc32\\ud83d\\udc32\""));
    assert_false(is_valid(min3, "\"\\ud83d\\udc32\\ud83d\\udc32\""));
    js_registry_free(reg);
}

static void ref_across_documents(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    json_object *a = parse("{\"$id\": \"https://recval.test/a.json\","
                           " \"$defs\": {\"pos\": {\"type\": \"integer\", \"minimum\": 1}}}");
    char *err = NULL;
    assert_int_equal(js_registry_add_document(reg, "file:///tmp/a.json", a, NULL, &err), 0);
    json_object_put(a);
    const js_schema *b = compile_ok(reg, "{\"$id\": \"https://recval.test/b.json\", \"properties\":"
                                         " {\"x\": {\"$ref\": \"a.json#/$defs/pos\"}}}");
    assert_true(is_valid(b, "{\"x\": 2}"));
    json_object *inst = parse("{\"x\": 0}");
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(b, inst, 0, &errors));
    assert_int_equal(errors.count, 1);
    assert_error(&errors.items[0], "/x", "/properties/x/$ref/minimum",
                 "https://recval.test/a.json#/$defs/pos/minimum", "0 is less than the minimum 1");
    js_error_list_free(&errors);
    json_object_put(inst);
    /* the retrieval URI names the same document */
    const js_schema *pos = js_compile(reg, "file:///tmp/a.json#/$defs/pos", &err);
    assert_non_null(pos);
    assert_false(is_valid(pos, "0"));
    js_registry_free(reg);
}

static void metaschemas_from_directory_and_bundle(void **state)
{
    (void)state;
    const char *src = getenv("RECVAL_SOURCE_DIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/schema", src ? src : ".");
    for (int from_dir = 0; from_dir < 2; from_dir++) {
        js_registry *reg = rv_schema_registry_new(0);
        char *err = NULL;
        assert_int_equal(js_registry_add_metaschemas(reg, from_dir ? dir : NULL, &err), 0);
        const js_schema *meta =
            js_compile(reg, "https://json-schema.org/draft/2020-12/schema", &err);
        if (!meta)
            fail_msg("metaschema: %s", err);
        assert_true(is_valid(meta, "{\"type\": \"string\", \"minLength\": 1}"));
        assert_false(is_valid(meta, "{\"type\": 1}"));
        assert_false(is_valid(meta, "{\"properties\": {\"a\": {\"minLength\": -1}}}"));
        assert_false(is_valid(meta, "{\"$defs\": {\"x\": {\"required\": \"a\"}}}"));
        js_registry_free(reg);
    }
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path);
}

static void schema_directory_files_are_strict(void **state)
{
    (void)state;
    char dir[] = "/tmp/recval-schema-test-XXXXXX";
    assert_non_null(mkdtemp(dir));
    write_file(dir, "item.json", "{\"type\": \"integer\"}");
    write_file(dir, "list.json", "{\"type\": \"array\", \"items\": {\"$ref\": \"item\"}}");
    write_file(dir, "dup.json", "{\"type\": \"string\", \"type\": \"integer\"}");
    write_file(dir, "zero.json", "{\"minimum\": 01}");
    js_registry *reg = new_registry(0);
    char *err = NULL;
    assert_int_equal(js_registry_add_dir(reg, "https://recval.test/dir/", dir, &err), 0);
    const js_schema *list = js_compile(reg, "https://recval.test/dir/list.json", &err);
    assert_non_null(list);
    assert_true(is_valid(list, "[1, 2]"));
    assert_false(is_valid(list, "[1, \"2\"]"));
    assert_null(js_compile(reg, "https://recval.test/dir/dup.json", &err));
    assert_non_null(strstr(err, "dup.json: duplicate key at /type"));
    free(err);
    assert_null(js_compile(reg, "https://recval.test/dir/zero.json", &err));
    assert_non_null(strstr(err, "zero.json: invalid JSON"));
    free(err);
    assert_null(js_compile(reg, "https://recval.test/dir/../etc/passwd", &err));
    free(err);
    js_registry_free(reg);
    remove_file(dir, "item.json");
    remove_file(dir, "list.json");
    remove_file(dir, "dup.json");
    remove_file(dir, "zero.json");
    rmdir(dir);
}

static void boolean_schemas(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    assert_true(is_valid(compile_ok(reg, "true"), "{\"anything\": [1]}"));
    const js_schema *never = compile_ok(reg, "false");
    assert_false(is_valid(never, "1"));
    json_object *inst = parse("{\"x\": 1}");
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(never, inst, 0, &errors));
    assert_int_equal(errors.count, 1);
    assert_error(&errors.items[0], "", "", "urn:recval:anonymous:2#",
                 "no value is allowed here (false schema)");
    js_error_list_free(&errors);
    const js_schema *s = compile_ok(reg, "{\"properties\": {\"x\": false}, \"items\": false}");
    assert_false(js_validate_collect(s, inst, 0, &errors));
    assert_error(&errors.items[0], "/x", "/properties/x", "urn:recval:anonymous:3#/properties/x",
                 "property \"x\" is not allowed");
    js_error_list_free(&errors);
    assert_true(is_valid(s, "[]"));
    assert_false(is_valid(s, "[1]"));
    assert_true(is_valid(s, "{\"y\": 1}"));
    json_object_put(inst);
    js_registry_free(reg);
}

static void ecma_regex_semantics(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    assert_false(is_valid(compile_ok(reg, "{\"pattern\": \"^abc$\"}"), "\"abc\\n\""));
    assert_false(is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\d$\"}"), "\"\\u0660\""));
    assert_true(is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\D$\"}"), "\"\\u0660\""));
    assert_false(is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\w$\"}"), "\"\\u00e9\""));
    assert_true(is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\s$\"}"), "\"\\u00a0\""));
    assert_true(is_valid(compile_ok(reg, "{\"pattern\": \"^[\\\\S]$\"}"), "\"x\""));
    assert_false(is_valid(compile_ok(reg, "{\"pattern\": \"^[^\\\\S]$\"}"), "\"x\""));
    assert_true(is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\p{Letter}+$\"}"), "\"\\u03c0x\""));
    assert_true(
        is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\p{Script=Greek}$\"}"), "\"\\u03c0\""));
    assert_false(is_valid(compile_ok(reg, "{\"pattern\": \"^.$\"}"), "\"\\n\""));
    assert_true(is_valid(compile_ok(reg, "{\"pattern\": \"^\\\\u00e9\\\\u{1F432}$\"}"),
                         "\"\\u00e9\\ud83d\\udc32\""));
    char *err = compile_error(reg, "{\"pattern\": \"(?i)abc\"}");
    assert_non_null(strstr(err, "unsupported group syntax"));
    free(err);
    js_registry_free(reg);
}

static int stop_after_first(const js_error *e, void *ctx)
{
    (void)e;
    (*(int *)ctx)++;
    return 1;
}

static void callback_can_stop(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s = compile_ok(reg, "{\"items\": {\"type\": \"string\"}}");
    json_object *inst = parse("[1, 2, 3]");
    int calls = 0;
    assert_false(js_validate(s, inst, stop_after_first, &calls));
    assert_int_equal(calls, 1);
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(s, inst, 2, &errors));
    assert_int_equal(errors.count, 2);
    assert_string_equal(errors.items[1].instance_location, "/1");
    js_error_list_free(&errors);
    json_object_put(inst);
    js_registry_free(reg);
}

typedef struct thread_job {
    const js_schema *schema;
    json_object *good, *bad;
    int failures;
} thread_job;

static void *validate_many(void *arg)
{
    thread_job *job = arg;
    for (int i = 0; i < 2000; i++) {
        js_error_list errors = JS_ERROR_LIST_INIT;
        if (!js_is_valid(job->schema, job->good) ||
            js_validate_collect(job->schema, job->bad, 0, &errors))
            job->failures++;
        if (errors.count != 2)
            job->failures++;
        js_error_list_free(&errors);
    }
    return NULL;
}

static void shared_across_threads(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s = compile_ok(
        reg, "{\"type\": \"object\", \"properties\": {\"id\": {\"pattern\": \"^chatcmpl-\"},"
             " \"n\": {\"$ref\": \"#/$defs/n\"}}, \"unevaluatedProperties\": false,"
             " \"$defs\": {\"n\": {\"type\": \"integer\"}}}");
    json_object *good = parse("{\"id\": \"chatcmpl-1\", \"n\": 2}");
    json_object *bad = parse("{\"id\": \"x\", \"n\": 2, \"z\": 0}");
    pthread_t threads[4];
    thread_job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i] = (thread_job){s, good, bad, 0};
        assert_int_equal(pthread_create(&threads[i], NULL, validate_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(threads[i], NULL);
        assert_int_equal(jobs[i].failures, 0);
    }
    json_object_put(good);
    json_object_put(bad);
    js_registry_free(reg);
}

static void cyclic_ref_without_progress_is_reported(void **state)
{
    (void)state;
    js_registry *reg = new_registry(0);
    const js_schema *s = compile_ok(reg, "{\"$ref\": \"#\"}");
    json_object *inst = parse("1");
    js_error_list errors = JS_ERROR_LIST_INIT;
    assert_false(js_validate_collect(s, inst, 0, &errors));
    assert_int_equal(errors.count, 1);
    assert_string_equal(errors.items[0].message,
                        "schema evaluation nested too deeply (a $ref cycle?)");
    js_error_list_free(&errors);
    json_object_put(inst);
    js_registry_free(reg);
}

/* Values quoted in messages are cut at their limit on a UTF-8 boundary,
 * keeping every whole character that fits (a two-byte character ending
 * exactly at the limit stays; one that straddles it goes). */
static void rendering_is_cut_on_utf8_boundaries(void **state)
{
    (void)state;
    struct {
        const char *s;
        size_t max;
        const char *want;
    } cases[] = {
        {"\xC3\xA9"
         "a",
         3, "\"\xC3\xA9..."},       /* "é fits in 3 bytes */
        {"a\xC3\xA9", 3, "\"a..."}, /* é straddles byte 3 */
        {"abc", 3, "\"ab..."},
        {"ab", 4, "\"ab\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strbuf sb = STRBUF_INIT;
        rv_sb_puts(&sb, "x: ");
        js_render_string(&sb, cases[i].s, strlen(cases[i].s), cases[i].max);
        assert_string_equal(sb.data + 3, cases[i].want);
        rv_sb_free(&sb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_output_is_exact),
        cmocka_unit_test(more_messages),
        cmocka_unit_test(alternatives_over_values_are_named),
        cmocka_unit_test(long_values_are_cut_in_messages),
        cmocka_unit_test(unknown_keyword_fails_at_load),
        cmocka_unit_test(other_compile_errors),
        cmocka_unit_test(failed_compile_leaves_no_trace),
        cmocka_unit_test(numbers_compare_mathematically),
        cmocka_unit_test(lengths_count_code_points),
        cmocka_unit_test(ref_across_documents),
        cmocka_unit_test(metaschemas_from_directory_and_bundle),
        cmocka_unit_test(schema_directory_files_are_strict),
        cmocka_unit_test(boolean_schemas),
        cmocka_unit_test(ecma_regex_semantics),
        cmocka_unit_test(callback_can_stop),
        cmocka_unit_test(shared_across_threads),
        cmocka_unit_test(cyclic_ref_without_progress_is_reported),
        cmocka_unit_test(rendering_is_cut_on_utf8_boundaries),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
