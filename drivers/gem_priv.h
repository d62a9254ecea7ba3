/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Private to the Cadence GEM driver's files: drivers/gem.c (rings, interrupts, bring-up) and
 * drivers/gem_phy.c (MDIO, the PHY, link changes). Nothing else includes it.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "drivers/gem.h"
#include "drivers/mii.h"
#include "lib/config.h"
#include "lib/mmio.h"
#include "lib/timer.h"
#include "net/mbuf.h"
#include "net/netdev.h"

#define RXN CONFIG_GEM_RX_RING
#define TXN CONFIG_GEM_TX_RING

struct gem_softc {
	/* packet path first */
	uint8_t *rx_ring, *tx_ring; /* descriptors, 1 << desc_shift bytes each */
	uintptr_t regs;
	uint32_t desc_shift;	   /* 3 (two words) or 4 (four words, 64-bit addresses) */
	uint32_t ncr;		   /* NCR with RE | TE | MPE: what every doorbell writes */
	uint32_t rx_cons;	   /* next RX descriptor to look at (free-running) */
	uint32_t rx_cons_kick;	   /* rx_cons at the last NCR write (see gem_irq_arm) */
	uint32_t tx_prod;	   /* next TX descriptor to fill */
	uint32_t tx_cons;	   /* oldest TX descriptor not reclaimed */
	uint32_t tx_prod_doorbell; /* tx_prod at the last TSTART */
	bool addr64;		   /* DMACFG.ADDR64: descriptors carry address bits 63:32 */
	bool rx_discard;	   /* dropping the rest of a frame that spans descriptors */
	bool has_irq;		   /* our handler owns the interrupt */
	bool irq_armed;		   /* IER holds RCOMP (cleared by intr) */
	bool isr_w1c;		   /* ISR is write-1-to-clear (DCFG1.IRQCOR clear) */
	struct netdev nd;
	struct mbuf *rx_mbuf[RXN]; /* every slot always holds one */
	struct mbuf *tx_mbuf[TXN]; /* owned until the descriptor is reclaimed */
	/* bring-up, link, introspection */
	struct gem_config cfg;
	int irq;	/* the interrupt core's handle, -1 if none */
	uintptr_t mgmt; /* GEMGXL block, 0 if none */
	uint32_t ncfgr; /* NCFGR without the speed bits */
	uint64_t rx_ring_pa, tx_ring_pa;
	struct mii_bus mdio;
	int phy_addr; /* -1: no PHY answered, the link is taken as up at 1000 full */
	uint32_t phy_id;
	struct mii_link link;
	struct timer link_timer;
};

static inline uint32_t gem_rd(const struct gem_softc *sc, uint32_t reg)
{
	return mmio_read32(sc->regs + reg);
}
static inline void gem_wr(const struct gem_softc *sc, uint32_t reg, uint32_t v)
{
	mmio_write32(sc->regs + reg, v);
}

/* gem_phy.c. Registers mapped, NCFGR written: find the PHY (the DT's address, else the first
 * that answers), read its link and set the MAC's speed bits and TX clock to match. */
void gem_phy_init(struct gem_softc *sc);
/* The netdev is up: read the PHY once a second from now on and report link changes. */
void gem_phy_start(struct gem_softc *sc);
