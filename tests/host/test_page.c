/* SPDX-License-Identifier: BSD-2-Clause */
/* Frame allocator: exhaustion, reserved holes, rounding, contiguous runs, broken-invariant
 * panics and random alloc/free sequences against a model. Ranges live in one aligned buffer. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "lib/errno.h" /* not with libc's string.h: its strerror differs */
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "tests/host/test.h"

#define BUF_SIZE   (8ul << 20)
#define BUF_FRAMES (BUF_SIZE / PAGE_SIZE)

static uint8_t *buf;
static uint64_t B; /* buf as a "physical" address */
static jmp_buf jb;

/* Run stmt; caught = 1 if it panicked (host panic() longjmps back here). */
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

static bool contains(const char *s, const char *sub)
{
	size_t n = strlen(sub);
	for (; *s; s++)
		if (strncmp(s, sub, n) == 0)
			return true;
	return false;
}

static uint64_t F(uint64_t i) /* address of frame i of the buffer */
{
	return B + i * PAGE_SIZE;
}

static bool frame_is_zero(uint64_t pa)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)pa;
	for (size_t i = 0; i < PAGE_SIZE; i++)
		if (p[i])
			return false;
	return true;
}

/* Allocate everything; check each frame is new, zeroed, inside [lo, hi) and outside the holes;
 * stamp it; return the count and fill out[]. */
static size_t drain(uint64_t *out, size_t max, uint64_t lo, uint64_t hi, const uint64_t *holes,
		    int nholes)
{
	size_t n = 0;
	uint64_t pa;
	while ((pa = page_alloc()) != 0) {
		bool bad = pa < lo || pa >= hi || (pa & (PAGE_SIZE - 1));
		for (int h = 0; h < nholes; h++)
			bad |= pa >= holes[2 * h] && pa < holes[2 * h + 1];
		ok(!bad, "frame %lx outside the usable set", (unsigned long)pa);
		ok(frame_is_zero(pa), "frame %lx not zeroed", (unsigned long)pa);
		memset((void *)(uintptr_t)pa, 0xa5, PAGE_SIZE);
		if (n < max)
			out[n] = pa;
		n++;
		if (n > max + 1 || bad)
			break;
	}
	return n;
}

static void test_exhaust_and_reserve(void)
{
	static uint64_t got[BUF_FRAMES];
	/* Holes: one splitting range 1, one straddling the gap between ranges 1 and 2, one
	 * reserved before any range exists (unaligned: rounded outward). */
	uint64_t holes[] = { F(100), F(110), F(500), F(700), F(1500), F(1502) };
	const struct page_stats *st;
	size_t n;
	memset(buf, 0x5a, BUF_SIZE);
	page_init();
	page_reserve(F(1500) + 100, PAGE_SIZE + 10, NULL);		 /* -> frames 1500, 1501 */
	ok(page_add_range(F(10) - 1, F(600) - F(10) + 2) == 0, "add 1"); /* -> frames 10..599 */
	ok(page_add_range(F(650), F(2000) - F(650)) == 0, "add 2");
	page_reserve(F(100), 10 * PAGE_SIZE, "hole a");
	page_reserve(F(500), F(700) - F(500), "hole b");
	st = page_stats();
	/* 590 + 1350 frames, minus 10, 100 + 50 and 2 reserved */
	ok(st->total == 1778, "planned total %lu", (unsigned long)st->total);
	n = drain(got, BUF_FRAMES, F(10), F(2000), holes, 3);
	st = page_stats();
	ok(n == st->total, "drained %zu of %lu", n, (unsigned long)st->total);
	ok(st->total + st->meta == 1778, "total %lu + meta %lu", (unsigned long)st->total,
	   (unsigned long)st->meta);
	ok(st->free == 0 && st->low_water == 0, "free %lu low %lu", (unsigned long)st->free,
	   (unsigned long)st->low_water);
	ok(page_alloc_contig(1, PAGE_SIZE) == 0, "contig from an empty pool");
	for (size_t i = 0; i < n && i < BUF_FRAMES; i++)
		page_free(got[i]);
	ok(st->free == st->total, "free %lu after freeing all", (unsigned long)st->free);
	ok(st->allocs == n && st->frees == n, "allocs %lu frees %lu", (unsigned long)st->allocs,
	   (unsigned long)st->frees);
	ok(st->low_water == 0, "low water moved");
	/* A second round hands out the same set (metadata survived the stamping). */
	ok(drain(got, BUF_FRAMES, F(10), F(2000), holes, 3) == n, "second drain differs");
}

