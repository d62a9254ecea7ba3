/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regions (API in mm/region.h): the region table, the fault handler and write-back.
 * The page tables are the per-page state: a page is resident when its PTE exists, and in a
 * private region the frame is a private copy exactly when it is not the cache's frame for that
 * device page. Shared pages are dirty in the cache (mm/pcache.c); a writable PTE implies a dirty
 * page, and write-back write-protects every PTE of the page first (rmap_hook), so dirtiness
 * never depends on the hardware's D bit.
 */
#include <stdint.h>
#include "boot/trap.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"
#include "mm/vm.h"

#define WINDOW_END (CONFIG_REGION_BASE + CONFIG_REGION_SIZE)
#define PAGE_MASK  (PAGE_SIZE - 1)

_Static_assert(CONFIG_REGION_READAHEAD <= PCACHE_RUN_MAX, "read-ahead is one pcache run");
_Static_assert((CONFIG_REGION_BASE & PAGE_MASK) == 0 && (CONFIG_REGION_SIZE & PAGE_MASK) == 0,
	       "region window must be whole pages");

struct region {
	uint64_t va;	 /* first byte; 0 marks a free slot */
	uint64_t npages; /* length in pages */
	struct blkdev *bd;
	uint64_t pgno;	   /* device page mapped at va */
	uint64_t seq_next; /* device page a sequential reader faults on next */
	unsigned prot, flags, id;
};

static struct region regions[REGION_MAX];
static struct region_stats stats;
static unsigned next_id = 1;
static int last_fault_err; /* region_fault's last failure, for region_copy */

static void rmap_hook(struct pcache_page *pg, enum pcache_hook_mode mode);
/* Registered with the page cache once, by the first region_map. */
static struct pcache_hook region_hook = { .name = "region", .fn = rmap_hook };
static bool hook_registered;

static uint64_t region_end(const struct region *r)
{
	return r->va + r->npages * PAGE_SIZE;
}

static uint64_t page_of(const struct region *r, uint64_t va)
{
	return r->pgno + (va - r->va) / PAGE_SIZE;
}

static struct region *region_find(uint64_t va)
{
	for (int i = 0; i < REGION_MAX; i++)
		if (regions[i].va && va >= regions[i].va && va < region_end(&regions[i]))
			return &regions[i];
	return NULL;
}

/* The region at va, inside a range that range_check admitted (regions cover it, no hole). */
static struct region *region_at(uint64_t va)
{
	struct region *r = region_find(va);
	if (!r)
		panic("region: %lx inside a checked range, but no region maps it",
		      (unsigned long)va);
	return r;
}

static struct region *slot_alloc(void)
{
	for (int i = 0; i < REGION_MAX; i++)
		if (!regions[i].va)
			return &regions[i];
	return NULL;
}

static int free_slots(void)
{
	int n = 0;
	for (int i = 0; i < REGION_MAX; i++)
		n += !regions[i].va;
	return n;
}

static bool overlaps(uint64_t start, uint64_t end, struct region **hit)
{
	for (int i = 0; i < REGION_MAX; i++) {
		struct region *r = &regions[i];
		if (r->va && start < region_end(r) && r->va < end) {
			*hit = r;
			return true;
		}
	}
	return false;
}

/* Lowest free range of len bytes with a free guard page after it (an overrun faults rather
 * than landing in the next region); 0 if the window is full. */
static uint64_t window_alloc(uint64_t len)
{
	uint64_t cand = CONFIG_REGION_BASE;
	struct region *hit;
	while (cand + len <= WINDOW_END) {
		if (!overlaps(cand > CONFIG_REGION_BASE ? cand - PAGE_SIZE : cand,
			      cand + len + PAGE_SIZE, &hit))
			return cand;
		cand = region_end(hit) + PAGE_SIZE;
	}
	return 0;
}

static uint64_t dev_bytes(const struct blkdev *bd)
{
	return bd->nblocks * bd->block_size;
}

static bool prot_ok(unsigned prot)
{
	return prot == PROT_READ || prot == (PROT_READ | PROT_WRITE);
}

