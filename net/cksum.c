/*
 * The Internet checksum (RFC 1071): ones' complement sum of big-endian 16-bit words, folded.
 * Sums are kept in a wide accumulator and folded once at the end.
 */
#include <stddef.h>
#include <stdint.h>
#include "net/stack.h"

/* Add len bytes at p to sum. Only the last piece of a message may have an odd length: its last
 * byte is the high half of a word padded with zero. */
uint32_t cksum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t acc = sum;
	while (len >= 8) {
		acc += (uint32_t)(b[0] << 8 | b[1]) + (uint32_t)(b[2] << 8 | b[3]) +
		       (uint32_t)(b[4] << 8 | b[5]) + (uint32_t)(b[6] << 8 | b[7]);
		b += 8;
		len -= 8;
	}
	while (len >= 2) {
		acc += (uint32_t)(b[0] << 8 | b[1]);
		b += 2;
		len -= 2;
	}
	if (len)
		acc += (uint32_t)b[0] << 8;
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	/* Keep the partial sum below 2^31 so later additions cannot overflow it. */
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t cksum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len)
{
	return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}
