/* config.c - the configuration file (recval.json) and the test lists:
 * reading a config strictly (JSON, then schema/config.schema.json with
 * recval's schema engine, then every rule name and test list), with each
 * problem located at its key or value; copying a config's settings and
 * the test lists into a validator; and applying per-path ignores and
 * severity overrides to a file's diagnostics. */
#include "recval_internal.h"
#include "jsonscan.h"
#include "jsonschema.h"
#include "schema_bundle.h" /* rv_schema_registry_new */

#include <errno.h>
#include <stdio.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CONFIG_SCHEMA_URI RV_SCHEMA_BASE_URI "config.schema.json"
#define CONFIG_MAX_SIZE ((size_t)1 << 20)
#define CONFIG_MAX_DEPTH 64
#define CONFIG_MAX_MEMORY ((size_t)64 << 20)
#define UNKNOWN_KEY                                                                                \
    "unknown key (known: $schema, ignore, per-path-ignores, strict, severity, tests)"

struct recval_config {
    char *path;
    char *dir; /* absolute, anchors tests and per-path-ignores */
    int strict;
    bool ignore_rule[RV_RULE_COUNT];
    bool ignore_family[RV_FAMILY_COUNT];
    unsigned char severity[RV_RULE_COUNT]; /* 0: default, else severity + 1 */
    rv_path_ignore *path_ignores;
    size_t npath_ignores;
    bool has_tests;
    rv_test_set tests;
};

/* What reads a config (a config is small: its budget is 64 MiB): the strict JSON reader of
 * recordings, no rules. */
static const recval_validator config_reader = {.max_depth = CONFIG_MAX_DEPTH,
                                               .max_file_size = CONFIG_MAX_SIZE,
                                               .max_memory = CONFIG_MAX_MEMORY};

/* --- paths --------------------------------------------------------- */

/* path made absolute without resolving links: "." and ".." removed. */
static char *lexical_absolute(const char *path)
{
    strbuf in = STRBUF_INIT, out = STRBUF_INIT;
    if (path[0] != '/') {
        char cwd[PATH_MAX];
        rv_sb_puts(&in, getcwd(cwd, sizeof cwd) ? cwd : "");
        rv_sb_putc(&in, '/');
    }
    rv_sb_puts(&in, path);
    for (const char *p = in.data; *p;) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            char *slash = out.data ? strrchr(out.data, '/') : NULL;
            rv_sb_truncate(&out, slash ? (size_t)(slash - out.data) : 0);
        } else if (n > 0 && !(n == 1 && p[0] == '.')) {
            rv_sb_putc(&out, '/');
            rv_sb_put(&out, p, n);
        }
        p += n + (p[n] == '/');
    }
    rv_sb_free(&in);
    if (!out.data || !out.data[0])
        rv_sb_puts(&out, "/");
    return rv_sb_detach(&out);
}

/* The absolute path of path, links resolved when it exists. */
static char *absolute_path(const char *path)
{
    char *real = realpath(path, NULL);
    return real ? real : lexical_absolute(path);
}

/* The absolute directory of the file at path. */
static char *absolute_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir =
        slash ? rv_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : rv_xstrdup(".");
    char *abs = absolute_path(dir);
    free(dir);
    return abs;
}

/* dir/rel, or rel when it is absolute. */
static char *path_from(const char *dir, const char *rel)
{
    if (rel[0] == '/')
        return rv_xstrdup(rel);
    strbuf sb = STRBUF_INIT;
    rv_sb_printf(&sb, "%s/%s", dir, rel);
    return rv_sb_detach(&sb);
}

/* --- test lists ------------------------------------------------------ */

static void add_test(rv_test_set *s, const char *id, size_t n)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->ids = rv_xrealloc(s->ids, s->cap * sizeof *s->ids);
    }
    s->ids[s->n++] = rv_xstrndup(id, n);
}

