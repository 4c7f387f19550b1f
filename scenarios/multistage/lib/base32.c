/* Base32 (RFC 4648, section 6). */
#include "ckit/codec.h"

static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

size_t ck_base32_enclen(size_t len) { return (len + 4) / 5 * 8 + 1; }

size_t ck_base32_encode(const void *data, size_t len, char *out)
{
    const uint8_t *p = data;
    size_t o = 0;
    uint64_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < len; i++) {
        acc = acc << 8 | p[i];
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out[o++] = alpha[(acc >> bits) & 31];
        }
    }
    if (bits)
        out[o++] = alpha[(acc << (5 - bits)) & 31];
    while (o % 8)
        out[o++] = '=';
    out[o] = '\0';
    return o;
}

size_t ck_base32_declen(size_t textlen) { return textlen * 5 / 8 + 1; }

ck_status ck_base32_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen)
{
    uint64_t acc = 0;
    int bits = 0, pad = 0;
    size_t o = 0;
    for (size_t i = 0; i < textlen; i++) {
        char c = text[i];
        int v;
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == '=') {
            pad++;
            continue;
        }
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= '2' && c <= '7')
            v = c - '2' + 26;
        else
            return CK_EINVAL;
        if (pad)
            return CK_EINVAL;
        acc = acc << 5 | (uint64_t)v;
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    if (pad > 6 || bits >= 5)
        return CK_EINVAL;
    *outlen = o;
    return CK_OK;
}
