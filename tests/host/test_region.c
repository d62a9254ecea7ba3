/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regions on the host: a fake page table (one entry per window page), fake frames from the
 * heap and a fake block device over a byte array. sim_read/sim_write play the MMU: they call
 * region_fault when the fake PTE is absent or read-only, then access the frame. Covers the
 * bookkeeping, error codes, range splits, lazy load, dirty-only write-back, shared/private
 * semantics, eviction, and a seeded model test against a plain byte array.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "boot/trap.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"
#include "mm/vm.h"
#include "tests/host/test.h"

#include "tests/host/fake_mm.h"

static int sim_read(uint64_t va)
{
	uint8_t v;
	int err = sim_access(va, false, &v);
	return err ? err : v;
}

static int sim_write(uint64_t va, uint8_t v)
{
	return sim_access(va, true, &v);
}

static struct blkdev dev = { .name = "fake0", .block_size = 512, .ops = &fd_ops };
static struct blkdev rodev = {
	.name = "ro0", .block_size = 512, .read_only = true, .ops = &fd_ops
};
static struct blkdev huge = { .name = "huge0", .block_size = 4096, .ops = &fd_ops };

static uint64_t A(void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static void *P(uint64_t va)
{
	return (void *)(uintptr_t)va;
}

static void reset_stats(void)
{
	memset(&dev.stats, 0, sizeof(dev.stats));
}

static bool console_has(const char *sub)
{
	size_t n = strlen(sub);
	for (const char *s = host_console; *s; s++)
		if (strncmp(s, sub, n) == 0)
			return true;
	return false;
}

static void test_map_errors(void)
{
	void *a = NULL, *b = NULL, *fixed;
	ok(region_map(NULL, 0, 4096, PROT_READ, MAP_SHARED, &a) == -EINVAL, "NULL dev");
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED, NULL) == -EINVAL, "NULL addr");
	ok(region_map(&dev, 0, 0, PROT_READ, MAP_SHARED, &a) == -EINVAL, "zero length");
	huge.block_size = 3000;
	huge.nblocks = 100;
	ok(region_map(&huge, 0, 4096, PROT_READ, MAP_SHARED, &a) == -EINVAL, "block size");
	huge.block_size = 4096;
	ok(region_map(&dev, 512, 4096, PROT_READ, MAP_SHARED, &a) == -EINVAL, "unaligned offset");
	ok(region_map(&dev, 0, 4096, 0, MAP_SHARED, &a) == -EINVAL, "no prot");
	ok(region_map(&dev, 0, 4096, PROT_WRITE, MAP_SHARED, &a) == -EINVAL, "write-only");
	ok(region_map(&dev, 0, 4096, PROT_READ | 8, MAP_SHARED, &a) == -EINVAL, "prot bits");
	ok(region_map(&dev, 0, 4096, PROT_READ, 0, &a) == -EINVAL, "no kind");
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED | MAP_PRIVATE, &a) == -EINVAL, "both");
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED | 64, &a) == -EINVAL, "flag bits");
	fixed = P(CONFIG_REGION_BASE + 100);
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, &fixed) == -EINVAL,
	   "unaligned fixed");
	fixed = P(CONFIG_REGION_BASE - PAGE_SIZE);
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, &fixed) == -EINVAL,
	   "fixed below window");
	fixed = P(CONFIG_REGION_BASE + CONFIG_REGION_SIZE - PAGE_SIZE);
	ok(region_map(&dev, 0, 8192, PROT_READ, MAP_SHARED | MAP_FIXED, &fixed) == -EINVAL,
	   "fixed past window end");
	ok(region_map(&dev, DISK_BYTES, 4096, PROT_READ, MAP_SHARED, &a) == -ERANGE, "past end");
	ok(region_map(&dev, DISK_BYTES - 4096, 4097, PROT_READ, MAP_SHARED, &a) == -ERANGE,
	   "one byte past end");
	ok(region_map(&dev, 0, UINT64_MAX, PROT_READ, MAP_SHARED, &a) == -ERANGE, "wrap");
	ok(region_map(&rodev, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == -EROFS, "rofs");
	ok(region_map(&rodev, 0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, &a) == 0,
	   "private write map of a read-only device");
	ok(region_unmap(a, 4096) == 0, "unmap");
	ok(region_stats()->regions == 0, "regions left: %u", region_stats()->regions);
	/* address allocation: lowest first, a guard page between regions */
	ok(region_map(&dev, 0, 3 * 4096, PROT_READ, MAP_SHARED, &a) == 0, "map a");
	ok(A(a) == CONFIG_REGION_BASE, "a at %lx", (unsigned long)A(a));
	ok(region_map(&dev, 0, 100, PROT_READ, MAP_SHARED, &b) == 0, "map b");
	ok(A(b) == CONFIG_REGION_BASE + 4 * PAGE_SIZE, "b at %lx", (unsigned long)A(b));
	fixed = P(CONFIG_REGION_BASE + 2 * PAGE_SIZE);
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, &fixed) == -EEXIST,
	   "fixed overlap");
	fixed = P(CONFIG_REGION_BASE + 3 * PAGE_SIZE);
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED | MAP_FIXED, &fixed) == 0,
	   "fixed in the guard gap");
	ok(region_stats()->regions == 3, "3 regions");
	ok(region_unmap(fixed, 4096) == 0 && region_unmap(b, 1) == 0, "unmap b, fixed");
	ok(region_unmap(a, 3 * 4096) == 0, "unmap a");
	/* window exhaustion: a 768 MiB device mapped twice does not fit in 1 GiB */
	huge.nblocks = (768ull << 20) / 4096;
	ok(region_map(&huge, 0, 768ull << 20, PROT_READ, MAP_PRIVATE, &a) == 0, "huge");
	ok(region_map(&huge, 0, 768ull << 20, PROT_READ, MAP_PRIVATE, &b) == -ENOMEM, "window");
	ok(region_unmap(a, 768ull << 20) == 0, "unmap huge");
	/* region table exhaustion */
	{
		void *r[REGION_MAX];
		int n = 1, err = 0;
		ok(region_map(&dev, 0, 3 * 4096, PROT_READ, MAP_SHARED, &r[0]) == 0, "3 pages");
		while (n < REGION_MAX &&
		       (err = region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED, &r[n])) == 0)
			n++;
		ok(n == REGION_MAX &&
			   region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED, &a) == -ENOSPC,
		   "table: %d err %d", n, err);
		ok(region_protect(P(A(r[0]) + 4096), 4096, PROT_READ | PROT_WRITE) == -ENOSPC,
		   "protect split without a slot");
		ok(region_unmap(P(A(r[0]) + 4096), 4096) == -ENOSPC, "unmap split without a slot");
		ok(region_unmap(P(A(r[0]) + 2 * 4096), 4096) == 0, "unmap tail needs no slot");
		ok(region_unmap(r[0], 4096) == 0, "unmap head needs no slot");
		ok(region_unmap(P(A(r[0]) + 4096), 4096) == 0, "unmap the rest");
		for (int i = 1; i < n; i++)
			region_unmap(r[i], 4096);
	}
	ok(region_stats()->regions == 0, "regions left: %u", region_stats()->regions);
}

