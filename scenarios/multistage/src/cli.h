/* ckit command line: shared declarations. */
#ifndef CKIT_CLI_H
#define CKIT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cli_command {
    const char *name;
    const char *usage;     /* arguments, shown after the name */
    const char *summary;
    int (*run)(int argc, char **argv);   /* argv[0] is the command name */
} cli_command;

/* Exit codes. */
enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Option parsing: short options with an optional long alias. */
typedef struct cli_opt {
    char name;             /* returned by cli_next */
    const char *long_name; /* may be NULL */
    int takes_arg;
} cli_opt;

typedef struct cli_parser {
    int argc;
    char **argv;
    int index;             /* next argv element to look at; after the options, the first operand */
    const cli_opt *opts;   /* terminated by an entry with name 0 */
    const char *arg;       /* argument of the last option */
    const char *pending;   /* rest of a cluster of short flags, e.g. "rn" in -urn */
} cli_parser;

void cli_parser_init(cli_parser *p, int argc, char **argv, const cli_opt *opts);
/* Next option: its name, 0 when the options end, '?' after printing an error. */
int cli_next(cli_parser *p);

/* Input. */
typedef struct cli_buf {
    uint8_t *data;
    size_t len;
} cli_buf;

/* Reads a whole file; NULL or "-" is standard input. Prints an error and returns -1 on failure. */
int cli_read(const char *cmd, const char *path, cli_buf *out);
void cli_buf_free(cli_buf *b);
int cli_write(const void *data, size_t len);

/* Output and errors. */
int cli_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_usage(const cli_command *c);
const cli_command *cli_find(const char *name);
void cli_put_hex(FILE *f, const uint8_t *p, size_t n);
int cli_parse_u64(const char *cmd, const char *text, uint64_t max, uint64_t *out);
void cli_print_wrapped(FILE *f, const char *s, size_t len, size_t width);

/* The commands. */
int cmd_hash(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_hmac(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_unpack(int argc, char **argv);
int cmd_wc(int argc, char **argv);
int cmd_freq(int argc, char **argv);
int cmd_sort(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_primes(int argc, char **argv);
int cmd_factor(int argc, char **argv);
int cmd_fact(int argc, char **argv);
int cmd_fib(int argc, char **argv);
int cmd_pow(int argc, char **argv);
int cmd_uuid(int argc, char **argv);
int cmd_dist(int argc, char **argv);
int cmd_demo(int argc, char **argv);

#endif
