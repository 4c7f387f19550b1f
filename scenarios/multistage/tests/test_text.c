/* UTF-8, strings, words, lines, distances, containers. */
#include "ckit/ckit.h"
#include "check.h"

static void test_utf8(void)
{
    const uint8_t *s = (const uint8_t *)"a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";   /* a é € 😀 */
    uint32_t cp;
    uint8_t enc[4];
    CHECK_EQ_U64(ck_utf8_count(s, 10), 4);
    CHECK_EQ_U64(ck_utf8_validate(s, 10), 10);
    CHECK(ck_utf8_decode(s + 1, 9, &cp) == 2 && cp == 0xE9);
    CHECK(ck_utf8_decode(s + 3, 7, &cp) == 3 && cp == 0x20AC);
    CHECK(ck_utf8_decode(s + 6, 4, &cp) == 4 && cp == 0x1F600);
    CHECK(ck_utf8_decode(s + 6, 3, &cp) == 0);                          /* truncated */
    CHECK(ck_utf8_decode((const uint8_t *)"\xc0\xaf", 2, &cp) == 0);     /* overlong */
    CHECK(ck_utf8_decode((const uint8_t *)"\xed\xa0\x80", 3, &cp) == 0); /* surrogate */
    CHECK_EQ_U64(ck_utf8_validate((const uint8_t *)"ok\xff", 3), 2);
    CHECK_EQ_U64(ck_utf8_count((const uint8_t *)"ok\xff", 3), 3);
    CHECK(ck_utf8_encode(0x20AC, enc) == 3 && memcmp(enc, "\xe2\x82\xac", 3) == 0);
    CHECK(ck_utf8_encode(0xD800, enc) == 0);
    CHECK(ck_utf8_encode(0x110000, enc) == 0);
    for (uint32_t c = 0; c < 0x110000; c += 0x101) {
        size_t n = ck_utf8_encode(c, enc);
        if (n) {
            uint32_t back;
            CHECK(ck_utf8_decode(enc, n, &back) == n && back == c);
        }
    }
}

static void test_strbuf(void)
{
    ck_strbuf sb;
    ck_strbuf_init(&sb);
    CHECK(ck_strbuf_puts(&sb, "ab") == CK_OK);
    CHECK(ck_strbuf_putc(&sb, 'c') == CK_OK);
    for (int i = 0; i < 100; i++)
        CHECK(ck_strbuf_printf(&sb, "%d,", i) == CK_OK);
    CHECK_EQ_U64(sb.len, 3 + 10 * 2 + 90 * 3);
    CHECK(strncmp(sb.data, "abc0,1,2,", 9) == 0);
    char *s = ck_strbuf_detach(&sb);
    CHECK(sb.data == NULL && s && strlen(s) == 293);
    free(s);
    s = ck_strbuf_detach(&sb);
    CHECK_STR(s, "");
    free(s);
}

static void test_words_lines(void)
{
    const char *t = "Don't PANIC! It's 42 -- naïve café.";
    const char *want[] = {"don't", "panic", "it's", "42", "naïve", "café"};
    ck_words w;
    char buf[16];
    size_t i = 0, n;
    ck_words_init(&w, t, strlen(t));
    while ((n = ck_words_next(&w, buf, sizeof buf)) > 0) {
        CHECK(i < 6);
        if (i < 6)
            CHECK_STR(buf, want[i]);
        i++;
    }
    CHECK_EQ_U64(i, 6);
    ck_words_init(&w, "abcdefghij", 10);
    CHECK(ck_words_next(&w, buf, 4) == 10);
    CHECK_STR(buf, "abc");

    ck_line *lines;
    n = ck_lines_split("one\r\ntwo\n\nthree", 15, &lines);
    CHECK_EQ_U64(n, 4);
    CHECK(lines[0].len == 3 && lines[2].len == 0 && lines[3].len == 5);
    free(lines);
    n = ck_lines_split("x\n", 2, &lines);
    CHECK_EQ_U64(n, 1);
    free(lines);
    n = ck_lines_split("", 0, &lines);
    CHECK_EQ_U64(n, 0);
    free(lines);
}

static void test_wordfreq(void)
{
    ck_wordfreq *wf = ck_wordfreq_new();
    const char *t = "b a c b a b d";
    size_t n;
    CHECK(ck_wordfreq_add_text(wf, t, strlen(t)) == CK_OK);
    const ck_wordcount *v = ck_wordfreq_sorted(wf, &n);
    CHECK_EQ_U64(n, 4);
    CHECK_EQ_U64(ck_wordfreq_total(wf), 7);
    CHECK(strcmp(v[0].word, "b") == 0 && v[0].count == 3);
    CHECK(strcmp(v[1].word, "a") == 0 && v[1].count == 2);
    CHECK(strcmp(v[2].word, "c") == 0 && strcmp(v[3].word, "d") == 0);   /* ties by word */
    ck_wordfreq_free(wf);
}

