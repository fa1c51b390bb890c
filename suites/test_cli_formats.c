/* test_cli_formats.c - the report formats of `recval validate` say the same
 * thing: every format's output is parsed back and its findings (file, line,
 * column, severity, rule), their order and the counts must agree across
 * text, json, junit, sarif, github and markdown. Then the exact bytes of
 * each format on a small fixture set, GitHub and markdown escaping, and the
 * rule descriptions SARIF takes from docs/rules/. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Every fixture: 181 findings of every severity, over 100 (markdown cut). */
#define ALL_FIXTURES "recordings/invalid"

#define TRUNCATED "recordings/invalid/parse/invalid-json/truncated.json"
#define DUPKEY                                                                                     \
    "suites/data/cli/dup-key/tests/integration/responses/recordings/"                              \
    "d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251.json"
#define NOTE_FILE                                                                                  \
    "recordings/invalid/envelope/tool-response-type/tests/integration/agents/recordings/"          \
    "288169d0f21462bedc25a7ff280c57006ee5c48b8411aa6f9c390f0d352cf525.json"

typedef struct finding {
    char *path; /* as reported; junit: the file's base name */
    unsigned line, column;
    char severity[8];
    char *rule;
} finding;

typedef struct findings {
    finding *v;
    size_t n, cap;
} findings;

static void add_finding(findings *f, const char *path, size_t path_len, unsigned line,
                        unsigned column, const char *severity, const char *rule, size_t rule_len)
{
    if (f->n == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 64;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        assert_non_null(f->v);
    }
    finding *x = &f->v[f->n++];
    x->path = strndup(path, path_len);
    x->line = line;
    x->column = column;
    snprintf(x->severity, sizeof x->severity, "%s", severity);
    x->rule = strndup(rule, rule_len);
}

static void free_findings(findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].path);
        free(f->v[i].rule);
    }
    free(f->v);
    memset(f, 0, sizeof *f);
}

/* Runs `recval validate --format=<fmt> [extra] PATH`, returning stdout. */
static char *run_format(const char *fmt, const char *extra, const char *path, int want_status)
{
    char arg[64], *out, *err;
    snprintf(arg, sizeof arg, "--format=%s", fmt);
    int status = extra ? rvt_recval(&out, &err, "validate", arg, extra, path, NULL)
                       : rvt_recval(&out, &err, "validate", arg, path, NULL);
    if (status != want_status)
        print_error("recval --format=%s exited %d:\n%s", fmt, status, err);
    assert_int_equal(status, want_status);
    free(err);
    return out;
}

/* --- parsers, one per format ---------------------------------------- */

/* "path:L:C: severity: message (at pointer) [rule]" lines. */
static findings parse_text(const char *out)
{
    findings f = {0};
    static const char *const sevs[] = {"error", "warning", "note"};
    for (const char *line = out; *line;) {
        const char *eol = strchr(line, '\n');
        char *l = strndup(line, (size_t)(eol - line));
        for (size_t s = 0; s < 3; s++) {
            char key[16];
            snprintf(key, sizeof key, ": %s: ", sevs[s]);
            char *at = strstr(l, key), *open = strrchr(l, '[');
            if (!at || !open)
                continue;
            *at = '\0';
            char *c2 = strrchr(l, ':');
            *c2 = '\0';
            char *c1 = strrchr(l, ':');
            *c1 = '\0';
            add_finding(&f, l, strlen(l), (unsigned)atoi(c1 + 1), (unsigned)atoi(c2 + 1), sevs[s],
                        open + 1, strlen(open + 1) - 1);
            break;
        }
        free(l);
        line = eol + 1;
    }
    return f;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v))
        print_error("no member %s\n", key);
    assert_non_null(v);
    return v;
}

static const char *get_str(json_object *o, const char *key)
{
    return json_object_get_string(get(o, key));
}

