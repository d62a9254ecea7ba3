/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NVMe over PCIe (NVM Express Base 2.0, NVM Command Set 1.0; interface in drivers/nvme.h):
 * commands, block ops, probe. Bring-up, reset and Identify are in drivers/nvme_ctrl.c.
 * One admin and one I/O queue pair, one command in flight at a time, every completion polled
 * by its phase tag: block ops run in the region fault path, where no interrupt can be waited
 * for, and nothing else in the kernel wants a disk asynchronously. So no interrupt is used
 * (the I/O CQ is created with IEN = 0 and INTx is disabled in the command register).
 * Every command has a time limit; a timeout or a fatal status (CSTS.CFS) resets the
 * controller, and if that fails too, the disk goes offline and every request fails -EIO.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/nvme_prp.h"
#include "drivers/nvme_priv.h"
#include "drivers/pci.h"
#include "lib/barrier.h"
#include "lib/bootargs.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "lib/util.h"
#include "mm/blkdev.h"
#include "mm/page.h"

_Static_assert(CONFIG_NVME_ADMIN_DEPTH * sizeof(struct nvme_sqe) <= PAGE_SIZE &&
		       CONFIG_NVME_IO_DEPTH * sizeof(struct nvme_sqe) <= PAGE_SIZE,
	       "each queue fits one page (CAP.CQR: queues are physically contiguous)");
_Static_assert(NVME_PRP_PAGE == PAGE_SIZE, "NVMe memory page size (CC.MPS = 0) is our page");
_Static_assert(CONFIG_NVME_ADMIN_DEPTH >= 2 && CONFIG_NVME_IO_DEPTH >= 2, "a queue holds 2+");

/*
 * Ordering (RVWMO; named barriers from lib/barrier.h). mmio_write32 starts with "fence w,o",
 * which already orders the SQE, the PRP list and a write's data (RAM stores) before the SQ
 * tail doorbell that tells the device to fetch them. The completion side needs two more:
 *   dma_rmb()      after the phase-tag load, before our loads of the rest of the CQE and of
 *                  the data a read brought in: the device wrote those before the CQE (PCIe
 *                  posted writes stay in order), but the hart may perform later loads early;
 *   mmio_release() after our loads of the CQE, before the CQ head doorbell that hands the slot
 *                  back to the device, which may then overwrite it.
 */

struct nvme_faults nvme_faults;
static struct nvme_ctrl units[NVME_MAX_UNITS];
static int nunits;

static uint64_t timeout_ms = CONFIG_NVME_TIMEOUT_MS;

static int set_timeout(const char *v)
{
	unsigned long long ms;
	if (parse_u64(v, &ms) || ms < 10 || ms > 600000)
		return -EINVAL;
	timeout_ms = ms;
	return 0;
}

static const struct bootarg nvme_args[] = {
	{ "nvme.timeout_ms", set_timeout,
	  "10..600000: limit on every NVMe command before a reset (default 5000)" },
};
const struct bootarg_table nvme_bootargs = { nvme_args, ARRAY_SIZE(nvme_args) };

static uint64_t cmd_timeout_ns(void)
{
	return nvme_faults.timeout_ns ? nvme_faults.timeout_ns : timeout_ms * NSEC_PER_MSEC;
}

static const char *opcode_name(bool admin, uint8_t op)
{
	if (!admin)
		return op == NVME_CMD_READ ? "Read" : op == NVME_CMD_WRITE ? "Write" : "Flush";
	switch (op) {
	case NVME_ADMIN_IDENTIFY:
		return "Identify";
	case NVME_ADMIN_CREATE_CQ:
		return "Create I/O CQ";
	case NVME_ADMIN_CREATE_SQ:
		return "Create I/O SQ";
	case NVME_ADMIN_SET_FEAT:
		return "Set Features";
	default:
		return "admin command";
	}
}

/* ---- one command: submit, poll the phase tag, check the status ---- */

static int status_to_err(uint16_t status)
{
	if (NVME_STATUS_SCT(status) == NVME_SCT_GENERIC) {
		switch (NVME_STATUS_SC(status)) {
		case NVME_SC_LBA_RANGE:
		case NVME_SC_CAP_EXCEEDED:
			return -ERANGE;
		case NVME_SC_INVALID_OP:
		case NVME_SC_INVALID_FLD:
		case NVME_SC_INVALID_NS:
			return -EINVAL;
		default:
			break;
		}
	}
	return -EIO;
}

