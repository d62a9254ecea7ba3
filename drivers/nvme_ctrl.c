/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NVMe controller bring-up, reset and Identify (NVM Express Base 2.0 sec. 3.5.1, 5.17; NVM
 * Command Set 1.0 sec. 4.1.5), for drivers/nvme.c. Runs at probe and after a timeout or a
 * fatal status, so every command here is sent with recovering = true: a failure is returned,
 * never recovered from recursively.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/nvme_prp.h"
#include "drivers/nvme_priv.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "mm/page.h"

int nvme_check_cap(struct nvme_ctrl *c)
{
	uint64_t cap = c->cap, mqes = (cap & NVME_CAP_MQES_MASK) + 1, to;
	unsigned mpsmin = (unsigned)(cap >> NVME_CAP_MPSMIN_SHIFT & NVME_CAP_MPS_MASK);
	if (cap == UINT64_MAX || !(cap & NVME_CAP_CSS_NVM) || mpsmin != 0 || mqes < 2) {
		pr_err("%s: unusable controller: CAP %016lx (need the NVM command set, 4 KiB "
		       "pages, 2+ queue entries)\n",
		       c->name, (unsigned long)cap);
		return -ENODEV;
	}
	c->asq.depth = c->acq.depth =
		(uint16_t)(mqes < CONFIG_NVME_ADMIN_DEPTH ? mqes : CONFIG_NVME_ADMIN_DEPTH);
	c->sq.depth = c->cq.depth =
		(uint16_t)(mqes < CONFIG_NVME_IO_DEPTH ? mqes : CONFIG_NVME_IO_DEPTH);
	c->dstrd = 4u << (cap >> NVME_CAP_DSTRD_SHIFT & NVME_CAP_DSTRD_MASK);
	to = cap >> NVME_CAP_TO_SHIFT & NVME_CAP_TO_MASK;
	c->ready_timeout_ns = (to ? to : 1) * NVME_CAP_TO_UNIT_NS; /* 0 would mean "no time" */
	c->info.timeout_ms = (uint32_t)(c->ready_timeout_ns / NSEC_PER_MSEC);
	return 0;
}

/* ---- controller bring-up (Base sec. 3.5.1) ---- */

int nvme_wait_ready(struct nvme_ctrl *c, bool want)
{
	uint64_t deadline = clock_ns() + c->ready_timeout_ns;
	for (;;) {
		uint32_t v = nvme_csts(c);
		if (nvme_csts_fatal(v) && want)
			return -EIO; /* a fatal controller never becomes ready */
		if (v != NVME_CSTS_ALL_ONES && ((v & NVME_CSTS_RDY) != 0) == want)
			return 0;
		if (clock_ns() > deadline)
			return -ETIMEDOUT;
	}
}

static void queue_reset(struct nvme_queue *q, uint32_t db)
{
	memset(q->ring, 0, PAGE_SIZE);
	q->idx = 0;
	q->phase = 1; /* the ring is zeroed, so the first entry the device posts carries 1 */
	q->db = db;
}

static uint32_t sq_db(const struct nvme_ctrl *c, uint32_t qid)
{
	return NVME_DB + 2 * qid * c->dstrd;
}

static uint32_t cq_db(const struct nvme_ctrl *c, uint32_t qid)
{
	return NVME_DB + (2 * qid + 1) * c->dstrd;
}

/* Disable (CC.EN = 0 resets every queue), program the admin queue, enable. */
int nvme_ctrl_enable(struct nvme_ctrl *c)
{
	uint32_t cc = nvme_rd32(c, NVME_CC);
	int err;
	if (cc & NVME_CC_EN)
		nvme_wr32(c, NVME_CC, cc & ~NVME_CC_EN);
	err = nvme_wait_ready(c, false);
	if (err)
		return err;
	queue_reset(&c->asq, sq_db(c, 0));
	queue_reset(&c->acq, cq_db(c, 0));
	queue_reset(&c->sq, sq_db(c, 1));
	queue_reset(&c->cq, cq_db(c, 1));
	nvme_wr32(c, NVME_AQA,
		  (uint32_t)(c->acq.depth - 1) << NVME_AQA_ACQS_SHIFT |
			  (uint32_t)(c->asq.depth - 1));
	nvme_wr64(c, NVME_ASQ, (uint64_t)(uintptr_t)c->asq.ring);
	nvme_wr64(c, NVME_ACQ, (uint64_t)(uintptr_t)c->acq.ring);
	nvme_wr32(c, NVME_CC,
		  NVME_CC_CSS_NVM | 0u << NVME_CC_MPS_SHIFT | NVME_CC_AMS_RR |
			  NVME_SQE_SHIFT << NVME_CC_IOSQES_SHIFT |
			  NVME_CQE_SHIFT << NVME_CC_IOCQES_SHIFT | NVME_CC_EN);
	return nvme_wait_ready(c, true);
}

static int admin(struct nvme_ctrl *c, uint8_t opcode, uint32_t nsid, uint64_t prp1, uint32_t cdw10,
		 uint32_t cdw11, uint32_t *result, bool recovering)
{
	struct nvme_sqe cmd = {
		.opcode = opcode, .nsid = nsid, .prp1 = prp1, .cdw10 = cdw10, .cdw11 = cdw11
	};
	return nvme_run_cmd(c, true, &cmd, result, recovering);
}

