/* ckit primes / factor. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "ckit/num.h"
#include "cli.h"

int cmd_primes(int argc, char **argv)
{
    static const cli_opt opts[] = {{'c', "count", 0}, {0, NULL, 0}};
    int count_only = 0, c;
    cli_parser p;
    uint64_t limit, *primes;
    size_t n;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        if (c != 'c')
            return cli_usage(cli_find("primes"));
        count_only = 1;
    }
    if (p.index != argc - 1)
        return cli_usage(cli_find("primes"));
    if (cli_parse_u64("primes", argv[p.index], (uint64_t)1 << 34, &limit) != 0)
        return CLI_USAGE;
    ck_status st = ck_primes_upto(limit, &primes, &n);
    if (st != CK_OK)
        return cli_error("primes", "%s", ck_strerror(st));
    if (count_only) {
        printf("%zu\n", n);
    } else {
        for (size_t i = 0; i < n; i++)
            printf("%" PRIu64 "\n", primes[i]);
    }
    free(primes);
    return CLI_OK;
}

int cmd_factor(int argc, char **argv)
{
    if (argc < 2)
        return cli_usage(cli_find("factor"));
    int rc = CLI_OK;
    for (int i = 1; i < argc; i++) {
        uint64_t n, f[64];
        if (cli_parse_u64("factor", argv[i], UINT64_MAX, &n) != 0) {
            rc = CLI_FAIL;
            continue;
        }
        size_t k = ck_factorize(n, f);
        printf("%" PRIu64 ":", n);
        for (size_t j = 0; j < k; j++)
            printf(" %" PRIu64, f[j]);
        putchar('\n');
    }
    return rc;
}
