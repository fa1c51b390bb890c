/* validator.c - the validator's life cycle: options (limits, ignored rules
 * and families), the compiled type-name pattern and recval's own schemas,
 * all made once and then only read, so one validator serves many threads. */
#include "recval_internal.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_MAX_DEPTH 10000
#define DEFAULT_MAX_FILE_SIZE ((size_t)256 << 20)
#define DEFAULT_MAX_MEMORY ((size_t)1 << 30)
/* Limits above this are taken as "no limit" (and never overflow). */
#define LIMIT_CAP (SIZE_MAX / 4)

/* A dotted Python qualified name: module path and class name. */
static const char TYPE_NAME_PATTERN[] = "^[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)+$";

/* Ignores one rule or family by name; -1 with the last error if unknown. */
static int ignore_name(recval_validator *v, const char *name, size_t n)
{
    return rv_mark_rules(name, n, "ignore", "ignored", v->ignored_rule, v->ignored_family);
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
    recval_validator *v = rv_xcalloc(1, sizeof *v);
    v->max_depth = opts && opts->max_depth ? opts->max_depth : DEFAULT_MAX_DEPTH;
    v->max_file_size = opts && opts->max_file_size ? opts->max_file_size : DEFAULT_MAX_FILE_SIZE;
    v->max_memory = opts && opts->max_memory ? opts->max_memory : DEFAULT_MAX_MEMORY;
    if (v->max_depth > INT32_MAX)
        v->max_depth = INT32_MAX;
    if (v->max_file_size > LIMIT_CAP)
        v->max_file_size = LIMIT_CAP;
    if (v->max_memory > LIMIT_CAP)
        v->max_memory = LIMIT_CAP;
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
    if ((opts && opts->ignore && parse_ignore(v, opts->ignore) != 0) ||
        (opts && rv_settings_new(v, opts) != 0)) {
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
    rv_settings_free(v);
    free(v);
}

recval_status recval_validator_apply(const recval_validator *v, recval_result *r)
{
    if (!v || !r) {
        rv_set_error("recval_validator_apply: NULL argument");
        return RECVAL_EINVAL;
    }
    rv_apply_settings(v, r->path, r->diags, &r->ndiags);
    r->errors = r->warnings = r->notes = 0;
    for (size_t i = 0; i < r->ndiags; i++)
        rv_count_severity(r, r->diags[i].severity);
    return RECVAL_OK;
}

pcre2_match_data *rv_match_data(rv_file *f)
{
    if (!f->match_data)
        f->match_data = pcre2_match_data_create(4, NULL);
    return f->match_data;
}
