/* jsonschema_load.c - reading schema documents: strict JSON parsing
 * (json-c's strict mode plus rv_jscan_check for what it lets through: RFC 8259
 * details, invalid UTF-8, repeated keys) of files and of in-memory text. */
#include "jsonschema_impl.h"
#include "jsonscan.h"
#include "readfile.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Schema files are read as recordings are (never blocking on a FIFO). */
#define SCHEMA_FILE_MAX ((size_t)64 << 20)

static char *read_file(const char *path, size_t *len, char **err)
{
    rv_read_info info;
    char *text = rv_read_whole_file(path, SCHEMA_FILE_MAX, &info);
    if (text)
        *len = info.size;
    else if (info.status == RV_READ_TOO_LARGE)
        *err = rv_sb_format("%s: over the %zu-byte limit of a schema file", path, SCHEMA_FILE_MAX);
    else if (info.status == RV_READ_NOT_REGULAR)
        *err = rv_sb_format("%s: not a regular file", path);
    else
        *err = rv_sb_format("%s: %s", path, strerror(info.err));
    return text;
}

/* Remembers the first repeated key of a schema text. */
static void note_duplicate(void *ud, const char *pointer, size_t offset, const char *key)
{
    char **first = ud;
    (void)key;
    if (!*first) {
        strbuf sb = STRBUF_INIT;
        rv_sb_printf(&sb, "duplicate key at %s (byte %zu)", pointer, offset);
        *first = rv_sb_detach(&sb);
    }
}

/* Checks what json-c's strict mode lets through (RFC 8259 details, and
 * repeated keys, of which json-c would silently keep the last). */
static int check_json_text(const char *text, size_t len, const char *name, char **err)
{
    char *duplicate = NULL;
    size_t offset = 0;
    const char *bad = NULL;
    jscan_status st = rv_jscan_check(text, len, note_duplicate, &duplicate, &offset, &bad);
    if (st != JSCAN_OK)
        *err = rv_sb_format("%s: invalid JSON at byte %zu: %s", name, offset, bad);
    else if (duplicate)
        *err = rv_sb_format("%s: %s", name, duplicate);
    free(duplicate);
    return st != JSCAN_OK || duplicate ? -1 : 0;
}

json_object *js_parse_json_text(const char *text, size_t len, const char *name, char **err)
{
    json_tokener *tok = json_tokener_new_ex(JS_MAX_JSON_DEPTH);
    if (!tok)
        rv_out_of_memory(sizeof *tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *doc = len <= INT_MAX ? json_tokener_parse_ex(tok, text, (int)len) : NULL;
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (!doc && jerr == json_tokener_continue && len > 0 && end == len) {
        /* A bare number or literal at the very end needs a terminator. */
        doc = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        end = len;
    }
    while (doc && end < len && strchr(" \t\r\n", text[end]))
        end++;
    if (!doc || jerr != json_tokener_success || end != len) {
        const char *why = !doc && jerr == json_tokener_continue ? "unexpected end of input"
                          : doc ? "trailing data after the JSON value"
                                : json_tokener_error_desc(jerr);
        *err = rv_sb_format("%s: invalid JSON at byte %zu: %s", name, end, why);
        json_object_put(doc);
        doc = NULL;
    } else if (check_json_text(text, len, name, err) < 0) {
        json_object_put(doc);
        doc = NULL;
    }
    json_tokener_free(tok);
    return doc;
}

json_object *js_load_json_file(const char *path, char **err)
{
    size_t len;
    char *text = read_file(path, &len, err);
    if (!text)
        return NULL;
    json_object *doc = js_parse_json_text(text, len, path, err);
    free(text);
    return doc;
}
