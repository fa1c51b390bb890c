/* test_rules_request_hash.c - the request-hash rule family: its fixtures,
 * checked case by case as one run each (rvt_check_family_fixture_runs:
 * request-hash/duplicate is a run-level rule), exact
 * diagnostics for inline recordings, the run-level API, the lazy and
 * streaming hashing against the full one, the string prefilter against
 * the Python oracle, and, when ../shared is there, the corpus: the files
 * flagged request-hash/name-mismatch must be exactly those whose name the
 * oracle (scripts/hash_oracle.py) matches to no scheme. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"
#include "pyjson.h"
#include "recval_internal.h"
#include "reqhash.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FAMILY "request-hash/"

/* --- helpers --------------------------------------------------------- */

/* Parses like the loader (strict, UTF-8 checked). */
static json_object *parse(const char *text, size_t len)
{
    return rvt_parse_json(text, len, 10000);
}

/* Checks text named path, printing its diagnostics. */
static recval_result check_text(const char *path, const char *text)
{
    recval_result r = rvt_check_text(path, text);
    rvt_print_diags(&r);
    return r;
}

/* The current hash of a recording's text, as the name it should have. */
static void current_hash(const char *text, char hex[65])
{
    json_object *rec = parse(text, strlen(text));
    assert_non_null(rec);
    reqhash_result r;
    assert_int_equal(rv_reqhash_compute(rec, text, strlen(text), &r, NULL), 0);
    memcpy(hex, r.current, 65);
    json_object_put(rec);
}

/* --- fixtures, one run per case ------------------------------------- */

typedef struct case_run {
    recval_result results[16];
    size_t n;
} case_run;

static void add_result(const char *path, void *ud)
{
    case_run *c = ud;
    assert_true(c->n < sizeof c->results / sizeof c->results[0]);
    c->results[c->n++] = rvt_check(path);
}

/* Each case directory is one run, as `recval validate <case>` checks it. */
static void fixtures_match_expectations(void **state)
{
    (void)state;
    rvt_check_family_fixture_runs("request-hash");
}

/* --- inline recordings ----------------------------------------------- */

#define TOOL_REC(query)                                                                            \
    "{\"test_id\": \"t.py::t\", \"request\": {\"test_id\": \"t.py::t\", \"provider\": "            \
    "\"tavily\", "                                                                                 \
    "\"tool_name\": \"web_search\", \"kwargs\": {\"query\": \"" query "\"}}, \"response\": "       \
    "{\"body\": {\"__type__\": \"ogx_api.tools.ToolInvocationResult\", \"__data__\": "             \
    "{\"content\": \"[]\", \"error_message\": null, \"error_code\": null, \"metadata\": null}}, "  \
    "\"is_streaming\": false}, \"id_normalization_mapping\": {}}"

#define CHAT_CHUNK(id, content, finish)                                                            \
    "{\"__type__\": \"openai.types.chat.chat_completion_chunk.ChatCompletionChunk\", "             \
    "\"__data__\": "                                                                               \
    "{\"id\": \"" id "\", \"choices\": [{\"delta\": {\"content\": " content ", \"role\": "         \
    "\"assistant\"}, \"finish_reason\": " finish ", \"index\": 0, \"logprobs\": null}], "          \
    "\"created\": 0, \"model\": \"m\", \"object\": \"chat.completion.chunk\"}}"

#define CHAT_REC(body, chunks)                                                                     \
    "{\"test_id\": \"t.py::t\", \"request\": {\"method\": \"POST\", \"url\": "                     \
    "\"http://h/v1/chat/completions\", \"headers\": {}, \"body\": " body ", \"endpoint\": "        \
    "\"/v1/chat/completions\", \"model\": \"m\"}, \"response\": {\"body\": [" chunks "], "         \
    "\"is_streaming\": true}, \"id_normalization_mapping\": {}}"

static const char *const ZEROS = "0000000000000000000000000000000000000000000000000000000000000000";

static void no_diagnostics_without_a_hash_name(void **state)
{
    (void)state;
    recval_result r = check_text("dir/recording.json", TOOL_REC("q"));
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    assert_string_equal(r.request_hash, "");
    recval_result_free(&r);
}

