/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Block layer and page cache on the host: blkdev bounds checks and counters, the RAM block
 * store (bootarg parsing, default allocation from the real frame allocator), page-cache
 * reference counting, the eviction order under a budget, pinning, write-back through the
 * hook, and no frame leaked. Frames come from mm/page.c over one heap buffer.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
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
static void fake_hook(struct pcache_page *pg, enum pcache_hook_mode mode);
static struct pcache_hook fake = { .name = "fake", .fn = fake_hook };
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
	ok(blkdev_register(&rb.bd) == 0 && blkdev_find("test0") == &rb.bd, "register");
	ok(blkdev_register(&rb.bd) == -EEXIST, "twice");
	ok(blkdev_register(&robk.bd) == 0 && blkdev_find("ro") == &robk.bd, "second");
	ok(blkdev_next(NULL) == &rb.bd && blkdev_next(&rb.bd) == &robk.bd &&
		   blkdev_next(&robk.bd) == NULL && blkdev_find("ram") == NULL,
	   "registration order, names exact");
	{
		static struct ramblk clash;
		ok(ramblk_setup(&clash, "test0", store, STORE, false) == 0 &&
			   blkdev_register(&clash.bd) == -EEXIST,
		   "a second device of the same name");
	}
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

/* ---- a device that records every op, for the contract and the ordering tests ---- */
struct op {
	char kind; /* 'r', 'w', 'f' */
	uint64_t lba;
	uint32_t n;
};
static struct op oplog[64];
static int nops, fail_op_at = -1; /* the op with this index fails (-1: none) */
static uint8_t rec_disk[64 * 4096] __attribute__((aligned(4096)));

static int rec(char kind, uint64_t lba, uint32_t n)
{
	int i = nops;
	if (nops < 64)
		oplog[nops++] = (struct op){ kind, lba, n };
	return i == fail_op_at ? -EIO : 0;
}
static int rec_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf)
{
	memcpy(buf, rec_disk + lba * bd->block_size, (size_t)n * bd->block_size);
	return rec('r', lba, n);
}
static int rec_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	memcpy(rec_disk + lba * bd->block_size, buf, (size_t)n * bd->block_size);
	return rec('w', lba, n);
}
static int rec_flush(struct blkdev *bd)
{
	(void)bd;
	return rec('f', 0, 0);
}
static int rec_write_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		memcpy(rec_disk + (lba + i * 8) * bd->block_size,
		       (const void *)(uintptr_t)frames[i], PAGE_SIZE);
	return rec('v', lba, n);
}
static const struct blkdev_ops rec_ops = { .read = rec_read,
					   .write = rec_write,
					   .flush = rec_flush };
static int rec_read_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		memcpy((void *)(uintptr_t)frames[i], rec_disk + (lba + i * 8) * bd->block_size,
		       PAGE_SIZE);
	return rec('R', lba, n);
}
static const struct blkdev_ops recv_ops = { .read = rec_read,
					    .write = rec_write,
					    .flush = rec_flush,
					    .read_pages = rec_read_pages,
					    .write_pages = rec_write_pages };
static struct blkdev recdev = { .name = "rec0",
				.block_size = 512,
				.nblocks = sizeof(rec_disk) / 512,
				.max_blocks = 3,
				.dma_align = 4,
				.ops = &rec_ops };

static bool op_is(int i, char kind, uint64_t lba, uint32_t n)
{
	return i < nops && oplog[i].kind == kind && oplog[i].lba == lba && oplog[i].n == n;
}

