/*
 * Block layer and page cache on the host: blkdev bounds checks and counters, the RAM block
 * store (bootarg parsing, default allocation from the real frame allocator), page-cache
 * reference counting, the eviction order under a budget, pinning, write-back through the
 * hook, and no frame leaked. Frames come from mm/page.c over one heap buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "drivers/ramblk.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/blkdev.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/vm.h"
#include "tests/host/test.h"

#define ARENA (16ul << 20)
#define STORE (64 * 1024)

static uint8_t *arena, *store;
static struct ramblk rb, robk;

/* The hook: records calls and plays a page table holding maps PTEs per page. */
static int hook_unmaps, hook_wrprotects;
static void fake_hook(struct pcache_page *pg, enum pcache_hook_mode mode)
{
	if (mode == PCACHE_HOOK_WRPROTECT) {
		hook_wrprotects++;
		return;
	}
	hook_unmaps++;
	while (pg->maps)
		pcache_map_del(pg);
}

static void test_blkdev(void)
{
	uint8_t buf[1024];
	struct blkdev *bd = &rb.bd;
	ok(ramblk_setup(&rb, "test0", store, STORE, false) == 0, "setup");
	ok(ramblk_setup(&robk, "ro", store, STORE, true) == 0, "setup ro");
	ok(ramblk_setup(&robk, "x", store, 1000, true) == -EINVAL, "odd size");
	ok(ramblk_setup(&robk, "x", NULL, 4096, true) == -EINVAL, "no base");
	ok(ramblk_setup(&robk, "ro", store, STORE, true) == 0, "setup ro");
	ok(blkdev_register(&rb.bd) == 0 && blkdev_first() == &rb.bd, "register");
	ok(blkdev_register(&rb.bd) == -EEXIST, "twice");
	ok(blkdev_register(&robk.bd) == 0 && blkdev_first() == &rb.bd, "second keeps first");
	ok(bd->nblocks == STORE / 512 && bd->block_size == 512, "geometry");
	for (int i = 0; i < STORE; i++)
		store[i] = (uint8_t)(i / 512);
	ok(blkdev_read(bd, 3, 2, buf) == 0 && buf[0] == 3 && buf[1023] == 4, "read");
	ok(blkdev_read(bd, 0, 0, buf) == -EINVAL, "n 0");
	ok(blkdev_read(bd, bd->nblocks - 1, 2, buf) == -ERANGE, "past end");
	ok(blkdev_read(bd, UINT64_MAX, 2, buf) == -ERANGE, "wrap");
	ok(blkdev_read(bd, bd->nblocks - 2, 2, buf) == 0, "last blocks");
	memset(buf, 0xee, sizeof(buf));
	ok(blkdev_write(bd, 5, 1, buf) == 0 && store[5 * 512] == 0xee && store[6 * 512] == 6,
	   "write");
	ok(blkdev_write(&robk.bd, 5, 1, buf) == -EROFS, "read-only");
	ok(blkdev_write(bd, bd->nblocks, 1, buf) == -ERANGE, "write past end");
	ok(blkdev_flush(bd) == 0, "flush");
	ok(bd->stats.reads == 2 && bd->stats.blocks_read == 4 && bd->stats.writes == 1 &&
		   bd->stats.blocks_written == 1 && bd->stats.errors == 4 && bd->stats.flushes == 1,
	   "stats r %lu w %lu e %lu", (unsigned long)bd->stats.reads,
	   (unsigned long)bd->stats.writes, (unsigned long)bd->stats.errors);
}

static void test_bootarg(void)
{
	ok(ramblk_bootarg("0x80000000,1M") == 0, "good");
	ok(ramblk_bootarg("0x80000000") == -EINVAL, "no size");
	ok(ramblk_bootarg(",4096") == -EINVAL, "no addr");
	ok(ramblk_bootarg("0x80000001,4096") == -EINVAL, "unaligned addr");
	ok(ramblk_bootarg("0x80000000,100") == -EINVAL, "size not blocks");
	ok(ramblk_bootarg("0x80000000,0") == -EINVAL, "size 0");
	ok(ramblk_bootarg("0xfffffffffffff000,8192") == -EINVAL, "wraps");
	ok(ramblk_bootarg("zz,4096") == -EINVAL, "garbage");
	ok(ramblk_bootarg("0x123456789012345678901234567890,4096") == -EINVAL, "long");
}

/* The default store (no ramblk=): CONFIG_RAMBLK_DEFAULT_SIZE of zeroed frames, freed never
 * (boot lifetime). */
