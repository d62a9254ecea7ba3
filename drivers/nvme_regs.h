/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * NVM Express registers, queue entries and Identify data, from the NVM Express Base
 * Specification 2.0 ("Base") and the NVM Command Set Specification 1.0 ("NVM"): controller
 * registers Base sec. 3.1, SQ/CQ entries Base sec. 4.2-4.6, admin commands Base sec. 5,
 * Identify data Base sec. 5.17.2 and NVM sec. 4.1.5, I/O commands NVM sec. 3.
 * All fields are little-endian, as is RISC-V.
 */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* Controller registers, byte offsets in BAR0 (Base fig. 33). */
#define NVME_CAP   0x00	  /* R   controller capabilities (64-bit) */
#define NVME_VS	   0x08	  /* R   version */
#define NVME_INTMS 0x0c	  /* RW1S interrupt mask set (pin/MSI only) */
#define NVME_INTMC 0x10	  /* RW1C interrupt mask clear */
#define NVME_CC	   0x14	  /* RW  controller configuration */
#define NVME_CSTS  0x1c	  /* R   controller status */
#define NVME_AQA   0x24	  /* RW  admin queue attributes */
#define NVME_ASQ   0x28	  /* RW  admin SQ base (64-bit) */
#define NVME_ACQ   0x30	  /* RW  admin CQ base (64-bit) */
#define NVME_DB	   0x1000 /* doorbells: SQ y tail at DB + 2y*stride, CQ y head at +(2y+1)*stride */

#define NVME_BAR0_MIN 0x2000 /* registers plus the doorbells of queues 0 and 1 */

/* CAP (Base fig. 36) */
#define NVME_CAP_MQES_MASK    0xffffull	   /* max queue entries supported, 0's based */
#define NVME_CAP_CQR	      (1ull << 16) /* queues must be physically contiguous */
#define NVME_CAP_TO_SHIFT     24	   /* worst time for CSTS.RDY to change, 500 ms units */
#define NVME_CAP_TO_MASK      0xffull
#define NVME_CAP_DSTRD_SHIFT  32 /* doorbell stride: 4 << DSTRD bytes */
#define NVME_CAP_DSTRD_MASK   0xfull
#define NVME_CAP_CSS_NVM      (1ull << 37) /* NVM command set supported */
#define NVME_CAP_MPSMIN_SHIFT 48	   /* smallest memory page: 4 KiB << MPSMIN */
#define NVME_CAP_MPSMAX_SHIFT 52
#define NVME_CAP_MPS_MASK     0xfull
#define NVME_CAP_TO_UNIT_NS   (500ull * 1000 * 1000)

/* CC (Base fig. 41) */
#define NVME_CC_EN	     (1u << 0)
#define NVME_CC_CSS_NVM	     (0u << 4)
#define NVME_CC_MPS_SHIFT    7 /* memory page size 4 KiB << MPS */
#define NVME_CC_AMS_RR	     (0u << 11)
#define NVME_CC_SHN_NORMAL   (1u << 14)
#define NVME_CC_SHN_MASK     (3u << 14)
#define NVME_CC_IOSQES_SHIFT 16 /* log2 of the I/O SQ entry size */
#define NVME_CC_IOCQES_SHIFT 20

/* CSTS (Base fig. 42) */
#define NVME_CSTS_RDY	    (1u << 0)
#define NVME_CSTS_CFS	    (1u << 1) /* controller fatal status */
#define NVME_CSTS_SHST_MASK (3u << 2)
#define NVME_CSTS_SHST_DONE (2u << 2)
#define NVME_CSTS_ALL_ONES  0xffffffffu /* what a read of a vanished device returns */

/* AQA (Base fig. 43): queue sizes, 0's based */
#define NVME_AQA_ACQS_SHIFT 16

