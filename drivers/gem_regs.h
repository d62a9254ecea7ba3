/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cadence GEM ("macb") registers, bits and buffer descriptors: Zynq-7000 TRM (UG585) ch. 16
 * and appendix B.18 (gem), SiFive FU540-C000 manual ch. 19 (GEMGXL), cross-checked against
 * Linux drivers/net/ethernet/cadence/macb.h and QEMU 7.2 hw/net/cadence_gem.c. The descriptor
 * helpers at the end are pure (host-tested by tests/host/test_gem.c).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Register byte offsets (UG585 table B.18). */
#define GEM_NCR	      0x000 /* RW  network control */
#define GEM_NCFGR     0x004 /* RW  network configuration */
#define GEM_NSR	      0x008 /* R   network status */
#define GEM_DMACFG    0x010 /* RW  DMA configuration */
#define GEM_TSR	      0x014 /* RW1C transmit status */
#define GEM_RBQP      0x018 /* RW  receive buffer queue base, low 32 bits */
#define GEM_TBQP      0x01c /* RW  transmit buffer queue base, low 32 bits */
#define GEM_RSR	      0x020 /* RW1C receive status */
#define GEM_ISR	      0x024 /* R/clr interrupt status (clear on read, or W1C: DCFG1.IRQCOR) */
#define GEM_IER	      0x028 /* W   interrupt enable (write 1 unmasks) */
#define GEM_IDR	      0x02c /* W   interrupt disable (write 1 masks) */
#define GEM_IMR	      0x030 /* R   interrupt mask (1 = masked) */
#define GEM_MAN	      0x034 /* RW  PHY maintenance (MDIO frame) */
#define GEM_HRB	      0x080 /* RW  hash bottom (multicast/unicast hash buckets 0-31) */
#define GEM_HRT	      0x084 /* RW  hash top (buckets 32-63) */
#define GEM_SA1B      0x088 /* RW  specific address 1 bottom (MAC bytes 0-3); disables SA1 */
#define GEM_SA1T      0x08c /* RW  specific address 1 top (MAC bytes 4-5); enables SA1 */
#define GEM_SAB(n)    (GEM_SA1B + 8u * (n)) /* n = 0..3 */
#define GEM_MID	      0x0fc		    /* R   module ID and revision */
#define GEM_DCFG1     0x280		    /* R   design configuration 1 */
#define GEM_DCFG6     0x294		    /* R   design configuration 6 */
#define GEM_TBQPH     0x4c8  /* RW  transmit queue base, high 32 bits (64-bit addressing) */
#define GEM_RBQPH     0x4d4  /* RW  receive queue base, high 32 bits */
#define GEM_REGS_SIZE 0x1000 /* the register block the driver maps at least */

_Static_assert(GEM_SA1T == GEM_SA1B + 4 && GEM_SAB(3) == 0xa0, "specific address pairs");

/* NCR (UG585 B.18 net_ctrl) */
#define GEM_NCR_RE	(1u << 2)  /* receive enable */
#define GEM_NCR_TE	(1u << 3)  /* transmit enable */
#define GEM_NCR_MPE	(1u << 4)  /* management port (MDIO) enable */
#define GEM_NCR_CLRSTAT (1u << 5)  /* clear the statistics registers */
#define GEM_NCR_TSTART	(1u << 9)  /* start transmission (the TX doorbell) */
#define GEM_NCR_THALT	(1u << 10) /* halt transmission after the current frame */

