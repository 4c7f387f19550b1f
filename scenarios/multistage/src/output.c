/* Error messages, hex output, number parsing, wrapping. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"

int cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "ckit %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_FAIL;
}

void cli_put_hex(FILE *f, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        fputc(digits[p[i] >> 4], f);
        fputc(digits[p[i] & 15], f);
    }
}

int cli_parse_u64(const char *cmd, const char *text, uint64_t max, uint64_t *out)
{
    char *end;
    if (!text || *text == '\0' || *text == '-') {
        cli_error(cmd, "not a non-negative integer: '%s'", text ? text : "");
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end) {
        cli_error(cmd, "not a non-negative integer: '%s'", text);
        return -1;
    }
    if (v > max) {
        cli_error(cmd, "%s is too large (at most %llu)", text, (unsigned long long)max);
        return -1;
    }
    *out = v;
    return 0;
}

void cli_print_wrapped(FILE *f, const char *s, size_t len, size_t width)
{
    if (width == 0) {
        fwrite(s, 1, len, f);
        fputc('\n', f);
        return;
    }
    for (size_t i = 0; i < len; i += width) {
        fwrite(s + i, 1, len - i < width ? len - i : width, f);
        fputc('\n', f);
    }
    if (len == 0)
        fputc('\n', f);
}
