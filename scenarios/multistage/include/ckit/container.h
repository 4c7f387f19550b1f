/* Containers: a growable array, a string-keyed hash map, an arena, a stable sort. */
#ifndef CKIT_CONTAINER_H
#define CKIT_CONTAINER_H

#include <stddef.h>
#include <stdint.h>
#include "ckit/status.h"

typedef struct ck_vec {
    void *data;
    size_t len;
    size_t cap;
    size_t elem;
} ck_vec;

void ck_vec_init(ck_vec *v, size_t elem);
void ck_vec_free(ck_vec *v);
ck_status ck_vec_push(ck_vec *v, const void *item);
void *ck_vec_at(const ck_vec *v, size_t i);
int ck_vec_pop(ck_vec *v, void *item);
ck_status ck_vec_reserve(ck_vec *v, size_t n);

/* Open-addressing map from NUL-terminated strings (copied) to uint64 values. */
typedef struct ck_map ck_map;
ck_map *ck_map_new(void);
void ck_map_free(ck_map *m);
size_t ck_map_len(const ck_map *m);
/* Pointer to the value of key, inserting 0 if absent; NULL on allocation failure. */
uint64_t *ck_map_upsert(ck_map *m, const char *key);
uint64_t *ck_map_get(const ck_map *m, const char *key);
int ck_map_remove(ck_map *m, const char *key);
/* Iterate: start with *pos = 0; returns 0 at the end. */
int ck_map_next(const ck_map *m, size_t *pos, const char **key, uint64_t *value);

/* Bump allocator; everything is freed at once. */
typedef struct ck_arena ck_arena;
ck_arena *ck_arena_new(size_t chunk);
void *ck_arena_alloc(ck_arena *a, size_t n);
char *ck_arena_strdup(ck_arena *a, const char *s, size_t n);
size_t ck_arena_used(const ck_arena *a);
void ck_arena_free(ck_arena *a);

/* Stable merge sort with the qsort interface. */
typedef int (*ck_cmp_fn)(const void *a, const void *b, void *ctx);
ck_status ck_msort(void *base, size_t n, size_t size, ck_cmp_fn cmp, void *ctx);

/* Binary min-heap of (priority, payload) pairs. */
typedef struct ck_heap_item { uint64_t prio; size_t value; } ck_heap_item;
typedef struct ck_heap { ck_heap_item *items; size_t len, cap; } ck_heap;
void ck_heap_init(ck_heap *h);
void ck_heap_free(ck_heap *h);
ck_status ck_heap_push(ck_heap *h, uint64_t prio, size_t value);
int ck_heap_pop(ck_heap *h, ck_heap_item *out);

/* Fixed-size bitset. */
typedef struct ck_bitset { uint64_t *words; size_t nbits; } ck_bitset;
ck_status ck_bitset_init(ck_bitset *b, size_t nbits);
void ck_bitset_free(ck_bitset *b);
void ck_bitset_set(ck_bitset *b, size_t i);
void ck_bitset_clear(ck_bitset *b, size_t i);
int ck_bitset_test(const ck_bitset *b, size_t i);
size_t ck_bitset_count(const ck_bitset *b);

#endif
