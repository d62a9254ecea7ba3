/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the NVMe driver: the controller state and what drivers/nvme.c (commands, block ops,
 * probe) and drivers/nvme_ctrl.c (bring-up, reset, Identify) share. Nobody else includes it.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "drivers/nvme.h"
#include "drivers/nvme_regs.h"
#include "lib/mmio.h"
#include "mm/blkdev.h"

struct nvme_queue {
	void *ring; /* one zeroed frame; physical == virtual */
	uint16_t depth;
	uint16_t idx;	/* SQ: next tail slot; CQ: next head slot */
	uint16_t phase; /* CQ: the phase tag a new entry carries */
	uint32_t db;	/* doorbell byte offset in BAR0 */
};

struct nvme_ctrl {
	struct blkdev bd;
	struct pci_dev *pd;
	uintptr_t regs;
	uint64_t cap;
	uint32_t dstrd; /* doorbell stride, bytes */
	uint64_t ready_timeout_ns;
	struct nvme_queue asq, acq, sq, cq;
	uint64_t *prp_list; /* one frame: the list of the command in flight */
	uint16_t next_cid;
	bool offline;
	int unit;
	char name[8];
	struct nvme_info info;
	struct nvme_stats stats;
};

/* Register access; 64-bit registers as two 32-bit accesses, low half first (Base 3.1.2
 * allows it). CSTS reads fatal while the tests' fake_cfs is set. */
static inline uint32_t nvme_rd32(const struct nvme_ctrl *c, uint32_t reg)
{
	return mmio_read32(c->regs + reg);
}

static inline void nvme_wr32(const struct nvme_ctrl *c, uint32_t reg, uint32_t v)
{
	mmio_write32(c->regs + reg, v);
}

static inline uint64_t nvme_rd64(const struct nvme_ctrl *c, uint32_t reg)
{
	uint64_t lo = nvme_rd32(c, reg);
	return lo | (uint64_t)nvme_rd32(c, reg + 4) << 32;
}

static inline void nvme_wr64(const struct nvme_ctrl *c, uint32_t reg, uint64_t v)
{
	nvme_wr32(c, reg, (uint32_t)v);
	nvme_wr32(c, reg + 4, (uint32_t)(v >> 32));
}

static inline uint32_t nvme_csts(const struct nvme_ctrl *c)
{
	return nvme_rd32(c, NVME_CSTS) | (nvme_faults.fake_cfs ? NVME_CSTS_CFS : 0);
}

/* All ones: the function stopped answering (surprise removal, a dead link). */
static inline bool nvme_csts_fatal(uint32_t v)
{
	return v == NVME_CSTS_ALL_ONES || (v & NVME_CSTS_CFS);
}

/* drivers/nvme.c: run one command on the admin (admin = true) or the I/O queue pair and wait
 * for it. 0 (with *result if asked), the status mapped to an error, -ETIMEDOUT or -EIO. A
 * timeout or a fatal status resets the controller unless recovering (bring-up, a reset). */
int nvme_run_cmd(struct nvme_ctrl *c, bool admin, struct nvme_sqe *cmd, uint32_t *result,
		 bool recovering);

/* drivers/nvme_ctrl.c */
/* CAP: the NVM command set, 4 KiB pages; sets queue depths, doorbell stride, the CAP.TO
 * limit. 0 or -ENODEV (logged). */
int nvme_check_cap(struct nvme_ctrl *c);
/* Wait until CSTS.RDY == want, within CAP.TO. 0, -ETIMEDOUT, or -EIO (fatal while enabling). */
int nvme_wait_ready(struct nvme_ctrl *c, bool want);
/* Disable, program the admin queue, enable (Base 3.5.1); every queue restarts empty. */
int nvme_ctrl_enable(struct nvme_ctrl *c);
/* Identify controller and the first active namespace into c->info (buf: one free frame). */
int nvme_identify(struct nvme_ctrl *c, void *buf);
/* Set Features (number of queues), Create I/O CQ 1 and SQ 1. */
int nvme_create_io_queues(struct nvme_ctrl *c, bool recovering);
/* Disable, enable, re-create the I/O queues; clears offline on success. */
int nvme_ctrl_reset(struct nvme_ctrl *c);
