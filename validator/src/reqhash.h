/* reqhash.h - the request hashes the OGX / llama-stack test recorder names
 * its recording files by, computed byte-exact (the recorder hashes
 * json.dumps(..., sort_keys=True) of Python values; pyjson.h reproduces
 * that). scripts/hash_oracle.py is the Python reference.
 *
 * Inference recordings (request has url and body):
 *   current      sha256 of {"method": METHOD.upper(), "endpoint": urlparse(url).path,
 *                "body": normalize(body), "test_id": test_id} - test_id left out for
 *                the paths /api/tags, /v1/models, /v1/openai/v1/models; the file is
 *                <hash>.json, or models-<hash>-<digest>.json when request.endpoint
 *                is one of those paths.
 *   current_raw  the same without normalize(): a file named by it is stale.
 *   legacy       sha256 of {"method", "endpoint": url path, "body": raw body}; the
 *                file is responses/<first 12 hex>.json.
 *   older_*      the current scheme with the normalization of earlier recorders,
 *                which lacked the file_search substitutions (see reqhash_norm_level).
 * Tool invocations (request has tool_name, kwargs):
 *   current      sha256 of {"provider", "tool_name", "kwargs"} (nothing normalized).
 *   tool_test_id sha256 of {"provider", "tool_name", "kwargs", "test_id"}: an earlier
 *                recorder put the test id in the hash; a file named by it is stale.
 * Raw HTTP (request has url, method, payload):
 *   current      sha256 of {"test_id", "url", "method": METHOD.upper(),
 *                "payload": normalize(payload)}; current_raw without normalize().
 * File processor (request has api, file_id): no formula is known (the recorder
 *   that wrote them is not public and the obvious constructions do not match);
 *   the current recorder runs file-processor calls live and reads none. */
#ifndef RECVAL_REQHASH_H
#define RECVAL_REQHASH_H

#include "strbuf.h"

#include <json-c/json.h>
#include <stddef.h>

typedef enum reqhash_kind {
    REQHASH_KIND_UNKNOWN,
    REQHASH_KIND_INFERENCE,
    REQHASH_KIND_TOOL,
    REQHASH_KIND_HTTP,
    REQHASH_KIND_FILE_PROCESSOR, /* recognised, but no hash is known */
} reqhash_kind;

/* How much of the recorder's body normalization to apply; each level
 * is what some recorder generation did (all of them round floats). */
typedef enum reqhash_norm_level {
    REQHASH_NORM_FLOATS,     /* floats to round(x, 5), decimals in strings to %.5f */
    REQHASH_NORM_FS_PARTIAL, /* + "score: X" and ", attributes: {...}" in strings */
    REQHASH_NORM_CURRENT,    /* + "document_id: <uuid>" and "<|uuid|>" */
} reqhash_norm_level;

#define REQHASH_REASON_MAX 320

/* Lower-case hex digests, "" where a scheme does not apply. */
typedef struct reqhash_result {
    reqhash_kind kind;
    char current[65];
    char current_raw[65];
    char legacy[65];
    /* Only set when the body has file_search text that the current
     * normalization rewrites (else they equal current). */
    char older_fs_partial[65]; /* REQHASH_NORM_FS_PARTIAL */
    char older_fs_none[65];    /* REQHASH_NORM_FLOATS */
    char tool_test_id[65];     /* tool invocations: with the test_id, "" otherwise */
    int is_model_list;         /* request.endpoint is a model-list endpoint */
    char models_digest[9];     /* for models-<hash>-<digest>.json, "" if n/a */
    /* Set when the recorder's Python could not have hashed the same
     * values json-c holds (clamped big integers, unpaired surrogates,
     * invalid UTF-8, ...): the hashes above are then not trustworthy. */
    int unreproducible;
    char reason[REQHASH_REASON_MAX]; /* why, after "<where>: " */
    char where[REQHASH_REASON_MAX];  /* JSON pointer of the offending value */
} reqhash_result;

/* Hashes a whole recording: uses recording.request and recording.test_id.
 * text/len, when text is not NULL, is the file the recording was parsed
 * from; it is scanned for values json-c reads differently from Python
 * (rv_pyjson_scan) under /request and /test_id. Returns 0, or -1 with a
 * heap message in *err (when err is not NULL) if the request has no
 * usable shape (e.g. url not a string). */
int rv_reqhash_compute(json_object *recording, const char *text, size_t len, reqhash_result *out,
                       char **err);

/* Which scheme names a file, from its base name and a computed result. */
typedef enum reqhash_match {
    REQHASH_MATCH_NONE,
    REQHASH_MATCH_CURRENT,
    REQHASH_MATCH_CURRENT_RAW,      /* stale: named before normalization */
    REQHASH_MATCH_OLDER_FS_PARTIAL, /* stale: earlier normalization */
    REQHASH_MATCH_OLDER_FS_NONE,    /* stale: earlier normalization */
    REQHASH_MATCH_LEGACY,
    REQHASH_MATCH_TOOL_TEST_ID, /* stale: a tool invocation hashed with its test_id */
    REQHASH_MATCH_COUNT
} reqhash_match;

/* rv_reqhash_compute() made lazy for checking a file name whose hex digits
 * are `hex` (64, or 12 for a legacy name): computes the scheme the name
 * should be first (current, or legacy for 12 digits) and, only when the
 * name is not that hash, every other scheme, the text scan for
 * unreproducible values and the model-list digest. The current hash is
 * always computed. Returns the scheme the name matches, or -1 as
 * rv_reqhash_compute() fails. */
reqhash_match rv_reqhash_compute_for_name(json_object *recording, const char *text, size_t len,
                                          const char *hex, reqhash_result *out, char **err);

