/* CRC-16 variants from the CRC catalogue:
 *   CRC-16/CCITT-FALSE  poly 0x1021, init 0xFFFF, not reflected  (check 0x29B1)
 *   CRC-16/ARC          poly 0x8005, init 0x0000, reflected       (check 0xBB3D) */
#include "ckit/hash.h"

static uint16_t ccitt_table[256];
static uint16_t arc_table[256];
static int tables_ready;

static void build_tables(void)
{
    for (unsigned i = 0; i < 256; i++) {
        uint16_t c = (uint16_t)(i << 8);
        for (int k = 0; k < 8; k++)
            c = (c & 0x8000) ? (uint16_t)((c << 1) ^ 0x1021) : (uint16_t)(c << 1);
        ccitt_table[i] = c;

        uint16_t r = (uint16_t)i;
        for (int k = 0; k < 8; k++)
            r = (r & 1) ? (uint16_t)((r >> 1) ^ 0xA001) : (uint16_t)(r >> 1);
        arc_table[i] = r;
    }
    tables_ready = 1;
}

uint16_t ck_crc16_ccitt(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint16_t crc = 0xFFFF;
    if (!tables_ready)
        build_tables();
    while (len--)
        crc = (uint16_t)((crc << 8) ^ ccitt_table[((crc >> 8) ^ *p++) & 0xff]);
    return crc;
}

uint16_t ck_crc16_arc(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint16_t crc = 0;
    if (!tables_ready)
        build_tables();
    while (len--)
        crc = (uint16_t)((crc >> 8) ^ arc_table[(crc ^ *p++) & 0xff]);
    return crc;
}
