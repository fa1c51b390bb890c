/* schema_api.c - the public recval_schema_* API behind `recval schema`:
 * load and compile any JSON Schema (draft 2020-12) from a file, with local
 * directories served under base URIs for $ref, and validate JSON files
 * against it. Instance files are read and parsed like recordings
 * (rv_file_load), so a file that is not JSON gets the same parse/
 * diagnostics with positions; schema failures become schema/instance
 * errors located by their instance pointer. */
#include "recval_internal.h"
#include "jsonschema.h"
#include "schema_bundle.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Errors reported per instance before a summary. */
#define INSTANCE_DIAGS_MAX 100

struct recval_schema {
    js_registry *registry;
    const js_schema *root;
    char *uri;
};

const recval_rule *recval_schema_rule(void)
{
    return rv_rule(RV_SCHEMA_INSTANCE);
}

/* --- loading ------------------------------------------------------- */

/* Appends s percent-encoded as a URI path (RFC 3986 unreserved, '/' kept). */
static void put_uri_path(strbuf *sb, const char *s)
{
    static const char keep[] = "-._~/";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p))
            rv_sb_putc(sb, (char)*p);
        else
            rv_sb_printf(sb, "%%%02X", *p);
    }
}

/* "file:///abs/dir/name.json" for path, and its directory's URI (with the
 * trailing slash) in *dir_uri and the directory in *dir. NULL when the
 * file does not exist. */
static char *file_uri(const char *path, char **dir_uri, char **dir)
{
    char *real = realpath(path, NULL);
    if (!real)
        return NULL;
    char *slash = strrchr(real, '/');
    *dir = rv_xstrndup(real, (size_t)(slash - real) + 1);
    strbuf uri = STRBUF_INIT, base = STRBUF_INIT;
    rv_sb_puts(&base, "file://");
    put_uri_path(&base, *dir);
    rv_sb_puts(&uri, "file://");
    put_uri_path(&uri, real);
    free(real);
    *dir_uri = rv_sb_detach(&base);
    return rv_sb_detach(&uri);
}

/* Sources of $refs: the caller's bases first (they win), then the schema's
 * own directory, recval's schemas and the metaschemas. */
static int add_sources(js_registry *reg, const recval_schema_base *bases, size_t nbases,
                       const char *dir_uri, const char *dir, char **err)
{
    for (size_t i = 0; i < nbases; i++)
        if (!bases[i].uri || !bases[i].dir ||
            js_registry_add_dir(reg, bases[i].uri, bases[i].dir, err) != 0) {
            if (!*err)
                *err = rv_xstrdup("a base needs a URI and a directory");
            return -1;
        }
    if (js_registry_add_dir(reg, dir_uri, dir, err) != 0 ||
        rv_schema_registry_add_own(reg, err) != 0)
        return -1;
    return 0;
}

recval_schema *recval_schema_load(const char *path, const recval_schema_base *bases, size_t nbases)
{
    if (!path || (nbases && !bases)) {
        rv_set_error("recval_schema_load: NULL argument");
        return NULL;
    }
    char *dir_uri = NULL, *dir = NULL, *err = NULL;
    char *uri = file_uri(path, &dir_uri, &dir);
    if (!uri) {
        rv_set_error("%s: cannot read the schema: %s", path, strerror(errno));
        return NULL;
    }
    recval_schema *s = rv_xcalloc(1, sizeof *s);
    s->registry = rv_schema_registry_new(0);
    s->uri = uri;
    if (add_sources(s->registry, bases, nbases, dir_uri, dir, &err) != 0 ||
        js_registry_add_file(s->registry, uri, path, &err) != 0 ||
        !(s->root = js_compile(s->registry, uri, &err))) {
        rv_set_error("%s", err ? err : "cannot compile the schema");
        recval_schema_free(s);
        s = NULL;
    }
    free(err);
    free(dir_uri);
    free(dir);
    return s;
}