static void test_ramblk_init(void)
{
	uint64_t free0;
	struct blkdev *bd;
	page_free(page_alloc()); /* the allocator sets up its metadata on first use */
	free0 = page_stats()->free;
	ok(ramblk_dev() == NULL, "none yet");
	ok(ramblk_init() == -ENOMEM && ramblk_dev() == NULL, "init before the memory is claimed");
	ok(ramblk_claim() == 0, "claim");
	ok(ramblk_init() == 0 && (bd = ramblk_dev()) != NULL, "init");
	if (!ramblk_dev())
		return;
	ok(bd->nblocks * bd->block_size == CONFIG_RAMBLK_DEFAULT_SIZE, "size");
	ok(page_stats()->free == free0 - CONFIG_RAMBLK_DEFAULT_SIZE / PAGE_SIZE, "frames taken");
	ok(ramblk_init() == -EEXIST, "twice");
}

static void test_refcounts(void)
{
	struct blkdev *bd = &rb.bd;
	struct pcache_page *p1, *p2, *p3;
	const struct pcache_stats *st = pcache_stats();
	uint64_t free0 = page_stats()->free, reads0 = bd->stats.reads;
	ok(pcache_get(bd, 1, 0, &p1) == 0 && p1->pins == 1 && bd->stats.reads == reads0 + 1,
	   "get loads");
	ok(((uint8_t *)(uintptr_t)p1->frame)[0] == 8, "page 1 = blocks 8..15");
	ok(pcache_get(bd, 1, 0, &p2) == 0 && p2 == p1 && p1->pins == 2 &&
		   bd->stats.reads == reads0 + 1,
	   "second get hits");
	ok(pcache_lookup(bd, 1) == p1 && pcache_lookup(bd, 2) == NULL, "lookup");
	ok(pcache_lookup(&robk.bd, 1) == NULL, "keyed by device");
	ok(pcache_get(&robk.bd, 1, 0, &p3) == 0 && p3 != p1 && p3->frame != p1->frame, "other dev");
	pcache_put(p3);
	ok(pcache_get(bd, STORE / PAGE_SIZE, 0, &p3) == -ERANGE, "beyond device");
	pcache_map_add(p1);
	pcache_put(p1);
	pcache_put(p1);
	ok(p1->pins == 0 && p1->maps == 1, "pins 0, maps 1");
	ok(pcache_drop_unused() == 0 && pcache_lookup(bd, 1) == p1 && st->pages == 1,
	   "mapped page kept, unused dropped");
	pcache_map_del(p1);
	ok(pcache_drop_unused() == 0 && st->pages == 0 && page_stats()->free == free0, "all freed");
}

static void test_eviction_order(void)
{
	struct blkdev *bd = &rb.bd;
	struct pcache_page *pg[6];
	const struct pcache_stats *st = pcache_stats();
	uint64_t free0 = page_stats()->free, ec = st->evict_clean, ed = st->evict_dirty;
	uint64_t em = st->evict_mapped;
	/* 0 clean unmapped, 1 dirty unmapped, 2 clean mapped, 3 dirty mapped: LRU order 3,2,1,0 */
	for (int i = 3; i >= 0; i--) {
		ok(pcache_get(bd, (uint64_t)i, 0, &pg[i]) == 0, "get %d", i);
		if (i & 1)
			pcache_mark_dirty(pg[i]);
		if (i >= 2)
			pcache_map_add(pg[i]);
		pcache_put(pg[i]);
	}
	ok(st->pages == 4 && st->dirty == 2, "pages %u dirty %u", st->pages, st->dirty);
	memset((void *)(uintptr_t)pg[1]->frame, 0x11, PAGE_SIZE);
	memset((void *)(uintptr_t)pg[3]->frame, 0x33, PAGE_SIZE);
	ok(pcache_set_budget(3) == 0 && !pcache_lookup(bd, 0), "clean unmapped first");
	ok(pcache_set_budget(2) == 0 && !pcache_lookup(bd, 1) && store[PAGE_SIZE] == 0x11,
	   "dirty unmapped next, written");
	ok(pcache_set_budget(1) == 0 && !pcache_lookup(bd, 2) && hook_unmaps == 1,
	   "clean mapped next, through the hook");
	/* a pinned page is never evicted */
	ok(pcache_get(bd, 3, 0, &pg[3]) == 0, "pin 3");
	ok(pcache_get(bd, 4, 0, &pg[4]) == -ENOMEM && st->nomem == 1, "budget full of pins");
	ok(pcache_get(bd, 4, PCACHE_NOEVICT, &pg[4]) == -ENOMEM && st->nomem == 1,
	   "read-ahead refusal is not counted");
	pcache_put(pg[3]);
	ok(pcache_get(bd, 4, 0, &pg[4]) == 0 && !pcache_lookup(bd, 3) &&
		   store[3 * PAGE_SIZE] == 0x33 && hook_unmaps == 2,
	   "dirty mapped last, written and unmapped");
	/* write-back protects first, then writes; clean pages are not written */
	pcache_map_add(pg[4]);
	pcache_mark_dirty(pg[4]);
	((uint8_t *)(uintptr_t)pg[4]->frame)[7] = 0x44;
	ok(pcache_writeback(pg[4]) == 0 && hook_wrprotects == 1 &&
		   store[4 * PAGE_SIZE + 7] == 0x44 && !pg[4]->dirty,
	   "write-back");
	ok(pcache_writeback(pg[4]) == 0 && hook_wrprotects == 1, "clean: nothing");
	pcache_map_del(pg[4]);
	pcache_put(pg[4]);
	/* no room, page_alloc succeeds: NOEVICT refuses only when at budget */
	ok(pcache_set_budget(0) == 0, "unlimited");
	ok(pcache_get(bd, 5, PCACHE_NOEVICT, &pg[5]) == 0, "room");
	pcache_put(pg[5]);
	ok(st->evict_clean - ec == 2 && st->evict_dirty - ed == 2 && st->evict_mapped - em == 2,
	   "evictions c %lu d %lu m %lu", (unsigned long)(st->evict_clean - ec),
	   (unsigned long)(st->evict_dirty - ed), (unsigned long)(st->evict_mapped - em));
	ok(pcache_drop_unused() == 0 && st->pages == 0 && st->dirty == 0, "empty");
	ok(page_stats()->free == free0, "frames leaked: %lu",
	   (unsigned long)(free0 - page_stats()->free));
}

