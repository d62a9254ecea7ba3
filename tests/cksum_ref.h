/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The byte-wise RFC 1071 reference the checksum tests compare with, shared by the host tests
 * (tests/host/test_cksum.c) and the in-guest ones (tests/guest/test_cksum.c): big-endian words
 * added to acc in 64 bits, the odd last byte as a high half, folded one carry at a time.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

static inline uint16_t cksum_ref_sum(const uint8_t *b, size_t len, uint64_t acc)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		acc += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		acc += (uint32_t)b[len - 1] << 8;
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}