static int check_map_args(struct blkdev *bd, uint64_t offset, uint64_t length, unsigned prot,
			  unsigned flags, void **addr)
{
	unsigned kind = flags & (MAP_SHARED | MAP_PRIVATE);
	/* The block size test guards unregistered devices: a page must hold whole blocks. */
	if (!bd || !addr || length == 0 || (offset & PAGE_MASK) || !prot_ok(prot) ||
	    !bd->block_size || bd->block_size > PAGE_SIZE || PAGE_SIZE % bd->block_size ||
	    (kind != MAP_SHARED && kind != MAP_PRIVATE) ||
	    (flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_FIXED)))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		uint64_t va = (uint64_t)(uintptr_t)*addr;
		if ((va & PAGE_MASK) || va < CONFIG_REGION_BASE || length > CONFIG_REGION_SIZE ||
		    va > WINDOW_END - ((length + PAGE_MASK) & ~PAGE_MASK))
			return -EINVAL;
	}
	if (offset > dev_bytes(bd) || length > dev_bytes(bd) - offset)
		return -ERANGE;
	if ((prot & PROT_WRITE) && kind == MAP_SHARED && bd->read_only)
		return -EROFS;
	if (length > CONFIG_REGION_SIZE)
		return -ENOMEM; /* fits nowhere; also keeps the window arithmetic from wrapping */
	return 0;
}

int region_map(struct blkdev *bd, uint64_t offset, uint64_t length, unsigned prot, unsigned flags,
	       void **addr)
{
	struct region *r, *hit;
	uint64_t len, va;
	int err = check_map_args(bd, offset, length, prot, flags, addr);
	if (err)
		return err;
	len = (length + PAGE_MASK) & ~PAGE_MASK;
	if (flags & MAP_FIXED) {
		va = (uint64_t)(uintptr_t)*addr;
		if (overlaps(va, va + len, &hit))
			return -EEXIST;
	} else {
		va = window_alloc(len);
		if (!va)
			return -ENOMEM;
	}
	r = slot_alloc();
	if (!r)
		return -ENOSPC;
	if (!hook_registered)
		hook_registered = pcache_hook_register(&region_hook) == 0;
	r->va = va;
	r->npages = len / PAGE_SIZE;
	r->bd = bd;
	r->pgno = offset / PAGE_SIZE;
	r->seq_next = r->pgno;
	r->prot = prot;
	r->flags = flags & (MAP_SHARED | MAP_PRIVATE);
	r->id = next_id++;
	*addr = (void *)(uintptr_t)va;
	stats.maps++;
	stats.regions++;
	return 0;
}

/* ---- faults ---- */

static const char *access_name(enum fault_access acc)
{
	return acc == FAULT_WRITE ? "write" : acc == FAULT_EXEC ? "execute" : "read";
}

static void print_region(const struct region *r)
{
	kprintf("region %u [%lx-%lx) %s+%lx %s %s", r->id, (unsigned long)r->va,
		(unsigned long)region_end(r), r->bd->name, (unsigned long)(r->pgno * PAGE_SIZE),
		(r->prot & PROT_WRITE) ? "rw" : "r-",
		(r->flags & MAP_SHARED) ? "shared" : "private");
}

static int bad_fault(uint64_t va, enum fault_access acc, const struct region *r, int err,
		     const char *why)
{
	last_fault_err = err;
	stats.faults_bad++;
	kprintf("region: %s fault at %lx: %s", access_name(acc), (unsigned long)va, why);
	if (r) {
		kprintf(" (");
		print_region(r);
		kprintf(")");
	}
	kprintf("\n");
	return err;
}

static int map_cache_page(uint64_t va, struct pcache_page *pg, unsigned vmprot)
{
	int err = vm_map_page(va, pg->frame, vmprot);
	if (!err)
		pcache_map_add(pg);
	return err;
}

/* Map n pinned cache pages read-only from va on, and unpin them. */
static void map_ahead(struct region *r, uint64_t va, uint64_t pgno, struct pcache_page **pgs,
		      uint32_t n)
{
	for (uint32_t k = 0; k < n; k++) {
		if (map_cache_page(va + k * PAGE_SIZE, pgs[k], VM_R) == 0) {
			stats.readahead++;
			r->seq_next = pgno + k + 1;
		}
		pcache_put(pgs[k]);
	}
}

/*
 * Sequential (this fault is where the last one's pages ended, or the region's first page):
 * map up to CONFIG_REGION_READAHEAD following pages too, only with free cache room. Pages the
 * cache holds already are mapped as they are; each stretch of uncached ones is loaded with one
 * transfer (pcache_get_ahead).
 */
