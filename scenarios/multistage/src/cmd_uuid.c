/* ckit uuid: random (v4, seedable for reproducible output) or name-based (v5) UUIDs. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ckit/num.h"
#include "cli.h"

int cmd_uuid(int argc, char **argv)
{
    static const cli_opt opts[] = {
        {'n', "count", 1}, {'s', "seed", 1}, {'5', "name", 0}, {0, NULL, 0}};
    uint64_t count = 1, seed = 0;
    int seeded = 0, v5 = 0, c;
    cli_parser p;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        switch (c) {
        case 'n':
            if (cli_parse_u64("uuid", p.arg, 1000000, &count) != 0)
                return CLI_USAGE;
            break;
        case 's':
            if (cli_parse_u64("uuid", p.arg, UINT64_MAX, &seed) != 0)
                return CLI_USAGE;
            seeded = 1;
            break;
        case '5': v5 = 1; break;
        default: return cli_usage(cli_find("uuid"));
        }
    }
    char out[37];
    if (v5) {
        if (p.index != argc - 2)
            return cli_usage(cli_find("uuid"));
        const char *name = argv[p.index + 1];
        if (ck_uuid5(argv[p.index], name, strlen(name), out) != CK_OK)
            return cli_error("uuid", "bad namespace '%s' (dns, url, oid, x500 or a UUID)", argv[p.index]);
        puts(out);
        return CLI_OK;
    }
    if (p.index != argc)
        return cli_usage(cli_find("uuid"));
    if (!seeded) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32;
    }
    ck_rng rng;
    ck_rng_seed(&rng, seed, 0x2545F4914F6CDD1Dull);
    for (uint64_t i = 0; i < count; i++) {
        ck_uuid4(&rng, out);
        puts(out);
    }
    return CLI_OK;
}