/* True for a line of `pytest --collect-only -q` that is a node id: it
 * has "::" (the summary line, "12 tests collected in 0.5s", has not). */
static bool is_node_id(const char *line)
{
    return strstr(line, "::") != NULL;
}

int rv_test_set_read(rv_test_set *s, const char *path)
{
    FILE *fp = fopen(path, "r"); /* stdio: a pipe (--tests=<(pytest ...)) works too */
    if (!fp) {
        rv_set_error("cannot read the test list %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st; /* a device (/dev/zero) would never end a line */
    if (fstat(fileno(fp), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
        fclose(fp);
        rv_set_error("cannot read the test list %s: a device, not a file or pipe", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, fp)) >= 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (is_node_id(line))
            add_test(s, line, (size_t)n);
    }
    int failed = ferror(fp);
    free(line);
    fclose(fp);
    if (failed) {
        rv_set_error("cannot read the test list %s: read error", path);
        return -1;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void rv_test_set_sort(rv_test_set *s)
{
    if (s->n > 1)
        qsort(s->ids, s->n, sizeof *s->ids, cmp_str);
}

bool rv_test_set_has(const rv_test_set *s, const char *id)
{
    return s->n && bsearch(&id, s->ids, s->n, sizeof *s->ids, cmp_str) != NULL;
}

void rv_test_set_free(rv_test_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->ids[i]);
    free(s->ids);
    memset(s, 0, sizeof *s);
}

static void copy_test_set(rv_test_set *to, const rv_test_set *from)
{
    for (size_t i = 0; i < from->n; i++)
        add_test(to, from->ids[i], strlen(from->ids[i]));
}

/* --- problems, located ------------------------------------------------ */

/* The problems of one config file, as diagnostics of its rv_file; at_key
 * marks those to be shown at their member's key (an unknown key). */
typedef struct problems {
    rv_file *f;
    bool at_key[64];
} problems;

static void add_problem(problems *p, const char *pointer, bool at_key, const char *message)
{
    if (p->f->ndiags < sizeof p->at_key)
        p->at_key[p->f->ndiags] = at_key;
    rv_emit(p->f, RV_SCHEMA_INSTANCE, pointer, "%s", message);
}

/* Moves d from a member's value to its key: back over ':' and the
 * quoted key (a quote preceded by an even number of backslashes opens). */
static void move_to_key(const rv_file *f, recval_diag *d)
{
    size_t i = rv_text_offset(f->text, f->len, d->line, d->column);
    while (i > 0 && strchr(" \t\r\n", f->text[i - 1]))
        i--;
    if (i == 0 || f->text[--i] != ':')
        return;
    while (i > 0 && strchr(" \t\r\n", f->text[i - 1]))
        i--;
    if (i == 0 || f->text[--i] != '"')
        return;
    while (i > 0) {
        size_t q = --i, slashes = 0;
        while (q > 0 && f->text[q - 1] == '\\')
            q--, slashes++;
        if (f->text[i] == '"' && slashes % 2 == 0)
            break;
    }
    rv_jscan_position(f->text, f->len, i, &d->line, &d->column);
}

/* The first token of pointer, unescaped: the top-level key. */
static void put_top_key(strbuf *sb, const char *pointer)
{
    for (const char *p = pointer + 1; *p && *p != '/'; p++) {
        if (p[0] == '~' && (p[1] == '0' || p[1] == '1'))
            rv_sb_putc(sb, *++p == '0' ? '~' : '/');
        else
            rv_sb_putc(sb, *p);
    }
}

/* Locates the problems, sorts them and sets the last error to one line
 * each: "PATH:LINE:COLUMN: key "KEY": MESSAGE (at POINTER)". */
static void report_problems(problems *p)
{
    rv_file *f = p->f;
    rv_locate_diags(f);
    for (size_t i = 0; i < f->ndiags && i < sizeof p->at_key; i++)
        if (p->at_key[i])
            move_to_key(f, &f->diags[i]);
    qsort(f->diags, f->ndiags, sizeof *f->diags, rv_diag_cmp);
    strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < f->ndiags; i++) {
        const recval_diag *d = &f->diags[i];
        rv_sb_printf(&sb, "%s%s:%u:%u: ", i ? "\n" : "", f->path, d->line, d->column);
        if (d->pointer[0]) {
            rv_sb_puts(&sb, "key \"");
            put_top_key(&sb, d->pointer);
            rv_sb_puts(&sb, "\": ");
        }
        rv_sb_printf(&sb, "%s (at %s)", d->message,
                     d->pointer[0] ? d->pointer : "the document root");
    }
    rv_set_error("%s", sb.data ? sb.data : "");
    rv_sb_free(&sb);
}

/* --- reading a config --------------------------------------------------- */

/* Checks root against schema/config.schema.json, one problem per failure. */
static void check_schema(problems *p, json_object *root)
{
    char *err = NULL;
    js_registry *reg = rv_schema_registry_new(0);
    const js_schema *schema = NULL;
    if (rv_schema_registry_add_own(reg, &err) == 0)
        schema = js_compile(reg, CONFIG_SCHEMA_URI, &err);
    if (!schema) {
        add_problem(p, "", false, err ? err : "cannot compile schema/config.schema.json");
        free(err);
        js_registry_free(reg);
        return;
    }
    js_error_list list = JS_ERROR_LIST_INIT;
    js_validate_collect(schema, root, 0, &list);
    for (size_t i = 0; i < list.count; i++) {
        const js_error *e = &list.items[i];
        bool unknown = rv_ends_with(e->keyword_location, "/additionalProperties") &&
                       strncmp(e->message, "additional property", 19) == 0;
        add_problem(p, e->instance_location, unknown, unknown ? UNKNOWN_KEY : e->message);
    }
    js_error_list_free(&list);
    js_registry_free(reg);
}

/* Marks the rule or family `name` (at pointer; a key when at_key) in
 * rules[]/families[]; false, with a problem, when it names none. */
static bool mark(problems *p, const char *pointer, bool at_key, const char *name, const char *verb,
                 const char *participle, bool *rules, bool *families)
{
    if (rv_mark_rules(name, strlen(name), verb, participle, rules, families) == 0)
        return true;
    add_problem(p, pointer, at_key, recval_last_error());
    return false;
}

static void read_ignore(recval_config *c, problems *p, json_object *list)
{
    char ptr[RV_PTR_MAX];
    for (size_t i = 0; list && i < json_object_array_length(list); i++)
        mark(p, rv_ptr(ptr, "/ignore/%zu", i), false,
             json_object_get_string(json_object_array_get_idx(list, i)), "ignore", "ignored",
             c->ignore_rule, c->ignore_family);
}

static void read_path_ignores(recval_config *c, problems *p, json_object *map)
{
    if (!map)
        return;
    c->path_ignores =
        rv_xcalloc((size_t)json_object_object_length(map) + 1, sizeof *c->path_ignores);
    json_object_object_foreach(map, glob, list)
    {
        rv_path_ignore *pi = &c->path_ignores[c->npath_ignores++];
        pi->glob = rv_xstrdup(strncmp(glob, "./", 2) == 0 ? glob + 2 : glob);
        bool families[RV_FAMILY_COUNT] = {false};
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            strbuf ptr = STRBUF_INIT;
            rv_sb_puts(&ptr, "/per-path-ignores/");
            rv_sb_put_pointer_token(&ptr, glob, strlen(glob));
            rv_sb_printf(&ptr, "/%zu", i);
            mark(p, ptr.data, false, json_object_get_string(json_object_array_get_idx(list, i)),
                 "ignore", "ignored", pi->rule, families);
            rv_sb_free(&ptr);
        }
    }
}

static void read_severity(recval_config *c, problems *p, json_object *map)
{
    if (!map)
        return;
    json_object_object_foreach(map, name, value)
    {
        static const char *const names[] = {"note", "warning", "error"};
        bool rules[RV_RULE_COUNT] = {false}, families[RV_FAMILY_COUNT] = {false};
        strbuf ptr = STRBUF_INIT;
        rv_sb_puts(&ptr, "/severity/");
        rv_sb_put_pointer_token(&ptr, name, strlen(name));
        if (mark(p, ptr.data, true, name, "change the severity of", "given another severity", rules,
                 families)) {
            unsigned char sev = 0;
            for (unsigned char s = 0; s < 3; s++)
                if (strcmp(json_object_get_string(value), names[s]) == 0)
                    sev = s + 1;
            for (size_t r = 0; r < RV_RULE_COUNT; r++)
                if (rules[r])
                    c->severity[r] = sev;
        }
        rv_sb_free(&ptr);
    }
}

static void read_tests(recval_config *c, problems *p, json_object *list)
{
    if (!list)
        return;
    c->has_tests = true;
    char ptr[RV_PTR_MAX];
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        char *path = path_from(c->dir, json_object_get_string(json_object_array_get_idx(list, i)));
        if (rv_test_set_read(&c->tests, path) != 0)
            add_problem(p, rv_ptr(ptr, "/tests/%zu", i), false, recval_last_error());
        free(path);
    }
    rv_test_set_sort(&c->tests);
}

