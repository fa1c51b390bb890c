/* harness.h - what the fuzz harnesses (fuzz/fuzz_*.c) share: the libFuzzer
 * entry point they each define, a validator made once per process, and
 * checks of the invariants every recval_result must keep. A broken
 * invariant aborts, which libFuzzer and the regression driver
 * (fuzz/driver.c) both report as a finding. */
#ifndef RECVAL_FUZZ_HARNESS_H
#define RECVAL_FUZZ_HARNESS_H

#include "recval.h"

#include <stddef.h>
#include <stdint.h>

/* The entry point of every harness: returns 0, aborts on a finding. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts with a message naming the broken invariant when cond is false. */
#define FUZZ_ASSERT(cond, ...)                                                                     \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);                                     \
    } while (0)

void fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
    __attribute__((noreturn, format(printf, 4, 5)));

/* The default validator, made on first use and kept for the process (its
 * compiled schemas are expensive to rebuild per input). */
const recval_validator *fuzz_validator(void);

/* Checks what every result must hold: a path, a kind, diagnostics with a
 * rule, message and pointer, 1-based positions, severities counted right,
 * sorted as documented. */
void fuzz_check_result(const recval_result *r);

/* A malloc'd NUL-terminated copy of data[0..size). */
char *fuzz_strndup(const uint8_t *data, size_t size);

#endif
