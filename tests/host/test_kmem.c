/* SPDX-License-Identifier: BSD-2-Clause */
/* Small-object allocator: classes, zeroing, alignment, no overlap (stamped contents), frames
 * returned when empty, misuse panics, exhaustion and a random sequence against a model. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "lib/config.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/page.h"
#include "tests/host/test.h"

#define BUF_SIZE (4ul << 20)

static uint8_t *buf;
static jmp_buf jb;

#define PANICS(stmt, caught)                                                                       \
	do {                                                                                       \
		host_panic_jmp = &jb;                                                              \
		if (setjmp(jb) == 0) {                                                             \
			stmt;                                                                      \
			caught = 0;                                                                \
		} else {                                                                           \
			caught = 1;                                                                \
		}                                                                                  \
		host_panic_jmp = NULL;                                                             \
	} while (0)

static void reset(size_t bytes)
{
	memset(buf, 0x5a, BUF_SIZE);
	page_init();
	kmem_init();
	page_add_range((uintptr_t)buf, bytes);
}

static bool all_bytes(const void *p, uint8_t v, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i] != v)
			return false;
	return true;
}

/* Page frames that are not free and not kmem descriptor frames: must be 0 when kmem is idle. */
static uint64_t frames_held(void)
{
	const struct page_stats *ps = page_stats();
	return ps->total - ps->free - kmem_stats()->desc_frames;
}

static void test_sizes(void)
{
	static const size_t sizes[] = { 1,    15,   16,	  17,	31,   64,   100, 256,
					1000, 1024, 2047, 2048, 2049, 3000, 4096 };
	static void *obj[600];
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		size_t sz = sizes[k], n = sizeof(obj) / sizeof(obj[0]);
		bool zero = true, aligned = true, intact = true;
		for (size_t i = 0; i < n; i++) {
			obj[i] = kmem_alloc(sz);
			if (!obj[i])
				break;
			zero &= all_bytes(obj[i], 0, sz);
			aligned &= ((uintptr_t)obj[i] & (sz > 2048 ? PAGE_SIZE - 1 : 15)) == 0;
			memset(obj[i], (int)(i & 0xff), sz);
		}
		ok(obj[n - 1] != NULL, "size %zu: ran out", sz);
		ok(zero, "size %zu: not zeroed", sz);
		ok(aligned, "size %zu: misaligned", sz);
		for (size_t i = 0; i < n; i++)
			intact &= all_bytes(obj[i], (uint8_t)(i & 0xff), sz);
		ok(intact, "size %zu: objects overlap", sz);
		for (size_t i = 0; i < n; i++)
			kmem_free(obj[i]);
		ok(frames_held() == 0, "size %zu: %lu frames still held", sz,
		   (unsigned long)frames_held());
		ok(kmem_stats()->slabs == 0 && kmem_stats()->pages == 0, "size %zu: slabs %lu", sz,
		   (unsigned long)kmem_stats()->slabs);
	}
	ok(kmem_stats()->allocs == kmem_stats()->frees, "allocs %lu frees %lu",
	   (unsigned long)kmem_stats()->allocs, (unsigned long)kmem_stats()->frees);
	/* Objects per frame: 256 x 16 bytes and 2 x 2048 bytes fit one frame each. */
	{
		uint64_t before = page_stats()->free;
		void *a = kmem_alloc(2048), *b = kmem_alloc(2048);
		ok(((uintptr_t)a ^ (uintptr_t)b) < PAGE_SIZE, "2048-byte objects not in one frame");
		ok(before - page_stats()->free <= 2, "more than a frame (+descriptors) for two");
		kmem_free(a);
		kmem_free(b);
	}
	ok(kmem_alloc(0) == NULL, "size 0");
	ok(kmem_alloc(PAGE_SIZE + 1) == NULL, "size above a page");
	kmem_free(NULL);
}

static void test_reuse_zeroed(void)
{
	uint8_t *a = kmem_alloc(40), *b;
	memset(a, 0xff, 64);
	kmem_free(a);
	b = kmem_alloc(64); /* same class, may well be the same object */
	ok(all_bytes(b, 0, 64), "reused object not zeroed");
	kmem_free(b);
}

