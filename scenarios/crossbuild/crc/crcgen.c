/* crcgen: reads the CRC catalogue and writes one C file per model (bitwise, byte-table and
 * slicing-by-8 implementations), a registry of all models, and a make fragment listing them.
 *
 *   crcgen catalogue.txt OUTDIR
 *
 * Runs at build time on the build machine; every model it writes is checked by `crc --selftest`. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_MODELS 256

typedef struct model {
    unsigned width;
    uint64_t poly, init, xorout, check;
    int refin, refout;
    char name[64];
    char id[64];        /* C identifier derived from the name */
} model;

static const char *outdir;

static void die(const char *fmt, const char *arg, int line)
{
    fprintf(stderr, "crcgen: ");
    if (line)
        fprintf(stderr, "line %d: ", line);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static uint64_t reflect(uint64_t x, unsigned w)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < w; i++, x >>= 1)
        r = r << 1 | (x & 1);
    return r;
}

static uint64_t ones(unsigned bits) { return bits >= 64 ? ~0ull : (1ull << bits) - 1; }

/* The smallest C integer type that holds the register. */
static unsigned reg_bits(unsigned w) { return w <= 8 ? 8 : w <= 16 ? 16 : w <= 32 ? 32 : 64; }

static int parse_bool(const char *v, int line)
{
    if (strcmp(v, "true") == 0)
        return 1;
    if (strcmp(v, "false") == 0)
        return 0;
    die("expected true or false, got '%s'", v, line);
    return 0;
}

static uint64_t parse_num(const char *v, int line)
{
    char *end;
    errno = 0;
    uint64_t x = strtoull(v, &end, 0);
    if (errno || *end)
        die("bad number '%s'", v, line);
    return x;
}

static int parse_line(char *s, model *m, int line)
{
    int seen = 0;
    memset(m, 0, sizeof *m);
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        if (*s == '\0' || *s == '#')
            break;
        char *key = s, *eq = strchr(s, '=');
        if (!eq)
            die("expected key=value at '%s'", s, line);
        *eq = '\0';
        char *val = eq + 1, *end;
        if (*val == '"') {
            val++;
            end = strchr(val, '"');
            if (!end)
                die("unterminated string '%s'", val, line);
            *end++ = '\0';
        } else {
            end = val;
            while (*end && !isspace((unsigned char)*end))
                end++;
            if (*end)
                *end++ = '\0';
        }
        s = end;
        if (strcmp(key, "width") == 0) { m->width = (unsigned)parse_num(val, line); seen |= 1; }
        else if (strcmp(key, "poly") == 0) { m->poly = parse_num(val, line); seen |= 2; }
        else if (strcmp(key, "init") == 0) { m->init = parse_num(val, line); seen |= 4; }
        else if (strcmp(key, "refin") == 0) { m->refin = parse_bool(val, line); seen |= 8; }
        else if (strcmp(key, "refout") == 0) { m->refout = parse_bool(val, line); seen |= 16; }
        else if (strcmp(key, "xorout") == 0) { m->xorout = parse_num(val, line); seen |= 32; }
        else if (strcmp(key, "check") == 0) { m->check = parse_num(val, line); seen |= 64; }
        else if (strcmp(key, "name") == 0) {
            if (strlen(val) >= sizeof m->name)
                die("name too long: %s", val, line);
            strcpy(m->name, val);
            seen |= 128;
        }
        else if (strcmp(key, "residue") != 0)
            die("unknown key '%s'", key, line);
    }
    if (seen == 0)
        return 0;
    if (seen != 255)
        die("incomplete model%s", "", line);
    if (m->width < 1 || m->width > 64)
        die("width must be 1..64%s", "", line);
    uint64_t mask = ones(m->width);
    if ((m->poly & ~mask) || (m->init & ~mask) || (m->xorout & ~mask) || (m->check & ~mask))
        die("a parameter is wider than the CRC%s", "", line);
    if (!(m->poly & 1))
        die("polynomial must be odd%s", "", line);
    size_t j = 0;
    for (const char *p = m->name; *p && j + 1 < sizeof m->id; p++)
        m->id[j++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    m->id[j] = '\0';
    return 1;
}

