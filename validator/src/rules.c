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
