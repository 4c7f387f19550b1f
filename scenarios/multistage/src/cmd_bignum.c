/* ckit fact / fib / pow: exact big-number results. */
#include <stdio.h>
#include <stdlib.h>
#include "ckit/num.h"
#include "cli.h"

static int print_big(const char *cmd, ck_status st, ck_bigint *b)
{
    if (st != CK_OK) {
        ck_big_free(b);
        return cli_error(cmd, "%s", ck_strerror(st));
    }
    char *s = ck_big_to_string(b);
    ck_big_free(b);
    if (!s)
        return cli_error(cmd, "out of memory");
    puts(s);
    free(s);
    return CLI_OK;
}

int cmd_fact(int argc, char **argv)
{
    uint64_t n;
    ck_bigint r;
    if (argc != 2)
        return cli_usage(cli_find("fact"));
    if (cli_parse_u64("fact", argv[1], 100000, &n) != 0)
        return CLI_USAGE;
    return print_big("fact", ck_big_factorial(&r, (uint32_t)n), &r);
}

int cmd_fib(int argc, char **argv)
{
    uint64_t n;
    ck_bigint r;
    if (argc != 2)
        return cli_usage(cli_find("fib"));
    if (cli_parse_u64("fib", argv[1], 1000000, &n) != 0)
        return CLI_USAGE;
    return print_big("fib", ck_big_fibonacci(&r, (uint32_t)n), &r);
}

int cmd_pow(int argc, char **argv)
{
    uint64_t base, exp;
    ck_bigint r;
    if (argc != 3)
        return cli_usage(cli_find("pow"));
    if (cli_parse_u64("pow", argv[1], 0xffffffffu, &base) != 0 ||
        cli_parse_u64("pow", argv[2], 100000, &exp) != 0)
        return CLI_USAGE;
    return print_big("pow", ck_big_pow(&r, (uint32_t)base, (uint32_t)exp), &r);
}