static void test_add_errors(void)
{
	int caught;
	page_init();
	ok(page_add_range(F(0), PAGE_SIZE - 1) == 0, "sub-page range is not an error");
	ok(page_stats()->total == 0, "sub-page range added frames");
	ok(page_add_range(F(10), 10 * PAGE_SIZE) == 0, "add");
	ok(page_add_range(F(15), 10 * PAGE_SIZE) == -EINVAL, "overlap accepted");
	ok(page_add_range(F(5), 5 * PAGE_SIZE) == 0, "adjacent range refused");
	ok(page_add_range(~0ull - 10, 100) == -EINVAL, "wrapping range accepted");
	for (int i = 2; i < PAGE_MAX_RANGES; i++)
		ok(page_add_range(F(100 + 10 * (uint64_t)i), PAGE_SIZE) == 0, "add %d", i);
	ok(page_add_range(F(1000), PAGE_SIZE) == -ENOSPC, "range %d accepted", PAGE_MAX_RANGES);
	ok(page_alloc() != 0, "alloc");
	ok(page_add_range(F(1000), PAGE_SIZE) == -EBUSY, "add after alloc accepted");
	PANICS(page_reserve(F(10), PAGE_SIZE, NULL), caught);
	ok(caught, "reserve after alloc did not panic");
}

static void test_panics(void)
{
	int caught;
	uint64_t a;
	page_init();
	page_add_range(F(0), 64 * PAGE_SIZE);
	PANICS(page_free(F(10)), caught);
	ok(caught, "free of a never-allocated frame");
	a = page_alloc();
	page_free(a);
	PANICS(page_free(a), caught);
	ok(caught && contains(host_panic_msg, "free"), "double free: \"%s\"", host_panic_msg);
	a = page_alloc();
	PANICS(page_free(a + 8), caught);
	ok(caught && contains(host_panic_msg, "aligned"), "unaligned: \"%s\"", host_panic_msg);
	PANICS(page_free(F(200)), caught);
	ok(caught && contains(host_panic_msg, "managed"), "out of range: \"%s\"", host_panic_msg);
	PANICS(page_free(0), caught);
	ok(caught, "free(0)");
	ok(page_stats()->free == page_stats()->total - 1, "panics changed the counts");
	/* Owner words: 0 after alloc, kept while allocated, cleared by free. */
	ok(page_owner(a) == 0, "fresh owner");
	page_set_owner(a, 0x1234);
	ok(page_owner(a) == 0x1234, "owner not kept");
	page_free(a);
	PANICS(page_owner(a), caught);
	ok(caught, "owner of a free frame");
	a = page_alloc_contig(1, PAGE_SIZE);
	ok(a && page_owner(a) == 0, "owner not cleared");
}

