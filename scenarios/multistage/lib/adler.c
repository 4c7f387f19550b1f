/* Adler-32 (RFC 1950) and the two Fletcher checksums. */
#include "ckit/hash.h"

#define ADLER_MOD 65521u
#define ADLER_NMAX 5552   /* largest n with 255n(n+1)/2 + (n+1)(MOD-1) < 2^32 */

uint32_t ck_adler32(uint32_t adler, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t a = adler & 0xffff, b = adler >> 16;
    while (len) {
        size_t n = len < ADLER_NMAX ? len : ADLER_NMAX;
        len -= n;
        while (n >= 8) {
            a += p[0]; b += a; a += p[1]; b += a;
            a += p[2]; b += a; a += p[3]; b += a;
            a += p[4]; b += a; a += p[5]; b += a;
            a += p[6]; b += a; a += p[7]; b += a;
            p += 8;
            n -= 8;
        }
        while (n--) {
            a += *p++;
            b += a;
        }
        a %= ADLER_MOD;
        b %= ADLER_MOD;
    }
    return b << 16 | a;
}

uint16_t ck_fletcher16(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint32_t s1 = 0, s2 = 0;
    while (len) {
        size_t n = len > 5802 ? 5802 : len;
        len -= n;
        while (n--) {
            s1 += *p++;
            s2 += s1;
        }
        s1 %= 255;
        s2 %= 255;
    }
    return (uint16_t)(s2 << 8 | s1);
}

uint32_t ck_fletcher32(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t s1 = 0, s2 = 0;
    while (len) {
        size_t words = len / 2 > 359 ? 359 : len / 2;
        if (words == 0) {              /* one byte left: zero padded */
            s1 += p[0];
            s2 += s1;
            len = 0;
        } else {
            for (size_t i = 0; i < words; i++) {
                s1 += (uint32_t)p[0] | (uint32_t)p[1] << 8;
                s2 += s1;
                p += 2;
            }
            len -= words * 2;
        }
        s1 %= 65535;
        s2 %= 65535;
    }
    return (uint32_t)(s2 << 16 | s1);
}
