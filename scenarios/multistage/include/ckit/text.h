/* UTF-8, dynamic strings, words, edit distance. */
#ifndef CKIT_TEXT_H
#define CKIT_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "ckit/status.h"

/* UTF-8: decode one code point at s (n bytes available). Returns bytes used, 0 on invalid input. */
size_t ck_utf8_decode(const uint8_t *s, size_t n, uint32_t *cp);
size_t ck_utf8_encode(uint32_t cp, uint8_t out[4]);
/* Offset of the first invalid byte, or n if s is valid UTF-8. */
size_t ck_utf8_validate(const uint8_t *s, size_t n);
/* Number of code points; invalid bytes count as one each. */
size_t ck_utf8_count(const uint8_t *s, size_t n);

typedef struct ck_strbuf {
    char *data;
    size_t len;
    size_t cap;
} ck_strbuf;

void ck_strbuf_init(ck_strbuf *sb);
void ck_strbuf_free(ck_strbuf *sb);
ck_status ck_strbuf_reserve(ck_strbuf *sb, size_t extra);
ck_status ck_strbuf_append(ck_strbuf *sb, const char *s, size_t n);
ck_status ck_strbuf_puts(ck_strbuf *sb, const char *s);
ck_status ck_strbuf_putc(ck_strbuf *sb, char c);
ck_status ck_strbuf_printf(ck_strbuf *sb, const char *fmt, ...);
ck_status ck_strbuf_vprintf(ck_strbuf *sb, const char *fmt, va_list ap);
char *ck_strbuf_detach(ck_strbuf *sb);

/* Word scanner: words are runs of ASCII letters, digits, apostrophes inside a word,
 * and any non-ASCII UTF-8 sequence. ASCII letters are lower-cased into the caller's buffer. */
typedef struct ck_words {
    const uint8_t *p;
    const uint8_t *end;
} ck_words;

void ck_words_init(ck_words *w, const void *text, size_t len);
/* Next word into buf (truncated to cap-1 bytes, NUL-terminated). Returns its full length, 0 at end. */
size_t ck_words_next(ck_words *w, char *buf, size_t cap);

/* Lines: split at '\n', dropping a trailing '\r'. Returns the number of lines. */
typedef struct ck_line { const char *s; size_t len; } ck_line;
size_t ck_lines_split(const char *text, size_t len, ck_line **lines);

/* Word frequencies, sorted by count (descending) then word (ascending). */
typedef struct ck_wordcount { const char *word; size_t count; } ck_wordcount;
typedef struct ck_wordfreq ck_wordfreq;
ck_wordfreq *ck_wordfreq_new(void);
void ck_wordfreq_free(ck_wordfreq *wf);
ck_status ck_wordfreq_add_text(ck_wordfreq *wf, const void *text, size_t len);
size_t ck_wordfreq_total(const ck_wordfreq *wf);
size_t ck_wordfreq_distinct(const ck_wordfreq *wf);
/* Sorted view, valid until the next add or free. */
const ck_wordcount *ck_wordfreq_sorted(ck_wordfreq *wf, size_t *n);

size_t ck_levenshtein(const char *a, size_t alen, const char *b, size_t blen);
/* Longest common subsequence length. */
size_t ck_lcs_length(const char *a, size_t alen, const char *b, size_t blen);

#endif
