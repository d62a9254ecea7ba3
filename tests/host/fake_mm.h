/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fakes for host tests and fuzzers of mm/region.c and mm/pcache.c: frames from the heap
 * (page_alloc, page_alloc_raw, page_free override mm/page.c), a page table with one entry per
 * page of the region window (vm_* override mm/vm.c), and sim_access, which plays the MMU: it
 * calls region_fault when the entry is absent or read-only, then performs the access.
 * Header-only: each test program includes it once and allocates `ptes` (FAKE_PAGES entries).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include "boot/trap.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/blkdev.h"
#include "mm/page.h"
#include "mm/region.h"
#include "mm/vm.h"

/* ---- fake frames ---- */
static long frames_live;
static long frames_limit = -1; /* page_alloc fails at this many live frames (-1: never) */

uint64_t page_alloc(void)
{
	void *p;
	if (frames_limit >= 0 && frames_live >= frames_limit)
		return 0;
	p = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	memset(p, 0, PAGE_SIZE);
	frames_live++;
	return (uint64_t)(uintptr_t)p;
}

/* Raw frames come back full of garbage, so code that relies on zeroes from them shows up. */
uint64_t page_alloc_raw(void)
{
	uint64_t pa = page_alloc();
	if (pa)
		memset((void *)(uintptr_t)pa, 0xa5, PAGE_SIZE);
	return pa;
}

void page_free(uint64_t pa)
{
	ASSERT(pa && !(pa & (PAGE_SIZE - 1)));
	frames_live--;
	free((void *)(uintptr_t)pa);
}

/* ---- fake page table over the first FAKE_PAGES pages of the window ---- */
#define FAKE_PAGES (1u << 16)
struct fpte {
	uint64_t pa;
	unsigned prot;
};
static struct fpte *ptes;
static long ptes_live;

static struct fpte *fake_pte(uint64_t va)
{
	uint64_t i = (va - CONFIG_REGION_BASE) / PAGE_SIZE;
	if (va < CONFIG_REGION_BASE || i >= FAKE_PAGES)
		return NULL;
	return &ptes[i];
}

/*
 * A TLB in front of the fake table: sim_access caches a page's translation on first use and
 * keeps it until a fence drops it (an unbatched change fences its page; vm_batch_end fences
 * everything), as hardware may. A change that region code leaves unfenced when it returns
 * is seen stale: a write through a write-protected page that still reads writable, a fault
 * that never resolves.
 */
static struct fpte tlb[FAKE_PAGES];
static bool tlb_ok[FAKE_PAGES];
static uint32_t tlb_filled[FAKE_PAGES], ntlb; /* pages cached since the last full fence */
static int fake_batch;
static long fake_fences;

static bool fake_pending; /* a fence is due at the batch's end */

static void fake_fence(uint64_t va)
{
	if (fake_batch) {
		fake_pending = true; /* the batch's end fences */
		return;
	}
	fake_fences++;
	if (fake_pte(va))
		tlb_ok[(va - CONFIG_REGION_BASE) / PAGE_SIZE] = false;
}

void vm_batch_begin(void)
{
	fake_batch++;
}

void vm_batch_end(void)
{
	fake_batch--;
	if (!fake_pending)
		return;
	fake_pending = false;
	fake_fences++;
	for (uint32_t i = 0; i < ntlb; i++)
		tlb_ok[tlb_filled[i]] = false;
	ntlb = 0;
}

void vm_flush_stale(uint64_t va)
{
	(void)va;
	fake_batch++; /* a full fence, now or at the end of the fault's batch */
	fake_pending = true;
	vm_batch_end();
}

const struct vm_stats *vm_stats(void)
{
	static struct vm_stats v;
	v.fences_page = (uint64_t)fake_fences;
	return &v;
}

static struct fpte *tlb_lookup(uint64_t va)
{
	uint64_t i = (va - CONFIG_REGION_BASE) / PAGE_SIZE;
	if (!fake_pte(va))
		return NULL;
	if (!tlb_ok[i]) {
		if (ntlb == FAKE_PAGES) { /* every slot noted once already: start over */
			memset(tlb_ok, 0, sizeof(tlb_ok));
			ntlb = 0;
		}
		tlb[i] = ptes[i];
		tlb_ok[i] = true;
		tlb_filled[ntlb++] = (uint32_t)i;
	}
	return &tlb[i];
}

