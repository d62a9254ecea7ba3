/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Small objects: power-of-two classes of 16..2048 bytes, each frame ("slab") holding objects
 * of one class, plus whole frames for 2049..PAGE_SIZE. A slab's bookkeeping lives out of the
 * frame, in a descriptor found through the frame's page owner word, so a 2048-byte class still
 * gets two objects per frame. Empty slabs go straight back to the page allocator.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/config.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/page.h"

#define MIN_SHIFT 4 /* 16 bytes */
#define NCLASSES  8 /* 16 .. 2048 */
#define MAX_SMALL (1u << (MIN_SHIFT + NCLASSES - 1))
#define MAX_OBJS  (PAGE_SIZE >> MIN_SHIFT)

/* Page owner words that are not descriptor pointers (a pointer is never this small). */
#define OWNER_PAGE 1ull /* a whole-page object */
#define OWNER_DESC 2ull /* a frame of slab descriptors */

struct slab {
	uint64_t freemap[MAX_OBJS / 64]; /* bit set = object free */
	struct slab *prev, *next; /* partial list of the class; next also links spare descriptors */
	uint64_t base;		  /* the frame */
	uint16_t inuse, nobj;
	uint8_t cls;
};

static struct {
	struct slab *partial[NCLASSES]; /* slabs with at least one free object */
	struct slab *spare;		/* unused descriptors */
	struct kmem_stats st;
} km;

_Static_assert(sizeof(struct slab) <= 64, "64 descriptors per frame");

void kmem_init(void)
{
	memset(&km, 0, sizeof(km));
}

static inline size_t class_size(unsigned cls)
{
	return (size_t)1 << (MIN_SHIFT + cls);
}

static unsigned class_of(size_t size)
{
	unsigned cls = 0;
	while (class_size(cls) < size)
		cls++;
	return cls;
}

/* A descriptor from the spare list, refilled a frame at a time. */
static struct slab *desc_get(void)
{
	struct slab *s;
	if (!km.spare) {
		uint64_t pa = page_alloc();
		if (!pa)
			return NULL;
		page_set_owner(pa, OWNER_DESC);
		km.st.desc_frames++;
		s = (struct slab *)(uintptr_t)pa;
		for (size_t i = 0; i < PAGE_SIZE / sizeof(*s); i++) {
			s[i].next = km.spare;
			km.spare = &s[i];
		}
	}
	s = km.spare;
	km.spare = s->next;
	memset(s, 0, sizeof(*s));
	return s;
}

static void desc_put(struct slab *s)
{
	s->next = km.spare;
	km.spare = s;
}

static void list_add(struct slab *s)
{
	struct slab **head = &km.partial[s->cls];
	s->prev = NULL;
	s->next = *head;
	if (*head)
		(*head)->prev = s;
	*head = s;
}

static void list_del(struct slab *s)
{
	if (s->prev)
		s->prev->next = s->next;
	else
		km.partial[s->cls] = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->prev = s->next = NULL;
}

static struct slab *slab_new(unsigned cls)
{
	struct slab *s = desc_get();
	uint64_t pa;
	if (!s)
		return NULL;
	pa = page_alloc();
	if (!pa) {
		desc_put(s);
		return NULL;
	}
	s->base = pa;
	s->cls = (uint8_t)cls;
	s->nobj = (uint16_t)(PAGE_SIZE / class_size(cls));
	for (unsigned i = 0; i < s->nobj; i++)
		s->freemap[i / 64] |= 1ull << (i % 64);
	page_set_owner(pa, (uint64_t)(uintptr_t)s);
	km.st.slabs++;
	list_add(s);
	return s;
}

static void *alloc_page_object(void)
{
	uint64_t pa = page_alloc(); /* zeroed */
	if (!pa)
		return NULL;
	page_set_owner(pa, OWNER_PAGE);
	km.st.pages++;
	return (void *)(uintptr_t)pa;
}

static void *alloc_small(unsigned cls)
{
	struct slab *s = km.partial[cls];
	unsigned w = 0, idx;
	void *p;
	if (!s)
		s = slab_new(cls);
	if (!s)
		return NULL;
	while (!s->freemap[w])
		w++; /* a partial slab has a free bit */
	idx = w * 64 + (unsigned)__builtin_ctzll(s->freemap[w]);
	s->freemap[w] &= ~(1ull << (idx % 64));
	if (++s->inuse == s->nobj)
		list_del(s);
	p = (void *)(uintptr_t)(s->base + idx * class_size(cls));
	memset(p, 0, class_size(cls)); /* freed objects keep their old contents */
	return p;
}

void *kmem_alloc(size_t size)
{
	void *p = NULL;
	if (size == 0 || size > PAGE_SIZE)
		return NULL;
	p = size > MAX_SMALL ? alloc_page_object() : alloc_small(class_of(size));
	if (p)
		km.st.allocs++;
	else
		km.st.failed++;
	return p;
}

static void free_small(struct slab *s, uint64_t addr)
{
	size_t size = class_size(s->cls), off = addr - s->base;
	unsigned idx = (unsigned)(off / size);
	bool listed = s->inuse < s->nobj;
	if (off % size)
		panic("kmem_free: %lx is inside a %zu-byte object", (unsigned long)addr, size);
	if (s->freemap[idx / 64] & (1ull << (idx % 64)))
		panic("kmem_free: double free of %lx", (unsigned long)addr);
	s->freemap[idx / 64] |= 1ull << (idx % 64);
	s->inuse--;
	if (s->inuse == 0) {
		if (listed)
			list_del(s);
		page_free(s->base);
		desc_put(s);
		km.st.slabs--;
	} else if (!listed) {
		list_add(s);
	}
}

void kmem_free(void *p)
{
	uint64_t addr = (uintptr_t)p, pa = addr & ~(PAGE_SIZE - 1), owner;
	if (!p)
		return;
	owner = page_owner(pa); /* panics unless pa is an allocated frame */
	if (owner == OWNER_PAGE) {
		if (addr != pa)
			panic("kmem_free: %lx is inside a page object", (unsigned long)addr);
		page_free(pa);
		km.st.pages--;
	} else if (owner == 0 || owner == OWNER_DESC) {
		panic("kmem_free: %lx was not allocated by kmem_alloc", (unsigned long)addr);
	} else {
		struct slab *s = (struct slab *)(uintptr_t)owner;
		ASSERT(s->base == pa);
		free_small(s, addr);
	}
	km.st.frees++;
}

const struct kmem_stats *kmem_stats(void)
{
	return &km.st;
}