static void no_diagnostics_without_a_formula(void **state)
{
    (void)state;
    /* File processors: no formula is known, and the current recorder
     * reads none of them: one unread-kind warning at the root, no hash. */
    const char *fp = "{\"test_id\": \"t.py::t\", \"request\": {\"test_id\": \"t.py::t\", "
                     "\"provider\": \"pypdf\", \"api\": \"file_processors\", \"file_id\": "
                     "\"file-1\"}, \"response\": {\"body\": null, \"is_streaming\": false}}";
    char path[128];
    snprintf(path, sizeof path, "r/%s.json", ZEROS);
    recval_result r = check_text(path, fp);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    rvt_assert_diag(&r, "request-hash/unread-kind", RECVAL_WARNING, "", 1, 1,
                    "a file-processor recording: the current OGX recorder runs file-processor "
                    "calls live and neither records nor replays them, so no test reads this "
                    "file; delete it");
    assert_string_equal(r.request_hash, "");
    recval_result_free(&r);
    /* A test_id of another type than string is the envelope's finding. */
    const char *num =
        "{\"test_id\": 7, \"request\": {\"method\": \"POST\", \"url\": \"http://h/v1/x\", "
        "\"headers\": {}, \"body\": {}}, \"response\": {\"body\": null}}";
    r = check_text(path, num);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
}

static void a_current_name_is_silent_and_kept(void **state)
{
    (void)state;
    char hex[65], path[128];
    current_hash(TOOL_REC("q"), hex);
    snprintf(path, sizeof path, "t/%s.json", hex);
    recval_result r = check_text(path, TOOL_REC("q"));
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    assert_string_equal(r.request_hash, hex);
    recval_result_free(&r);
}

static void name_mismatch_says_what_each_scheme_gives(void **state)
{
    (void)state;
    char hex[65], path[128], want[512];
    current_hash(TOOL_REC("edited"), hex);
    snprintf(path, sizeof path, "t/%s.json", ZEROS);
    recval_result r = check_text(path, TOOL_REC("edited"));
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    const recval_diag *d = rvt_diag_at(&r, FAMILY "name-mismatch", "");
    assert_non_null(d);
    assert_int_equal(d->severity, RECVAL_ERROR);
    assert_int_equal(d->line, 1);
    assert_int_equal(d->column, 1);
    snprintf(want, sizeof want,
             "the file name (%s) matches no request-hash scheme, so no replay can reach this "
             "file; the request hashes to current %s: the recorder names it %s.json",
             ZEROS, hex, hex);
    assert_string_equal(d->message, want);
    assert_true(r.errors >= 1);
    assert_string_equal(r.request_hash, hex); /* still a request, for duplicates */
    recval_result_free(&r);
}

static void unreproducible_replaces_name_mismatch(void **state)
{
    (void)state;
    const char *text =
        CHAT_REC("{\"model\": \"m\",\n \"seed\": 123456789012345678901234567890, \"stream\": true}",
                 CHAT_CHUNK("c1", "\"Hi\"", "null") ", " CHAT_CHUNK("c1", "null", "\"stop\""));
    char path[128];
    snprintf(path, sizeof path, "t/%s.json", ZEROS);
    recval_result r = check_text(path, text);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    const recval_diag *d = rvt_diag_at(&r, FAMILY "unreproducible", "/request/body/seed");
    assert_non_null(d);
    assert_int_equal(d->severity, RECVAL_WARNING);
    assert_int_equal(d->line, 2);
    assert_int_equal(d->column, 10);
    assert_non_null(strstr(d->message, "integer outside json-c's int64/uint64 range"));
    assert_string_equal(r.request_hash, ""); /* not trusted */
    recval_result_free(&r);
}

/* Ids that agree with a wrong name are checked against the hash; ids the
 * ids family already reported against the name are not reported again. */
