/* Encodings and compressors: RFC 4648 vectors and round trips of random data. */
#include "ckit/ckit.h"
#include "check.h"

static void test_base64(void)
{
    static const char *plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *b64[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    static const char *b32[] = {"", "MY======", "MZXQ====", "MZXW6===", "MZXW6YQ=", "MZXW6YTB",
                                "MZXW6YTBOI======"};
    char text[64];
    uint8_t raw[64];
    size_t n;
    for (int i = 0; i < 7; i++) {
        size_t len = strlen(plain[i]);
        ck_base64_encode(plain[i], len, text, 0);
        CHECK_STR(text, b64[i]);
        CHECK(ck_base64_decode(b64[i], strlen(b64[i]), raw, &n) == CK_OK && n == len &&
              memcmp(raw, plain[i], len) == 0);
        ck_base32_encode(plain[i], len, text);
        CHECK_STR(text, b32[i]);
        CHECK(ck_base32_decode(b32[i], strlen(b32[i]), raw, &n) == CK_OK && n == len &&
              memcmp(raw, plain[i], len) == 0);
    }
    ck_base64_encode("\xfb\xff", 2, text, 0);
    CHECK_STR(text, "+/8=");
    ck_base64_encode("\xfb\xff", 2, text, 1);
    CHECK_STR(text, "-_8");
    CHECK(ck_base64_decode("Zm9v\nYmFy\n", 10, raw, &n) == CK_OK && n == 6);
    CHECK(ck_base64_decode("Zm9v!", 5, raw, &n) == CK_EINVAL);
    CHECK(ck_base64_decode("Zh==", 4, raw, &n) == CK_EINVAL);   /* non-zero trailing bits */
    CHECK(ck_base32_decode("mzxw6ytboi", 10, raw, &n) == CK_OK && n == 6 && memcmp(raw, "foobar", 6) == 0);
}

static void test_hex_ascii85(void)
{
    char text[64];
    uint8_t raw[64];
    size_t n;
    ck_hex_encode("\x00\x7f\xff", 3, text, 0);
    CHECK_STR(text, "007fff");
    ck_hex_encode("\xab", 1, text, 1);
    CHECK_STR(text, "AB");
    CHECK(ck_hex_decode("de:ad be EF", 11, raw, &n) == CK_OK && n == 4 && raw[3] == 0xef);
    CHECK(ck_hex_decode("abc", 3, raw, &n) == CK_ETRUNC);
    CHECK(ck_hex_decode("zz", 2, raw, &n) == CK_EINVAL);

    ck_ascii85_encode("Man ", 4, text);
    CHECK_STR(text, "9jqo^");
    ck_ascii85_encode("\0\0\0\0\0", 5, text);
    CHECK_STR(text, "z!!");
    ck_ascii85_encode("sure.", 5, text);
    CHECK_STR(text, "F*2M7/c");
    CHECK(ck_ascii85_decode("F*2M7/c", 7, raw, &n) == CK_OK && n == 5 && memcmp(raw, "sure.", 5) == 0);
    CHECK(ck_ascii85_decode("z!!", 3, raw, &n) == CK_OK && n == 5 && raw[4] == 0);
    CHECK(ck_ascii85_decode("s8W-!", 5, raw, &n) == CK_OK && n == 4 && raw[0] == 0xff);  /* ffffffff */
    CHECK(ck_ascii85_decode("s8W-\"", 5, raw, &n) == CK_ERANGE);
}

/* Random data with long runs and repeats, so both compressors have something to find. */
static size_t fill_sample(ck_rng *r, uint8_t *buf, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        uint32_t kind = ck_rng_below(r, 3), len = 1 + ck_rng_below(r, 300);
        if (len > cap - n)
            len = (uint32_t)(cap - n);
        if (kind == 0) {                          /* a run */
            memset(buf + n, (int)ck_rng_below(r, 256), len);
        } else if (kind == 1 && n > 0) {          /* a copy from earlier */
            size_t from = ck_rng_below(r, (uint32_t)n);
            for (size_t i = 0; i < len; i++)
                buf[n + i] = buf[from + i];
        } else {                                  /* noise */
            for (size_t i = 0; i < len; i++)
                buf[n + i] = (uint8_t)ck_rng_next(r);
        }
        n += len;
    }
    return n;
}

static void test_roundtrips(void)
{
    ck_rng r;
    ck_rng_seed(&r, 42, 7);
    size_t sizes[] = {0, 1, 2, 3, 17, 128, 129, 1000, 4097, 70000};
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        size_t len = sizes[s];
        uint8_t *in = malloc(len + 1), *packed = malloc(ck_lzss_bound(len) + ck_packbits_bound(len));
        uint8_t *back = malloc(len + 1);
        char *text = malloc(ck_base64_enclen(len) + ck_base32_enclen(len) + ck_ascii85_enclen(len));
        size_t n, m;
        fill_sample(&r, in, len);

        n = ck_lzss_encode(in, len, packed);
        CHECK(n <= ck_lzss_bound(len));
        CHECK(ck_lzss_decode(packed, n, back, len, &m) == CK_OK && m == len && memcmp(in, back, len) == 0);
        if (n > 6)
            CHECK(ck_lzss_decode(packed, n - 1, back, len, &m) != CK_OK);

        n = ck_packbits_encode(in, len, packed);
        CHECK(n <= ck_packbits_bound(len));
        CHECK(ck_packbits_decode(packed, n, back, len, &m) == CK_OK && m == len && memcmp(in, back, len) == 0);

        n = ck_base64_encode(in, len, text, 0);
        CHECK(ck_base64_decode(text, n, back, &m) == CK_OK && m == len && memcmp(in, back, len) == 0);
        n = ck_base32_encode(in, len, text);
        CHECK(ck_base32_decode(text, n, back, &m) == CK_OK && m == len && memcmp(in, back, len) == 0);
        n = ck_ascii85_encode(in, len, text);
        CHECK(ck_ascii85_decode(text, n, back, &m) == CK_OK && m == len && memcmp(in, back, len) == 0);
        free(in);
        free(packed);
        free(back);
        free(text);
    }

    /* a long run compresses well */
    static uint8_t zeros[100000], out[120000];
    CHECK(ck_lzss_encode(zeros, sizeof zeros, out) < sizeof zeros / 5);
    CHECK(ck_packbits_encode(zeros, sizeof zeros, out) < sizeof zeros / 50);
}

int main(void)
{
    test_base64();
    test_hex_ascii85();
    test_roundtrips();
    return check_report("test_codec");
}
