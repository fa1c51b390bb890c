/* test_request_hash.c - the recorder's request hashes (reqhash.h) and the
 * Python json semantics under them (pyjson.h): the golden vectors made by
 * scripts/hash_oracle.py, tricky floats, urlparse, the divergence scan, the
 * model-list digest, the seed recording's legacy name, and, when ../shared
 * is there, a differential run against the Python oracle over the whole
 * corpus. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixtures.h"
#include "suite_util.h"
#include "pyjson.h"
#include "reqhash.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- helpers --------------------------------------------------------- */

/* Parses like the loader does (strict, UTF-8 checked). */
static json_object *parse(const char *text, size_t len)
{
    return rvt_parse_json(text, len, 1000);
}

static const char *str_member(json_object *o, const char *key)
{
    json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string)
               ? json_object_get_string(v)
               : "";
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- golden vectors -------------------------------------------------- */

/* The canonical normalized body the vector lists, when it lists one. */
static void check_canonical_body(json_object *vec, json_object *rec)
{
    const char *want = str_member(vec, "canonical_body");
    if (!*want)
        return;
    json_object *req = json_object_object_get(rec, "request");
    const char *url = str_member(req, "url");
    int bedrock = strstr(url, "bedrock") != NULL;
    json_object *norm = rv_reqhash_normalize(json_object_object_get(req, "body"),
                                             REQHASH_NORM_CURRENT, bedrock, NULL, NULL);
    strbuf sb = STRBUF_INIT;
    rv_pyjson_dumps(norm, &sb, NULL);
    if (strcmp(sb.data, want) != 0)
        print_error("vector %s: canonical body\n  want %s\n  got  %s\n", str_member(vec, "name"),
                    want, sb.data);
    assert_string_equal(sb.data, want);
    rv_sb_free(&sb);
    json_object_put(norm);
}

static void check_field(json_object *vec, const char *field, const char *got)
{
    const char *want = str_member(vec, field);
    if (strcmp(want, got) != 0)
        print_error("vector %s: %s want '%s' got '%s'\n", str_member(vec, "name"), field, want,
                    got);
    assert_string_equal(want, got);
}

static void check_vector(json_object *vec)
{
    const char *text = str_member(vec, "recording");
    json_object *rec = parse(text, strlen(text));
    assert_non_null(rec);
    reqhash_result r;
    char *err = NULL;
    assert_int_equal(rv_reqhash_compute(rec, text, strlen(text), &r, &err), 0);
    assert_string_equal(rv_reqhash_kind_str(r.kind), str_member(vec, "kind"));
    if (json_object_get_boolean(json_object_object_get(vec, "unreproducible"))) {
        assert_true(r.unreproducible);
        assert_true(strstr(r.reason, "/request/body/") == r.reason);
    } else {
        assert_false(r.unreproducible);
        check_field(vec, "current", r.current);
        check_field(vec, "current_raw", r.current_raw);
        check_field(vec, "legacy", r.legacy);
        check_field(vec, "older_fs_partial", r.older_fs_partial);
        check_field(vec, "older_fs_none", r.older_fs_none);
        check_canonical_body(vec, rec);
    }
    json_object_put(rec);
}

static void golden_vectors(void **state)
{
    (void)state;
    size_t len;
    char *text = rvt_read_file(rvt_path("suites/data/hash_vectors.json"), &len);
    assert_non_null(text);
    json_object *doc = parse(text, len);
    assert_non_null(doc);
    json_object *vectors = json_object_object_get(doc, "vectors");
    size_t n = json_object_array_length(vectors);
    assert_true(n >= 40);
    for (size_t i = 0; i < n; i++)
        check_vector(json_object_array_get_idx(vectors, i));
    json_object_put(doc);
    free(text);
}

/* Pairs of vectors that must hash alike, and pairs that must not. */
static const char *vector_current(json_object *vectors, const char *name)
{
    for (size_t i = 0; i < json_object_array_length(vectors); i++) {
        json_object *v = json_object_array_get_idx(vectors, i);
        if (strcmp(str_member(v, "name"), name) == 0)
            return str_member(v, "current");
    }
    fail_msg("no vector %s", name);
    return "";
}

