/* LZSS: a flag byte precedes every group of 8 items; a set bit is a literal byte,
 * a clear bit a 2-byte match (12-bit distance 1..4096, 4-bit length 3..18).
 * The stream starts with the decoded size as 4 bytes, little endian. */
#include <stdlib.h>
#include <string.h>
#include "ckit/codec.h"

#define WINDOW 4096
#define MIN_MATCH 3
#define MAX_MATCH 18
#define HASH_BITS 13
#define MAX_CHAIN 64

size_t ck_lzss_bound(size_t len) { return 4 + len + (len + 7) / 8 + 1; }

static inline uint32_t hash3(const uint8_t *p)
{
    return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

size_t ck_lzss_encode(const uint8_t *in, size_t len, uint8_t *out)
{
    int32_t *head = malloc(sizeof(int32_t) << HASH_BITS);
    int32_t *prev = malloc(sizeof(int32_t) * WINDOW);
    size_t o = 4, flag_pos = 0;
    int nitems = 8;

    for (int i = 0; i < 4; i++)
        out[i] = (uint8_t)(len >> (8 * i));
    if (!head || !prev) {       /* fall back to literals only */
        free(head);
        free(prev);
        head = prev = NULL;
    } else {
        for (size_t i = 0; i < (1u << HASH_BITS); i++)
            head[i] = -1;
    }

    size_t i = 0;
    while (i < len) {
        if (nitems == 8) {
            flag_pos = o++;
            out[flag_pos] = 0;
            nitems = 0;
        }
        size_t best_len = 0, best_dist = 0;
        if (head && i + MIN_MATCH <= len) {
            uint32_t h = hash3(in + i);
            int32_t cand = head[h];
            for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; chain++) {
                size_t dist = i - (size_t)cand;
                if (dist > WINDOW)
                    break;
                size_t l = 0, maxl = len - i < MAX_MATCH ? len - i : MAX_MATCH;
                while (l < maxl && in[cand + l] == in[i + l])
                    l++;
                if (l > best_len) {
                    best_len = l;
                    best_dist = dist;
                    if (l == MAX_MATCH)
                        break;
                }
                int32_t next = prev[cand % WINDOW];
                if (next >= cand)
                    break;
                cand = next;
            }
        }
        size_t step;
        if (best_len >= MIN_MATCH) {
            uint32_t code = (uint32_t)(best_dist - 1) << 4 | (uint32_t)(best_len - MIN_MATCH);
            out[o++] = (uint8_t)(code >> 8);
            out[o++] = (uint8_t)code;
            step = best_len;
        } else {
            out[flag_pos] |= (uint8_t)(1u << nitems);
            out[o++] = in[i];
            step = 1;
        }
        nitems++;
        if (head) {
            for (size_t k = 0; k < step; k++, i++) {
                if (i + MIN_MATCH <= len) {
                    uint32_t h = hash3(in + i);
                    prev[i % WINDOW] = head[h];
                    head[h] = (int32_t)i;
                }
            }
        } else {
            i += step;
        }
    }
    free(head);
    free(prev);
    return o;
}

ck_status ck_lzss_decoded_size(const uint8_t *in, size_t len, size_t *size)
{
    if (len < 4)
        return CK_ETRUNC;
    *size = (size_t)in[0] | (size_t)in[1] << 8 | (size_t)in[2] << 16 | (size_t)in[3] << 24;
    return CK_OK;
}

ck_status ck_lzss_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen)
{
    size_t want, i = 4, o = 0;
    ck_status st = ck_lzss_decoded_size(in, len, &want);
    if (st != CK_OK)
        return st;
    if (want > cap)
        return CK_ERANGE;
    while (o < want) {
        if (i >= len)
            return CK_ETRUNC;
        uint8_t flags = in[i++];
        for (int b = 0; b < 8 && o < want; b++) {
            if (flags & (1u << b)) {
                if (i >= len)
                    return CK_ETRUNC;
                out[o++] = in[i++];
            } else {
                if (i + 2 > len)
                    return CK_ETRUNC;
                uint32_t code = (uint32_t)in[i] << 8 | in[i + 1];
                i += 2;
                size_t dist = (code >> 4) + 1, n = (code & 15) + MIN_MATCH;
                if (dist > o || o + n > want)
                    return CK_EINVAL;
                for (size_t k = 0; k < n; k++, o++)
                    out[o] = out[o - dist];
            }
        }
    }
    *outlen = o;
    return CK_OK;
}