/* One I/O SQ/CQ pair, id 1 (Base 5.4, 5.5): the CQ first, since the SQ names it. */
int nvme_create_io_queues(struct nvme_ctrl *c, bool recovering)
{
	uint32_t granted;
	uint64_t cq = (uint64_t)(uintptr_t)c->cq.ring, sq = (uint64_t)(uintptr_t)c->sq.ring;
	/* Number of Queues (Base 5.27.1.5): one of each, 0's based; the spec asks for it before
	 * the first Create. A controller that refuses still gives us at least one. */
	(void)admin(c, NVME_ADMIN_SET_FEAT, 0, 0, NVME_FEAT_NUM_QUEUES, 0, &granted, recovering);
	int err = admin(c, NVME_ADMIN_CREATE_CQ, 0, cq,
			(uint32_t)(c->cq.depth - 1) << NVME_QSIZE_SHIFT | 1, NVME_CQ_PC, NULL,
			recovering);
	if (!err)
		err = admin(c, NVME_ADMIN_CREATE_SQ, 0, sq,
			    (uint32_t)(c->sq.depth - 1) << NVME_QSIZE_SHIFT | 1,
			    1u << NVME_SQ_CQID_SHIFT | NVME_SQ_PC, NULL, recovering);
	return err;
}

int nvme_ctrl_reset(struct nvme_ctrl *c)
{
	int err;
	c->stats.resets++;
	err = nvme_ctrl_enable(c);
	if (!err)
		err = nvme_create_io_queues(c, true);
	if (!err) {
		c->offline = false;
		pr_info("%s: controller reset, queues re-created\n", c->name);
	}
	return err;
}

/* ---- Identify (Base 5.17) ---- */

/* Fixed-width ASCII field, space padded, to a C string. */
static void id_string(char *dst, const char *src, size_t n)
{
	memcpy(dst, src, n);
	dst[n] = 0;
	while (n && (dst[n - 1] == ' ' || dst[n - 1] == 0))
		dst[--n] = 0;
}

static int identify_ctrl(struct nvme_ctrl *c, void *buf)
{
	const struct nvme_id_ctrl *id = buf;
	uint64_t mdts_bytes;
	int err = admin(c, NVME_ADMIN_IDENTIFY, 0, (uint64_t)(uintptr_t)buf, NVME_CNS_CTRL, 0, NULL,
			true);
	if (err)
		return err;
	id_string(c->info.model, id->mn, sizeof(id->mn));
	id_string(c->info.serial, id->sn, sizeof(id->sn));
	id_string(c->info.firmware, id->fr, sizeof(id->fr));
	c->info.nnamespaces = id->nn;
	c->info.vwc = (id->vwc & NVME_VWC_PRESENT) != 0;
	c->info.awun = (uint32_t)id->awun + 1;
	c->info.awupf = (uint32_t)id->awupf + 1;
	/* MDTS is in units of CAP.MPSMIN (4 KiB here), 0 = no limit; one PRP list page is ours. */
	mdts_bytes = id->mdts ? (uint64_t)NVME_PRP_PAGE << id->mdts : UINT64_MAX;
	c->info.max_transfer = (uint32_t)(mdts_bytes < nvme_prp_max_len(NVME_PRP_LIST_MAX)
						  ? mdts_bytes
						  : nvme_prp_max_len(NVME_PRP_LIST_MAX));
	return 0;
}

/* The first active namespace (CNS 2, NVMe 1.1+), or 1 from a controller without the list. */
static uint32_t first_nsid(struct nvme_ctrl *c, void *buf)
{
	const uint32_t *list = buf;
	memset(buf, 0, PAGE_SIZE);
	if (admin(c, NVME_ADMIN_IDENTIFY, 0, (uint64_t)(uintptr_t)buf, NVME_CNS_NS_LIST, 0, NULL,
		  true))
		return c->info.nnamespaces ? 1 : 0;
	return list[0];
}

static int identify_ns(struct nvme_ctrl *c, void *buf)
{
	const struct nvme_id_ns *ns = buf;
	const struct nvme_lbaf *f;
	unsigned fmt;
	int err;
	c->info.nsid = first_nsid(c, buf);
	if (c->info.nsid == 0) {
		pr_err("%s: no active namespace\n", c->name);
		return -ENODEV;
	}
	err = admin(c, NVME_ADMIN_IDENTIFY, c->info.nsid, (uint64_t)(uintptr_t)buf, NVME_CNS_NS, 0,
		    NULL, true);
	if (err)
		return err;
	fmt = (ns->flbas & NVME_FLBAS_FMT_LO_MASK) |
	      (ns->nlbaf >= 16 ? NVME_FLBAS_FMT_HI(ns->flbas) << 4 : 0);
	f = &ns->lbaf[fmt];
	if (ns->nsze == 0 || f->lbads < 9 || f->lbads > PAGE_SHIFT || f->ms != 0) {
		pr_err("%s: namespace %u unusable: %lu blocks of 2^%u bytes with %u metadata bytes "
		       "(need 512 B to 4 KiB blocks, no metadata)\n",
		       c->name, c->info.nsid, (unsigned long)ns->nsze, f->lbads, f->ms);
		return -ENODEV;
	}
	c->info.block_size = 1u << f->lbads;
	c->info.nblocks = ns->nsze;
	if (ns->nsfeat & NVME_NSFEAT_NSABP) {
		c->info.ns_atomic = true;
		c->info.awun = (uint32_t)ns->nawun + 1;
		c->info.awupf = (uint32_t)ns->nawupf + 1;
	}
	return 0;
}

int nvme_identify(struct nvme_ctrl *c, void *buf)
{
	int err = identify_ctrl(c, buf);
	return err ? err : identify_ns(c, buf);
}
