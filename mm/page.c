/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Frame allocator: one free bitmap per usable range (bit set = frame free) plus one owner word
 * per frame, all stored in frames taken from the first range big enough, once, at the first
 * allocation. Ranges and reserved holes are plain [lo, hi) lists until then, so page_reserve
 * may come before or after page_add_range. Frames are touched through their physical address
 * (RAM is identity-mapped; on the host the tests hand in ranges of a real buffer).
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/page.h"

/* Reserved holes can split a usable range in two, hence more pieces than ranges. */
#define MAX_PIECES   (2 * PAGE_MAX_RANGES)
#define MAX_RESERVED 32
#define PAGE_MASK    (PAGE_SIZE - 1)
#define TOP_FRAME    (~(uint64_t)PAGE_MASK) /* a range's end can never pass this */

struct span {
	uint64_t lo, hi;  /* [lo, hi), page aligned bytes */
	const char *what; /* reservations: what holds it (page_check_free names it) */
};

struct piece {
	uint64_t base, npages;
	uint64_t *map;	 /* npages bits, set = free; NULL until finalize() */
	uint64_t *owner; /* npages words, see page_owner() */
	uint64_t nfree;
	uint64_t hint; /* map word where the last search found a free frame */
};

static struct {
	struct span added[PAGE_MAX_RANGES];
	int nadded;
	struct span rsv[MAX_RESERVED];
	int nrsv;
	struct piece p[MAX_PIECES];
	int np;
	bool ready; /* bitmaps built: no more add/reserve */
	struct page_stats st;
} pg;

