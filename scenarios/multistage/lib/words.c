/* Word scanning and line splitting. */
#include <stdlib.h>
#include "ckit/text.h"

static int is_word_byte(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

void ck_words_init(ck_words *w, const void *text, size_t len)
{
    w->p = text;
    w->end = w->p + len;
}

size_t ck_words_next(ck_words *w, char *buf, size_t cap)
{
    const uint8_t *p = w->p, *end = w->end;
    while (p < end && !is_word_byte(*p))
        p++;
    size_t n = 0;
    while (p < end) {
        uint8_t c = *p;
        if (c == '\'' && n > 0 && p + 1 < end && is_word_byte(p[1])) {
            /* apostrophe inside a word: don't, it's */
        } else if (!is_word_byte(c)) {
            break;
        }
        if (c >= 'A' && c <= 'Z')
            c = (uint8_t)(c - 'A' + 'a');
        if (n + 1 < cap)
            buf[n] = (char)c;
        n++;
        p++;
    }
    if (cap)
        buf[n + 1 < cap ? n : cap - 1] = '\0';
    w->p = p;
    return n;
}

size_t ck_lines_split(const char *text, size_t len, ck_line **lines)
{
    size_t count = 0, cap = 16;
    ck_line *v = malloc(cap * sizeof *v);
    size_t start = 0;
    if (!v) {
        *lines = NULL;
        return 0;
    }
    for (size_t i = 0; i <= len; i++) {
        if (i == len && start == len)
            break;
        if (i == len || text[i] == '\n') {
            size_t n = i - start;
            if (n && text[start + n - 1] == '\r')
                n--;
            if (count == cap) {
                ck_line *nv = realloc(v, 2 * cap * sizeof *v);
                if (!nv)
                    break;
                v = nv;
                cap *= 2;
            }
            v[count].s = text + start;
            v[count].len = n;
            count++;
            start = i + 1;
        }
    }
    *lines = v;
    return count;
}
