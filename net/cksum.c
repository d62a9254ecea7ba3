/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Internet checksum (RFC 1071): ones' complement sum of big-endian 16-bit words, folded.
 * Sums are kept in a wide accumulator and folded once at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include "net/stack.h"

bool cksum_vector;

void cksum_use_vector(bool on)
{
	cksum_vector = on;
}

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

/* cksum_sum_native for any length: pieces of at most CKSUM_VEC_MAX bytes (an even number, so
 * each piece starts as aligned as the first). */
static uint64_t sum_native_any(const uint8_t *b, size_t len)
{
	uint64_t acc = 0;
	_Static_assert(CKSUM_VEC_MAX % 2 == 0, "pieces keep the alignment");
	for (; len > CKSUM_VEC_MAX; b += CKSUM_VEC_MAX, len -= CKSUM_VEC_MAX)
		acc += cksum_sum_native(b, CKSUM_VEC_MAX);
	return acc + cksum_sum_native(b, len);
}

uint64_t cksum_sum(const void *p, size_t len)
{
	const uint8_t *b = p;
	if ((uintptr_t)b & 1) { /* rare: the big-endian sum, folded and swapped to the hart's */
		uint32_t be = cksum_fold16(add_bytes(0, b, len));
		return (uint16_t)(be << 8 | be >> 8);
	}
	return sum_native_any(b, len);
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
		uint32_t le = cksum_fold16(sum_native_any(b, len));
		acc = (uint64_t)sum + (uint16_t)(le << 8 | le >> 8);
	}
	/* Keep the partial sum below 2^31 so later additions cannot overflow it. The byte-wise
	 * path may have added up to 2^47 (long odd-aligned input): fold that fully. */
	if (acc >> 31)
		return cksum_fold16(acc);
	return (uint32_t)((acc & 0xffff) + (acc >> 16));
}