static void ring_sq(struct nvme_ctrl *c, struct nvme_queue *sq, const struct nvme_sqe *cmd)
{
	struct nvme_sqe *slot = (struct nvme_sqe *)sq->ring + sq->idx;
	*slot = *cmd;
	sq->idx = (uint16_t)((sq->idx + 1) % sq->depth);
	if (nvme_faults.drop_doorbells) {
		nvme_faults.drop_doorbells--; /* the device never hears of it: a timeout */
		return;
	}
	nvme_wr32(c, sq->db, sq->idx); /* fence w,o inside: the SQE is in RAM before the doorbell */
}

/* Wait for the next completion on cq. 0 with *out filled, -ETIMEDOUT, or -EIO (fatal). */
static int poll_cq(struct nvme_ctrl *c, struct nvme_queue *cq, struct nvme_cqe *out)
{
	volatile struct nvme_cqe *e = (volatile struct nvme_cqe *)cq->ring + cq->idx;
	uint64_t t0 = clock_ns(), deadline = t0 + cmd_timeout_ns();
	for (uint32_t spin = 0;; spin++) {
		if ((e->status & NVME_STATUS_PHASE) == cq->phase)
			break;
		if ((spin & 63) != 63)
			continue;
		if (nvme_csts_fatal(nvme_csts(c)))
			return -EIO;
		if (clock_ns() > deadline)
			return -ETIMEDOUT;
	}
	c->bd.stats.wait_ns += clock_ns() - t0;
	dma_rmb(); /* phase tag, then the entry and the data */
	out->result = e->result;
	out->sq_head = e->sq_head;
	out->sq_id = e->sq_id;
	out->cid = e->cid;
	out->status = e->status;
	if (++cq->idx == cq->depth) {
		cq->idx = 0;
		cq->phase ^= 1;
	}
	mmio_release(); /* entry read, then the head doorbell */
	nvme_wr32(c, cq->db, cq->idx);
	return 0;
}

/* A timeout or a fatal status: say what happened, then try to get the controller back. */
static void recover(struct nvme_ctrl *c, bool admin, const struct nvme_sqe *cmd, int why)
{
	int err;
	if (why == -ETIMEDOUT) {
		c->stats.timeouts++;
		pr_err("%s: %s (cid %u) timed out after %lu ms: resetting the controller\n",
		       c->name, opcode_name(admin, cmd->opcode), cmd->cid,
		       (unsigned long)(cmd_timeout_ns() / NSEC_PER_MSEC));
	} else {
		c->stats.fatal++;
		pr_err("%s: controller fatal status (CSTS %08x) during %s: resetting the "
		       "controller\n",
		       c->name, nvme_rd32(c, NVME_CSTS), opcode_name(admin, cmd->opcode));
	}
	err = nvme_ctrl_reset(c);
	if (err) {
		c->offline = true;
		pr_err("%s: reset failed (%s): %s is offline, every request fails with an I/O "
		       "error\n",
		       c->name, strerror(err), c->bd.name);
	}
}

/*
 * Run cmd on (sq, cq) and wait. 0 (with *result, if asked), the status mapped to an error,
 * -ETIMEDOUT, or -EIO (fatal status, or the controller is offline). No recovery while the
 * controller is being brought up (the caller reports that failure itself).
 */
