/* Numbers: statistics, primes, big integers, random numbers, UUIDs. */
#ifndef CKIT_NUM_H
#define CKIT_NUM_H

#include <stddef.h>
#include <stdint.h>
#include "ckit/status.h"

typedef struct ck_stats {
    size_t n;
    double mean, m2;   /* Welford accumulators */
    double min, max;
} ck_stats;

void ck_stats_init(ck_stats *s);
void ck_stats_add(ck_stats *s, double x);
double ck_stats_variance(const ck_stats *s);   /* sample variance, 0 if n < 2 */
double ck_stats_stddev(const ck_stats *s);
/* Percentile p in [0, 100] with linear interpolation; sorts xs in place. */
double ck_percentile(double *xs, size_t n, double p);

/* Primes up to limit (inclusive) via a sieve of Eratosthenes; *out is malloc'ed. */
ck_status ck_primes_upto(uint64_t limit, uint64_t **out, size_t *count);
/* Deterministic Miller-Rabin for 64-bit n. */
int ck_is_prime(uint64_t n);
uint64_t ck_gcd(uint64_t a, uint64_t b);
/* Prime factorisation by trial division and Pollard's rho; returns the number of factors. */
size_t ck_factorize(uint64_t n, uint64_t out[64]);

/* Non-negative big integers in base 10^9. */
typedef struct ck_bigint { uint32_t *limb; size_t len, cap; } ck_bigint;
ck_status ck_big_init(ck_bigint *b, uint64_t v);
void ck_big_free(ck_bigint *b);
ck_status ck_big_add(ck_bigint *r, const ck_bigint *a, const ck_bigint *b);
ck_status ck_big_mul_small(ck_bigint *b, uint32_t m);
ck_status ck_big_mul(ck_bigint *r, const ck_bigint *a, const ck_bigint *b);
ck_status ck_big_copy(ck_bigint *dst, const ck_bigint *src);
char *ck_big_to_string(const ck_bigint *b);  /* malloc'ed */
ck_status ck_big_factorial(ck_bigint *r, uint32_t n);
ck_status ck_big_fibonacci(ck_bigint *r, uint32_t n);
ck_status ck_big_pow(ck_bigint *r, uint32_t base, uint32_t exp);

/* PCG32 random numbers. */
typedef struct ck_rng { uint64_t state, inc; } ck_rng;
void ck_rng_seed(ck_rng *r, uint64_t seed, uint64_t seq);
uint32_t ck_rng_next(ck_rng *r);
uint32_t ck_rng_below(ck_rng *r, uint32_t bound);   /* unbiased in [0, bound) */
double ck_rng_double(ck_rng *r);                    /* in [0, 1) */

/* Random (version 4) UUID text, 36 chars + NUL. */
void ck_uuid4(ck_rng *r, char out[37]);
/* Name-based version 5 (SHA-1) UUID in a namespace given as text. */
ck_status ck_uuid5(const char *ns, const char *name, size_t namelen, char out[37]);

#endif
