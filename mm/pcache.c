/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Page cache over block devices (interface in mm/pcache.h). Descriptors live in a static
 * table: a free list, a hash on (device, page) and one LRU list (coldest first) that every
 * eviction pass scans. The table is small enough that O(n) eviction scans cost less than the
 * block transfer they precede.
 */
#include <stdint.h>
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/pcache.h"

#define HASH_BUCKETS 1024 /* a power of two */

static struct pcache_page slots[PCACHE_SLOTS];
static struct pcache_page *hash[HASH_BUCKETS];
static struct pcache_page *free_list;
static struct pcache_page *lru_head, *lru_tail;
static bool table_ready;
static struct pcache_hook *hooks;
static struct pcache_page *sorted[PCACHE_SLOTS]; /* pcache_sync_dev's scratch */
static struct pcache_stats stats = { .budget = CONFIG_PCACHE_MAX_PAGES };

static void table_init(void)
{
	for (size_t i = 0; i < PCACHE_SLOTS; i++) {
		slots[i].next = free_list;
		free_list = &slots[i];
	}
	table_ready = true;
}

static unsigned bucket(const struct blkdev *bd, uint64_t pgno)
{
	uint64_t h = ((uint64_t)(uintptr_t)bd >> 4) ^ (pgno * 0x9e3779b97f4a7c15ull);
	return (unsigned)(h >> 32) & (HASH_BUCKETS - 1);
}

static void lru_unlink(struct pcache_page *pg)
{
	if (pg->prev)
		pg->prev->next = pg->next;
	else
		lru_head = pg->next;
	if (pg->next)
		pg->next->prev = pg->prev;
	else
		lru_tail = pg->prev;
	pg->prev = pg->next = NULL;
}

static void lru_append(struct pcache_page *pg)
{
	pg->prev = lru_tail;
	pg->next = NULL;
	if (lru_tail)
		lru_tail->next = pg;
	else
		lru_head = pg;
	lru_tail = pg;
}

int pcache_hook_register(struct pcache_hook *h)
{
	struct pcache_hook **pp = &hooks;
	if (!h || !h->fn)
		return -EINVAL;
	for (; *pp; pp = &(*pp)->next)
		if (*pp == h)
			return -EEXIST;
	h->next = NULL;
	*pp = h; /* called in registration order */
	return 0;
}

static void run_hooks(struct pcache_page *pg, enum pcache_hook_mode mode)
{
	for (struct pcache_hook *h = hooks; h; h = h->next)
		h->fn(pg, mode);
	if (mode == PCACHE_HOOK_UNMAP && pg->maps)
		panic("pcache: page %lu of %s still has %u mappings after every hook unmapped it "
		      "(first hook %s)",
		      (unsigned long)pg->pgno, pg->bd->name, pg->maps,
		      hooks ? hooks->name : "none");
}

struct pcache_page *pcache_lookup(struct blkdev *bd, uint64_t pgno)
{
	struct pcache_page *pg = hash[bucket(bd, pgno)];
	while (pg && !(pg->bd == bd && pg->pgno == pgno))
		pg = pg->hnext;
	return pg;
}

/* Blocks of page pgno that exist on the device: [*lba, *lba + *n). */
static void page_blocks_of(const struct blkdev *bd, uint64_t pgno, uint64_t *lba, uint32_t *n)
{
	uint64_t bpp = PAGE_SIZE / bd->block_size;
	*lba = pgno * bpp;
	*n = (uint32_t)(bd->nblocks - *lba < bpp ? bd->nblocks - *lba : bpp);
}

static void page_blocks(const struct pcache_page *pg, uint64_t *lba, uint32_t *n)
{
	page_blocks_of(pg->bd, pg->pgno, lba, n);
}

static int write_page(struct pcache_page *pg)
{
	uint64_t lba;
	uint32_t n;
	int err;
	page_blocks(pg, &lba, &n);
	err = blkdev_write(pg->bd, lba, n, (const void *)(uintptr_t)pg->frame);
	if (err) {
		stats.write_errors++;
		return err;
	}
	stats.pages_written++;
	pg->dirty = false;
	stats.dirty--;
	return 0;
}

