/* rules_envelope_items.c - the envelope checks of the response body's
 * items: a typed envelope holds exactly __type__ and __data__, its __data__
 * is an object, its __type__ is a dotted Python qualified name of a type
 * recval knows, and the items of a list body share one __type__.
 *
 * The body is walked once. Streams repeat one __type__ on every chunk, so
 * each distinct item kind is recorded once (no allocation per item) and
 * checked once at the end; a defect that repeats on many items is reported
 * once, at its first item, with the number of items that have it. */
#include "jsonschema.h" /* js_match_context */
#include "rules_envelope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One distinct kind of item: a __type__ string, or the JSON type of items
 * that are not envelopes. */
typedef struct item_kind {
    const char *name; /* borrowed from the tree, or a static description */
    bool typed;
    size_t first; /* first item of this kind */
    size_t count;
} item_kind;

/* A defect that may repeat on many items. */
typedef struct repeated {
    size_t first;
    size_t count;
    const char *detail; /* borrowed: a member name or a JSON type */
} repeated;

typedef struct item_scan {
    rv_file *f;
    bool list;
    item_kind *kinds;
    size_t nkinds, cap;
    size_t last; /* kind of the previous item */
    bool any_typed;
    repeated no_type, no_data, extra, data_type, type_type;
} item_scan;

static const char *item_ptr(strbuf *sb, const item_scan *s, size_t i, const char *member)
{
    rv_sb_truncate(sb, 0);
    if (s->list)
        rv_sb_printf(sb, "/response/body/%zu", i);
    else
        rv_sb_puts(sb, "/response/body");
    if (member) {
        rv_sb_putc(sb, '/');
        rv_sb_put_pointer_token(sb, member, strlen(member));
    }
    return sb->data;
}

static void note(repeated *r, size_t i, const char *detail)
{
    if (r->count++ == 0) {
        r->first = i;
        r->detail = detail;
    }
}

static bool same_kind(const item_kind *k, const char *name, bool typed)
{
    return k->typed == typed && strcmp(k->name, name) == 0;
}

static void add_kind(item_scan *s, const char *name, bool typed, size_t i)
{
    if (s->nkinds && same_kind(&s->kinds[s->last], name, typed)) {
        s->kinds[s->last].count++;
        return;
    }
    for (size_t k = 0; k < s->nkinds; k++)
        if (same_kind(&s->kinds[k], name, typed)) {
            s->kinds[k].count++;
            s->last = k;
            return;
        }
    if (s->nkinds == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 4;
        s->kinds = rv_xrealloc(s->kinds, s->cap * sizeof *s->kinds);
    }
    s->kinds[s->nkinds] = (item_kind){name, typed, i, 1};
    s->last = s->nkinds++;
}

static const char *first_extra_member(json_object *item)
{
    json_object_object_foreach(item, key, val)
    {
        (void)val;
        if (strcmp(key, "__type__") != 0 && strcmp(key, "__data__") != 0)
            return key;
    }
    return NULL;
}

static void scan_item(item_scan *s, json_object *item, size_t i)
{
    if (!json_object_is_type(item, json_type_object)) {
        add_kind(s, rv_json_kind(item), false, i);
        return;
    }
    json_object *type = NULL, *data = NULL;
    bool has_type = rv_member(item, "__type__", &type);
    bool has_data = rv_member(item, "__data__", &data);
    if (!has_type && !has_data) {
        add_kind(s, "a plain object", false, i);
        return;
    }
    if (!has_type)
        note(&s->no_type, i, NULL);
    if (!has_data)
        note(&s->no_data, i, NULL);
    if ((size_t)json_object_object_length(item) > (size_t)has_type + (size_t)has_data)
        note(&s->extra, i, first_extra_member(item));
    if (has_data && !json_object_is_type(data, json_type_object))
        note(&s->data_type, i, rv_json_kind(data));
    if (!has_type)
        return;
    if (!json_object_is_type(type, json_type_string)) {
        note(&s->type_type, i, rv_json_kind(type));
        return;
    }
    s->any_typed = true;
    add_kind(s, json_object_get_string(type), true, i);
}

/* " (first of N items)" when a defect repeats. */
static const char *how_many(char buf[64], size_t count)
{
    buf[0] = '\0';
    if (count > 1)
        snprintf(buf, 64, " (first of %zu items)", count);
    return buf;
}