recval_schema *recval_schema_load_builtin(const char *name)
{
    if (!name) {
        rv_set_error("recval_schema_load_builtin: NULL argument");
        return NULL;
    }
    char *err = NULL;
    recval_schema *s = rv_xcalloc(1, sizeof *s);
    s->registry = rv_schema_registry_new(0);
    strbuf uri = STRBUF_INIT;
    rv_sb_puts(&uri, RV_SCHEMA_BASE_URI);
    put_uri_path(&uri, name);
    s->uri = rv_sb_detach(&uri);
    if (rv_schema_registry_add_own(s->registry, &err) != 0 ||
        !(s->root = js_compile(s->registry, s->uri, &err))) {
        rv_set_error("%s", err ? err : "cannot compile the schema");
        recval_schema_free(s);
        s = NULL;
    }
    free(err);
    return s;
}

const char *recval_schema_uri(const recval_schema *s)
{
    return s ? s->uri : NULL;
}

void recval_schema_free(recval_schema *s)
{
    if (!s)
        return;
    js_registry_free(s->registry);
    free(s->uri);
    free(s);
}

/* --- checking instances -------------------------------------------- */

static void add_diag(rv_file *f, const js_error *e, const char *message)
{
    rv_emit(f, e && e->pattern_error ? RV_SCHEMA_PATTERN_ERROR : RV_SCHEMA_INSTANCE,
            e ? e->instance_location : "", "%s", message);
}

/* Validates the parsed instance, one diagnostic per failure. */
static void validate_instance(rv_file *f, const recval_schema *s)
{
    if (js_is_valid(s->root, f->root))
        return;
    js_error_list list = JS_ERROR_LIST_INIT;
    js_validate_collect(s->root, f->root, INSTANCE_DIAGS_MAX + 1, &list);
    strbuf msg = STRBUF_INIT;
    for (size_t i = 0; i < list.count && i < INSTANCE_DIAGS_MAX; i++) {
        rv_sb_truncate(&msg, 0);
        rv_sb_printf(&msg, "%s (schema: %s)", list.items[i].message,
                     list.items[i].absolute_keyword_location);
        add_diag(f, &list.items[i], msg.data);
    }
    if (list.count > INSTANCE_DIAGS_MAX) {
        rv_sb_truncate(&msg, 0);
        rv_sb_printf(&msg, "further errors are not listed (at most %d are reported per file)",
                     INSTANCE_DIAGS_MAX);
        add_diag(f, NULL, msg.data);
    }
    rv_sb_free(&msg);
    js_error_list_free(&list);
}

static int check_loaded(const recval_schema *s, int loaded, rv_file *f, recval_result *out)
{
    if (loaded == 0)
        validate_instance(f, s);
    rv_file_finish(f, out);
    rv_free_const(f->text);
    return RECVAL_OK;
}

recval_status recval_schema_check_file(const recval_validator *v, const recval_schema *s,
                                       const char *path, recval_result *out)
{
    if (!v || !s || !path || !out) {
        rv_set_error("recval_schema_check_file: NULL argument");
        return RECVAL_EINVAL;
    }
    rv_file f;
    int loaded = rv_file_load(v, path, &f);
    return check_loaded(s, loaded, &f, out);
}

recval_status recval_schema_check_fd(const recval_validator *v, const recval_schema *s, int fd,
                                     const char *path, recval_result *out)
{
    if (!v || !s || fd < 0 || !path || !out) {
        rv_set_error("recval_schema_check_fd: bad argument");
        return RECVAL_EINVAL;
    }
    rv_read_info info = {0};
    char *text = rv_read_fd(fd, rv_read_limit(v), 0, &info);
    rv_file f;
    if (!text) {
        memset(&f, 0, sizeof f);
        f.validator = v;
        f.path = path;
        f.base = rv_base_name(path);
        f.text = rv_xstrdup("");
        rv_emit_read_error(&f, &info);
        return check_loaded(s, -1, &f, out);
    }
    return check_loaded(s, rv_file_load_text(v, path, text, info.size, &f), &f, out);
}

recval_status recval_schema_check_buffer(const recval_validator *v, const recval_schema *s,
                                         const char *path, const char *text, size_t len,
                                         recval_result *out)
{
    if (!v || !s || !path || !text || !out) {
        rv_set_error("recval_schema_check_buffer: NULL argument");
        return RECVAL_EINVAL;
    }
    char *copy = rv_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    rv_file f;
    int loaded = rv_file_load_text(v, path, copy, len, &f);
    return check_loaded(s, loaded, &f, out);
}
