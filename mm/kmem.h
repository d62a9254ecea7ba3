/* SPDX-License-Identifier: BSD-2-Clause */
/* Small allocator for kernel objects (size classes carved out of frames). */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct kmem_stats {
	uint64_t allocs, frees, failed; /* calls */
	uint64_t slabs;			/* frames currently carved into small objects */
	uint64_t pages;			/* live whole-page allocations (2049..PAGE_SIZE bytes) */
	uint64_t desc_frames;		/* frames holding slab descriptors (kept for good) */
};

/* Forget all objects (host tests call it after page_init; the kernel's zeroed state is the
 * same, so boot need not). */
void kmem_init(void);
/* Zeroed memory of at least size bytes (up to PAGE_SIZE), aligned to 16 (to PAGE_SIZE above
 * 2048 bytes); NULL if out of memory or size is 0 or above PAGE_SIZE. */
void *kmem_alloc(size_t size);
/* Free what kmem_alloc returned; NULL is allowed. Anything else (a double free, a pointer into
 * an object, memory kmem did not hand out) is a broken invariant: panic naming the address. */
void kmem_free(void *p);
const struct kmem_stats *kmem_stats(void);
