/* Binary min-heap keyed by a 64-bit priority. */
#include <stdlib.h>
#include "ckit/container.h"

void ck_heap_init(ck_heap *h)
{
    h->items = NULL;
    h->len = h->cap = 0;
}

void ck_heap_free(ck_heap *h)
{
    free(h->items);
    ck_heap_init(h);
}

ck_status ck_heap_push(ck_heap *h, uint64_t prio, size_t value)
{
    if (h->len == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        ck_heap_item *p = realloc(h->items, cap * sizeof *p);
        if (!p)
            return CK_ENOMEM;
        h->items = p;
        h->cap = cap;
    }
    size_t i = h->len++;
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        if (h->items[parent].prio <= prio)
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i].prio = prio;
    h->items[i].value = value;
    return CK_OK;
}

int ck_heap_pop(ck_heap *h, ck_heap_item *out)
{
    if (h->len == 0)
        return 0;
    *out = h->items[0];
    ck_heap_item last = h->items[--h->len];
    size_t i = 0;
    for (;;) {
        size_t child = 2 * i + 1;
        if (child >= h->len)
            break;
        if (child + 1 < h->len && h->items[child + 1].prio < h->items[child].prio)
            child++;
        if (last.prio <= h->items[child].prio)
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    if (h->len)
        h->items[i] = last;
    return 1;
}