int pcache_writeback(struct pcache_page *pg)
{
	if (!pg->dirty)
		return 0;
	/* Protect first: a store through a writable mapping after the copy would be lost. */
	if (pg->maps)
		run_hooks(pg, PCACHE_HOOK_WRPROTECT);
	return write_page(pg);
}

/* A page holding fewer blocks than a page (the device's partial last page)? */
static bool page_is_partial(const struct pcache_page *pg)
{
	uint64_t lba;
	uint32_t n;
	page_blocks(pg, &lba, &n);
	return (uint64_t)n * pg->bd->block_size < PAGE_SIZE;
}

int pcache_writeback_run(struct pcache_page *const *pgs, uint32_t n)
{
	uint64_t frames[PCACHE_RUN_MAX], lba;
	uint32_t blocks;
	int err;
	ASSERT(n >= 1 && n <= PCACHE_RUN_MAX);
	for (uint32_t i = 0; i < n; i++)
		ASSERT(pgs[i]->bd == pgs[0]->bd && pgs[i]->pgno == pgs[0]->pgno + i &&
		       pgs[i]->dirty);
	if (n == 1 || page_is_partial(pgs[n - 1])) {
		int first = 0;
		for (uint32_t i = 0; i < n; i++) {
			err = pcache_writeback(pgs[i]);
			if (err && !first)
				first = err;
		}
		return first;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (pgs[i]->maps)
			run_hooks(pgs[i], PCACHE_HOOK_WRPROTECT); /* before the copy, as above */
		frames[i] = pgs[i]->frame;
	}
	page_blocks(pgs[0], &lba, &blocks);
	err = blkdev_write_pages(pgs[0]->bd, lba, frames, n);
	if (err) {
		stats.write_errors++;
		return err;
	}
	for (uint32_t i = 0; i < n; i++) {
		pgs[i]->dirty = false;
		stats.dirty--;
	}
	stats.pages_written += n;
	return 0;
}

/* Take pg (unpinned) out of the cache, writing it back first if dirty. */
static int evict(struct pcache_page *pg)
{
	struct pcache_page **pp;
	bool was_mapped = pg->maps != 0, was_dirty = pg->dirty;
	ASSERT(pg->pins == 0);
	if (pg->maps)
		run_hooks(pg, PCACHE_HOOK_UNMAP);
	if (pg->dirty && write_page(pg))
		return -EIO; /* stays cached (now unmapped); a later pass may retry */
	for (pp = &hash[bucket(pg->bd, pg->pgno)]; *pp != pg; pp = &(*pp)->hnext)
		ASSERT(*pp);
	*pp = pg->hnext;
	lru_unlink(pg);
	page_free(pg->frame);
	memset(pg, 0, sizeof(*pg));
	pg->next = free_list;
	free_list = pg;
	stats.pages--;
	if (was_dirty)
		stats.evict_dirty++;
	else
		stats.evict_clean++;
	if (was_mapped)
		stats.evict_mapped++;
	return 0;
}

/* One eviction in the cheapest order: a clean unmapped page costs nothing to drop; a dirty one
 * costs a write; a mapped one costs faults later. Coldest first within each class. */
static int evict_one(void)
{
	for (int pass = 0; pass < 4; pass++) {
		bool want_mapped = pass >= 2, want_dirty = pass & 1;
		for (struct pcache_page *pg = lru_head; pg; pg = pg->next) {
			if (pg->pins || (pg->maps != 0) != want_mapped || pg->dirty != want_dirty)
				continue;
			if (evict(pg) == 0)
				return 0;
		}
	}
	return -ENOMEM;
}

static bool over_budget(void)
{
	return !free_list || (stats.budget && stats.pages >= stats.budget);
}

/* A frame, evicting if memory is short (unless PCACHE_NOEVICT). Zeroed only when the read
 * will not cover it all (a partial last page): a full read overwrites every byte anyway. */
static uint64_t get_frame(unsigned flags, bool zero)
{
	uint64_t pa;
	for (;;) {
		pa = zero ? page_alloc() : page_alloc_raw();
		if (pa || (flags & PCACHE_NOEVICT) || evict_one())
			return pa;
	}
}

