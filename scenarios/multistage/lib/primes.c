/* Primes: an odd-only sieve, deterministic Miller-Rabin, Pollard's rho factorisation. */
#include <stdlib.h>
#include "ckit/container.h"
#include "ckit/num.h"

ck_status ck_primes_upto(uint64_t limit, uint64_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (limit < 2)
        return CK_OK;
    if (limit > (uint64_t)1 << 34)
        return CK_ERANGE;
    size_t n = (size_t)((limit - 1) / 2);    /* bit i stands for 2i+3 */
    ck_bitset composite;
    if (ck_bitset_init(&composite, n) != CK_OK)
        return CK_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        uint64_t p = 2 * i + 3;
        if (p * p > limit)
            break;
        if (ck_bitset_test(&composite, i))
            continue;
        for (uint64_t m = p * p; m <= limit; m += 2 * p)
            ck_bitset_set(&composite, (size_t)((m - 3) / 2));
    }
    size_t total = 1 + n - ck_bitset_count(&composite);
    uint64_t *v = malloc(total * sizeof *v);
    if (!v) {
        ck_bitset_free(&composite);
        return CK_ENOMEM;
    }
    size_t k = 0;
    v[k++] = 2;
    for (size_t i = 0; i < n; i++)
        if (!ck_bitset_test(&composite, i))
            v[k++] = 2 * i + 3;
    ck_bitset_free(&composite);
    *out = v;
    *count = k;
    return CK_OK;
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m)
{
    return (uint64_t)((unsigned __int128)a * b % m);
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m)
{
    uint64_t r = 1;
    b %= m;
    while (e) {
        if (e & 1)
            r = mulmod(r, b, m);
        b = mulmod(b, b, m);
        e >>= 1;
    }
    return r;
}

int ck_is_prime(uint64_t n)
{
    static const uint64_t small[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
    if (n < 2)
        return 0;
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        if (n == small[i])
            return 1;
        if (n % small[i] == 0)
            return 0;
    }
    uint64_t d = n - 1;
    int s = 0;
    while ((d & 1) == 0) {
        d >>= 1;
        s++;
    }
    /* these bases are a proof for every n < 2^64 */
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        uint64_t x = powmod(small[i], d, n);
        if (x == 1 || x == n - 1)
            continue;
        int composite = 1;
        for (int r = 1; r < s; r++) {
            x = mulmod(x, x, n);
            if (x == n - 1) {
                composite = 0;
                break;
            }
        }
        if (composite)
            return 0;
    }
    return 1;
}

uint64_t ck_gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

static uint64_t rho(uint64_t n, uint64_t c)
{
    uint64_t x = 2, y = 2, d = 1;
    while (d == 1) {
        x = (mulmod(x, x, n) + c) % n;
        y = (mulmod(y, y, n) + c) % n;
        y = (mulmod(y, y, n) + c) % n;
        d = ck_gcd(x > y ? x - y : y - x, n);
    }
    return d;
}

static size_t factor_rec(uint64_t n, uint64_t *out, size_t k)
{
    if (n == 1)
        return k;
    if (ck_is_prime(n)) {
        out[k++] = n;
        return k;
    }
    uint64_t d = n;
    for (uint64_t c = 1; d == n; c++)
        d = rho(n, c);
    k = factor_rec(d, out, k);
    return factor_rec(n / d, out, k);
}

static int cmp_u64(const void *a, const void *b, void *ctx)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    (void)ctx;
    return (x > y) - (x < y);
}

size_t ck_factorize(uint64_t n, uint64_t out[64])
{
    size_t k = 0;
    if (n < 2)
        return 0;
    for (uint64_t p = 2; p < 1000 && p * p <= n; p += (p == 2 ? 1 : 2)) {
        while (n % p == 0) {
            out[k++] = p;
            n /= p;
        }
    }
    k = factor_rec(n, out, k);
    ck_msort(out, k, sizeof out[0], cmp_u64, NULL);
    return k;
}