/* mm/blkdev.h's promises: splitting, alignment, directly mapped buffers, flush tracking. */
static void test_blkdev_contract(void)
{
	static uint8_t buf[8 * 512 + 8] __attribute__((aligned(8)));
	struct blkdev *bd = &recdev;
	ok(blkdev_register(bd) == 0, "register");
	nops = 0;
	ok(blkdev_read(bd, 10, 8, buf) == 0 && nops == 3 && op_is(0, 'r', 10, 3) &&
		   op_is(1, 'r', 13, 3) && op_is(2, 'r', 16, 2),
	   "split into max_blocks pieces, ascending (%d ops)", nops);
	ok(blkdev_read(bd, 0, 1, buf + 2) == -EINVAL && nops == 3, "misaligned buffer");
	ok(blkdev_read(bd, 0, 1, buf + 4) == 0 && nops == 4, "dword-aligned buffer");
	ok(blkdev_write(bd, 0, 1, (void *)(uintptr_t)CONFIG_REGION_BASE) == -EFAULT && nops == 4,
	   "region address refused");
	ok(blkdev_read(bd, 0, 1, (void *)(uintptr_t)(CONFIG_REGION_BASE - 256)) == -EFAULT,
	   "buffer running into the window");
	ok(blkdev_flush(bd) == 0 && nops == 4 && bd->stats.flushes_skipped == 1,
	   "nothing written: no flush sent");
	nops = 0;
	ok(blkdev_write(bd, 20, 4, buf) == 0 && bd->unflushed && op_is(0, 'w', 20, 3) &&
		   op_is(1, 'w', 23, 1),
	   "write split, unflushed");
	fail_op_at = 2;
	ok(blkdev_flush(bd) == -EIO && bd->unflushed, "failed flush: still unflushed");
	fail_op_at = -1;
	ok(blkdev_flush(bd) == 0 && !bd->unflushed && op_is(3, 'f', 0, 0), "flush retried");
	ok(blkdev_flush(bd) == 0 && nops == 4, "and not again");
	nops = 0;
	fail_op_at = 1;
	ok(blkdev_write(bd, 30, 7, buf) == -EIO && nops == 2 && bd->unflushed,
	   "a failing piece stops the request (and may have reached the cache)");
	fail_op_at = -1;
	ok(blkdev_flush(bd) == 0, "flush");
	ok(blkdev_atomic_bytes(bd) == 512, "atomic unit defaults to one block");
}

/* Runs of consecutive dirty pages: scatter writes split at max_blocks, ascending, then flush;
 * a device without write_pages (or too small a max_blocks) gets page-sized writes. */
static void test_writeback_runs(void)
{
	static struct blkdev vdev = { .name = "recv0",
				      .block_size = 512,
				      .nblocks = sizeof(rec_disk) / 512,
				      .max_blocks = 16, /* two pages per scatter write */
				      .ops = &recv_ops };
	static const uint64_t pages[] = { 7, 3, 4, 5 };
	struct pcache_page *pg;
	ok(blkdev_register(&vdev) == 0, "register");
	for (int i = 0; i < 4; i++) {
		ok(pcache_get(&vdev, pages[i], 0, &pg) == 0, "get");
		memset((void *)(uintptr_t)pg->frame, 0x60 + (int)pages[i], PAGE_SIZE);
		pcache_mark_dirty(pg);
		pcache_put(pg);
	}
	nops = 0;
	ok(pcache_sync_dev(&vdev) == 0 && nops == 4 && op_is(0, 'v', 24, 2) &&
		   op_is(1, 'v', 40, 1) && op_is(2, 'w', 56, 8) && op_is(3, 'f', 0, 0),
	   "pages 3-5 in two scatter writes, page 7 alone, flush (%d ops)", nops);
	ok(rec_disk[3 * PAGE_SIZE] == 0x63 && rec_disk[5 * PAGE_SIZE + 4095] == 0x65 &&
		   rec_disk[7 * PAGE_SIZE] == 0x67,
	   "on the device");
	ok(pcache_stats()->dirty == 0 && pcache_drop_dev(&vdev) == 0, "clean, dropped");
	ok(blkdev_write_pages(&vdev, 1, (const uint64_t[]){ 0x1000 }, 1) == -EINVAL,
	   "lba not page-aligned");
	ok(blkdev_write_pages(&vdev, 0, (const uint64_t[]){ 0x1001 }, 1) == -EINVAL,
	   "frame not page-aligned");
	ok(blkdev_write_pages(&vdev, vdev.nblocks - 8, (const uint64_t[]){ 0x1000, 0x2000 }, 2) ==
		   -ERANGE,
	   "past the end");
	/* recdev: no write_pages op: one page at a time, each split at its max_blocks 3 */
	nops = 0;
	ok(blkdev_write_pages(&recdev, 0, (const uint64_t[]){ (uint64_t)(uintptr_t)rec_disk }, 1) ==
			   0 &&
		   nops == 3 && op_is(0, 'w', 0, 3),
	   "fallback: page writes");
	ok(blkdev_flush(&recdev) == 0, "flush");
}

