/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The region API under operation sequences read from the input, checked against a byte-array
 * model (the fakes of tests/host/fake_mm.h: a fake page table, frames from the heap, and an
 * MMU played by sim_access; a block device over a byte array). Beyond test_region's seeded model: middle-of-region unmaps (splits), MAP_FIXED,
 * arbitrary (mostly invalid) arguments checked against the documented error order, read and
 * write errors of the device and frame exhaustion switched on and off between operations.
 *
 * Input: byte 0 sets the page-cache budget (0..4 frames, 0 = unlimited); then each operation
 * is one byte (op) followed by its argument bytes; missing bytes read as zero.
 * After the sequence: everything unmapped, the disk equals the model, no frame, PTE, region or
 * private page is left. Any difference aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot/trap.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"
#include "mm/vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);
void host_console_clear(void);

#include "tests/host/fake_mm.h"

static struct blkdev dev = { .name = "fake0", .block_size = 512, .ops = &fd_ops };
static struct blkdev rodev = {
	.name = "ro0", .block_size = 512, .read_only = true, .ops = &fd_ops
};

/* ---- input ---- */
static const uint8_t *in;
static size_t in_left;

static unsigned take(void)
{
	if (!in_left)
		return 0;
	in_left--;
	return *in++;
}

static unsigned take16(void)
{
	unsigned v = take() << 8;
	return v | take();
}

/* ---- the model ---- */
#define MODEL_REGIONS 8
struct mregion {
	uint64_t va; /* 0 = slot free */
	uint64_t pg, npages;
	bool shared, writable;
	uint8_t *priv; /* private: contents of copied pages */
	bool *copied;
};
static struct mregion mr[MODEL_REGIONS];
static uint8_t logical[DISK_BYTES];
static uint8_t pattern[DISK_BYTES]; /* the disk at the start of every input */

static void bug(const char *what, long a, long b)
{
	fprintf(stderr, "fuzz_region: %s (%ld, %ld)\n", what, a, b);
	abort();
}

static bool faults_may_fail(void)
{
	return fail_reads || fail_writes || frames_limit >= 0;
}

static int expected(const struct mregion *m, uint64_t off)
{
	uint64_t p = off / PAGE_SIZE;
	if (!m->shared && m->copied[p])
		return m->priv[off];
	return logical[m->pg * PAGE_SIZE + off];
}

static void check_disk(uint64_t pg, uint64_t n)
{
	if (memcmp(disk + pg * PAGE_SIZE, logical + pg * PAGE_SIZE, n * PAGE_SIZE))
		bug("disk differs from the model after a successful sync/unmap", (long)pg, (long)n);
}

static struct mregion *free_slot(void)
{
	for (int i = 0; i < MODEL_REGIONS; i++)
		if (!mr[i].va)
			return &mr[i];
	return NULL;
}

/* Does [va, va + n pages) overlap a model region? */
static bool overlaps(uint64_t va, uint64_t n)
{
	for (int i = 0; i < MODEL_REGIONS; i++)
		if (mr[i].va && va < mr[i].va + mr[i].npages * PAGE_SIZE &&
		    mr[i].va < va + n * PAGE_SIZE)
			return true;
	return false;
}

static void op_map(void)
{
	struct mregion *m = free_slot();
	unsigned a = take(), b = take(), c = take();
	uint64_t pg = a % DISK_PAGES, n = 1 + b % 12, va = 0;
	unsigned flags;
	void *addr = NULL;
	int err, want = 0;
	if (!m)
		return;
	if (pg + n > DISK_PAGES)
		n = DISK_PAGES - pg;
	m->shared = c & 1;
	m->writable = (c & 2) != 0;
	flags = m->shared ? MAP_SHARED : MAP_PRIVATE;
	if (c & 4) { /* MAP_FIXED somewhere in the first 256 pages of the window */
		va = CONFIG_REGION_BASE + (uint64_t)take() * PAGE_SIZE;
		addr = (void *)(uintptr_t)va;
		flags |= MAP_FIXED;
		want = overlaps(va, n) ? -EEXIST : 0;
	}
	err = region_map(&dev, pg * PAGE_SIZE, n * PAGE_SIZE,
			 PROT_READ | (m->writable ? PROT_WRITE : 0), flags, &addr);
	if (err != want)
		bug("region_map result", err, want);
	if (err)
		return;
	if ((flags & MAP_FIXED) && (uint64_t)(uintptr_t)addr != va)
		bug("MAP_FIXED address not honoured", 0, 0);
	if (overlaps((uint64_t)(uintptr_t)addr, n))
		bug("region_map returned an address overlapping a region", 0, 0);
	if (fake_pte((uint64_t)(uintptr_t)addr + n * PAGE_SIZE - 1) == NULL)
		bug("region outside the fake page table", 0, 0);
	m->va = (uint64_t)(uintptr_t)addr;
	m->pg = pg;
	m->npages = n;
	m->priv = calloc(n, PAGE_SIZE);
	m->copied = calloc(n, sizeof(bool));
}