int vm_map_page(uint64_t va, uint64_t pa, unsigned prot)
{
	struct fpte *e = fake_pte(va);
	if (!e || (va & (PAGE_SIZE - 1)) || !pa || !(prot & VM_R) || (prot & VM_X))
		return -EINVAL;
	if (e->pa) /* a remap is fenced; a new mapping is not, as mm/vm.c */
		fake_fence(va);
	ptes_live += !e->pa;
	e->pa = pa;
	e->prot = prot;
	return 0;
}

void vm_unmap_page(uint64_t va)
{
	struct fpte *e = fake_pte(va);
	if (e && e->pa) {
		e->pa = 0;
		ptes_live--;
		fake_fence(va);
	}
}

int vm_protect_page(uint64_t va, unsigned prot)
{
	struct fpte *e = fake_pte(va);
	if (!e || !e->pa)
		return -ENOENT;
	if (e->prot & ~prot) /* only taking rights away is fenced, as mm/vm.c */
		fake_fence(va);
	e->prot = prot;
	return 0;
}

uint64_t vm_lookup(uint64_t va, unsigned *prot)
{
	struct fpte *e = fake_pte(va & ~(PAGE_SIZE - 1));
	if (!e || !e->pa)
		return 0;
	if (prot)
		*prot = e->prot;
	return e->pa;
}

/* ---- the MMU: fault when absent or read-only, then access ---- */
static int sim_access(uint64_t va, bool write, uint8_t *v)
{
	struct fpte *e = tlb_lookup(va & ~(PAGE_SIZE - 1));
	uint8_t *p;
	/* as a hart: fault, retry; a stale entry faults once more, and that fault fences it */
	for (int tries = 0; !e || !e->pa || (write && !(e->prot & VM_W)); tries++) {
		int err;
		if (tries == 2)
			return -9999; /* "resolved" but the retry would fault again (or unfenced) */
		err = region_fault(va, write ? FAULT_WRITE : FAULT_READ);
		if (err)
			return err;
		if (fake_batch)
			return -9998; /* the fault returned inside a batch it left open */
		e = tlb_lookup(va & ~(PAGE_SIZE - 1));
	}
	p = (uint8_t *)(uintptr_t)(e->pa + (va & (PAGE_SIZE - 1)));
	if (write)
		*p = *v;
	else
		*v = *p;
	return 0;
}

/* ---- a block device over the byte array `disk`; reads/writes fail while fail_* is set ---- */
static uint8_t *disk;
static int fail_reads, fail_writes;

static int fd_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf)
{
	if (fail_reads)
		return -EIO;
	memcpy(buf, disk + lba * bd->block_size, (size_t)n * bd->block_size);
	return 0;
}

static int fd_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	if (fail_writes)
		return -EIO;
	memcpy(disk + lba * bd->block_size, buf, (size_t)n * bd->block_size);
	return 0;
}

/* Flushes reaching the device, and the device's write count at the last one: a write is
 * durable once a flush came after it. */
static int fail_flushes;
static uint64_t fd_flushes, fd_writes, fd_writes_at_flush;

static int fd_write_counted(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	int err = fd_write(bd, lba, n, buf);
	fd_writes += !err;
	return err;
}

static int fd_flush(struct blkdev *bd)
{
	(void)bd;
	if (fail_flushes)
		return -EIO;
	fd_flushes++;
	fd_writes_at_flush = fd_writes;
	return 0;
}

/* Scatter-list page writes: one device write for the whole run, as NVMe does. */
static uint64_t fd_page_runs;
static int fd_write_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t n)
{
	uint64_t bpp = PAGE_SIZE / bd->block_size;
	if (fail_writes)
		return -EIO;
	for (uint32_t i = 0; i < n; i++)
		memcpy(disk + (lba + i * bpp) * bd->block_size, (const void *)(uintptr_t)frames[i],
		       PAGE_SIZE);
	fd_writes++;
	fd_page_runs++;
	return 0;
}

static uint64_t fd_read_runs;
static int fail_read_runs; /* only the scatter reads fail */
static int fd_read_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t n)
{
	uint64_t bpp = PAGE_SIZE / bd->block_size;
	if (fail_reads || fail_read_runs)
		return -EIO;
	for (uint32_t i = 0; i < n; i++)
		memcpy((void *)(uintptr_t)frames[i], disk + (lba + i * bpp) * bd->block_size,
		       PAGE_SIZE);
	fd_read_runs++;
	return 0;
}

static const struct blkdev_ops fd_ops = {
	.read = fd_read,
	.read_pages = fd_read_pages,
	.write = fd_write_counted,
	.flush = fd_flush,
	.write_pages = fd_write_pages,
};

#define DISK_PAGES 64
#define DISK_BYTES (DISK_PAGES * PAGE_SIZE)
