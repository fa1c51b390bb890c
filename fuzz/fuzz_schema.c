/* fuzz_schema.c - libFuzzer harness of the JSON Schema engine. The input is
 * a schema, a NUL byte, then an instance (no NUL: the schema is its own
 * instance). The schema is loaded and compiled as `recval schema` does
 * (recval_schema_load() from a file in a private temporary directory) and
 * the instance checked with recval_schema_check_buffer(); the same text
 * is also compiled with the engine directly (jsonschema.h, unknown
 * keywords allowed) to check that
 * its validations agree: the fast boolean one (js_is_valid), the
 * collecting one (js_validate_collect, with and without an error limit)
 * and the callback one (js_validate). */
#include "harness.h"
#include "jsonschema.h"
#include "jsonschema_impl.h"
#include "recval_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char schema_dir[64];
static char schema_path[96];

static void remove_schema_dir(void)
{
    unlink(schema_path);
    rmdir(schema_dir);
}

/* The file the schema text is written to, in a directory of its own. */
static const char *schema_file(void)
{
    if (!schema_dir[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(schema_dir, sizeof schema_dir, "%s/recval-fuzz-XXXXXX",
                 tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
        FUZZ_ASSERT(mkdtemp(schema_dir) != NULL, "mkdtemp %s failed", schema_dir);
        snprintf(schema_path, sizeof schema_path, "%s/schema.json", schema_dir);
        atexit(remove_schema_dir);
    }
    return schema_path;
}

static int write_file(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, size, f);
    return fclose(f) == 0 && n == size ? 0 : -1;
}

static int count_error(const js_error *e, void *ctx)
{
    FUZZ_ASSERT(e->instance_location && e->keyword_location && e->absolute_keyword_location &&
                    e->message,
                "an error with a NULL member");
    (*(size_t *)ctx)++;
    return 0;
}

/* The engine's validations of one instance must agree with each other. */
static void check_agreement(const js_schema *schema, json_object *instance)
{
    bool fast = js_is_valid(schema, instance);
    js_error_list all = JS_ERROR_LIST_INIT, first = JS_ERROR_LIST_INIT;
    bool collected = js_validate_collect(schema, instance, 0, &all);
    bool limited = js_validate_collect(schema, instance, 1, &first);
    size_t counted = 0;
    bool called = js_validate(schema, instance, count_error, &counted);
    FUZZ_ASSERT(fast == collected, "js_is_valid says %d, js_validate_collect says %d (%zu errors)",
                fast, collected, all.count);
    FUZZ_ASSERT(collected == (all.count == 0), "valid=%d with %zu errors", collected, all.count);
    FUZZ_ASSERT(limited == fast, "collect(max 1) says %d, js_is_valid %d", limited, fast);
    FUZZ_ASSERT(first.count == (all.count ? 1u : 0u), "collect(max 1) kept %zu of %zu", first.count,
                all.count);
    FUZZ_ASSERT(called == fast && counted == all.count,
                "js_validate says %d with %zu errors, collect %d with %zu", called, counted,
                collected, all.count);
    js_error_list_free(&all);
    js_error_list_free(&first);
}

/* Compiles the schema with the engine directly and checks agreement. */
static void check_engine(const char *schema_text, size_t schema_len, const char *inst_text,
                         size_t inst_len)
{
    char *err = NULL;
    json_object *doc = js_parse_json_text(schema_text, schema_len, "schema", &err);
    free(err);
    if (!doc)
        return;
    err = NULL;
    json_object *instance = js_parse_json_text(inst_text, inst_len, "instance", &err);
    free(err);
    err = NULL;
    /* Unknown keywords as annotations: more mutated schemas compile, and
     * agreement is about validating, not about how strict compiling is. */
    js_registry *reg = js_registry_new(JS_ALLOW_UNKNOWN_KEYWORDS);
    const js_schema *schema = NULL;
    if (js_registry_add_bundle(reg, "https://recval.dev/schema/", "", &err) == 0 &&
        js_registry_add_metaschemas(reg, NULL, &err) == 0)
        schema = js_compile_document(reg, "file:///fuzz/schema.json", doc, &err);
    free(err);
    if (schema && instance)
        check_agreement(schema, instance);
    if (schema)
        check_agreement(schema, doc); /* the schema as its own instance */
    json_object_put(instance);
    json_object_put(doc);
    js_registry_free(reg);
}

/* Loads the schema as `recval schema` does and checks the instance. */
static void check_public(const uint8_t *schema_text, size_t schema_len, const char *inst_text,
                         size_t inst_len)
{
    const char *path = schema_file();
    FUZZ_ASSERT(write_file(path, schema_text, schema_len) == 0, "cannot write %s", path);
    recval_schema *s = recval_schema_load(path, NULL, 0);
    if (!s)
        return;
    recval_result r;
    int rc =
        recval_schema_check_buffer(fuzz_validator(), s, "instance.json", inst_text, inst_len, &r);
    FUZZ_ASSERT(rc == RECVAL_OK, "recval_schema_check_buffer = %d", rc);
    fuzz_check_result(&r);
    recval_result_free(&r);
    recval_schema_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t schema_len = nul ? (size_t)(nul - data) : size;
    char *schema = fuzz_strndup(data, schema_len);
    char *inst = nul ? fuzz_strndup(nul + 1, size - schema_len - 1) : fuzz_strndup(data, size);
    size_t inst_len = nul ? size - schema_len - 1 : size;
    check_engine(schema, schema_len, inst, inst_len);
    check_public(data, schema_len, inst, inst_len);
    free(schema);
    free(inst);
    return 0;
}
