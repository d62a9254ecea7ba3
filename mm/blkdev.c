/*
 * Block device registry and the bounds-checked wrappers of mm/blkdev.h. Drivers see only
 * in-range, non-empty requests, so each op stays a few lines (a RAM copy, a virtqueue entry).
 */
#include <stdint.h>
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "mm/blkdev.h"
#include "lib/config.h"

static struct blkdev *blkdev_list;

/* A power of two, at least 512 (the smallest sector anyone ships) and at most a page, so a
 * page always holds a whole number of blocks. */
static bool block_size_ok(uint32_t bs)
{
	return bs >= 512 && bs <= PAGE_SIZE && (bs & (bs - 1)) == 0;
}

int blkdev_register(struct blkdev *bd)
{
	struct blkdev **pp = &blkdev_list;
	if (!bd || !bd->ops || !bd->ops->read || !bd->ops->write ||
	    !block_size_ok(bd->block_size) || bd->nblocks == 0)
		return -EINVAL;
	for (; *pp; pp = &(*pp)->next)
		if (*pp == bd)
			return -EEXIST;
	bd->next = NULL;
	*pp = bd; /* append: blkdev_first() stays the first device found at boot */
	pr_info("blk: %s: %lu blocks of %u bytes (%lu KiB)%s\n", bd->name,
		(unsigned long)bd->nblocks, bd->block_size,
		(unsigned long)(bd->nblocks * bd->block_size / 1024),
		bd->read_only ? ", read-only" : "");
	return 0;
}

struct blkdev *blkdev_first(void)
{
	return blkdev_list;
}

/* Shared by read and write: n == 0 is a caller bug (-EINVAL); lba + n may not wrap or pass the
 * end (-ERANGE). Counted as an error so misuse shows in the stats. */
static int check_range(struct blkdev *bd, uint64_t lba, uint32_t n)
{
	int err = 0;
	if (n == 0)
		err = -EINVAL;
	else if (lba >= bd->nblocks || n > bd->nblocks - lba)
		err = -ERANGE;
	if (err)
		bd->stats.errors++;
	return err;
}

int blkdev_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf)
{
	int err = check_range(bd, lba, n);
	if (err)
		return err;
	bd->stats.reads++;
	err = bd->ops->read(bd, lba, n, buf);
	if (err) {
		bd->stats.errors++;
		return err;
	}
	bd->stats.blocks_read += n;
	return 0;
}

int blkdev_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	int err;
	if (bd->read_only) {
		bd->stats.errors++;
		return -EROFS;
	}
	err = check_range(bd, lba, n);
	if (err)
		return err;
	bd->stats.writes++;
	err = bd->ops->write(bd, lba, n, buf);
	if (err) {
		bd->stats.errors++;
		return err;
	}
	bd->stats.blocks_written += n;
	return 0;
}

/* A device without a flush op has no volatile cache: nothing to do. */
int blkdev_flush(struct blkdev *bd)
{
	int err;
	bd->stats.flushes++;
	if (!bd->ops->flush)
		return 0;
	err = bd->ops->flush(bd);
	if (err)
		bd->stats.errors++;
	return err;
}
