/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * In-guest tests of the NVMe driver against QEMU's model (tests/run-guest.py attaches an
 * 8 MiB raw image as nvme0, serial "gtest"; the host wrote block k's number as a 64-bit
 * little-endian value at the start of each block of the first 2 MiB, 0xa5 elsewhere).
 * The tests write only the upper half of the disk. Counters are compared as deltas.
 */
#include <stdint.h>
#include "drivers/nvme.h"
#include "drivers/nvme_regs.h"
#include "drivers/pci.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/util.h"
#include "mm/blkdev.h"
#include "mm/page.h"
#include "mm/pcache.h"
#include "mm/region.h"
#include "tests/guest/gtest.h"

#define DISK_BLOCKS   16384u /* 8 MiB of 512-byte blocks */
#define PATTERN_BLOCK 4096u  /* blocks below hold the host's pattern */
#define SCRATCH	      8192u  /* first block the tests may write */

/* spike has no PCIe host bridge and so no disk: the runner attaches one wherever PCIe is. */
static bool machine_has_pcie(void)
{
	return pci_host() != NULL;
}

static struct blkdev *disk(void)
{
	struct blkdev *bd = blkdev_find("nvme0n1");
	ok(bd != NULL && bd == nvme_blkdev(0), "nvme0n1 registered");
	return bd;
}

static uint64_t block_tag(const uint8_t *blk)
{
	uint64_t v;
	memcpy(&v, blk, sizeof(v));
	return v;
}

/* The host's pattern in n blocks from lba. */
static bool is_pattern(const uint8_t *buf, uint64_t lba, uint32_t n)
{
	for (uint32_t b = 0; b < n; b++) {
		const uint8_t *blk = buf + (size_t)b * 512;
		if (block_tag(blk) != lba + b || blk[8] != 0xa5 || blk[511] != 0xa5)
			return false;
	}
	return true;
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 7 + (i >> 9));
}

static uint8_t *frames(size_t n)
{
	uint8_t *p = (uint8_t *)(uintptr_t)page_alloc_contig(n, PAGE_SIZE);
	ok(p != NULL, "%zu frames", n);
	return p;
}

GTEST(nvme_identify)
{
	if (!machine_has_pcie())
		return;
	const struct nvme_info *in = nvme_info(0);
	struct blkdev *bd = disk();
	ok(in != NULL, "nvme0 attached");
	if (!in || !bd)
		return;
	ok(strcmp(in->model, "QEMU NVMe Ctrl") == 0, "model '%s'", in->model);
	ok(strcmp(in->serial, "gtest") == 0, "serial '%s'", in->serial);
	ok(in->version >= 0x10400, "NVMe 1.4+: %x", in->version);
	ok(in->nsid == 1 && in->block_size == 512 && in->nblocks == DISK_BLOCKS,
	   "namespace %u: %lu blocks of %u", in->nsid, (unsigned long)in->nblocks, in->block_size);
	ok(in->max_transfer == 512 * 1024, "MDTS 7 = 512 KiB: %u", in->max_transfer);
	ok(in->vwc, "QEMU reports a volatile write cache");
	ok(in->awupf >= 1 && bd->atomic_blocks == in->awupf, "atomic unit %u", in->awupf);
	ok(bd->block_size == 512 && bd->nblocks == DISK_BLOCKS && bd->max_blocks == 1024 &&
		   bd->dma_align == 4,
	   "blkdev geometry: max %u blocks, align %u", bd->max_blocks, bd->dma_align);
	ok(!nvme_is_offline(0), "online");
}

GTEST(nvme_read_host_pattern)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	uint8_t *buf = frames(1);
	if (!bd || !buf)
		return;
	ok(blkdev_read(bd, 0, 8, buf) == 0 && is_pattern(buf, 0, 8), "blocks 0-7");
	ok(blkdev_read(bd, PATTERN_BLOCK - 8, 8, buf) == 0 && is_pattern(buf, PATTERN_BLOCK - 8, 8),
	   "the last pattern blocks");
	page_free((uintptr_t)buf);
}

GTEST(nvme_write_read_flush)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	const struct nvme_stats *st = nvme_stats(0);
	uint8_t *out = frames(2), *in = out + PAGE_SIZE;
	uint64_t flushes, cmds;
	if (!bd || !out)
		return;
	fill(out, PAGE_SIZE, 3);
	ok(blkdev_write(bd, SCRATCH, 8, out) == 0 && bd->unflushed, "write, unflushed");
	ok(blkdev_read(bd, SCRATCH, 8, in) == 0 && memcmp(in, out, PAGE_SIZE) == 0, "read back");
	flushes = st->flushes;
	ok(blkdev_flush(bd) == 0 && st->flushes == flushes + 1 && !bd->unflushed, "Flush sent");
	cmds = st->io_cmds;
	ok(blkdev_flush(bd) == 0 && st->io_cmds == cmds, "nothing written since: no command");
	ok(nvme_raw_io(0, NVME_CMD_FLUSH, 0, 0, NULL) == 0, "a raw Flush completes");
	page_free_contig((uintptr_t)out, 2);
}