static inline void *phys(uint64_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline uint64_t piece_end(const struct piece *p)
{
	return p->base + p->npages * PAGE_SIZE;
}

static inline uint64_t map_words(uint64_t npages)
{
	return (npages + 63) / 64;
}

static inline bool is_free(const struct piece *p, uint64_t i)
{
	return (p->map[i / 64] >> (i % 64)) & 1;
}

void page_init(void)
{
	memset(&pg, 0, sizeof(pg));
}

static void drop_piece(int i)
{
	pg.p[i] = pg.p[--pg.np];
}

static void set_piece(struct piece *p, uint64_t lo, uint64_t hi)
{
	p->base = lo;
	p->npages = (hi - lo) / PAGE_SIZE;
}

/* Remove [lo, hi) from every piece. A piece split in two needs a new slot; if none is left the
 * smaller half is dropped: losing memory is safe, handing out a reserved frame is not. */
static void carve(uint64_t lo, uint64_t hi)
{
	for (int i = 0; i < pg.np; i++) {
		struct piece *p = &pg.p[i];
		uint64_t plo = p->base, phi = piece_end(p);
		bool left = lo > plo, right = hi < phi;
		if (hi <= plo || lo >= phi)
			continue;
		if (left && right && pg.np == MAX_PIECES) {
			pr_warn("page: too many holes, dropping %lx-%lx\n", (unsigned long)plo,
				(unsigned long)phi);
			if (lo - plo >= phi - hi)
				right = false;
			else
				left = false;
		}
		if (left && right) {
			set_piece(p, plo, lo);
			set_piece(&pg.p[pg.np++], hi, phi);
		} else if (left) {
			set_piece(p, plo, lo);
		} else if (right) {
			set_piece(p, hi, phi);
		} else {
			drop_piece(i--);
		}
	}
}

int page_add_range(uint64_t base, uint64_t size)
{
	uint64_t lo, hi;
	if (pg.ready)
		return -EBUSY;
	if (base + size < base)
		return -EINVAL;
	lo = (base + PAGE_MASK) & ~PAGE_MASK;
	hi = (base + size) & ~PAGE_MASK;
	if (lo < base)
		return 0; /* rounding up wrapped: nothing usable */
	if (lo == 0)
		lo = PAGE_SIZE; /* 0 means "no frame" to our callers */
	if (lo >= hi)
		return 0;
	for (int i = 0; i < pg.nadded; i++)
		if (lo < pg.added[i].hi && hi > pg.added[i].lo)
			return -EINVAL;
	if (pg.nadded == PAGE_MAX_RANGES || pg.np == MAX_PIECES)
		return -ENOSPC;
	pg.added[pg.nadded++] = (struct span){ lo, hi, NULL };
	set_piece(&pg.p[pg.np++], lo, hi);
	for (int i = 0; i < pg.nrsv; i++)
		carve(pg.rsv[i].lo, pg.rsv[i].hi);
	return 0;
}

void page_reserve(uint64_t base, uint64_t size, const char *what)
{
	uint64_t lo = base & ~PAGE_MASK, end = base + size, hi;
	if (pg.ready)
		panic("page_reserve(%lx, %lx) after the first allocation", (unsigned long)base,
		      (unsigned long)size);
	if (size == 0)
		return;
	hi = (end < base || end > TOP_FRAME) ? TOP_FRAME : (end + PAGE_MASK) & ~PAGE_MASK;
	if (pg.nrsv == MAX_RESERVED)
		panic("page_reserve: more than %d reserved ranges", MAX_RESERVED);
	pg.rsv[pg.nrsv++] = (struct span){ lo, hi, what ? what : "reserved memory" };
	carve(lo, hi);
}

/* The added range holding pa, or NULL. */
static const struct span *added_at(uint64_t pa)
{
	for (int i = 0; i < pg.nadded; i++)
		if (pa >= pg.added[i].lo && pa < pg.added[i].hi)
			return &pg.added[i];
	return NULL;
}

/* Lowest start of an added range above pa, or end if none starts before it. */
static uint64_t next_added(uint64_t pa, uint64_t end)
{
	for (int i = 0; i < pg.nadded; i++)
		if (pg.added[i].lo > pa && pg.added[i].lo < end)
			end = pg.added[i].lo;
	return end;
}

int page_check_free(uint64_t base, uint64_t size, struct page_conflict *c)
{
	uint64_t end = base + size, pa = base & ~PAGE_MASK;
	const struct span *hit = NULL;
	if (size == 0 || end < base || end > TOP_FRAME)
		return -EINVAL;
	end = (end + PAGE_MASK) & ~PAGE_MASK;
	/* Covered by RAM, possibly across adjacent ranges? */
	while (pa < end) {
		const struct span *s = added_at(pa);
		if (!s) {
			*c = (struct page_conflict){ pa, next_added(pa, end), "not RAM" };
			return -ERANGE;
		}
		pa = s->hi;
	}
	/* Clear of every reservation? Name the lowest one in the way. */
	for (int i = 0; i < pg.nrsv; i++) {
		const struct span *r = &pg.rsv[i];
		if (r->lo < end && r->hi > (base & ~PAGE_MASK) && (!hit || r->lo < hit->lo))
			hit = r;
	}
	if (hit) {
		*c = (struct page_conflict){ hit->lo, hit->hi, hit->what };
		return -EBUSY;
	}
	return 0;
}

static void sort_pieces(void)
{
	for (int i = 1; i < pg.np; i++) {
		struct piece t = pg.p[i];
		int j = i;
		for (; j > 0 && pg.p[j - 1].base > t.base; j--)
			pg.p[j] = pg.p[j - 1];
		pg.p[j] = t;
	}
}

/* Take the frames for all bitmaps and owner words from the front of the first piece that
 * holds them, so the metadata is never part of any managed piece. */
static uint64_t take_meta(void)
{
	uint64_t bytes = 0, need;
	for (int i = 0; i < pg.np; i++)
		bytes += (map_words(pg.p[i].npages) + pg.p[i].npages) * sizeof(uint64_t);
	need = (bytes + PAGE_MASK) / PAGE_SIZE;
	for (int i = 0; i < pg.np; i++) {
		struct piece *p = &pg.p[i];
		if (p->npages > need) {
			uint64_t meta = p->base;
			p->base += need * PAGE_SIZE;
			p->npages -= need;
			memset(phys(meta), 0, need * PAGE_SIZE);
			pg.st.meta = need;
			return meta;
		}
	}
	return 0;
}

static void finalize(void)
{
	uint64_t meta, *cur;
	pg.ready = true;
	sort_pieces();
	meta = take_meta();
	if (!meta) {
		if (pg.np)
			pr_err("page: no range can hold the allocator's bitmaps\n");
		pg.np = 0;
		return;
	}
	cur = phys(meta);
	pg.st.total = 0;
	for (int i = 0; i < pg.np; i++) {
		struct piece *p = &pg.p[i];
		uint64_t full = p->npages / 64, rest = p->npages % 64;
		p->map = cur;
		cur += map_words(p->npages);
		p->owner = cur;
		cur += p->npages;
		for (uint64_t w = 0; w < full; w++)
			p->map[w] = ~0ull;
		if (rest)
			p->map[full] = (1ull << rest) - 1;
		p->nfree = p->npages;
		pg.st.total += p->npages;
	}
	pg.st.free = pg.st.low_water = pg.st.total;
}

static inline void ensure_ready(void)
{
	if (!pg.ready)
		finalize();
}

static struct piece *find_piece(uint64_t pa)
{
	for (int i = 0; i < pg.np; i++)
		if (pa >= pg.p[i].base && pa < piece_end(&pg.p[i]))
			return &pg.p[i];
	return NULL;
}

/* Mark frames [idx, idx+n) of p allocated, zero them and count. */
static uint64_t take(struct piece *p, uint64_t idx, uint64_t n, bool zero)
{
	uint64_t pa = p->base + idx * PAGE_SIZE;
	for (uint64_t i = idx; i < idx + n; i++) {
		ASSERT(is_free(p, i));
		p->map[i / 64] &= ~(1ull << (i % 64));
		p->owner[i] = 0;
	}
	p->nfree -= n;
	pg.st.free -= n;
	pg.st.allocs += n;
	if (pg.st.free < pg.st.low_water)
		pg.st.low_water = pg.st.free;
	if (zero)
		memset(phys(pa), 0, n * PAGE_SIZE);
	return pa;
}

static uint64_t alloc_one(bool zero)
{
	ensure_ready();
	for (int i = 0; i < pg.np; i++) {
		struct piece *p = &pg.p[i];
		uint64_t nw = map_words(p->npages);
		if (p->nfree == 0)
			continue;
		/* Start where the last search succeeded: frames before it are likely taken. */
		for (uint64_t k = 0; k < nw; k++) {
			uint64_t w = (p->hint + k) % nw;
			if (p->map[w]) {
				p->hint = w;
				return take(p, w * 64 + (uint64_t)__builtin_ctzll(p->map[w]), 1,
					    zero);
			}
		}
		panic("page: range %lx has %lu free frames but an empty bitmap",
		      (unsigned long)p->base, (unsigned long)p->nfree);
	}
	return 0;
}

uint64_t page_alloc(void)
{
	return alloc_one(true);
}

uint64_t page_alloc_raw(void)
{
	return alloc_one(false);
}

/* Index of the first allocated frame in [i, i+n) of p, or n + i if all are free. */
static uint64_t first_used(const struct piece *p, uint64_t i, uint64_t n)
{
	for (uint64_t j = i; j < i + n; j++)
		if (!is_free(p, j))
			return j;
	return i + n;
}

uint64_t page_alloc_contig(size_t n, size_t align)
{
	if (n == 0 || (align & (align - 1)) || align > (1ull << 40))
		return 0;
	if (align < PAGE_SIZE)
		align = PAGE_SIZE;
	ensure_ready();
	for (int k = 0; k < pg.np; k++) {
		struct piece *p = &pg.p[k];
		uint64_t step = align / PAGE_SIZE;
		uint64_t first =
			(((p->base + align - 1) & ~(uint64_t)(align - 1)) - p->base) / PAGE_SIZE;
		if (p->nfree < n)
			continue;
		for (uint64_t i = first; i + n <= p->npages;) {
			uint64_t j = first_used(p, i, n);
			if (j == i + n)
				return take(p, i, n, true);
			/* Next aligned start past the frame in use. */
			i = first + (j + 1 - first + step - 1) / step * step;
		}
	}
	return 0;
}

/* The piece and frame index of an allocated frame, or panic naming who asked. */
static struct piece *lookup_allocated(uint64_t pa, uint64_t *idx, const char *who)
{
	struct piece *p;
	ensure_ready();
	if (pa & PAGE_MASK)
		panic("%s: %lx is not page aligned", who, (unsigned long)pa);
	p = find_piece(pa);
	if (!p)
		panic("%s: %lx is not a managed frame", who, (unsigned long)pa);
	*idx = (pa - p->base) / PAGE_SIZE;
	if (is_free(p, *idx))
		panic("%s: frame %lx is free (double free?)", who, (unsigned long)pa);
	return p;
}

void page_free(uint64_t pa)
{
	uint64_t i;
	struct piece *p = lookup_allocated(pa, &i, "page_free");
	p->map[i / 64] |= 1ull << (i % 64);
	p->owner[i] = 0;
	p->nfree++;
	pg.st.free++;
	pg.st.frees++;
}

void page_free_contig(uint64_t pa, size_t n)
{
	for (size_t i = 0; i < n; i++)
		page_free(pa + i * PAGE_SIZE);
}

uint64_t page_owner(uint64_t pa)
{
	uint64_t i;
	struct piece *p = lookup_allocated(pa, &i, "page_owner");
	return p->owner[i];
}

void page_set_owner(uint64_t pa, uint64_t owner)
{
	uint64_t i;
	struct piece *p = lookup_allocated(pa, &i, "page_set_owner");
	p->owner[i] = owner;
}

const struct page_stats *page_stats(void)
{
	/* Before the first allocation the bitmaps do not exist yet: report the plan. */
	if (!pg.ready) {
		pg.st.total = 0;
		for (int i = 0; i < pg.np; i++)
			pg.st.total += pg.p[i].npages;
		pg.st.free = pg.st.low_water = pg.st.total;
	}
	return &pg.st;
}

/* "8172 KiB" or "254 MiB": MiB when exact or big enough that the rounding does not matter. */
static const char *fmt_size(char *buf, size_t len, uint64_t frames)
{
	uint64_t kib = frames * (PAGE_SIZE / 1024);
	if (kib >= (64 << 10) || (kib && kib % 1024 == 0))
		ksnprintf(buf, len, "%lu MiB", (unsigned long)(kib / 1024));
	else
		ksnprintf(buf, len, "%lu KiB", (unsigned long)kib);
	return buf;
}

void page_dump(int level)
{
	char a[24], b[24], c[24];
	ensure_ready();
	for (int i = 0; i < pg.np; i++) {
		const struct piece *p = &pg.p[i];
		klog(level, "page: %016lx-%016lx %s, %s free\n", (unsigned long)p->base,
		     (unsigned long)(piece_end(p) - 1), fmt_size(a, sizeof(a), p->npages),
		     fmt_size(b, sizeof(b), p->nfree));
	}
	klog(level, "page: %s free of %s (low water %s), %lu frames of bitmaps\n",
	     fmt_size(a, sizeof(a), pg.st.free), fmt_size(b, sizeof(b), pg.st.total),
	     fmt_size(c, sizeof(c), pg.st.low_water), (unsigned long)pg.st.meta);
}