static findings parse_json(const char *out)
{
    findings f = {0};
    json_object *doc = json_tokener_parse(out);
    assert_non_null(doc);
    json_object *files = get(doc, "files");
    for (size_t i = 0; i < json_object_array_length(files); i++) {
        json_object *file = json_object_array_get_idx(files, i);
        const char *path = get_str(file, "path");
        json_object *diags = get(file, "diagnostics");
        for (size_t k = 0; k < json_object_array_length(diags); k++) {
            json_object *d = json_object_array_get_idx(diags, k);
            const char *rule = get_str(d, "rule");
            add_finding(&f, path, strlen(path), (unsigned)json_object_get_int(get(d, "line")),
                        (unsigned)json_object_get_int(get(d, "column")), get_str(d, "severity"),
                        rule, strlen(rule));
        }
    }
    json_object_put(doc);
    return f;
}

/* Decodes %XX escapes in place. */
static void percent_decode(char *s)
{
    char *w = s;
    for (; *s; s++) {
        unsigned v;
        if (s[0] == '%' && sscanf(s + 1, "%2x", &v) == 1) {
            *w++ = (char)v;
            s += 2;
        } else {
            *w++ = *s;
        }
    }
    *w = '\0';
}

static findings parse_sarif(const char *out)
{
    findings f = {0};
    json_object *doc = json_tokener_parse(out);
    assert_non_null(doc);
    assert_string_equal(get_str(doc, "version"), "2.1.0");
    json_object *runs = get(doc, "runs");
    assert_int_equal(json_object_array_length(runs), 1);
    json_object *run = json_object_array_get_idx(runs, 0);
    assert_string_equal(get_str(run, "columnKind"), "unicodeCodePoints");
    json_object *results = get(run, "results");
    for (size_t i = 0; i < json_object_array_length(results); i++) {
        json_object *r = json_object_array_get_idx(results, i);
        json_object *loc = json_object_array_get_idx(get(r, "locations"), 0);
        json_object *phys = get(loc, "physicalLocation");
        char *uri = strdup(get_str(get(phys, "artifactLocation"), "uri"));
        percent_decode(uri);
        json_object *region = get(phys, "region");
        const char *rule = get_str(r, "ruleId");
        add_finding(&f, uri, strlen(uri), (unsigned)json_object_get_int(get(region, "startLine")),
                    (unsigned)json_object_get_int(get(region, "startColumn")), get_str(r, "level"),
                    rule, strlen(rule));
        free(uri);
    }
    json_object_put(doc);
    return f;
}

/* "::error file=F,line=L,col=C,title=RULE::message" lines; the totals
 * notice (no properties) is returned in *totals. */
