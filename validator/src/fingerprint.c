/* fingerprint.c - stable fingerprints of findings for baselines and SARIF:
 * one of the offending value (it survives line shifts and edits elsewhere
 * in the file) and one of the finding (rule, pointer, request hash: it
 * survives the renames `recval fix` makes). */
#include "recval_internal.h"
#include "strbuf.h"

#include <json-c/json_pointer.h>
#include <string.h>

/* The compact JSON of the value at d's pointer, or (document-level
 * findings, unreadable files, pointers that do not resolve) the rule and
 * message. Freed by the caller. */
static char *offending_text(json_object *root, const recval_diag *d)
{
    json_object *value = NULL;
    strbuf sb = STRBUF_INIT;
    if (root && d->pointer[0] && json_pointer_get(root, d->pointer, &value) == 0) {
        rv_sb_puts(&sb, "value:");
        rv_sb_puts(&sb, json_object_to_json_string_ext(value, JSON_C_TO_STRING_PLAIN |
                                                                  JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        rv_sb_printf(&sb, "finding:%s\n%s", d->rule->name, d->message);
    }
    return rv_sb_detach(&sb);
}

static void fingerprint_diag(json_object *root, const recval_result *r, const recval_diag *d,
                             recval_fingerprint *out)
{
    char *text = offending_text(root, d);
    rv_sha256_hex(text, strlen(text), out->value, sizeof out->value);
    free(text);
    strbuf sb = STRBUF_INIT;
    rv_sb_printf(&sb, "%s\n%s\n", d->rule->name, d->pointer);
    if (r->request_hash[0])
        rv_sb_printf(&sb, "request:%s", r->request_hash);
    else
        rv_sb_printf(&sb, "value:%s", out->value);
    rv_sha256_hex(sb.data, sb.len, out->finding, sizeof out->finding);
    rv_sb_free(&sb);
}

recval_status recval_fingerprints(const recval_validator *v, const recval_result *r,
                                  recval_fingerprint *out)
{
    if (!v || !r || (r->ndiags && (!out || !r->path))) {
        rv_set_error("recval_fingerprints: NULL argument");
        return RECVAL_EINVAL;
    }
    if (r->ndiags == 0)
        return RECVAL_OK;
    rv_file f;
    bool loaded = rv_file_load(v, r->path, &f) == 0;
    for (size_t i = 0; i < r->ndiags; i++)
        fingerprint_diag(loaded ? f.root : NULL, r, &r->diags[i], &out[i]);
    rv_file_release(&f);
    return RECVAL_OK;
}