static void test_contig(void)
{
	uint64_t base = F(3), a, b, c, single[8];
	page_init();
	page_add_range(base, 500 * PAGE_SIZE); /* deliberately not 64 KiB aligned */
	a = page_alloc_contig(16, 1ul << 16);
	ok(a && (a & 0xffff) == 0, "16 frames at 64 KiB: %lx", (unsigned long)a);
	for (int i = 0; i < 16; i++)
		ok(frame_is_zero(a + (uint64_t)i * PAGE_SIZE), "contig frame %d not zero", i);
	b = page_alloc_contig(3, 1ul << 16);
	ok(b && (b & 0xffff) == 0 && b != a, "second run %lx", (unsigned long)b);
	ok(page_alloc_contig(1000, PAGE_SIZE) == 0, "run longer than memory");
	ok(page_alloc_contig(2, 3 * PAGE_SIZE) == 0, "alignment not a power of two");
	ok(page_alloc_contig(0, PAGE_SIZE) == 0, "zero frames");
	c = page_alloc_contig(1, 1ul << 30);
	ok(c == 0 || (c & ((1ul << 30) - 1)) == 0, "1 GiB alignment %lx", (unsigned long)c);
	if (c)
		page_free(c);
	for (int i = 0; i < 8; i++)
		single[i] = page_alloc();
	/* Fragment: free every other single frame; a run of 2 must skip them all. */
	for (int i = 0; i < 8; i += 2)
		page_free(single[i]);
	c = page_alloc_contig(2, PAGE_SIZE);
	ok(c && page_stats()->free == page_stats()->total - 16 - 3 - 4 - 2, "counts after runs");
	for (int i = 0; i < 8; i += 2)
		ok(c != single[i] && c + PAGE_SIZE != single[i], "run landed on a single frame");
	page_free_contig(a, 16);
	page_free_contig(b, 3);
	page_free_contig(c, 2);
	for (int i = 1; i < 8; i += 2)
		page_free(single[i]);
	ok(page_stats()->free == page_stats()->total, "all back");
	/* Whole pool as one run when it fits. */
	a = page_alloc_contig(page_stats()->total, PAGE_SIZE);
	ok(a != 0 && page_stats()->free == 0, "whole pool as one run");
	page_free_contig(a, page_stats()->total);
}

static size_t rnd(void)
{
	static uint64_t x = 88172645463325252ull; /* xorshift64 */
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return (size_t)(x >> 11);
}

/* Random alloc/free/contig against a per-frame model of the buffer. */
static void test_random(void)
{
	static uint8_t used[BUF_FRAMES];
	static uint64_t live[BUF_FRAMES];
	size_t nlive = 0, model_free, exhausted = 0;
	bool bad = false;
	page_init();
	page_add_range(F(1), 300 * PAGE_SIZE);
	page_add_range(F(400), 600 * PAGE_SIZE);
	page_reserve(F(450), 20 * PAGE_SIZE, NULL);
	memset(used, 0, sizeof(used));
	page_alloc(); /* build the bitmaps; this one frame stays allocated */
	model_free = page_stats()->free;
	for (int step = 0; step < 200000 && !bad; step++) {
		/* Phases that fill the pool up to exhaustion, then drain it. */
		int r = (int)(rnd() % 100), fill = (step / 20000) % 2 ? 35 : 65;
		if (r < fill || nlive == 0) {
			size_t n = (r % 10 == 0) ? 1 + rnd() % 8 : 1;
			size_t align = PAGE_SIZE << (rnd() % 4);
			bool plain = n == 1 && r % 3;
			uint64_t pa = plain ? page_alloc() : page_alloc_contig(n, align);
			if (!pa) {
				exhausted += model_free == 0;
				bad |= plain && model_free > 0;
				continue;
			}
			if (n > 1)
				bad |= (pa & (align - 1)) != 0;
			for (size_t i = 0; i < n; i++) {
				uint64_t f = (pa - B) / PAGE_SIZE + i;
				bad |= f >= BUF_FRAMES || used[f] || (f >= 450 && f < 470);
				if (f < BUF_FRAMES) {
					used[f] = 1;
					live[nlive++] = pa + i * PAGE_SIZE;
				}
			}
			model_free -= n;
		} else {
			size_t k = rnd() % nlive;
			uint64_t pa = live[k];
			live[k] = live[--nlive];
			used[(pa - B) / PAGE_SIZE] = 0;
			page_free(pa);
			model_free++;
		}
		bad |= page_stats()->free != model_free;
	}
	ok(!bad, "random sequence diverged from the model (free %lu, model %zu)",
	   (unsigned long)page_stats()->free, model_free);
	ok(exhausted > 100, "pool ran dry only %zu times", exhausted);
	while (nlive)
		page_free(live[--nlive]);
	ok(page_stats()->free == page_stats()->total - 1, "random: not all freed");
	ok(page_stats()->allocs - page_stats()->frees == 1, "allocs/frees mismatch");
}

