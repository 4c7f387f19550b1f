/* ckit encode / decode: text encodings of binary data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/codec.h"
#include "cli.h"

typedef enum { F_BASE64, F_BASE64URL, F_BASE32, F_HEX, F_ASCII85 } format;

static int parse_format(const char *cmd, const char *name, format *f)
{
    static const struct { const char *name; format f; } names[] = {
        {"base64", F_BASE64}, {"b64", F_BASE64}, {"base64url", F_BASE64URL},
        {"base32", F_BASE32}, {"b32", F_BASE32}, {"hex", F_HEX}, {"ascii85", F_ASCII85},
        {"a85", F_ASCII85},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(names[i].name, name) == 0) {
            *f = names[i].f;
            return 0;
        }
    }
    cli_error(cmd, "unknown format '%s' (base64, base64url, base32, hex, ascii85)", name);
    return -1;
}

int cmd_encode(int argc, char **argv)
{
    static const cli_opt opts[] = {{'f', "format", 1}, {'w', "wrap", 1}, {0, NULL, 0}};
    format f = F_BASE64;
    uint64_t width = 76;
    cli_parser p;
    int c;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        switch (c) {
        case 'f':
            if (parse_format("encode", p.arg, &f) != 0)
                return CLI_USAGE;
            break;
        case 'w':
            if (cli_parse_u64("encode", p.arg, 1 << 20, &width) != 0)
                return CLI_USAGE;
            break;
        default: return cli_usage(cli_find("encode"));
        }
    }
    if (p.index < argc - 1)
        return cli_usage(cli_find("encode"));

    cli_buf in;
    if (cli_read("encode", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;
    size_t need;
    switch (f) {
    case F_BASE64: case F_BASE64URL: need = ck_base64_enclen(in.len); break;
    case F_BASE32: need = ck_base32_enclen(in.len); break;
    case F_HEX: need = 2 * in.len + 1; break;
    default: need = ck_ascii85_enclen(in.len); break;
    }
    char *text = malloc(need);
    if (!text) {
        cli_buf_free(&in);
        return cli_error("encode", "out of memory");
    }
    size_t n;
    switch (f) {
    case F_BASE64: n = ck_base64_encode(in.data, in.len, text, 0); break;
    case F_BASE64URL: n = ck_base64_encode(in.data, in.len, text, 1); break;
    case F_BASE32: n = ck_base32_encode(in.data, in.len, text); break;
    case F_HEX: n = ck_hex_encode(in.data, in.len, text, 0); break;
    default: n = ck_ascii85_encode(in.data, in.len, text); break;
    }
    cli_print_wrapped(stdout, text, n, (size_t)width);
    free(text);
    cli_buf_free(&in);
    return CLI_OK;
}

int cmd_decode(int argc, char **argv)
{
    static const cli_opt opts[] = {{'f', "format", 1}, {0, NULL, 0}};
    format f = F_BASE64;
    cli_parser p;
    int c;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        if (c != 'f' || parse_format("decode", p.arg, &f) != 0)
            return cli_usage(cli_find("decode"));
    }
    if (p.index < argc - 1)
        return cli_usage(cli_find("decode"));

    cli_buf in;
    if (cli_read("decode", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;
    uint8_t *out = malloc(in.len + 8);   /* every format decodes to fewer bytes than its text */
    size_t n = 0;
    ck_status st = CK_ENOMEM;
    if (out) {
        const char *t = (const char *)in.data;
        switch (f) {
        case F_BASE64: case F_BASE64URL: st = ck_base64_decode(t, in.len, out, &n); break;
        case F_BASE32: st = ck_base32_decode(t, in.len, out, &n); break;
        case F_HEX: st = ck_hex_decode(t, in.len, out, &n); break;
        default: st = ck_ascii85_decode(t, in.len, out, &n); break;
        }
    }
    int rc = CLI_OK;
    if (st != CK_OK)
        rc = cli_error("decode", "%s", ck_strerror(st));
    else if (cli_write(out, n) != 0)
        rc = cli_error("decode", "write error");
    free(out);
    cli_buf_free(&in);
    return rc;
}
