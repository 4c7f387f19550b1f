/* ckit check: verify "DIGEST  FILE" lines, like sha256sum -c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ckit/codec.h"
#include "ckit/digest.h"
#include "ckit/text.h"
#include "cli.h"

int cmd_check(int argc, char **argv)
{
    static const cli_opt opts[] = {{'a', "algorithm", 1}, {'q', "quiet", 0}, {0, NULL, 0}};
    const char *algname = "sha256";
    int quiet = 0, c;
    cli_parser p;

    cli_parser_init(&p, argc, argv, opts);
    while ((c = cli_next(&p)) != 0) {
        switch (c) {
        case 'a': algname = p.arg; break;
        case 'q': quiet = 1; break;
        default: return cli_usage(cli_find("check"));
        }
    }
    if (p.index != argc - 1)
        return cli_usage(cli_find("check"));
    const ck_digest_alg *alg = ck_digest_find(algname);
    if (!alg)
        return cli_error("check", "unknown algorithm '%s'", algname);

    cli_buf list;
    if (cli_read("check", argv[p.index], &list) != 0)
        return CLI_FAIL;
    ck_line *lines;
    size_t nlines = ck_lines_split((const char *)list.data, list.len, &lines);
    size_t ok = 0, failed = 0, malformed = 0;

    for (size_t i = 0; i < nlines; i++) {
        const char *s = lines[i].s;
        size_t n = lines[i].len, hexlen = 0;
        if (n == 0 || s[0] == '#')
            continue;
        while (hexlen < n && s[hexlen] != ' ')
            hexlen++;
        size_t name_at = hexlen;
        while (name_at < n && (s[name_at] == ' ' || s[name_at] == '*'))
            name_at++;
        uint8_t want[CK_DIGEST_MAX], got[CK_DIGEST_MAX];
        size_t wantlen = 0;
        if (hexlen != alg->size * 2 || name_at == n ||
            ck_hex_decode(s, hexlen, want, &wantlen) != CK_OK) {
            malformed++;
            continue;
        }
        char *name = strndup(s + name_at, n - name_at);
        cli_buf in;
        if (!name || cli_read("check", name, &in) != 0) {
            failed++;
            if (name)
                printf("%s: FAILED open or read\n", name);
            free(name);
            continue;
        }
        alg->oneshot(in.data, in.len, got);
        cli_buf_free(&in);
        if (memcmp(want, got, alg->size) == 0) {
            ok++;
            if (!quiet)
                printf("%s: OK\n", name);
        } else {
            failed++;
            printf("%s: FAILED\n", name);
        }
        free(name);
    }
    free(lines);
    cli_buf_free(&list);
    if (malformed)
        fprintf(stderr, "ckit check: %zu line(s) improperly formatted\n", malformed);
    if (failed)
        fprintf(stderr, "ckit check: %zu of %zu computed checksum(s) did NOT match\n", failed, ok + failed);
    return failed || malformed || ok == 0 ? CLI_FAIL : CLI_OK;
}
