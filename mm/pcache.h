/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Page cache: device pages (PAGE_SIZE bytes = PAGE_SIZE / block_size blocks) held in frames,
 * keyed by (blkdev, page number), like xv6's bget(dev, blockno).
 *
 * Interface:
 *   pcache_get()   find or load a page and pin it (the caller is using the frame right now);
 *   pcache_put()   unpin;
 *   pcache_map_add()/pcache_map_del()  count one page-table entry pointing at the frame (kept by
 *                  mm/region.c: a page with mappings stays cached);
 *   pcache_mark_dirty(), pcache_writeback()  dirty state is ours, never the hardware's D bit;
 *   a budget of frames: when it is reached (or page_alloc fails) a page is evicted, in this
 *   order: unmapped clean, unmapped dirty (written back first), mapped clean, mapped dirty
 *   (written back first). Mapped pages are taken away from the page tables through the hook.
 * Pinned pages are never evicted. Nothing here may be called re-entrantly from the hook.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mm/blkdev.h"

/* Descriptor slots: an upper bound on cached pages whatever the budget (16 MiB of frames). */
#define PCACHE_SLOTS 4096

struct pcache_page {
	struct blkdev *bd;
	uint64_t pgno;	/* device page: blocks pgno * (PAGE_SIZE / block_size) onwards */
	uint64_t frame; /* physical == kernel virtual address of the data */
	uint32_t pins;	/* pcache_get() holders */
	uint32_t maps;	/* page-table entries pointing at frame */
	bool dirty;
	struct pcache_page *hnext;	 /* hash chain, NULL-terminated */
	struct pcache_page *prev, *next; /* LRU list (head = coldest) or the free list (next) */
};

struct pcache_stats {
	uint64_t lookups, hits;
	uint64_t pages_read, pages_written; /* transfers to and from the store */
	uint64_t evict_clean, evict_dirty;  /* evictions by state at eviction time */
	uint64_t evict_mapped;		    /* of those, pages taken out of page tables */
	uint64_t read_errors, write_errors, nomem;
	uint32_t pages, dirty, budget; /* now; budget 0 = only PCACHE_SLOTS and free memory */
};

/* A mapping hook: mode PCACHE_HOOK_WRPROTECT makes every PTE of pg the user owns read-only;
 * PCACHE_HOOK_UNMAP removes them and calls pcache_map_del once for each. After all hooks ran
 * for an unmap, pg->maps must be 0 (a broken invariant otherwise). */
enum pcache_hook_mode { PCACHE_HOOK_WRPROTECT, PCACHE_HOOK_UNMAP };
struct pcache_hook {
	const char *name; /* the user, for the panic that reports a leftover mapping */
	void (*fn)(struct pcache_page *pg, enum pcache_hook_mode mode);
	struct pcache_hook *next; /* pcache.c's list */
};
/* Register h (once per user, at its init). 0, -EINVAL (no fn) or -EEXIST (already). */
int pcache_hook_register(struct pcache_hook *h);

/* Flags of pcache_get. NOEVICT: only use a free slot and free memory (read-ahead must not
 * push out pages someone is using). */
#define PCACHE_NOEVICT (1u << 0)

/*
 * Find or load page pgno of bd and pin it. A page beyond the device's last block is an error
 * (-ERANGE); a last page that is only partly on the device reads as zeros past the end.
 * Returns 0 with *out set, -ENOMEM (no frame, nothing evictable), -ERANGE, or the read error.
 * May write back and evict other pages (never pinned ones).
 */
int pcache_get(struct blkdev *bd, uint64_t pgno, unsigned flags, struct pcache_page **out);
void pcache_put(struct pcache_page *pg);
/* Cached page, or NULL; loads nothing, pins nothing. */
struct pcache_page *pcache_lookup(struct blkdev *bd, uint64_t pgno);
/*
 * Read-ahead: load pages pgno, pgno + 1, ... (at most n, at most PCACHE_RUN_MAX) in one
 * transfer (blkdev_read_pages) and pin them into out[]. Stops before the first page that is
 * cached already, lies past the device's end or is only partly on it, or would need an
 * eviction (PCACHE_NOEVICT semantics: read-ahead never pushes out pages in use). Returns how
 * many pages were loaded (0 if none could be), or the read error (then none).
 */
int pcache_get_ahead(struct blkdev *bd, uint64_t pgno, uint32_t n, struct pcache_page **out);
void pcache_map_add(struct pcache_page *pg);
void pcache_map_del(struct pcache_page *pg);
void pcache_mark_dirty(struct pcache_page *pg);
/*
 * If pg is dirty: write-protect all its mappings (through the hook), write its blocks, clear
 * dirty. 0 or the write error (the page then stays dirty and writable mappings stay read-only:
 * the next write faults and marks it dirty again).
 */
int pcache_writeback(struct pcache_page *pg);
/* Longest run pcache_writeback_run takes. */
#define PCACHE_RUN_MAX 64
/*
 * pcache_writeback for n <= PCACHE_RUN_MAX dirty pages of one device with consecutive page
 * numbers (pgs[i]->pgno == pgs[0]->pgno + i), in as few device transfers as it allows
 * (blkdev_write_pages). 0 or the write error; on an error every page of the run stays dirty
 * (and write-protected), since any of them may be the one that did not reach the device.
 */
int pcache_writeback_run(struct pcache_page *const *pgs, uint32_t n);
/*
 * A frame for someone else (copy-on-write copies), evicting cache pages if memory is short.
 * 0 if nothing could be freed. The frame is freed with page_free.
 */
uint64_t pcache_alloc_frame(void);
/* Set the budget in frames (0 = unlimited) and evict down to it. 0, or -EBUSY if pinned pages
 * keep the cache above it, or a write-back error. */
int pcache_set_budget(uint32_t pages);
/* Write back and evict every page that is neither mapped nor pinned (leak checks, shutdown).
 * 0 or the first write-back error. */
int pcache_drop_unused(void);
/* The same for the pages of bd only (other users' pages stay cached). */
int pcache_drop_dev(struct blkdev *bd);
/*
 * Write back every dirty page of bd in ascending block order, then flush bd: on success all of
 * bd's data written through the cache so far is durable. 0, or the first error (every other
 * dirty page is still attempted, and the flush still makes the ones written durable).
 */
int pcache_sync_dev(struct blkdev *bd);
const struct pcache_stats *pcache_stats(void);
void pcache_stats_print(void);
