/* CRC-32 (reflected polynomial 0xEDB88320) and CRC-32C (0x82F63B78),
 * slicing-by-4 tables built on first use. */
#include <pthread.h>
#include "ckit/hash.h"

typedef struct crc_tables { uint32_t t[4][256]; } crc_tables;

static crc_tables ieee, castagnoli;
static pthread_once_t ieee_once = PTHREAD_ONCE_INIT;
static pthread_once_t castagnoli_once = PTHREAD_ONCE_INIT;

static void build(crc_tables *tb, uint32_t poly)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = (c & 1) ? (c >> 1) ^ poly : c >> 1;
        tb->t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = tb->t[0][i];
        for (int s = 1; s < 4; s++) {
            c = tb->t[0][c & 0xff] ^ (c >> 8);
            tb->t[s][i] = c;
        }
    }
}

static void build_ieee(void) { build(&ieee, 0xEDB88320u); }
static void build_castagnoli(void) { build(&castagnoli, 0x82F63B78u); }

static uint32_t run(const crc_tables *tb, uint32_t crc, const uint8_t *p, size_t len)
{
    crc = ~crc;
    while (len && ((uintptr_t)p & 3)) {
        crc = tb->t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
        len--;
    }
    while (len >= 4) {
        crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
        crc = tb->t[3][crc & 0xff] ^ tb->t[2][(crc >> 8) & 0xff] ^
              tb->t[1][(crc >> 16) & 0xff] ^ tb->t[0][crc >> 24];
        p += 4;
        len -= 4;
    }
    while (len--)
        crc = tb->t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

uint32_t ck_crc32(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&ieee_once, build_ieee);
    return run(&ieee, crc, data, len);
}

uint32_t ck_crc32c(uint32_t crc, const void *data, size_t len)
{
    pthread_once(&castagnoli_once, build_castagnoli);
    return run(&castagnoli, crc, data, len);
}
