/* fuzz_check.c - libFuzzer harness of recval_check_buffer(): the input is
 * one recording, checked under three of the path styles the rules tell
 * apart, picked by the input's length so that a run is repeatable: one
 * fixed path (a current hash name, a legacy 12-digit name, a model list,
 * names that are no recorder name, odd paths), one named by the input's
 * own hashes (current, legacy or model list), and a current hash name
 * under a validator with a small nesting and size limit and the schema
 * family ignored; then the run-level duplicate check over the results.
 * The text is handed over without a trailing NUL, as the API allows. */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

/* Paths that do not depend on the input. */
static const char *const fixed_paths[] = {
    "recordings/" HEX64 ".json",
    "tests/integration/recordings/responses/0123456789ab.json",
    "recordings/models-" HEX64 "-deadbeef.json",
    "x",
    "",
    "dir/",
    "/.json",
    "a b/\xc3\xbc\x01name.JSON",
    "models-.json",
    "recordings/0123456789AB.json",
};
#define NFIXED (sizeof fixed_paths / sizeof fixed_paths[0])
/* Paths named by the input's own hashes: current, legacy, model list. */
#define NDERIVED 3

static const recval_validator *strict_validator(void)
{
    static recval_validator *v;
    if (!v) {
        recval_options o = {.max_depth = 24, .max_file_size = 4096, .ignore = "schema"};
        v = recval_validator_new(&o);
        FUZZ_ASSERT(v != NULL, "recval_validator_new: %s", recval_last_error());
    }
    return v;
}

/* Fills paths[NFIXED..] with names made from the input's hashes ("" when
 * it has none). */
static void derived_paths(const char *text, size_t len, char out[NDERIVED][128])
{
    for (size_t i = 0; i < NDERIVED; i++)
        out[i][0] = '\0';
    recval_hashes h;
    memset(&h, 0, sizeof h);
    if (recval_hash_request(fuzz_validator(), text, len, NULL, &h) != RECVAL_OK)
        return;
    if (h.current[0])
        snprintf(out[0], sizeof out[0], "recordings/%s.json", h.current);
    if (h.legacy[0])
        snprintf(out[1], sizeof out[1], "recordings/responses/%.12s.json", h.legacy);
    if (h.current[0])
        snprintf(out[2], sizeof out[2], "recordings/models-%s-%s.json", h.current,
                 h.models_digest[0] ? h.models_digest : "00000000");
    recval_hashes_free(&h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy: no NUL after the text, so ASan sees any read
     * past len. */
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    char derived[NDERIVED][128];
    derived_paths(text, size, derived);

    const char *paths[2] = {fixed_paths[size % NFIXED], derived[size % NDERIVED]};
    recval_result results[3];
    size_t n = 0;
    for (size_t i = 0; i < 2; i++) {
        if (!*paths[i])
            continue;
        int rc = recval_check_buffer(fuzz_validator(), paths[i], text, size, &results[n]);
        FUZZ_ASSERT(rc == RECVAL_OK, "recval_check_buffer(%s) = %d", paths[i], rc);
        fuzz_check_result(&results[n]);
        n++;
    }
    int rc = recval_check_buffer(strict_validator(), fixed_paths[0], text, size, &results[n]);
    FUZZ_ASSERT(rc == RECVAL_OK, "recval_check_buffer(strict) = %d", rc);
    fuzz_check_result(&results[n]);
    n++;

    size_t added = 0;
    recval_status st = recval_check_duplicates(results, n, &added);
    FUZZ_ASSERT(st == RECVAL_OK, "recval_check_duplicates = %d", (int)st);
    for (size_t i = 0; i < n; i++) {
        fuzz_check_result(&results[i]);
        recval_result_free(&results[i]);
    }
    free(text);
    return 0;
}
