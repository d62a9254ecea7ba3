/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Internet checksum as the hart computes it (net/stack.h): the scalar sum, its inline
 * assembly blocks, and on a hart with the vector extension the vector sum, each against a
 * byte-wise RFC 1071 reference, for every length up to 1600 bytes at four 2-byte alignments,
 * over random bytes and over all-ones (the largest sums; up to CKSUM_VEC_MAX bytes, where the
 * vector loop's 32-bit total is closest to overflowing). The host tests cover the C version of
 * the same functions; only this one runs the assembly.
 */
#include <stdint.h>
#include "boot/csr.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "net/stack.h"
#include "tests/cksum_ref.h"
#include "tests/guest/gtest.h"

#define BIG (CKSUM_VEC_MAX + 128) /* room for the offsets and the asm operand's extent */
static uint8_t buf[BIG] __attribute__((aligned(64)));

/* The ones' complement sum of the bytes as big-endian words, folded (not complemented). */
static uint32_t reference(const uint8_t *b, size_t len)
{
	return cksum_ref_sum(b, len, 0);
}

/* A native-order unfolded sum, folded and turned big-endian to compare with reference(). */
static uint32_t be_fold(uint64_t native)
{
	uint32_t f = cksum_fold16(native);
	return (f << 8 | f >> 8) & 0xffff;
}

/* Every length 0..max at byte offsets 0, 2, 4 and 6: the failures, at most 5 reported. */
static int sweep(const char *what, bool vec, size_t max)
{
	int bad = 0;
	for (size_t off = 0; off < 8; off += 2) {
		for (size_t len = 0; len <= max; len++) {
			const uint8_t *b = buf + 64 + off;
			uint64_t got = vec ? cksum_sum_vec(b, len) : cksum_sum_scalar(b, len);
			uint32_t want = reference(b, len);
			/* 0 and 0xffff are the same ones' complement number */
			if (be_fold(got) != want && !(want == 0 && be_fold(got) == 0xffff)) {
				if (bad++ < 5)
					ok(0, "%s: offset %u length %u: %04x, want %04x", what,
					   (unsigned)off, (unsigned)len, be_fold(got), want);
			}
		}
	}
	return bad;
}

static void fill_random(void)
{
	uint64_t x = 0x9e3779b97f4a7c15ull;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (uint8_t)x;
	}
}

GTEST(cksum_scalar_every_length)
{
	fill_random();
	ok(sweep("scalar, random", false, 1600) == 0, "scalar sum over random bytes");
	memset(buf, 0xff, sizeof(buf));
	ok(sweep("scalar, ones", false, 1600) == 0, "scalar sum over 0xff bytes");
}

GTEST(cksum_vector_every_length)
{
	static const size_t longs[] = { CKSUM_VEC_MAX - 1, CKSUM_VEC_MAX, 65536, 9000, 4097 };
	if (!cksum_vector) {
		kprintf("  cksum: no vector unit on this hart: the scalar sum only\n");
		return;
	}
	kprintf("  cksum: the vector sum, VLEN %u\n", (unsigned)csr_read(CSR_VLENB) * 8);
	fill_random();
	ok(sweep("vector, random", true, 1600) == 0, "vector sum over random bytes");
	memset(buf, 0xff, sizeof(buf));
	ok(sweep("vector, ones", true, 1600) == 0, "vector sum over 0xff bytes");
	for (size_t i = 0; i < sizeof(longs) / sizeof(longs[0]); i++) {
		const uint8_t *b = buf + 2;
		uint64_t v = cksum_sum_vec(b, longs[i]), s = cksum_sum_scalar(b, longs[i]);
		ok(be_fold(v) == reference(b, longs[i]) && cksum_fold16(v) == cksum_fold16(s),
		   "%u bytes of 0xff: vector %04x scalar %04x reference %04x", (unsigned)longs[i],
		   be_fold(v), be_fold(s), reference(b, longs[i]));
	}
	/* the dispatching sum takes the vector loop from CKSUM_VEC_MIN bytes on */
	fill_random();
	ok(cksum_fold16(cksum_sum_native(buf, 1500)) == cksum_fold16(cksum_sum_vec(buf, 1500)) &&
		   be_fold(cksum_sum_native(buf, CKSUM_VEC_MIN)) == reference(buf, CKSUM_VEC_MIN),
	   "cksum_sum_native");
}