/* Submission queue entry (Base fig. 88/89; NVM fig. 13 for the I/O command dwords). */
struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags; /* FUSE bits 1:0, PSDT bits 7:6 (0 = PRPs) */
	uint16_t cid;  /* command identifier, echoed in the CQE */
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};
_Static_assert(sizeof(struct nvme_sqe) == 64, "SQE is 64 bytes");
_Static_assert(offsetof(struct nvme_sqe, cid) == 2, "CID in dword 0 bits 31:16");
_Static_assert(offsetof(struct nvme_sqe, nsid) == 4, "NSID is dword 1");
_Static_assert(offsetof(struct nvme_sqe, mptr) == 16, "MPTR is dwords 4-5");
_Static_assert(offsetof(struct nvme_sqe, prp1) == 24, "PRP1 is dwords 6-7");
_Static_assert(offsetof(struct nvme_sqe, prp2) == 32, "PRP2 is dwords 8-9");
_Static_assert(offsetof(struct nvme_sqe, cdw10) == 40, "CDW10 at byte 40");
_Static_assert(offsetof(struct nvme_sqe, cdw15) == 60, "CDW15 at byte 60");

/* Completion queue entry (Base fig. 90-92). */
struct nvme_cqe {
	uint32_t result; /* command specific (dword 0) */
	uint32_t rsvd;
	uint16_t sq_head; /* the SQ head pointer the controller has consumed up to */
	uint16_t sq_id;
	uint16_t cid;
	uint16_t status; /* bit 0 phase tag; 15:1 status field */
};
_Static_assert(sizeof(struct nvme_cqe) == 16, "CQE is 16 bytes");
_Static_assert(offsetof(struct nvme_cqe, sq_head) == 8, "SQHD in dword 2");
_Static_assert(offsetof(struct nvme_cqe, cid) == 12, "CID in dword 3 bits 15:0");
_Static_assert(offsetof(struct nvme_cqe, status) == 14, "phase and status in dword 3 31:16");

#define NVME_SQE_SHIFT 6 /* log2 sizeof(struct nvme_sqe), for CC.IOSQES */
#define NVME_CQE_SHIFT 4
_Static_assert(sizeof(struct nvme_sqe) == 1u << NVME_SQE_SHIFT, "IOSQES");
_Static_assert(sizeof(struct nvme_cqe) == 1u << NVME_CQE_SHIFT, "IOCQES");

/* CQE status field (status >> 1): SC bits 7:0, SCT bits 10:8, M bit 13, DNR bit 14. */
#define NVME_STATUS_PHASE    (1u << 0)
#define NVME_STATUS_SC(s)    (((s) >> 1) & 0xffu)
#define NVME_STATUS_SCT(s)   (((s) >> 9) & 0x7u)
#define NVME_STATUS_DNR	     (1u << 15)
#define NVME_SCT_GENERIC     0
#define NVME_SC_SUCCESS	     0x00
#define NVME_SC_INVALID_OP   0x01
#define NVME_SC_INVALID_FLD  0x02
#define NVME_SC_INVALID_NS   0x0b
#define NVME_SC_LBA_RANGE    0x80 /* LBA out of range (generic, NVM command set) */
#define NVME_SC_CAP_EXCEEDED 0x81

/* Admin opcodes (Base fig. 139) */
#define NVME_ADMIN_DELETE_SQ 0x00
#define NVME_ADMIN_CREATE_SQ 0x01
#define NVME_ADMIN_DELETE_CQ 0x04
#define NVME_ADMIN_CREATE_CQ 0x05
#define NVME_ADMIN_IDENTIFY  0x06
#define NVME_ADMIN_SET_FEAT  0x09

/* NVM opcodes (NVM fig. 17) */
#define NVME_CMD_FLUSH 0x00
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ  0x02

/* Create I/O CQ / SQ, CDW10: QSIZE (0's based) << 16 | QID; CDW11 below (Base 5.4, 5.5). */
#define NVME_QSIZE_SHIFT     16
#define NVME_CQ_PC	     (1u << 0) /* physically contiguous */
#define NVME_CQ_IEN	     (1u << 1) /* interrupts enabled */
#define NVME_SQ_PC	     (1u << 0)
#define NVME_SQ_CQID_SHIFT   16
#define NVME_FEAT_NUM_QUEUES 0x07    /* Set Features FID: number of queues */
#define NVME_RW_NLB_MASK     0xffffu /* CDW12 bits 15:0: number of blocks, 0's based */
#define NVME_NSID_ALL	     0xffffffffu

/* Identify CNS values (Base fig. 273) */
#define NVME_CNS_NS	 0x00
#define NVME_CNS_CTRL	 0x01
#define NVME_CNS_NS_LIST 0x02