int nvme_run_cmd(struct nvme_ctrl *c, bool admin, struct nvme_sqe *cmd, uint32_t *result,
		 bool recovering)
{
	struct nvme_queue *sq = admin ? &c->asq : &c->sq, *cq = admin ? &c->acq : &c->cq;
	struct nvme_cqe cqe;
	int err;
	if (c->offline && !recovering)
		return -EIO;
	cmd->cid = c->next_cid++;
	if (admin)
		c->stats.admin_cmds++;
	else
		c->stats.io_cmds++;
	ring_sq(c, sq, cmd);
	for (;;) {
		err = poll_cq(c, cq, &cqe);
		if (err) {
			if (!recovering)
				recover(c, admin, cmd, err);
			return err == -ETIMEDOUT ? err : -EIO;
		}
		if (cqe.cid == cmd->cid)
			break;
		c->stats.stray++; /* one we gave up on before a reset could not be: skip it */
	}
	if (result)
		*result = cqe.result;
	if ((cqe.status >> 1) == 0)
		return 0;
	c->stats.errors++;
	c->stats.last_status = cqe.status;
	err = status_to_err(cqe.status);
	pr_warn("%s: %s failed: status type %u code 0x%02x%s (%s)\n", c->name,
		opcode_name(admin, cmd->opcode), NVME_STATUS_SCT(cqe.status),
		NVME_STATUS_SC(cqe.status), (cqe.status & NVME_STATUS_DNR) ? ", do not retry" : "",
		strerror(err));
	return err;
}

/* ---- block ops (mm/blkdev.h: in range, aligned, at most max_blocks) ---- */

static int io(struct nvme_ctrl *c, uint8_t opcode, uint64_t lba, uint32_t n, const void *buf)
{
	struct nvme_sqe cmd = { .opcode = opcode, .nsid = c->info.nsid };
	if (opcode != NVME_CMD_FLUSH) {
		uint64_t bytes = (uint64_t)n * c->info.block_size;
		int k;
		if (n == 0 || n - 1 > NVME_RW_NLB_MASK || bytes > c->info.max_transfer)
			return -EINVAL;
		k = nvme_prp_build((uint64_t)(uintptr_t)buf, (uint32_t)bytes, c->prp_list,
				   (uint64_t)(uintptr_t)c->prp_list, NVME_PRP_LIST_MAX, &cmd.prp1,
				   &cmd.prp2);
		if (k < 0)
			return k;
		cmd.cdw10 = (uint32_t)lba;
		cmd.cdw11 = (uint32_t)(lba >> 32);
		cmd.cdw12 = n - 1;
	}
	if (opcode == NVME_CMD_READ)
		c->stats.reads++;
	else if (opcode == NVME_CMD_WRITE)
		c->stats.writes++;
	else
		c->stats.flushes++;
	return nvme_run_cmd(c, false, &cmd, NULL, false);
}

/* Whole pages to or from a scatter list (mm/blkdev.h read_pages/write_pages): one command,
 * its PRPs the frames themselves. */
static int io_pages(struct blkdev *bd, uint8_t opcode, uint64_t lba, const uint64_t *frames,
		    uint32_t npages)
{
	struct nvme_ctrl *c = bd->priv;
	struct nvme_sqe cmd = { .opcode = opcode, .nsid = c->info.nsid };
	uint32_t n = npages * (uint32_t)(PAGE_SIZE / c->info.block_size);
	int k;
	if (npages == 0 || n - 1 > NVME_RW_NLB_MASK ||
	    (uint64_t)npages * PAGE_SIZE > c->info.max_transfer)
		return -EINVAL;
	k = nvme_prp_build_pages(frames, npages, c->prp_list, (uint64_t)(uintptr_t)c->prp_list,
				 NVME_PRP_LIST_MAX, &cmd.prp1, &cmd.prp2);
	if (k < 0)
		return k;
	cmd.cdw10 = (uint32_t)lba;
	cmd.cdw11 = (uint32_t)(lba >> 32);
	cmd.cdw12 = n - 1;
	if (opcode == NVME_CMD_WRITE)
		c->stats.writes++;
	else
		c->stats.reads++;
	return nvme_run_cmd(c, false, &cmd, NULL, false);
}

static int nvme_read_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames, uint32_t npages)
{
	return io_pages(bd, NVME_CMD_READ, lba, frames, npages);
}

static int nvme_write_pages(struct blkdev *bd, uint64_t lba, const uint64_t *frames,
			    uint32_t npages)
{
	return io_pages(bd, NVME_CMD_WRITE, lba, frames, npages);
}

static int nvme_read(struct blkdev *bd, uint64_t lba, uint32_t n, void *buf)
{
	return io(bd->priv, NVME_CMD_READ, lba, n, buf);
}

static int nvme_write(struct blkdev *bd, uint64_t lba, uint32_t n, const void *buf)
{
	return io(bd->priv, NVME_CMD_WRITE, lba, n, buf);
}