/* pcache_get_ahead: one scatter read for the stretch, stopping where the contract says. */
static void test_get_ahead(void)
{
	static struct blkdev short_dev = { .name = "short0",
					   .block_size = 512,
					   .nblocks = 8 * 6 + 3, /* 6 pages and a partial one */
					   .max_blocks = 1024,
					   .ops = &recv_ops };
	struct pcache_page *pgs[PCACHE_RUN_MAX], *pg;
	uint64_t free0 = page_stats()->free;
	ok(blkdev_register(&short_dev) == 0, "register");
	for (int i = 0; i < 7; i++)
		rec_disk[i * PAGE_SIZE] = (uint8_t)(0x90 + i);
	ok(pcache_get(&short_dev, 3, 0, &pg) == 0, "page 3 cached");
	pcache_put(pg);
	nops = 0;
	ok(pcache_get_ahead(&short_dev, 1, 8, pgs) == 2 && nops == 1 && op_is(0, 'R', 8, 2),
	   "pages 1-2 in one read, stopped at the cached page 3");
	ok(pgs[0]->pgno == 1 && pgs[1]->pins == 1 &&
		   ((uint8_t *)(uintptr_t)pgs[1]->frame)[0] == 0x92,
	   "pinned, right data");
	pcache_put(pgs[0]);
	pcache_put(pgs[1]);
	ok(pcache_get_ahead(&short_dev, 4, 8, pgs) == 2, "4-5: stops before the partial page 6");
	pcache_put(pgs[0]);
	pcache_put(pgs[1]);
	ok(pcache_get_ahead(&short_dev, 6, 8, pgs) == 0 &&
		   pcache_get_ahead(&short_dev, 7, 8, pgs) == 0,
	   "partial page and past the end: none");
	ok(pcache_drop_dev(&short_dev) == 0 && pcache_set_budget(2) == 0, "budget 2");
	ok(pcache_get(&short_dev, 0, 0, &pg) == 0, "one page in");
	ok(pcache_get_ahead(&short_dev, 1, 8, pgs) == 1, "room for one more only");
	pcache_put(pgs[0]);
	pcache_put(pg);
	ok(pcache_set_budget(0) == 0 && pcache_drop_dev(&short_dev) == 0, "drop");
	ok(page_stats()->free == free0, "no frame leaked");
}

/* A second mapping user: every hook sees every event; the pages' maps must be 0 after all of
 * them ran; per-device drop and sync leave other devices alone; sync is in block order. */
static int hook2_calls;
static void hook2(struct pcache_page *pg, enum pcache_hook_mode mode)
{
	(void)pg;
	(void)mode;
	hook2_calls++;
}
static bool leave_a_mapping;
static void hook3(struct pcache_page *pg, enum pcache_hook_mode mode)
{
	if (mode == PCACHE_HOOK_UNMAP && leave_a_mapping && pg->maps == 0)
		pcache_map_add(pg); /* claims it unmapped, but a PTE is left */
}
static struct pcache_hook h2 = { .name = "second", .fn = hook2 };
static struct pcache_hook h3 = { .name = "third", .fn = hook3 };