static void vector_properties(void **state)
{
    (void)state;
    static const char *const alike[][2] = {
        {"float_07", "float_07000001"},
        {"score_a", "score_b"},
        {"filesearch_a", "filesearch_b"},
        {"float_in_string", "float_in_string_rounded"},
        {"duplicate_keys", "duplicate_keys_expected"},
        {"project_id_extra_body", "project_id_extra_body_other"},
        {"bedrock_stream_options", "bedrock_no_stream_options"},
        {"models_v1", "models_v1_other_test"},
        {"method_lower", "method_upper"},
    };
    static const char *const differ[][2] = {
        {"ws_single", "ws_double"},
        {"ws_single", "ws_tab"},
        {"message_a", "message_b"},
        {"non_bedrock_stream_options", "bedrock_stream_options"},
        {"null_test_id", "method_upper"}};
    size_t len;
    char *text = rvt_read_file(rvt_path("suites/data/hash_vectors.json"), &len);
    assert_non_null(text);
    json_object *doc = parse(text, len);
    json_object *vectors = json_object_object_get(doc, "vectors");
    for (size_t i = 0; i < sizeof alike / sizeof alike[0]; i++)
        assert_string_equal(vector_current(vectors, alike[i][0]),
                            vector_current(vectors, alike[i][1]));
    for (size_t i = 0; i < sizeof differ / sizeof differ[0]; i++)
        assert_string_not_equal(vector_current(vectors, differ[i][0]),
                                vector_current(vectors, differ[i][1]));
    json_object_put(doc);
    free(text);
}

/* --- floats ---------------------------------------------------------- */

static void float_repr(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *repr;
    } cases[] = {
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {0.1, "0.1"},
        {1e22, "1e+22"},
        {1e-7, "1e-07"},
        {123456789012345680.0, "1.2345678901234568e+17"},
        {0.7, "0.7"},
        {1e-05, "1e-05"},
        {0.0001, "0.0001"},
        {1e16, "1e+16"},
        {9999999999999998.0, "9999999999999998.0"},
        {100.0, "100.0"},
        {-0.0, "-0.0"},
        {0.0, "0.0"},
        {1e23, "1e+23"},
        {2.2250738585072014e-308, "2.2250738585072014e-308"},
        {9007199254740993.0, "9007199254740992.0"},
        {0.30000000000000004, "0.30000000000000004"},
        {-1.5, "-1.5"},
        {1024.0, "1024.0"},
        {HUGE_VAL, "inf"},
        {-HUGE_VAL, "-inf"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[PYJSON_REPR_MAX];
        rv_pyjson_float_repr(cases[i].x, buf);
        assert_string_equal(buf, cases[i].repr);
    }
    char buf[PYJSON_REPR_MAX];
    rv_pyjson_float_repr(NAN, buf);
    assert_string_equal(buf, "nan");

    json_object *arr = json_tokener_parse("[1e400, -1e400, 1.0, 1e5, -0.0, 0.5]");
    strbuf sb = STRBUF_INIT;
    rv_pyjson_dumps(arr, &sb, NULL);
    assert_string_equal(sb.data, "[Infinity, -Infinity, 1.0, 100000.0, -0.0, 0.5]");
    rv_sb_free(&sb);
    json_object_put(arr);
}

/* ensure_ascii escapes wherever they fall: every special byte or
 * sequence at every place of a 40-byte string (across the 16-byte blocks
 * the fast path reads), against the escape written alone. */
static void string_escapes_anywhere(void **state)
{
    (void)state;
    static const struct {
        const char *in, *escaped;
        int rc;
    } specials[] = {
        {"\"", "\\\"", 0},
        {"\\", "\\\\", 0},
        {"\n", "\\n", 0},
        {"\x01", "\\u0001", 0},
        {"\x7f", "\\u007f", 0},
        {"\x1f", "\\u001f", 0},
        {"\xc3\xa9", "\\u00e9", 0},
        {"\xf0\x9f\x98\x80", "\\ud83d\\ude00", 0},
        {"\xff", "\\ufffd", -1},
        {"~", "~", 0},
        {" ", " ", 0},
    };
    for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
        for (size_t at = 0; at <= 40; at++) {
            char in[128], want[160];
            snprintf(in, sizeof in, "%.*s%s%.*s", (int)at,
                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", specials[k].in, (int)(40 - at),
                     "0123456789012345678901234567890123456789");
            snprintf(want, sizeof want, "\"%.*s%s%.*s\"", (int)at,
                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN", specials[k].escaped,
                     (int)(40 - at), "0123456789012345678901234567890123456789");
            strbuf sb = STRBUF_INIT;
            assert_int_equal(rv_pyjson_put_string(&sb, in, strlen(in)), specials[k].rc);
            assert_string_equal(sb.data, want);
            rv_sb_free(&sb);
        }
    }
}

