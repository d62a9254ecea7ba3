/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The PRP builder against a model of how a controller reads PRPs (NVMe Base 2.0 sec. 4.1.1):
 * the model walks PRP1, then PRP2 as a page or as a list, exactly as the spec describes, and
 * the bytes it would transfer must be the buffer, in order, with every rule on entries kept.
 * Edges exhaustively (offsets and lengths around page boundaries), then 200,000 random cases.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/nvme_prp.h"
#include "lib/errno.h"
#include "tests/host/test.h"

#define PG	NVME_PRP_PAGE
#define LIST_PA 0x7770000ull

static uint64_t list[NVME_PRP_LIST_MAX];

/*
 * What a controller transfers for (prp1, prp2) and len: 0 if that is exactly [pa, pa + len)
 * and every entry obeys the spec, else a number naming the broken rule.
 */
static int model(uint64_t pa, uint32_t len, uint64_t prp1, uint64_t prp2, int nlist)
{
	uint64_t expect = pa, left = len, chunk;
	if (prp1 != pa || (prp1 & 3))
		return 1; /* PRP1: the first byte, dword aligned */
	chunk = PG - (prp1 & (PG - 1));
	if (chunk > left)
		chunk = left;
	expect += chunk;
	left -= chunk;
	if (left == 0)
		return prp2 == 0 && nlist == 0 ? 0 : 2; /* PRP2 unused: we leave it 0 */
	if (left <= PG) {
		/* PRP2 is the second page itself */
		if (nlist != 0 || prp2 & (PG - 1))
			return 3;
		return prp2 == expect ? 0 : 4;
	}
	/* PRP2 points to a list of the remaining pages, each page aligned */
	if (prp2 != LIST_PA || nlist <= 0)
		return 5;
	for (int i = 0; left; i++) {
		if (i >= nlist || (list[i] & (PG - 1)) || list[i] != expect)
			return 6;
		chunk = left < PG ? left : PG;
		expect += chunk;
		left -= chunk;
		if (!left && i != nlist - 1)
			return 7; /* entries the device would not use */
	}
	return 0;
}

static uint64_t pages_touched(uint64_t pa, uint32_t len)
{
	return ((pa + len + PG - 1) / PG) - pa / PG;
}

static bool one_case(uint64_t pa, uint32_t len, uint32_t cap)
{
	uint64_t prp1 = 0xdead, prp2 = 0xbeef;
	int k = nvme_prp_build(pa, len, list, LIST_PA, cap, &prp1, &prp2);
	uint64_t np = pages_touched(pa, len);
	if (np > 2 && np - 1 > cap)
		return k == -E2BIG;
	if (k < 0)
		return false;
	return model(pa, len, prp1, prp2, k) == 0;
}

static void test_edges(void)
{
	static const uint64_t bases[] = { 0x80000000ull, 0x123456000ull };
	int bad = 0, cases = 0;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
		for (uint64_t off = 0; off < PG; off += (off < 64 || off > PG - 64) ? 4 : 508)
			for (uint32_t len = 1; len <= 4 * PG + 8;
			     len += (len % PG < 16 || len % PG > PG - 16) ? 1 : 1021) {
				cases++;
				if (!one_case(bases[b] + off, len, NVME_PRP_LIST_MAX)) {
					if (bad++ < 5)
						printf("  edge case pa %#lx len %u\n",
						       (unsigned long)(bases[b] + off), len);
				}
			}
	ok(bad == 0, "%d of %d edge cases wrong", bad, cases);
}

