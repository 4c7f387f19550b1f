/* Non-cryptographic checksums and hashes. */
#ifndef CKIT_HASH_H
#define CKIT_HASH_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 (IEEE 802.3, as in zlib). Start with crc = 0 and feed it back to continue. */
uint32_t ck_crc32(uint32_t crc, const void *data, size_t len);
/* CRC-32C (Castagnoli). Same convention as ck_crc32. */
uint32_t ck_crc32c(uint32_t crc, const void *data, size_t len);
/* CRC-16/CCITT-FALSE and CRC-16/ARC, one shot. */
uint16_t ck_crc16_ccitt(const void *data, size_t len);
uint16_t ck_crc16_arc(const void *data, size_t len);
/* CRC-64/XZ. Start with crc = 0. */
uint64_t ck_crc64_xz(uint64_t crc, const void *data, size_t len);

/* Adler-32 as in zlib. Start with adler = 1. */
uint32_t ck_adler32(uint32_t adler, const void *data, size_t len);
uint16_t ck_fletcher16(const void *data, size_t len);
/* Fletcher-32 over little-endian 16-bit words; an odd last byte is zero padded. */
uint32_t ck_fletcher32(const void *data, size_t len);

uint32_t ck_fnv1a32(const void *data, size_t len);
uint64_t ck_fnv1a64(const void *data, size_t len);
uint32_t ck_murmur3_32(const void *data, size_t len, uint32_t seed);
uint32_t ck_xxh32(const void *data, size_t len, uint32_t seed);
uint64_t ck_siphash24(const uint8_t key[16], const void *data, size_t len);

#endif
