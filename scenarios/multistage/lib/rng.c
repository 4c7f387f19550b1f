/* PCG32 (O'Neill, pcg-random.org): XSH-RR output on a 64-bit LCG. */
#include "ckit/num.h"

void ck_rng_seed(ck_rng *r, uint64_t seed, uint64_t seq)
{
    r->state = 0;
    r->inc = seq << 1 | 1;
    ck_rng_next(r);
    r->state += seed;
    ck_rng_next(r);
}

uint32_t ck_rng_next(ck_rng *r)
{
    uint64_t old = r->state;
    r->state = old * 6364136223846793005ULL + r->inc;
    uint32_t xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    uint32_t rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31));
}

uint32_t ck_rng_below(ck_rng *r, uint32_t bound)
{
    if (bound == 0)
        return 0;
    uint32_t threshold = -bound % bound;
    for (;;) {
        uint32_t v = ck_rng_next(r);
        if (v >= threshold)
            return v % bound;
    }
}

double ck_rng_double(ck_rng *r)
{
    uint64_t hi = ck_rng_next(r) >> 5, lo = ck_rng_next(r) >> 6;   /* 53 random bits */
    return (double)(hi << 26 | lo) / 9007199254740992.0;
}