static void test_misuse(void)
{
	int caught;
	uint8_t *a = kmem_alloc(100), *keep = kmem_alloc(100), *pg = kmem_alloc(4000);
	uint64_t frame = page_alloc();
	static uint8_t not_ours[64];
	kmem_free(a);
	PANICS(kmem_free(a), caught);
	ok(caught && strncmp(host_panic_msg, "kmem_free: double", 17) == 0, "double free: %s",
	   host_panic_msg);
	PANICS(kmem_free(keep + 16), caught);
	ok(caught, "interior pointer accepted");
	PANICS(kmem_free(pg + 16), caught);
	ok(caught, "interior pointer of a page object accepted");
	PANICS(kmem_free((void *)(uintptr_t)frame), caught);
	ok(caught, "page_alloc frame accepted");
	PANICS(kmem_free(not_ours), caught);
	ok(caught, "static buffer accepted");
	kmem_free(keep);
	kmem_free(pg);
	PANICS(kmem_free(pg), caught);
	ok(caught, "double free of a page object");
	page_free(frame);
	ok(frames_held() == 0, "misuse leaked %lu frames", (unsigned long)frames_held());
}

static void test_exhaustion(void)
{
	static void *obj[4096];
	size_t n = 0;
	reset(64 * PAGE_SIZE);
	while (n < 4096 && (obj[n] = kmem_alloc(512)) != NULL)
		n++;
	ok(n > 400 && n < 64 * 8, "512-byte objects from 64 frames: %zu", n);
	ok(kmem_stats()->failed == 1, "failed count %lu", (unsigned long)kmem_stats()->failed);
	ok(kmem_alloc(4096) == NULL && kmem_alloc(16) == NULL, "allocated from an empty pool");
	while (n)
		kmem_free(obj[--n]);
	ok(frames_held() == 0, "exhaustion leaked %lu frames", (unsigned long)frames_held());
	ok(kmem_alloc(4096) != NULL, "nothing after freeing all");
}

static size_t rnd(void)
{
	static uint64_t x = 88172645463325252ull;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (size_t)(x >> 11);
}

static void test_random(void)
{
	enum { LIVE = 2000 };
	static struct {
		uint8_t *p;
		size_t size;
		uint8_t stamp;
	} live[LIVE];
	size_t nlive = 0;
	bool bad = false;
	reset(BUF_SIZE);
	for (int step = 0; step < 100000 && !bad; step++) {
		if (nlive < LIVE && (rnd() % 100 < 55 || nlive == 0)) {
			size_t sz = rnd() % 8 ? 1 + rnd() % 300 : 1 + rnd() % PAGE_SIZE;
			uint8_t *p = kmem_alloc(sz);
			if (!p)
				continue;
			bad |= !all_bytes(p, 0, sz);
			live[nlive].p = p;
			live[nlive].size = sz;
			live[nlive].stamp = (uint8_t)step;
			memset(p, (uint8_t)step, sz);
			nlive++;
		} else {
			size_t k = rnd() % nlive;
			bad |= !all_bytes(live[k].p, live[k].stamp, live[k].size);
			kmem_free(live[k].p);
			live[k] = live[--nlive];
		}
	}
	ok(!bad, "random: contents clobbered or not zeroed");
	while (nlive) {
		nlive--;
		bad |= !all_bytes(live[nlive].p, live[nlive].stamp, live[nlive].size);
		kmem_free(live[nlive].p);
	}
	ok(!bad, "random: contents clobbered at the end");
	ok(frames_held() == 0, "random leaked %lu frames", (unsigned long)frames_held());
}

int main(void)
{
	buf = aligned_alloc(PAGE_SIZE, BUF_SIZE);
	reset(BUF_SIZE);
	test_sizes();
	test_reuse_zeroed();
	test_misuse();
	test_exhaustion();
	test_random();
	free(buf);
	TEST_DONE();
}