/* Identify Controller data structure, the fields we use (Base fig. 275). */
struct nvme_id_ctrl {
	uint16_t vid, ssvid;
	char sn[20];
	char mn[40];
	char fr[8];
	uint8_t rab;
	uint8_t ieee[3];
	uint8_t cmic;
	uint8_t mdts; /* max transfer: 2^mdts units of CAP.MPSMIN; 0 = no limit */
	uint16_t cntlid;
	uint32_t ver;
	uint8_t rsvd84[512 - 84];
	uint8_t sqes, cqes; /* bits 3:0 required, 7:4 maximum entry size (log2) */
	uint16_t maxcmd;
	uint32_t nn; /* number of namespaces */
	uint16_t oncs;
	uint16_t fuses;
	uint8_t fna;
	uint8_t vwc;	/* bit 0: a volatile write cache is present */
	uint16_t awun;	/* atomic write unit normal, blocks, 0's based */
	uint16_t awupf; /* atomic write unit power fail, blocks, 0's based */
	uint8_t rsvd530[4096 - 530];
};
_Static_assert(sizeof(struct nvme_id_ctrl) == 4096, "Identify Controller is 4 KiB");
_Static_assert(offsetof(struct nvme_id_ctrl, sn) == 4, "SN at 4");
_Static_assert(offsetof(struct nvme_id_ctrl, mn) == 24, "MN at 24");
_Static_assert(offsetof(struct nvme_id_ctrl, fr) == 64, "FR at 64");
_Static_assert(offsetof(struct nvme_id_ctrl, mdts) == 77, "MDTS at 77");
_Static_assert(offsetof(struct nvme_id_ctrl, ver) == 80, "VER at 80");
_Static_assert(offsetof(struct nvme_id_ctrl, sqes) == 512, "SQES at 512");
_Static_assert(offsetof(struct nvme_id_ctrl, nn) == 516, "NN at 516");
_Static_assert(offsetof(struct nvme_id_ctrl, vwc) == 525, "VWC at 525");
_Static_assert(offsetof(struct nvme_id_ctrl, awun) == 526, "AWUN at 526");
_Static_assert(offsetof(struct nvme_id_ctrl, awupf) == 528, "AWUPF at 528");

#define NVME_VWC_PRESENT (1u << 0)

/* LBA format descriptor (NVM fig. 98) */
struct nvme_lbaf {
	uint16_t ms;   /* metadata bytes per block */
	uint8_t lbads; /* log2 of the data size; 0 = format not available */
	uint8_t rp;    /* relative performance, bits 1:0 */
};
_Static_assert(sizeof(struct nvme_lbaf) == 4, "LBAF is a dword");

/* Identify Namespace data structure, NVM command set (NVM fig. 97). */
struct nvme_id_ns {
	uint64_t nsze, ncap, nuse; /* blocks */
	uint8_t nsfeat;		   /* bit 1 NSABP: NAWUN/NAWUPF/NACWU below are valid */
	uint8_t nlbaf;		   /* number of LBA formats, 0's based */
	uint8_t flbas;		   /* bits 3:0 (+ 6:5 high) format in use, bit 4 extended LBA */
	uint8_t mc, dpc, dps, nmic, rescap, fpi, dlfeat;
	uint16_t nawun, nawupf, nacwu; /* namespace atomic units, blocks, 0's based */
	uint8_t rsvd40[128 - 40];
	struct nvme_lbaf lbaf[64];
	uint8_t rsvd384[4096 - 384];
};
_Static_assert(sizeof(struct nvme_id_ns) == 4096, "Identify Namespace is 4 KiB");
_Static_assert(offsetof(struct nvme_id_ns, nsfeat) == 24, "NSFEAT at 24");
_Static_assert(offsetof(struct nvme_id_ns, flbas) == 26, "FLBAS at 26");
_Static_assert(offsetof(struct nvme_id_ns, nawun) == 34, "NAWUN at 34");
_Static_assert(offsetof(struct nvme_id_ns, nawupf) == 36, "NAWUPF at 36");
_Static_assert(offsetof(struct nvme_id_ns, lbaf) == 128, "LBAF0 at 128");

#define NVME_NSFEAT_NSABP      (1u << 1)
#define NVME_FLBAS_FMT_LO_MASK 0xfu
#define NVME_FLBAS_FMT_HI(f)   (((f) >> 5) & 0x3u) /* bits 5:4 of the index when nlbaf > 16 */
#define NVME_FLBAS_EXTENDED    (1u << 4)