static void normalized_ids_are_checked_once(void **state)
{
    (void)state;
    char path[128], hex[65];
    const char *text =
        CHAT_REC("{\"model\": \"m\", \"stream\": true}",
                 CHAT_CHUNK("rec-000000000000", "\"Hi\"", "null") ", " CHAT_CHUNK(
                     "rec-ffffffffffff", "\"!\"", "null") ", " CHAT_CHUNK("rec-000000000000",
                                                                          "null", "\"stop\""));
    current_hash(text, hex);
    snprintf(path, sizeof path, "t/%s.json", ZEROS);
    recval_result r = check_text(path, text);
    assert_int_equal(rvt_count(&r, FAMILY "name-mismatch"), 1);
    assert_int_equal(rvt_count(&r, "ids/normalized-id-mismatch"), 2);
    const recval_diag *by_name =
        rvt_diag_at(&r, "ids/normalized-id-mismatch", "/response/body/1/__data__/id");
    const recval_diag *by_hash =
        rvt_diag_at(&r, "ids/normalized-id-mismatch", "/response/body/0/__data__/id");
    assert_non_null(by_name);
    assert_non_null(by_hash);
    assert_non_null(strstr(by_name->message, "the file name"));
    char want[128];
    snprintf(want, sizeof want, "does not match the request hash, which calls for \"rec-%.12s\"",
             hex);
    assert_non_null(strstr(by_hash->message, want));
    recval_result_free(&r);
}

static void models_digest_is_checked_when_computable(void **state)
{
    (void)state;
    const char *list =
        "{\"test_id\": null, \"request\": {\"method\": \"POST\", \"url\": \"http://h/v1/models\", "
        "\"headers\": {}, \"body\": {}, \"endpoint\": \"/v1/models\", \"model\": \"\"}, "
        "\"response\": {\"body\": [{\"__type__\": \"openai.types.model.Model\", \"__data__\": "
        "{\"id\": \"b\", \"created\": 1, \"object\": \"model\", \"owned_by\": \"me\"}}, "
        "{\"__type__\": \"openai.types.model.Model\", \"__data__\": {\"id\": \"a\", \"created\": "
        "1, \"object\": \"model\", \"owned_by\": \"me\"}}], \"is_streaming\": false}, "
        "\"id_normalization_mapping\": {}}";
    char hex[65], path[256], digest[9];
    current_hash(list, hex);
    json_object *rec = parse(list, strlen(list));
    assert_int_equal(rv_reqhash_models_digest(rec, digest), 0);
    json_object_put(rec);
    snprintf(path, sizeof path, "c/models-%s-%s.json", hex, digest);
    recval_result r = check_text(path, list);
    assert_int_equal(rvt_count(&r, FAMILY), 0);
    recval_result_free(&r);
    snprintf(path, sizeof path, "c/models-%s-0badd16e.json", hex);
    r = check_text(path, list);
    assert_int_equal(rvt_count(&r, FAMILY), 1);
    assert_non_null(rvt_diag_at(&r, FAMILY "models-digest", "/response/body"));
    recval_result_free(&r);
}

/* --- the run-level check --------------------------------------------- */

static bool diags_sorted(const recval_result *r)
{
    for (size_t i = 1; i < r->ndiags; i++) {
        const recval_diag *x = &r->diags[i - 1], *y = &r->diags[i];
        if (x->line > y->line || (x->line == y->line && x->column > y->column))
            return false;
    }
    return true;
}