/* page_check_free: in RAM or not, clear of reservations or which one is in the way. */
static void test_check_free(void)
{
	struct page_conflict c = { 0, 0, NULL };
	page_init();
	page_add_range(F(10), 100 * PAGE_SIZE);	 /* frames 10..109 */
	page_add_range(F(110), 40 * PAGE_SIZE);	 /* 110..149: adjacent to the first */
	page_add_range(F(200), 100 * PAGE_SIZE); /* 200..299 */
	page_reserve(F(20), 2 * PAGE_SIZE, "the firmware");
	page_reserve(F(60) + 8, 16, "the device tree"); /* rounded out to frame 60 */
	page_reserve(F(240), 10 * PAGE_SIZE, NULL);
	ok(page_check_free(F(30), 10 * PAGE_SIZE, &c) == 0, "free RAM refused (%s)", c.what);
	ok(page_check_free(F(100), 20 * PAGE_SIZE, &c) == 0, "across adjacent ranges");
	ok(page_check_free(F(22), 38 * PAGE_SIZE, &c) == 0, "between two reservations");
	ok(page_check_free(F(61), 1, &c) == 0, "the frame after a rounded reservation");
	ok(page_check_free(F(140), 20 * PAGE_SIZE, &c) == -ERANGE && c.lo == F(150) &&
		   c.hi == F(160) && !strcmp(c.what, "not RAM"),
	   "past the end of RAM: %lx-%lx", (unsigned long)(c.lo - B), (unsigned long)(c.hi - B));
	ok(page_check_free(F(140), 100 * PAGE_SIZE, &c) == -ERANGE && c.lo == F(150) &&
		   c.hi == F(200),
	   "over a gap: the gap is named");
	ok(page_check_free(F(400), PAGE_SIZE, &c) == -ERANGE && c.lo == F(400) && c.hi == F(401),
	   "wholly outside");
	ok(page_check_free(F(5), 10 * PAGE_SIZE, &c) == -ERANGE && c.lo == F(5) && c.hi == F(10),
	   "starting below RAM");
	ok(page_check_free(F(15), 10 * PAGE_SIZE, &c) == -EBUSY && c.lo == F(20) && c.hi == F(22) &&
		   !strcmp(c.what, "the firmware"),
	   "over the firmware: %s", c.what);
	ok(page_check_free(F(60) + 100, 8, &c) == -EBUSY && c.lo == F(60) && c.hi == F(61) &&
		   !strcmp(c.what, "the device tree"),
	   "inside a rounded reservation");
	ok(page_check_free(F(10), 100 * PAGE_SIZE, &c) == -EBUSY && c.lo == F(20),
	   "two in the way: the lowest is named");
	ok(page_check_free(F(249), 2 * PAGE_SIZE, &c) == -EBUSY &&
		   !strcmp(c.what, "reserved memory"),
	   "unnamed reservation");
	ok(page_check_free(F(235), 100 * PAGE_SIZE, &c) == -ERANGE, "not RAM comes first");
	ok(page_check_free(F(30), 0, &c) == -EINVAL, "empty range");
	ok(page_check_free(~0ull - PAGE_SIZE, 2 * PAGE_SIZE, &c) == -EINVAL, "wrapping range");
	/* Allocation does not change the answer: the check is about RAM and reservations. */
	page_alloc();
	ok(page_check_free(F(30), 10 * PAGE_SIZE, &c) == 0, "after the first allocation");
	ok(page_check_free(F(15), 10 * PAGE_SIZE, &c) == -EBUSY, "after the first allocation");
}