/* table[0][i]: the register after feeding byte i into a zero register; table[k]: byte i then k zero bytes. */
static void make_tables(const model *m, uint64_t t[8][256])
{
    unsigned T = reg_bits(m->width);
    uint64_t maskT = ones(T);
    if (m->refin) {
        uint64_t rpoly = reflect(m->poly, m->width);
        for (unsigned i = 0; i < 256; i++) {
            uint64_t r = i;
            for (int k = 0; k < 8; k++)
                r = (r & 1) ? (r >> 1) ^ rpoly : r >> 1;
            t[0][i] = r;
        }
        for (int k = 1; k < 8; k++)
            for (unsigned i = 0; i < 256; i++)
                t[k][i] = t[0][t[k - 1][i] & 0xff] ^ (t[k - 1][i] >> 8);
    } else {
        uint64_t polyT = m->poly << (T - m->width), top = 1ull << (T - 1);
        for (unsigned i = 0; i < 256; i++) {
            uint64_t r = (uint64_t)i << (T - 8);
            for (int k = 0; k < 8; k++)
                r = ((r & top) ? (r << 1) ^ polyT : r << 1) & maskT;
            t[0][i] = r;
        }
        for (int k = 1; k < 8; k++)
            for (unsigned i = 0; i < 256; i++)
                t[k][i] = t[0][t[k - 1][i] >> (T - 8)] ^ ((t[k - 1][i] << 8) & maskT);
    }
}

static FILE *create(const char *name)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", outdir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        die("cannot write %s", path, 0);
    return f;
}

static void finish(FILE *f, const char *name)
{
    if (ferror(f) || fclose(f) != 0)
        die("write error on %s", name, 0);
}

/* The register conversions around every function body. */
static void emit_enter(FILE *f, const model *m, unsigned T)
{
    fprintf(f, "    if (mem == NULL)\n        return UINT64_C(0x%" PRIx64 ");\n",
            (m->refout ? reflect(m->init, m->width) : m->init) ^ m->xorout);
    if (m->xorout)
        fprintf(f, "    crc ^= UINT64_C(0x%" PRIx64 ");\n", m->xorout);
    if (m->refin) {
        if (!m->refout)
            fprintf(f, "    crc = crc_reflect(crc, %u);\n", m->width);
    } else {
        if (m->refout)
            fprintf(f, "    crc = crc_reflect(crc, %u);\n", m->width);
        if (T != m->width)
            fprintf(f, "    crc <<= %u;\n", T - m->width);
    }
}

static void emit_leave(FILE *f, const model *m, unsigned T)
{
    if (!m->refin && T != m->width)
        fprintf(f, "    crc >>= %u;\n", T - m->width);
    if (m->refin != m->refout)
        fprintf(f, "    crc = crc_reflect(crc, %u);\n", m->width);
    if (m->xorout)
        fprintf(f, "    crc ^= UINT64_C(0x%" PRIx64 ");\n", m->xorout);
    fprintf(f, "    return crc;\n}\n\n");
}

static void emit_byte_loop(FILE *f, const model *m, unsigned T, const char *len)
{
    if (m->refin)
        fprintf(f, "    while (%s--)\n        crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);\n", len);
    else if (T == 8)
        fprintf(f, "    while (%s--)\n        crc = table[0][crc ^ *p++];\n", len);
    else if (T == 64)
        fprintf(f, "    while (%s--)\n        crc = table[0][(crc >> 56) ^ *p++] ^ (crc << 8);\n", len);
    else
        fprintf(f, "    while (%s--)\n        crc = (table[0][(crc >> %u) ^ *p++] ^ (crc << 8)) & 0x%" PRIx64 ";\n",
                len, T - 8, ones(T));
}

