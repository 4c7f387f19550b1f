/* Fixed-size bitset. */
#include <stdlib.h>
#include "ckit/container.h"

ck_status ck_bitset_init(ck_bitset *b, size_t nbits)
{
    b->nbits = nbits;
    b->words = calloc((nbits + 63) / 64 + 1, sizeof *b->words);
    return b->words ? CK_OK : CK_ENOMEM;
}

void ck_bitset_free(ck_bitset *b)
{
    free(b->words);
    b->words = NULL;
    b->nbits = 0;
}

void ck_bitset_set(ck_bitset *b, size_t i) { b->words[i / 64] |= 1ull << (i % 64); }
void ck_bitset_clear(ck_bitset *b, size_t i) { b->words[i / 64] &= ~(1ull << (i % 64)); }
int ck_bitset_test(const ck_bitset *b, size_t i) { return (b->words[i / 64] >> (i % 64)) & 1; }

size_t ck_bitset_count(const ck_bitset *b)
{
    size_t n = 0;
    for (size_t i = 0; i < (b->nbits + 63) / 64; i++)
        n += (size_t)__builtin_popcountll(b->words[i]);
    return n;
}
