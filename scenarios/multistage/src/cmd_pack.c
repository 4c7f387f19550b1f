/* ckit pack / unpack: LZSS or PackBits compression of a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/codec.h"
#include "cli.h"

static int parse_method(const char *cmd, const char *name, int *lzss)
{
    if (strcmp(name, "lzss") == 0)
        *lzss = 1;
    else if (strcmp(name, "packbits") == 0 || strcmp(name, "rle") == 0)
        *lzss = 0;
    else
        return cli_error(cmd, "unknown method '%s' (lzss, packbits)", name), -1;
    return 0;
}

int cmd_pack(int argc, char **argv)
{
    static const cli_opt opts[] = {{'f', "format", 1}, {'v', "verbose", 0}, {0, NULL, 0}};
    int lzss = 1, verbose = 0, c;
    cli_parser p;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        if (c == 'f') {
            if (parse_method("pack", p.arg, &lzss) != 0)
                return CLI_USAGE;
        } else if (c == 'v') {
            verbose = 1;
        } else {
            return cli_usage(cli_find("pack"));
        }
    }
    if (p.index < argc - 1)
        return cli_usage(cli_find("pack"));
    cli_buf in;
    if (cli_read("pack", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;
    if (lzss && in.len > 0xffffffffu) {
        cli_buf_free(&in);
        return cli_error("pack", "input too large for lzss");
    }
    size_t bound = lzss ? ck_lzss_bound(in.len) : ck_packbits_bound(in.len);
    uint8_t *out = malloc(bound);
    if (!out) {
        cli_buf_free(&in);
        return cli_error("pack", "out of memory");
    }
    size_t n = lzss ? ck_lzss_encode(in.data, in.len, out) : ck_packbits_encode(in.data, in.len, out);
    int rc = cli_write(out, n) == 0 ? CLI_OK : cli_error("pack", "write error");
    if (verbose)
        fprintf(stderr, "ckit pack: %zu -> %zu bytes (%.1f%%)\n", in.len, n,
                in.len ? 100.0 * (double)n / (double)in.len : 100.0);
    free(out);
    cli_buf_free(&in);
    return rc;
}

int cmd_unpack(int argc, char **argv)
{
    static const cli_opt opts[] = {{'f', "format", 1}, {0, NULL, 0}};
    int lzss = 1, c;
    cli_parser p;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        if (c != 'f' || parse_method("unpack", p.arg, &lzss) != 0)
            return cli_usage(cli_find("unpack"));
    }
    if (p.index < argc - 1)
        return cli_usage(cli_find("unpack"));
    cli_buf in;
    if (cli_read("unpack", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;

    size_t cap, n = 0;
    ck_status st = CK_OK;
    if (lzss)
        st = ck_lzss_decoded_size(in.data, in.len, &cap);
    else
        cap = in.len / 2 * 128 + 128;    /* a 2-byte run expands to at most 128 bytes */
    uint8_t *out = st == CK_OK ? malloc(cap ? cap : 1) : NULL;
    if (st == CK_OK && !out)
        st = CK_ENOMEM;
    if (st == CK_OK)
        st = lzss ? ck_lzss_decode(in.data, in.len, out, cap, &n)
                  : ck_packbits_decode(in.data, in.len, out, cap, &n);
    int rc = CLI_OK;
    if (st != CK_OK)
        rc = cli_error("unpack", "corrupt input: %s", ck_strerror(st));
    else if (cli_write(out, n) != 0)
        rc = cli_error("unpack", "write error");
    free(out);
    cli_buf_free(&in);
    return rc;
}