static void test_second_user(void)
{
	static jmp_buf jb;
	struct blkdev *bd = &rb.bd;
	struct pcache_page *pg, *other;
	const uint64_t order[3] = { 5, 2, 9 };
	volatile int caught = 0;
	ok(pcache_hook_register(&h2) == 0 && pcache_hook_register(&h2) == -EEXIST, "register");
	ok(pcache_hook_register(&(struct pcache_hook){ .name = "x" }) == -EINVAL, "no fn");
	ok(pcache_get(bd, 1, 0, &pg) == 0, "get");
	pcache_map_add(pg);
	pcache_mark_dirty(pg);
	hook2_calls = 0;
	ok(pcache_writeback(pg) == 0 && hook2_calls == 1, "both hooks see a write-protect");
	pcache_put(pg);
	ok(pcache_set_budget(1) == 0 && pcache_get(bd, 2, 0, &pg) == 0 && hook2_calls == 2 &&
		   !pcache_lookup(bd, 1),
	   "both hooks see an unmap");
	pcache_put(pg);
	ok(pcache_set_budget(0) == 0 && pcache_drop_unused() == 0, "empty");
	/* per device: drop and sync touch only bd */
	ok(pcache_get(&recdev, 3, 0, &other) == 0, "other device");
	pcache_mark_dirty(other);
	pcache_put(other);
	for (int i = 0; i < 3; i++) {
		ok(pcache_get(bd, order[i], 0, &pg) == 0, "get %lu", (unsigned long)order[i]);
		pcache_mark_dirty(pg);
		memset((void *)(uintptr_t)pg->frame, 0x70 + (int)order[i], PAGE_SIZE);
		pcache_put(pg);
	}
	nops = 0;
	ok(pcache_sync_dev(&recdev) == 0 && nops == 4 && op_is(0, 'w', 3 * 8, 3) &&
		   op_is(3, 'f', 0, 0) && !other->dirty && pcache_lookup(bd, 5)->dirty,
	   "sync_dev writes only its device, then flushes");
	ok(pcache_sync_dev(bd) == 0 && store[2 * PAGE_SIZE] == 0x72 &&
		   store[5 * PAGE_SIZE] == 0x75 && store[9 * PAGE_SIZE] == 0x79 &&
		   !pcache_lookup(bd, 9)->dirty,
	   "ramblk pages written");
	ok(pcache_drop_dev(bd) == 0 && !pcache_lookup(bd, 5) && pcache_lookup(&recdev, 3),
	   "drop_dev keeps other devices' pages");
	ok(pcache_drop_dev(&recdev) == 0 && pcache_stats()->pages == 0, "empty");
	/* block order: the LRU order was 5, 2, 9; the writes go out 2, 5, 9 */
	for (int i = 0; i < 3; i++) {
		ok(pcache_get(&recdev, order[i], 0, &pg) == 0, "get");
		pcache_mark_dirty(pg);
		pcache_put(pg);
	}
	nops = 0;
	ok(pcache_sync_dev(&recdev) == 0 && nops == 10 && op_is(0, 'w', 16, 3) &&
		   op_is(3, 'w', 40, 3) && op_is(6, 'w', 72, 3) && op_is(9, 'f', 0, 0),
	   "ascending block order, flush last (%d ops)", nops);
	ok(pcache_drop_dev(&recdev) == 0, "drop");
	/* a hook that leaves a mapping behind is a broken invariant */
	ok(pcache_hook_register(&h3) == 0, "third");
	ok(pcache_get(bd, 4, 0, &pg) == 0, "get");
	pcache_map_add(pg);
	pcache_put(pg);
	leave_a_mapping = true;
	host_panic_jmp = &jb;
	if (setjmp(jb) == 0)
		(void)(pcache_set_budget(1) + pcache_get(bd, 6, 0, &pg));
	else
		caught = 1;
	host_panic_jmp = NULL;
	leave_a_mapping = false;
	ok(caught && strstr(host_panic_msg, "still has 1 mappings") != NULL, "panic: %s",
	   host_panic_msg);
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
	ok(pcache_hook_register(&fake) == 0, "hook");
	test_blkdev();
	test_ramblk_init(); /* before test_bootarg leaves a (host-invalid) range configured */
	test_bootarg();
	test_refcounts();
	test_eviction_order();
	test_memory_pressure();
	test_partial_page();
	test_blkdev_contract();
	test_writeback_runs();
	test_get_ahead();
	test_second_user(); /* last: leaves a panicked cache behind */
	free(store);
	free(arena);
	TEST_DONE();
}
