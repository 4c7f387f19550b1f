/* Reading whole inputs, writing raw output. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int cli_read(const char *cmd, const char *path, cli_buf *out)
{
    int is_stdin = path == NULL || strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    size_t cap = 64 * 1024, len = 0;
    uint8_t *data;

    out->data = NULL;
    out->len = 0;
    if (!f) {
        cli_error(cmd, "%s: %s", path, strerror(errno));
        return -1;
    }
    data = malloc(cap + 1);
    while (data) {
        size_t n = fread(data + len, 1, cap - len, f);
        len += n;
        if (len < cap) {
            if (ferror(f)) {
                cli_error(cmd, "%s: read error", is_stdin ? "standard input" : path);
                free(data);
                data = NULL;
            }
            break;
        }
        uint8_t *bigger = realloc(data, 2 * cap + 1);
        if (!bigger) {
            free(data);
            data = NULL;
            break;
        }
        data = bigger;
        cap *= 2;
    }
    if (!is_stdin)
        fclose(f);
    if (!data) {
        cli_error(cmd, "cannot read %s", is_stdin ? "standard input" : path);
        return -1;
    }
    data[len] = '\0';   /* convenient for text parsing; not counted in len */
    out->data = data;
    out->len = len;
    return 0;
}

void cli_buf_free(cli_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

int cli_write(const void *data, size_t len)
{
    return fwrite(data, 1, len, stdout) == len ? 0 : -1;
}
