/* A minimal test harness: CHECK macros that count failures, and hex comparison. */
#ifndef CKIT_TEST_CHECK_H
#define CKIT_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/codec.h"

static int checks_run, checks_failed;

#define CHECK(cond)                                                         \
    do {                                                                    \
        checks_run++;                                                       \
        if (!(cond)) {                                                      \
            checks_failed++;                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                   \
    } while (0)

#define CHECK_EQ_U64(got, want)                                             \
    do {                                                                    \
        unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want); \
        checks_run++;                                                       \
        if (g_ != w_) {                                                     \
            checks_failed++;                                                \
            fprintf(stderr, "%s:%d: %s = %#llx (%llu), want %#llx (%llu)\n", \
                    __FILE__, __LINE__, #got, g_, g_, w_, w_);              \
        }                                                                   \
    } while (0)

#define CHECK_STR(got, want)                                                \
    do {                                                                    \
        const char *g_ = (got), *w_ = (want);                               \
        checks_run++;                                                       \
        if (!g_ || strcmp(g_, w_) != 0) {                                   \
            checks_failed++;                                                \
            fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n",            \
                    __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_);       \
        }                                                                   \
    } while (0)

/* Compare n bytes with a lower-case hex string. */
static inline void check_hex_at(const char *file, int line, const char *what,
                                const uint8_t *got, size_t n, const char *want)
{
    char *hex = malloc(2 * n + 1);
    checks_run++;
    ck_hex_encode(got, n, hex, 0);
    if (strcmp(hex, want) != 0) {
        checks_failed++;
        fprintf(stderr, "%s:%d: %s = %s, want %s\n", file, line, what, hex, want);
    }
    free(hex);
}
#define CHECK_HEX(got, n, want) check_hex_at(__FILE__, __LINE__, #got, (got), (n), (want))

static inline int check_report(const char *name)
{
    printf("%s: %d checks, %d failed\n", name, checks_run, checks_failed);
    return checks_failed ? 1 : 0;
}

#endif
