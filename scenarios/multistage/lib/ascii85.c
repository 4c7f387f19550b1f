/* Ascii85 (Adobe variant without the <~ ~> delimiters; 'z' for four zero bytes). */
#include "ckit/codec.h"

size_t ck_ascii85_enclen(size_t len) { return (len + 3) / 4 * 5 + 1; }

size_t ck_ascii85_encode(const void *data, size_t len, char *out)
{
    const uint8_t *p = data;
    size_t o = 0;
    while (len) {
        size_t n = len < 4 ? len : 4;
        uint32_t v = 0;
        for (size_t i = 0; i < 4; i++)
            v = v << 8 | (i < n ? p[i] : 0);
        if (v == 0 && n == 4) {
            out[o++] = 'z';
        } else {
            char digits[5];
            for (int i = 4; i >= 0; i--) {
                digits[i] = (char)('!' + v % 85);
                v /= 85;
            }
            for (size_t i = 0; i < n + 1; i++)
                out[o++] = digits[i];
        }
        p += n;
        len -= n;
    }
    out[o] = '\0';
    return o;
}

ck_status ck_ascii85_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen)
{
    size_t o = 0;
    uint64_t v = 0;
    int count = 0;
    for (size_t i = 0; i < textlen; i++) {
        char c = text[i];
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        if (c == 'z' && count == 0) {
            for (int k = 0; k < 4; k++)
                out[o++] = 0;
            continue;
        }
        if (c < '!' || c > 'u')
            return CK_EINVAL;
        v = v * 85 + (uint64_t)(c - '!');
        if (++count == 5) {
            if (v > 0xffffffffull)
                return CK_ERANGE;
            for (int k = 3; k >= 0; k--)
                out[o++] = (uint8_t)(v >> (8 * k));
            v = 0;
            count = 0;
        }
    }
    if (count == 1)
        return CK_ETRUNC;
    if (count) {
        for (int k = count; k < 5; k++)
            v = v * 85 + 84;     /* pad with 'u' */
        if (v > 0xffffffffull)
            return CK_ERANGE;
        for (int k = 0; k < count - 1; k++)
            out[o++] = (uint8_t)(v >> (24 - 8 * k));
    }
    *outlen = o;
    return CK_OK;
}
