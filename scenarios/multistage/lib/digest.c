/* Registry of every hash in the library by name, and HMAC (RFC 2104) over it. */
#include <stdlib.h>
#include <string.h>
#include "ckit/digest.h"
#include "ckit/hash.h"

static void put_be(uint8_t *out, uint64_t v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(v >> (8 * (n - 1 - i)));
}

static void do_md5(const void *d, size_t n, uint8_t *out)
{
    ck_md5 c;
    ck_md5_init(&c);
    ck_md5_update(&c, d, n);
    ck_md5_final(&c, out);
}

static void do_sha1(const void *d, size_t n, uint8_t *out)
{
    ck_sha1 c;
    ck_sha1_init(&c);
    ck_sha1_update(&c, d, n);
    ck_sha1_final(&c, out);
}

static void do_sha224(const void *d, size_t n, uint8_t *out)
{
    ck_sha256 c;
    ck_sha224_init(&c);
    ck_sha256_update(&c, d, n);
    ck_sha256_final(&c, out);
}

static void do_sha256(const void *d, size_t n, uint8_t *out)
{
    ck_sha256 c;
    ck_sha256_init(&c);
    ck_sha256_update(&c, d, n);
    ck_sha256_final(&c, out);
}

static void do_sha384(const void *d, size_t n, uint8_t *out)
{
    ck_sha512 c;
    ck_sha384_init(&c);
    ck_sha512_update(&c, d, n);
    ck_sha512_final(&c, out);
}

static void do_sha512(const void *d, size_t n, uint8_t *out)
{
    ck_sha512 c;
    ck_sha512_init(&c);
    ck_sha512_update(&c, d, n);
    ck_sha512_final(&c, out);
}

static void do_crc16(const void *d, size_t n, uint8_t *out) { put_be(out, ck_crc16_ccitt(d, n), 2); }
static void do_crc16arc(const void *d, size_t n, uint8_t *out) { put_be(out, ck_crc16_arc(d, n), 2); }
static void do_crc32(const void *d, size_t n, uint8_t *out) { put_be(out, ck_crc32(0, d, n), 4); }
static void do_crc32c(const void *d, size_t n, uint8_t *out) { put_be(out, ck_crc32c(0, d, n), 4); }
static void do_crc64(const void *d, size_t n, uint8_t *out) { put_be(out, ck_crc64_xz(0, d, n), 8); }
static void do_adler32(const void *d, size_t n, uint8_t *out) { put_be(out, ck_adler32(1, d, n), 4); }
static void do_fletcher16(const void *d, size_t n, uint8_t *out) { put_be(out, ck_fletcher16(d, n), 2); }
static void do_fletcher32(const void *d, size_t n, uint8_t *out) { put_be(out, ck_fletcher32(d, n), 4); }
static void do_fnv32(const void *d, size_t n, uint8_t *out) { put_be(out, ck_fnv1a32(d, n), 4); }
static void do_fnv64(const void *d, size_t n, uint8_t *out) { put_be(out, ck_fnv1a64(d, n), 8); }
static void do_murmur3(const void *d, size_t n, uint8_t *out) { put_be(out, ck_murmur3_32(d, n, 0), 4); }
static void do_xxh32(const void *d, size_t n, uint8_t *out) { put_be(out, ck_xxh32(d, n, 0), 4); }

static void do_siphash(const void *d, size_t n, uint8_t *out)
{
    static const uint8_t key[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    put_be(out, ck_siphash24(key, d, n), 8);
}

static const ck_digest_alg algs[] = {
    {"md5", "MD5 (RFC 1321)", 16, do_md5, 64},
    {"sha1", "SHA-1 (FIPS 180-4)", 20, do_sha1, 64},
    {"sha224", "SHA-224 (FIPS 180-4)", 28, do_sha224, 64},
    {"sha256", "SHA-256 (FIPS 180-4)", 32, do_sha256, 64},
    {"sha384", "SHA-384 (FIPS 180-4)", 48, do_sha384, 128},
    {"sha512", "SHA-512 (FIPS 180-4)", 64, do_sha512, 128},
    {"crc16", "CRC-16/CCITT-FALSE", 2, do_crc16, 0},
    {"crc16-arc", "CRC-16/ARC", 2, do_crc16arc, 0},
    {"crc32", "CRC-32 (IEEE, zlib)", 4, do_crc32, 0},
    {"crc32c", "CRC-32C (Castagnoli)", 4, do_crc32c, 0},
    {"crc64", "CRC-64/XZ", 8, do_crc64, 0},
    {"adler32", "Adler-32 (RFC 1950)", 4, do_adler32, 0},
    {"fletcher16", "Fletcher-16", 2, do_fletcher16, 0},
    {"fletcher32", "Fletcher-32", 4, do_fletcher32, 0},
    {"fnv1a32", "FNV-1a 32-bit", 4, do_fnv32, 0},
    {"fnv1a64", "FNV-1a 64-bit", 8, do_fnv64, 0},
    {"murmur3", "MurmurHash3 x86_32, seed 0", 4, do_murmur3, 0},
    {"xxh32", "xxHash32, seed 0", 4, do_xxh32, 0},
    {"siphash", "SipHash-2-4, key 00..0f", 8, do_siphash, 0},
};

size_t ck_digest_count(void) { return sizeof algs / sizeof algs[0]; }

const ck_digest_alg *ck_digest_at(size_t i)
{
    return i < ck_digest_count() ? &algs[i] : NULL;
}

const ck_digest_alg *ck_digest_find(const char *name)
{
    for (size_t i = 0; i < ck_digest_count(); i++)
        if (strcmp(algs[i].name, name) == 0)
            return &algs[i];
    return NULL;
}

int ck_hmac(const ck_digest_alg *alg, const void *key, size_t keylen,
            const void *data, size_t len, uint8_t *out)
{
    uint8_t k[128] = {0}, inner[CK_DIGEST_MAX];
    size_t bs = alg->block;
    if (bs == 0 || bs > sizeof k)
        return -1;
    if (keylen > bs)
        alg->oneshot(key, keylen, k);
    else
        memcpy(k, key, keylen);

    uint8_t *buf = malloc(bs + (len > alg->size ? len : alg->size));
    if (!buf)
        return -1;
    for (size_t i = 0; i < bs; i++)
        buf[i] = k[i] ^ 0x36;
    memcpy(buf + bs, data, len);
    alg->oneshot(buf, bs + len, inner);
    for (size_t i = 0; i < bs; i++)
        buf[i] = k[i] ^ 0x5c;
    memcpy(buf + bs, inner, alg->size);
    alg->oneshot(buf, bs + alg->size, out);
    free(buf);
    return 0;
}
