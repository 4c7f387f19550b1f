/* Bump allocator in linked chunks. */
#include <stdlib.h>
#include <string.h>
#include "ckit/container.h"

typedef struct chunk {
    struct chunk *next;
    size_t size, used;
    max_align_t data[];
} chunk;

struct ck_arena {
    chunk *head;
    size_t chunk_size;
    size_t total;
};

ck_arena *ck_arena_new(size_t chunk_size)
{
    ck_arena *a = calloc(1, sizeof *a);
    if (a)
        a->chunk_size = chunk_size ? chunk_size : 64 * 1024;
    return a;
}

void *ck_arena_alloc(ck_arena *a, size_t n)
{
    size_t align = _Alignof(max_align_t);
    n = (n + align - 1) / align * align;
    if (!a->head || a->head->size - a->head->used < n) {
        size_t size = n > a->chunk_size ? n : a->chunk_size;
        chunk *c = malloc(sizeof *c + size);
        if (!c)
            return NULL;
        c->next = a->head;
        c->size = size;
        c->used = 0;
        a->head = c;
    }
    void *p = (char *)a->head->data + a->head->used;
    a->head->used += n;
    a->total += n;
    return p;
}

char *ck_arena_strdup(ck_arena *a, const char *s, size_t n)
{
    char *p = ck_arena_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

size_t ck_arena_used(const ck_arena *a) { return a->total; }

void ck_arena_free(ck_arena *a)
{
    if (!a)
        return;
    chunk *c = a->head;
    while (c) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    free(a);
}
