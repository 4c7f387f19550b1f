/* Stable merge sort: insertion sort on short runs, then bottom-up merging through a buffer. */
#include <stdlib.h>
#include <string.h>
#include "ckit/container.h"

#define RUN 16

static void insertion(char *base, size_t n, size_t size, ck_cmp_fn cmp, void *ctx, char *tmp)
{
    for (size_t i = 1; i < n; i++) {
        size_t j = i;
        memcpy(tmp, base + i * size, size);
        while (j > 0 && cmp(base + (j - 1) * size, tmp, ctx) > 0) {
            memcpy(base + j * size, base + (j - 1) * size, size);
            j--;
        }
        if (j != i)
            memcpy(base + j * size, tmp, size);
    }
}

static void merge(const char *src, char *dst, size_t lo, size_t mid, size_t hi,
                  size_t size, ck_cmp_fn cmp, void *ctx)
{
    size_t i = lo, j = mid, k = lo;
    while (i < mid && j < hi) {
        if (cmp(src + j * size, src + i * size, ctx) < 0)
            memcpy(dst + k++ * size, src + j++ * size, size);
        else
            memcpy(dst + k++ * size, src + i++ * size, size);
    }
    if (i < mid)
        memcpy(dst + k * size, src + i * size, (mid - i) * size);
    else if (j < hi)
        memcpy(dst + k * size, src + j * size, (hi - j) * size);
}

ck_status ck_msort(void *base, size_t n, size_t size, ck_cmp_fn cmp, void *ctx)
{
    if (n < 2)
        return CK_OK;
    char *a = base;
    char *buf = malloc(n * size + size);
    if (!buf)
        return CK_ENOMEM;
    char *tmp = buf + n * size;
    for (size_t lo = 0; lo < n; lo += RUN)
        insertion(a + lo * size, n - lo < RUN ? n - lo : RUN, size, cmp, ctx, tmp);

    char *src = a, *dst = buf;
    for (size_t width = RUN; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            merge(src, dst, lo, mid, hi, size, cmp, ctx);
        }
        char *t = src; src = dst; dst = t;
    }
    if (src != a)
        memcpy(a, src, n * size);
    free(buf);
    return CK_OK;
}
