/* fuzz_config.c - libFuzzer harness of the two parsers a team's files go
 * through: the configuration file (recval_config_parse(), then a validator
 * made from it) and the --tests list (rv_test_set_read()). The first input
 * byte picks the parser (even: config, odd: test list); the rest is the
 * file's text. Invariants: a config that loads has its path and makes a
 * validator; one that does not says why; every id read from a test list
 * holds "::" and is found again after sorting. */
#include "harness.h"
#include "recval_internal.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The path configs are parsed as: in a directory that does not exist, so
 * that relative `tests` entries name nothing. */
#define CONFIG_PATH "/nonexistent-recval-fuzz/recval.json"

/* True when data[0..size) holds the string s. */
static bool holds(const uint8_t *data, size_t size, const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i + n <= size; i++)
        if (memcmp(data + i, s, n) == 0)
            return true;
    return false;
}

static void fuzz_config_text(const uint8_t *data, size_t size)
{
    /* Absolute test lists are read from disk: keep devices and /proc out. */
    if (holds(data, size, "/dev") || holds(data, size, "/proc") || holds(data, size, "/sys"))
        return;
    recval_config *c = recval_config_parse(CONFIG_PATH, (const char *)data, size);
    if (!c) {
        FUZZ_ASSERT(recval_last_error()[0] != '\0', "%s", "a config refused without a reason");
        return;
    }
    FUZZ_ASSERT(strcmp(recval_config_path(c), CONFIG_PATH) == 0, "path %s", recval_config_path(c));
    int strict = recval_config_strict(c);
    FUZZ_ASSERT(strict >= -1 && strict <= 1, "strict %d", strict);
    recval_options opts = {.config = c, .ignore = "schema"};
    recval_validator *v = recval_validator_new(&opts);
    FUZZ_ASSERT(v != NULL, "a loaded config makes no validator: %s", recval_last_error());
    recval_validator_free(v);
    recval_config_free(c);
}

static void fuzz_test_list(const uint8_t *data, size_t size)
{
    char path[] = "/tmp/recval-fuzz-tests-XXXXXX";
    int fd = mkstemp(path);
    FUZZ_ASSERT(fd >= 0, "%s", "mkstemp failed");
    FUZZ_ASSERT(write(fd, data, size) == (ssize_t)size, "%s", "short write");
    close(fd);
    rv_test_set set = {0};
    FUZZ_ASSERT(rv_test_set_read(&set, path) == 0, "%s", recval_last_error());
    unlink(path);
    rv_test_set_sort(&set);
    for (size_t i = 0; i < set.n; i++) {
        FUZZ_ASSERT(strstr(set.ids[i], "::") != NULL, "id without :: %s", set.ids[i]);
        FUZZ_ASSERT(rv_test_set_has(&set, set.ids[i]), "id not found again %s", set.ids[i]);
    }
    rv_test_set_free(&set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] % 2 == 0)
        fuzz_config_text(data + 1, size - 1);
    else
        fuzz_test_list(data + 1, size - 1);
    return 0;
}