static void readahead(struct region *r, uint64_t va, uint64_t pgno)
{
	uint64_t last = r->pgno + r->npages;
	bool seq = pgno == r->seq_next || pgno == r->pgno;
	r->seq_next = pgno + 1;
	for (uint64_t i = 1; seq && i <= CONFIG_REGION_READAHEAD && pgno + i < last;) {
		struct pcache_page *pgs[CONFIG_REGION_READAHEAD];
		uint32_t want = 0;
		int got;
		if (vm_lookup(va + i * PAGE_SIZE, NULL))
			break; /* already resident: the reader will not fault here */
		if (pcache_lookup(r->bd, pgno + i)) {
			got = pcache_get(r->bd, pgno + i, PCACHE_NOEVICT, &pgs[0]) ? 0 : 1;
		} else {
			while (i + want <= CONFIG_REGION_READAHEAD && pgno + i + want < last &&
			       !vm_lookup(va + (i + want) * PAGE_SIZE, NULL) &&
			       !pcache_lookup(r->bd, pgno + i + want))
				want++;
			got = pcache_get_ahead(r->bd, pgno + i, want, pgs);
		}
		if (got <= 0)
			break;
		map_ahead(r, va + i * PAGE_SIZE, pgno + i, pgs, (uint32_t)got);
		i += (uint64_t)got;
	}
}

static int fault_read(struct region *r, uint64_t va, uint64_t pgno)
{
	struct pcache_page *pg;
	unsigned vmprot = VM_R;
	int err;
	if (vm_lookup(va, NULL)) {
		vm_flush_stale(va); /* already resolved (a stale TLB entry): retry */
		return 0;
	}
	err = pcache_get(r->bd, pgno, 0, &pg);
	if (err)
		return err;
	/* Dirty already (written through another region): a writable PTE costs nothing more. */
	if (pg->dirty && (r->flags & MAP_SHARED) && (r->prot & PROT_WRITE))
		vmprot |= VM_W;
	err = map_cache_page(va, pg, vmprot);
	pcache_put(pg);
	if (err)
		return err;
	stats.faults_read++;
	readahead(r, va, pgno);
	return 0;
}

static int fault_write_shared(struct region *r, uint64_t va, uint64_t pgno)
{
	struct pcache_page *pg;
	unsigned vmprot;
	uint64_t pa = vm_lookup(va, &vmprot);
	int err;
	if (pa && (vmprot & VM_W)) {
		vm_flush_stale(va);
		return 0;
	}
	err = pcache_get(r->bd, pgno, 0, &pg);
	if (err)
		return err;
	ASSERT(!pa || pa == pg->frame);
	pcache_mark_dirty(pg); /* before the PTE allows the store */
	if (pa)
		err = vm_protect_page(va, VM_R | VM_W);
	else
		err = map_cache_page(va, pg, VM_R | VM_W);
	pcache_put(pg);
	if (!err)
		stats.faults_write++;
	return err;
}

/* Private write: the page becomes a copy of what the cache holds now (shared writers'
 * unsynced data included), and leaves the cache's accounting. */
static int fault_cow(struct region *r, uint64_t va, uint64_t pgno)
{
	struct pcache_page *pg = pcache_lookup(r->bd, pgno);
	unsigned vmprot;
	uint64_t pa = vm_lookup(va, &vmprot), copy;
	int err;
	if (pa && (vmprot & VM_W)) {
		vm_flush_stale(va);
		return 0;
	}
	if (pa && !(pg && pg->frame == pa)) {
		/* Already a private copy, read-only after region_protect: just allow writes. */
		err = vm_protect_page(va, VM_R | VM_W);
		if (!err)
			stats.faults_write++;
		return err;
	}
	err = pcache_get(r->bd, pgno, 0, &pg);
	if (err)
		return err;
	copy = pcache_alloc_frame(); /* may evict, but never pg: it is pinned */
	if (!copy) {
		pcache_put(pg);
		return -ENOMEM;
	}
	memcpy((void *)(uintptr_t)copy, (const void *)(uintptr_t)pg->frame, PAGE_SIZE);
	err = vm_map_page(va, copy, VM_R | VM_W);
	if (err) {
		page_free(copy);
	} else {
		if (pa)
			pcache_map_del(pg); /* the read-only PTE to the cache frame was replaced */
		stats.private_pages++;
		stats.faults_cow++;
	}
	pcache_put(pg);
	return err;
}

