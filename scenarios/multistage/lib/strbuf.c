/* Growable NUL-terminated string buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/text.h"

void ck_strbuf_init(ck_strbuf *sb)
{
    sb->data = NULL;
    sb->len = 0;
    sb->cap = 0;
}

void ck_strbuf_free(ck_strbuf *sb)
{
    free(sb->data);
    ck_strbuf_init(sb);
}

ck_status ck_strbuf_reserve(ck_strbuf *sb, size_t extra)
{
    size_t need = sb->len + extra + 1;
    if (need <= sb->cap)
        return CK_OK;
    size_t cap = sb->cap ? sb->cap : 32;
    while (cap < need)
        cap *= 2;
    char *p = realloc(sb->data, cap);
    if (!p)
        return CK_ENOMEM;
    sb->data = p;
    sb->cap = cap;
    return CK_OK;
}

ck_status ck_strbuf_append(ck_strbuf *sb, const char *s, size_t n)
{
    if (ck_strbuf_reserve(sb, n) != CK_OK)
        return CK_ENOMEM;
    memcpy(sb->data + sb->len, s, n);
    sb->len += n;
    sb->data[sb->len] = '\0';
    return CK_OK;
}

ck_status ck_strbuf_puts(ck_strbuf *sb, const char *s) { return ck_strbuf_append(sb, s, strlen(s)); }

ck_status ck_strbuf_putc(ck_strbuf *sb, char c) { return ck_strbuf_append(sb, &c, 1); }

ck_status ck_strbuf_vprintf(ck_strbuf *sb, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        return CK_EINVAL;
    if (ck_strbuf_reserve(sb, (size_t)n) != CK_OK)
        return CK_ENOMEM;
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
    return CK_OK;
}

ck_status ck_strbuf_printf(ck_strbuf *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ck_status st = ck_strbuf_vprintf(sb, fmt, ap);
    va_end(ap);
    return st;
}

char *ck_strbuf_detach(ck_strbuf *sb)
{
    char *p = sb->data;
    if (!p) {
        p = malloc(1);
        if (p)
            *p = '\0';
    }
    ck_strbuf_init(sb);
    return p;
}