/* page_check_free against a per-frame model: random layouts, random ranges. */
static void test_check_free_model(void)
{
	enum { N = 256 };
	static int ram[N], rsv[N]; /* rsv: 1 + index of the reservation holding the frame */
	static const char *const names[] = { "r0", "r1", "r2", "r3", "r4", "r5" };
	uint64_t rlo[6];
	int bad = 0;
	for (int layout = 0; layout < 200 && !bad; layout++) {
		int nrsv = (int)(rnd() % 6);
		page_init();
		memset(ram, 0, sizeof(ram));
		memset(rsv, 0, sizeof(rsv));
		for (uint64_t f = 1; f < N;) { /* alternate runs of RAM and holes */
			uint64_t len = 1 + rnd() % 40;
			if (f + len > N)
				len = N - f;
			if (rnd() % 3 && page_add_range(F(f), len * PAGE_SIZE) == 0)
				for (uint64_t i = f; i < f + len; i++)
					ram[i] = 1;
			f += len + rnd() % 2; /* sometimes adjacent ranges */
		}
		for (int r = 0; r < nrsv; r++) {
			uint64_t f = rnd() % N, len = 1 + rnd() % 16;
			rlo[r] = f;
			page_reserve(F(f), len * PAGE_SIZE, names[r]);
			for (uint64_t i = f; i < f + len && i < N; i++)
				if (!rsv[i] || rlo[rsv[i] - 1] > f)
					rsv[i] = r + 1;
		}
		for (int q = 0; q < 50; q++) {
			struct page_conflict c = { B, B, "" };
			uint64_t f = rnd() % N, len = 1 + rnd() % 64, low = UINT64_MAX;
			int err = page_check_free(F(f), len * PAGE_SIZE, &c), want = 0, wrong;
			const char *who = NULL;
			for (uint64_t i = f; i < f + len && !want; i++)
				if (i >= N || !ram[i])
					want = -ERANGE;
			for (uint64_t i = f; i < f + len && i < N && !want; i++)
				if (rsv[i] && rlo[rsv[i] - 1] < low) {
					low = rlo[rsv[i] - 1];
					who = names[rsv[i] - 1];
				}
			if (!want && who)
				want = -EBUSY;
			wrong = err != want;
			if (!wrong && err == -EBUSY)
				wrong = c.lo != F(low) || strcmp(c.what, who) != 0;
			if (!wrong && err == -ERANGE)
				wrong = c.lo < F(f) || c.hi <= c.lo || c.hi > F(f + len) ||
					((c.lo - B) / PAGE_SIZE < N && ram[(c.lo - B) / PAGE_SIZE]);
			if (wrong) {
				printf("layout %d: [%lu, +%lu) -> %d (%lu-%lu %s), model %d\n",
				       layout, (unsigned long)f, (unsigned long)len, err,
				       (unsigned long)((c.lo - B) / PAGE_SIZE),
				       (unsigned long)((c.hi - B) / PAGE_SIZE), err ? c.what : "",
				       want);
				bad = 1;
				break;
			}
		}
	}
	ok(!bad, "page_check_free differs from the model");
}

static void test_dump(void)
{
	page_init();
	page_add_range(F(0), 2048 * PAGE_SIZE);
	page_alloc();
	host_console_clear();
	page_dump(LOG_CONSOLE);
	ok(contains(host_console, "KiB free of 8172 KiB"), "dump: %s", host_console);
	ok(contains(host_console, "low water"), "dump: %s", host_console);
	ok(!contains(host_console, "] page:"), "shell dump has a log prefix: %s", host_console);
	/* as boot log lines: timestamped, and hidden below their level */
	host_console_clear();
	log_level = LOG_INFO;
	page_dump(LOG_INFO);
	ok(contains(host_console, "] page: ") && host_console[0] == '[', "boot dump: %s",
	   host_console);
	host_console_clear();
	log_level = LOG_WARN;
	page_dump(LOG_INFO);
	ok(host_console_len == 0, "page lines shown at loglevel 1: %s", host_console);
	log_level = LOG_INFO;
}

int main(void)
{
	buf = aligned_alloc(1ul << 21, BUF_SIZE);
	B = (uint64_t)(uintptr_t)buf;
	test_exhaust_and_reserve();
	test_add_errors();
	test_panics();
	test_contig();
	test_random();
	test_check_free();
	test_check_free_model();
	test_dump();
	free(buf);
	TEST_DONE();
}
