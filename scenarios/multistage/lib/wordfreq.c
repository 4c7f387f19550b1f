/* Word frequency counting on top of ck_map. */
#include <stdlib.h>
#include <string.h>
#include "ckit/container.h"
#include "ckit/text.h"

struct ck_wordfreq {
    ck_map *map;
    size_t total;
    ck_wordcount *sorted;
    size_t nsorted;
    int dirty;
};

ck_wordfreq *ck_wordfreq_new(void)
{
    ck_wordfreq *wf = calloc(1, sizeof *wf);
    if (!wf)
        return NULL;
    wf->map = ck_map_new();
    if (!wf->map) {
        free(wf);
        return NULL;
    }
    wf->dirty = 1;
    return wf;
}

void ck_wordfreq_free(ck_wordfreq *wf)
{
    if (!wf)
        return;
    ck_map_free(wf->map);
    free(wf->sorted);
    free(wf);
}

ck_status ck_wordfreq_add_text(ck_wordfreq *wf, const void *text, size_t len)
{
    ck_words w;
    char buf[256];
    ck_words_init(&w, text, len);
    while (ck_words_next(&w, buf, sizeof buf) > 0) {
        uint64_t *v = ck_map_upsert(wf->map, buf);
        if (!v)
            return CK_ENOMEM;
        (*v)++;
        wf->total++;
    }
    wf->dirty = 1;
    return CK_OK;
}

size_t ck_wordfreq_total(const ck_wordfreq *wf) { return wf->total; }
size_t ck_wordfreq_distinct(const ck_wordfreq *wf) { return ck_map_len(wf->map); }

static int by_count_then_word(const void *a, const void *b, void *ctx)
{
    const ck_wordcount *x = a, *y = b;
    (void)ctx;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(x->word, y->word);
}

const ck_wordcount *ck_wordfreq_sorted(ck_wordfreq *wf, size_t *n)
{
    if (wf->dirty) {
        size_t len = ck_map_len(wf->map), pos = 0, i = 0;
        ck_wordcount *v = realloc(wf->sorted, (len ? len : 1) * sizeof *v);
        const char *key;
        uint64_t value;
        if (!v) {
            *n = 0;
            return NULL;
        }
        while (ck_map_next(wf->map, &pos, &key, &value)) {
            v[i].word = key;
            v[i].count = (size_t)value;
            i++;
        }
        ck_msort(v, i, sizeof *v, by_count_then_word, NULL);
        wf->sorted = v;
        wf->nsorted = i;
        wf->dirty = 0;
    }
    *n = wf->nsorted;
    return wf->sorted;
}
