/* fuzz_replay.c - libFuzzer harness of request hashing and replay folding.
 * The input is a recording (or a bare request), optionally followed by a
 * NUL byte and a second one. Each part is hashed (recval_hash_request(),
 * with and without a test id), loaded and folded into the answer replay
 * hands back (rv_replay_fill_answer(), also merging the two when both are
 * model lists), and the request bodies of the two are diffed as a miss
 * report does. Then the first part is stored under its own current-scheme
 * name in a private temporary tree and both parts are replayed against
 * it with recval_replay(): the first must be found, the second is looked
 * up and its nearest recordings searched. */
#include "harness.h"
#include "recval_internal.h"
#include "replay.h"
#include "stream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TEST_ID "tests/fuzz/test_replay.py::test_it"

static char root[128];
static char test_dir[256];
static char stored[512];

static void remove_tree(void)
{
    char path[256];
    if (stored[0])
        unlink(stored);
    rmdir(test_dir);
    snprintf(path, sizeof path, "%s/tests/fuzz", root);
    rmdir(path);
    snprintf(path, sizeof path, "%s/tests", root);
    rmdir(path);
    rmdir(root);
}

/* root/tests/fuzz/recordings: where a recording of TEST_ID is looked up. */
static void make_tree(void)
{
    if (root[0])
        return;
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/recval-fuzz-XXXXXX",
             tmp && *tmp && strlen(tmp) < 32 ? tmp : "/tmp");
    FUZZ_ASSERT(mkdtemp(root) != NULL, "mkdtemp %s failed", root);
    char path[256];
    snprintf(path, sizeof path, "%s/tests", root);
    mkdir(path, 0700);
    snprintf(path, sizeof path, "%s/tests/fuzz", root);
    mkdir(path, 0700);
    snprintf(test_dir, sizeof test_dir, "%s/tests/fuzz/recordings", root);
    FUZZ_ASSERT(mkdir(test_dir, 0700) == 0, "mkdir %s failed", test_dir);
    atexit(remove_tree);
}

static void check_answer(const recval_replay_result *r)
{
    FUZZ_ASSERT(r->kind != NULL, "an answer without a kind");
    FUZZ_ASSERT(r->nchoices == 0 || r->choices != NULL, "choices missing");
    for (size_t i = 0; i < r->nchoices; i++) {
        const recval_choice *c = &r->choices[i];
        FUZZ_ASSERT(c->ntool_calls == 0 || c->tool_calls != NULL, "tool calls missing");
        FUZZ_ASSERT(c->content || c->content_len == 0, "content_len without content");
        if (i > 0)
            FUZZ_ASSERT(r->choices[i - 1].index <= c->index, "choices not sorted by index");
    }
}

/* Hashes one part under both test-id conventions. */
static void hash_part(const char *text, size_t len)
{
    recval_hashes h;
    for (int with_id = 0; with_id < 2; with_id++) {
        memset(&h, 0, sizeof h);
        if (recval_hash_request(fuzz_validator(), text, len, with_id ? TEST_ID : NULL, &h) ==
            RECVAL_OK) {
            FUZZ_ASSERT(h.request_kind != NULL, "hashes without a request kind");
            FUZZ_ASSERT(strlen(h.current) == 0 || strlen(h.current) == 64, "current hash %s",
                        h.current);
        }
        recval_hashes_free(&h);
    }
}

/* Loads a part as replay loads recordings: 0, or -1 when it is not JSON. */
static int load_part(const char *text, size_t len, rv_file *f)
{
    char *copy = malloc(len + 1);
    FUZZ_ASSERT(copy != NULL, "out of memory");
    memcpy(copy, text, len);
    copy[len] = '\0';
    return rv_file_load_text(fuzz_validator(), "recordings/fuzz.json", copy, len, f);
}

/* Folds the loaded files as rv_replay_fill_answer() does for n recordings. */
static void fold(rv_file *files, size_t n)
{
    recval_replay_result out;
    memset(&out, 0, sizeof out);
    rv_replay_fill_answer(files, n, &out);
    check_answer(&out);
    recval_replay_result_free(&out);
    for (size_t i = 0; i < n; i++) {
        rv_stream_free(files[i].stream);
        files[i].stream = NULL;
    }
}