/* NCFGR (UG585 B.18 net_cfg) */
#define GEM_NCFGR_SPD	      (1u << 0)	 /* 100 Mb/s (else 10) */
#define GEM_NCFGR_FD	      (1u << 1)	 /* full duplex */
#define GEM_NCFGR_CAF	      (1u << 4)	 /* copy all frames (promiscuous) */
#define GEM_NCFGR_NBC	      (1u << 5)	 /* no broadcast */
#define GEM_NCFGR_MTI	      (1u << 6)	 /* multicast hash enable */
#define GEM_NCFGR_UNI	      (1u << 7)	 /* unicast hash enable */
#define GEM_NCFGR_BIG	      (1u << 8)	 /* receive frames up to 1536 bytes */
#define GEM_NCFGR_GBE	      (1u << 10) /* gigabit mode */
#define GEM_NCFGR_RBOF_SHIFT  14	 /* receive buffer offset (bytes before the frame) */
#define GEM_NCFGR_RBOF_MASK   (3u << 14)
#define GEM_NCFGR_LFERD	      (1u << 16) /* discard frames with a length field error */
#define GEM_NCFGR_DRFCS	      (1u << 17) /* remove the FCS before writing to memory */
#define GEM_NCFGR_CLK_SHIFT   18	 /* MDC = pclk / divider (3 bits) */
#define GEM_NCFGR_CLK_MASK    (7u << 18)
#define GEM_NCFGR_CLK_DIV224  7u /* pclk up to 540 MHz keeps MDC under 2.5 MHz */
#define GEM_NCFGR_DBW_SHIFT   21 /* data bus width: 0 = 32, 1 = 64, 2 = 128 bits */
#define GEM_NCFGR_DBW_MASK    (3u << 21)
#define GEM_NCFGR_RXCOEN      (1u << 24) /* receive checksum offload: left off */
#define GEM_NCFGR_SPEED_BITS  (GEM_NCFGR_SPD | GEM_NCFGR_FD | GEM_NCFGR_GBE)
#define GEM_NCFGR_FILTER_BITS (GEM_NCFGR_CAF | GEM_NCFGR_NBC | GEM_NCFGR_MTI | GEM_NCFGR_UNI)

/* NSR */
#define GEM_NSR_IDLE (1u << 2) /* PHY management logic idle: the MAN frame is done */

/* DMACFG (UG585 B.18 dma_cfg) */
#define GEM_DMACFG_FBLDO_SHIFT 0 /* AHB/AXI fixed burst length (16 = INCR16) */
#define GEM_DMACFG_FBLDO_MASK  (0x1fu << 0)
#define GEM_DMACFG_ENDIA_DESC  (1u << 6)  /* byte-swap descriptors (big-endian CPUs) */
#define GEM_DMACFG_ENDIA_PKT   (1u << 7)  /* byte-swap packet data */
#define GEM_DMACFG_RXBMS_MASK  (3u << 8)  /* receive packet buffer size: 3 = all of it */
#define GEM_DMACFG_TXPBMS      (1u << 10) /* transmit packet buffer: all of it */
#define GEM_DMACFG_TXCOEN      (1u << 11) /* transmit checksum offload: left off */
#define GEM_DMACFG_RXBS_SHIFT  16	  /* receive buffer size in 64-byte units */
#define GEM_DMACFG_RXBS_MASK   (0xffu << 16)
#define GEM_DMACFG_RXBS_UNIT   64u
#define GEM_DMACFG_RX_BD_EXT   (1u << 28) /* extended (timestamp) RX descriptors: off */
#define GEM_DMACFG_TX_BD_EXT   (1u << 29)
#define GEM_DMACFG_ADDR64      (1u << 30) /* 64-bit buffer addresses in descriptors */

/* TSR / RSR: write 1 to clear. */
#define GEM_TSR_ALL 0x1ffu
#define GEM_RSR_BNA (1u << 0) /* buffer not available: a used descriptor was read */
#define GEM_RSR_REC (1u << 1) /* frame received */
#define GEM_RSR_OVR (1u << 2) /* receive overrun */
#define GEM_RSR_ALL 0xfu

