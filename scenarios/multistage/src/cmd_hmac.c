/* ckit hmac: HMAC (RFC 2104) with any block digest of the registry. */
#include <stdio.h>
#include <string.h>
#include "ckit/digest.h"
#include "cli.h"

int cmd_hmac(int argc, char **argv)
{
    static const cli_opt opts[] = {{'a', "algorithm", 1}, {'k', "key", 1}, {0, NULL, 0}};
    const char *algname = "sha256", *key = NULL;
    cli_parser p;
    int c;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        switch (c) {
        case 'a': algname = p.arg; break;
        case 'k': key = p.arg; break;
        default: return cli_usage(cli_find("hmac"));
        }
    }
    if (!key || p.index < argc - 1)
        return cli_usage(cli_find("hmac"));
    const ck_digest_alg *alg = ck_digest_find(algname);
    if (!alg)
        return cli_error("hmac", "unknown algorithm '%s'", algname);
    if (alg->block == 0)
        return cli_error("hmac", "%s is a checksum, HMAC needs a digest (md5, sha1, sha2)", algname);

    cli_buf in;
    if (cli_read("hmac", p.index < argc ? argv[p.index] : NULL, &in) != 0)
        return CLI_FAIL;
    uint8_t out[CK_DIGEST_MAX];
    int rc = ck_hmac(alg, key, strlen(key), in.data, in.len, out);
    cli_buf_free(&in);
    if (rc != 0)
        return cli_error("hmac", "out of memory");
    cli_put_hex(stdout, out, alg->size);
    putchar('\n');
    return CLI_OK;
}