/* page_alloc failing (no budget) evicts too; pcache_alloc_frame does the same for others. */
static void test_memory_pressure(void)
{
	struct blkdev *bd = &rb.bd;
	struct pcache_page *pg;
	uint64_t hog[4096], frame;
	size_t n = 0;
	for (int i = 0; i < 3; i++) {
		ok(pcache_get(bd, (uint64_t)i, 0, &pg) == 0, "get %d", i);
		pcache_put(pg);
	}
	while (n < 4096 && (hog[n] = page_alloc()))
		n++;
	ok(n < 4096 && pcache_stats()->pages == 3, "memory exhausted (%zu frames)", n);
	ok(pcache_get(bd, 7, 0, &pg) == 0 && pcache_stats()->pages == 3, "evicted for a frame");
	pcache_put(pg);
	frame = pcache_alloc_frame();
	ok(frame && pcache_stats()->pages == 2, "alloc_frame evicts");
	page_free(frame);
	while (n)
		page_free(hog[--n]);
	ok(pcache_drop_unused() == 0 && pcache_stats()->pages == 0, "empty");
}

/* A device whose last page is partial: zeros past the end, only existing blocks written. */
static void test_partial_page(void)
{
	static struct ramblk small;
	struct pcache_page *pg;
	uint8_t *frame;
	memset(store, 0x5a, STORE);
	ok(ramblk_setup(&small, "small", store, 3 * 512, false) == 0, "setup");
	ok(pcache_get(&small.bd, 0, 0, &pg) == 0, "get");
	frame = (uint8_t *)(uintptr_t)pg->frame;
	ok(frame[3 * 512 - 1] == 0x5a && frame[3 * 512] == 0, "zeros past the end");
	memset(frame, 0x66, PAGE_SIZE);
	pcache_mark_dirty(pg);
	ok(pcache_writeback(pg) == 0 && small.bd.stats.blocks_written == 3, "3 blocks");
	ok(store[3 * 512 - 1] == 0x66 && store[3 * 512] == 0x5a, "nothing past the end");
	ok(pcache_get(&small.bd, 1, 0, &pg) == -ERANGE, "no page 1");
	pcache_put(pcache_lookup(&small.bd, 0));
	ok(pcache_drop_unused() == 0, "drop");
}

int main(void)
{
	arena = aligned_alloc(PAGE_SIZE, ARENA);
	store = aligned_alloc(PAGE_SIZE, STORE);
	page_init();
	ok(page_add_range((uint64_t)(uintptr_t)arena, ARENA) == 0, "arena");
	pcache_set_hook(fake_hook);
	test_blkdev();
	test_ramblk_init(); /* before test_bootarg leaves a (host-invalid) range configured */
	test_bootarg();
	test_refcounts();
	test_eviction_order();
	test_memory_pressure();
	test_partial_page();
	free(store);
	free(arena);
	TEST_DONE();
}