/* ISR / IER / IDR / IMR share the layout (UG585 B.18 intr_status). */
#define GEM_INT_RCOMP (1u << 1)	 /* a frame was received */
#define GEM_INT_RXUBR (1u << 2)	 /* RX used bit read (ring full) */
#define GEM_INT_TXUBR (1u << 3)	 /* TX used bit read */
#define GEM_INT_TUND  (1u << 4)	 /* transmit underrun */
#define GEM_INT_RLE   (1u << 5)	 /* retry limit exceeded */
#define GEM_INT_TXERR (1u << 6)	 /* transmit frame corruption (bus error) */
#define GEM_INT_TCOMP (1u << 7)	 /* transmit complete */
#define GEM_INT_ROVR  (1u << 10) /* receive overrun */
#define GEM_INT_HRESP (1u << 11) /* bus error (hresp not OK) */
#define GEM_INT_ALL   0x7ffffffu

/* MAN: one Clause 22 MDIO frame (UG585 B.18 phy_maint). */
#define GEM_MAN_DATA_MASK  0xffffu
#define GEM_MAN_CODE	   (2u << 16) /* must be 10 */
#define GEM_MAN_REGA_SHIFT 18
#define GEM_MAN_PHYA_SHIFT 23
#define GEM_MAN_READ	   (2u << 28)
#define GEM_MAN_WRITE	   (1u << 28)
#define GEM_MAN_SOF	   (1u << 30) /* start of frame 01: Clause 22 */

/* MID: bits 27:16 module ID (0x0001 = MACB 10/100; 0x0002 and up = GEM), 15:0 revision. */
#define GEM_MID_IDNUM(v) (((v) >> 16) & 0xfffu)
#define GEM_MID_REV(v)	 ((v)&0xffffu)
#define GEM_MID_IS_GEM	 2u

/* DCFG1 / DCFG6 (Linux macb.h GEM_DBWDEF, GEM_IRQCOR, GEM_DAW64) */
#define GEM_DCFG1_IRQCOR    (1u << 23)	       /* ISR clears on read (else write 1 to clear) */
#define GEM_DCFG1_DBWDEF(v) (((v) >> 25) & 7u) /* 1 = 32, 2 = 64, 4 = 128-bit bus */
#define GEM_DCFG6_DAW64	    (1u << 23)	       /* 64-bit addressing implemented */

/* The GEMGXL management block of the FU540/FU740 (second reg range), FU540 manual 19.1:
 * offset 0 selects the transmit clock: 0 = the 125 MHz GMII clock (1000 Mb/s), 1 = the MII
 * clock the PHY drives (10/100 Mb/s). Nothing else in that block is touched. */
#define GEMGXL_TX_CLK_SEL      0x0
#define GEMGXL_TX_CLK_SEL_GMII 0u
#define GEMGXL_TX_CLK_SEL_MII  1u

/*
 * Buffer descriptors (UG585 16.3.5-16.3.6). Two words, or four with DMACFG.ADDR64, where
 * word 2 holds address bits 63:32 and word 3 is unused. The ring's own upper address bits are
 * shared by all its descriptors (RBQPH/TBQPH), so a ring never crosses a 4 GiB boundary.
 */
struct gem_desc {
	uint32_t addr; /* RX: buffer bits 31:2 | WRAP | OWN; TX: buffer bits 31:0 */
	uint32_t ctrl; /* RX: status written by the device; TX: length, flags, USED */
	uint32_t addr_hi;
	uint32_t unused;
};
_Static_assert(sizeof(struct gem_desc) == 16, "a 64-bit-address descriptor is 16 bytes");
_Static_assert(offsetof(struct gem_desc, ctrl) == 4, "control word at 4");
_Static_assert(offsetof(struct gem_desc, addr_hi) == 8, "address bits 63:32 at 8");
#define GEM_DESC_WORDS_32 2u /* words per descriptor without ADDR64 */
#define GEM_DESC_WORDS_64 4u

/* RX word 0 */
#define GEM_RX_OWN	 (1u << 0) /* 1: software owns the buffer (the device wrote a frame) */
#define GEM_RX_WRAP	 (1u << 1) /* last descriptor of the ring */
#define GEM_RX_ADDR_MASK 0xfffffffcu
/* RX word 1 */
#define GEM_RX_LEN_MASK 0x1fffu	   /* frame length (no jumbo frames here) */
#define GEM_RX_SOF	(1u << 14) /* start of frame */
#define GEM_RX_EOF	(1u << 15) /* end of frame: the length is valid */
#define GEM_RX_BCAST	(1u << 31) /* broadcast destination */

