/* Message digests (MD5, SHA-1, SHA-2) and a registry of every hash by name. */
#ifndef CKIT_DIGEST_H
#define CKIT_DIGEST_H

#include <stddef.h>
#include <stdint.h>

typedef struct ck_md5 {
    uint32_t h[4];
    uint64_t len;
    uint8_t buf[64];
    size_t fill;
} ck_md5;

typedef struct ck_sha1 {
    uint32_t h[5];
    uint64_t len;
    uint8_t buf[64];
    size_t fill;
} ck_sha1;

typedef struct ck_sha256 {
    uint32_t h[8];
    uint64_t len;
    uint8_t buf[64];
    size_t fill;
    size_t outlen;   /* 32 for SHA-256, 28 for SHA-224 */
} ck_sha256;

typedef struct ck_sha512 {
    uint64_t h[8];
    uint64_t len;    /* bytes; inputs beyond 2^61 bytes are not supported */
    uint8_t buf[128];
    size_t fill;
    size_t outlen;   /* 64 for SHA-512, 48 for SHA-384 */
} ck_sha512;

void ck_md5_init(ck_md5 *c);
void ck_md5_update(ck_md5 *c, const void *data, size_t len);
void ck_md5_final(ck_md5 *c, uint8_t out[16]);

void ck_sha1_init(ck_sha1 *c);
void ck_sha1_update(ck_sha1 *c, const void *data, size_t len);
void ck_sha1_final(ck_sha1 *c, uint8_t out[20]);

void ck_sha224_init(ck_sha256 *c);
void ck_sha256_init(ck_sha256 *c);
void ck_sha256_update(ck_sha256 *c, const void *data, size_t len);
void ck_sha256_final(ck_sha256 *c, uint8_t *out);   /* writes c->outlen bytes */

void ck_sha384_init(ck_sha512 *c);
void ck_sha512_init(ck_sha512 *c);
void ck_sha512_update(ck_sha512 *c, const void *data, size_t len);
void ck_sha512_final(ck_sha512 *c, uint8_t *out);   /* writes c->outlen bytes */

/* HMAC over any streaming digest of the registry (block size 64 or 128). */
#define CK_DIGEST_MAX 64

typedef struct ck_digest_alg {
    const char *name;
    const char *summary;
    size_t size;          /* digest bytes */
    /* one-shot: hash len bytes of data into out (size bytes, big-endian for integer checksums) */
    void (*oneshot)(const void *data, size_t len, uint8_t *out);
    size_t block;         /* block size in bytes for HMAC, 0 if HMAC is not offered */
} ck_digest_alg;

const ck_digest_alg *ck_digest_find(const char *name);
const ck_digest_alg *ck_digest_at(size_t i);   /* NULL past the end */
size_t ck_digest_count(void);

int ck_hmac(const ck_digest_alg *alg, const void *key, size_t keylen,
            const void *data, size_t len, uint8_t *out);

#endif
