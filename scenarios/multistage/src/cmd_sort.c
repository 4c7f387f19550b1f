/* ckit sort: stable line sort, lexical or numeric, optionally reversed and unique. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/container.h"
#include "ckit/text.h"
#include "cli.h"

typedef struct sort_opts { int reverse, numeric; } sort_opts;

static int compare_lines(const void *a, const void *b, void *ctx)
{
    const ck_line *x = a, *y = b;
    const sort_opts *o = ctx;
    int r;
    if (o->numeric) {
        double dx = strtod(x->s, NULL), dy = strtod(y->s, NULL);
        r = (dx > dy) - (dx < dy);
    } else {
        size_t n = x->len < y->len ? x->len : y->len;
        r = memcmp(x->s, y->s, n);
        if (r == 0)
            r = (x->len > y->len) - (x->len < y->len);
    }
    return o->reverse ? -r : r;
}

int cmd_sort(int argc, char **argv)
{
    static const cli_opt opts[] = {
        {'r', "reverse", 0}, {'n', "numeric", 0}, {'u', "unique", 0}, {0, NULL, 0}};
    sort_opts o = {0, 0};
    int unique = 0, c;
    cli_parser p;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        switch (c) {
        case 'r': o.reverse = 1; break;
        case 'n': o.numeric = 1; break;
        case 'u': unique = 1; break;
        default: return cli_usage(cli_find("sort"));
        }
    }
    if (p.index < argc - 1)
        return cli_usage(cli_find("sort"));
    cli_buf in;
    if (cli_read("sort", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;
    ck_line *lines;
    size_t n = ck_lines_split((const char *)in.data, in.len, &lines);
    if (ck_msort(lines, n, sizeof *lines, compare_lines, &o) != CK_OK) {
        free(lines);
        cli_buf_free(&in);
        return cli_error("sort", "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (unique && i > 0 && compare_lines(&lines[i - 1], &lines[i], &o) == 0)
            continue;
        fwrite(lines[i].s, 1, lines[i].len, stdout);
        putchar('\n');
    }
    free(lines);
    cli_buf_free(&in);
    return CLI_OK;
}
