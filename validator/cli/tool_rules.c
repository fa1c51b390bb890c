/* tool_rules.c - `recval rules`: lists the rule table. */
#include "tool.h"

#include <string.h>

int tool_rules(int argc, char **argv)
{
    tool_format fmt = FORMAT_TEXT;
    for (int i = 1; i < argc; i++) {
        const char *v = tool_opt_value(argc, argv, &i, "--format");
        if (v && tool_parse_format(v, &fmt) && fmt != FORMAT_JUNIT)
            continue;
        if (tool_is_help(argv[i])) {
            puts("usage: recval rules [--format=text|json]\n\nLists every rule: name, default "
                 "severity, summary. Each rule's doc is the\nsection of the same name in "
                 "docs/rules/<family>.md.");
            return TOOL_EXIT_OK;
        }
        fprintf(stderr,
                "recval rules: unknown argument '%s'\nusage: recval rules [--format=text|json]\n",
                argv[i]);
        return TOOL_EXIT_USAGE;
    }
    size_t n;
    const recval_rule *rules = recval_rules(&n);
    if (fmt == FORMAT_JSON)
        fputs("{\"rules\":[", stdout);
    for (size_t i = 0; i < n; i++) {
        const char *sev = recval_severity_name(rules[i].severity);
        if (fmt == FORMAT_JSON) {
            fputs(i ? ",\n{\"name\":" : "\n{\"name\":", stdout);
            tool_put_json_string(stdout, rules[i].name);
            printf(",\"severity\":\"%s\",\"summary\":", sev);
            tool_put_json_string(stdout, rules[i].summary);
            fputc('}', stdout);
        } else {
            printf("%-40s %-8s %s\n", rules[i].name, sev, rules[i].summary);
        }
    }
    if (fmt == FORMAT_JSON)
        fputs("\n]}\n", stdout);
    return TOOL_EXIT_OK;
}
