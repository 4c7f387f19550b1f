/* PackBits run-length coding: a header byte n in 0..127 copies n+1 literal bytes,
 * n in -127..-1 repeats the next byte 1-n times, -128 is a no-op. */
#include "ckit/codec.h"

size_t ck_packbits_bound(size_t len) { return len + (len + 127) / 128 + 1; }

size_t ck_packbits_encode(const uint8_t *in, size_t len, uint8_t *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        size_t run = 1;
        while (i + run < len && run < 128 && in[i + run] == in[i])
            run++;
        if (run >= 2) {
            out[o++] = (uint8_t)(int8_t)(1 - (int)run);
            out[o++] = in[i];
            i += run;
            continue;
        }
        /* literal block: up to the next run of 2 or more, at most 128 bytes */
        size_t start = i, n = 0;
        while (i < len && n < 128) {
            if (i + 1 < len && in[i + 1] == in[i])
                break;
            i++;
            n++;
        }
        out[o++] = (uint8_t)(n - 1);
        for (size_t k = 0; k < n; k++)
            out[o++] = in[start + k];
    }
    return o;
}

ck_status ck_packbits_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    size_t i = 0, o = 0;
    while (i < len) {
        int8_t h = (int8_t)in[i++];
        if (h >= 0) {
            size_t n = (size_t)h + 1;
            if (i + n > len)
                return CK_ETRUNC;
            if (o + n > cap)
                return CK_ERANGE;
            for (size_t k = 0; k < n; k++)
                out[o++] = in[i++];
        } else if (h != -128) {
            size_t n = (size_t)(1 - h);
            if (i >= len)
                return CK_ETRUNC;
            if (o + n > cap)
                return CK_ERANGE;
            for (size_t k = 0; k < n; k++)
                out[o++] = in[i];
            i++;
        }
    }
    *outlen = o;
    return CK_OK;
}
