/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NVMe driver (drivers/nvme.c): a PCI driver for any function of class 01:08:02 (NVM Express),
 * one I/O queue pair, every command polled, the first active namespace registered as the
 * block device "nvme<unit>n<nsid>". What the bus, the shell and the guest tests see.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#include "drivers/pci.h"

struct blkdev;

#define NVME_CLASS     0x010802u /* mass storage, non-volatile memory, NVM Express */
#define NVME_MAX_UNITS 2

/*
 * The PCI driver entry (matched by class NVME_CLASS). Its probe resets and enables the
 * controller within CAP.TO, Identifies controller and namespace, creates the I/O queues and
 * registers the blkdev: 0, -ENODEV (BAR0 unusable, no NVM command set, no 4 KiB page size, no
 * usable namespace), -ENOMEM, -ETIMEDOUT (CSTS.RDY did not follow CC.EN), -EIO (fatal status,
 * command errors), -ENOSPC (NVME_MAX_UNITS attached already).
 */
extern const struct pci_driver nvme_pci_driver;
/* nvme.timeout_ms= (10..600000, default CONFIG_NVME_TIMEOUT_MS): the limit on every command,
 * for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table nvme_bootargs;

/* What Identify said, for the boot log, the shell and the tests. */
struct nvme_info {
	char model[41], serial[21], firmware[9]; /* trailing spaces removed */
	uint32_t version;			 /* VS: major << 16 | minor << 8 | tertiary */
	uint32_t timeout_ms;			 /* CAP.TO: the enable/disable limit */
	uint32_t max_transfer; /* bytes per command: MDTS, capped by one PRP list */
	uint32_t nsid, nnamespaces;
	uint32_t block_size;
	uint64_t nblocks;
	bool vwc;	      /* a volatile write cache: Flush is needed for durability */
	uint32_t awun, awupf; /* atomic write units in blocks (1-based), normal and power fail */
	bool ns_atomic;	      /* the namespace's NAWUN/NAWUPF override the controller's */
};

struct nvme_stats {
	uint64_t admin_cmds, io_cmds;
	uint64_t reads, writes, flushes;
	uint64_t errors;      /* completions with a non-zero status */
	uint64_t timeouts;    /* commands that did not complete within the limit */
	uint64_t fatal;	      /* CSTS.CFS seen */
	uint64_t resets;      /* controller resets after a timeout or a fatal status */
	uint64_t stray;	      /* completions for a command we were not waiting for */
	uint16_t last_status; /* CQE status halfword of the last failure (NVME_STATUS_SC/SCT) */
};

const struct nvme_info *nvme_info(int unit);
const struct nvme_stats *nvme_stats(int unit);
struct blkdev *nvme_blkdev(int unit);
/* True once the controller was given up (a reset failed): every request then fails -EIO. */
bool nvme_is_offline(int unit);
/* Reset and re-enable the controller, re-create its queues, bring it back online.
 * 0, -ENODEV (no such unit) or the bring-up error. */
int nvme_reset(int unit);
/* The shell's `blk` command: one paragraph per controller. */
void nvme_dump(void);

/*
 * For the guest tests: one NVM command straight to the device, without the blkdev range
 * checks (so the device's own errors can be seen). opcode NVME_CMD_READ/WRITE/FLUSH from
 * drivers/nvme_regs.h; buf as for blkdev ops. 0 or the mapped error (-ERANGE: LBA out of
 * range, -EINVAL: invalid field, -EIO, -ETIMEDOUT).
 */
int nvme_raw_io(int unit, uint8_t opcode, uint64_t lba, uint32_t nblocks, void *buf);

/* Fault injection for the guest tests (all zero in normal operation). */
struct nvme_faults {
	uint32_t drop_doorbells; /* the next N submissions are not rung: they time out */
	uint64_t timeout_ns;	 /* command time limit instead of CONFIG_NVME_TIMEOUT_MS */
	bool fake_cfs;		 /* CSTS reads as fatal (a controller that died) */
};
extern struct nvme_faults nvme_faults;