uint64_t pcache_alloc_frame(void)
{
	uint64_t pa;
	while (!(pa = page_alloc()))
		if (evict_one())
			return 0;
	return pa;
}

static int new_page(struct blkdev *bd, uint64_t pgno, unsigned flags, struct pcache_page **out)
{
	struct pcache_page *pg;
	uint64_t frame, lba;
	uint32_t n;
	int err;
	while (over_budget())
		if ((flags & PCACHE_NOEVICT) || evict_one())
			return -ENOMEM;
	page_blocks_of(bd, pgno, &lba, &n);
	frame = get_frame(flags, (uint64_t)n * bd->block_size < PAGE_SIZE);
	if (!frame)
		return -ENOMEM;
	pg = free_list;
	free_list = pg->next;
	memset(pg, 0, sizeof(*pg));
	pg->bd = bd;
	pg->pgno = pgno;
	pg->frame = frame;
	/* A partial last page was zeroed, so it reads as zeros past the device's end. */
	err = blkdev_read(bd, lba, n, (void *)(uintptr_t)frame);
	if (err) {
		stats.read_errors++;
		page_free(frame);
		pg->next = free_list;
		free_list = pg;
		return err;
	}
	stats.pages_read++;
	pg->hnext = hash[bucket(bd, pgno)];
	hash[bucket(bd, pgno)] = pg;
	lru_append(pg);
	stats.pages++;
	*out = pg;
	return 0;
}

/* Insert a freshly read page (slot pg, data in frame) into the hash and the LRU, pinned. */
static void insert(struct pcache_page *pg, struct blkdev *bd, uint64_t pgno, uint64_t frame)
{
	memset(pg, 0, sizeof(*pg));
	pg->bd = bd;
	pg->pgno = pgno;
	pg->frame = frame;
	pg->pins = 1;
	pg->hnext = hash[bucket(bd, pgno)];
	hash[bucket(bd, pgno)] = pg;
	lru_append(pg);
	stats.pages++;
	stats.pages_read++;
}

/* Pages of bd that exist at least partly on the device. */
static uint64_t dev_pages(const struct blkdev *bd)
{
	uint64_t bpp = PAGE_SIZE / bd->block_size;
	return bd->nblocks / bpp + (bd->nblocks % bpp != 0);
}

int pcache_get_ahead(struct blkdev *bd, uint64_t pgno, uint32_t n, struct pcache_page **out)
{
	uint64_t frames[PCACHE_RUN_MAX], lba;
	uint32_t k = 0, blocks;
	int err;
	if (!table_ready)
		table_init();
	if (n > PCACHE_RUN_MAX)
		n = PCACHE_RUN_MAX;
	for (; k < n; k++) {
		uint64_t p = pgno + k;
		if (p >= dev_pages(bd) || pcache_lookup(bd, p) || !free_list ||
		    (stats.budget && stats.pages + k >= stats.budget))
			break;
		page_blocks_of(bd, p, &lba, &blocks);
		if ((uint64_t)blocks * bd->block_size < PAGE_SIZE)
			break; /* a partial last page is zeroed past the end: a fault loads it */
		frames[k] = page_alloc_raw(); /* the read overwrites all of it */
		if (!frames[k])
			break;
		out[k] = free_list; /* the slot, taken now so the count of free ones is right */
		free_list = free_list->next;
	}
	if (k == 0)
		return 0;
	page_blocks_of(bd, pgno, &lba, &blocks);
	err = blkdev_read_pages(bd, lba, frames, k);
	for (uint32_t i = 0; i < k; i++) {
		if (err) {
			page_free(frames[i]);
			out[i]->next = free_list;
			free_list = out[i];
		} else {
			insert(out[i], bd, pgno + i, frames[i]);
		}
	}
	if (err) {
		stats.read_errors++;
		return err;
	}
	stats.lookups += k;
	return (int)k;
}