/* Transfers that cross pages: PRP1 alone, PRP1 + PRP2, PRP lists up to the largest transfer
 * from the worst allowed offset; written from one layout, read back through another. */
GTEST(nvme_prp_boundaries)
{
	if (!machine_has_pcie())
		return;
	static const struct {
		uint32_t off, blocks;
	} cases[] = {
		{ 0, 1 },    { 3584, 1 },    { 3584, 2 },    { 4, 8 },	 { 0, 16 },
		{ 512, 16 }, { 4092, 17 },   { 0, 24 },	     { 8, 200 }, { 0, 1024 },
		{ 4, 1024 }, { 4092, 1024 }, { 2048, 1023 },
	};
	struct blkdev *bd = disk();
	const size_t npg = 1024 * 512 / PAGE_SIZE + 2;
	uint8_t *a = frames(npg), *b = frames(npg);
	if (!bd || !a || !b)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t n = cases[i].blocks, off = cases[i].off;
		uint64_t lba = SCRATCH + 1 + i * 7;
		uint64_t cmds = nvme_stats(0)->io_cmds;
		fill(a + off, (size_t)n * 512, (uint8_t)i);
		ok(blkdev_write(bd, lba, n, a + off) == 0, "write %u blocks at +%u", n, off);
		ok(nvme_stats(0)->io_cmds == cmds + 1, "one command for %u blocks", n);
		memset(b, 0, npg * PAGE_SIZE);
		ok(blkdev_read(bd, lba, n, b + (off ? 0 : 4)) == 0, "read %u", n);
		ok(memcmp(b + (off ? 0 : 4), a + off, (size_t)n * 512) == 0,
		   "%u blocks at +%u differ", n, off);
	}
	/* past the largest transfer: the wrapper splits, the driver never sees it */
	{
		uint64_t cmds = nvme_stats(0)->io_cmds;
		ok(blkdev_read(bd, 0, 1025, a) == 0 && nvme_stats(0)->io_cmds == cmds + 2 &&
			   is_pattern(a, 0, 1025),
		   "1025 blocks: two commands, right data");
		ok(nvme_raw_io(0, NVME_CMD_READ, 0, 1025, a) == -EINVAL, "driver refuses > MDTS");
	}
	page_free_contig((uintptr_t)a, npg);
	page_free_contig((uintptr_t)b, npg);
}

GTEST(nvme_errors)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	const struct nvme_stats *st = nvme_stats(0);
	uint8_t *buf = frames(1);
	uint64_t errors, cmds;
	if (!bd || !buf)
		return;
	errors = st->errors;
	ok(nvme_raw_io(0, NVME_CMD_READ, DISK_BLOCKS, 1, buf) == -ERANGE, "LBA out of range");
	ok(st->errors == errors + 1 && NVME_STATUS_SCT(st->last_status) == NVME_SCT_GENERIC &&
		   NVME_STATUS_SC(st->last_status) == NVME_SC_LBA_RANGE,
	   "status 0x%x", st->last_status);
	ok(nvme_raw_io(0, NVME_CMD_WRITE, DISK_BLOCKS - 1, 2, buf) == -ERANGE, "crossing the end");
	cmds = st->io_cmds;
	ok(blkdev_read(bd, DISK_BLOCKS - 1, 2, buf) == -ERANGE && st->io_cmds == cmds,
	   "the wrapper refuses first");
	ok(blkdev_read(bd, 0, 1, buf + 2) == -EINVAL && st->io_cmds == cmds, "misaligned");
	ok(blkdev_read(bd, 0, 1, buf) == 0 && is_pattern(buf, 0, 1), "still works");
	page_free((uintptr_t)buf);
}

/* A command the device never sees (its doorbell dropped) times out; the controller is reset
 * and the next command works. */
GTEST(nvme_timeout_and_reset)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	const struct nvme_stats *st = nvme_stats(0);
	uint8_t *buf = frames(1);
	uint64_t timeouts, resets;
	if (!bd || !buf)
		return;
	timeouts = st->timeouts;
	resets = st->resets;
	nvme_faults.timeout_ns = 20 * 1000 * 1000;
	nvme_faults.drop_doorbells = 1;
	ok(blkdev_read(bd, 0, 8, buf) == -ETIMEDOUT, "timed out");
	nvme_faults.timeout_ns = 0;
	ok(st->timeouts == timeouts + 1 && st->resets == resets + 1 && !nvme_is_offline(0),
	   "counted, reset, online");
	memset(buf, 0, PAGE_SIZE);
	ok(blkdev_read(bd, 8, 8, buf) == 0 && is_pattern(buf, 8, 8), "works after the reset");
	page_free((uintptr_t)buf);
}

/* A controller that reports a fatal status and cannot be brought back: requests fail with
 * -EIO, a region fault on it becomes an error (not a hang, not a panic), and once the device
 * is healthy again a reset brings the disk back. */
