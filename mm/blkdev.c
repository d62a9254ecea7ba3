/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Block device registry and the checked wrappers of mm/blkdev.h. Drivers see only in-range,
 * aligned, non-empty requests no longer than they asked for, so each op stays small (a RAM
 * copy, one NVMe command).
 */
#include <stdint.h>
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/blkdev.h"

static struct blkdev *blkdev_list;

/* A power of two, at least 512 (the smallest sector anyone ships) and at most a page, so a
 * page always holds a whole number of blocks. */
static bool block_size_ok(uint32_t bs)
{
	return bs >= 512 && bs <= PAGE_SIZE && (bs & (bs - 1)) == 0;
}

static bool geometry_ok(const struct blkdev *bd)
{
	return block_size_ok(bd->block_size) && bd->nblocks != 0 &&
	       (bd->dma_align & (bd->dma_align - 1)) == 0 && bd->dma_align <= PAGE_SIZE;
}

int blkdev_register(struct blkdev *bd)
{
	struct blkdev **pp = &blkdev_list;
	if (!bd || !bd->ops || !bd->ops->read || !bd->ops->write || !bd->name[0] ||
	    !geometry_ok(bd))
		return -EINVAL;
	for (; *pp; pp = &(*pp)->next)
		if (*pp == bd || strcmp((*pp)->name, bd->name) == 0)
			return -EEXIST;
	bd->next = NULL;
	bd->unflushed = false;
	*pp = bd;
	pr_info("blk: %s: %lu blocks of %u bytes (%lu KiB)%s\n", bd->name,
		(unsigned long)bd->nblocks, bd->block_size,
		(unsigned long)(bd->nblocks * bd->block_size / 1024),
		bd->read_only ? ", read-only" : "");
	return 0;
}

struct blkdev *blkdev_find(const char *name)
{
	for (struct blkdev *bd = blkdev_list; name && bd; bd = bd->next)
		if (strcmp(bd->name, name) == 0)
			return bd;
	return NULL;
}

struct blkdev *blkdev_next(const struct blkdev *bd)
{
	return bd ? bd->next : blkdev_list;
}

uint32_t blkdev_atomic_bytes(const struct blkdev *bd)
{
	return (bd->atomic_blocks ? bd->atomic_blocks : 1) * bd->block_size;
}

/* Shared by read and write, in the contract's order. Counted as an error so misuse shows in
 * the stats. */
static int check_request(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	uint64_t va = (uint64_t)(uintptr_t)buf;
	int err = 0;
	if (n == 0 || (bd->dma_align > 1 && (va & (bd->dma_align - 1))))
		err = -EINVAL;
	else if (va + (uint64_t)n * bd->block_size > CONFIG_REGION_BASE &&
		 va < CONFIG_REGION_BASE + CONFIG_REGION_SIZE)
		err = -EFAULT; /* not directly mapped: a DMA engine would miss the page tables */
	else if (lba >= bd->nblocks || n > bd->nblocks - lba)
		err = -ERANGE;
	if (err)
		bd->stats.errors++;
	return err;
}

/* The largest piece the driver takes from the n blocks left. */
static uint32_t piece(const struct blkdev *bd, uint32_t n)
{
	return bd->max_blocks && n > bd->max_blocks ? bd->max_blocks : n;
}

int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf)
{
	uint8_t *p = buf;
	int err = check_request(bd, lba, n, buf);
	while (!err && n) {
		uint32_t k = piece(bd, n);
		bd->stats.reads++;
		err = bd->ops->read(bd, lba, k, p);
		if (err) {
			bd->stats.errors++;
			break;
		}
		bd->stats.blocks_read += k;
		lba += k;
		n -= k;
		p += (size_t)k * bd->block_size;
	}
	return err;
}

int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	const uint8_t *p = buf;
	int err;
	if (bd->read_only) {
		bd->stats.errors++;
		return -EROFS;
	}
	err = check_request(bd, lba, n, buf);
	while (!err && n) {
		uint32_t k = piece(bd, n);
		bd->stats.writes++;
		/* Before the op: a failed write may still have reached the cache partly. */
		bd->unflushed = true;
		err = bd->ops->write(bd, lba, k, p);
		if (err) {
			bd->stats.errors++;
			break;
		}
		bd->stats.blocks_written += k;
		lba += k;
		n -= k;
		p += (size_t)k * bd->block_size;
	}
	return err;
}