static void duplicates_name_each_other(void **state)
{
    (void)state;
    char hex[65], p[4][256];
    current_hash(TOOL_REC("q"), hex);
    snprintf(p[0], sizeof p[0], "a/%s.json", hex);
    snprintf(p[1], sizeof p[1], "a/%s.json", ZEROS); /* a copy under a wrong name */
    snprintf(p[2], sizeof p[2], "b/%s.json", hex);   /* another directory */
    recval_result r[4];
    for (int i = 0; i < 3; i++)
        r[i] = check_text(p[i], TOOL_REC("q"));
    r[3] = check_text("a/unrelated.json", TOOL_REC("q"));
    size_t warnings1 = r[1].warnings;
    size_t added = 0;
    assert_int_equal(recval_check_duplicates(r, 4, &added), RECVAL_OK);
    assert_int_equal(added, 2);
    assert_int_equal(rvt_count(&r[0], FAMILY "duplicate"), 1);
    assert_int_equal(rvt_count(&r[1], FAMILY "duplicate"), 1);
    assert_int_equal(rvt_count(&r[2], FAMILY), 0);
    assert_int_equal(r[1].warnings, warnings1 + 1);
    assert_true(diags_sorted(&r[1]));
    const recval_diag *d = rvt_diag_at(&r[0], FAMILY "duplicate", "");
    assert_int_equal(d->severity, RECVAL_WARNING);
    char want[512];
    snprintf(want, sizeof want,
             "answers the same request as %s.json in this directory (request hash %s): replay "
             "reads only %s.json, this file; the others are never used",
             ZEROS, hex, hex);
    assert_string_equal(d->message, want);
    d = rvt_diag_at(&r[1], FAMILY "duplicate", "");
    assert_non_null(strstr(d->message, "; this file is never used"));
    for (int i = 0; i < 4; i++)
        recval_result_free(&r[i]);
}

static void model_lists_are_merged_not_duplicates(void **state)
{
    (void)state;
    case_run c = {.n = 0};
    rvt_each_json(rvt_path("recordings/valid/request-hash-models-merged"), add_result, &c);
    assert_int_equal(c.n, 2);
    assert_string_equal(c.results[0].request_hash, c.results[1].request_hash);
    size_t added = 1;
    assert_int_equal(recval_check_duplicates(c.results, c.n, &added), RECVAL_OK);
    assert_int_equal(added, 0);
    for (size_t i = 0; i < c.n; i++) {
        assert_int_equal(c.results[i].ndiags, 0);
        recval_result_free(&c.results[i]);
    }
    assert_int_equal(recval_check_duplicates(NULL, 0, NULL), RECVAL_OK);
    assert_int_equal(recval_check_duplicates(NULL, 1, NULL), RECVAL_EINVAL);
}

/* --- lazy and streaming hashing against the full computation --------- */

typedef struct agreement {
    size_t files, named, dumps;
} agreement;

/* The hex digits of a recorder name, "" when it is none. */
static void name_hex(const char *path, char hex[65])
{
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    hex[0] = '\0';
    if (n == 17 || n == 69)
        snprintf(hex, 65, "%.*s", (int)n - 5, base);
    else if (n == 85 && strncmp(base, "models-", 7) == 0)
        snprintf(hex, 65, "%.64s", base + 7);
}

/* The dumps of the lower levels made from the current one
 * (rv_reqhash_redump_level) against the dumps made from the body, and the
 * plain dump against the current one before its first change. */
static void check_redumps(json_object *body, int bedrock)
{
    strbuf current = STRBUF_INIT, plain = STRBUF_INIT;
    reqhash_norm_info info = {0};
    reqhash_fs_strings fs = {0};
    rv_reqhash_dump_normalized_fs(body, REQHASH_NORM_CURRENT, bedrock, &current, &info, &fs);
    assert_int_equal(fs.count > 0, info.fs_changed);
    for (reqhash_norm_level level = REQHASH_NORM_FLOATS; level < REQHASH_NORM_CURRENT; level++) {
        strbuf direct = STRBUF_INIT, redump = STRBUF_INIT;
        reqhash_norm_info direct_info = {0};
        rv_reqhash_dump_normalized(body, level, bedrock, &direct, &direct_info);
        rv_reqhash_redump_level(current.data, current.len, &fs, level, &redump);
        assert_string_equal(direct.data, redump.data);
        rv_sb_free(&direct);
        rv_sb_free(&redump);
    }
    rv_pyjson_dumps(body, &plain, NULL);
    size_t same = info.changed ? info.first_change : current.len;
    assert_true(plain.len >= same && memcmp(plain.data, current.data, same) == 0);
    rv_reqhash_fs_strings_free(&fs);
    rv_sb_free(&current);
    rv_sb_free(&plain);
}