/* The same for a request object and the recording's test_id, hashed as
 * stored (a string; NULL or json null for None). No text scan. */
int rv_reqhash_compute_request(json_object *request, json_object *test_id, reqhash_result *out,
                               char **err);

/* The text scan of rv_reqhash_compute(): scans text, the JSON the hashed
 * values were parsed from, for values json-c reads differently from
 * Python (rv_pyjson_scan) and marks out unreproducible at the first one the
 * hash reads: one under /request or /test_id of a whole recording, or any
 * one when whole_recording is 0 (the text is the request itself). Does
 * nothing when out is already unreproducible. */
void rv_reqhash_scan_unreproducible(const char *text, size_t len, int whole_recording,
                                    reqhash_result *out);

/* The digest of models-<hash>-<digest>.json: the first 8 hex of the
 * SHA-256 of the sorted, distinct model identifiers joined with '|' (the
 * "id" of each model, or each "model" of body.models for /api/tags),
 * looking through {"__type__", "__data__"} wrappers. Returns 0, or -1 when
 * the recording is not a model list or an identifier is not a string. */
int rv_reqhash_models_digest(json_object *recording, char out[9]);

/* Which scheme the hex digits of a file name are: 64 digits against the
 * full hashes (the legacy one too: a current-style name can be the whole
 * legacy hash), 12 against the legacy one (for callers that already split
 * the name, like rv_file.name_hash). */
reqhash_match rv_reqhash_match_hash(const reqhash_result *r, const char *hex);

/* Matches "<64 hex>.json", "<12 hex>.json" (legacy) and
 * "models-<64 hex>-<8 hex>.json" against r; for the last, *digest_ok (when
 * not NULL) tells whether the digest part equals r->models_digest. */
reqhash_match rv_reqhash_match_name(const reqhash_result *r, const char *basename, int *digest_ok);

const char *rv_reqhash_match_name_str(reqhash_match m);
const char *rv_reqhash_kind_str(reqhash_kind k);

/* The recorder's normalization of a request body: a new value (the caller
 * puts it) with floats rounded and strings rewritten per level; at the top
 * level "project_id" is removed from the extra_body and extra_query
 * objects, and "stream_options" too when drop_stream_options. *fs_changed
 * (when not NULL) is set when a file_search substitution changed a string;
 * *failed when a string could not be normalized and was left as is (not
 * valid UTF-8, or a PCRE2 error such as a match limit). */
json_object *rv_reqhash_normalize(json_object *body, reqhash_norm_level level,
                                  int drop_stream_options, int *fs_changed, int *failed);

/* What a normalizing dump found. */
typedef struct reqhash_norm_info {
    int changed;    /* the dump differs from the plain json.dumps of body */
    int fs_changed; /* a file_search substitution changed a string */
    int failed;     /* a string could not be normalized (PCRE2 error) */
    int bad;        /* a string is not valid UTF-8 */
    /* When changed: the offset in out of the first value written otherwise
     * than the plain dump writes it (or of the '{' of the first object a
     * member is left out of); the two dumps agree on the bytes before. */
    size_t first_change;
} reqhash_norm_info;

/* Appends json.dumps(normalize(body), sort_keys=True) to out, normalizing
 * while it writes (no normalized copy is built): the bytes
 * rv_reqhash_normalize() then rv_pyjson_dumps() give. Sets the fields of
 * info (the caller zeroes it). */
void rv_reqhash_dump_normalized(json_object *body, reqhash_norm_level level,
                                int drop_stream_options, strbuf *out, reqhash_norm_info *info);

/* The strings a file_search substitution rewrote in a normalizing dump:
 * where each literal starts in the dump, and the string as it was (owned
 * by the dumped value). Only these differ between the dumps of the levels
 * (every level rounds floats and leaves the same members out). */
typedef struct reqhash_fs_strings {
    struct reqhash_fs_string {
        size_t at; /* offset of the literal's opening quote in the dump */
        const char *s;
        size_t n;
    } * items;
    size_t count, cap;
} reqhash_fs_strings;

/* rv_reqhash_dump_normalized() that also appends to *fs (when not NULL)
 * the strings a file_search substitution rewrote; free it with
 * rv_reqhash_fs_strings_free(). */
void rv_reqhash_dump_normalized_fs(json_object *body, reqhash_norm_level level,
                                   int drop_stream_options, strbuf *out, reqhash_norm_info *info,
                                   reqhash_fs_strings *fs);

void rv_reqhash_fs_strings_free(reqhash_fs_strings *fs);

/* The dump at `level` of a body whose dump at a higher level is dump[0..n)
 * and whose rewritten strings are fs: dump with each of those literals
 * replaced by the string normalized at `level`, appended to out. The
 * bytes rv_reqhash_dump_normalized() gives at `level`, without walking
 * the body again. */
void rv_reqhash_redump_level(const char *dump, size_t n, const reqhash_fs_strings *fs,
                             reqhash_norm_level level, strbuf *out);

/* The recorder's normalization of one string, appended to out. Returns 1
 * when the string changed, 0 when not (out untouched), -1 when s is not
 * valid UTF-8 or PCRE2 fails (out untouched). */
int rv_reqhash_normalize_string(const char *s, size_t n, reqhash_norm_level level, strbuf *out,
                                int *fs_changed);

/* Python's urlparse(url): the netloc and the path (without ;params, query
 * and fragment) appended to the buffers. Returns -1 where Python raises
 * ValueError (unbalanced brackets in the netloc). */
int rv_reqhash_urlparse(const char *url, size_t n, strbuf *netloc, strbuf *path);

#endif
