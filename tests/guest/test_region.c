/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Guest tests for regions over a RAM block store: real page faults through the trap handler.
 * Each test uses its own small store (contiguous frames, not registered) so the block counters
 * start at zero and the boot store's users are undisturbed; counters are compared as deltas.
 */
#include <stdint.h>
#include "boot/trap.h"
#include "drivers/ramblk.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"
#include "mm/vm.h"
#include "tests/guest/gtest.h"

#define STORE_PAGES 32
#define STORE_BYTES (STORE_PAGES * PAGE_SIZE)

static struct ramblk rb;
static uint8_t *mem; /* the store's backing RAM, read directly to see what reached it */

static struct blkdev *store_open(bool read_only)
{
	mem = (uint8_t *)(uintptr_t)page_alloc_contig(STORE_PAGES, PAGE_SIZE);
	if (!mem)
		return NULL;
	for (size_t i = 0; i < STORE_BYTES; i++)
		mem[i] = (uint8_t)(i / PAGE_SIZE + 1); /* page k holds k + 1 */
	if (ramblk_setup(&rb, "gtest", mem, STORE_BYTES, read_only))
		return NULL;
	return &rb.bd;
}

/* Everything mapped must be gone: drop the cache's pages of this store, then the store. */
static void store_close(void)
{
	ok(pcache_drop_unused() == 0, "drop_unused");
	page_free_contig((uint64_t)(uintptr_t)mem, STORE_PAGES);
}

static volatile uint8_t *V(void *a, size_t off)
{
	return (volatile uint8_t *)a + off;
}

/*
 * Region accesses for tests. The compiler cannot see that an access may fault and change the
 * counters the next line checks, so each access sits between compiler barriers.
 */
static uint8_t rd(void *a, size_t off)
{
	uint8_t v;
	__asm__ volatile("" ::: "memory");
	v = *V(a, off);
	__asm__ volatile("" ::: "memory");
	return v;
}

static void wr(void *a, size_t off, uint8_t v)
{
	__asm__ volatile("" ::: "memory");
	*V(a, off) = v;
	__asm__ volatile("" ::: "memory");
}

static void *AT(void *a, size_t off)
{
	return (uint8_t *)a + off;
}