static void python_round(void **state)
{
    (void)state;
    assert_true(rv_pyjson_round(0.7000001, 5) == 0.7);
    assert_true(rv_pyjson_round(0.125, 2) == 0.12); /* exact tie: half to even */
    assert_true(rv_pyjson_round(0.375, 2) == 0.38);
    assert_true(rv_pyjson_round(2.675, 2) == 2.67); /* 2.67499999... in binary */
    assert_true(rv_pyjson_round(1e300, 5) == 1e300);
    assert_true(rv_pyjson_round(1.7976931348623157e308, 5) == 1.7976931348623157e308);
    double z = rv_pyjson_round(-0.000001, 5);
    assert_true(z == 0 && signbit(z));
    assert_true(isinf(rv_pyjson_round(HUGE_VAL, 5)));
    assert_true(isnan(rv_pyjson_round(NAN, 5)));
}

/* --- strings, urls, scan --------------------------------------------- */

static void assert_normalized(const char *in, const char *want)
{
    strbuf sb = STRBUF_INIT;
    int rc = rv_reqhash_normalize_string(in, strlen(in), REQHASH_NORM_CURRENT, &sb, NULL);
    assert_true(rc >= 0);
    assert_string_equal(rc ? sb.data : in, want);
    rv_sb_free(&sb);
}

static void string_normalization(void **state)
{
    (void)state;
    assert_normalized("score: 0.5", "score: __NORMALIZED__");
    assert_normalized("score:\x1c"
                      "1e-3 x",
                      "score: __NORMALIZED__ x"); /* \x1c is space to Python's re */
    assert_normalized("a, attributes: {'k': 1} b", "a b");
    assert_normalized("pi 3.14159265 e -2.7182818", "pi 3.14159 e -2.71828");
    assert_normalized("1.234 and 1.2345", "1.234 and 1.23450");
    /* Arabic-Indic digits are \d to Python, and float() reads them. */
    assert_normalized("\xd9\xa1.\xd9\xa2\xd9\xa3\xd9\xa4\xd9\xa5\xd9\xa6", "1.23456");
    /* NUL inside: lengths, not strlen. */
    strbuf sb = STRBUF_INIT;
    assert_int_equal(
        rv_reqhash_normalize_string("x\0score: 1", 10, REQHASH_NORM_CURRENT, &sb, NULL), 1);
    assert_int_equal(sb.len, 23);
    assert_memory_equal(sb.data, "x\0score: __NORMALIZED__", 23);
    rv_sb_free(&sb);
    /* Invalid UTF-8 cannot come from Python. */
    assert_int_equal(
        rv_reqhash_normalize_string("\xff score: 1", 10, REQHASH_NORM_CURRENT, &sb, NULL), -1);
    rv_sb_free(&sb);
}

