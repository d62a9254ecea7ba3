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

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "sum_native assumes little-endian");

/* Aligned loads that may alias the packet bytes (which are uint8_t). */
typedef uint32_t __attribute__((may_alias)) u32_alias;
typedef uint16_t __attribute__((may_alias)) u16_alias;

/*
 * Sum of the 16-bit words at b in the hart's own (little-endian) order. RFC 1071 section 2(B):
 * the ones' complement sum is byte-order independent, so it is enough to swap the folded
 * result once. b must be 2-byte aligned; words are loaded 4 bytes at a time once aligned.
 */
static uint16_t sum_native(const uint8_t *b, size_t len)
{
	uint64_t acc = 0;
	if (((uintptr_t)b & 2) && len >= 2) {
		acc += *(const u16_alias *)b;
		b += 2;
		len -= 2;
	}
	while (len >= 16) {
		const u32_alias *w = (const u32_alias *)b;
		acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
		b += 16;
		len -= 16;
	}
	while (len >= 4) {
		acc += *(const u32_alias *)b;
		b += 4;
		len -= 4;
	}
	if (len >= 2) {
		acc += *(const u16_alias *)b;
		b += 2;
		len -= 2;
	}
	if (len)
		acc += b[0]; /* the high (first) byte of a big-endian word is the low byte here */
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* Add len bytes at p to sum. Only the last piece of a message may have an odd length: its last
 * byte is the high half of a word padded with zero. */
uint32_t cksum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;
	uint64_t acc = sum;
	if ((uintptr_t)b & 1) {
		acc = add_bytes(acc, b, len);
	} else {
		uint16_t le = sum_native(b, len);
		acc += (uint16_t)(le << 8 | le >> 8);
	}
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	/* Keep the partial sum below 2^31 so later additions cannot overflow it. */
	acc = (acc & 0xffff) + (acc >> 16);
	return (uint32_t)acc;
}

uint16_t cksum_ip20(const void *hdr)
{
	const u16_alias *w = hdr;
	uint32_t sum =
		(uint32_t)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7] + w[8] + w[9];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	/* folded in the hart's byte order; the complement of the swapped value is the checksum */
	return (uint16_t) ~(uint16_t)(sum << 8 | (sum & 0xffff) >> 8);
}