int pcache_get(struct blkdev *bd, uint64_t pgno, unsigned flags, struct pcache_page **out)
{
	struct pcache_page *pg;
	int err;
	if (!table_ready)
		table_init();
	stats.lookups++;
	pg = pcache_lookup(bd, pgno);
	if (pg) {
		stats.hits++;
		lru_unlink(pg);
		lru_append(pg);
	} else {
		if (pgno >= bd->nblocks / (PAGE_SIZE / bd->block_size) +
				    (bd->nblocks % (PAGE_SIZE / bd->block_size) != 0))
			return -ERANGE;
		err = new_page(bd, pgno, flags, &pg);
		if (err) {
			if (err == -ENOMEM && !(flags & PCACHE_NOEVICT))
				stats.nomem++; /* read-ahead finding no room is not a shortage */
			return err;
		}
	}
	pg->pins++;
	*out = pg;
	return 0;
}

void pcache_put(struct pcache_page *pg)
{
	ASSERT(pg->pins > 0);
	pg->pins--;
}

void pcache_map_add(struct pcache_page *pg)
{
	pg->maps++;
}

void pcache_map_del(struct pcache_page *pg)
{
	ASSERT(pg->maps > 0);
	pg->maps--;
}

void pcache_mark_dirty(struct pcache_page *pg)
{
	if (!pg->dirty)
		stats.dirty++;
	pg->dirty = true;
}

int pcache_set_budget(uint32_t pages)
{
	stats.budget = pages;
	while (pages && stats.pages > pages)
		if (evict_one())
			return -EBUSY;
	return 0;
}

/* Evict every unmapped, unpinned page of bd (of every device when bd is NULL). */
static int drop(const struct blkdev *bd)
{
	struct pcache_page *pg = lru_head, *next;
	int err = 0, e;
	for (; pg; pg = next) {
		next = pg->next;
		if (pg->pins || pg->maps || (bd && pg->bd != bd))
			continue;
		e = evict(pg);
		if (e && !err)
			err = e;
	}
	return err;
}

int pcache_drop_unused(void)
{
	return drop(NULL);
}

int pcache_drop_dev(struct blkdev *bd)
{
	return drop(bd);
}

/* Shell sort by page number: at most PCACHE_SLOTS entries, no allocation. */
static void sort_by_pgno(struct pcache_page **v, size_t n)
{
	for (size_t gap = n / 2; gap; gap /= 2)
		for (size_t i = gap; i < n; i++) {
			struct pcache_page *x = v[i];
			size_t j = i;
			for (; j >= gap && v[j - gap]->pgno > x->pgno; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
}

int pcache_sync_dev(struct blkdev *bd)
{
	size_t n = 0;
	int err = 0, e;
	for (struct pcache_page *pg = lru_head; pg; pg = pg->next)
		if (pg->bd == bd && pg->dirty)
			sorted[n++] = pg;
	sort_by_pgno(sorted, n);
	for (size_t i = 0; i < n;) {
		uint32_t k = 1;
		while (i + k < n && k < PCACHE_RUN_MAX &&
		       sorted[i + k]->pgno == sorted[i]->pgno + k)
			k++;
		e = pcache_writeback_run(&sorted[i], k);
		if (e && !err)
			err = e;
		i += k;
	}
	e = blkdev_flush(bd);
	return err ? err : e;
}

const struct pcache_stats *pcache_stats(void)
{
	return &stats;
}

void pcache_stats_print(void)
{
	kprintf("pcache: %u pages (%u dirty), budget %u%s; lookups %lu, hits %lu\n", stats.pages,
		stats.dirty, stats.budget, stats.budget ? "" : " (unlimited)",
		(unsigned long)stats.lookups, (unsigned long)stats.hits);
	kprintf("  pages read %lu, written %lu; evicted clean %lu, dirty %lu (mapped %lu)\n",
		(unsigned long)stats.pages_read, (unsigned long)stats.pages_written,
		(unsigned long)stats.evict_clean, (unsigned long)stats.evict_dirty,
		(unsigned long)stats.evict_mapped);
	kprintf("  errors: read %lu, write %lu, out of memory %lu\n",
		(unsigned long)stats.read_errors, (unsigned long)stats.write_errors,
		(unsigned long)stats.nomem);
}