static void check_dumps(json_object *body, agreement *a)
{
    static const reqhash_norm_level levels[] = {REQHASH_NORM_FLOATS, REQHASH_NORM_FS_PARTIAL,
                                                REQHASH_NORM_CURRENT};
    check_redumps(body, 0);
    check_redumps(body, 1);
    for (size_t l = 0; l < 3; l++)
        for (int bedrock = 0; bedrock < 2; bedrock++) {
            strbuf tree = STRBUF_INIT, direct = STRBUF_INIT;
            json_object *norm = rv_reqhash_normalize(body, levels[l], bedrock, NULL, NULL);
            rv_pyjson_dumps(norm, &tree, NULL);
            json_object_put(norm);
            reqhash_norm_info info = {0};
            rv_reqhash_dump_normalized(body, levels[l], bedrock, &direct, &info);
            assert_string_equal(tree.data, direct.data);
            if (!info.changed) { /* then the plain dump is the same */
                strbuf raw = STRBUF_INIT;
                rv_pyjson_dumps(body, &raw, NULL);
                assert_string_equal(raw.data, direct.data);
                rv_sb_free(&raw);
            }
            rv_sb_free(&tree);
            rv_sb_free(&direct);
            a->dumps++;
        }
}

static void agree_on_file(const char *path, void *ud)
{
    agreement *a = ud;
    size_t len;
    char *text = rvt_read_file(path, &len), hex[65];
    json_object *rec = text ? parse(text, len) : NULL;
    a->files++;
    reqhash_result full, lazy;
    if (rec && rv_reqhash_compute(rec, text, len, &full, NULL) == 0) {
        json_object *req = rv_get(rec, "request");
        check_dumps(rv_get(req, full.kind == REQHASH_KIND_HTTP ? "payload" : "body"), a);
        name_hex(path, hex);
        if (hex[0]) {
            a->named++;
            reqhash_match want = rv_reqhash_match_hash(&full, hex);
            reqhash_match got = rv_reqhash_compute_for_name(rec, text, len, hex, &lazy, NULL);
            if (got != want)
                print_error("%s: lazy %d, full %d\n", path, got, want);
            assert_int_equal(got, want);
            assert_string_equal(lazy.current, full.current);
            if (got == REQHASH_MATCH_NONE) {
                assert_string_equal(lazy.current_raw, full.current_raw);
                assert_string_equal(lazy.legacy, full.legacy);
                assert_string_equal(lazy.older_fs_partial, full.older_fs_partial);
                assert_string_equal(lazy.older_fs_none, full.older_fs_none);
                assert_int_equal(lazy.unreproducible, full.unreproducible);
                assert_string_equal(lazy.reason, full.reason);
            }
        }
    }
    json_object_put(rec);
    free(text);
}

static void lazy_hashing_agrees_with_full(void **state)
{
    (void)state;
    agreement a = {0};
    rvt_each_json(rvt_path("recordings"), agree_on_file, &a);
    const char *corpus = rvt_shared_path("corpus");
    if (corpus)
        rvt_each_json(corpus, agree_on_file, &a);
    print_message("%zu files, %zu named by a hash, %zu normalized dumps compared\n", a.files,
                  a.named, a.dumps);
    assert_true(a.named > 0);
}

/* Strings at the edges of the prefilter that spares PCRE2, against the
 * Python oracle's normalization. */
