/* validator.c - the validator's life cycle: options (limits, ignored rules
 * and families), the compiled type-name pattern and recval's own schemas,
 * all made once and then only read, so one validator serves many threads. */
#include "recval_internal.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_DEPTH 10000
#define DEFAULT_MAX_FILE_SIZE ((size_t)256 << 20)

/* A dotted Python qualified name: module path and class name. */
static const char TYPE_NAME_PATTERN[] = "^[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+$";

static const char *const family_names[RV_FAMILY_COUNT] = {
    [RV_FAMILY_ENVELOPE] = "envelope",
    [RV_FAMILY_IDS] = "ids",
    [RV_FAMILY_FINISH_REASON] = "finish-reason",
    [RV_FAMILY_USAGE] = "usage",
    [RV_FAMILY_TOOL_CALLS] = "tool-calls",
    [RV_FAMILY_REQUEST_HASH] = "request-hash",
    [RV_FAMILY_SCHEMA] = "schema",
};

/* Ignores every rule the old name name[0..n) stands for; false when it
 * is no alias. */
static bool ignore_alias(recval_validator *v, const char *name, size_t n)
{
    size_t next = 0;
    bool found = false;
    for (const recval_rule *r; (r = rv_rule_alias(name, n, &next, NULL)) != NULL; found = true)
        v->ignored_rule[r - rv_rule(0)] = true;
    return found;
}

/* Ignores one rule or family by name, or the rules an old name stands
 * for; -1 with the last error if unknown. */
static int ignore_name(recval_validator *v, const char *name, size_t n)
{
    bool alias = ignore_alias(v, name, n);
    for (int fam = 0; fam < RV_FAMILY_COUNT; fam++) {
        size_t fl = strlen(family_names[fam]);
        if (fl != n || strncmp(family_names[fam], name, n) != 0)
            continue;
        v->ignored_family[fam] = true;
        for (size_t r = 0; r < RV_RULE_COUNT; r++)
            if (strncmp(rv_rule(r)->name, name, n) == 0 && rv_rule(r)->name[n] == '/')
                v->ignored_rule[r] = true;
        return 0;
    }
    for (size_t r = 0; r < RV_RULE_COUNT; r++) {
        const char *rule = rv_rule(r)->name;
        if (strlen(rule) != n || strncmp(rule, name, n) != 0)
            continue;
        if (strncmp(rule, "parse/", 6) == 0 && r != RV_PARSE_DUPLICATE_KEY) {
            rv_set_error("%s cannot be ignored: a file that cannot be read has no other check",
                         rule);
            return -1;
        }
        v->ignored_rule[r] = true;
        return 0;
    }
    if (alias)
        return 0;
    rv_set_error("cannot ignore '%.*s': no such rule or family (see recval rules)", (int)n, name);
    return -1;
}

/* Parses recval_options.ignore: names separated by commas. */
static int parse_ignore(recval_validator *v, const char *list)
{
    for (const char *p = list; *p;) {
        size_t n = strcspn(p, ",");
        if (n > 0 && ignore_name(v, p, n) != 0)
            return -1;
        p += n + (p[n] == ',');
    }
    return 0;
}

recval_validator *recval_validator_new(const recval_options *opts)
{
    recval_validator *v = calloc(1, sizeof *v);
    if (!v) {
        rv_set_error("out of memory");
        return NULL;
    }
    v->max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    v->max_file_size = opts && opts->max_file_size ? opts->max_file_size : DEFAULT_MAX_FILE_SIZE;
    if (v->max_depth > INT32_MAX)
        v->max_depth = INT32_MAX;
    int err;
    PCRE2_SIZE off;
    v->type_name_re =
        pcre2_compile((PCRE2_SPTR)TYPE_NAME_PATTERN, PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);
    if (!v->type_name_re) {
        rv_set_error("cannot compile the type-name pattern (PCRE2 error %d)", err);
        free(v);
        return NULL;
    }
    pcre2_jit_compile(v->type_name_re, PCRE2_JIT_COMPLETE);
    if (opts && opts->ignore && parse_ignore(v, opts->ignore) != 0) {
        recval_validator_free(v);
        return NULL;
    }
    /* recval's own schemas serve only the schema family. */
    if (!v->ignored_family[RV_FAMILY_SCHEMA] && rv_schemas_new(v) != 0) {
        recval_validator_free(v);
        return NULL;
    }
    return v;
}

int recval_validator_reports(const recval_validator *v, const char *name)
{
    const recval_rule *rule = v ? recval_rule_find(name) : NULL;
    return rule && !v->ignored_rule[rule - rv_rule(0)];
}

void recval_validator_free(recval_validator *v)
{
    if (!v)
        return;
    pcre2_code_free(v->type_name_re);
    rv_schemas_free(v);
    free(v);
}

pcre2_match_data *rv_match_data(rv_file *f)
{
    if (!f->match_data)
        f->match_data = pcre2_match_data_create(4, NULL);
    return f->match_data;
}
