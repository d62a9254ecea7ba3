/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * net/cksum.c and the inline folds in net/stack.h against a byte-wise RFC 1071 reference: every
 * alignment and length up to 300 bytes, split sums, extreme data (all 0xff, all 0), the IPv4
 * header fast path at both alignments, and sums long enough to need every fold step.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "net/stack.h"
#include "tests/cksum_ref.h"
#include "tests/host/test.h"

static uint8_t buf[70000] __attribute__((aligned(16)));

static void fill(size_t n, int mode)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = mode == 0 ? (uint8_t)rand() : mode == 1 ? 0xff : 0;
}

static void test_every_alignment_and_length(void)
{
	int bad = 0, n = 0;
	for (int mode = 0; mode < 3; mode++) {
		fill(400, mode);
		for (size_t off = 0; off < 8; off++)
			for (size_t len = 0; len <= 300; len++) {
				uint32_t start = (uint32_t)(rand() & 0x7fff);
				uint16_t want = cksum_ref_sum(buf + off, len, start);
				uint32_t got = cksum_add(start, buf + off, len);
				n++;
				if (got >= 1u << 31 || cksum_fold16(got) != want) {
					if (bad++ < 5)
						printf("mode %d off %zu len %zu: got %#x want %#x\n", mode,
						       off, len, cksum_fold16(got), want);
				}
			}
	}
	ok(bad == 0, "cksum_add equals the reference over %d alignment/length cases", n);
}

/* A message summed in pieces (each but the last of even length) gives the whole's sum. */
static void test_split(void)
{
	int bad = 0;
	fill(1500, 0);
	for (int t = 0; t < 2000; t++) {
		size_t len = (size_t)(rand() % 1500), a = (size_t)(rand() % (int)(len + 1)) & ~(size_t)1;
		size_t b = a + (((size_t)rand() % (len - a + 1)) & ~(size_t)1);
		uint32_t s = cksum_add(0, buf, a);
		s = cksum_add(s, buf + a, b - a);
		s = cksum_add(s, buf + b, len - b);
		if (cksum_fold16(s) != cksum_ref_sum(buf, len, 0))
			bad++;
	}
	ok(bad == 0, "sums in pieces equal the whole (2000 random splits)");
}

static void test_long(void)
{
	fill(sizeof(buf), 1);
	ok(cksum_fold16(cksum_add(0, buf, 65535)) == cksum_ref_sum(buf, 65535, 0),
	   "64 KiB of 0xff (every fold step carries)");
	ok(cksum_fold16(cksum_add(0x7fffffff, buf + 1, 65535)) == cksum_ref_sum(buf + 1, 65535, 0x7fffffff),
	   "64 KiB odd-aligned on a large partial sum");
	fill(sizeof(buf), 0);
	ok(cksum_fold16(cksum_add(0, buf + 2, 65534)) == cksum_ref_sum(buf + 2, 65534, 0), "64 KiB random");
}

static void test_fold(void)
{
	static const uint64_t v[] = { 0, 1, 0xffff, 0x10000, 0x1fffe, 0xffffffffu, 0x100000000ull,
				      0xffffffffffffffffull, 0x8000000080000000ull, 0x123456789abcdefull };
	int bad = 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint64_t s = v[i];
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		if (cksum_fold16(v[i]) != s)
			bad++;
	}
	for (int t = 0; t < 100000; t++) {
		uint64_t x = (uint64_t)rand() << 40 ^ (uint64_t)rand() << 20 ^ (uint64_t)rand(), s = x;
		while (s >> 16)
			s = (s & 0xffff) + (s >> 16);
		if (cksum_fold16(x) != s)
			bad++;
	}
	ok(bad == 0, "cksum_fold16 equals repeated end-around folding");
}

/* cksum_sum_ok (a multiply and a compare) against the fold it replaces, for any nonzero sum. */
static void test_sum_ok(void)
{
	static const uint64_t v[] = { 1, 0xfffe, 0xffff, 0x10000, 0x1fffe, 0x2fffd, 0xffff0000ull,
				      0xffffffffu, 0xffffffffffffffffull, 0xfffffffffffffffeull,
				      0x0001000100010001ull, 0xffff * 0x123456789ull,
				      0xffff * 0x123456789ull + 1 };
	int bad = 0;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (cksum_sum_ok(v[i]) != (cksum_fold16(v[i]) == 0xffff))
			bad++;
	for (int t = 0; t < 300000; t++) {
		uint64_t x = (uint64_t)rand() << 40 ^ (uint64_t)rand() << 20 ^ (uint64_t)rand();
		if (t & 1) /* half of them multiples of 0xffff, the checksums that are right */
			x = (x >> 17) * 0xffff + (uint64_t)(t % 3 == 0);
		if (x && cksum_sum_ok(x) != (cksum_fold16(x) == 0xffff))
			bad++;
	}
	ok(bad == 0, "cksum_sum_ok agrees with folding to 0xffff");
}

static void test_ip20(void)
{
	int bad = 0;
	for (int t = 0; t < 4000; t++) {
		uint8_t *h = buf + 16 + (t & 1) * 2; /* 4-byte aligned, then only 2-byte aligned */
		uint16_t c;
		fill(64, t % 3 == 0 ? 1 : 0);
		h[10] = h[11] = 0;
		c = cksum_ip20(h);
		memcpy(h + 10, &c, 2); /* stored as returned: network order */
		if (cksum_ref_sum(h, 20, 0) != 0xffff || cksum_ip20(h) != 0)
			bad++;
		h[t % 20] ^= (uint8_t)(1u << (t % 8)); /* any single bit flip is caught */
		if (cksum_ip20(h) == 0)
			bad++;
	}
	ok(bad == 0, "cksum_ip20 makes and verifies headers at both alignments");
}

int main(void)
{
	srand(1);
	test_every_alignment_and_length();
	test_split();
	test_long();
	test_fold();
	test_sum_ok();
	test_ip20();
	TEST_DONE();
}