static void urlparse_path(void **state)
{
    (void)state;
    static const char *const cases[][3] = {
        {"vertexai:///generate_content", "", "/generate_content"},
        {"__databricks__/serving-endpoints/x/invocations", "",
         "__databricks__/serving-endpoints/x/invocations"},
        {"http://h:1/a/b;p?q=1#f", "h:1", "/a/b"},
        {"HTTP://Bedrock.x/y;z", "Bedrock.x", "/y"},
        {"localhost:8000/v1/models", "", "8000/v1/models"},
        {" \t http://h/p\ta\nth", "h", "/path"},
        {"mailto:a@b;c", "", "a@b;c"},
        {"ftp://h/a;b/c;d", "h", "/a;b/c"},
        {"x-y+z.w://n/p?q", "n", "/p"},
        {"1http://h/p", "", "1http://h/p"},
        {"http://h?x/y", "h", ""},
        {"//host/only", "host", "/only"},
        {"/plain;x/y;z", "", "/plain;x/y"},
        {"tel:+1;ext=2", "", "+1"},
        {"foo://h/a;b", "h", "/a;b"},
        {"https://api.openai.com/v1/v1/chat/completions", "api.openai.com",
         "/v1/v1/chat/completions"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        strbuf netloc = STRBUF_INIT, path = STRBUF_INIT;
        assert_int_equal(rv_reqhash_urlparse(cases[i][0], strlen(cases[i][0]), &netloc, &path), 0);
        assert_string_equal(netloc.data ? netloc.data : "", cases[i][1]);
        assert_string_equal(path.data ? path.data : "", cases[i][2]);
        rv_sb_free(&netloc);
        rv_sb_free(&path);
    }
    strbuf netloc = STRBUF_INIT, path = STRBUF_INIT;
    assert_int_equal(rv_reqhash_urlparse("http://[::1/x", 13, &netloc, &path), -1);
    rv_sb_free(&netloc);
    rv_sb_free(&path);
}

static int count_issue(const pyjson_issue *issue, void *ud)
{
    (void)issue;
    ++*(int *)ud;
    return 0;
}

static void divergence_scan(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int issues;
    } cases[] = {
        {"[9223372036854775807, -9223372036854775808, 18446744073709551615, 0, -0]", 0},
        {"[18446744073709551616]", 1},
        {"[-9223372036854775809]", 1},
        {"[1e400, 123456789012345678901234567890.0, \"123456789012345678901234567890\"]", 0},
        {"[\"\\ud83d\\ude00\", \"\\ud800\", \"\\udc00\", \"\\ud800\\u0041\"]", 3},
        {"{\"a\\u0000b\": 1, \"v\": \"a\\u0000b\"}", 1},
        {"[\"\\\\ud800\", \"\\\"\\ud83d\\ude00\"]", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int n = 0;
        size_t got = rv_pyjson_scan(cases[i].text, strlen(cases[i].text), count_issue, &n);
        assert_int_equal((int)got, cases[i].issues);
        assert_int_equal(n, cases[i].issues);
    }
}

/* A clamped integer flags the hash only when it is in the request. */
static void unreproducible_only_in_request(void **state)
{
    (void)state;
    const char *in_response =
        "{\"test_id\": null, \"request\": {\"method\": \"POST\", \"url\": \"http://h/v1/x\", "
        "\"body\": {}}, \"response\": {\"body\": {\"n\": 99999999999999999999999}}}";
    const char *in_request =
        "{\"test_id\": null, \"request\": {\"method\": \"POST\", \"url\": \"http://h/v1/x\", "
        "\"body\": {\"n\": [1, 99999999999999999999999]}}}";
    reqhash_result r;
    json_object *rec = parse(in_response, strlen(in_response));
    assert_int_equal(rv_reqhash_compute(rec, in_response, strlen(in_response), &r, NULL), 0);
    assert_false(r.unreproducible);
    json_object_put(rec);
    rec = parse(in_request, strlen(in_request));
    assert_int_equal(rv_reqhash_compute(rec, in_request, strlen(in_request), &r, NULL), 0);
    assert_true(r.unreproducible);
    assert_string_equal(
        r.reason,
        "/request/body/n/1: integer outside json-c's int64/uint64 range (json-c clamps it)");
    json_object_put(rec);
}

static void bad_requests(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "[]",
        "{\"request\": {\"hello\": 1}}",
        "{\"request\": {\"url\": 5, \"method\": \"POST\", \"body\": {}}}",
        "{\"request\": {\"url\": \"http://h/x\", \"body\": {}}}",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        json_object *rec = parse(texts[i], strlen(texts[i]));
        reqhash_result r;
        char *err = NULL;
        assert_int_equal(rv_reqhash_compute(rec, NULL, 0, &r, &err), -1);
        assert_non_null(err);
        free(err);
        json_object_put(rec);
    }
}

/* --- model lists and names ------------------------------------------- */

static void models_digest(void **state)
{
    (void)state;
    const char *openai =
        "{\"request\": {\"endpoint\": \"/v1/models\"}, \"response\": {\"body\": ["
        "{\"__type__\": \"openai.types.model.Model\", \"__data__\": {\"id\": \"b\"}},"
        "{\"__type__\": \"openai.types.model.Model\", \"__data__\": {\"id\": \"a\"}},"
        "{\"__type__\": \"openai.types.model.Model\", \"__data__\": {\"id\": \"b\"}}]}}";
    const char *ollama =
        "{\"request\": {\"endpoint\": \"/api/tags\"}, \"response\": {\"body\": "
        "{\"__type__\": \"ollama._types.ListResponse\", \"__data__\": {\"models\": ["
        "{\"model\": \"b\", \"name\": \"x\"}, {\"model\": \"a\"}]}}}}";
    const char *empty =
        "{\"request\": {\"endpoint\": \"/v1/models\"}, \"response\": {\"body\": []}}";
    char digest[9];
    json_object *rec = json_tokener_parse(openai);
    assert_int_equal(rv_reqhash_models_digest(rec, digest), 0);
    assert_string_equal(digest, "0eab8a0a"); /* sha256("a|b") */
    json_object_put(rec);
    rec = json_tokener_parse(ollama);
    assert_int_equal(rv_reqhash_models_digest(rec, digest), 0);
    assert_string_equal(digest, "0eab8a0a");
    json_object_put(rec);
    rec = json_tokener_parse(empty);
    assert_int_equal(rv_reqhash_models_digest(rec, digest), 0);
    assert_string_equal(digest, "e3b0c442"); /* sha256("") */
    json_object_put(rec);
}