/* Without a volatile write cache a completed write is durable already (Base 5.15: Flush then
 * has no effect), so no command is spent on it. */
static int nvme_flush(struct blkdev *bd)
{
	struct nvme_ctrl *c = bd->priv;
	return c->info.vwc ? io(c, NVME_CMD_FLUSH, 0, 0, NULL) : 0;
}

static const struct blkdev_ops nvme_blk_ops = {
	.read = nvme_read,
	.write = nvme_write,
	.flush = nvme_flush,
	.read_pages = nvme_read_pages,
	.write_pages = nvme_write_pages,
};

/* ---- probe ---- */

static void free_frames(struct nvme_ctrl *c)
{
	void *f[] = { c->asq.ring, c->acq.ring, c->sq.ring, c->cq.ring, c->prp_list };
	for (size_t i = 0; i < ARRAY_SIZE(f); i++)
		if (f[i])
			page_free((uint64_t)(uintptr_t)f[i]);
}

static int alloc_frames(struct nvme_ctrl *c)
{
	c->asq.ring = (void *)(uintptr_t)page_alloc();
	c->acq.ring = (void *)(uintptr_t)page_alloc();
	c->sq.ring = (void *)(uintptr_t)page_alloc();
	c->cq.ring = (void *)(uintptr_t)page_alloc();
	c->prp_list = (uint64_t *)(uintptr_t)page_alloc();
	if (c->asq.ring && c->acq.ring && c->sq.ring && c->cq.ring && c->prp_list)
		return 0;
	free_frames(c);
	return -ENOMEM;
}

/* The guarantee a crash during a sync leaves, in the boot log where an operator looks. */
static void log_ready(const struct nvme_ctrl *c)
{
	const struct nvme_info *in = &c->info;
	uint32_t unit = in->awupf * in->block_size;
	pr_info("%s: %s, serial %s, firmware %s, NVMe %u.%u, namespace ids 1-%u; max transfer %u "
		"KiB, volatile write cache %s, CAP.TO %u ms, polled\n",
		c->name, in->model, in->serial, in->firmware, in->version >> 16,
		(in->version >> 8) & 0xff, in->nnamespaces, in->max_transfer >> 10,
		in->vwc ? "yes (syncs send Flush)" : "no", in->timeout_ms);
	pr_info("%s: namespace %u: %lu blocks of %u bytes; power-fail atomic write unit %u "
		"bytes (%s): a crash during a sync leaves each %u-byte unit old or new%s\n",
		c->bd.name, in->nsid, (unsigned long)in->nblocks, in->block_size, unit,
		in->ns_atomic ? "NAWUPF" : "AWUPF", unit,
		unit >= PAGE_SIZE ? ", so each page" : ", a page may be part old, part new");
}

static int attach(struct nvme_ctrl *c)
{
	void *idbuf = (void *)(uintptr_t)page_alloc();
	int err;
	if (!idbuf)
		return -ENOMEM;
	err = nvme_ctrl_enable(c);
	if (err)
		pr_err("%s: controller did not become ready within %u ms (CSTS %08x): %s\n",
		       c->name, c->info.timeout_ms, nvme_rd32(c, NVME_CSTS), strerror(err));
	if (!err)
		err = nvme_identify(c, idbuf);
	page_free((uint64_t)(uintptr_t)idbuf);
	if (!err)
		err = nvme_create_io_queues(c, true);
	return err;
}

static void setup_blkdev(struct nvme_ctrl *c)
{
	struct blkdev *bd = &c->bd;
	ksnprintf(bd->name, sizeof(bd->name), "%sn%u", c->name, c->info.nsid);
	bd->block_size = c->info.block_size;
	bd->nblocks = c->info.nblocks;
	bd->max_blocks = c->info.max_transfer / c->info.block_size;
	if (bd->max_blocks > NVME_RW_NLB_MASK + 1)
		bd->max_blocks = NVME_RW_NLB_MASK + 1;
	bd->dma_align = 4; /* PRP entries are dword aligned (Base 4.1.1) */
	bd->atomic_blocks = c->info.awupf;
	bd->ops = &nvme_blk_ops;
	bd->priv = c;
}

