/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Regions: a block device's pages mapped into the region window (CONFIG_REGION_BASE), in the
 * spirit of POSIX mmap/msync/munmap/mprotect. Page-granular; nothing is read at map time: a
 * fault loads a page (with read-ahead when access is sequential) and maps it read-only, the
 * first write faults again and marks it dirty. MAP_SHARED regions over the same blocks share
 * frames through mm/pcache.c and see each other's writes at once; MAP_PRIVATE regions copy a
 * page on its first write and never write to the store.
 *
 * Range arguments (addr, length) of sync/unmap/protect: addr page-aligned, length > 0 (rounded
 * up to whole pages); the range must be covered by regions without holes, and may span several
 * regions or part of one (a region is split as needed, as munmap/mprotect split VMAs).
 * None of these may be called from the trap path; region_fault is the trap path's entry.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "mm/blkdev.h"

#define PROT_READ  (1u << 0)
#define PROT_WRITE (1u << 1) /* needs PROT_READ: write-only pages cannot be expressed */

#define MAP_SHARED  (1u << 0)
#define MAP_PRIVATE (1u << 1)
#define MAP_FIXED   (1u << 2) /* *addr is an input: map exactly there */

/* Regions at once (each split by unmap/protect counts). */
#define REGION_MAX 64

/*
 * Map length bytes of bd starting at byte offset into the region window; *addr gets the
 * address (or gives it, with MAP_FIXED). Reads nothing. Errors, checked in this order:
 *   -EINVAL  bd or addr NULL, bd's block size not dividing PAGE_SIZE, length 0, offset not
 *            page-aligned, prot not PROT_READ or PROT_READ|PROT_WRITE, flags not exactly one
 *            of MAP_SHARED/MAP_PRIVATE (plus optionally MAP_FIXED), or a MAP_FIXED address
 *            unaligned or outside the window
 *   -ERANGE  offset + length beyond the end of the device
 *   -EROFS   PROT_WRITE with MAP_SHARED on a read-only device (private copies are fine)
 *   -EEXIST  MAP_FIXED range overlaps an existing region
 *   -ENOMEM  no free range of that size in the window
 *   -ENOSPC  REGION_MAX regions already exist
 * A device whose size is not a multiple of PAGE_SIZE can be mapped to its end: the bytes past
 * the end of its last page read as zero and are never written back.
 */
int region_map(struct blkdev *bd, uint64_t offset, uint64_t length, unsigned prot, unsigned flags,
	       void **addr);
/*
 * Write back the dirty pages of the range, in block order, write-protecting each first (the
 * next write faults and marks it dirty again), then flush the device. Returns 0 only when
 * every byte written into the shared parts of the range before the call is on stable media
 * (mm/blkdev.h: the writes, then a flush). Private parts: nothing to do. 0, -EINVAL (bad
 * range), -ENOENT (not covered by regions), or the first write or flush error (every other
 * dirty page is still attempted and flushed). A crash during a sync leaves each page of the
 * range as it was before the sync or as it is now, but only in units of the device's atomic
 * write unit (blkdev_atomic_bytes): with a unit smaller than a page, a page may be part old,
 * part new.
 */
int region_sync(void *addr, size_t length);
/*
 * Copy n bytes between a region and ordinary memory (either side may be a region), taking a
 * fault that cannot be resolved (a read error, no memory, a protection fault) as an error
 * instead of stopping the kernel: services use this where a device error must become an
 * error reply. 0, or the fault's error (-EIO and friends from the device, -EACCES, -EFAULT);
 * the bytes before the fault are copied. Not for the trap path.
 */
int region_copy(void *dst, const void *src, size_t n);
/*
 * Remove the range. Shared parts are synced first (durably, as region_sync); if that fails, nothing is unmapped and the
 * write error is returned (no data is lost). Private copies are freed. 0, -EINVAL, -ENOENT,
 * -ENOSPC (a hole strictly inside one region needs a free slot; trimming a head or tail does
 * not), or the write error.
 */
int region_unmap(void *addr, size_t length);
/*
 * Change the protection of the range to prot (PROT_READ or PROT_READ|PROT_WRITE). Removing
 * PROT_WRITE write-protects mapped pages (dirty ones stay dirty until synced). 0, -EINVAL
 * (range or prot), -ENOENT, -EROFS (PROT_WRITE on a shared region of a read-only device),
 * -ENOSPC (a split needs a region slot).
 */
int region_protect(void *addr, size_t length, unsigned prot);

struct region_stats {
	uint64_t faults_read, faults_write, faults_cow; /* resolved faults by kind */
	uint64_t faults_bad;			/* outside any region or against its protection */
	uint64_t faults_failed;			/* in a region but no memory or a read error */
	uint64_t readahead;			/* pages loaded ahead of a sequential fault */
	uint64_t pages_synced;			/* dirty pages written back by region_sync/unmap */
	uint64_t maps, unmaps, syncs, protects; /* successful calls */
	uint64_t tlb_fences;			/* sfence.vma issued (mm/vm.c), any cause */
	uint32_t regions;			/* live now */
	uint32_t private_pages;			/* live copy-on-write frames */
};
const struct region_stats *region_stats(void);
/* Counters of regions and of the page cache (the `stats` command). */
void region_stats_print(void);
/* One line per region: window range, device and offset, protection, kind, resident pages. */
void region_dump(void);
