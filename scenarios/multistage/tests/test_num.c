/* Statistics, primes, big integers, random numbers, UUIDs. */
#include <math.h>
#include "ckit/ckit.h"
#include "check.h"

static void test_stats(void)
{
    ck_stats s;
    double xs[] = {2, 4, 4, 4, 5, 5, 7, 9};
    ck_stats_init(&s);
    for (int i = 0; i < 8; i++)
        ck_stats_add(&s, xs[i]);
    CHECK(fabs(s.mean - 5.0) < 1e-12);
    CHECK(fabs(ck_stats_variance(&s) - 32.0 / 7.0) < 1e-12);
    CHECK(s.min == 2 && s.max == 9);
    CHECK(fabs(ck_percentile(xs, 8, 50) - 4.5) < 1e-12);
    CHECK(ck_percentile(xs, 8, 0) == 2 && ck_percentile(xs, 8, 100) == 9);
    CHECK(fabs(ck_percentile(xs, 8, 90) - 7.6) < 1e-12);
    CHECK(isnan(ck_percentile(xs, 0, 50)));
}

static void test_primes(void)
{
    uint64_t *p;
    size_t n;
    CHECK(ck_primes_upto(1000000, &p, &n) == CK_OK);
    CHECK_EQ_U64(n, 78498);
    CHECK_EQ_U64(p[0], 2);
    CHECK_EQ_U64(p[n - 1], 999983);
    int agree = 1;
    for (size_t i = 0, k = 0; i <= 100000; i++) {     /* sieve and Miller-Rabin agree */
        int in_sieve = k < n && p[k] == i;
        if (in_sieve)
            k++;
        if (in_sieve != ck_is_prime(i))
            agree = 0;
    }
    CHECK(agree);
    free(p);
    CHECK(ck_primes_upto(1, &p, &n) == CK_OK && n == 0);
    CHECK(ck_primes_upto(2, &p, &n) == CK_OK && n == 1);
    free(p);

    CHECK(ck_is_prime(2305843009213693951ull));        /* 2^61 - 1 */
    CHECK(ck_is_prime(18446744073709551557ull));       /* largest 64-bit prime */
    CHECK(!ck_is_prime(3215031751ull));                /* strong pseudoprime to 2, 3, 5, 7 */
    CHECK(!ck_is_prime(18446744073709551615ull));
    CHECK_EQ_U64(ck_gcd(1071, 462), 21);

    uint64_t f[64];
    size_t k = ck_factorize(600851475143ull, f);
    CHECK(k == 4 && f[0] == 71 && f[1] == 839 && f[2] == 1471 && f[3] == 6857);
    k = ck_factorize(1024, f);
    CHECK(k == 10 && f[9] == 2);
    k = ck_factorize(18446744073709551615ull, f);      /* 3 5 17 257 641 65537 6700417 */
    CHECK(k == 7 && f[0] == 3 && f[6] == 6700417);
    k = ck_factorize(10403ull * 1000003ull, f);         /* 101 103 1000003: rho territory */
    CHECK(k == 3 && f[0] == 101 && f[1] == 103 && f[2] == 1000003);
    CHECK_EQ_U64(ck_factorize(1, f), 0);
}

static void check_big(ck_status st, ck_bigint *b, const char *want, int line)
{
    char *s = st == CK_OK ? ck_big_to_string(b) : NULL;
    checks_run++;
    if (!s || strcmp(s, want) != 0) {
        checks_failed++;
        fprintf(stderr, "test_num.c:%d: got %s, want %s\n", line, s ? s : "(error)", want);
    }
    free(s);
    ck_big_free(b);
}

static void test_bigint(void)
{
    ck_bigint b, c, r;
    check_big(ck_big_factorial(&b, 0), &b, "1", __LINE__);
    check_big(ck_big_factorial(&b, 25), &b, "15511210043330985984000000", __LINE__);
    check_big(ck_big_fibonacci(&b, 0), &b, "0", __LINE__);
    check_big(ck_big_fibonacci(&b, 100), &b, "354224848179261915075", __LINE__);
    check_big(ck_big_pow(&b, 2, 100), &b, "1267650600228229401496703205376", __LINE__);
    check_big(ck_big_pow(&b, 7, 0), &b, "1", __LINE__);
    check_big(ck_big_pow(&b, 10, 27), &b, "1000000000000000000000000000", __LINE__);
    ck_big_init(&b, 999999999999999999ull);
    ck_big_init(&c, 1);
    ck_big_init(&r, 0);
    CHECK(ck_big_add(&r, &b, &c) == CK_OK);
    check_big(CK_OK, &r, "1000000000000000000", __LINE__);
    ck_big_init(&r, 0);
    CHECK(ck_big_mul(&r, &b, &b) == CK_OK);
    check_big(CK_OK, &r, "999999999999999998000000000000000001", __LINE__);
    ck_big_free(&b);
    ck_big_free(&c);
}

static void test_rng_uuid(void)
{
    ck_rng a, b;
    ck_rng_seed(&a, 42, 54);
    ck_rng_seed(&b, 42, 54);
    int same = 1, in_range = 1;
    for (int i = 0; i < 1000; i++)
        if (ck_rng_next(&a) != ck_rng_next(&b))
            same = 0;
    for (int i = 0; i < 1000; i++) {
        double d = ck_rng_double(&a);
        if (d < 0 || d >= 1 || ck_rng_below(&a, 10) >= 10)
            in_range = 0;
    }
    CHECK(same);
    CHECK(in_range);
    /* the PCG reference: pcg32_srandom(42, 54) then six outputs */
    ck_rng_seed(&a, 42, 54);
    CHECK_EQ_U64(ck_rng_next(&a), 0xa15c02b7);
    CHECK_EQ_U64(ck_rng_next(&a), 0x7b47f409);
    CHECK_EQ_U64(ck_rng_next(&a), 0xba1d3330);

    char u[37];
    ck_uuid4(&a, u);
    CHECK(strlen(u) == 36 && u[8] == '-' && u[14] == '4');
    CHECK(u[19] == '8' || u[19] == '9' || u[19] == 'a' || u[19] == 'b');
    CHECK(ck_uuid5("dns", "example.org", 11, u) == CK_OK);
    CHECK_STR(u, "aad03681-8b63-5304-89e0-8ca8f49461b5");
    CHECK(ck_uuid5("6ba7b811-9dad-11d1-80b4-00c04fd430c8", "https://example.org/", 20, u) == CK_OK);
    CHECK_STR(u, "527dda32-a0de-5105-a042-cb475b5f7d11");
    CHECK(ck_uuid5("not-a-uuid", "x", 1, u) == CK_EINVAL);
}

int main(void)
{
    test_stats();
    test_primes();
    test_bigint();
    test_rng_uuid();
    return check_report("test_num");
}
