/* ckit demo: a tour of the library on a fixed sample, the image's default command. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/ckit.h"
#include "cli.h"

static const char sample[] =
    "The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs on.\n";

static void section(const char *title) { printf("\n== %s\n", title); }

int cmd_demo(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    size_t len = sizeof sample - 1;
    printf("ckit %s demo\nsample: %s", ck_version(), sample);

    section("digests");
    for (size_t i = 0; i < ck_digest_count(); i++) {
        const ck_digest_alg *a = ck_digest_at(i);
        uint8_t out[CK_DIGEST_MAX];
        a->oneshot(sample, len, out);
        printf("%-11s ", a->name);
        cli_put_hex(stdout, out, a->size < 16 ? a->size : 16);
        puts(a->size > 16 ? "..." : "");
    }

    section("encodings");
    char *b64 = malloc(ck_base64_enclen(16)), *b32 = malloc(ck_base32_enclen(16));
    char *a85 = malloc(ck_ascii85_enclen(16));
    if (b64 && b32 && a85) {
        ck_base64_encode(sample, 16, b64, 0);
        ck_base32_encode(sample, 16, b32);
        ck_ascii85_encode(sample, 16, a85);
        printf("base64  %s\nbase32  %s\nascii85 %s\n", b64, b32, a85);
    }
    free(b64);
    free(b32);
    free(a85);

    section("compression (the sample 20 times)");
    size_t biglen = 20 * len;
    uint8_t *big = malloc(biglen), *packed = malloc(ck_lzss_bound(biglen) + ck_packbits_bound(biglen));
    if (big && packed) {
        for (size_t i = 0; i < 20; i++)
            memcpy(big + i * len, sample, len);
        printf("lzss     %zu -> %zu bytes\n", biglen, ck_lzss_encode(big, biglen, packed));
        printf("packbits %zu -> %zu bytes\n", biglen, ck_packbits_encode(big, biglen, packed));
    }
    free(big);
    free(packed);

    section("words");
    ck_wordfreq *wf = ck_wordfreq_new();
    if (wf && ck_wordfreq_add_text(wf, sample, len) == CK_OK) {
        size_t n;
        const ck_wordcount *v = ck_wordfreq_sorted(wf, &n);
        printf("%zu words, %zu distinct; top:", ck_wordfreq_total(wf), n);
        for (size_t i = 0; i < n && i < 3; i++)
            printf(" %s(%zu)", v[i].word, v[i].count);
        putchar('\n');
    }
    ck_wordfreq_free(wf);

    section("numbers");
    ck_bigint f;
    if (ck_big_factorial(&f, 30) == CK_OK) {
        char *s = ck_big_to_string(&f);
        if (s)
            printf("30!     %s\n", s);
        free(s);
    }
    ck_big_free(&f);
    uint64_t factors[64];
    size_t k = ck_factorize(600851475143ull, factors);
    printf("factor  600851475143 =");
    for (size_t i = 0; i < k; i++)
        printf(" %" PRIu64, factors[i]);
    putchar('\n');
    char uuid[37];
    if (ck_uuid5("dns", "example.org", strlen("example.org"), uuid) == CK_OK)
        printf("uuid5   %s (dns, example.org)\n", uuid);
    return CLI_OK;
}
