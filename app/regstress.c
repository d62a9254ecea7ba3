/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Region stress, run from the shell while traffic flows: random map / write / read / sync /
 * unmap operations over a window of the store, a few per timer tick so the packet loop keeps
 * running in between, with the page cache held to a tiny budget (constant eviction and
 * write-back). Shared writes go to a byte-array model of the store; private writes go only to
 * the mapping. At the end every region is unmapped and the store must equal the model.
 */
#include <stdint.h>
#include "app/regbench.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "mm/blkdev.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"

#define STRESS_OFF   (2u << 20) /* store bytes used: past the store service and bench region */
#define STRESS_PAGES 32
#define STRESS_MAPS  4
#define OPS_PER_TICK 8

struct smap {
	uint8_t *addr; /* NULL: free slot */
	uint32_t page, npages;
	unsigned flags;
};

static struct {
	struct blkdev *bd;
	uint8_t *model; /* STRESS_PAGES pages: what the store must hold */
	struct smap maps[STRESS_MAPS];
	uint64_t rng, left, done, faults;
	struct timer tick;
	int failed;
} st;

static uint32_t rnd(uint32_t n)
{
	st.rng = st.rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(st.rng >> 33) % n;
}

static void fail(const char *what, int err)
{
	if (!st.failed)
		kprintf("regstress: FAILED at op %lu: %s (%s)\n", (unsigned long)st.done, what,
			errname(err));
	st.failed = 1;
}

static void op_map(struct smap *s)
{
	uint32_t page = rnd(STRESS_PAGES), n = 1 + rnd(STRESS_PAGES - page);
	unsigned flags = rnd(4) ? MAP_SHARED : MAP_PRIVATE;
	void *addr;
	int err = region_map(st.bd, STRESS_OFF + (uint64_t)page * PAGE_SIZE,
			     (uint64_t)n * PAGE_SIZE, PROT_READ | PROT_WRITE, flags, &addr);
	if (err) {
		fail("region_map", err);
		return;
	}
	*s = (struct smap){ addr, page, n, flags };
}

static void op_access(struct smap *s)
{
	uint32_t off = rnd(s->npages * (uint32_t)PAGE_SIZE);
	volatile uint8_t *p = s->addr + off;
	uint32_t moff = s->page * (uint32_t)PAGE_SIZE + off;
	if (rnd(2)) {
		uint8_t v = (uint8_t)rnd(256);
		*p = v;
		if (s->flags & MAP_SHARED)
			st.model[moff] = v;
	} else if ((s->flags & MAP_SHARED) && *p != st.model[moff]) {
		fail("a shared read disagrees with the model", -EIO);
	}
}

static void op_unmap(struct smap *s)
{
	int err = region_unmap(s->addr, (size_t)s->npages * PAGE_SIZE);
	if (err)
		fail("region_unmap", err);
	s->addr = NULL;
}

static void step(void)
{
	struct smap *s = &st.maps[rnd(STRESS_MAPS)];
	uint32_t what = rnd(16);
	if (!s->addr) {
		op_map(s);
	} else if (what < 11) {
		op_access(s);
	} else if (what < 13) {
		int err = region_sync(s->addr, (size_t)s->npages * PAGE_SIZE);
		if (err)
			fail("region_sync", err);
	} else {
		op_unmap(s);
	}
	st.done++;
}

static void finish(void)
{
	uint8_t *buf = (uint8_t *)(uintptr_t)page_alloc();
	for (int i = 0; i < STRESS_MAPS; i++)
		if (st.maps[i].addr)
			op_unmap(&st.maps[i]);
	pcache_set_budget(0);
	for (uint32_t pg = 0; buf && pg < STRESS_PAGES && !st.failed; pg++) {
		uint32_t per = PAGE_SIZE / st.bd->block_size;
		int err = blkdev_read(st.bd, (STRESS_OFF / st.bd->block_size) + pg * per, per, buf);
		if (err || memcmp(buf, st.model + (size_t)pg * PAGE_SIZE, PAGE_SIZE) != 0)
			fail("the store differs from the model", err ? err : -EIO);
	}
	if (buf)
		page_free((uintptr_t)buf);
	page_free_contig((uintptr_t)st.model, STRESS_PAGES);
	st.model = NULL;
	kprintf("regstress: %s after %lu ops\n", st.failed ? "FAILED" : "store equals the model",
		(unsigned long)st.done);
}

static void tick(struct timer *t)
{
	for (int i = 0; i < OPS_PER_TICK && st.left && !st.failed; i++, st.left--)
		step();
	if (st.left && !st.failed)
		timer_arm(t, NSEC_PER_MSEC);
	else
		finish();
}

int regstress_start(struct blkdev *bd, uint32_t seed, uint32_t ops, uint32_t budget)
{
	uint32_t per = PAGE_SIZE / (bd ? bd->block_size : 1);
	if (st.model)
		return -EBUSY;
	if (!bd || bd->nblocks * bd->block_size < STRESS_OFF + STRESS_PAGES * PAGE_SIZE)
		return -ENODEV;
	st.model = (uint8_t *)(uintptr_t)page_alloc_contig(STRESS_PAGES, PAGE_SIZE);
	if (!st.model)
		return -ENOMEM;
	for (uint32_t pg = 0; pg < STRESS_PAGES; pg++) {
		int err = blkdev_read(bd, STRESS_OFF / bd->block_size + pg * per, per,
				      st.model + (size_t)pg * PAGE_SIZE);
		if (err) {
			page_free_contig((uintptr_t)st.model, STRESS_PAGES);
			st.model = NULL;
			return err;
		}
	}
	st.bd = bd;
	st.rng = seed ? seed : 1;
	st.left = ops;
	st.done = 0;
	st.failed = 0;
	pcache_set_budget(budget);
	st.tick.fn = tick;
	timer_arm(&st.tick, 0);
	kprintf("regstress: %u ops on %s, seed %u, page budget %u, running\n", ops, bd->name, seed,
		budget);
	return 0;
}
