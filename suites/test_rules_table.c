/* test_rules_table.c - the rule table itself: names are family/specific-name
 * with a known family and a lower-case specific name, unique, with a
 * summary, found by recval_rule_find(); every rule has a doc section in
 * docs/rules/<family>.md. The failing fixtures of each rule (at least
 * three) are checked by the family suites (rvt_check_family_fixtures). */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const families[] = {"parse",      "envelope",      "schema",
                                       "ids",        "finish-reason", "usage",
                                       "tool-calls", "request-hash",  "replay"};

static size_t family_len(const char *name)
{
    const char *slash = strchr(name, '/');
    return slash ? (size_t)(slash - name) : 0;
}

static int known_family(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
        if (strlen(families[i]) == n && strncmp(families[i], name, n) == 0)
            return 1;
    return 0;
}

static void names_are_well_formed_and_unique(void **state)
{
    (void)state;
    size_t n;
    const recval_rule *rules = recval_rules(&n);
    assert_true(n > 30);
    for (size_t i = 0; i < n; i++) {
        size_t fl = family_len(rules[i].name);
        assert_true(fl > 0);
        if (!known_family(rules[i].name, fl))
            fail_msg("%s: unknown family", rules[i].name);
        const char *spec = rules[i].name + fl + 1;
        for (const char *p = spec; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
                fail_msg("%s: specific name must be lower-case words joined by '-'", rules[i].name);
        assert_true(strlen(rules[i].summary) > 10);
        assert_ptr_equal(recval_rule_find(rules[i].name), &rules[i]);
        for (size_t k = 0; k < i; k++)
            assert_string_not_equal(rules[i].name, rules[k].name);
    }
    assert_null(recval_rule_find("parse/no-such-rule"));
}

static char *read_doc(const char *family)
{
    char rel[256];
    snprintf(rel, sizeof rel, "docs/rules/%s.md", family);
    return rvt_read_file(rvt_path(rel), NULL);
}

static void every_rule_has_a_doc_section(void **state)
{
    (void)state;
    size_t n, missing = 0;
    const recval_rule *rules = recval_rules(&n);
    for (size_t i = 0; i < n; i++) {
        char family[64], heading[160];
        snprintf(family, sizeof family, "%.*s", (int)family_len(rules[i].name), rules[i].name);
        snprintf(heading, sizeof heading, "\n## %s\n", rules[i].name);
        char *doc = read_doc(family);
        if (!doc || !strstr(doc, heading)) {
            print_error("%s: no '## %s' section in docs/rules/%s.md\n", rules[i].name,
                        rules[i].name, family);
            missing++;
        }
        free(doc);
    }
    assert_int_equal(missing, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_well_formed_and_unique),
        cmocka_unit_test(every_rule_has_a_doc_section),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