static void diff_bodies(rv_file *a, rv_file *b)
{
    json_object *x = rv_replay_hashed_body(a->request), *y = rv_replay_hashed_body(b->request);
    recval_body_diff *diffs = NULL;
    size_t ndiffs = 0;
    strbuf at = STRBUF_INIT;
    size_t total = rv_replay_diff(x, y, &at, &diffs, &ndiffs, REPLAY_MAX_DIFFS);
    FUZZ_ASSERT(ndiffs <= REPLAY_MAX_DIFFS && ndiffs <= total, "%zu diffs of %zu kept", ndiffs,
                total);
    for (size_t i = 0; i < ndiffs; i++) {
        FUZZ_ASSERT(diffs[i].pointer && diffs[i].message, "a diff with a NULL member");
        free(diffs[i].pointer);
        free(diffs[i].message);
    }
    free(diffs);
    rv_sb_free(&at);
}

/* Stores the part under the name replay looks it up by; 0 when stored. */
static int store(const char *text, size_t len)
{
    recval_hashes h;
    memset(&h, 0, sizeof h);
    int rc = recval_hash_request(fuzz_validator(), text, len, TEST_ID, &h);
    stored[0] = '\0';
    if (rc == RECVAL_OK && h.current[0]) {
        if (h.is_model_list)
            snprintf(stored, sizeof stored, "%s/models-%s-%s.json", test_dir, h.current,
                     h.models_digest[0] ? h.models_digest : "00000000");
        else
            snprintf(stored, sizeof stored, "%s/%s.json", test_dir, h.current);
        FILE *f = fopen(stored, "wb");
        FUZZ_ASSERT(f != NULL, "cannot write %s", stored);
        FUZZ_ASSERT(fwrite(text, 1, len, f) == len && fclose(f) == 0, "cannot write %s", stored);
    }
    recval_hashes_free(&h);
    return stored[0] ? 0 : -1;
}

static void replay(const char *text, size_t len, int must_find)
{
    recval_replay_options o = {
        .root = root, .recording_dir = "rec", .test_id = TEST_ID, .max_nearest = 3};
    recval_replay_result r;
    int rc = recval_replay(fuzz_validator(), text, len, &o, &r);
    if (rc == RECVAL_OK) {
        FUZZ_ASSERT(r.found || !must_find, "the stored recording was not found");
        if (r.found)
            check_answer(&r);
        for (size_t i = 0; i < r.nnearest; i++)
            FUZZ_ASSERT(r.nearest[i].path != NULL, "a nearest recording without a path");
    }
    recval_replay_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_tree();
    const uint8_t *nul = memchr(data, 0, size);
    const char *part[2] = {(const char *)data, nul ? (const char *)nul + 1 : NULL};
    size_t len[2] = {nul ? (size_t)(nul - data) : size, nul ? size - (size_t)(nul - data) - 1 : 0};
    size_t nparts = nul ? 2 : 1;

    rv_file files[2];
    int loaded[2] = {-1, -1};
    for (size_t i = 0; i < nparts; i++) {
        hash_part(part[i], len[i]);
        loaded[i] = load_part(part[i], len[i], &files[i]);
        if (loaded[i] == 0)
            fold(&files[i], 1);
    }
    if (nparts == 2 && loaded[0] == 0 && loaded[1] == 0) {
        diff_bodies(&files[0], &files[1]);
        if (files[0].kind == RV_KIND_MODEL_LIST && files[1].kind == RV_KIND_MODEL_LIST)
            fold(files, 2);
    }
    for (size_t i = 0; i < nparts; i++)
        rv_file_release(&files[i]);

    if (store(part[0], len[0]) == 0) {
        /* Stored under the name its own hash gives: it must be found. */
        replay(part[0], len[0], 1);
        if (nparts == 2)
            replay(part[1], len[1], 0);
        unlink(stored);
        stored[0] = '\0';
    }
    return 0;
}
