/* crc: compute any CRC of the catalogue over files or standard input, and test every model. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "crc.h"

static const char *default_model = "CRC-32/ISO-HDLC";

static const crc_model *find(const char *name)
{
    for (size_t i = 0; i < crc_model_count; i++) {
        const char *n = crc_models[i]->name;
        if (strcasecmp(n, name) == 0 || strcasecmp(n + 4, name) == 0)   /* "CRC-" is optional */
            return crc_models[i];
    }
    return NULL;
}

static crc_fn pick(const crc_model *m, const char *impl)
{
    if (strcmp(impl, "bit") == 0)
        return m->bit;
    if (strcmp(impl, "byte") == 0)
        return m->byte;
    if (strcmp(impl, "word") == 0)
        return m->word;
    return NULL;
}

static void print(const crc_model *m, uint64_t crc, const char *label)
{
    printf("%0*" PRIx64, (int)(m->width + 3) / 4, crc);
    if (label)
        printf("  %s", label);
    putchar('\n');
}

static int crc_file(const crc_model *m, crc_fn fn, const char *path)
{
    int is_stdin = strcmp(path, "-") == 0;
    FILE *f = is_stdin ? stdin : fopen(path, "rb");
    unsigned char buf[65536];
    size_t n;
    if (!f) {
        fprintf(stderr, "crc: %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint64_t crc = fn(0, NULL, 0);
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crc = fn(crc, buf, n);
    int bad = ferror(f);
    if (!is_stdin)
        fclose(f);
    if (bad) {
        fprintf(stderr, "crc: %s: read error\n", path);
        return 1;
    }
    print(m, crc, path);
    return 0;
}

/* A small xorshift generator: the self-test is the same on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Every implementation of every model must give the catalogue's check value, agree with the others
 * on random data, and give the same result however the data is split between calls. */
static int selftest(int verbose)
{
    static unsigned char data[4099];
    int failures = 0;
    for (size_t i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)rng();
    for (size_t i = 0; i < crc_model_count; i++) {
        const crc_model *m = crc_models[i];
        crc_fn fns[3] = {m->bit, m->byte, m->word};
        const char *names[3] = {"bit", "byte", "word"};
        int bad = 0;
        for (int k = 0; k < 3; k++) {
            uint64_t c = fns[k](fns[k](0, NULL, 0), "123456789", 9);
            if (c != m->check) {
                fprintf(stderr, "crc: %s (%s): check 0x%" PRIx64 ", want 0x%" PRIx64 "\n",
                        m->name, names[k], c, m->check);
                bad = 1;
            }
        }
        for (int round = 0; round < 8; round++) {
            size_t len = (size_t)(rng() % sizeof data), cut = len ? (size_t)(rng() % len) : 0;
            uint64_t whole = m->bit(m->bit(0, NULL, 0), data, len);
            for (int k = 1; k < 3; k++) {
                uint64_t c = fns[k](0, NULL, 0);
                c = fns[k](c, data, cut);
                c = fns[k](c, data + cut, len - cut);
                if (c != whole) {
                    fprintf(stderr, "crc: %s (%s): %zu bytes split at %zu: 0x%" PRIx64 ", bitwise 0x%" PRIx64 "\n",
                            m->name, names[k], len, cut, c, whole);
                    bad = 1;
                }
            }
        }
        if (verbose)
            printf("%-28s %s\n", m->name, bad ? "FAILED" : "ok");
        failures += bad;
    }
    printf("crc: %zu models, %d failed\n", crc_model_count, failures);
    return failures ? 1 : 0;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: crc [-m MODEL] [-i bit|byte|word] [-s STRING | FILE...]\n"
               "       crc -l            list the models\n"
               "       crc -t [-v]       test every model against its check value\n"
               "The default model is %s.\n", default_model);
}

int main(int argc, char **argv)
{
    const char *model = default_model, *impl = "word", *text = NULL;
    int test = 0, verbose = 0, i, rc = 0;

    for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if ((strcmp(a, "-m") == 0 || strcmp(a, "-i") == 0 || strcmp(a, "-s") == 0) && i + 1 < argc) {
            if (a[1] == 'm') model = argv[++i];
            else if (a[1] == 'i') impl = argv[++i];
            else text = argv[++i];
        } else if (strcmp(a, "-l") == 0) {
            for (size_t k = 0; k < crc_model_count; k++) {
                const crc_model *m = crc_models[k];
                printf("%-28s width=%-2u poly=0x%" PRIx64 " check=0x%" PRIx64 "\n",
                       m->name, m->width, m->poly, m->check);
            }
            return 0;
        } else if (strcmp(a, "-t") == 0 || strcmp(a, "--selftest") == 0) {
            test = 1;
        } else if (strcmp(a, "-v") == 0) {
            verbose = 1;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (test)
        return selftest(verbose);

    const crc_model *m = find(model);
    if (!m) {
        fprintf(stderr, "crc: unknown model '%s' (crc -l lists them)\n", model);
        return 2;
    }
    crc_fn fn = pick(m, impl);
    if (!fn) {
        fprintf(stderr, "crc: unknown implementation '%s' (bit, byte, word)\n", impl);
        return 2;
    }
    if (text) {
        print(m, fn(fn(0, NULL, 0), text, strlen(text)), NULL);
        return 0;
    }
    if (i == argc)
        return crc_file(m, fn, "-");
    for (; i < argc; i++)
        rc |= crc_file(m, fn, argv[i]);
    return rc;
}
