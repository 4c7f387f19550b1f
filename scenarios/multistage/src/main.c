/* ckit: entry point and command table. */
#include <stdio.h>
#include <string.h>
#include "ckit/ckit.h"
#include "cli.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

static const cli_command commands[] = {
    {"hash", "[-a ALG|all] [-l] [-s TEXT] [FILE...]", "print checksums or digests", cmd_hash},
    {"check", "[-a ALG] [-q] SUMFILE", "verify a list of digests (as written by hash)", cmd_check},
    {"hmac", "-a ALG -k KEY [FILE]", "keyed HMAC of a file", cmd_hmac},
    {"encode", "[-f FORMAT] [-w COLS] [FILE]", "base64, base64url, base32, hex or ascii85 encoding", cmd_encode},
    {"decode", "[-f FORMAT] [FILE]", "decode what encode wrote", cmd_decode},
    {"pack", "[-f lzss|packbits] [-v] [FILE]", "compress to standard output", cmd_pack},
    {"unpack", "[-f lzss|packbits] [FILE]", "decompress to standard output", cmd_unpack},
    {"wc", "[FILE...]", "lines, words, bytes and UTF-8 characters", cmd_wc},
    {"freq", "[-n N] [FILE...]", "most frequent words", cmd_freq},
    {"sort", "[-r] [-n] [-u] [FILE]", "stable sort of lines", cmd_sort},
    {"stats", "[FILE]", "summary statistics of numbers", cmd_stats},
    {"primes", "[-c] LIMIT", "primes up to LIMIT, or their count", cmd_primes},
    {"factor", "N...", "prime factors", cmd_factor},
    {"fact", "N", "N factorial, exactly", cmd_fact},
    {"fib", "N", "the Nth Fibonacci number, exactly", cmd_fib},
    {"pow", "BASE EXP", "BASE to the power EXP, exactly", cmd_pow},
    {"uuid", "[-n N] [-s SEED] | -5 NAMESPACE NAME", "random or name-based UUIDs", cmd_uuid},
    {"dist", "A B", "edit distance and longest common subsequence", cmd_dist},
    {"demo", "", "show what ckit does on a sample text", cmd_demo},
    {"help", "[COMMAND]", "this help, or a command's usage", cmd_help},
    {"version", "", "print the version", cmd_version},
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

const cli_command *cli_find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

int cli_usage(const cli_command *c)
{
    fprintf(stderr, "usage: ckit %s %s\n", c->name, c->usage);
    return CLI_USAGE;
}

static void overview(FILE *f)
{
    fprintf(f, "ckit %s: checksums, encodings and text tools\n\nusage: ckit COMMAND [ARGS]\n\n", ck_version());
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 1) {
        const cli_command *c = cli_find(argv[1]);
        if (!c)
            return cli_error("help", "no such command: %s", argv[1]);
        printf("usage: ckit %s %s\n  %s\n", c->name, c->usage, c->summary);
        return CLI_OK;
    }
    overview(stdout);
    return CLI_OK;
}

static int cmd_version(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("ckit %s\n", ck_version());
    return CLI_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        overview(stderr);
        return CLI_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return cmd_help(1, argv + 1);
    if (strcmp(argv[1], "--version") == 0)
        return cmd_version(1, argv + 1);
    const cli_command *c = cli_find(argv[1]);
    if (!c) {
        fprintf(stderr, "ckit: unknown command '%s' (try 'ckit help')\n", argv[1]);
        return CLI_USAGE;
    }
    int rc = c->run(argc - 1, argv + 1);
    if (fflush(stdout) != 0 && rc == CLI_OK) {
        perror("ckit: write error");
        rc = CLI_FAIL;
    }
    return rc;
}