static void prefilter_agrees_with_python(void **state)
{
    (void)state;
    static const char *const strings[] = {
        "no decimals here",
        "3.1415",
        "3.141",
        "x3.14159y",
        "-0.00001",
        ".12345",
        "1.",
        "1.2345.6789",
        "\\u0663.\\u0661\\u0664\\u0661\\u0665",
        "\\u0663.1415",
        "1.\\u0661\\u0664\\u0661\\u0665",
        "\\uff11.\\uff12\\uff13\\uff14\\uff15",
        "score:0.5",
        "score :0.5",
        "xscore: 1e5",
        "attributes: {a}",
        ", attributes:{}",
        "attributes",
        "document_id: 3f2a9c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
        "<|3f2a9c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b|>",
        "< |x|>",
        "<|",
        "document_i, attributes: {x}d: 3f2a9c4e-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
        "score, attributes: {}: 0.123456",
        "caf\\u00e9 1.23456 \\u00e9",
        "\\ud83d\\ude00 2.000001",
        "a:b:c.d:e",
        "1\\u0660.0000"};
    strbuf arr = STRBUF_INIT;
    rv_sb_putc(&arr, '[');
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        rv_sb_printf(&arr, "%s\"%s\"", i ? ", " : "", strings[i]);
    rv_sb_putc(&arr, ']');
    char *out = rvt_hash_oracle("canon", arr.data);
    if (!out) {
        rv_sb_free(&arr);
        rvt_skip_for("python3");
    }
    json_object *v = parse(arr.data, arr.len);
    json_object *norm = rv_reqhash_normalize(v, REQHASH_NORM_CURRENT, 0, NULL, NULL);
    strbuf c = STRBUF_INIT;
    reqhash_norm_info info = {0};
    rv_reqhash_dump_normalized(v, REQHASH_NORM_CURRENT, 0, &c, &info);
    rv_sb_putc(&c, '\n');
    assert_string_equal(c.data, out);
    rv_sb_truncate(&c, 0);
    rv_pyjson_dumps(norm, &c, NULL);
    rv_sb_putc(&c, '\n');
    assert_string_equal(c.data, out);
    json_object_put(norm);
    json_object_put(v);
    rv_sb_free(&c);
    rv_sb_free(&arr);
    free(out);
}

/* --- the corpus ------------------------------------------------------ */

typedef struct corpus_scan {
    json_object *oracle; /* path -> hashes and name match */
    size_t files, per_rule[RV_RULE_COUNT];
    size_t mismatch_missing, mismatch_extra, stale_missing, stale_extra;
} corpus_scan;