static int fault(uint64_t va, enum fault_access acc);

/* One TLB fence for the whole fault: the page, its read-ahead, anything evicted for them. */
int region_fault(uint64_t va, enum fault_access acc)
{
	int err;
	vm_batch_begin();
	err = fault(va, acc);
	vm_batch_end();
	return err;
}

static int fault(uint64_t va, enum fault_access acc)
{
	struct region *r = region_find(va);
	uint64_t page_va = va & ~PAGE_MASK;
	int err;
	if (!r)
		return bad_fault(va, acc, NULL, -EFAULT, "outside any region");
	if (acc == FAULT_EXEC)
		return bad_fault(va, acc, r, -EACCES, "regions are never executable");
	if (acc == FAULT_WRITE && !(r->prot & PROT_WRITE))
		return bad_fault(va, acc, r, -EACCES, "region is read-only");
	if (acc == FAULT_READ)
		err = fault_read(r, page_va, page_of(r, page_va));
	else if (r->flags & MAP_SHARED)
		err = fault_write_shared(r, page_va, page_of(r, page_va));
	else
		err = fault_cow(r, page_va, page_of(r, page_va));
	if (err) {
		last_fault_err = err;
		stats.faults_failed++;
		kprintf("region: %s fault at %lx: cannot load the page (%s) (", access_name(acc),
			(unsigned long)va, errname(err));
		print_region(r);
		kprintf(")\n");
	}
	return err;
}

/* The page cache takes a page away (eviction) or write-protects it (write-back): find every
 * region PTE that points at its frame. Private copies never match the cache frame. */
static void rmap_hook(struct pcache_page *pg, enum pcache_hook_mode mode)
{
	for (int i = 0; i < REGION_MAX; i++) {
		struct region *r = &regions[i];
		uint64_t va, pa;
		unsigned vmprot;
		if (!r->va || r->bd != pg->bd || pg->pgno < r->pgno ||
		    pg->pgno >= r->pgno + r->npages)
			continue;
		va = r->va + (pg->pgno - r->pgno) * PAGE_SIZE;
		pa = vm_lookup(va, &vmprot);
		if (pa != pg->frame)
			continue;
		if (mode == PCACHE_HOOK_UNMAP) {
			vm_unmap_page(va);
			pcache_map_del(pg);
		} else if (vmprot & VM_W) {
			vm_protect_page(va, VM_R);
		}
	}
}

/* ---- range operations: sync, unmap, protect ---- */

/* addr/length to a page range [*start, *end) covered by regions: 0, -EINVAL or -ENOENT. */
static int range_check(void *addr, size_t length, uint64_t *start, uint64_t *end)
{
	uint64_t a = (uint64_t)(uintptr_t)addr;
	if (length == 0 || (a & PAGE_MASK) || length > CONFIG_REGION_SIZE)
		return -EINVAL;
	*start = a;
	*end = a + ((length + PAGE_MASK) & ~PAGE_MASK);
	if (*end < a)
		return -EINVAL;
	for (uint64_t cur = *start; cur < *end;) {
		struct region *r = region_find(cur);
		if (!r)
			return -ENOENT;
		cur = region_end(r);
	}
	return 0;
}

/* Region slots that making start and end region boundaries would take. */
static int splits_needed(uint64_t start, uint64_t end)
{
	struct region *a = region_at(start), *b = region_at(end - 1);
	return (a->va < start) + (region_end(b) > end);
}

/* Split r at va (strictly inside): r keeps the part below va. A slot must be free. */
static void region_split(struct region *r, uint64_t va)
{
	struct region *hi = slot_alloc();
	uint64_t low = (va - r->va) / PAGE_SIZE;
	ASSERT(hi && va > r->va && va < region_end(r));
	*hi = *r;
	hi->va = va;
	hi->pgno = r->pgno + low;
	hi->npages = r->npages - low;
	hi->seq_next = hi->pgno;
	r->npages = low;
	stats.regions++;
}

