/* Small allocator for kernel objects (size classes carved out of frames). */
#pragma once
#include <stddef.h>

/* Zeroed memory of at least size bytes (up to PAGE_SIZE), aligned to 16; NULL if out of memory. */
void *kmem_alloc(size_t size);
/* Free what kmem_alloc returned; NULL is allowed. */
void kmem_free(void *p);
