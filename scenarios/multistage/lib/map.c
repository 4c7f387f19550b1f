/* String-keyed hash map: open addressing, linear probing, tombstones, FNV-1a hashing. */
#include <stdlib.h>
#include <string.h>
#include "ckit/container.h"
#include "ckit/hash.h"

#define TOMBSTONE ((char *)1)

typedef struct slot {
    char *key;        /* NULL empty, TOMBSTONE deleted */
    uint32_t hash;
    uint64_t value;
} slot;

struct ck_map {
    slot *slots;
    size_t cap;       /* power of two */
    size_t len;
    size_t used;      /* live + tombstones */
};

ck_map *ck_map_new(void)
{
    ck_map *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->cap = 16;
    m->slots = calloc(m->cap, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void ck_map_free(ck_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i].key && m->slots[i].key != TOMBSTONE)
            free(m->slots[i].key);
    free(m->slots);
    free(m);
}

size_t ck_map_len(const ck_map *m) { return m->len; }

static slot *find(const ck_map *m, const char *key, uint32_t h, slot **first_free)
{
    size_t mask = m->cap - 1;
    *first_free = NULL;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *s = &m->slots[i];
        if (s->key == NULL) {
            if (!*first_free)
                *first_free = s;
            return NULL;
        }
        if (s->key == TOMBSTONE) {
            if (!*first_free)
                *first_free = s;
        } else if (s->hash == h && strcmp(s->key, key) == 0) {
            return s;
        }
    }
}

static int grow(ck_map *m)
{
    size_t ncap = m->len * 4 >= m->cap ? m->cap * 2 : m->cap;  /* rehash in place if mostly tombstones */
    slot *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        slot *s = &m->slots[i];
        if (s->key && s->key != TOMBSTONE) {
            size_t j = s->hash & (ncap - 1);
            while (ns[j].key)
                j = (j + 1) & (ncap - 1);
            ns[j] = *s;
        }
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    m->used = m->len;
    return 0;
}

uint64_t *ck_map_upsert(ck_map *m, const char *key)
{
    uint32_t h = ck_fnv1a32(key, strlen(key));
    slot *free_slot, *s = find(m, key, h, &free_slot);
    if (s)
        return &s->value;
    if ((m->used + 1) * 4 > m->cap * 3) {
        if (grow(m) != 0)
            return NULL;
        find(m, key, h, &free_slot);
    }
    size_t n = strlen(key) + 1;
    char *copy = malloc(n);
    if (!copy)
        return NULL;
    memcpy(copy, key, n);
    if (free_slot->key == NULL)
        m->used++;
    free_slot->key = copy;
    free_slot->hash = h;
    free_slot->value = 0;
    m->len++;
    return &free_slot->value;
}

uint64_t *ck_map_get(const ck_map *m, const char *key)
{
    slot *free_slot, *s = find(m, key, ck_fnv1a32(key, strlen(key)), &free_slot);
    return s ? &s->value : NULL;
}

int ck_map_remove(ck_map *m, const char *key)
{
    slot *free_slot, *s = find(m, key, ck_fnv1a32(key, strlen(key)), &free_slot);
    if (!s)
        return 0;
    free(s->key);
    s->key = TOMBSTONE;
    m->len--;
    return 1;
}

int ck_map_next(const ck_map *m, size_t *pos, const char **key, uint64_t *value)
{
    while (*pos < m->cap) {
        slot *s = &m->slots[(*pos)++];
        if (s->key && s->key != TOMBSTONE) {
            *key = s->key;
            *value = s->value;
            return 1;
        }
    }
    return 0;
}