static findings parse_github(const char *out, char **totals)
{
    findings f = {0};
    *totals = NULL;
    for (const char *line = out; *line;) {
        const char *eol = strchr(line, '\n');
        char *l = strndup(line, (size_t)(eol - line));
        line = eol + 1;
        assert_true(strncmp(l, "::", 2) == 0);
        if (strncmp(l, "::notice::", 10) == 0) {
            assert_null(*totals); /* one totals line, the last */
            *totals = strdup(l + 10);
            free(l);
            continue;
        }
        assert_null(*totals);
        char *space = strchr(l, ' '), *end = strstr(l + 2, "::");
        assert_non_null(space);
        assert_non_null(end);
        *space = *end = '\0';
        const char *cmd = l + 2, *sev = strcmp(cmd, "notice") == 0 ? "note" : cmd;
        char *file = NULL, *title = NULL;
        unsigned ln = 0, col = 0;
        for (char *save, *p = strtok_r(space + 1, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
            percent_decode(p);
            if (strncmp(p, "file=", 5) == 0)
                file = p + 5;
            else if (strncmp(p, "line=", 5) == 0)
                ln = (unsigned)atoi(p + 5);
            else if (strncmp(p, "col=", 4) == 0)
                col = (unsigned)atoi(p + 4);
            else if (strncmp(p, "title=", 6) == 0)
                title = p + 6;
        }
        assert_non_null(file);
        assert_non_null(title);
        add_finding(&f, file, strlen(file), ln, col, sev, title, strlen(title));
        free(l);
    }
    return f;
}

/* The value of attribute `name` in the tag starting at tag. */
static char *xml_attr(const char *tag, const char *name)
{
    char key[32];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *p = strstr(tag, key);
    assert_non_null(p);
    p += strlen(key);
    return strndup(p, strcspn(p, "\""));
}

/* Per testcase: its failures, then the entries of its system-out. Paths
 * are the testcase names (base names). */
static findings parse_junit(const char *out)
{
    findings f = {0};
    for (const char *tc = strstr(out, "<testcase "); tc; tc = strstr(tc + 1, "<testcase ")) {
        char *name = xml_attr(tc, "name");
        const char *next = strstr(tc + 1, "<testcase ");
        const char *end = next ? next : tc + strlen(tc);
        for (const char *fl = strstr(tc, "<failure "); fl && fl < end;
             fl = strstr(fl + 1, "<failure ")) {
            char *rule = xml_attr(fl, "type"), *msg = xml_attr(fl, "message");
            unsigned ln, col;
            assert_int_equal(sscanf(msg, "%u:%u", &ln, &col), 2);
            const char *body = strchr(fl, '>') + 1;
            char key[32];
            snprintf(key, sizeof key, ":%u:%u: ", ln, col);
            const char *sev = strstr(body, key) + strlen(key);
            add_finding(&f, name, strlen(name), ln, col,
                        strncmp(sev, "error", 5) == 0 ? "error" : "warning", rule, strlen(rule));
            free(rule);
            free(msg);
        }
        const char *so = strstr(tc, "<system-out>");
        for (const char *e = so && so < end ? so + 12 : NULL; e && strncmp(e, "</", 2) != 0;) {
            unsigned ln, col;
            char sev[16];
            assert_int_equal(sscanf(e, "%u:%u: %15[a-z]:", &ln, &col, sev), 3);
            const char *stop = strstr(e, "&#10;");
            const char *open = stop;
            while (*open != '[')
                open--;
            add_finding(&f, name, strlen(name), ln, col, sev, open + 1, (size_t)(stop - open) - 2);
            e = stop + 5;
        }
        free(name);
    }
    return f;
}

/* --- comparing ------------------------------------------------------ */

static void assert_same_findings(const findings *want, const findings *got, const char *fmt)
{
    if (want->n != got->n)
        print_error("%s: %zu findings, text has %zu\n", fmt, got->n, want->n);
    assert_int_equal(got->n, want->n);
    for (size_t i = 0; i < want->n; i++) {
        const finding *a = &want->v[i], *b = &got->v[i];
        bool same = strcmp(a->path, b->path) == 0 && a->line == b->line && a->column == b->column &&
                    strcmp(a->severity, b->severity) == 0 && strcmp(a->rule, b->rule) == 0;
        if (!same)
            print_error("%s: finding %zu is %s:%u:%u %s %s, text says %s:%u:%u %s %s\n", fmt, i,
                        b->path, b->line, b->column, b->severity, b->rule, a->path, a->line,
                        a->column, a->severity, a->rule);
        assert_true(same);
    }
}

/* The text findings as JUnit orders them: per file, failures (errors;
 * with --strict warnings too) first, then the rest (the XSD puts
 * system-out after failures), paths cut to base names. */
static findings junit_order(const findings *text, bool strict)
{
    findings f = {0};
    for (size_t i = 0; i < text->n;) {
        size_t j = i;
        while (j < text->n && strcmp(text->v[j].path, text->v[i].path) == 0)
            j++;
        for (int pass = 0; pass < 2; pass++)
            for (size_t k = i; k < j; k++) {
                const finding *x = &text->v[k];
                bool fails = strcmp(x->severity, "error") == 0 ||
                             (strict && strcmp(x->severity, "warning") == 0);
                if (fails != (pass == 0))
                    continue;
                const char *base = strrchr(x->path, '/');
                base = base ? base + 1 : x->path;
                add_finding(&f, base, strlen(base), x->line, x->column, x->severity, x->rule,
                            strlen(x->rule));
            }
        i = j;
    }
    return f;
}

/* The last line of text output, without its newline. */
static char *text_totals(const char *out)
{
    size_t n = strlen(out);
    assert_true(n > 1 && out[n - 1] == '\n');
    const char *start = out + n - 1;
    while (start > out && start[-1] != '\n')
        start--;
    return strndup(start, (size_t)(out + n - 1 - start));
}

/* The markdown rule table agrees with the findings' counts per rule, and
 * the findings table lists the first TOOL_MARKDOWN_MAX_ROWS (100) in order
 * and says how many more there are. */
static void assert_markdown_agrees(const char *md, const findings *text, const char *totals)
{
    char want[512];
    snprintf(want, sizeof want, "\n%s.\n", totals);
    assert_non_null(strstr(md, want));
    size_t nrules, counted = 0;
    const recval_rule *rules = recval_rules(&nrules);
    for (size_t r = 0; r < nrules; r++) {
        size_t n = 0;
        for (size_t i = 0; i < text->n; i++)
            n += strcmp(text->v[i].rule, rules[r].name) == 0;
        snprintf(want, sizeof want, "| `%s` | %s | %zu |\n", rules[r].name,
                 recval_severity_name(rules[r].severity), n);
        if (n && !strstr(md, want))
            print_error("markdown lacks %s", want);
        assert_true(n == 0 || strstr(md, want) != NULL);
        counted += n;
    }
    assert_int_equal(counted, text->n);
    const char *row = strstr(md, "|---|---|---|---|---|---|\n");
    assert_non_null(row);
    size_t shown = 0;
    for (row = strchr(row, '\n') + 1; strncmp(row, "| `", 3) == 0; row = strchr(row, '\n') + 1) {
        const finding *x = &text->v[shown++];
        snprintf(want, sizeof want, "| `%s` | %u:%u | %s | `%s` | ", x->path, x->line, x->column,
                 x->severity, x->rule);
        assert_memory_equal(row, want, strlen(want));
    }
    size_t expect_shown = text->n < 100 ? text->n : 100;
    assert_int_equal(shown, expect_shown);
    if (text->n > 100) {
        snprintf(want, sizeof want,
                 "\n%zu more findings not shown (the table lists the first 100).\n", text->n - 100);
        assert_string_equal(row, want);
    }
}

static void check_formats_agree(const char *path, const char *extra, int status, bool strict)
{
    char *text = run_format("text", extra, path, status);
    char *json = run_format("json", extra, path, status);
    char *junit = run_format("junit", extra, path, status);
    char *sarif = run_format("sarif", extra, path, status);
    char *github = run_format("github", extra, path, status);
    char *markdown = run_format("markdown", extra, path, status);
    findings t = parse_text(text), j = parse_json(json), s = parse_sarif(sarif), g, u;
    char *gh_totals, *totals = text_totals(text);
    g = parse_github(github, &gh_totals);
    assert_true(t.n > 0);
    assert_same_findings(&t, &j, "json");
    assert_same_findings(&t, &s, "sarif");
    assert_same_findings(&t, &g, "github");
    findings jt = junit_order(&t, strict);
    u = parse_junit(junit);
    assert_same_findings(&jt, &u, "junit");
    /* The same totals line in text, github and markdown. */
    assert_non_null(gh_totals);
    char want[512];
    snprintf(want, sizeof want, "recval: %s", totals);
    assert_string_equal(gh_totals, want);
    assert_markdown_agrees(markdown, &t, totals);
    free_findings(&t), free_findings(&j), free_findings(&s), free_findings(&g);
    free_findings(&jt), free_findings(&u);
    free(gh_totals), free(totals);
    free(text), free(json), free(junit), free(sarif), free(github), free(markdown);
}

static void same_findings_in_every_format(void **state)
{
    (void)state;
    check_formats_agree(ALL_FIXTURES, NULL, 1, false);
}

static void same_findings_in_every_format_strict(void **state)
{
    (void)state;
    check_formats_agree(ALL_FIXTURES, "--strict", 1, true);
}

/* --- exact bytes on a small fixture set ---------------------------- */

static char *run_small(const char *fmt)
{
    char arg[64], *out, *err;
    snprintf(arg, sizeof arg, "--format=%s", fmt);
    assert_int_equal(rvt_recval(&out, &err, "validate", arg, TRUNCATED, DUPKEY, NOTE_FILE, NULL),
                     1);
    assert_string_equal(err, "");
    free(err);
    return out;
}

#define TRUNCATED_MSG "unexpected end of file: the JSON value is incomplete (truncated file?)"
#define DUPKEY_MSG "duplicate key \"method\": only the last value is kept by the recorder's reader"
#define NOTE_MSG                                                                                   \
    "__type__ \"ogx_api.tools.ToolResponse\" is not a type recval has checks for; its data is "    \
    "not checked"
#define TOTALS "3 files checked: 2 passed, 1 failed; 1 error, 1 warning, 1 note"

static void github_bytes(void **state)
{
    (void)state;
    char *out = run_small("github");
    assert_string_equal(
        out, "::error file=" TRUNCATED ",line=10,col=52,title=parse/invalid-json::" TRUNCATED_MSG
             " (at /response/body/__data__/choices)\n"
             "::warning file=" DUPKEY ",line=5,col=5,title=parse/duplicate-key::" DUPKEY_MSG
             " (at /request/method)\n"
             "::notice file=" NOTE_FILE ",line=13,col=19,title=envelope/unknown-type::" NOTE_MSG
             " (at /response/body/__type__)\n"
             "::notice::recval: " TOTALS "\n");
    free(out);
}

static void markdown_bytes(void **state)
{
    (void)state;
    char *out = run_small("markdown");
    assert_string_equal(out, "## recval: failed\n\n" TOTALS ".\n\n"
                             "| Rule | Default severity | Findings |\n|---|---|---:|\n"
                             "| `parse/duplicate-key` | warning | 1 |\n"
                             "| `parse/invalid-json` | error | 1 |\n"
                             "| `envelope/unknown-type` | note | 1 |\n\n"
                             "| File | Line:Col | Severity | Rule | Pointer | Message |\n"
                             "|---|---|---|---|---|---|\n"
                             "| `" TRUNCATED "` | 10:52 | error | `parse/invalid-json` | "
                             "`/response/body/__data__/choices` | " TRUNCATED_MSG " |\n"
                             "| `" DUPKEY "` | 5:5 | warning | `parse/duplicate-key` | "
                             "`/request/method` | " DUPKEY_MSG " |\n"
                             "| `" NOTE_FILE "` | 13:19 | note | `envelope/unknown-type` | "
                             "`/response/body/__type__` | \\_\\_type\\_\\_ "
                             "\"ogx\\_api.tools.ToolResponse\" is not a type recval has checks "
                             "for; its data is not checked |\n");
    free(out);
}

static void text_json_junit_bytes(void **state)
{
    (void)state;
    char *out = run_small("text");
    assert_string_equal(out, TRUNCATED
                        ":10:52: error: " TRUNCATED_MSG
                        " (at /response/body/__data__/choices) [parse/invalid-json]\n" DUPKEY
                        ":5:5: warning: " DUPKEY_MSG
                        " (at /request/method) [parse/duplicate-key]\n" NOTE_FILE
                        ":13:19: note: " NOTE_MSG
                        " (at /response/body/__type__) [envelope/unknown-type]\n" TOTALS "\n");
    free(out);
    out = run_small("json");
    assert_string_equal(
        out,
        "{\"files\":[\n"
        "{\"path\":\"" TRUNCATED "\",\"kind\":\"invalid\",\"status\":\"fail\",\"diagnostics\":["
        "{\"rule\":\"parse/invalid-json\",\"severity\":\"error\",\"message\":\"" TRUNCATED_MSG
        "\",\"pointer\":\"/response/body/__data__/choices\",\"line\":10,\"column\":52}]},\n"
        "{\"path\":\"" DUPKEY "\",\"kind\":\"chat-completion-stream\",\"status\":\"pass\","
        "\"diagnostics\":[{\"rule\":\"parse/duplicate-key\",\"severity\":\"warning\",\"message\":"
        "\"duplicate key \\\"method\\\": only the last value is kept by the recorder's reader\","
        "\"pointer\":\"/request/method\",\"line\":5,\"column\":5}]},\n"
        "{\"path\":\"" NOTE_FILE
        "\",\"kind\":\"tool-invocation\",\"status\":\"pass\",\"diagnostics\":["
        "{\"rule\":\"envelope/unknown-type\",\"severity\":\"note\",\"message\":\"__type__ "
        "\\\"ogx_api.tools.ToolResponse\\\" is not a type recval has checks for; its data is not "
        "checked\",\"pointer\":\"/response/body/__type__\",\"line\":13,\"column\":19}]}\n"
        "],\"summary\":{\"files\":3,\"passed\":2,\"failed\":1,\"errors\":1,\"warnings\":1}}\n");
    free(out);
    out = run_small("junit");
    /* Times vary: compare from the first testcase's failure on. */
    const char *fail = strstr(out, "      <failure ");
    assert_non_null(fail);
    const char *want =
        "      <failure type=\"parse/invalid-json\" message=\"10:52 "
        "/response/body/__data__/choices: " TRUNCATED_MSG "\">" TRUNCATED
        ":10:52: error: " TRUNCATED_MSG
        " (at /response/body/__data__/choices) [parse/invalid-json]</failure>\n"
        "    </testcase>\n"
        "    <testcase name=\"d058ce92a083c160c08eb29e7b396e65fa55f4ddf217d2bd3c92eeb85bee5251"
        ".json\" classname=\"suites.data.cli.dup-key.tests.integration.responses.recordings\""
        " time=\"";
    assert_memory_equal(fail, want, strlen(want));
    free(out);
}

/* Cuts the driver's rules array out of a SARIF text: returns the text with
 * "@RULES@" in its place and the array itself in *rules. */
__attribute__((noinline)) static char *cut_rules(const char *sarif, char **rules)
{
    const char *a = strstr(sarif, "\"rules\":[");
    const char *b = strstr(sarif, "\n      ]}},\n");
    if (!a || !b)
        fail_msg("no rules array in the SARIF output");
    size_t head = (size_t)(a - sarif) + strlen("\"rules\":");
    size_t tail = (size_t)(b - sarif) + strlen("\n      ]");
    *rules = strndup(sarif + head, tail - head);
    size_t rest = strlen(sarif + tail);
    char *cut = malloc(head + 8 + rest);
    assert_non_null(cut);
    memcpy(cut, sarif, head);
    memcpy(cut + head, "@RULES@", 7);
    memcpy(cut + head + 7, sarif + tail, rest + 1);
    return cut;
}

static void sarif_bytes(void **state)
{
    (void)state;
    char *out = run_small("sarif"), *rules;
    char *rest = cut_rules(out, &rules);
    char *cwd = getcwd(NULL, 0);
    char want[8192];
    snprintf(want, sizeof want,
             "{\n  \"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\n"
             "  \"version\":\"2.1.0\",\n  \"runs\":[\n    {\n"
             "      \"tool\":{\"driver\":{\"name\":\"recval\",\"version\":\"%s\","
             "\"semanticVersion\":\"%s\",\"rules\":@RULES@}},\n"
             "      \"originalUriBaseIds\":{\"SRCROOT\":{\"uri\":\"file://%s/\"}},\n"
             "      \"columnKind\":\"unicodeCodePoints\",\n"
             "      \"results\":[\n"
             "        {\"ruleId\":\"parse/invalid-json\",\"ruleIndex\":1,\"level\":\"error\","
             "\"message\":{\"text\":\"" TRUNCATED_MSG "\"},\"locations\":[{\"physicalLocation\":{"
             "\"artifactLocation\":{\"uri\":\"" TRUNCATED "\",\"uriBaseId\":\"SRCROOT\"},"
             "\"region\":{\"startLine\":10,\"startColumn\":52}},\"logicalLocations\":[{"
             "\"fullyQualifiedName\":\"/response/body/__data__/choices\",\"kind\":\"member\"}]}],"
             "\"partialFingerprints\":{\"recvalFinding/v1\":\"%%s\"}},\n",
             recval_version(), recval_version(), cwd);
    free(cwd);
    /* The head up to the first fingerprint, exactly. */
    char *fp = strstr(want, "%s");
    *fp = '\0';
    assert_memory_equal(rest, want, strlen(want));
    /* Every result's fingerprint is 32 hex digits; the truncated file has
     * no request hash, so its fingerprint comes from the rule, pointer and
     * value fingerprint and is the same on every run. */
    json_object *doc = json_tokener_parse(out);
    json_object *results = get(json_object_array_get_idx(get(doc, "runs"), 0), "results");
    assert_int_equal(json_object_array_length(results), 3);
    for (size_t i = 0; i < 3; i++) {
        json_object *r = json_object_array_get_idx(results, i);
        const char *f = get_str(get(r, "partialFingerprints"), "recvalFinding/v1");
        assert_int_equal(strlen(f), 32);
        assert_int_equal(strspn(f, "0123456789abcdef"), 32);
    }
    /* The rules array: every rule, with its docs and default level. */
    json_object *rule_list = json_tokener_parse(rules);
    assert_non_null(rule_list);
    size_t nrules;
    const recval_rule *table = recval_rules(&nrules);
    assert_int_equal(json_object_array_length(rule_list), nrules);
    for (size_t i = 0; i < nrules; i++) {
        json_object *r = json_object_array_get_idx(rule_list, i);
        assert_string_equal(get_str(r, "id"), table[i].name);
        assert_string_equal(get_str(get(r, "shortDescription"), "text"), table[i].summary);
        assert_string_equal(get_str(get(r, "fullDescription"), "text"),
                            recval_rule_description(&table[i]));
        assert_string_equal(get_str(get(r, "defaultConfiguration"), "level"),
                            recval_severity_name(table[i].severity));
    }
    assert_string_equal(get_str(json_object_array_get_idx(rule_list, 0), "name"),
                        "ParseDuplicateKey");
    json_object_put(rule_list);
    json_object_put(doc);
    free(rules);
    free(rest);
    free(out);
}

/* --- escaping ------------------------------------------------------- */

static char tmpdir[64];

static int make_tmpdir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/recval-formats-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_tmpdir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A file name with '%', ':' and ',' and a duplicate key holding a line
 * break and a '|': GitHub properties escape all three, the message only
 * '%' and the line break; markdown escapes the '|'. */
static void github_and_markdown_escape(void **state)
{
    (void)state;
    char path[160], *out, *err;
    snprintf(path, sizeof path, "%s/a%%b:c,d.json", tmpdir);
    write_file(path, "{\"k\\n|%\": 1, \"k\\n|%\": 2}");
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=github", path, NULL), 1);
    char want[1024];
    snprintf(want, sizeof want,
             "\n::warning file=%s/a%%25b%%3Ac%%2Cd.json,line=1,col=23,title=envelope/"
             "unknown-field::the recording has a member \"k%%0A|%%25\" that the recorder never "
             "writes; replay ignores it (at /k%%0A|%%25)\n",
             tmpdir);
    assert_non_null(strstr(out, want));
    free(out), free(err);
    assert_int_equal(rvt_recval(&out, &err, "validate", "--format=markdown", path, NULL), 1);
    assert_non_null(strstr(out, "| /k \\|% | the recording has a member \"k \\|%\" that"));
    free(out), free(err);
}

/* Rule descriptions come from docs/rules: the first words of the section. */
static void rule_descriptions_from_docs(void **state)
{
    (void)state;
    size_t n;
    const recval_rule *rules = recval_rules(&n);
    for (size_t i = 0; i < n; i++) {
        const char *d = recval_rule_description(&rules[i]);
        if (strlen(d) < 40)
            print_error("%s: description '%s'\n", rules[i].name, d);
        assert_true(strlen(d) >= 40);
        assert_null(strstr(d, "    ")); /* no example lines */
    }
    const char *dup = recval_rule_description(recval_rule_find("parse/duplicate-key"));
    assert_true(strncmp(dup,
                        "An object repeats a member name (compared after decoding escapes, "
                        "so `\"a\\u0062\"` repeats `\"ab\"`).",
                        90) == 0);
    const char *last = "Fix: delete the member that is not meant.";
    assert_string_equal(dup + strlen(dup) - strlen(last), last);
    assert_string_equal(recval_rule_description(NULL), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(same_findings_in_every_format),
        cmocka_unit_test(same_findings_in_every_format_strict),
        cmocka_unit_test(text_json_junit_bytes),
        cmocka_unit_test(github_bytes),
        cmocka_unit_test(markdown_bytes),
        cmocka_unit_test(sarif_bytes),
        cmocka_unit_test(github_and_markdown_escape),
        cmocka_unit_test(rule_descriptions_from_docs),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
