/* Growable array of fixed-size elements. */
#include <stdlib.h>
#include <string.h>
#include "ckit/container.h"

void ck_vec_init(ck_vec *v, size_t elem)
{
    v->data = NULL;
    v->len = 0;
    v->cap = 0;
    v->elem = elem;
}

void ck_vec_free(ck_vec *v)
{
    free(v->data);
    v->data = NULL;
    v->len = v->cap = 0;
}

ck_status ck_vec_reserve(ck_vec *v, size_t n)
{
    if (n <= v->cap)
        return CK_OK;
    size_t cap = v->cap ? v->cap : 8;
    while (cap < n)
        cap += cap / 2 + 1;
    if (cap > SIZE_MAX / v->elem)
        return CK_ENOMEM;
    void *p = realloc(v->data, cap * v->elem);
    if (!p)
        return CK_ENOMEM;
    v->data = p;
    v->cap = cap;
    return CK_OK;
}

ck_status ck_vec_push(ck_vec *v, const void *item)
{
    if (v->len == v->cap && ck_vec_reserve(v, v->len + 1) != CK_OK)
        return CK_ENOMEM;
    memcpy((char *)v->data + v->len * v->elem, item, v->elem);
    v->len++;
    return CK_OK;
}

void *ck_vec_at(const ck_vec *v, size_t i)
{
    return i < v->len ? (char *)v->data + i * v->elem : NULL;
}

int ck_vec_pop(ck_vec *v, void *item)
{
    if (v->len == 0)
        return 0;
    v->len--;
    if (item)
        memcpy(item, (char *)v->data + v->len * v->elem, v->elem);
    return 1;
}
