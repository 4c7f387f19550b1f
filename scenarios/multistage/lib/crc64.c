/* CRC-64/XZ: reflected ECMA-182 polynomial 0xC96C5795D7870F42, init and xorout all ones. */
#include "ckit/hash.h"

static uint64_t table[256];
static int ready;

static void build_table(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint64_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ 0xC96C5795D7870F42ull : c >> 1;
        table[i] = c;
    }
    ready = 1;
}

uint64_t ck_crc64_xz(uint64_t crc, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (!ready)
        build_table();
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}