/* Reads the settings of a root valid against the schema. */
static void read_settings(recval_config *c, problems *p, json_object *root)
{
    json_object *strict = rv_get(root, "strict");
    c->strict = strict ? json_object_get_boolean(strict) : -1;
    read_ignore(c, p, rv_get_array(root, "ignore"));
    read_path_ignores(c, p, rv_get_object(root, "per-path-ignores"));
    read_severity(c, p, rv_get_object(root, "severity"));
    read_tests(c, p, rv_get_array(root, "tests"));
}

/* Takes text over (malloc'd, NUL-terminated). */
static recval_config *parse_config(const char *path, char *text, size_t len)
{
    recval_config *c = rv_xcalloc(1, sizeof *c);
    c->path = rv_xstrdup(path);
    c->dir = absolute_dir(path);
    rv_file f;
    problems p = {.f = &f};
    if (rv_file_load_text(&config_reader, path, text, len, &f) == 0) {
        for (size_t i = 0; i < f.ndiags; i++) /* a repeated key: a warning for recordings */
            if (f.diags[i].rule == rv_rule(RV_PARSE_DUPLICATE_KEY)) {
                free(f.diags[i].message);
                f.diags[i].message = rv_xstrdup("the key is repeated");
            }
        size_t before = f.ndiags;
        check_schema(&p, f.root);
        if (f.ndiags == before)
            read_settings(c, &p, f.root);
    }
    if (f.ndiags) {
        report_problems(&p);
        recval_config_free(c);
        c = NULL;
    }
    rv_file_release(&f);
    return c;
}

