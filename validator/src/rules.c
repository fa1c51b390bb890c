/* rules.c - the rule table (built from rules.def) and its lookups: by
 * name, by old name (aliases), and of the rules a name given to --ignore or
 * the configuration stands for. */
#include "recval_internal.h"

#include <string.h>

static const recval_rule rule_table[] = {
#define RULE(id, name, sev, summary) {name, sev, summary},
#include "rules.def"
#undef RULE
};

const recval_rule *rv_rule(rv_rule_id id)
{
    return &rule_table[id];
}

const recval_rule *recval_rules(size_t *count)
{
    if (count)
        *count = RV_RULE_COUNT;
    return rule_table;
}

/* Old names, from the ALIAS() rows of rules.def. */
static const struct rule_alias {
    const char *old_name, *rule, *note;
} alias_table[] = {
#define RULE(id, name, sev, summary)
#define ALIAS(old_name, rule, note) {old_name, rule, note},
#include "rules.def"
#undef ALIAS
#undef RULE
};

const recval_rule *rv_rule_alias(const char *name, size_t n, size_t *next, const char **note)
{
    for (size_t i = *next; i < sizeof alias_table / sizeof alias_table[0]; i++) {
        if (strlen(alias_table[i].old_name) != n || strncmp(alias_table[i].old_name, name, n) != 0)
            continue;
        *next = i + 1;
        if (note)
            *note = alias_table[i].note;
        return recval_rule_find(alias_table[i].rule);
    }
    *next = sizeof alias_table / sizeof alias_table[0];
    return NULL;
}

const char *recval_rule_alias_note(const char *name)
{
    size_t next = 0;
    const char *note = NULL;
    if (!name || !rv_rule_alias(name, strlen(name), &next, &note))
        return NULL;
    return note;
}

const recval_rule *recval_rule_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < RV_RULE_COUNT; i++)
        if (strcmp(rule_table[i].name, name) == 0)
            return &rule_table[i];
    return NULL;
}

const char *recval_severity_name(recval_severity s)
{
    switch (s) {
    case RECVAL_ERROR:
        return "error";
    case RECVAL_WARNING:
        return "warning";
    default:
        return "note";
    }
}

/* --- names given to --ignore and the configuration ------------------- */

static const char *const family_names[RV_FAMILY_COUNT] = {
    [RV_FAMILY_ENVELOPE] = "envelope",
    [RV_FAMILY_IDS] = "ids",
    [RV_FAMILY_FINISH_REASON] = "finish-reason",
    [RV_FAMILY_USAGE] = "usage",
    [RV_FAMILY_TOOL_CALLS] = "tool-calls",
    [RV_FAMILY_REQUEST_HASH] = "request-hash",
    [RV_FAMILY_SCHEMA] = "schema",
    [RV_FAMILY_REPLAY] = "replay",
};

/* Marks every rule the old name name[0..n) stands for; false when it is
 * no alias. */
static bool mark_alias(const char *name, size_t n, bool *rules)
{
    size_t next = 0;
    bool found = false;
    for (const recval_rule *r; (r = rv_rule_alias(name, n, &next, NULL)) != NULL; found = true)
        rules[r - rv_rule(0)] = true;
    return found;
}

int rv_mark_rules(const char *name, size_t n, const char *verb, const char *participle, bool *rules,
                  bool *families)
{
    bool alias = mark_alias(name, n, rules);
    for (int fam = 0; fam < RV_FAMILY_COUNT; fam++) {
        size_t fl = strlen(family_names[fam]);
        if (fl != n || strncmp(family_names[fam], name, n) != 0)
            continue;
        families[fam] = true;
        for (size_t r = 0; r < RV_RULE_COUNT; r++)
            if (strncmp(rv_rule(r)->name, name, n) == 0 && rv_rule(r)->name[n] == '/')
                rules[r] = true;
        return 0;
    }
    if (n == 5 && strncmp(name, "parse", 5) == 0) {
        rv_set_error("the parse family cannot be %s: a file that is not JSON has no other "
                     "check (parse/duplicate-key can be %s on its own)",
                     participle, participle);
        return -1;
    }
    for (size_t r = 0; r < RV_RULE_COUNT; r++) {
        const char *rule = rv_rule(r)->name;
        if (strlen(rule) != n || strncmp(rule, name, n) != 0)
            continue;
        if (strncmp(rule, "parse/", 6) == 0 && r != RV_PARSE_DUPLICATE_KEY &&
            r != RV_PARSE_NOT_REGULAR_FILE) {
            rv_set_error("%s cannot be %s: a file that cannot be read has no other check", rule,
                         participle);
            return -1;
        }
        rules[r] = true;
        return 0;
    }
    if (alias)
        return 0;
    rv_set_error("cannot %s '%.*s': no such rule or family (see recval rules)", verb, (int)n, name);
    return -1;
}