/* Pages per read_pages/write_pages call: what max_blocks allows (0 when not even one page fits). */
static uint32_t pages_per_call(const struct blkdev *bd, uint32_t bpp)
{
	return bd->max_blocks ? bd->max_blocks / bpp : UINT32_MAX;
}

static int check_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages,
		       uint32_t bpp)
{
	if (!frames || npages == 0 || lba % bpp)
		return -EINVAL;
	for (uint32_t i = 0; i < npages; i++) {
		if (frames[i] & (PAGE_SIZE - 1))
			return -EINVAL;
		if (frames[i] + PAGE_SIZE > CONFIG_REGION_BASE &&
		    frames[i] < CONFIG_REGION_BASE + CONFIG_REGION_SIZE)
			return -EFAULT;
	}
	if (lba >= bd->nblocks || (uint64_t)npages * bpp > bd->nblocks - lba)
		return -ERANGE;
	return 0;
}

/* Page-list transfers, both directions: through the op in pieces of at most max_blocks, or
 * page by page through blkdev_read/write when the driver has no op (or not even a page fits). */
static int xfer_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages,
		      bool write)
{
	uint32_t bpp = (uint32_t)(PAGE_SIZE / bd->block_size), per = pages_per_call(bd, bpp);
	int (*op)(struct blkdev *, uint64_t, const uint64_t *, uint32_t) =
		write ? bd->ops->write_pages : bd->ops->read_pages;
	int err = write && bd->read_only ? -EROFS : check_pages(bd, lba, frames, npages, bpp);
	if (err) {
		bd->stats.errors++;
		return err;
	}
	for (uint32_t i = 0; (!op || per == 0) && i < npages && !err; i++) {
		void *page = (void *)(uintptr_t)frames[i];
		uint64_t at = lba + (uint64_t)i * bpp;
		err = write ? blkdev_write(bd, at, bpp, page) : blkdev_read(bd, at, bpp, page);
	}
	while (op && per && npages && !err) {
		uint32_t k = npages < per ? npages : per;
		if (write) {
			bd->stats.writes++;
			bd->unflushed = true; /* before the op, as blkdev_write */
		} else {
			bd->stats.reads++;
		}
		err = op(bd, lba, frames, k);
		if (err) {
			bd->stats.errors++;
			break;
		}
		if (write)
			bd->stats.blocks_written += (uint64_t)k * bpp;
		else
			bd->stats.blocks_read += (uint64_t)k * bpp;
		lba += (uint64_t)k * bpp;
		frames += k;
		npages -= k;
	}
	return err;
}

int blkdev_read_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages)
{
	return xfer_pages(bd, lba, frames, npages, false);
}

int blkdev_write_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages)
{
	return xfer_pages(bd, lba, frames, npages, true);
}

int blkdev_flush(struct blkdev *bd)
{
	int err;
	if (!bd->unflushed) {
		bd->stats.flushes_skipped++;
		return 0;
	}
	bd->stats.flushes++;
	err = bd->ops->flush ? bd->ops->flush(bd) : 0;
	if (err) {
		bd->stats.errors++;
		return err;
	}
	bd->unflushed = false;
	return 0;
}

void blkdev_dump(void)
{
	if (!blkdev_list)
		kprintf("blk: no block devices\n");
	for (const struct blkdev *bd = blkdev_list; bd; bd = bd->next)
		kprintf("%s: %lu x %u B, max %u blocks/transfer, atomic %u B%s; reads %lu (%lu "
			"blocks), writes %lu (%lu blocks), flushes %lu (+%lu skipped), errors "
			"%lu\n",
			bd->name, (unsigned long)bd->nblocks, bd->block_size, bd->max_blocks,
			blkdev_atomic_bytes(bd), bd->read_only ? ", read-only" : "",
			(unsigned long)bd->stats.reads, (unsigned long)bd->stats.blocks_read,
			(unsigned long)bd->stats.writes, (unsigned long)bd->stats.blocks_written,
			(unsigned long)bd->stats.flushes, (unsigned long)bd->stats.flushes_skipped,
			(unsigned long)bd->stats.errors);
}
