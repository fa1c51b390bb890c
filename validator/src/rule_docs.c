/* rule_docs.c - the full description of each rule, taken from its section
 * in docs/rules/<family>.md (compiled in by cmake/EmbedFiles.cmake), so
 * that the docs stay the one source of truth for what a rule means. */
#include "recval_internal.h"
#include "schema_bundle.h"
#include "strbuf.h"

#include <pthread.h>
#include <string.h>

static char *descriptions[RV_RULE_COUNT];
static pthread_once_t descriptions_once = PTHREAD_ONCE_INIT;

/* The doc file of the rule's family ("usage.md"), or NULL. */
static const rv_bundled_file *family_doc(const char *rule_name)
{
    const char *slash = strchr(rule_name, '/');
    size_t n = slash ? (size_t)(slash - rule_name) : strlen(rule_name);
    for (size_t i = 0; i < rv_rule_docs_bundle_count; i++) {
        const char *p = rv_rule_docs_bundle[i].path;
        if (strncmp(p, rule_name, n) == 0 && strcmp(p + n, ".md") == 0)
            return &rv_rule_docs_bundle[i];
    }
    return NULL;
}

/* The start of the line after the heading "## <name>", or NULL. */
static const char *find_section(const char *doc, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = doc; p; p = strchr(p, '\n')) {
        if (*p == '\n')
            p++;
        if (strncmp(p, "## ", 3) == 0 && strncmp(p + 3, name, n) == 0 &&
            (p[3 + n] == '\n' || p[3 + n] == '\0')) {
            const char *eol = strchr(p, '\n');
            return eol ? eol + 1 : p + strlen(p);
        }
    }
    return NULL;
}

/* The section's prose up to the next heading: lines of a paragraph joined
 * by a space, paragraphs by a blank line, indented examples left out. */
static char *section_prose(const char *p)
{
    strbuf sb = STRBUF_INIT;
    bool blank_before = false;
    while (*p && strncmp(p, "#", 1) != 0) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        bool is_code = len >= 4 && strncmp(p, "    ", 4) == 0;
        if (len == 0 || is_code) {
            blank_before = true;
        } else {
            if (sb.len)
                rv_sb_puts(&sb, blank_before ? "\n\n" : " ");
            rv_sb_put(&sb, p, len);
            blank_before = false;
        }
        p += len + (eol != NULL);
    }
    return rv_sb_detach(&sb);
}

static void build_descriptions(void)
{
    for (size_t i = 0; i < RV_RULE_COUNT; i++) {
        const char *name = rv_rule((rv_rule_id)i)->name;
        const rv_bundled_file *doc = family_doc(name);
        const char *section = doc ? find_section((const char *)doc->data, name) : NULL;
        descriptions[i] = section ? section_prose(section) : rv_xstrdup("");
    }
}

const char *recval_rule_description(const recval_rule *rule)
{
    size_t count;
    const recval_rule *table = recval_rules(&count);
    if (!rule || rule < table || rule >= table + count)
        return "";
    pthread_once(&descriptions_once, build_descriptions);
    return descriptions[rule - table];
}