static void op_write(struct mregion *m)
{
	uint64_t off = take16() * 31u % (m->npages * PAGE_SIZE), p = off / PAGE_SIZE;
	uint8_t v = (uint8_t)take();
	int err = sim_access(m->va + off, true, &v);
	if (!m->writable) {
		if (err != -EACCES)
			bug("write to a read-only region", err, -EACCES);
		return;
	}
	if (err && !(faults_may_fail() && (err == -EIO || err == -ENOMEM)))
		bug("write fault", err, 0);
	if (err)
		return;
	if (m->shared) {
		logical[m->pg * PAGE_SIZE + off] = v;
		return;
	}
	if (!m->copied[p]) {
		memcpy(m->priv + p * PAGE_SIZE, logical + (m->pg + p) * PAGE_SIZE, PAGE_SIZE);
		m->copied[p] = true;
	}
	m->priv[off] = v;
}

static void op_read(const struct mregion *m)
{
	uint64_t off = take16() * 31u % (m->npages * PAGE_SIZE);
	uint8_t v = 0;
	int err = sim_access(m->va + off, false, &v);
	if (err && !(faults_may_fail() && (err == -EIO || err == -ENOMEM)))
		bug("read fault", err, 0);
	if (!err && v != expected(m, off))
		bug("read value differs from the model", v, expected(m, off));
}

static void op_sync(const struct mregion *m)
{
	int err = region_sync((void *)(uintptr_t)m->va, m->npages * PAGE_SIZE);
	if (err && !(fail_writes && err == -EIO))
		bug("region_sync", err, 0);
	if (!err && m->shared)
		check_disk(m->pg, m->npages);
}

static void op_protect(struct mregion *m)
{
	bool w = take() & 1;
	int err = region_protect((void *)(uintptr_t)m->va, m->npages * PAGE_SIZE,
				 PROT_READ | (w ? PROT_WRITE : 0));
	if (err)
		bug("region_protect", err, 0);
	m->writable = w;
}

/* Unmap pages [first, first + k) of m: the head, the tail, or a hole (m splits in two). */
static void op_unmap(struct mregion *m)
{
	uint64_t first = m->npages > 1 ? take() % m->npages : 0;
	uint64_t k = 1 + take() % (m->npages - first);
	struct mregion *t = NULL;
	int err;
	if (first > 0 && first + k < m->npages && !(t = free_slot()))
		return;
	err = region_unmap((void *)(uintptr_t)(m->va + first * PAGE_SIZE), k * PAGE_SIZE);
	if (err && !(fail_writes && err == -EIO && m->shared))
		bug("region_unmap", err, 0);
	if (err)
		return;
	if (m->shared)
		check_disk(m->pg + first, k);
	if (t) { /* the part after the hole becomes its own region */
		uint64_t tail = first + k, tn = m->npages - tail;
		*t = *m;
		t->va = m->va + tail * PAGE_SIZE;
		t->pg = m->pg + tail;
		t->npages = tn;
		t->priv = calloc(tn, PAGE_SIZE);
		t->copied = calloc(tn, sizeof(bool));
		memcpy(t->priv, m->priv + tail * PAGE_SIZE, tn * PAGE_SIZE);
		memcpy(t->copied, m->copied + tail, tn);
		m->npages = first;
		return;
	}
	if (k == m->npages) {
		free(m->priv);
		free(m->copied);
		memset(m, 0, sizeof(*m));
		return;
	}
	if (first == 0) {
		memmove(m->priv, m->priv + k * PAGE_SIZE, (m->npages - k) * PAGE_SIZE);
		memmove(m->copied, m->copied + k, m->npages - k);
		m->va += k * PAGE_SIZE;
		m->pg += k;
	}
	m->npages -= k;
}

/*
 * region_map with arbitrary arguments, never MAP_FIXED: the result must be the first error of
 * the documented order, or success (then it is unmapped again at once).
 */