recval_config *recval_config_parse(const char *path, const char *text, size_t len)
{
    if (!path || !text) {
        rv_set_error("recval_config_parse: NULL argument");
        return NULL;
    }
    char *copy = rv_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    return parse_config(path, copy, len);
}

recval_config *recval_config_load(const char *path)
{
    if (!path) {
        rv_set_error("recval_config_load: NULL argument");
        return NULL;
    }
    rv_read_info info;
    char *text = rv_read_whole_file(path, CONFIG_MAX_SIZE, &info);
    if (!text && info.status == RV_READ_TOO_LARGE)
        rv_set_error("%s: the configuration file is %s%zu bytes, over the %zu-byte limit", path,
                     info.at_least ? "more than " : "", info.size, CONFIG_MAX_SIZE);
    else if (!text && info.status == RV_READ_NOT_REGULAR)
        rv_set_error("%s: cannot read the configuration file: not a regular file", path);
    else if (!text)
        rv_set_error("%s: cannot read the configuration file: %s", path, strerror(info.err));
    return text ? parse_config(path, text, info.size) : NULL;
}

const char *recval_config_path(const recval_config *c)
{
    return c ? c->path : NULL;
}

int recval_config_strict(const recval_config *c)
{
    return c ? c->strict : -1;
}

static void free_path_ignores(rv_path_ignore *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i].glob);
    free(list);
}