GTEST(region_lazy_load)
{
	struct blkdev *bd = store_open(false);
	void *a;
	ok(bd != NULL, "store");
	if (!bd)
		return;
	ok(region_map(bd, 0, STORE_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "map");
	ok(bd->stats.reads == 0, "read at map time: %lu", (unsigned long)bd->stats.reads);
	ok(vm_lookup((uint64_t)(uintptr_t)a, NULL) == 0, "mapped before touch");
	/* page 5 first: not sequential, exactly one page read */
	ok(rd(a, 5 * PAGE_SIZE + 9) == 6, "page 5 data");
	ok(bd->stats.blocks_read == PAGE_SIZE / 512, "blocks read %lu",
	   (unsigned long)bd->stats.blocks_read);
	/* page 6 next: sequential, read-ahead */
	ok(rd(a, 6 * PAGE_SIZE) == 7, "page 6 data");
	ok(bd->stats.blocks_read == (2 + CONFIG_REGION_READAHEAD) * PAGE_SIZE / 512,
	   "read-ahead: %lu blocks", (unsigned long)bd->stats.blocks_read);
	ok(region_unmap(a, STORE_BYTES) == 0, "unmap");
	ok(bd->stats.writes == 0, "clean pages written");
	store_close();
}

GTEST(region_dirty_only_writeback)
{
	struct blkdev *bd = store_open(false);
	const struct region_stats *rs = region_stats();
	uint64_t wf;
	void *a;
	if (!bd)
		return;
	ok(region_map(bd, 4 * PAGE_SIZE, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &a) ==
		   0,
	   "map");
	for (int i = 0; i < 8; i++)
		(void)rd(a, i * PAGE_SIZE); /* all resident, clean */
	wf = rs->faults_write;
	wr(a, 1 * PAGE_SIZE + 3, 0xa1);
	wr(a, 6 * PAGE_SIZE + 4, 0xa6);
	wr(a, 6 * PAGE_SIZE + 5, 0xa7);
	ok(rs->faults_write == wf + 2, "write faults %lu", (unsigned long)(rs->faults_write - wf));
	ok(mem[5 * PAGE_SIZE + 3] == 6, "store changed before sync");
	ok(region_sync(a, 8 * PAGE_SIZE) == 0, "sync");
	ok(bd->stats.writes == 2 && bd->stats.blocks_written == 2 * PAGE_SIZE / 512,
	   "dirty only: %lu writes", (unsigned long)bd->stats.writes);
	ok(mem[5 * PAGE_SIZE + 3] == 0xa1 && mem[10 * PAGE_SIZE + 5] == 0xa7, "store updated");
	ok(region_sync(a, 8 * PAGE_SIZE) == 0 && bd->stats.writes == 2, "second sync wrote");
	wr(a, 1 * PAGE_SIZE + 3, 0xb1);
	ok(rs->faults_write == wf + 3, "write after sync did not fault (not write-protected)");
	ok(region_unmap(a, 8 * PAGE_SIZE) == 0, "unmap");
	ok(mem[5 * PAGE_SIZE + 3] == 0xb1 && bd->stats.writes == 3, "unmap wrote back");
	store_close();
}

GTEST(region_shared_private)
{
	struct blkdev *bd = store_open(false);
	void *s1, *s2, *p;
	if (!bd)
		return;
	ok(region_map(bd, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &s1) == 0, "s1");
	ok(region_map(bd, 2 * PAGE_SIZE, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &s2) ==
		   0,
	   "s2");
	ok(region_map(bd, 0, 4 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, &p) == 0, "p");
	wr(s1, 2 * PAGE_SIZE + 1, 0x51);
	ok(rd(s2, 1) == 0x51, "s2 sees s1");
	wr(s2, 2, 0x52);
	ok(rd(s1, 2 * PAGE_SIZE + 2) == 0x52, "s1 sees s2");
	ok(vm_lookup((uint64_t)(uintptr_t)s1 + 2 * PAGE_SIZE, NULL) ==
		   vm_lookup((uint64_t)(uintptr_t)s2, NULL),
	   "shared frame");
	ok(rd(p, 2 * PAGE_SIZE + 1) == 0x51, "private reads the shared page");
	wr(p, 2 * PAGE_SIZE + 1, 0x99);
	ok(rd(s1, 2 * PAGE_SIZE + 1) == 0x51, "private write leaked into shared");
	ok(region_stats()->faults_cow > 0, "no copy-on-write counted");
	ok(region_unmap(p, 4 * PAGE_SIZE) == 0, "unmap private");
	ok(mem[2 * PAGE_SIZE + 1] == 3, "private reached the store");
	ok(region_unmap(s1, 4 * PAGE_SIZE) == 0 && region_unmap(s2, 2 * PAGE_SIZE) == 0, "unmap");
	ok(mem[2 * PAGE_SIZE + 1] == 0x51 && mem[2 * PAGE_SIZE + 2] == 0x52, "shared written");
	store_close();
}

GTEST(region_protection_faults)
{
	struct blkdev *bd = store_open(false);
	uint64_t bad = region_stats()->faults_bad;
	uint8_t v = 0;
	void *a;
	if (!bd)
		return;
	ok(region_map(bd, 0, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == 0, "map");
	ok(probe_load8(V(a, 10), &v) == 0 && v == 1, "read allowed");
	ok(probe_store8(V(a, 10), 5) == -EFAULT, "store to read-only region");
	ok(trap_last_fault.va == (uint64_t)(uintptr_t)a + 10, "fault address");
	ok(probe_load8(V(a, 2 * PAGE_SIZE), &v) == -EFAULT, "guard page after region");
	ok(region_protect(a, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE) == 0, "protect rw");
	ok(probe_store8(V(a, 10), 5) == 0 && rd(a, 10) == 5, "store after protect");
	ok(region_protect(a, PAGE_SIZE, PROT_READ) == 0, "protect first page ro");
	ok(probe_store8(V(a, 11), 5) == -EFAULT, "store after protect ro");
	ok(probe_store8(V(a, PAGE_SIZE), 6) == 0, "second page still writable");
	ok(region_stats()->faults_bad == bad + 3, "bad faults %lu",
	   (unsigned long)(region_stats()->faults_bad - bad));
	ok(region_unmap(a, 2 * PAGE_SIZE) == 0, "unmap");
	ok(probe_load8(V(a, 0), &v) == -EFAULT, "unmapped address still readable");
	ok(mem[10] == 5 && mem[PAGE_SIZE] == 6, "written back");
	store_close();
}

GTEST(region_error_codes)
{
	struct blkdev *bd = store_open(false);
	void *a = NULL, *b, *fixed;
	struct ramblk ro;
	if (!bd)
		return;
	ok(ramblk_setup(&ro, "ro", mem, STORE_BYTES, true) == 0, "ro store");
	ok(region_map(NULL, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == -EINVAL, "no dev");
	ok(region_map(bd, 0, 0, PROT_READ, MAP_SHARED, &a) == -EINVAL, "zero length");
	ok(region_map(bd, 100, PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == -EINVAL, "unaligned");
	ok(region_map(bd, 0, PAGE_SIZE, PROT_WRITE, MAP_SHARED, &a) == -EINVAL, "prot");
	ok(region_map(bd, 0, PAGE_SIZE, PROT_READ, 0, &a) == -EINVAL, "flags");
	ok(region_map(bd, 0, STORE_BYTES + 1, PROT_READ, MAP_SHARED, &a) == -ERANGE, "too long");
	ok(region_map(bd, STORE_BYTES, PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == -ERANGE, "beyond");
	ok(region_map(&ro.bd, 0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == -EROFS,
	   "read-only device");
	ok(region_map(bd, 0, 2 * PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == 0, "map");
	fixed = AT(a, PAGE_SIZE);
	ok(region_map(bd, 0, PAGE_SIZE, PROT_READ, MAP_SHARED | MAP_FIXED, (void **)&fixed) ==
		   -EEXIST,
	   "overlap");
	ok(region_map(bd, 0, CONFIG_REGION_SIZE + PAGE_SIZE, PROT_READ, MAP_PRIVATE, &b) == -ERANGE,
	   "beyond the device first");
	ok(region_sync(AT(a, 1), PAGE_SIZE) == -EINVAL, "sync unaligned");
	ok(region_sync(a, 0) == -EINVAL, "sync zero");
	ok(region_sync(AT(a, 2 * PAGE_SIZE), PAGE_SIZE) == -ENOENT, "sync unmapped");
	ok(region_unmap(a, 3 * PAGE_SIZE) == -ENOENT, "unmap past end");
	ok(region_protect(a, PAGE_SIZE, 0) == -EINVAL, "protect none");
	ok(region_unmap(a, 2 * PAGE_SIZE) == 0, "unmap");
	ok(region_map(&ro.bd, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == 0, "ro map");
	ok(region_protect(a, PAGE_SIZE, PROT_READ | PROT_WRITE) == -EROFS, "protect rofs");
	ok(region_unmap(a, PAGE_SIZE) == 0, "ro unmap");
	/* window exhausted: a 768 MiB device (never touched, so any backing will do) twice */
	ok(ramblk_setup(&ro, "big", mem, 768ul << 20, true) == 0, "big store");
	ok(region_map(&ro.bd, 0, 768ul << 20, PROT_READ, MAP_PRIVATE, &a) == 0, "big map");
	ok(region_map(&ro.bd, 0, 768ul << 20, PROT_READ, MAP_PRIVATE, &b) == -ENOMEM, "window");
	ok(region_unmap(a, 768ul << 20) == 0, "big unmap");
	store_close();
}

GTEST(region_table_full)
{
	struct blkdev *bd = store_open(false);
	void *r[REGION_MAX + 1];
	int n = 0, err = 0;
	if (!bd)
		return;
	while (n <= REGION_MAX &&
	       (err = region_map(bd, 0, PAGE_SIZE, PROT_READ, MAP_SHARED, &r[n])) == 0)
		n++;
	ok(err == -ENOSPC && n > 0 && n <= REGION_MAX, "table full: %d after %d", err, n);
	while (n > 0)
		ok(region_unmap(r[--n], PAGE_SIZE) == 0, "unmap");
	store_close();
}

GTEST(region_eviction_small_budget)
{
	struct blkdev *bd = store_open(false);
	const struct pcache_stats *ps = pcache_stats();
	uint32_t budget0 = ps->budget;
	uint64_t ev0 = ps->evict_dirty;
	void *a, *b;
	if (!bd)
		return;
	ok(pcache_set_budget(2) == 0, "budget");
	ok(region_map(bd, 0, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &a) == 0, "a");
	ok(region_map(bd, 0, 16 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &b) == 0, "b");
	for (int i = 0; i < 16; i++)
		wr(a, i * PAGE_SIZE + i, (uint8_t)(0xc0 + i));
	ok(ps->pages <= 2, "cache over budget: %u", ps->pages);
	ok(ps->evict_dirty - ev0 >= 14, "dirty evictions %lu",
	   (unsigned long)(ps->evict_dirty - ev0));
	for (int i = 0; i < 16; i++)
		ok(rd(b, i * PAGE_SIZE + i) == 0xc0 + i, "page %d lost", i);
	ok(mem[3 * PAGE_SIZE + 3] == 0xc3, "evicted page not written");
	ok(region_unmap(a, 16 * PAGE_SIZE) == 0 && region_unmap(b, 16 * PAGE_SIZE) == 0, "unmap");
	ok(pcache_set_budget(budget0) == 0, "budget back");
	store_close();
}

/* Map, touch (shared and private, read and write), unmap: the free count comes back. */
static void leak_round(struct blkdev *bd)
{
	void *s, *p;
	if (region_map(bd, 0, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, &s) ||
	    region_map(bd, 0, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, &p)) {
		ok(0, "map");
		return;
	}
	for (int i = 0; i < 8; i++) {
		wr(s, i * PAGE_SIZE, (uint8_t)i);
		wr(p, i * PAGE_SIZE + 1, (uint8_t)i);
	}
	ok(region_unmap(s, 8 * PAGE_SIZE) == 0 && region_unmap(p, 8 * PAGE_SIZE) == 0, "unmap");
	ok(pcache_drop_unused() == 0, "drop");
}

GTEST(region_no_frame_leak)
{
	struct blkdev *bd = store_open(false);
	uint64_t free0;
	if (!bd)
		return;
	leak_round(bd); /* page-table frames for the window stay once made */
	free0 = page_stats()->free;
	leak_round(bd);
	ok(page_stats()->free == free0, "frames leaked: %ld", (long)(free0 - page_stats()->free));
	ok(region_stats()->private_pages == 0, "private pages left");
	store_close();
}
