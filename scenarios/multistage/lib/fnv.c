/* FNV-1a, 32 and 64 bit. */
#include "ckit/hash.h"

uint32_t ck_fnv1a32(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t h = 0x811C9DC5u;
    while (len--) {
        h ^= *p++;
        h *= 0x01000193u;
    }
    return h;
}

uint64_t ck_fnv1a64(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t h = 0xCBF29CE484222325ull;
    while (len--) {
        h ^= *p++;
        h *= 0x00000100000001B3ull;
    }
    return h;
}