void recval_config_free(recval_config *c)
{
    if (!c)
        return;
    free(c->path);
    free(c->dir);
    free_path_ignores(c->path_ignores, c->npath_ignores);
    rv_test_set_free(&c->tests);
    free(c);
}

/* --- settings of a validator ------------------------------------------- */

static void copy_config(recval_validator *v, const recval_config *c)
{
    for (size_t r = 0; r < RV_RULE_COUNT; r++)
        v->ignored_rule[r] |= c->ignore_rule[r];
    for (size_t fam = 0; fam < RV_FAMILY_COUNT; fam++)
        v->ignored_family[fam] |= c->ignore_family[fam];
    memcpy(v->severity, c->severity, sizeof v->severity);
    v->config_dir = rv_xstrdup(c->dir);
    v->path_ignores = rv_xcalloc(c->npath_ignores + 1, sizeof *v->path_ignores);
    for (size_t i = 0; i < c->npath_ignores; i++) {
        v->path_ignores[i] = c->path_ignores[i];
        v->path_ignores[i].glob = rv_xstrdup(c->path_ignores[i].glob);
    }
    v->npath_ignores = c->npath_ignores;
}

int rv_settings_new(recval_validator *v, const recval_options *opts)
{
    if (opts->config)
        copy_config(v, opts->config);
    if (opts->ntests && !opts->tests) {
        rv_set_error("recval_options: ntests without tests");
        return -1;
    }
    for (size_t i = 0; i < opts->ntests; i++)
        if (rv_test_set_read(&v->tests, opts->tests[i]) != 0)
            return -1;
    if (!opts->ntests && opts->config && opts->config->has_tests)
        copy_test_set(&v->tests, &opts->config->tests);
    v->has_tests = opts->ntests || (opts->config && opts->config->has_tests);
    rv_test_set_sort(&v->tests);
    return 0;
}

void rv_settings_free(recval_validator *v)
{
    free(v->config_dir);
    free_path_ignores(v->path_ignores, v->npath_ignores);
    rv_test_set_free(&v->tests);
}

/* The rules the per-path ignores switch off for path, in off[]. */
static void path_ignored_rules(const recval_validator *v, const char *path, bool *off)
{
    if (!v->npath_ignores || !path)
        return;
    char *abs = absolute_path(path);
    size_t dl = strlen(v->config_dir);
    const char *rel = NULL;
    if (dl == 1 && abs[0] == '/')
        rel = abs + 1;
    else if (strncmp(abs, v->config_dir, dl) == 0 && abs[dl] == '/')
        rel = abs + dl + 1;
    for (size_t i = 0; rel && i < v->npath_ignores; i++)
        if (fnmatch(v->path_ignores[i].glob, rel, 0) == 0)
            for (size_t r = 0; r < RV_RULE_COUNT; r++)
                off[r] |= v->path_ignores[i].rule[r];
    free(abs);
}

void rv_apply_settings(const recval_validator *v, const char *path, recval_diag *diags, size_t *n)
{
    bool off[RV_RULE_COUNT];
    memcpy(off, v->ignored_rule, sizeof off);
    path_ignored_rules(v, path, off);
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        size_t id = (size_t)(diags[i].rule - rv_rule(0));
        if (id < RV_RULE_COUNT && off[id]) {
            free(diags[i].message);
            free(diags[i].pointer);
            continue;
        }
        if (id < RV_RULE_COUNT && v->severity[id])
            diags[i].severity = (recval_severity)(v->severity[id] - 1);
        diags[kept++] = diags[i];
    }
    *n = kept;
}