static void report_repeated(item_scan *s, strbuf *ptr)
{
    char n[64];
    rv_file *f = s->f;
    if (s->no_type.count)
        rv_emit(f, RV_ENVELOPE_MALFORMED_ITEM, item_ptr(ptr, s, s->no_type.first, NULL),
                "typed item has __data__ but no __type__: replay cannot rebuild it and hands the "
                "client a raw dict%s",
                how_many(n, s->no_type.count));
    if (s->no_data.count)
        rv_emit(f, RV_ENVELOPE_MALFORMED_ITEM, item_ptr(ptr, s, s->no_data.first, NULL),
                "typed item has __type__ but no __data__: replay cannot rebuild it and hands the "
                "client a raw dict%s",
                how_many(n, s->no_data.count));
    if (s->extra.count)
        rv_emit(f, RV_ENVELOPE_MALFORMED_ITEM, item_ptr(ptr, s, s->extra.first, s->extra.detail),
                "typed item has a member \"%s\" besides __type__ and __data__%s", s->extra.detail,
                how_many(n, s->extra.count));
    if (s->data_type.count)
        rv_emit(f, RV_ENVELOPE_DATA_NOT_OBJECT, item_ptr(ptr, s, s->data_type.first, "__data__"),
                "__data__ is %s; replay rebuilds the object from its fields, so it must be an "
                "object%s",
                s->data_type.detail, how_many(n, s->data_type.count));
    if (s->type_type.count)
        rv_emit(f, RV_ENVELOPE_BAD_TYPE_NAME, item_ptr(ptr, s, s->type_type.first, "__type__"),
                "__type__ is %s, not a dotted Python qualified name%s", s->type_type.detail,
                how_many(n, s->type_type.count));
}

/* 1 when name is a dotted qualified name, 0 when not, or the PCRE2 error
 * (< 0) that kept the pattern from being evaluated under its limits. */
static int is_qualified_name(rv_file *f, const char *name)
{
    const pcre2_code *re = f->validator->type_name_re;
    int rc = pcre2_match(re, (PCRE2_SPTR)name, PCRE2_ZERO_TERMINATED, 0, 0, rv_match_data(f),
                         js_match_context());
    return rc >= 0 ? 1 : rc == PCRE2_ERROR_NOMATCH ? 0 : rc;
}

/* bad-type-name or unknown-type, once per distinct __type__. */
static void report_type_names(item_scan *s, strbuf *ptr)
{
    char n[64];
    for (size_t k = 0; k < s->nkinds; k++) {
        const item_kind *t = &s->kinds[k];
        if (!t->typed)
            continue;
        item_ptr(ptr, s, t->first, "__type__");
        int qualified = is_qualified_name(s->f, t->name);
        if (qualified < 0) {
            PCRE2_UCHAR why[256];
            if (pcre2_get_error_message(qualified, why, sizeof why) < 0)
                why[0] = '\0';
            rv_emit(s->f, RV_SCHEMA_PATTERN_ERROR, ptr->data,
                    "the type-name pattern could not be evaluated on this %zu-byte __type__: %s "
                    "(PCRE2 error %d)",
                    strlen(t->name), (const char *)why, qualified);
        } else if (!qualified)
            rv_emit(s->f, RV_ENVELOPE_BAD_TYPE_NAME, ptr->data,
                    "__type__ \"%s\" is not a dotted Python qualified name (module.Class): replay "
                    "cannot import it%s",
                    t->name, how_many(n, t->count));
        else if (!rv_type_is_known(t->name))
            rv_emit(s->f, RV_ENVELOPE_UNKNOWN_TYPE, ptr->data,
                    "__type__ \"%s\" is not a type recval has checks for; its data is not "
                    "checked%s",
                    t->name, how_many(n, t->count));
    }
}

static void describe_kind(strbuf *sb, const item_kind *k)
{
    rv_sb_truncate(sb, 0);
    if (k->typed)
        rv_sb_printf(sb, "has __type__ \"%s\"", k->name);
    else
        rv_sb_printf(sb, "is %s", k->name);
}

/* mixed-types: every kind after the first, at its first item. */
static void report_mixed(item_scan *s, strbuf *ptr)
{
    if (!s->list || !s->any_typed || s->nkinds < 2)
        return;
    strbuf first = STRBUF_INIT, other = STRBUF_INIT;
    char n[64];
    describe_kind(&first, &s->kinds[0]);
    for (size_t k = 1; k < s->nkinds; k++) {
        const item_kind *t = &s->kinds[k];
        describe_kind(&other, t);
        rv_emit(s->f, RV_ENVELOPE_MIXED_TYPES,
                item_ptr(ptr, s, t->first, t->typed ? "__type__" : NULL),
                "item %zu %s but item %zu %s: the items of one body share one __type__%s", t->first,
                other.data, s->kinds[0].first, first.data, how_many(n, t->count));
    }
    rv_sb_free(&first);
    rv_sb_free(&other);
}

void rv_envelope_check_items(rv_file *f)
{
    item_scan s = {.f = f, .list = json_object_is_type(f->body, json_type_array)};
    if (s.list) {
        size_t n = json_object_array_length(f->body);
        for (size_t i = 0; i < n; i++)
            scan_item(&s, json_object_array_get_idx(f->body, i), i);
    } else if (json_object_is_type(f->body, json_type_object)) {
        scan_item(&s, f->body, 0);
    }
    strbuf ptr = STRBUF_INIT;
    report_repeated(&s, &ptr);
    report_type_names(&s, &ptr);
    report_mixed(&s, &ptr);
    rv_sb_free(&ptr);
    free(s.kinds);
}
