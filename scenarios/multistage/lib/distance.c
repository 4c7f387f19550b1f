/* Edit distance and longest common subsequence, two-row dynamic programming. */
#include <stdlib.h>
#include "ckit/text.h"

size_t ck_levenshtein(const char *a, size_t alen, const char *b, size_t blen)
{
    if (alen < blen) {
        const char *t = a; a = b; b = t;
        size_t tl = alen; alen = blen; blen = tl;
    }
    size_t *row = malloc((blen + 1) * sizeof *row);
    if (!row)
        return (size_t)-1;
    for (size_t j = 0; j <= blen; j++)
        row[j] = j;
    for (size_t i = 1; i <= alen; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= blen; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = diag + cost;
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[blen];
    free(row);
    return d;
}

size_t ck_lcs_length(const char *a, size_t alen, const char *b, size_t blen)
{
    size_t *prev = calloc(blen + 1, sizeof *prev), *cur = calloc(blen + 1, sizeof *cur);
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return (size_t)-1;
    }
    for (size_t i = 1; i <= alen; i++) {
        for (size_t j = 1; j <= blen; j++) {
            if (a[i - 1] == b[j - 1])
                cur[j] = prev[j - 1] + 1;
            else
                cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
        }
        size_t *t = prev; prev = cur; cur = t;
    }
    size_t r = prev[blen];
    free(prev);
    free(cur);
    return r;
}