static const char *oracle_str(json_object *o, const char *key)
{
    json_object *v = rv_get(o, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : "";
}

/* What the oracle says the rules must find in one file. */
static void oracle_expects(json_object *want, const char *path, bool *mismatch, bool *stale)
{
    const char *kind = oracle_str(want, "kind"), *name = oracle_str(want, "name");
    const char *base = strrchr(path, '/') + 1;
    bool formula =
        strcmp(kind, "inference") == 0 || strcmp(kind, "tool") == 0 || strcmp(kind, "http") == 0;
    /* A name computed with a test id the file does not record cannot be
     * checked: request-hash/unreproducible, not name-mismatch. */
    *mismatch = formula && strcmp(name, "none") == 0 &&
                !json_object_get_boolean(rv_get(want, "test_id_not_recorded"));
    *stale = strcmp(name, "current_raw") == 0 || strncmp(name, "older_", 6) == 0 ||
             strcmp(name, "tool_test_id") == 0 ||
             (strcmp(name, "legacy") == 0 && strlen(base) != 17);
}

static void scan_corpus_file(const char *path, void *ud)
{
    corpus_scan *s = ud;
    recval_result r = rvt_check(path);
    s->files++;
    for (size_t i = 0; i < r.ndiags; i++)
        for (int id = 0; id < RV_RULE_COUNT; id++)
            if (r.diags[i].rule == rv_rule((rv_rule_id)id))
                s->per_rule[id]++;
    bool mismatch, stale;
    oracle_expects(json_object_object_get(s->oracle, path), path, &mismatch, &stale);
    bool got_mismatch = rvt_count(&r, FAMILY "name-mismatch") > 0;
    bool got_stale = rvt_count(&r, FAMILY "stale-scheme") > 0;
    if (mismatch != got_mismatch)
        print_error("%s: name-mismatch %s by recval, %s by the oracle\n", path,
                    got_mismatch ? "flagged" : "not flagged", mismatch ? "expected" : "not");
    if (stale != got_stale)
        print_error("%s: stale-scheme %s by recval, %s by the oracle\n", path,
                    got_stale ? "flagged" : "not flagged", stale ? "expected" : "not");
    s->mismatch_missing += mismatch && !got_mismatch;
    s->mismatch_extra += got_mismatch && !mismatch;
    s->stale_missing += stale && !got_stale;
    s->stale_extra += got_stale && !stale;
    recval_result_free(&r);
}

static void corpus_name_mismatch_is_the_oracle_set(void **state)
{
    (void)state;
    const char *corpus;
    corpus_scan s = {.oracle = rvt_corpus_oracle(&corpus)};
    rvt_each_json(corpus, scan_corpus_file, &s);
    print_message("corpus: %zu files\n", s.files);
    for (int id = 0; id < RV_RULE_COUNT; id++)
        if (strncmp(rv_rule((rv_rule_id)id)->name, FAMILY, strlen(FAMILY)) == 0 ||
            id == RV_IDS_NORMALIZED_ID_MISMATCH)
            print_message("  %-30s %zu\n", rv_rule((rv_rule_id)id)->name, s.per_rule[id]);
    assert_int_equal(s.files, (size_t)json_object_object_length(s.oracle));
    assert_int_equal(s.mismatch_missing + s.mismatch_extra, 0);
    assert_int_equal(s.stale_missing + s.stale_extra, 0);
    assert_int_equal(s.per_rule[RV_REQUEST_HASH_MODELS_DIGEST], 0);
    json_object_put(s.oracle);
}

/* A tool invocation named by {provider, tool_name, kwargs, test_id}: an
 * older scheme, named in the message. */
#define TOOL_TEST_ID_FIXTURE                                                                       \
    "recordings/invalid/request-hash/stale-scheme-tool-test-id-websearch/tests/integration/"       \
    "tool_runtime/recordings/"                                                                     \
    "21f7d72b62af3f34535d5c35f9fa04ec0ceef66955eea66b7cf3f5f21215e620.json"

static void tool_test_id_scheme_is_stale(void **state)
{
    (void)state;
    recval_result r = rvt_check(rvt_path(TOOL_TEST_ID_FIXTURE));
    rvt_assert_single(&r, "request-hash/stale-scheme", "", 1, 1, NULL);
    assert_non_null(strstr(r.diags[0].message, "tool_test_id hash"));
    assert_int_equal(r.diags[0].severity, RECVAL_WARNING);
    recval_result_free(&r);
}

/* A file rewritten by the llama-stack -> OGX rename after it was named:
 * still name-mismatch (no replay reaches it), and the message says why. */
static void rename_rewrite_is_explained(void **state)
{
    (void)state;
    recval_result r = rvt_check(
        rvt_path("recordings/invalid/request-hash/name-mismatch-ogx-rename/tests/integration/"
                 "responses/recordings/"
                 "e375026fce13d70f6f29d9966b96ae7e70055823cb9b70f5a6aa0b9b80813221.json"));
    rvt_assert_single(&r, "request-hash/name-mismatch", "", 1, 1, NULL);
    assert_non_null(strstr(r.diags[0].message,
                           "; the name is the hash of this request as it was before the "
                           "llama-stack -> OGX rename rewrote \"llama_stack\" as \"ogx\" and "
                           "\"Llama Stack\" as \"OGX\": the file was rewritten after it was "
                           "named, so it is not what was recorded and no replay reaches it"));
    recval_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rename_rewrite_is_explained),
        cmocka_unit_test(tool_test_id_scheme_is_stale),
        cmocka_unit_test(fixtures_match_expectations),
        cmocka_unit_test(no_diagnostics_without_a_hash_name),
        cmocka_unit_test(no_diagnostics_without_a_formula),
        cmocka_unit_test(a_current_name_is_silent_and_kept),
        cmocka_unit_test(name_mismatch_says_what_each_scheme_gives),
        cmocka_unit_test(unreproducible_replaces_name_mismatch),
        cmocka_unit_test(normalized_ids_are_checked_once),
        cmocka_unit_test(models_digest_is_checked_when_computable),
        cmocka_unit_test(duplicates_name_each_other),
        cmocka_unit_test(model_lists_are_merged_not_duplicates),
        cmocka_unit_test(lazy_hashing_agrees_with_full),
        cmocka_unit_test(prefilter_agrees_with_python),
        cmocka_unit_test(corpus_name_mismatch_is_the_oracle_set),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, rvt_free_validator));
}
