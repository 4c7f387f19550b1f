/* Non-negative big integers, little-endian limbs in base 10^9. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/num.h"

#define BASE 1000000000u

static ck_status reserve(ck_bigint *b, size_t n)
{
    if (n <= b->cap)
        return CK_OK;
    size_t cap = b->cap ? b->cap : 4;
    while (cap < n)
        cap *= 2;
    uint32_t *p = realloc(b->limb, cap * sizeof *p);
    if (!p)
        return CK_ENOMEM;
    b->limb = p;
    b->cap = cap;
    return CK_OK;
}

static void trim(ck_bigint *b)
{
    while (b->len > 1 && b->limb[b->len - 1] == 0)
        b->len--;
}

ck_status ck_big_init(ck_bigint *b, uint64_t v)
{
    b->limb = NULL;
    b->len = b->cap = 0;
    if (reserve(b, 3) != CK_OK)
        return CK_ENOMEM;
    do {
        b->limb[b->len++] = (uint32_t)(v % BASE);
        v /= BASE;
    } while (v);
    return CK_OK;
}

void ck_big_free(ck_bigint *b)
{
    free(b->limb);
    b->limb = NULL;
    b->len = b->cap = 0;
}

ck_status ck_big_copy(ck_bigint *dst, const ck_bigint *src)
{
    if (reserve(dst, src->len) != CK_OK)
        return CK_ENOMEM;
    memcpy(dst->limb, src->limb, src->len * sizeof *src->limb);
    dst->len = src->len;
    return CK_OK;
}

ck_status ck_big_add(ck_bigint *r, const ck_bigint *a, const ck_bigint *b)
{
    size_t n = a->len > b->len ? a->len : b->len;
    uint32_t *tmp = malloc((n + 1) * sizeof *tmp);
    if (!tmp)
        return CK_ENOMEM;
    uint32_t carry = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = carry + (i < a->len ? a->limb[i] : 0) + (i < b->len ? b->limb[i] : 0);
        carry = s >= BASE;
        tmp[i] = carry ? s - BASE : s;
    }
    tmp[n] = carry;
    if (reserve(r, n + 1) != CK_OK) {
        free(tmp);
        return CK_ENOMEM;
    }
    memcpy(r->limb, tmp, (n + 1) * sizeof *tmp);
    r->len = n + 1;
    trim(r);
    free(tmp);
    return CK_OK;
}

ck_status ck_big_mul_small(ck_bigint *b, uint32_t m)
{
    uint64_t carry = 0;
    for (size_t i = 0; i < b->len; i++) {
        uint64_t v = (uint64_t)b->limb[i] * m + carry;
        b->limb[i] = (uint32_t)(v % BASE);
        carry = v / BASE;
    }
    while (carry) {
        if (reserve(b, b->len + 1) != CK_OK)
            return CK_ENOMEM;
        b->limb[b->len++] = (uint32_t)(carry % BASE);
        carry /= BASE;
    }
    trim(b);
    return CK_OK;
}

ck_status ck_big_mul(ck_bigint *r, const ck_bigint *a, const ck_bigint *b)
{
    size_t n = a->len + b->len;
    uint64_t *acc = calloc(n, sizeof *acc);
    if (!acc)
        return CK_ENOMEM;
    for (size_t i = 0; i < a->len; i++) {
        uint64_t carry = 0;
        for (size_t j = 0; j < b->len; j++) {
            uint64_t v = acc[i + j] + (uint64_t)a->limb[i] * b->limb[j] + carry;
            acc[i + j] = v % BASE;
            carry = v / BASE;
        }
        size_t k = i + b->len;
        while (carry) {
            uint64_t v = acc[k] + carry;
            acc[k++] = v % BASE;
            carry = v / BASE;
        }
    }
    if (reserve(r, n) != CK_OK) {
        free(acc);
        return CK_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        r->limb[i] = (uint32_t)acc[i];
    r->len = n;
    trim(r);
    free(acc);
    return CK_OK;
}

char *ck_big_to_string(const ck_bigint *b)
{
    char *s = malloc(b->len * 9 + 1);
    if (!s)
        return NULL;
    int n = sprintf(s, "%u", b->limb[b->len - 1]);
    for (size_t i = b->len - 1; i-- > 0;)
        n += sprintf(s + n, "%09u", b->limb[i]);
    return s;
}

ck_status ck_big_factorial(ck_bigint *r, uint32_t n)
{
    ck_status st = ck_big_init(r, 1);
    for (uint32_t i = 2; st == CK_OK && i <= n; i++)
        st = ck_big_mul_small(r, i);
    return st;
}

ck_status ck_big_fibonacci(ck_bigint *r, uint32_t n)
{
    ck_bigint a, b;
    ck_status st = ck_big_init(&a, 0);
    if (st != CK_OK)
        return st;
    if ((st = ck_big_init(&b, 1)) != CK_OK) {
        ck_big_free(&a);
        return st;
    }
    for (uint32_t i = 0; i < n && st == CK_OK; i++) {
        st = ck_big_add(&a, &a, &b);       /* a, b = b, a + b  via a += b; swap */
        ck_bigint t = a; a = b; b = t;
    }
    ck_big_free(&b);
    *r = a;
    return st;
}

ck_status ck_big_pow(ck_bigint *r, uint32_t base, uint32_t exp)
{
    ck_bigint result, sq;
    ck_status st = ck_big_init(&result, 1);
    if (st != CK_OK)
        return st;
    if ((st = ck_big_init(&sq, base)) != CK_OK) {
        ck_big_free(&result);
        return st;
    }
    while (exp && st == CK_OK) {
        if (exp & 1)
            st = ck_big_mul(&result, &result, &sq);
        exp >>= 1;
        if (exp && st == CK_OK)
            st = ck_big_mul(&sq, &sq, &sq);
    }
    ck_big_free(&sq);
    *r = result;
    return st;
}
