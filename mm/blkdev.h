/*
 * The block contract: whole blocks, bounds checked once in the wrappers, negative error codes.
 * A block driver fills a struct blkdev and calls blkdev_register().
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blkdev;

struct blkdev_stats {
	uint64_t reads, writes, flushes; /* calls */
	uint64_t blocks_read, blocks_written;
	uint64_t errors;
};

struct blkdev_ops {
	int (*read)(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf);
	int (*write)(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf);
	int (*flush)(struct blkdev *bd);
};

struct blkdev {
	char name[16];
	uint32_t block_size; /* bytes, a power of two, <= PAGE_SIZE */
	uint64_t nblocks;
	bool read_only;
	const struct blkdev_ops *ops;
	void *priv;
	struct blkdev_stats stats;
	struct blkdev *next;
};

int blkdev_register(struct blkdev *bd);
/* First registered block device, or NULL. */
struct blkdev *blkdev_first(void);
/* Read/write n blocks at lba. -EINVAL if n == 0, -ERANGE if beyond the device, -EROFS for a
 * write to a read-only device, else the driver's result. */
int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf);
int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf);
int blkdev_flush(struct blkdev *bd);