GTEST(nvme_fatal_offline)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	const struct nvme_stats *st = nvme_stats(0);
	uint8_t *buf = frames(1), v = 0;
	uint64_t fatal;
	void *a;
	if (!bd || !buf)
		return;
	ok(region_map(bd, 0, 4 * PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == 0, "map");
	fatal = st->fatal;
	nvme_faults.fake_cfs = true;
	nvme_faults.drop_doorbells = 1; /* QEMU would complete it before we look at CSTS */
	ok(blkdev_read(bd, 0, 1, buf) == -EIO, "fatal status: I/O error");
	nvme_faults.drop_doorbells = 0;
	ok(st->fatal == fatal + 1 && nvme_is_offline(0), "counted; reset failed: offline");
	ok(blkdev_read(bd, 0, 1, buf) == -EIO, "offline: -EIO at once");
	ok(region_copy(&v, a, 1) == -EIO, "a region fault reports the I/O error");
	nvme_faults.fake_cfs = false;
	ok(nvme_reset(0) == 0 && !nvme_is_offline(0), "healthy again after a reset");
	ok(region_copy(&v, (uint8_t *)a + 8, 1) == 0 && v == 0xa5, "the region reads again");
	ok(region_unmap(a, 4 * PAGE_SIZE) == 0, "unmap");
	ok(pcache_drop_dev(bd) == 0, "drop");
	page_free((uintptr_t)buf);
}

/* region_sync over NVMe: dirty pages only, written, then flushed, before it returns. */
GTEST(nvme_region_sync_durable)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	const struct nvme_stats *st = nvme_stats(0);
	uint8_t *buf = frames(1), *a;
	uint64_t writes, flushes;
	if (!bd || !buf)
		return;
	ok(region_map(bd, (uint64_t)SCRATCH * 512, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
		      MAP_SHARED, (void **)&a) == 0,
	   "map");
	ok(region_copy(a + 3 * PAGE_SIZE + 10, "durable", 7) == 0, "write page 3");
	ok(region_copy(a + 6 * PAGE_SIZE, "also", 4) == 0, "write page 6");
	writes = st->writes;
	flushes = st->flushes;
	ok(region_sync(a, 8 * PAGE_SIZE) == 0, "sync");
	ok(st->writes == writes + 2 && st->flushes == flushes + 1 && !bd->unflushed,
	   "2 page writes, then a Flush (%lu writes, %lu flushes)",
	   (unsigned long)(st->writes - writes), (unsigned long)(st->flushes - flushes));
	ok(nvme_raw_io(0, NVME_CMD_READ, SCRATCH + 3 * 8, 8, buf) == 0 &&
		   memcmp(buf + 10, "durable", 7) == 0,
	   "on the disk");
	ok(region_sync(a, 8 * PAGE_SIZE) == 0 && st->flushes == flushes + 1, "clean: no Flush");
	for (int i = 0; i < 8; i++)
		ok(region_copy(a + i * PAGE_SIZE + 100, &i, 1) == 0, "dirty page %d", i);
	writes = st->writes;
	ok(region_sync(a, 8 * PAGE_SIZE) == 0 && st->writes == writes + 1 &&
		   st->flushes == flushes + 2,
	   "8 consecutive dirty pages: one Write from a PRP list (%lu), one Flush",
	   (unsigned long)(st->writes - writes));
	ok(nvme_raw_io(0, NVME_CMD_READ, SCRATCH + 7 * 8, 8, buf) == 0 && buf[100] == 7 &&
		   memcmp(buf + 200, a + 7 * PAGE_SIZE + 200, 512) == 0,
	   "scattered frames landed in order");
	ok(region_unmap(a, 8 * PAGE_SIZE) == 0 && pcache_drop_dev(bd) == 0, "unmap");
	page_free((uintptr_t)buf);
}

/* A sequential fault on NVMe: the page, then its read-ahead stretch in one Read. */
GTEST(nvme_readahead_one_read)
{
	if (!machine_has_pcie())
		return;
	struct blkdev *bd = disk();
	const struct nvme_stats *st = nvme_stats(0);
	uint64_t reads;
	uint8_t v = 0;
	void *a;
	if (!bd)
		return;
	ok(pcache_drop_dev(bd) == 0, "nothing cached");
	ok(region_map(bd, 0, 16 * PAGE_SIZE, PROT_READ, MAP_SHARED, &a) == 0, "map");
	reads = st->reads;
	ok(region_copy(&v, a, 1) == 0 && v == 0, "page 0 (block 0's tag)");
	ok(st->reads == reads + 2, "page 0, then pages 1-8 in one Read: %lu Reads",
	   (unsigned long)(st->reads - reads));
	ok(region_copy(&v, (uint8_t *)a + 8 * PAGE_SIZE, 1) == 0 && v == 64 &&
		   st->reads == reads + 2,
	   "page 8 was read ahead (block 64's tag)");
	ok(region_unmap(a, 16 * PAGE_SIZE) == 0 && pcache_drop_dev(bd) == 0, "unmap");
}
