/* Text encodings of binary data and two simple compressors. */
#ifndef CKIT_CODEC_H
#define CKIT_CODEC_H

#include <stddef.h>
#include <stdint.h>
#include "ckit/status.h"

/* Encoders write a NUL-terminated string into out and return its length.
 * The *_enclen functions give the buffer size needed, including the NUL. */
size_t ck_base64_enclen(size_t len);
size_t ck_base64_encode(const void *data, size_t len, char *out, int url);
/* Decoders accept padding or none, skip ASCII whitespace; out needs ck_base64_declen bytes. */
size_t ck_base64_declen(size_t textlen);
ck_status ck_base64_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen);

size_t ck_base32_enclen(size_t len);
size_t ck_base32_encode(const void *data, size_t len, char *out);
size_t ck_base32_declen(size_t textlen);
ck_status ck_base32_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen);

size_t ck_hex_encode(const void *data, size_t len, char *out, int upper);
ck_status ck_hex_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen);

size_t ck_ascii85_enclen(size_t len);
size_t ck_ascii85_encode(const void *data, size_t len, char *out);
ck_status ck_ascii85_decode(const char *text, size_t textlen, uint8_t *out, size_t *outlen);

/* PackBits run-length coding (as in TIFF). Worst case output: len + (len + 127) / 128. */
size_t ck_packbits_bound(size_t len);
size_t ck_packbits_encode(const uint8_t *in, size_t len, uint8_t *out);
ck_status ck_packbits_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

/* LZSS with a 4 KiB window and a 4-byte length header. */
size_t ck_lzss_bound(size_t len);
size_t ck_lzss_encode(const uint8_t *in, size_t len, uint8_t *out);
ck_status ck_lzss_decoded_size(const uint8_t *in, size_t len, size_t *size);
ck_status ck_lzss_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *outlen);

#endif