/* Make start and end region boundaries; -ENOSPC (nothing changed) without enough slots. */
static int range_isolate(uint64_t start, uint64_t end)
{
	struct region *r;
	if (splits_needed(start, end) > free_slots())
		return -ENOSPC;
	r = region_at(start);
	if (r->va < start)
		region_split(r, start);
	r = region_at(end - 1);
	if (region_end(r) > end)
		region_split(r, end);
	return 0;
}

/* Undo splits that left two neighbours identical in all but extent. */
static void region_merge(void)
{
	for (int i = 0; i < REGION_MAX; i++) {
		struct region *a = &regions[i], *b;
		if (!a->va)
			continue;
		b = region_find(region_end(a));
		if (b && b->bd == a->bd && b->pgno == a->pgno + a->npages && b->prot == a->prot &&
		    b->flags == a->flags && b->id == a->id) {
			a->npages += b->npages;
			memset(b, 0, sizeof(*b));
			stats.regions--;
			i--; /* a may absorb its next neighbour too */
		}
	}
}

/* Write back the dirty pages of bd in [first, end), runs of consecutive ones together. */
static int sync_pages(struct blkdev *bd, uint64_t first, uint64_t end)
{
	struct pcache_page *run[PCACHE_RUN_MAX];
	uint32_t n = 0;
	int err = 0, e;
	for (uint64_t p = first; p <= end; p++) {
		struct pcache_page *pg = p < end ? pcache_lookup(bd, p) : NULL;
		bool dirty = pg && pg->dirty;
		if (n && (!dirty || n == PCACHE_RUN_MAX)) {
			e = pcache_writeback_run(run, n);
			if (e && !err)
				err = e;
			if (!e)
				stats.pages_synced += n;
			n = 0;
		}
		if (dirty)
			run[n++] = pg;
	}
	return err;
}

/*
 * Write back the dirty cache pages behind [start, end) of the shared regions, page order, then
 * flush each region's device: the flush also covers pages the cache wrote back earlier on its
 * own (eviction), which are on the device but not yet durable. blkdev_flush sends nothing when
 * nothing was written since the last flush, so clean ranges stay free.
 */
static int sync_range(uint64_t start, uint64_t end)
{
	int err = 0, e;
	for (uint64_t cur = start; cur < end;) {
		struct region *r = region_at(cur);
		uint64_t stop = region_end(r) < end ? region_end(r) : end, from = cur;
		cur = stop;
		if (!(r->flags & MAP_SHARED))
			continue;
		e = sync_pages(r->bd, page_of(r, from), page_of(r, stop));
		if (e && !err)
			err = e;
		e = blkdev_flush(r->bd);
		if (e && !err)
			err = e;
	}
	return err;
}

int region_sync(void *addr, size_t length)
{
	uint64_t start, end;
	int err = range_check(addr, length, &start, &end);
	if (err)
		return err;
	vm_batch_begin(); /* one TLB fence for every page write-protected */
	err = sync_range(start, end);
	vm_batch_end();
	if (!err)
		stats.syncs++;
	return err;
}

int region_copy(void *dst, const void *src, size_t n)
{
	last_fault_err = 0;
	if (probe_copy(dst, src, n) == 0)
		return 0;
	return last_fault_err ? last_fault_err : -EFAULT;
}

/* Drop the PTEs of r in [s, e): cache frames lose a mapping, private copies are freed. */
static void release_pages(struct region *r, uint64_t s, uint64_t e)
{
	for (uint64_t va = s; va < e; va += PAGE_SIZE) {
		uint64_t pa = vm_lookup(va, NULL);
		struct pcache_page *pg;
		if (!pa)
			continue;
		vm_unmap_page(va);
		pg = pcache_lookup(r->bd, page_of(r, va));
		if (pg && pg->frame == pa) {
			pcache_map_del(pg);
		} else {
			page_free(pa);
			stats.private_pages--;
		}
	}
}

/* Remove [s, e) from r: the whole region, its head, its tail, or a hole (which splits it). */
static void region_cut(struct region *r, uint64_t s, uint64_t e)
{
	release_pages(r, s, e);
	if (s > r->va && e < region_end(r))
		region_split(r, e); /* the slot was checked by the caller */
	if (s > r->va) {
		r->npages = (s - r->va) / PAGE_SIZE;
	} else if (e < region_end(r)) {
		r->pgno = page_of(r, e);
		r->seq_next = r->pgno;
		r->npages -= (e - r->va) / PAGE_SIZE;
		r->va = e;
	} else {
		memset(r, 0, sizeof(*r));
		stats.regions--;
	}
}

