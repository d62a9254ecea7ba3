/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Physical page (frame) allocator over the DT memory ranges minus the image, the DTB and
 * reserved ranges. Frames are PAGE_SIZE bytes; addresses are physical (RAM is identity-mapped,
 * so a frame's physical address is also its kernel virtual address).
 */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "lib/config.h"

/* Usable ranges page_add_range accepts (reserved holes may split them further). */
#define PAGE_MAX_RANGES 16

struct page_stats {
	uint64_t total, free, low_water; /* frames */
	uint64_t allocs, frees;		 /* frames, so allocs - frees == total - free */
	uint64_t meta; /* frames holding the allocator's own bitmap and owner words */
};

/* Forget everything; then add usable ranges and carve out reserved ones (any order). */
void page_init(void);
/* Add [base, base+size) as usable RAM (rounded inward to pages; frame 0 is never used).
 * Returns 0 (also when nothing is left after rounding), -ENOSPC after PAGE_MAX_RANGES ranges,
 * -EINVAL if it wraps or overlaps a range added before, -EBUSY after the first allocation. */
int page_add_range(uint64_t base, uint64_t size);
/* Remove [base, base+size) from the usable set (rounded outward); what names its holder for
 * page_check_free ("the kernel image"; NULL: "reserved memory"; a string that lives on). Call
 * before page_alloc: reserving later is a broken invariant (panic). */
void page_reserve(uint64_t base, uint64_t size, const char *what);

/* What stands in the way of a range (page_check_free). */
struct page_conflict {
	uint64_t lo, hi;  /* [lo, hi): the reservation, or the part that is not RAM */
	const char *what; /* the reservation's name, or "not RAM" */
};
/*
 * May [base, base+size) be handed to a device as plain RAM (ramblk=)? 0 if every page of it
 * lies in the ranges added and clear of every reservation. Else -ERANGE (part of it is in no
 * added range: *c is the first such part) or -EBUSY (it overlaps a reservation: *c is the
 * lowest one it overlaps); -EINVAL for an empty or wrapping range. Any time, before or after
 * the first allocation (allocated frames are not looked at).
 */
int page_check_free(uint64_t base, uint64_t size, struct page_conflict *c);
/* One zeroed frame's physical address, or 0 when memory is exhausted. */
uint64_t page_alloc(void);
/* As page_alloc, but the frame's contents are left as they are: for callers that overwrite
 * the whole frame at once (the page cache reading a full page from a store). */
uint64_t page_alloc_raw(void);
/* n physically contiguous zeroed frames, aligned to align bytes (a power of two >= PAGE_SIZE);
 * 0 if no such run exists. */
uint64_t page_alloc_contig(size_t n, size_t align);
/* Free one frame. Freeing an address outside the managed ranges, unaligned, or already free
 * is a broken invariant: panic naming the address. */
void page_free(uint64_t pa);
void page_free_contig(uint64_t pa, size_t n);
const struct page_stats *page_stats(void);
/* Print the managed ranges and counts as log lines of this level (boot: LOG_INFO), or as a
 * command's answer with LOG_CONSOLE (`mem`). */
void page_dump(int level);

/*
 * One word per frame for whoever allocated it (mm/kmem.c keeps its slab descriptor there).
 * Reads 0 after page_alloc; page_free clears it. Both panic for an address that is not an
 * allocated frame.
 */
uint64_t page_owner(uint64_t pa);
void page_set_owner(uint64_t pa, uint64_t owner);