static void name_matching(void **state)
{
    (void)state;
    reqhash_result r;
    memset(&r, 0, sizeof r);
    memset(r.current, 'a', 64);
    memset(r.current_raw, 'b', 64);
    memset(r.legacy, 'c', 64);
    strcpy(r.models_digest, "0123abcd");
    char name[128];
    snprintf(name, sizeof name, "%s.json", r.current);
    assert_int_equal(rv_reqhash_match_name(&r, name, NULL), REQHASH_MATCH_CURRENT);
    snprintf(name, sizeof name, "%s.json", r.current_raw);
    assert_int_equal(rv_reqhash_match_name(&r, name, NULL), REQHASH_MATCH_CURRENT_RAW);
    assert_int_equal(rv_reqhash_match_name(&r, "cccccccccccc.json", NULL), REQHASH_MATCH_LEGACY);
    assert_int_equal(rv_reqhash_match_name(&r, "aaaaaaaaaaaa.json", NULL), REQHASH_MATCH_NONE);
    int ok = 0;
    snprintf(name, sizeof name, "models-%s-0123abcd.json", r.current);
    assert_int_equal(rv_reqhash_match_name(&r, name, &ok), REQHASH_MATCH_CURRENT);
    assert_true(ok);
    snprintf(name, sizeof name, "models-%s-0123abce.json", r.current);
    assert_int_equal(rv_reqhash_match_name(&r, name, &ok), REQHASH_MATCH_CURRENT);
    assert_false(ok);
    assert_int_equal(rv_reqhash_match_name(&r, "notes.txt", NULL), REQHASH_MATCH_NONE);
}

/* --- shared material ------------------------------------------------- */

static void seed_legacy_name(void **state)
{
    (void)state;
    const char *path = rvt_need_shared("seeds/json/000_0869fd2032ef6351.json");
    size_t len;
    char *text = rvt_read_file(path, &len);
    if (!text)
        rvt_skip_for("../shared");
    json_object *rec = parse(text, len);
    assert_non_null(rec);
    reqhash_result r;
    assert_int_equal(rv_reqhash_compute(rec, text, len, &r, NULL), 0);
    assert_int_equal(r.kind, REQHASH_KIND_INFERENCE);
    assert_memory_equal(r.legacy, "e22f98c05933", 12);
    assert_int_equal(rv_reqhash_match_name(&r, "e22f98c05933.json", NULL), REQHASH_MATCH_LEGACY);
    json_object_put(rec);
    free(text);
}

typedef struct corpus_run {
    json_object *oracle; /* path -> hashes, from hash_oracle.py */
    size_t files, mismatches, unreproducible;
    size_t counts[2][REQHASH_MATCH_COUNT]; /* [legacy tree or not][match] */
    size_t kind_counts[REQHASH_KIND_FILE_PROCESSOR + 1][REQHASH_MATCH_COUNT];
    size_t digest_bad;
    double parse_s, hash_s;
    size_t bytes;
    strbuf unmatched;
} corpus_run;

static void compare_field(corpus_run *run, const char *path, json_object *want, const char *field,
                          const char *got)
{
    const char *w = str_member(want, field);
    if (strcmp(w, got) == 0)
        return;
    if (run->mismatches++ < 20)
        print_error("%s: %s oracle '%s' C '%s'\n", path, field, w, got);
}

