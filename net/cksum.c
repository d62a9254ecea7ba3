/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Internet checksum (RFC 1071): ones' complement sum of big-endian 16-bit words, folded.
 * Sums are kept in a wide accumulator and folded once at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include "net/stack.h"

/* Byte-wise reference: any alignment. */
static uint64_t add_bytes(uint64_t acc, const uint8_t *b, size_t len)
{
	while (len >= 2) {
		acc += (uint32_t)(b[0] << 8 | b[1]);
		b += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)b[0] << 8;
	return acc;
}

/*
 * Sum of the 16-bit words at b in the hart's own (little-endian) order, unfolded. RFC 1071
 * section 2(B): the ones' complement sum is byte-order independent, so it is enough to swap
 * the folded result once. b must be 2-byte aligned. After at most one halfword b is 4-byte
 * aligned; from there 32-bit words go into the 64-bit accumulator (two instructions per word,
 * no carries to track: 2^32 words would be needed to overflow). The tail is at most one of
 * each of 8, 4, 2 and 1 bytes, so it takes no loop.
 */
static uint64_t sum_native(const uint8_t *b, size_t len)
{
	uint64_t acc = 0;
	if (((uintptr_t)b & 2) && len >= 2) {
		acc += *(const cksum_u16 *)b;
		b += 2;
		len -= 2;
	}
	for (; len >= 16; b += 16, len -= 16) {
		const cksum_u32 *w = (const cksum_u32 *)b;
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
	}
	if (len & 8) {
		const cksum_u32 *w = (const cksum_u32 *)b;
		acc += (uint64_t)w[0] + w[1];
		b += 8;
	}
	if (len & 4) {
		acc += *(const cksum_u32 *)b;
		b += 4;
	}
	if (len & 2) {
		acc += *(const cksum_u16 *)b;
		b += 2;
	}
	if (len & 1)
		acc += b[0]; /* the high (first) byte of a big-endian word is the low byte here */
	return acc;
}

/* Add len bytes at p to sum. Only the last piece of a message may have an odd length: its last
 * byte is the high half of a word padded with zero. */
uint32_t cksum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t acc;
	if ((uintptr_t)b & 1) {
		acc = add_bytes(sum, b, len);
	} else {
		uint32_t le = cksum_fold16(sum_native(b, len));
		acc = (uint64_t)sum + (uint16_t)(le << 8 | le >> 8);
	}
	/* Keep the partial sum below 2^31 so later additions cannot overflow it. The byte-wise
	 * path may have added up to 2^47 (long odd-aligned input): fold that fully. */
	if (acc >> 31)
		return cksum_fold16(acc);
	return (uint32_t)((acc & 0xffff) + (acc >> 16));
}
