/* ckit freq: the most frequent words of some texts. */
#include <stdio.h>
#include "ckit/text.h"
#include "cli.h"

int cmd_freq(int argc, char **argv)
{
    static const cli_opt opts[] = {{'n', "top", 1}, {0, NULL, 0}};
    uint64_t top = 10;
    cli_parser p;
    int c, rc = CLI_OK;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        if (c != 'n' || cli_parse_u64("freq", p.arg, 1000000, &top) != 0)
            return cli_usage(cli_find("freq"));
    }
    ck_wordfreq *wf = ck_wordfreq_new();
    if (!wf)
        return cli_error("freq", "out of memory");
    for (int i = p.index; i < argc || i == p.index; i++) {
        cli_buf in;
        if (cli_read("freq", i < argc ? argv[i] : NULL, &in) != 0) {
            rc = CLI_FAIL;
            continue;
        }
        if (ck_wordfreq_add_text(wf, in.data, in.len) != CK_OK)
            rc = cli_error("freq", "out of memory");
        cli_buf_free(&in);
    }
    size_t n;
    const ck_wordcount *v = ck_wordfreq_sorted(wf, &n);
    for (size_t i = 0; v && i < n && i < top; i++)
        printf("%7zu %s\n", v[i].count, v[i].word);
    printf("%zu words, %zu distinct\n", ck_wordfreq_total(wf), ck_wordfreq_distinct(wf));
    ck_wordfreq_free(wf);
    return rc;
}
