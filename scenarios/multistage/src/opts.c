/* A small getopt_long: -x, -xVALUE, -x VALUE, clustered flags (-rn), --long, --long=VALUE, --. */
#include <stdio.h>
#include <string.h>
#include "cli.h"

void cli_parser_init(cli_parser *p, int argc, char **argv, const cli_opt *opts)
{
    p->argc = argc;
    p->argv = argv;
    p->index = 1;
    p->opts = opts;
    p->arg = NULL;
    p->pending = NULL;
}

static const cli_opt *by_short(const cli_opt *opts, char c)
{
    for (; opts->name; opts++)
        if (opts->name == c)
            return opts;
    return NULL;
}

static const cli_opt *by_long(const cli_opt *opts, const char *name, size_t n)
{
    for (; opts->name; opts++)
        if (opts->long_name && strlen(opts->long_name) == n && strncmp(opts->long_name, name, n) == 0)
            return opts;
    return NULL;
}

static int short_option(cli_parser *p, const char *s)
{
    const cli_opt *o = by_short(p->opts, *s);
    if (!o) {
        fprintf(stderr, "ckit %s: unknown option -%c\n", p->argv[0], *s);
        return '?';
    }
    p->pending = NULL;
    if (o->takes_arg) {
        if (s[1]) {
            p->arg = s + 1;
        } else if (p->index < p->argc) {
            p->arg = p->argv[p->index++];
        } else {
            fprintf(stderr, "ckit %s: option -%c needs a value\n", p->argv[0], *s);
            return '?';
        }
    } else if (s[1]) {
        p->pending = s + 1;
    }
    return o->name;
}

int cli_next(cli_parser *p)
{
    p->arg = NULL;
    if (p->pending)
        return short_option(p, p->pending);
    if (p->index >= p->argc)
        return 0;
    const char *a = p->argv[p->index];
    if (a[0] != '-' || a[1] == '\0')
        return 0;                       /* an operand, or "-" for standard input */
    p->index++;
    if (strcmp(a, "--") == 0)
        return 0;
    if (a[1] != '-')
        return short_option(p, a + 1);

    const char *name = a + 2, *eq = strchr(name, '=');
    size_t n = eq ? (size_t)(eq - name) : strlen(name);
    const cli_opt *o = by_long(p->opts, name, n);
    if (!o) {
        fprintf(stderr, "ckit %s: unknown option --%.*s\n", p->argv[0], (int)n, name);
        return '?';
    }
    if (o->takes_arg) {
        if (eq) {
            p->arg = eq + 1;
        } else if (p->index < p->argc) {
            p->arg = p->argv[p->index++];
        } else {
            fprintf(stderr, "ckit %s: option --%s needs a value\n", p->argv[0], o->long_name);
            return '?';
        }
    } else if (eq) {
        fprintf(stderr, "ckit %s: option --%s takes no value\n", p->argv[0], o->long_name);
        return '?';
    }
    return o->name;
}
