/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The e1000 driver's shared state, private to drivers/e1000.c (the packet path and interrupt
 * handlers) and drivers/e1000_setup.c (bring-up, variants, interrupt setup).
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/e1000_regs.h"
#include "drivers/pci.h"
#include "lib/config.h"
#include "lib/mmio.h"
#include "lib/timer.h"
#include "net/mbuf.h"
#include "net/netdev.h"

/* Variant flags (pci_id.data). */
#define E1000_F_82574 (1ul << 0) /* 82574L: PCIe, MSI-X (IVAR, EIAC), its EERD layout */

#define RXN		     CONFIG_E1000_RX_RING
#define TXN		     CONFIG_E1000_TX_RING
#define E1000_MAX_UNITS	     4
#define E1000_TX_RS_INTERVAL 32 /* descriptors between status write-back requests */
/* Refilled receive descriptors handed back per RDT write under load (Linux's e1000 uses 16);
 * the rest go back when the loop goes idle. */
#define E1000_RX_DOORBELL_BATCH 32
/* Transmitted buffers kept to refill receive slots (the echo's buffer goes out and comes
 * back as a receive buffer without a trip through the pool); the rest go to the pool. */
#define E1000_RECYCLE 64
/* Sent buffers reclaimed by the poll once this many are outstanding (see e1000_poll). */
#define E1000_RECLAIM_MIN 32
_Static_assert(E1000_RECLAIM_MIN <= E1000_RECYCLE && E1000_RECLAIM_MIN < TXN / 2,
	       "the stash covers the refills between reclaims");
/* Replies held back at most while received frames are still waiting (see e1000_flush). */
#define E1000_TX_BATCH_MAX  64
#define E1000_RESET_TIMEOUT (100 * NSEC_PER_MSEC)
#define E1000_EERD_TIMEOUT  (10 * NSEC_PER_MSEC)

_Static_assert(RXN * sizeof(struct e1000_rx_desc) % 128 == 0, "RDLEN must be a multiple of 128");
_Static_assert(TXN * sizeof(struct e1000_tx_desc) % 128 == 0, "TDLEN must be a multiple of 128");
_Static_assert((RXN & (RXN - 1)) == 0, "RX ring is a power of two");
_Static_assert((TXN & (TXN - 1)) == 0, "TX ring is a power of two");
_Static_assert(TXN > 2 * E1000_TX_RS_INTERVAL, "TX ring too small for the RS interval");
_Static_assert(RXN >= 4 * E1000_RX_DOORBELL_BATCH, "RX ring too small for the doorbell batch");
/* RCTL.BSIZE says 2048, but with LPE clear no stored frame exceeds E1000_MAX_FRAME, which
 * must fit behind the headroom every RX mbuf keeps for the reply's headers (and NET_IP_ALIGN:
 * the 82540's receive buffers need no alignment, so the IP header can be word aligned). */
#define E1000_RX_ROOM (MBUF_SIZE - MBUF_HEADROOM - NET_IP_ALIGN) /* behind every RX buffer */
_Static_assert(E1000_RX_ROOM >= E1000_MAX_FRAME, "RX buffer too small");

struct e1000_softc {
	/* packet path first */
	struct e1000_rx_desc *rx_ring;
	struct e1000_tx_desc *tx_ring;
	uintptr_t regs;
	uint32_t rx_cons;	   /* next RX descriptor to look at (free-running) */
	uint32_t rx_cons_doorbell; /* rx_cons when RDT was last written */
	uint32_t tx_prod;	   /* next TX descriptor to fill */
	uint32_t tx_cons;	   /* oldest TX descriptor not reclaimed */
	uint32_t tx_prod_doorbell; /* tx_prod when TDT was last written */
	uint32_t rs_prod, rs_cons; /* queue of TX counters whose descriptor carries RS */
	/* in recycle[]: here, within a load's 12-bit offset (e1000_poll keeps no register for
	 * an address past the arrays) */
	size_t nrecycle;
	bool rx_discard;      /* dropping the rest of a frame that spans descriptors */
	bool has_irq;	      /* our handler owns the interrupt: it may be enabled */
	bool irq_armed;	      /* IMS holds the RX cause (cleared by the interrupt) */
	bool tx_irq_armed;    /* IMS holds the TX cause (MSI-X only) */
	uint32_t rx_cause;    /* ICR/IMS bits of a received frame in this interrupt mode */
	uint32_t tx_cause;    /* ... of transmit completions (0: no TX interrupt) */
	unsigned long flags;  /* E1000_F_*: the variant, from the PCI ID table */
	char irq_name[3][12]; /* "eth0-rx" ...: the interrupt core keeps the pointers */
	struct netdev nd;
	struct mbuf *rx_mbuf[RXN];	     /* every slot always holds one */
	struct mbuf *tx_mbuf[TXN];	     /* owned until the descriptor is reclaimed */
	struct mbuf *recycle[E1000_RECYCLE]; /* reclaimed, owned, for the receive ring */
	uint32_t tx_rs[TXN];
	struct pci_dev *pd;
	uint64_t rx_ring_pa, tx_ring_pa;
};

static inline uint32_t rd(const struct e1000_softc *sc, uint32_t reg)
{
	return mmio_read32(sc->regs + reg);
}
static inline void wr(const struct e1000_softc *sc, uint32_t reg, uint32_t v)
{
	mmio_write32(sc->regs + reg, v);
}

/* drivers/e1000.c */
extern const struct netdev_ops e1000_ops;
/* One vector for every cause (INTx, MSI): reads and clears ICR. */
void e1000_intr(void *arg);
/* MSI-X vectors: received frames, transmit completions, everything else (link). */
void e1000_rx_intr(void *arg);
void e1000_tx_intr(void *arg);
void e1000_other_intr(void *arg);