/* TX word 1 */
#define GEM_TX_LEN_MASK	 0x3fffu    /* buffer length (14 bits on GEM) */
#define GEM_TX_LAST	 (1u << 15) /* last buffer of the frame */
#define GEM_TX_NOCRC	 (1u << 16) /* do not append the FCS: left clear */
#define GEM_TX_LATE_COLL (1u << 26) /* late collision */
#define GEM_TX_BUS_ERR	 (1u << 27) /* frame corrupted by a bus (AXI/AHB) error */
#define GEM_TX_UNDERRUN	 (1u << 28) /* transmit underrun (MACB naming) */
#define GEM_TX_RETRY_LIM (1u << 29) /* retry limit exceeded */
#define GEM_TX_WRAP	 (1u << 30) /* last descriptor of the ring */
#define GEM_TX_USED	 (1u << 31) /* 1: software owns it (set back by the device when sent) */
#define GEM_TX_ERR_BITS	 (GEM_TX_LATE_COLL | GEM_TX_BUS_ERR | GEM_TX_UNDERRUN | GEM_TX_RETRY_LIM)

/* Largest frame stored with NCFGR.BIG and the FCS removed, and the receive buffer size the
 * driver programs (a multiple of 64 that holds it behind the 2-byte RBOF offset). */
#define GEM_MAX_FRAME 1536u
#define GEM_RX_BUF    1600u
_Static_assert(GEM_RX_BUF % GEM_DMACFG_RXBS_UNIT == 0, "RXBS counts 64-byte units");
_Static_assert(GEM_RX_BUF >= GEM_MAX_FRAME + 2, "a whole frame fits behind the offset");
/* Longest frame the driver sends from one descriptor (a standard frame; jumbo frames off). */
#define GEM_TX_MAX_LEN 1518u

/* ---- descriptor encode/decode (pure) ---- */

/* RX word 0 that hands a buffer at pa to the device; pa must be 8-byte aligned. */
static inline uint32_t gem_rx_word0(uint64_t pa, bool wrap)
{
	return ((uint32_t)pa & GEM_RX_ADDR_MASK) | (wrap ? GEM_RX_WRAP : 0);
}

/* What the driver does with an RX descriptor the device handed back. */
enum gem_rx_verdict {
	GEM_RX_DELIVER, /* a whole frame in one buffer */
	GEM_RX_SPANS,	/* first buffer of a frame longer than one buffer: drop it all */
	GEM_RX_MIDDLE,	/* a later buffer of such a frame (no SOF) */
	GEM_RX_BAD_LEN, /* whole frame, but length 0 or longer than the buffer holds */
};

static inline enum gem_rx_verdict gem_rx_classify(uint32_t ctrl, uint32_t room)
{
	uint32_t len = ctrl & GEM_RX_LEN_MASK;
	if (!(ctrl & GEM_RX_SOF))
		return GEM_RX_MIDDLE;
	if (!(ctrl & GEM_RX_EOF))
		return GEM_RX_SPANS;
	return len == 0 || len > room ? GEM_RX_BAD_LEN : GEM_RX_DELIVER;
}

/* TX word 1 for a one-buffer frame of len bytes (USED clear: the device's to send). */
static inline uint32_t gem_tx_ctrl(uint32_t len, bool wrap)
{
	return (len & GEM_TX_LEN_MASK) | GEM_TX_LAST | (wrap ? GEM_TX_WRAP : 0);
}

/* TX word 1 of a descriptor software owns (free slot, or the end of the queue). */
static inline uint32_t gem_tx_ctrl_free(bool wrap)
{
	return GEM_TX_USED | (wrap ? GEM_TX_WRAP : 0);
}