static void op_map_any(void)
{
	struct blkdev *bd = take() & 1 ? &rodev : &dev;
	uint64_t off = (uint64_t)take16() * 512, len = (uint64_t)take16() * 256;
	unsigned prot = take() & 7, flags = take() & 3;
	uint64_t size = bd->nblocks * bd->block_size;
	void *addr = NULL;
	int want = 0, err;
	if (len == 0 || (off & (PAGE_SIZE - 1)) ||
	    (prot != PROT_READ && prot != (PROT_READ | PROT_WRITE)) ||
	    (flags != MAP_SHARED && flags != MAP_PRIVATE))
		want = -EINVAL;
	else if (off + len > size)
		want = -ERANGE;
	else if ((prot & PROT_WRITE) && flags == MAP_SHARED && bd->read_only)
		want = -EROFS;
	err = region_map(bd, off, len, prot, flags, &addr);
	if (err != want && !(want == 0 && (err == -ENOMEM || err == -ENOSPC)))
		bug("region_map with arbitrary arguments", err, want);
	if (!err && overlaps((uint64_t)(uintptr_t)addr, (len + PAGE_SIZE - 1) / PAGE_SIZE))
		bug("region_map returned an address overlapping a region", 0, 0);
	if (err)
		return;
	/* A shared mapping syncs the cache pages it shares with other regions: with failing
	 * writes it stays mapped (no data lost), and goes once writes work again. */
	err = region_unmap(addr, len);
	if (err == -EIO && fail_writes && flags == MAP_SHARED) {
		fail_writes = 0;
		err = region_unmap(addr, len);
		fail_writes = 1;
	}
	if (err)
		bug("unmap of a fresh region", err, 0);
}

/* sync/unmap/protect over a range that no model region touches: never success. */
static void op_range_any(void)
{
	unsigned which = take() % 3;
	uint64_t va = CONFIG_REGION_BASE + (uint64_t)take16() * 64 - 4 * PAGE_SIZE;
	size_t len = (size_t)take16() * 16;
	void *a = (void *)(uintptr_t)va;
	int err;
	if (overlaps(va & ~(PAGE_SIZE - 1), (len + PAGE_SIZE - 1) / PAGE_SIZE + 1))
		return;
	if (which == 0)
		err = region_sync(a, len);
	else if (which == 1)
		err = region_unmap(a, len);
	else
		err = region_protect(a, len, PROT_READ);
	if (err != -EINVAL && err != -ENOENT)
		bug("range call on unmapped addresses", err, (long)which);
}

static void run_op(void)
{
	unsigned op = take() % 20;
	struct mregion *m = &mr[take() % MODEL_REGIONS];
	if (op < 3 || (!m->va && op < 14)) {
		op_map();
		return;
	}
	if (op < 7)
		op_write(m);
	else if (op < 11)
		op_read(m);
	else if (op == 11)
		op_sync(m);
	else if (op == 12)
		op_protect(m);
	else if (op == 13)
		op_unmap(m);
	else if (op == 14)
		fail_reads = !fail_reads;
	else if (op == 15)
		fail_writes = !fail_writes;
	else if (op == 16)
		frames_limit = frames_limit >= 0 ? -1 : frames_live + (long)(take() % 4);
	else if (op == 17)
		op_map_any();
	else
		op_range_any();
}

static void finish(void)
{
	fail_reads = fail_writes = 0;
	frames_limit = -1;
	for (int i = 0; i < MODEL_REGIONS; i++) {
		struct mregion *m = &mr[i];
		int err;
		if (!m->va)
			continue;
		err = region_unmap((void *)(uintptr_t)m->va, m->npages * PAGE_SIZE);
		if (err)
			bug("final unmap", err, i);
		free(m->priv);
		free(m->copied);
		memset(m, 0, sizeof(*m));
	}
	check_disk(0, DISK_PAGES);
	if (region_stats()->regions || region_stats()->private_pages)
		bug("regions or private pages left", region_stats()->regions,
		    region_stats()->private_pages);
	if (pcache_set_budget(0) || pcache_drop_unused())
		bug("page cache refuses to empty", 0, 0);
	if (frames_live || ptes_live)
		bug("frames or PTEs leaked", frames_live, ptes_live);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	ptes = calloc(FAKE_PAGES, sizeof(*ptes));
	disk = calloc(1, DISK_BYTES);
	dev.nblocks = DISK_BYTES / 512;
	rodev.nblocks = DISK_BYTES / 512;
	for (size_t i = 0; i < DISK_BYTES; i++)
		pattern[i] = (uint8_t)(i * 7 + i / PAGE_SIZE);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	in = data;
	in_left = size;
	memcpy(disk, pattern, DISK_BYTES);
	memcpy(logical, pattern, DISK_BYTES);
	host_console_clear();
	if (pcache_set_budget(take() % 5))
		bug("pcache_set_budget", 0, 0);
	for (int n = 0; in_left && n < 2000; n++) {
		run_op();
		if (n % 64 == 0)
			host_console_clear(); /* failed faults are reported: keep room */
	}
	finish();
	return 0;
}
