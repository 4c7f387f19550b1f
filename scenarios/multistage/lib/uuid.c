/* UUIDs (RFC 4122): random version 4 and SHA-1 name-based version 5. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/codec.h"
#include "ckit/digest.h"
#include "ckit/num.h"

static void format(const uint8_t b[16], char out[37])
{
    static const char digits[] = "0123456789abcdef";
    size_t o = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = digits[b[i] >> 4];
        out[o++] = digits[b[i] & 15];
    }
    out[o] = '\0';
}

static int parse(const char *s, uint8_t b[16])
{
    char hex[33];
    size_t n = 0;
    for (; *s && n < 32; s++)
        if (*s != '-')
            hex[n++] = *s;
    if (n != 32 || *s)
        return -1;
    size_t outlen;
    return ck_hex_decode(hex, 32, b, &outlen) == CK_OK && outlen == 16 ? 0 : -1;
}

void ck_uuid4(ck_rng *r, char out[37])
{
    uint8_t b[16];
    for (int i = 0; i < 16; i += 4) {
        uint32_t v = ck_rng_next(r);
        memcpy(b + i, &v, 4);
    }
    b[6] = (uint8_t)((b[6] & 0x0F) | 0x40);
    b[8] = (uint8_t)((b[8] & 0x3F) | 0x80);
    format(b, out);
}

ck_status ck_uuid5(const char *ns, const char *name, size_t namelen, char out[37])
{
    static const struct { const char *name, *uuid; } known[] = {
        {"dns", "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
        {"url", "6ba7b811-9dad-11d1-80b4-00c04fd430c8"},
        {"oid", "6ba7b812-9dad-11d1-80b4-00c04fd430c8"},
        {"x500", "6ba7b814-9dad-11d1-80b4-00c04fd430c8"},
    };
    uint8_t nsb[16], digest[20];
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(ns, known[i].name) == 0)
            ns = known[i].uuid;
    if (parse(ns, nsb) != 0)
        return CK_EINVAL;
    ck_sha1 c;
    ck_sha1_init(&c);
    ck_sha1_update(&c, nsb, 16);
    ck_sha1_update(&c, name, namelen);
    ck_sha1_final(&c, digest);
    digest[6] = (uint8_t)((digest[6] & 0x0F) | 0x50);
    digest[8] = (uint8_t)((digest[8] & 0x3F) | 0x80);
    format(digest, out);
    return CK_OK;
}
