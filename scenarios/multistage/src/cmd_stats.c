/* ckit stats: count, mean, spread and percentiles of whitespace-separated numbers. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include "ckit/container.h"
#include "ckit/num.h"
#include "cli.h"

int cmd_stats(int argc, char **argv)
{
    static const cli_opt opts[] = {{0, NULL, 0}};
    cli_parser p;

    cli_parser_init(&p, argc, argv, opts);
    if (cli_next(&p) != 0 || p.index < argc - 1)
        return cli_usage(cli_find("stats"));
    cli_buf in;
    if (cli_read("stats", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;

    ck_vec xs;
    ck_stats s;
    ck_vec_init(&xs, sizeof(double));
    ck_stats_init(&s);
    const char *t = (const char *)in.data;
    int rc = CLI_OK;
    for (;;) {
        char *end;
        while (*t == ' ' || *t == '\t' || *t == '\n' || *t == '\r' || *t == ',')
            t++;
        if (*t == '\0')
            break;
        errno = 0;
        double x = strtod(t, &end);
        if (end == t || errno == ERANGE || !isfinite(x)) {
            rc = cli_error("stats", "not a number at byte %zu", (size_t)(t - (const char *)in.data));
            break;
        }
        t = end;
        ck_stats_add(&s, x);
        if (ck_vec_push(&xs, &x) != CK_OK) {
            rc = cli_error("stats", "out of memory");
            break;
        }
    }
    if (rc == CLI_OK) {
        if (s.n == 0) {
            rc = cli_error("stats", "no numbers in input");
        } else {
            double *v = xs.data;
            printf("count  %zu\n", s.n);
            printf("mean   %.6g\n", s.mean);
            printf("stddev %.6g\n", ck_stats_stddev(&s));
            printf("min    %.6g\n", s.min);
            printf("p50    %.6g\n", ck_percentile(v, xs.len, 50));
            printf("p90    %.6g\n", ck_percentile(v, xs.len, 90));
            printf("p99    %.6g\n", ck_percentile(v, xs.len, 99));
            printf("max    %.6g\n", s.max);
        }
    }
    ck_vec_free(&xs);
    cli_buf_free(&in);
    return rc;
}