static int nvme_probe(struct pci_dev *pd, const struct pci_id *id)
{
	struct nvme_ctrl *c;
	int err;
	(void)id; /* a class match: every NVMe controller speaks the same registers */
	if (nunits == NVME_MAX_UNITS) {
		pr_warn("nvme: %d controllers attached already, %02x:%02x.%x left alone\n",
			NVME_MAX_UNITS, pd->bus, pd->dev, pd->fn);
		return -ENOSPC;
	}
	c = &units[nunits];
	memset(c, 0, sizeof(*c));
	c->pd = pd;
	c->unit = nunits;
	ksnprintf(c->name, sizeof(c->name), "nvme%d", nunits);
	if (pd->bar[0].size < NVME_BAR0_MIN || pci_map_bar(pd, 0, &c->regs))
		return -ENODEV;
	/* Polled only: no pin interrupt may assert on a line nobody would acknowledge. */
	pci_cfg_write16(pd, PCI_COMMAND,
			pci_cfg_read16(pd, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
	c->cap = nvme_rd64(c, NVME_CAP);
	c->info.version = nvme_rd32(c, NVME_VS);
	err = nvme_check_cap(c);
	if (err)
		return err;
	err = alloc_frames(c);
	if (err)
		return err;
	err = attach(c);
	if (!err) {
		setup_blkdev(c);
		err = blkdev_register(&c->bd);
	}
	if (err) {
		nvme_wr32(c, NVME_CC,
			  nvme_rd32(c, NVME_CC) & ~NVME_CC_EN); /* stop all DMA into our frames */
		(void)nvme_wait_ready(c, false);
		free_frames(c);
		return err;
	}
	nunits++;
	log_ready(c);
	return 0;
}

const struct pci_driver nvme_pci_driver = {
	.name = "nvme",
	.class_code = NVME_CLASS,
	.probe = nvme_probe,
};

/* ---- introspection, tests ---- */

static struct nvme_ctrl *unit_of(int unit)
{
	return unit >= 0 && unit < nunits ? &units[unit] : NULL;
}

const struct nvme_info *nvme_info(int unit)
{
	struct nvme_ctrl *c = unit_of(unit);
	return c ? &c->info : NULL;
}

const struct nvme_stats *nvme_stats(int unit)
{
	struct nvme_ctrl *c = unit_of(unit);
	return c ? &c->stats : NULL;
}

struct blkdev *nvme_blkdev(int unit)
{
	struct nvme_ctrl *c = unit_of(unit);
	return c ? &c->bd : NULL;
}

bool nvme_is_offline(int unit)
{
	struct nvme_ctrl *c = unit_of(unit);
	return c && c->offline;
}

int nvme_reset(int unit)
{
	struct nvme_ctrl *c = unit_of(unit);
	int err;
	if (!c)
		return -ENODEV;
	err = nvme_ctrl_reset(c);
	if (err)
		c->offline = true;
	return err;
}

int nvme_raw_io(int unit, uint8_t opcode, uint64_t lba, uint32_t nblocks, void *buf)
{
	struct nvme_ctrl *c = unit_of(unit);
	if (!c)
		return -ENODEV;
	return io(c, opcode, lba, nblocks, buf);
}

void nvme_dump(void)
{
	if (nunits == 0)
		kprintf("nvme: no controllers\n");
	for (int i = 0; i < nunits; i++) {
		const struct nvme_ctrl *c = &units[i];
		const struct nvme_stats *s = &c->stats;
		kprintf("%s: %s (%s)%s, CSTS %08x; commands admin %lu, I/O %lu (read %lu, write "
			"%lu, flush %lu); errors %lu (last SCT %u SC 0x%02x), timeouts %lu, "
			"fatal %lu, resets %lu, stray %lu\n",
			c->name, c->info.model, c->bd.name, c->offline ? " OFFLINE" : "",
			nvme_rd32(c, NVME_CSTS), (unsigned long)s->admin_cmds,
			(unsigned long)s->io_cmds, (unsigned long)s->reads,
			(unsigned long)s->writes, (unsigned long)s->flushes,
			(unsigned long)s->errors, NVME_STATUS_SCT(s->last_status),
			NVME_STATUS_SC(s->last_status), (unsigned long)s->timeouts,
			(unsigned long)s->fatal, (unsigned long)s->resets, (unsigned long)s->stray);
	}
}
