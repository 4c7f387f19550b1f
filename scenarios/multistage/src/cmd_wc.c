/* ckit wc: lines, words, bytes and UTF-8 characters. */
#include <stdio.h>
#include "ckit/text.h"
#include "cli.h"

typedef struct counts { size_t lines, words, bytes, chars; } counts;

static void count(const cli_buf *in, counts *c)
{
    ck_words w;
    char buf[64];
    c->bytes = in->len;
    c->lines = 0;
    for (size_t i = 0; i < in->len; i++)
        c->lines += in->data[i] == '\n';
    c->chars = ck_utf8_count(in->data, in->len);
    c->words = 0;
    ck_words_init(&w, in->data, in->len);
    while (ck_words_next(&w, buf, sizeof buf) > 0)
        c->words++;
}

static void print(const counts *c, const char *label)
{
    printf("%7zu %7zu %7zu %7zu", c->lines, c->words, c->bytes, c->chars);
    if (label)
        printf(" %s", label);
    putchar('\n');
}

int cmd_wc(int argc, char **argv)
{
    static const cli_opt opts[] = {{0, NULL, 0}};
    cli_parser p;
    counts total = {0, 0, 0, 0};
    int rc = CLI_OK, files = 0;

    cli_parser_init(&p, argc, argv, opts);
    if (cli_next(&p) != 0)
        return cli_usage(cli_find("wc"));
    if (p.index >= argc) {
        cli_buf in;
        counts c;
        if (cli_read("wc", NULL, &in) != 0)
            return CLI_FAIL;
        count(&in, &c);
        print(&c, NULL);
        cli_buf_free(&in);
        return CLI_OK;
    }
    for (int i = p.index; i < argc; i++) {
        cli_buf in;
        counts c;
        if (cli_read("wc", argv[i], &in) != 0) {
            rc = CLI_FAIL;
            continue;
        }
        count(&in, &c);
        print(&c, argv[i]);
        total.lines += c.lines;
        total.words += c.words;
        total.bytes += c.bytes;
        total.chars += c.chars;
        files++;
        cli_buf_free(&in);
    }
    if (files > 1)
        print(&total, "total");
    return rc;
}
