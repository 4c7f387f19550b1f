/* Checksums, digests, HMAC: published test vectors. */
#include "ckit/ckit.h"
#include "check.h"

static const char check9[] = "123456789";    /* the CRC catalogue's check input */
static const char fox[] = "The quick brown fox jumps over the lazy dog";

static void test_crc(void)
{
    CHECK_EQ_U64(ck_crc32(0, check9, 9), 0xCBF43926);
    CHECK_EQ_U64(ck_crc32(0, fox, strlen(fox)), 0x414FA339);
    CHECK_EQ_U64(ck_crc32(ck_crc32(0, check9, 4), check9 + 4, 5), 0xCBF43926);   /* resumable */
    CHECK_EQ_U64(ck_crc32(0, "", 0), 0);
    CHECK_EQ_U64(ck_crc32c(0, check9, 9), 0xE3069283);
    CHECK_EQ_U64(ck_crc16_ccitt(check9, 9), 0x29B1);
    CHECK_EQ_U64(ck_crc16_arc(check9, 9), 0xBB3D);
    CHECK_EQ_U64(ck_crc64_xz(0, check9, 9), 0x995DC9BBDF1939FAull);

    /* slicing-by-4 must agree with itself at every alignment and length */
    uint8_t buf[300];
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (uint8_t)(i * 7 + 3);
    uint32_t whole = ck_crc32(0, buf + 1, 257);
    uint32_t parts = 0;
    for (size_t off = 1; off < 258; off += 13)
        parts = ck_crc32(parts, buf + off, off + 13 <= 258 ? 13 : 258 - off);
    CHECK_EQ_U64(parts, whole);
}

static void test_sums(void)
{
    CHECK_EQ_U64(ck_adler32(1, "Wikipedia", 9), 0x11E60398);
    CHECK_EQ_U64(ck_adler32(1, "", 0), 1);
    CHECK_EQ_U64(ck_fletcher16("abcde", 5), 0xC8F0);
    CHECK_EQ_U64(ck_fletcher16("abcdef", 6), 0x2057);
    CHECK_EQ_U64(ck_fletcher32("abcde", 5), 0xF04FC729);
    CHECK_EQ_U64(ck_fletcher32("abcdef", 6), 0x56502D2A);
    CHECK_EQ_U64(ck_fletcher32("abcdefgh", 8), 0xEBE19591);
    CHECK_EQ_U64(ck_fnv1a32("", 0), 0x811C9DC5);
    CHECK_EQ_U64(ck_fnv1a32("a", 1), 0xE40C292C);
    CHECK_EQ_U64(ck_fnv1a32("foobar", 6), 0xBF9CF968);
    CHECK_EQ_U64(ck_fnv1a64("a", 1), 0xAF63DC4C8601EC8Cull);
    CHECK_EQ_U64(ck_fnv1a64("foobar", 6), 0x85944171F73967E8ull);
}

static void test_hashes(void)
{
    CHECK_EQ_U64(ck_murmur3_32("", 0, 0), 0);
    CHECK_EQ_U64(ck_murmur3_32("", 0, 1), 0x514E28B7);
    CHECK_EQ_U64(ck_murmur3_32("Hello, world!", 13, 1234), 0xFAF6CDB3);
    CHECK_EQ_U64(ck_xxh32("", 0, 0), 0x02CC5D05);
    CHECK_EQ_U64(ck_xxh32("abc", 3, 0), 0x32D153FF);

    uint8_t key[16], msg[64];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    for (int i = 0; i < 64; i++)
        msg[i] = (uint8_t)i;
    CHECK_EQ_U64(ck_siphash24(key, msg, 0), 0x726FDB47DD0E0E31ull);
    CHECK_EQ_U64(ck_siphash24(key, msg, 15), 0xA129CA6149BE45E5ull);
}

static void digest_of(const char *name, const void *data, size_t len, uint8_t *out)
{
    const ck_digest_alg *a = ck_digest_find(name);
    CHECK(a != NULL);
    if (a)
        a->oneshot(data, len, out);
}

static void test_digests(void)
{
    uint8_t out[CK_DIGEST_MAX];
    digest_of("md5", "", 0, out);
    CHECK_HEX(out, 16, "d41d8cd98f00b204e9800998ecf8427e");
    digest_of("md5", fox, strlen(fox), out);
    CHECK_HEX(out, 16, "9e107d9d372bb6826bd81d3542a419d6");
    digest_of("sha1", "abc", 3, out);
    CHECK_HEX(out, 20, "a9993e364706816aba3e25717850c26c9cd0d89d");
    digest_of("sha1", fox, strlen(fox), out);
    CHECK_HEX(out, 20, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
    digest_of("sha224", "abc", 3, out);
    CHECK_HEX(out, 28, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    digest_of("sha256", "abc", 3, out);
    CHECK_HEX(out, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    digest_of("sha256", "", 0, out);
    CHECK_HEX(out, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    digest_of("sha384", "abc", 3, out);
    CHECK_HEX(out, 48, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
                       "8086072ba1e7cc2358baeca134c825a7");
    digest_of("sha512", "abc", 3, out);
    CHECK_HEX(out, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                       "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");

    /* two-block message of FIPS 180-2 */
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    digest_of("sha256", two, strlen(two), out);
    CHECK_HEX(out, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

    /* one million 'a' fed in odd-sized pieces must match the one-shot value */
    ck_sha256 c;
    uint8_t a[997];
    memset(a, 'a', sizeof a);
    ck_sha256_init(&c);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof a ? left : sizeof a;
        ck_sha256_update(&c, a, n);
        left -= n;
    }
    ck_sha256_final(&c, out);
    CHECK_HEX(out, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    CHECK(ck_digest_find("nope") == NULL);
    for (size_t i = 0; i < ck_digest_count(); i++)
        CHECK(ck_digest_find(ck_digest_at(i)->name) == ck_digest_at(i));
}

static void test_hmac(void)
{
    uint8_t out[CK_DIGEST_MAX], key[131];
    const char *jefe = "what do ya want for nothing?";
    CHECK(ck_hmac(ck_digest_find("md5"), "Jefe", 4, jefe, strlen(jefe), out) == 0);
    CHECK_HEX(out, 16, "750c783e6ab0b503eaa86e310a5db738");
    CHECK(ck_hmac(ck_digest_find("sha1"), "Jefe", 4, jefe, strlen(jefe), out) == 0);
    CHECK_HEX(out, 20, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    memset(key, 0x0b, 20);
    CHECK(ck_hmac(ck_digest_find("sha256"), key, 20, "Hi There", 8, out) == 0);
    CHECK_HEX(out, 32, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    CHECK(ck_hmac(ck_digest_find("sha512"), "Jefe", 4, jefe, strlen(jefe), out) == 0);
    CHECK_HEX(out, 64, "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737");
    /* RFC 4231 case 6: a key longer than the block is hashed first */
    memset(key, 0xaa, sizeof key);
    const char *big = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK(ck_hmac(ck_digest_find("sha256"), key, 131, big, strlen(big), out) == 0);
    CHECK_HEX(out, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    CHECK(ck_hmac(ck_digest_find("crc32"), "k", 1, "x", 1, out) != 0);
}

int main(void)
{
    test_crc();
    test_sums();
    test_hashes();
    test_digests();
    test_hmac();
    return check_report("test_hash");
}
