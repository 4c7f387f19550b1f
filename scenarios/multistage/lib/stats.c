/* Running statistics (Welford) and percentiles. */
#include <math.h>
#include <stdlib.h>
#include "ckit/container.h"
#include "ckit/num.h"

void ck_stats_init(ck_stats *s)
{
    s->n = 0;
    s->mean = s->m2 = 0.0;
    s->min = INFINITY;
    s->max = -INFINITY;
}

void ck_stats_add(ck_stats *s, double x)
{
    s->n++;
    double d = x - s->mean;
    s->mean += d / (double)s->n;
    s->m2 += d * (x - s->mean);
    if (x < s->min) s->min = x;
    if (x > s->max) s->max = x;
}

double ck_stats_variance(const ck_stats *s) { return s->n < 2 ? 0.0 : s->m2 / (double)(s->n - 1); }

double ck_stats_stddev(const ck_stats *s) { return sqrt(ck_stats_variance(s)); }

static int cmp_double(const void *a, const void *b, void *ctx)
{
    double x = *(const double *)a, y = *(const double *)b;
    (void)ctx;
    return (x > y) - (x < y);
}

double ck_percentile(double *xs, size_t n, double p)
{
    if (n == 0)
        return NAN;
    ck_msort(xs, n, sizeof *xs, cmp_double, NULL);
    if (p <= 0)
        return xs[0];
    if (p >= 100)
        return xs[n - 1];
    double rank = p / 100.0 * (double)(n - 1);
    size_t lo = (size_t)rank;
    double frac = rank - (double)lo;
    return lo + 1 < n ? xs[lo] + frac * (xs[lo + 1] - xs[lo]) : xs[lo];
}