static void emit_model(const model *m)
{
    char file[96];
    unsigned T = reg_bits(m->width);
    uint64_t t[8][256], maskT = ones(T);
    int digits = (int)(T / 4);
    make_tables(m, t);
    snprintf(file, sizeof file, "%s.c", m->id);
    FILE *f = create(file);

    fprintf(f, "/* Generated by crcgen from catalogue.txt: do not edit.\n"
               " * %s: width=%u poly=0x%" PRIx64 " init=0x%" PRIx64 " refin=%s refout=%s"
               " xorout=0x%" PRIx64 " check=0x%" PRIx64 " */\n",
            m->name, m->width, m->poly, m->init, m->refin ? "true" : "false",
            m->refout ? "true" : "false", m->xorout, m->check);
    fprintf(f, "#include \"crc.h\"\n\n");
    fprintf(f, "static const uint%u_t table[8][256] = {\n", T);
    for (int k = 0; k < 8; k++) {
        fprintf(f, "    {\n");
        for (int i = 0; i < 256; i++)
            fprintf(f, "%s0x%0*" PRIx64 "%s", i % 8 == 0 ? "        " : "", digits, t[k][i],
                    i == 255 ? "\n" : i % 8 == 7 ? ",\n" : ", ");
        fprintf(f, "    },\n");
    }
    fprintf(f, "};\n\n");

    /* bit at a time */
    fprintf(f, "static uint64_t %s_bit(uint64_t crc, const void *mem, size_t len)\n{\n"
               "    const unsigned char *p = mem;\n", m->id);
    emit_enter(f, m, T);
    if (m->refin) {
        fprintf(f, "    while (len--) {\n        crc ^= *p++;\n"
                   "        for (int k = 0; k < 8; k++)\n"
                   "            crc = crc & 1 ? (crc >> 1) ^ UINT64_C(0x%" PRIx64 ") : crc >> 1;\n    }\n",
                reflect(m->poly, m->width));
    } else {
        fprintf(f, "    while (len--) {\n        crc ^= (uint64_t)*p++ << %u;\n"
                   "        for (int k = 0; k < 8; k++)\n"
                   "            crc = crc & UINT64_C(0x%" PRIx64 ") ? (crc << 1) ^ UINT64_C(0x%" PRIx64 ") : crc << 1;\n",
                T - 8, (uint64_t)1 << (T - 1), m->poly << (T - m->width));
        if (T < 64)
            fprintf(f, "        crc &= 0x%" PRIx64 ";\n", maskT);
        fprintf(f, "    }\n");
    }
    emit_leave(f, m, T);

    /* a byte at a time */
    fprintf(f, "static uint64_t %s_byte(uint64_t crc, const void *mem, size_t len)\n{\n"
               "    const unsigned char *p = mem;\n", m->id);
    emit_enter(f, m, T);
    emit_byte_loop(f, m, T, "len");
    emit_leave(f, m, T);

    /* eight bytes at a time (slicing-by-8), the rest a byte at a time */
    fprintf(f, "static uint64_t %s_word(uint64_t crc, const void *mem, size_t len)\n{\n"
               "    const unsigned char *p = mem;\n", m->id);
    emit_enter(f, m, T);
    fprintf(f, "    for (; len >= 8; len -= 8, p += 8)\n        crc =");
    for (unsigned k = 0; k < 8; k++) {
        fprintf(f, "%s", k == 0 ? " " : " ^\n              ");
        if (8 * k >= T)
            fprintf(f, "table[%u][p[%u]]", 7 - k, k);
        else if (m->refin)
            fprintf(f, "table[%u][((crc >> %u) ^ p[%u]) & 0xff]", 7 - k, 8 * k, k);
        else
            fprintf(f, "table[%u][((crc >> %u) ^ p[%u]) & 0xff]", 7 - k, T - 8 - 8 * k, k);
    }
    fprintf(f, ";\n");
    emit_byte_loop(f, m, T, "len");
    emit_leave(f, m, T);

    fprintf(f, "const crc_model %s_model = {\n"
               "    \"%s\", %u,\n"
               "    UINT64_C(0x%" PRIx64 "), UINT64_C(0x%" PRIx64 "), UINT64_C(0x%" PRIx64 "), UINT64_C(0x%" PRIx64 "),\n"
               "    %d, %d,\n"
               "    %s_bit, %s_byte, %s_word,\n};\n",
            m->id, m->name, m->width, m->poly, m->init, m->xorout, m->check,
            m->refin, m->refout, m->id, m->id, m->id);
    finish(f, file);
}

static void emit_registry(const model *models, size_t n)
{
    FILE *f = create("models.c");
    fprintf(f, "/* Generated by crcgen from catalogue.txt: do not edit. */\n#include \"crc.h\"\n\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "extern const crc_model %s_model;\n", models[i].id);
    fprintf(f, "\nconst crc_model *const crc_models[] = {\n");
    for (size_t i = 0; i < n; i++)
        fprintf(f, "    &%s_model,\n", models[i].id);
    fprintf(f, "};\n\nconst size_t crc_model_count = %zu;\n", n);
    finish(f, "models.c");

    f = create("models.mk");
    fprintf(f, "# Generated by crcgen: the generated sources, for crc/Makefile.\nMODEL_NAMES =");
    for (size_t i = 0; i < n; i++)
        fprintf(f, " \\\n\t%s", models[i].id);
    fprintf(f, " \\\n\tmodels\n");
    finish(f, "models.mk");
}

int main(int argc, char **argv)
{
    static model models[MAX_MODELS];
    char line[1024];
    size_t n = 0;
    int lineno = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: crcgen CATALOGUE OUTDIR\n");
        return 2;
    }
    outdir = argv[2];
    if (mkdir(outdir, 0777) != 0 && errno != EEXIST)
        die("cannot create %s", outdir, 0);
    FILE *in = fopen(argv[1], "r");
    if (!in)
        die("cannot open %s", argv[1], 0);
    while (fgets(line, sizeof line, in)) {
        lineno++;
        if (!strchr(line, '\n') && !feof(in))
            die("line too long%s", "", lineno);
        if (n == MAX_MODELS)
            die("more than %s models", "256", lineno);
        if (!parse_line(line, &models[n], lineno))
            continue;
        for (size_t i = 0; i < n; i++)
            if (strcmp(models[i].id, models[n].id) == 0)
                die("duplicate model %s", models[n].name, lineno);
        n++;
    }
    fclose(in);
    if (n == 0)
        die("no models in %s", argv[1], 0);
    for (size_t i = 0; i < n; i++)
        emit_model(&models[i]);
    emit_registry(models, n);
    printf("crcgen: %zu models written to %s\n", n, outdir);
    return 0;
}