static void test_limits(void)
{
	uint64_t p1, p2;
	uint32_t max = nvme_prp_max_len(NVME_PRP_LIST_MAX);
	ok(max == NVME_PRP_LIST_MAX * PG + 4, "max %u", max);
	/* the longest transfer from the worst offset fits one list page exactly */
	ok(nvme_prp_build(PG - 4, max, list, LIST_PA, NVME_PRP_LIST_MAX, &p1, &p2) ==
		   (int)NVME_PRP_LIST_MAX,
	   "worst offset, longest");
	ok(model(PG - 4, max, p1, p2, NVME_PRP_LIST_MAX) == 0, "and it is right");
	ok(nvme_prp_build(PG - 4, max + 1, list, LIST_PA, NVME_PRP_LIST_MAX, &p1, &p2) == -E2BIG,
	   "one byte more");
	ok(nvme_prp_build(0, 2 * 1024 * 1024, list, LIST_PA, NVME_PRP_LIST_MAX, &p1, &p2) == 511,
	   "2 MiB aligned: PRP1 + 511 entries");
	ok(nvme_prp_build(0, 3 * PG, list, LIST_PA, 1, &p1, &p2) == -E2BIG, "cap 1");
	ok(nvme_prp_build(0, 2 * PG, list, LIST_PA, 0, &p1, &p2) == 0 && p2 == PG,
	   "two pages need no list");
	ok(nvme_prp_build(0x1002, 512, list, LIST_PA, 8, &p1, &p2) == -EINVAL, "not dword aligned");
	ok(nvme_prp_build(0x1000, 0, list, LIST_PA, 8, &p1, &p2) == -EINVAL, "empty");
	ok(nvme_prp_build(UINT64_MAX - 3, 8, list, LIST_PA, 8, &p1, &p2) == -EINVAL, "wraps");
	ok(nvme_prp_build(0x1000, 512, list, LIST_PA + 8, 8, &p1, &p2) == -EINVAL,
	   "list not page aligned");
	ok(nvme_prp_build(0x1000, 512, list, LIST_PA, NVME_PRP_LIST_MAX + 1, &p1, &p2) == -EINVAL,
	   "cap beyond one page");
}

static void test_random(void)
{
	int bad = 0;
	srand(16);
	for (int i = 0; i < 200000; i++) {
		uint64_t pa = ((uint64_t)rand() << 14 ^ (uint64_t)rand()) & ~3ull;
		uint32_t cap = (uint32_t)(rand() % (NVME_PRP_LIST_MAX + 1));
		uint32_t len =
			1 + (uint32_t)(rand() % (int)nvme_prp_max_len(NVME_PRP_LIST_MAX) + 64);
		if (i % 4 == 0)
			len = (1 + (uint32_t)(rand() % 1024)) *
			      512; /* whole blocks, as the driver */
		if (!one_case(pa, len, cap) && bad++ < 5)
			printf("  random case pa %#lx len %u cap %u\n", (unsigned long)pa, len,
			       cap);
	}
	ok(bad == 0, "%d random cases wrong", bad);
}

/* Scatter lists of whole pages: the model reads PRP1, then PRP2 as the second page or the
 * list, and must see exactly the frames, in order. */
static void test_pages(void)
{
	static uint64_t frames[NVME_PRP_LIST_MAX + 8];
	int bad = 0;
	uint64_t p1, p2;
	srand(77);
	for (int t = 0; t < 20000; t++) {
		uint32_t n = 1 + (uint32_t)(rand() % (NVME_PRP_LIST_MAX + 4));
		uint32_t cap = (uint32_t)(rand() % (NVME_PRP_LIST_MAX + 1));
		int k;
		bool right;
		for (uint32_t i = 0; i < n; i++)
			frames[i] = ((uint64_t)(rand() & 0xfffff) + 1) * PG;
		k = nvme_prp_build_pages(frames, n, list, LIST_PA, cap, &p1, &p2);
		if (n > 2 && n - 1 > cap) {
			bad += k != -E2BIG;
			continue;
		}
		right = k == (n > 2 ? (int)n - 1 : 0) && p1 == frames[0];
		if (n == 1)
			right = right && p2 == 0;
		else if (n == 2)
			right = right && p2 == frames[1];
		else
			right = right && p2 == LIST_PA &&
				memcmp(list, frames + 1, (n - 1) * 8) == 0;
		if (!right && bad++ < 5)
			printf("  pages case n %u cap %u: k %d\n", n, cap, k);
	}
	ok(bad == 0, "%d page-list cases wrong", bad);
	frames[0] = PG;
	frames[1] = 3 * PG + 8;
	ok(nvme_prp_build_pages(frames, 2, list, LIST_PA, 8, &p1, &p2) == -EINVAL, "unaligned");
	ok(nvme_prp_build_pages(frames, 0, list, LIST_PA, 8, &p1, &p2) == -EINVAL, "empty");
}

int main(void)
{
	test_edges();
	test_limits();
	test_random();
	test_pages();
	TEST_DONE();
}
