/* ckit dist: how far apart two strings are. */
#include <stdio.h>
#include <string.h>
#include "ckit/text.h"
#include "cli.h"

int cmd_dist(int argc, char **argv)
{
    if (argc != 3)
        return cli_usage(cli_find("dist"));
    const char *a = argv[1], *b = argv[2];
    size_t alen = strlen(a), blen = strlen(b);
    size_t lev = ck_levenshtein(a, alen, b, blen), lcs = ck_lcs_length(a, alen, b, blen);
    if (lev == (size_t)-1 || lcs == (size_t)-1)
        return cli_error("dist", "out of memory");
    size_t longest = alen > blen ? alen : blen;
    printf("levenshtein %zu\n", lev);
    printf("lcs         %zu\n", lcs);
    printf("similarity  %.3f\n", longest ? 1.0 - (double)lev / (double)longest : 1.0);
    return CLI_OK;
}