static void test_distance(void)
{
    CHECK_EQ_U64(ck_levenshtein("kitten", 6, "sitting", 7), 3);
    CHECK_EQ_U64(ck_levenshtein("", 0, "abc", 3), 3);
    CHECK_EQ_U64(ck_levenshtein("flaw", 4, "lawn", 4), 2);
    CHECK_EQ_U64(ck_levenshtein("same", 4, "same", 4), 0);
    CHECK_EQ_U64(ck_lcs_length("ABCBDAB", 7, "BDCABA", 6), 4);
    CHECK_EQ_U64(ck_lcs_length("", 0, "x", 1), 0);
}

static void test_map(void)
{
    ck_map *m = ck_map_new();
    char key[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof key, "key-%d", i);
        uint64_t *v = ck_map_upsert(m, key);
        CHECK(v != NULL && *v == 0);
        *v = (uint64_t)i * 3;
    }
    CHECK_EQ_U64(ck_map_len(m), 5000);
    for (int i = 0; i < 5000; i += 2) {
        snprintf(key, sizeof key, "key-%d", i);
        CHECK(ck_map_remove(m, key) == 1);
    }
    CHECK(ck_map_remove(m, "key-0") == 0);
    CHECK_EQ_U64(ck_map_len(m), 2500);
    uint64_t *v = ck_map_get(m, "key-4999");
    CHECK(v && *v == 4999 * 3);
    CHECK(ck_map_get(m, "key-4998") == NULL);
    for (int i = 0; i < 5000; i += 2) {            /* reuse tombstones */
        snprintf(key, sizeof key, "key-%d", i);
        CHECK(ck_map_upsert(m, key) != NULL);
    }
    size_t pos = 0, seen = 0;
    const char *k;
    uint64_t val;
    while (ck_map_next(m, &pos, &k, &val))
        seen++;
    CHECK_EQ_U64(seen, 5000);
    ck_map_free(m);
}

typedef struct rec { int key, seq; } rec;

static int by_key(const void *a, const void *b, void *ctx)
{
    (void)ctx;
    return ((const rec *)a)->key - ((const rec *)b)->key;
}

static void test_containers(void)
{
    ck_rng r;
    ck_rng_seed(&r, 1, 1);
    rec recs[1000];
    for (int i = 0; i < 1000; i++) {
        recs[i].key = (int)ck_rng_below(&r, 50);
        recs[i].seq = i;
    }
    CHECK(ck_msort(recs, 1000, sizeof recs[0], by_key, NULL) == CK_OK);
    int sorted = 1, stable = 1;
    for (int i = 1; i < 1000; i++) {
        if (recs[i - 1].key > recs[i].key)
            sorted = 0;
        if (recs[i - 1].key == recs[i].key && recs[i - 1].seq > recs[i].seq)
            stable = 0;
    }
    CHECK(sorted);
    CHECK(stable);

    ck_vec v;
    ck_vec_init(&v, sizeof(int));
    for (int i = 0; i < 1000; i++)
        CHECK(ck_vec_push(&v, &i) == CK_OK);
    int x = -1;
    CHECK(ck_vec_pop(&v, &x) && x == 999);
    CHECK(*(int *)ck_vec_at(&v, 500) == 500);
    CHECK(ck_vec_at(&v, 999) == NULL);
    ck_vec_free(&v);

    ck_heap h;
    ck_heap_item it;
    ck_heap_init(&h);
    for (size_t i = 0; i < 500; i++)
        ck_heap_push(&h, ck_rng_next(&r), i);
    uint64_t last = 0;
    int ordered = 1;
    size_t popped = 0;
    while (ck_heap_pop(&h, &it)) {
        if (it.prio < last)
            ordered = 0;
        last = it.prio;
        popped++;
    }
    CHECK(ordered);
    CHECK_EQ_U64(popped, 500);
    ck_heap_free(&h);

    ck_arena *a = ck_arena_new(1024);
    char *s1 = ck_arena_strdup(a, "hello", 5);
    void *big = ck_arena_alloc(a, 10000);
    CHECK(s1 && big && strcmp(s1, "hello") == 0);
    CHECK(((uintptr_t)big % _Alignof(max_align_t)) == 0);
    ck_arena_free(a);

    ck_bitset b;
    CHECK(ck_bitset_init(&b, 130) == CK_OK);
    ck_bitset_set(&b, 0);
    ck_bitset_set(&b, 64);
    ck_bitset_set(&b, 129);
    ck_bitset_clear(&b, 64);
    CHECK(ck_bitset_test(&b, 129) && !ck_bitset_test(&b, 64));
    CHECK_EQ_U64(ck_bitset_count(&b), 2);
    ck_bitset_free(&b);
}

int main(void)
{
    test_utf8();
    test_strbuf();
    test_words_lines();
    test_wordfreq();
    test_distance();
    test_map();
    test_containers();
    return check_report("test_text");
}