int region_unmap(void *addr, size_t length)
{
	uint64_t start, end;
	struct region *r = NULL;
	int err = range_check(addr, length, &start, &end);
	if (err)
		return err;
	/* Only a hole strictly inside one region takes a slot (trimming a head or tail does not). */
	if (overlaps(start, end, &r) && r->va < start && region_end(r) > end && !free_slots())
		return -ENOSPC;
	vm_batch_begin();	      /* one TLB fence for the write-protects and the unmaps */
	err = sync_range(start, end); /* first: a write error leaves everything mapped */
	while (!err && overlaps(start, end, &r))
		region_cut(r, r->va > start ? r->va : start,
			   region_end(r) < end ? region_end(r) : end);
	vm_batch_end();
	if (err)
		return err;
	stats.unmaps++;
	return 0;
}

int region_protect(void *addr, size_t length, unsigned prot)
{
	uint64_t start, end;
	int err;
	if (!prot_ok(prot))
		return -EINVAL;
	err = range_check(addr, length, &start, &end);
	if (err)
		return err;
	for (uint64_t cur = start; cur < end; cur = region_end(region_at(cur))) {
		struct region *r = region_at(cur);
		if ((prot & PROT_WRITE) && (r->flags & MAP_SHARED) && r->bd->read_only)
			return -EROFS;
	}
	err = range_isolate(start, end);
	if (err)
		return err;
	vm_batch_begin(); /* one TLB fence for the range */
	for (int i = 0; i < REGION_MAX; i++) {
		struct region *r = &regions[i];
		if (!r->va || r->va < start || region_end(r) > end)
			continue;
		r->prot = prot;
		/* Adding write access changes no PTE: the next write faults and is tracked. */
		for (uint64_t va = r->va; !(prot & PROT_WRITE) && va < region_end(r);
		     va += PAGE_SIZE) {
			unsigned vmprot;
			if (vm_lookup(va, &vmprot) && (vmprot & VM_W))
				vm_protect_page(va, VM_R);
		}
	}
	vm_batch_end();
	region_merge();
	stats.protects++;
	return 0;
}

/* ---- console ---- */

const struct region_stats *region_stats(void)
{
	const struct vm_stats *v = vm_stats();
	stats.tlb_fences = v->fences_page + v->fences_full;
	return &stats;
}

void region_stats_print(void)
{
	kprintf("regions: %u live, %u private pages; maps %lu, unmaps %lu, syncs %lu "
		"(%lu pages), protects %lu\n",
		stats.regions, stats.private_pages, (unsigned long)stats.maps,
		(unsigned long)stats.unmaps, (unsigned long)stats.syncs,
		(unsigned long)stats.pages_synced, (unsigned long)stats.protects);
	kprintf("  faults: read %lu, write %lu, copy-on-write %lu, bad %lu, failed %lu; "
		"read-ahead %lu pages\n",
		(unsigned long)stats.faults_read, (unsigned long)stats.faults_write,
		(unsigned long)stats.faults_cow, (unsigned long)stats.faults_bad,
		(unsigned long)stats.faults_failed, (unsigned long)stats.readahead);
	pcache_stats_print();
}

void region_dump(void)
{
	if (!stats.regions)
		kprintf("no regions\n");
	for (int i = 0; i < REGION_MAX; i++) {
		const struct region *r = &regions[i];
		uint64_t resident = 0, copies = 0, dirty = 0;
		if (!r->va)
			continue;
		for (uint64_t k = 0; k < r->npages; k++) {
			uint64_t pa = vm_lookup(r->va + k * PAGE_SIZE, NULL);
			struct pcache_page *pg = pcache_lookup(r->bd, r->pgno + k);
			resident += pa != 0;
			copies += pa && !(pg && pg->frame == pa);
			dirty += pg && pg->frame == pa && pg->dirty;
		}
		print_region(r);
		kprintf(": %lu pages, %lu resident, %lu dirty, %lu private copies\n",
			(unsigned long)r->npages, (unsigned long)resident, (unsigned long)dirty,
			(unsigned long)copies);
	}
	pcache_stats_print();
}
