/* Hexadecimal encoding. */
#include "ckit/codec.h"

size_t ck_hex_encode(const void *data, size_t len, char *out, int upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
    return 2 * len;
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

ck_status ck_hex_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen)
{
    size_t o = 0;
    int hi = -1;
    for (size_t i = 0; i < textlen; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ':')
            continue;
        int v = nibble(c);
        if (v < 0)
            return CK_EINVAL;
        if (hi < 0) {
            hi = v;
        } else {
            out[o++] = (uint8_t)(hi << 4 | v);
            hi = -1;
        }
    }
    if (hi >= 0)
        return CK_ETRUNC;
    *outlen = o;
    return CK_OK;
}