static void corpus_file(const char *path, void *ud)
{
    corpus_run *run = ud;
    size_t len;
    char *text = rvt_read_file(path, &len);
    assert_non_null(text);
    double t0 = seconds();
    json_object *rec = parse(text, len);
    double t1 = seconds();
    reqhash_result r;
    int rc = rec ? rv_reqhash_compute(rec, text, len, &r, NULL) : -1;
    run->parse_s += t1 - t0;
    run->hash_s += seconds() - t1;
    run->bytes += len;
    run->files++;
    json_object *want = json_object_object_get(run->oracle, path);
    if (!want || rc < 0) {
        if (run->mismatches++ < 20)
            print_error("%s: %s\n", path,
                        want ? "C could not hash it" : "missing from the oracle output");
    } else {
        static const char *const fields[] = {"current",          "current_raw",   "legacy",
                                             "older_fs_partial", "older_fs_none", "models_digest"};
        const char *got[] = {r.current,          r.current_raw,   r.legacy,
                             r.older_fs_partial, r.older_fs_none, r.models_digest};
        compare_field(run, path, want, "kind", rv_reqhash_kind_str(r.kind));
        for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
            compare_field(run, path, want, fields[i], got[i]);
        const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
        int digest_ok = 1;
        reqhash_match m = rv_reqhash_match_name(&r, base, &digest_ok);
        compare_field(run, path, want, "name", rv_reqhash_match_name_str(m));
        run->counts[strstr(path, "/legacy/") ? 0 : 1][m]++;
        run->kind_counts[r.kind][m]++;
        run->digest_bad += !digest_ok;
        run->unreproducible += r.unreproducible;
        if (m == REQHASH_MATCH_NONE)
            rv_sb_printf(&run->unmatched, "  %s (%s)\n", path, rv_reqhash_kind_str(r.kind));
    }
    json_object_put(rec);
    free(text);
}

/* Every corpus file hashed by C and by the Python oracle: all hashes
 * must agree; prints how the file names match the schemes. */
static void corpus_differential(void **state)
{
    (void)state;
    const char *corpus;
    corpus_run run = {.oracle = rvt_corpus_oracle(&corpus), .unmatched = STRBUF_INIT};
    rvt_each_json(corpus, corpus_file, &run);

    print_message("corpus: %zu files, %.1f MB; json-c parse %.3f s, hashing %.3f s\n", run.files,
                  (double)run.bytes / 1e6, run.parse_s, run.hash_s);
    static const char *const kinds[] = {"unknown", "inference", "tool", "http", "file_processor"};
    for (int k = 0; k <= REQHASH_KIND_FILE_PROCESSOR; k++) {
        const size_t *c = run.kind_counts[k];
        print_message("  %-15s current %zu, current_raw %zu, older_fs_partial %zu, older_fs_none "
                      "%zu, legacy %zu, "
                      "none %zu\n",
                      kinds[k], c[REQHASH_MATCH_CURRENT], c[REQHASH_MATCH_CURRENT_RAW],
                      c[REQHASH_MATCH_OLDER_FS_PARTIAL], c[REQHASH_MATCH_OLDER_FS_NONE],
                      c[REQHASH_MATCH_LEGACY], c[REQHASH_MATCH_NONE]);
    }
    print_message(
        "  legacy tree: legacy %zu, none %zu; models digests wrong: %zu; unreproducible: %zu\n",
        run.counts[0][REQHASH_MATCH_LEGACY], run.counts[0][REQHASH_MATCH_NONE], run.digest_bad,
        run.unreproducible);
    if (getenv("RECVAL_HASH_VERBOSE") && run.unmatched.len)
        print_message("names matching no scheme:\n%s", run.unmatched.data);
    assert_int_equal(run.mismatches, 0);
    assert_int_equal(run.files, (size_t)json_object_object_length(run.oracle));
    assert_int_equal(run.digest_bad, 0);
    rv_sb_free(&run.unmatched);
    json_object_put(run.oracle);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(golden_vectors),
        cmocka_unit_test(vector_properties),
        cmocka_unit_test(float_repr),
        cmocka_unit_test(python_round),
        cmocka_unit_test(string_escapes_anywhere),
        cmocka_unit_test(string_normalization),
        cmocka_unit_test(urlparse_path),
        cmocka_unit_test(divergence_scan),
        cmocka_unit_test(unreproducible_only_in_request),
        cmocka_unit_test(bad_requests),
        cmocka_unit_test(models_digest),
        cmocka_unit_test(name_matching),
        cmocka_unit_test(seed_legacy_name),
        cmocka_unit_test(corpus_differential),
    };
    return rvt_exit_status(cmocka_run_group_tests(tests, NULL, NULL));
}
