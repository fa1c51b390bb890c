/* rules.c - the rule table (built from rules.def) and its lookups. */
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
