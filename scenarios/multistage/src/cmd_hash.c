/* ckit hash: digests of files, standard input or a string. */
#include <stdio.h>
#include <string.h>
#include "ckit/digest.h"
#include "cli.h"

static void list_algorithms(void)
{
    for (size_t i = 0; i < ck_digest_count(); i++) {
        const ck_digest_alg *a = ck_digest_at(i);
        printf("%-11s %3zu bits  %s\n", a->name, a->size * 8, a->summary);
    }
}

static void print_one(const ck_digest_alg *a, const cli_buf *in, const char *label, int all)
{
    uint8_t out[CK_DIGEST_MAX];
    a->oneshot(in->data, in->len, out);
    if (all)
        printf("%-11s ", a->name);
    cli_put_hex(stdout, out, a->size);
    if (label)
        printf("  %s", label);
    putchar('\n');
}

static void print_digests(const char *alg, const cli_buf *in, const char *label)
{
    if (strcmp(alg, "all") == 0) {
        if (label)
            printf("%s:\n", label);
        for (size_t i = 0; i < ck_digest_count(); i++)
            print_one(ck_digest_at(i), in, NULL, 1);
    } else {
        print_one(ck_digest_find(alg), in, label, 0);
    }
}

int cmd_hash(int argc, char **argv)
{
    static const cli_opt opts[] = {
        {'a', "algorithm", 1}, {'l', "list", 0}, {'s', "string", 1}, {0, NULL, 0}};
    const char *alg = "sha256", *text = NULL;
    cli_parser p;
    int c, rc = CLI_OK;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        switch (c) {
        case 'a': alg = p.arg; break;
        case 'l': list_algorithms(); return CLI_OK;
        case 's': text = p.arg; break;
        default: return cli_usage(cli_find("hash"));
        }
    }
    if (strcmp(alg, "all") != 0 && !ck_digest_find(alg))
        return cli_error("hash", "unknown algorithm '%s' (see ckit hash -l)", alg);

    if (text) {
        cli_buf in = {(uint8_t *)text, strlen(text)};
        print_digests(alg, &in, NULL);
        return CLI_OK;
    }
    if (p.index >= argc) {
        cli_buf in;
        if (cli_read("hash", NULL, &in) != 0)
            return CLI_FAIL;
        print_digests(alg, &in, "-");
        cli_buf_free(&in);
        return CLI_OK;
    }
    for (int i = p.index; i < argc; i++) {
        cli_buf in;
        if (cli_read("hash", argv[i], &in) != 0) {
            rc = CLI_FAIL;
            continue;
        }
        print_digests(alg, &in, argv[i]);
        cli_buf_free(&in);
    }
    return rc;
}