static void test_range_ops(void)
{
	void *a, *ro;
	uint64_t va;
	char want[48];
	ok(region_map(&dev, 0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "map");
	va = A(a);
	ok(region_sync(P(va + 1), 4096) == -EINVAL, "sync unaligned");
	ok(region_sync(a, 0) == -EINVAL, "sync zero");
	ok(region_sync(P(va + 8 * 4096), 4096) == -ENOENT, "sync beyond");
	ok(region_sync(a, 9 * 4096) == -ENOENT, "sync past end");
	ok(region_unmap(P(va + 3), 4096) == -EINVAL, "unmap unaligned");
	ok(region_protect(a, 4096, PROT_WRITE) == -EINVAL, "protect prot");
	ok(region_protect(P(va - 4096), 8192, PROT_READ) == -ENOENT, "protect before");
	/* split by protect, merged back */
	ok(sim_write(va + 2 * 4096, 1) == 0 && sim_write(va + 3 * 4096, 2) == 0, "write");
	ok(region_protect(P(va + 2 * 4096), 2 * 4096, PROT_READ) == 0, "protect middle");
	ok(region_stats()->regions == 3, "split into %u", region_stats()->regions);
	ok(!(fake_pte(va + 2 * 4096)->prot & VM_W), "PTE write-protected");
	host_console_clear();
	ok(sim_write(va + 2 * 4096, 5) == -EACCES, "write to read-only part");
	ksnprintf(want, sizeof(want), "write fault at %lx", (unsigned long)(va + 2 * 4096));
	ok(console_has("read-only") && console_has(want), "report: %s", host_console);
	ok(sim_read(va + 3 * 4096) == 2, "read-only part readable");
	ok(sim_write(va + 4 * 4096, 7) == 0, "after the read-only part");
	ok(region_protect(a, 8 * 4096, PROT_READ | PROT_WRITE) == 0, "protect all");
	ok(region_stats()->regions == 1, "merged into %u", region_stats()->regions);
	ok(sim_write(va + 2 * 4096, 5) == 0, "writable again");
	/* unmap a hole: faults there are outside any region; ranges over the hole fail */
	ok(region_unmap(P(va + 4096), 4096) == 0, "unmap page 1");
	ok(region_stats()->regions == 2, "regions %u", region_stats()->regions);
	ok(disk[2 * 4096] != 5 && disk[4 * 4096] != 7, "unmapping page 1 wrote other pages");
	host_console_clear();
	ok(sim_read(va + 4096) == -EFAULT && console_has("outside any region"), "hole fault");
	ok(region_sync(a, 8 * 4096) == -ENOENT, "sync over hole");
	ok(region_unmap(a, 8 * 4096) == -ENOENT, "unmap over hole");
	ok(region_unmap(a, 4096) == 0 && region_unmap(P(va + 2 * 4096), 6 * 4096) == 0,
	   "unmap rest");
	ok(region_stats()->regions == 0, "regions %u", region_stats()->regions);
	ok(disk[2 * 4096] == 5 && disk[3 * 4096] == 2 && disk[4 * 4096] == 7, "written back");
	/* protect over a read-only device */
	ok(region_map(&rodev, 0, 4096, PROT_READ, MAP_SHARED, &ro) == 0, "ro map");
	ok(region_protect(ro, 4096, PROT_READ | PROT_WRITE) == -EROFS, "protect rofs");
	ok(region_unmap(ro, 4096) == 0, "ro unmap");
	/* exec faults are always refused */
	ok(region_map(&dev, 0, 4096, PROT_READ, MAP_SHARED, &a) == 0, "map");
	ok(region_fault(A(a), FAULT_EXEC) == -EACCES, "exec");
	ok(region_unmap(a, 4096) == 0, "unmap");
}

static void test_lazy_and_dirty(void)
{
	void *a;
	uint64_t va;
	const struct region_stats *rs = region_stats();
	uint64_t ra0 = rs->readahead, w0;
	for (size_t i = 0; i < DISK_BYTES; i++)
		disk[i] = (uint8_t)(i * 7 + i / 4096);
	reset_stats();
	ok(region_map(&dev, 4 * 4096, 16 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0,
	   "map");
	va = A(a);
	ok(dev.stats.reads == 0 && ptes_live == 0, "read at map time");
	/* a fault in the middle is not sequential: one page */
	ok(sim_read(va + 5 * 4096 + 3) == disk[9 * 4096 + 3], "read middle");
	ok(dev.stats.blocks_read == 8 && rs->readahead == ra0, "blocks %lu",
	   (unsigned long)dev.stats.blocks_read);
	ok(fake_pte(va + 5 * 4096)->prot == VM_R, "mapped read-only");
	/* the next page is sequential: read-ahead maps the following pages too */
	ok(sim_read(va + 6 * 4096) == disk[10 * 4096], "read next");
	ok(rs->readahead == ra0 + CONFIG_REGION_READAHEAD, "read-ahead %lu",
	   (unsigned long)(rs->readahead - ra0));
	ok(fake_pte(va + (6 + CONFIG_REGION_READAHEAD) * 4096)->pa != 0, "read-ahead mapped");
	ok(fake_pte(va + (7 + CONFIG_REGION_READAHEAD) * 4096)->pa == 0, "beyond read-ahead");
	/* first write: second fault marks dirty and maps writable */
	w0 = rs->faults_write;
	ok(sim_write(va + 5 * 4096, 0xaa) == 0 && rs->faults_write == w0 + 1, "write fault");
	ok(fake_pte(va + 5 * 4096)->prot == (VM_R | VM_W), "writable");
	ok(sim_write(va + 5 * 4096 + 1, 0xbb) == 0 && rs->faults_write == w0 + 1, "no 2nd fault");
	ok(sim_write(va + 15 * 4096, 0xcc) == 0, "write to an absent page");
	ok(disk[9 * 4096] != 0xaa, "written through before sync");
	reset_stats();
	ok(region_sync(a, 16 * 4096) == 0, "sync");
	ok(dev.stats.writes == 2 && dev.stats.blocks_written == 16, "dirty-only: %lu writes",
	   (unsigned long)dev.stats.writes);
	ok(disk[9 * 4096] == 0xaa && disk[9 * 4096 + 1] == 0xbb && disk[19 * 4096] == 0xcc,
	   "data written");
	ok(fake_pte(va + 5 * 4096)->prot == VM_R && fake_pte(va + 15 * 4096)->prot == VM_R,
	   "write-protected after sync");
	ok(region_sync(a, 16 * 4096) == 0 && dev.stats.writes == 2, "nothing dirty: no write");
	ok(sim_write(va + 5 * 4096, 0xdd) == 0 && rs->faults_write == w0 + 3, "dirty again");
	ok(region_unmap(a, 16 * 4096) == 0 && disk[9 * 4096] == 0xdd, "unmap wrote back");
	ok(ptes_live == 0, "PTEs left %ld", ptes_live);
}

static void test_shared_private(void)
{
	void *s1, *s2, *pv;
	uint64_t f0;
	const struct region_stats *rs = region_stats();
	memset(disk, 0x11, DISK_BYTES);
	pcache_drop_unused();
	f0 = (uint64_t)frames_live;
	ok(region_map(&dev, 0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &s1) == 0, "s1");
	ok(region_map(&dev, 4096, 2 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &s2) == 0, "s2");
	ok(region_map(&dev, 0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, &pv) == 0, "pv");
	ok(sim_write(A(s1) + 4096 + 10, 0x42) == 0, "write s1");
	ok(sim_read(A(s2) + 10) == 0x42, "s2 sees s1's write");
	ok(fake_pte(A(s1) + 4096)->pa == fake_pte(A(s2))->pa, "one frame");
	ok(sim_write(A(s2) + 11, 0x43) == 0 && sim_read(A(s1) + 4096 + 11) == 0x43, "s1 sees s2");
	ok(sim_read(A(pv) + 4096 + 10) == 0x42, "private sees shared before its own write");
	ok(sim_write(A(pv) + 4096 + 12, 0x99) == 0 && rs->faults_cow >= 1, "private write");
	ok(fake_pte(A(pv) + 4096)->pa != fake_pte(A(s1) + 4096)->pa, "private copy");
	ok(sim_read(A(s1) + 4096 + 12) == 0x11, "shared does not see private");
	ok(sim_write(A(s1) + 4096 + 10, 0x55) == 0 && sim_read(A(pv) + 4096 + 10) == 0x42,
	   "private copy is a snapshot");
	/* a private copy made read-only and writable again keeps its data */
	ok(region_protect(pv, 4 * 4096, PROT_READ) == 0 && sim_write(A(pv) + 4096, 1) == -EACCES,
	   "private read-only");
	ok(region_protect(pv, 4 * 4096, PROT_READ | PROT_WRITE) == 0 &&
		   sim_write(A(pv) + 4096, 1) == 0 && sim_read(A(pv) + 4096 + 12) == 0x99,
	   "private writable again");
	ok(region_sync(pv, 4 * 4096) == 0 && disk[4096 + 12] == 0x11, "private never synced");
	/* write-back of a page mapped in two shared regions protects both */
	ok(region_sync(s2, 4096) == 0, "sync s2");
	ok(disk[4096 + 10] == 0x55 && disk[4096 + 11] == 0x43, "synced through s2");
	ok(fake_pte(A(s1) + 4096)->prot == VM_R && fake_pte(A(s2))->prot == VM_R, "both RO");
	ok(region_unmap(pv, 4 * 4096) == 0 && rs->private_pages == 0, "private freed");
	ok(disk[4096] == 0x11, "private unmap wrote nothing");
	ok(region_unmap(s1, 4 * 4096) == 0 && region_unmap(s2, 2 * 4096) == 0, "unmap shared");
	ok(pcache_drop_unused() == 0 && (uint64_t)frames_live == f0, "frames %ld, expected %lu",
	   frames_live, (unsigned long)f0);
}

static void test_eviction(void)
{
	void *a, *b;
	const struct pcache_stats *ps = pcache_stats();
	uint64_t em = ps->evict_mapped, ed = ps->evict_dirty;
	memset(disk, 0, DISK_BYTES);
	ok(pcache_set_budget(2) == 0, "budget");
	ok(region_map(&dev, 0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "a");
	ok(region_map(&dev, 0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &b) == 0, "b");
	for (int i = 0; i < 8; i++)
		ok(sim_write(A(a) + i * 4096 + i, (uint8_t)(0x30 + i)) == 0, "write %d", i);
	ok(ps->pages <= 2, "cache holds %u pages", ps->pages);
	ok(ps->evict_dirty - ed >= 6 && ps->evict_mapped - em >= 6, "evictions");
	ok(disk[4096 + 1] == 0x31, "evicted dirty page written back");
	for (int i = 0; i < 8; i++)
		ok(sim_read(A(b) + i * 4096 + i) == 0x30 + i, "read back %d", i);
	for (int i = 0; i < 8; i++)
		ok(sim_read(A(a) + i * 4096 + i) == 0x30 + i, "read back via a %d", i);
	ok(ptes_live <= 4, "evicted pages unmapped in both regions: %ld PTEs", ptes_live);
	/* memory pressure without a budget: page_alloc failing evicts */
	ok(pcache_set_budget(0) == 0, "no budget");
	frames_limit = frames_live + 3;
	for (int i = 0; i < 8; i++)
		ok(sim_write(A(a) + i * 4096 + 100, (uint8_t)i) == 0, "pressure write %d", i);
	for (int i = 0; i < 8; i++)
		ok(sim_read(A(b) + i * 4096 + 100) == i, "pressure read %d", i);
	frames_limit = -1;
	ok(region_unmap(a, 8 * 4096) == 0 && region_unmap(b, 8 * 4096) == 0, "unmap");
	ok(disk[7 * 4096 + 7] == 0x37 && disk[7 * 4096 + 100] == 7, "all on disk");
	ok(pcache_drop_unused() == 0 && frames_live == 0, "frames %ld", frames_live);
}

/*
 * region_sync returns 0 only when what was written is durable: the flush comes after the last
 * write, also when the cache had already written a dirty page on its own (eviction) so that
 * the sync itself finds nothing dirty; a failed flush fails the sync; a clean sync sends none.
 */
static void test_durable_sync(void)
{
	void *a;
	uint64_t f0;
	memset(disk, 0, DISK_BYTES);
	ok(pcache_set_budget(1) == 0, "budget");
	ok(region_map(&dev, 0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "map");
	ok(sim_write(A(a) + 5, 0x55) == 0 && sim_write(A(a) + 4096 + 6, 0x66) == 0, "writes");
	ok(disk[5] == 0x55 && pcache_stats()->dirty == 1, "page 0 evicted, written, not synced");
	ok(region_sync(a, 4096) == 0, "sync page 0 (nothing dirty there now)");
	ok(fd_writes_at_flush == fd_writes,
	   "the eviction's write was flushed by the sync "
	   "(%lu writes, %lu before the last flush)",
	   (unsigned long)fd_writes, (unsigned long)fd_writes_at_flush);
	f0 = fd_flushes;
	ok(region_sync(a, 4096) == 0 && fd_flushes == f0, "clean sync: no flush sent");
	ok(region_sync(a, 4 * 4096) == 0 && disk[4096 + 6] == 0x66 && fd_flushes == f0 + 1 &&
		   fd_writes_at_flush == fd_writes,
	   "write then flush");
	ok(sim_write(A(a) + 7, 0x77) == 0, "dirty again");
	fail_flushes = 1;
	ok(region_sync(a, 4096) == -EIO, "a failed flush fails the sync");
	ok(region_unmap(a, 4 * 4096) == -EIO, "and the unmap, which keeps the region");
	fail_flushes = 0;
	ok(region_sync(a, 4096) == 0 && fd_writes_at_flush == fd_writes, "retried: flushed");
	ok(region_unmap(a, 4 * 4096) == 0 && pcache_set_budget(0) == 0, "unmap");
	ok(pcache_drop_unused() == 0, "drop");
}

/* Consecutive dirty pages go out as one scatter-list write; a failed run stays dirty. */
static void test_sync_runs(void)
{
	static const int dirty[] = { 0, 1, 2, 3, 4, 5, 8, 10, 11 };
	const struct pcache_stats *ps = pcache_stats();
	uint64_t runs, writes;
	void *a;
	memset(disk, 0, DISK_BYTES);
	ok(region_map(&dev, 0, 16 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "map");
	for (size_t i = 0; i < sizeof(dirty) / sizeof(dirty[0]); i++)
		ok(sim_write(A(a) + dirty[i] * 4096 + 9, (uint8_t)(0x40 + dirty[i])) == 0, "w");
	runs = fd_page_runs;
	writes = fd_writes;
	fail_writes = 1;
	ok(region_sync(a, 16 * 4096) == -EIO && ps->dirty == 9, "failed: all still dirty");
	fail_writes = 0;
	ok(fd_page_runs == runs && fd_writes == writes, "nothing counted as written");
	ok(region_sync(a, 16 * 4096) == 0 && ps->dirty == 0, "sync");
	ok(fd_page_runs == runs + 2 && fd_writes == writes + 3,
	   "runs 0-5 and 10-11 as scatter writes, page 8 alone: %lu runs, %lu writes",
	   (unsigned long)(fd_page_runs - runs), (unsigned long)(fd_writes - writes));
	for (size_t i = 0; i < sizeof(dirty) / sizeof(dirty[0]); i++)
		ok(disk[dirty[i] * 4096 + 9] == 0x40 + dirty[i], "page %d on disk", dirty[i]);
	ok(sim_write(A(a) + 2 * 4096, 1) == 0, "write after sync faults again (write-protected)");
	ok(region_unmap(a, 16 * 4096) == 0 && pcache_drop_unused() == 0, "unmap");
}

/* Read-ahead loads each stretch of uncached pages with one scatter read; cached pages in the
 * way are mapped as they are and split the stretch. */
static void test_readahead_runs(void)
{
	const struct region_stats *rs = region_stats();
	uint64_t runs, ra;
	long frames0;
	void *a, *b;
	for (int i = 0; i < 16; i++)
		disk[i * 4096] = (uint8_t)(0x80 + i);
	ok(region_map(&dev, 0, 16 * 4096, PROT_READ, MAP_SHARED, &a) == 0, "map");
	ok(region_map(&dev, 5 * 4096, 4096, PROT_READ, MAP_SHARED, &b) == 0, "map page 5 alone");
	ok(sim_read(A(b)) == 0x85, "page 5 cached through b");
	runs = fd_read_runs;
	ra = rs->readahead;
	ok(sim_read(A(a)) == 0x80, "page 0");
	ok(rs->readahead == ra + 8 && fd_read_runs == runs + 2,
	   "pages 1-4 and 6-8 in two reads, page 5 from the cache: %lu pages, %lu reads",
	   (unsigned long)(rs->readahead - ra), (unsigned long)(fd_read_runs - runs));
	ok(sim_read(A(a) + 9 * 4096) == 0x89 && fd_read_runs == runs + 3 &&
		   rs->readahead == ra + 8 + 6,
	   "page 9, then 10-15 (the region's end) in one read");
	for (int i = 0; i < 16; i++)
		ok(sim_read(A(a) + i * 4096) == 0x80 + i, "page %d", i);
	ok(region_unmap(a, 16 * 4096) == 0 && region_unmap(b, 4096) == 0, "unmap");
	ok(pcache_drop_unused() == 0, "drop");
	/* a failing read-ahead loads nothing and leaks nothing; the fault itself still works */
	frames0 = frames_live;
	ok(region_map(&dev, 0, 16 * 4096, PROT_READ, MAP_SHARED, &a) == 0, "map again");
	ra = rs->readahead;
	fail_read_runs = 1;
	ok(sim_read(A(a)) == 0x80 && rs->readahead == ra && frames_live == frames0 + 1,
	   "read-ahead failed: only page 0 loaded (%ld frames)", frames_live - frames0);
	fail_read_runs = 0;
	ok(sim_read(A(a) + 4096) == 0x81, "page 1 faults in");
	ok(region_unmap(a, 16 * 4096) == 0 && pcache_drop_unused() == 0 && frames_live == frames0,
	   "unmap, nothing leaked");
}

static void test_errors_partial(void)
{
	void *a;
	struct blkdev small = { .name = "small", .block_size = 512, .nblocks = 9, .ops = &fd_ops };
	memset(disk, 0x77, DISK_BYTES);
	/* read error: the fault fails, reported */
	ok(region_map(&dev, 0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "map");
	fail_reads = 1;
	host_console_clear();
	ok(sim_read(A(a)) == -EIO && console_has("cannot load"), "read error");
	fail_reads = 0;
	ok(sim_write(A(a), 1) == 0, "write");
	fail_writes = 1;
	ok(region_unmap(a, 4096) == -EIO && region_stats()->regions == 1, "unmap kept on error");
	ok(sim_read(A(a)) == 1, "data kept");
	fail_writes = 0;
	ok(region_unmap(a, 4096) == 0 && disk[0] == 1, "unmap after error");
	/* a device of 9 blocks: page 1 holds one block, the rest reads zero and is not written */
	ok(region_map(&small, 0, 4608, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "small");
	ok(sim_read(A(a) + 4096 + 511) == 0x77 && sim_read(A(a) + 4096 + 512) == 0, "tail zero");
	ok(sim_write(A(a) + 4096 + 600, 9) == 0 && sim_write(A(a) + 4096 + 5, 8) == 0, "write");
	memset(&small.stats, 0, sizeof(small.stats));
	ok(region_unmap(a, 4608) == 0 && small.stats.blocks_written == 1, "one block written");
	ok(disk[4096 + 5] == 8 && disk[4096 + 600] == 0x77, "only the device's bytes");
	ok(pcache_drop_unused() == 0 && frames_live == 0, "frames %ld", frames_live);
}

/* ---- model test: random operations against a byte array mirroring the store ---- */
#define MODEL_REGIONS 6
struct mregion {
	void *addr;
	uint64_t pg, npages; /* device page of addr, length */
	bool shared, writable;
	uint8_t *priv; /* private: contents of copied pages */
	bool *copied;  /* private: page has its own copy */
};
static struct mregion mr[MODEL_REGIONS];
static uint8_t logical[DISK_BYTES]; /* what a shared reader must see */
static uint64_t rng = 0x9e3779b97f4a7c15ull;
static int model_bad;

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

static int expected(const struct mregion *m, uint64_t off)
{
	uint64_t p = off / PAGE_SIZE;
	if (!m->shared && m->copied[p])
		return m->priv[off];
	return logical[m->pg * PAGE_SIZE + off];
}

static void model_check_disk(uint64_t pg, uint64_t n)
{
	if (memcmp(disk + pg * PAGE_SIZE, logical + pg * PAGE_SIZE, n * PAGE_SIZE)) {
		model_bad++;
		ok(0, "disk differs in pages %lu+%lu", (unsigned long)pg, (unsigned long)n);
	}
}

static void model_map(struct mregion *m)
{
	uint64_t pg = rnd(DISK_PAGES), n = 1 + rnd(12);
	if (pg + n > DISK_PAGES)
		n = DISK_PAGES - pg;
	m->shared = rnd(3) != 0;
	m->writable = rnd(5) != 0;
	m->pg = pg;
	m->npages = n;
	if (region_map(&dev, pg * PAGE_SIZE, n * PAGE_SIZE,
		       PROT_READ | (m->writable ? PROT_WRITE : 0),
		       m->shared ? MAP_SHARED : MAP_PRIVATE, &m->addr)) {
		model_bad++;
		ok(0, "model map");
		m->addr = NULL;
		return;
	}
	m->priv = calloc(n, PAGE_SIZE);
	m->copied = calloc(n, sizeof(bool));
}

static void model_write(struct mregion *m)
{
	uint64_t off = rnd(m->npages * PAGE_SIZE), p = off / PAGE_SIZE;
	uint8_t v = (uint8_t)rnd(256);
	int err = sim_write(A(m->addr) + off, v);
	if (!m->writable) {
		if (err != -EACCES) {
			model_bad++;
			ok(0, "write to read-only region: %d", err);
		}
		return;
	}
	if (err) {
		model_bad++;
		ok(0, "model write %d", err);
		return;
	}
	if (m->shared) {
		logical[m->pg * PAGE_SIZE + off] = v;
		return;
	}
	if (!m->copied[p]) {
		memcpy(m->priv + p * PAGE_SIZE, logical + (m->pg + p) * PAGE_SIZE, PAGE_SIZE);
		m->copied[p] = true;
	}
	m->priv[off] = v;
}

static void model_read(const struct mregion *m)
{
	uint64_t off = rnd(m->npages * PAGE_SIZE);
	int v = sim_read(A(m->addr) + off);
	if (v != expected(m, off)) {
		model_bad++;
		ok(0, "read %lx: %d, expected %d", (unsigned long)off, v, expected(m, off));
	}
}

static void model_unmap(struct mregion *m)
{
	/* sometimes only the first or the last pages */
	uint64_t k = m->npages > 1 && rnd(3) == 0 ? 1 + rnd(m->npages - 1) : m->npages;
	bool head = rnd(2);
	uint64_t first = head ? 0 : m->npages - k;
	if (region_unmap(P(A(m->addr) + first * PAGE_SIZE), k * PAGE_SIZE)) {
		model_bad++;
		ok(0, "model unmap");
	}
	if (m->shared)
		model_check_disk(m->pg + first, k);
	if (k == m->npages) {
		free(m->priv);
		free(m->copied);
		memset(m, 0, sizeof(*m));
		return;
	}
	if (head) {
		memmove(m->priv, m->priv + k * PAGE_SIZE, (m->npages - k) * PAGE_SIZE);
		memmove(m->copied, m->copied + k, m->npages - k);
		m->addr = P(A(m->addr) + k * PAGE_SIZE);
		m->pg += k;
	}
	m->npages -= k;
}

static void model_op(void)
{
	struct mregion *m = &mr[rnd(MODEL_REGIONS)];
	unsigned op = (unsigned)rnd(100);
	if (!m->addr) {
		model_map(m);
		return;
	}
	if (op < 40) {
		model_write(m);
	} else if (op < 80) {
		model_read(m);
	} else if (op < 88) {
		if (region_sync(m->addr, m->npages * PAGE_SIZE)) {
			model_bad++;
			ok(0, "model sync");
		}
		if (m->shared)
			model_check_disk(m->pg, m->npages);
	} else if (op < 94) {
		bool w = rnd(4) != 0;
		if (region_protect(m->addr, m->npages * PAGE_SIZE,
				   PROT_READ | (w ? PROT_WRITE : 0)) == 0)
			m->writable = w;
		else
			ok(0, "model protect");
	} else {
		model_unmap(m);
	}
}

static void model_run(uint32_t budget, int ops)
{
	int failed0 = test_failed;
	for (size_t i = 0; i < DISK_BYTES; i++)
		disk[i] = logical[i] = (uint8_t)rnd(256);
	ok(pcache_set_budget(budget) == 0, "budget %u", budget);
	model_bad = 0;
	for (int i = 0; i < ops && model_bad < 5; i++) {
		model_op();
		if (host_console_len > sizeof(host_console) / 2)
			host_console_clear(); /* refused writes are reported: keep room */
	}
	for (int i = 0; i < MODEL_REGIONS; i++) {
		if (!mr[i].addr)
			continue;
		ok(region_unmap(mr[i].addr, mr[i].npages * PAGE_SIZE) == 0, "final unmap");
		free(mr[i].priv);
		free(mr[i].copied);
		memset(&mr[i], 0, sizeof(mr[i]));
	}
	model_check_disk(0, DISK_PAGES);
	ok(region_stats()->regions == 0 && region_stats()->private_pages == 0, "left over");
	ok(pcache_drop_unused() == 0 && frames_live == 0 && ptes_live == 0,
	   "leak: %ld frames, %ld PTEs", frames_live, ptes_live);
	ok(test_failed == failed0, "model budget %u failed", budget);
	pcache_set_budget(0);
}

int main(void)
{
	ptes = calloc(FAKE_PAGES, sizeof(*ptes));
	disk = calloc(1, DISK_BYTES);
	dev.nblocks = DISK_BYTES / 512;
	rodev.nblocks = DISK_BYTES / 512;
	test_map_errors();
	test_range_ops();
	test_lazy_and_dirty();
	test_shared_private();
	test_eviction();
	test_durable_sync();
	test_sync_runs();
	test_readahead_runs();
	test_errors_partial();
	model_run(0, 20000);
	model_run(3, 20000);
	model_run(1, 5000);
	ok(frames_live == 0, "frames leaked: %ld", frames_live);
	host_console_clear();
	region_dump();
	region_stats_print();
	free(ptes);
	free(disk);
	TEST_DONE();
}
