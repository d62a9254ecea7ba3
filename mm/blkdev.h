/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The block contract. A block driver fills a struct blkdev and calls blkdev_register(); users
 * find a device by name (blkdev_find) and call the wrappers below, never the ops.
 *
 * What every driver guarantees and every caller may rely on:
 *   - Whole blocks only: block_size is a power of two from 512 to PAGE_SIZE, so a page holds a
 *     whole number of blocks. Devices are named by kind and unit: "ramblk0", "nvme0n1".
 *   - Buffers: buf is directly mapped kernel memory (the image, a page_alloc frame, kmem), whose
 *     virtual address is its physical address, so a driver may hand it to a DMA engine as it
 *     is. A region address is not (the wrappers refuse it with -EFAULT). buf must be aligned
 *     to dma_align bytes (-EINVAL otherwise); it may cross page boundaries.
 *   - Transfers: any n >= 1 within the device; the wrappers split a request into pieces of at
 *     most max_blocks, in ascending block order, so a driver never sees a longer one.
 *   - Synchronous: an op returns when the transfer is complete (read: the data is in buf;
 *     write: the device has taken the data, which is NOT yet durable). Ops never sleep or wait
 *     for an interrupt: they poll, with a time limit. They may therefore run in the trap path
 *     (a region page fault reads; an eviction under a fault writes), and callers must not call
 *     them re-entrantly from inside another op.
 *   - Durability: blkdev_flush() returns 0 only once every write that completed before the
 *     call is on stable media (NVMe Flush; nothing to do for a device without a volatile
 *     write cache). A crash before that may lose or keep any of those writes; a crash during
 *     one write leaves each aligned unit of atomic_blocks blocks either old or new (NVMe
 *     AWUPF) and promises nothing for larger units.
 *   - Errors are negative codes: -EIO (device error, the device reported it or stopped
 *     answering), -ETIMEDOUT (a command took longer than the driver's limit), -ERANGE.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;

struct blkdev_stats {
	uint64_t reads, writes, flushes; /* driver calls (after splitting) */
	uint64_t blocks_read, blocks_written;
	uint64_t flushes_skipped; /* blkdev_flush with nothing written since the last one */
	uint64_t errors;
	uint64_t wait_ns; /* time the driver spent polling for the device (0 for RAM) */
};

/* Called only through the wrappers, with 1 <= n <= max_blocks, lba + n within the device,
 * buf aligned to dma_align. 0 or a negative error. */
struct blkdev_ops {
	int (*read)(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf);
	int (*write)(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf);
	int (*flush)(struct blkdev *bd); /* NULL: no volatile cache, completed writes are durable */
	/* Optional: npages whole pages at lba (PAGE_SIZE / block_size blocks each) in one
	 * transfer of at most max_blocks, page i in the frame at frames[i] (page-aligned,
	 * directly mapped, anywhere in memory: a scatter list). NULL: the wrappers transfer
	 * page by page. */
	int (*read_pages)(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages);
	int (*write_pages)(struct blkdev *bd, uint64_t lba, const uint64_t *frames,
			   uint32_t npages);
};

struct blkdev {
	char name[16];
	uint32_t block_size; /* bytes, a power of two, 512 <= block_size <= PAGE_SIZE */
	uint64_t nblocks;
	uint32_t max_blocks;	/* longest transfer the driver takes; 0 = no limit */
	uint32_t dma_align;	/* buffer alignment in bytes, a power of two; 0 or 1 = none */
	uint32_t atomic_blocks; /* power-fail atomic write unit in blocks; 0 = 1 */
	bool read_only;
	bool unflushed; /* writes completed since the last successful flush (the wrappers') */
	const struct blkdev_ops *ops;
	void *priv;
	struct blkdev_stats stats;
	struct blkdev *next;
};

/* Add bd to the registry and log it. 0, -EINVAL (bad geometry or ops), -EEXIST (bd or its
 * name already registered). */
int blkdev_register(struct blkdev *bd);
/* The registered device called name, or NULL. */
struct blkdev *blkdev_find(const char *name);
/* Registered devices in registration order: blkdev_next(NULL) is the first; NULL ends. */
struct blkdev *blkdev_next(const struct blkdev *bd);
/*
 * Read/write n blocks at lba. Errors in checking order: -EINVAL (n == 0, buf misaligned),
 * -EFAULT (buf in the region window), -ERANGE (beyond the device), -EROFS (write to a read-only
 * device), else the driver's result (a split request stops at the first failing piece).
 */
int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf);
int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf);
/*
 * Read/write npages whole pages at lba, page i in the frame at frames[i] (page-aligned, directly
 * mapped): the page cache's read-ahead and its write-back of a run of consecutive dirty pages,
 * in as few transfers as the device allows (ascending, as blkdev_read/write). Errors as those
 * (-EINVAL also for an unaligned frame or an lba that does not start a page); on an error, an
 * unknown prefix of the pages may have been transferred.
 */
int blkdev_read_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages);
int blkdev_write_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages);
/* Make every completed write durable (see above). No command is sent when nothing was written
 * since the last successful flush. 0 or the driver's error (the next flush tries again). */
int blkdev_flush(struct blkdev *bd);
/* Bytes of the power-fail atomic write unit (at least block_size). */
uint32_t blkdev_atomic_bytes(const struct blkdev *bd);
/* One line per device: name, geometry, counters (the shell's `blk` command). */
void blkdev_dump(void);
