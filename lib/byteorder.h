/* SPDX-License-Identifier: BSD-2-Clause */
/* Host <-> network byte order and unaligned big-endian loads/stores. */
#pragma once
#include <stdint.h>

static inline uint16_t bswap16(uint16_t x)
{
	return (uint16_t)((x >> 8) | (x << 8));
}

/* Shifts, not __builtin_bswap32: without the Zbb extension GCC turns the builtin into a call
 * to libgcc's __bswapsi2 on the packet path; this pattern it compiles inline (or to rev8). */
static inline uint32_t bswap32(uint32_t x)
{
	return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

static inline uint64_t bswap64(uint64_t x)
{
	return (uint64_t)bswap32((uint32_t)x) << 32 | bswap32((uint32_t)(x >> 32));
}

/* Both RISC-V and x86-64 hosts are little-endian. */
#define htons(x) bswap16(x)
#define ntohs(x) bswap16(x)
#define htonl(x) bswap32(x)
#define ntohl(x) bswap32(x)

/*
 * A big-endian 16-bit field as a 64-bit value (for compares on the packet path): two byte
 * loads, a shift and an or. Written plainly, GCC's bswap pass merges the loads into a halfword
 * load and a swap (six instructions without Zbb) and then zero-extends; the empty asm hides the
 * second byte from it.
 */
static inline uint64_t get_be16_wide(const void *p)
{
	const uint8_t *b = p;
	uint64_t hi = b[0], lo = b[1];
	__asm__("" : "+r"(lo));
	return hi << 8 | lo;
}

static inline uint16_t get_be16(const void *p)
{
	return (uint16_t)get_be16_wide(p);
}

static inline uint32_t get_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static inline uint64_t get_be64(const void *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32((const uint8_t *)p + 4);
}

static inline void put_be16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline void put_be32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
}
