/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cadence GEM ("macb") Ethernet driver, one queue, polled NAPI-style from the main loop like
 * the e1000 (Zynq-7000 TRM UG585 ch. 16 "Gigabit Ethernet Controller": init 16.3, DMA and
 * descriptors 16.3.5-16.3.6; FU540-C000 manual ch. 19 for GEMGXL). The PHY side (MDIO, link)
 * is drivers/gem_phy.c.
 * The packet path touches only RAM: descriptors and mbufs. The one register it writes is NCR,
 * once per batch (TSTART); interrupts are armed and taken only when the loop goes idle.
 * There is no receive tail register: a descriptor is the device's as soon as its OWN bit is
 * clear, so refilled slots go back without a doorbell.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/irq.h"
#include "drivers/gem.h"
#include "drivers/gem_priv.h"
#include "drivers/gem_regs.h"
#include "drivers/mii.h"
#include "lib/barrier.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "mm/page.h"
#include "mm/vm.h"
#include "net/mbuf.h"
#include "net/netdev.h"

#define GEM_MAX_UNITS	 2
#define GEM_TX_BATCH_MAX 64 /* replies held back at most while frames wait (see flush) */
#define GEM_ETH_ZLEN	 60 /* shortest frame without FCS */
#define GEM_RX_ZERO	 64 /* bytes of each RX buffer zeroed before use (see rx_give) */

_Static_assert((RXN & (RXN - 1)) == 0, "RX ring is a power of two");
_Static_assert((TXN & (TXN - 1)) == 0, "TX ring is a power of two");
_Static_assert(RXN >= 8 && TXN >= 8, "rings of at least 8 descriptors");
_Static_assert(NET_IP_ALIGN <= 3, "NCFGR.RBOF holds 0-3 bytes");
/* Every RX mbuf keeps the reply's headroom; the frame lands NET_IP_ALIGN bytes behind it,
 * and the buffer the device may fill (GEM_RX_BUF from the DMA address) must fit. */
_Static_assert(MBUF_SIZE - MBUF_HEADROOM >= GEM_RX_BUF, "RX buffer too small");
_Static_assert(MBUF_HEADROOM % 8 == 0, "RX DMA addresses are 8-byte aligned");
_Static_assert(GEM_RX_ZERO >= GEM_ETH_ZLEN + NET_IP_ALIGN, "a padded runt lands in zeroes");
_Static_assert(GEM_RX_ZERO == 8 * sizeof(uint64_t), "rx_give stores eight words");

static struct gem_softc units[GEM_MAX_UNITS];
static int nunits;

static int gem_tx_reclaim(struct gem_softc *sc);

/* Registered netdevs so far: the next one's name is eth<count>. */
static int netdevs_registered(void)
{
	int n = 0;
	for (const struct netdev *nd = netdev_first(); nd; nd = nd->next)
		n++;
	return n;
}

/* The device writes descriptors behind the compiler's back: access them as volatile. */
static inline volatile struct gem_desc *rxd(const struct gem_softc *sc, uint32_t slot)
{
	return (volatile struct gem_desc *)(sc->rx_ring + ((size_t)slot << sc->desc_shift));
}
static inline volatile struct gem_desc *txd(const struct gem_softc *sc, uint32_t slot)
{
	return (volatile struct gem_desc *)(sc->tx_ring + ((size_t)slot << sc->desc_shift));
}

/* ---- receive ---- */

/*
 * Hand slot's buffer (m, already reserved by NET_IP_ALIGN) to the device. Its first 64 bytes
 * are zeroed first: QEMU's model reports a runt as 60 bytes but writes only what arrived
 * (hw/net/cadence_gem.c gem_receive), so without this the rest would be an older frame's bytes
 * (a real GEM drops runts). Eight aligned stores; RAM is identity-mapped.
 */
static inline void rx_give(struct gem_softc *sc, uint32_t slot, const struct mbuf *m)
{
	volatile struct gem_desc *d = rxd(sc, slot);
	uint64_t pa = mbuf_data_phys(m) - NET_IP_ALIGN; /* RBOF puts the frame back at data */
	uint64_t *buf = (uint64_t *)(uintptr_t)pa;
	/* unrolled: GCC keeps the loop otherwise */
	buf[0] = buf[1] = buf[2] = buf[3] = buf[4] = buf[5] = buf[6] = buf[7] = 0;
	if (sc->addr64)
		d->addr_hi = (uint32_t)(pa >> 32);
	dma_wmb(); /* the zeroed bytes and address bits before word 0 clears OWN */
	d->addr = gem_rx_word0(pa, slot == RXN - 1);
}

/* A descriptor we will not deliver: count why, give its buffer straight back. */
static void rx_recycle(struct gem_softc *sc, uint32_t slot, enum gem_rx_verdict v, uint32_t ctrl)
{
	struct netdev_stats *st = &sc->nd.stats;
	if (v == GEM_RX_MIDDLE) {
		if (!sc->rx_discard)
			st->rx_drop_error++; /* no start of frame, and no frame to continue */
		else if (ctrl & GEM_RX_EOF)
			sc->rx_discard = false; /* the rest of an oversize frame, counted */
	} else if (v == GEM_RX_SPANS) {
		st->rx_drop_oversize++;
		sc->rx_discard = true;
	} else {
		st->rx_drop_error++; /* GEM_RX_BAD_LEN */
	}
	rx_give(sc, slot, sc->rx_mbuf[slot]);
}

static int gem_poll(struct netdev *nd, int budget)
{
	struct gem_softc *sc = nd->priv;
	int done = 0;
	if (sc->tx_cons != sc->tx_prod)
		gem_tx_reclaim(sc);
	while (done < budget) {
		uint32_t slot = ring_slot(sc->rx_cons, RXN), ctrl, len;
		volatile struct gem_desc *d = rxd(sc, slot);
		struct mbuf *m, *fresh;
		enum gem_rx_verdict v;
		if (!(d->addr & GEM_RX_OWN))
			break;
		dma_rmb(); /* OWN is read before the status word the device wrote with it */
		ctrl = d->ctrl;
		sc->rx_cons++;
		done++;
		m = sc->rx_mbuf[slot];
		v = gem_rx_classify(ctrl, (uint32_t)mbuf_tailroom(m));
		if (ctrl & GEM_RX_SOF)
			sc->rx_discard = false; /* an oversize frame that lost its end: over */
		if (v != GEM_RX_DELIVER) {
			rx_recycle(sc, slot, v, ctrl);
			continue;
		}
		fresh = mbuf_alloc();
		if (!fresh) {
			/* pool empty: the frame is dropped, its buffer stays in the slot */
			nd->stats.rx_drop_nobuf++;
			rx_give(sc, slot, m);
			continue;
		}
		/* The slot is whole again before the frame goes up: the stack may transmit. */
		mbuf_reserve(fresh, NET_IP_ALIGN);
		sc->rx_mbuf[slot] = fresh;
		rx_give(sc, slot, fresh);
		len = ctrl & GEM_RX_LEN_MASK;
		netdev_rx(nd, m, len);
	}
	if (done)
		nd->stats.polls++;
	return done;
}

static bool gem_rx_pending(const struct netdev *nd)
{
	const struct gem_softc *sc = nd->priv;
	return (rxd(sc, ring_slot(sc->rx_cons, RXN))->addr & GEM_RX_OWN) != 0;
}

/* ---- transmit ---- */

/* Free the mbufs of every frame the device has sent: it sets USED back in the first (here:
 * only) descriptor of each frame, in ring order. Error bits there mean the frame was lost. */
static int gem_tx_reclaim(struct gem_softc *sc)
{
	int n = 0;
	while (sc->tx_cons != sc->tx_prod) {
		uint32_t slot = ring_slot(sc->tx_cons, TXN);
		uint32_t ctrl = txd(sc, slot)->ctrl;
		if (!(ctrl & GEM_TX_USED))
			break;
		if (ctrl & GEM_TX_ERR_BITS)
			sc->nd.stats.tx_drop_error++;
		if (n == 0)
			dma_acquire(); /* USED before the buffers are reused */
		mbuf_free(sc->tx_mbuf[slot]);
		sc->tx_mbuf[slot] = NULL;
		sc->tx_cons++;
		n++;
	}
	return n;
}

static int gem_xmit(struct netdev *nd, struct mbuf *m)
{
	struct gem_softc *sc = nd->priv;
	uint32_t len = (uint32_t)mbuf_len(m), slot;
	volatile struct gem_desc *d;
	uint64_t pa;
	if (len == 0 || len > GEM_TX_MAX_LEN) {
		nd->stats.tx_drop_oversize++;
		mbuf_free(m);
		return -EINVAL;
	}
	/* Runts: the MAC pads them to 64 bytes with the FCS (UG585 16.2.3); QEMU's model, like
	 * its e1000, sends them as they are. */
	if (ring_space(sc->tx_prod, sc->tx_cons, TXN) == 0 && gem_tx_reclaim(sc) == 0) {
		nd->stats.tx_drop_full++;
		mbuf_free(m);
		return -ENOSPC;
	}
	slot = ring_slot(sc->tx_prod++, TXN);
	d = txd(sc, slot);
	pa = mbuf_data_phys(m);
	sc->tx_mbuf[slot] = m;
	d->addr = (uint32_t)pa;
	if (sc->addr64)
		d->addr_hi = (uint32_t)(pa >> 32);
	dma_wmb(); /* address and frame before USED clears: the device may be running */
	d->ctrl = gem_tx_ctrl(len, slot == TXN - 1);
	return (int)len;
}

/* One NCR write starts the transmitter over every descriptor filled since the last one, and
 * (QEMU's model) makes the receiver read its current descriptor again. */
static void tx_doorbell(struct gem_softc *sc)
{
	/* mmio_write32 orders the descriptor stores before the doorbell (fence w,o). */
	gem_wr(sc, GEM_NCR, sc->ncr | GEM_NCR_TSTART);
	sc->tx_prod_doorbell = sc->tx_prod;
	sc->rx_cons_kick = sc->rx_cons;
	sc->nd.stats.tx_doorbells++;
}

/*
 * A batch ends when the receive ring has nothing more: replies of several passes leave with
 * one TSTART (as the e1000's one TDT write), bounded by GEM_TX_BATCH_MAX under a stream that
 * never lets the ring run dry; gem_irq_arm flushes before any sleep.
 */
static void gem_flush(struct netdev *nd)
{
	struct gem_softc *sc = nd->priv;
	uint32_t queued = sc->tx_prod - sc->tx_prod_doorbell;
	if (queued && (queued >= GEM_TX_BATCH_MAX || !gem_rx_pending(nd)))
		tx_doorbell(sc);
}

/* ---- interrupts ---- */

static void ack_isr(struct gem_softc *sc)
{
	uint32_t isr = gem_rd(sc, GEM_ISR); /* clears it where DCFG1.IRQCOR is set */
	if (sc->isr_w1c)
		gem_wr(sc, GEM_ISR, isr);
}

/*
 * The loop goes idle. QEMU's model reads a receive descriptor once and, if software owned it
 * (the ring was full), stops taking frames until NCR is written again with RE set (its
 * gem_get_rx_desc/can_receive); real GEMs re-read it at the next frame. So after frames were
 * taken since the last NCR write, one more NCR write (no TSTART) is due; under traffic the
 * TSTART writes do it.
 */
static void gem_irq_arm(struct netdev *nd)
{
	struct gem_softc *sc = nd->priv;
	if (sc->tx_prod != sc->tx_prod_doorbell) {
		tx_doorbell(sc);
	} else if (sc->rx_cons != sc->rx_cons_kick) {
		gem_wr(sc, GEM_NCR, sc->ncr);
		sc->rx_cons_kick = sc->rx_cons;
		sc->nd.stats.rx_doorbells++;
	}
	if (sc->irq_armed || !sc->has_irq)
		return;
	/* RCOMP latched while masked (frames already polled) would fire at once: clear it
	 * first. A frame landing after this interrupts; one landing before is seen by the
	 * main loop's rx_pending re-check. */
	ack_isr(sc);
	gem_wr(sc, GEM_IER, GEM_INT_RCOMP);
	sc->irq_armed = true;
}

/*
 * From irq_dispatch. The ISR read (or write back) drops the level line before the PLIC
 * completes it. It comes before the mask: QEMU 7.2's PLIC marks a source pending again
 * whenever the device re-asserts its line, even while claimed, so masking first (the GEM model
 * re-evaluates its line on every IDR write) cost a second, empty claim per interrupt.
 */
static void gem_intr(void *arg)
{
	struct gem_softc *sc = arg;
	sc->nd.stats.irqs++;
	ack_isr(sc);
	gem_wr(sc, GEM_IDR, GEM_INT_RCOMP); /* polling takes over until idle */
	sc->irq_armed = false;
}

static const struct netdev_ops gem_ops = {
	.poll = gem_poll,
	.xmit = gem_xmit,
	.flush = gem_flush,
	.irq_arm = gem_irq_arm,
	.rx_pending = gem_rx_pending,
};

/* ---- bring-up (UG585 16.3.1 "Initialize the controller") ---- */

static void reset(struct gem_softc *sc)
{
	gem_wr(sc, GEM_NCR, 0); /* receiver and transmitter off; the TX queue pointer goes home */
	gem_wr(sc, GEM_NCR, GEM_NCR_CLRSTAT);
	gem_wr(sc, GEM_TSR, GEM_TSR_ALL);
	gem_wr(sc, GEM_RSR, GEM_RSR_ALL);
	gem_wr(sc, GEM_IDR, GEM_INT_ALL);
	ack_isr(sc);
	gem_wr(sc, GEM_NCR, GEM_NCR_MPE); /* MDIO on for the PHY */
}

static bool mac_ok(const uint8_t mac[6])
{
	bool zero = !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]);
	return !zero && !(mac[0] & 1); /* not all zeros, not multicast */
}

/* local-mac-address when the DT has one, else what firmware left in SA1. */
static int set_mac(struct gem_softc *sc)
{
	uint8_t *mac = sc->nd.mac;
	if (sc->cfg.has_mac && mac_ok(sc->cfg.mac)) {
		memcpy(mac, sc->cfg.mac, 6);
	} else {
		uint32_t lo = gem_rd(sc, GEM_SA1B), hi = gem_rd(sc, GEM_SA1T);
		for (int i = 0; i < 4; i++)
			mac[i] = (uint8_t)(lo >> (8 * i));
		mac[4] = (uint8_t)hi;
		mac[5] = (uint8_t)(hi >> 8);
		if (!mac_ok(mac))
			return -ENODEV;
	}
	/* Bottom then top: writing the top word enables the filter (UG585 16.2.6). The other
	 * three specific-address filters stay disabled (bottom written, top not). */
	gem_wr(sc, GEM_SA1B,
	       (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
		       (uint32_t)mac[3] << 24);
	gem_wr(sc, GEM_SA1T, (uint32_t)mac[4] | (uint32_t)mac[5] << 8);
	for (uint32_t n = 1; n < 4; n++)
		gem_wr(sc, GEM_SAB(n), 0);
	return 0;
}

static size_t ring_bytes(const struct gem_softc *sc, uint32_t n)
{
	return (size_t)n << sc->desc_shift;
}

static size_t ring_pages(size_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

static void free_rings(struct gem_softc *sc)
{
	for (int i = 0; i < RXN; i++) {
		mbuf_free(sc->rx_mbuf[i]);
		sc->rx_mbuf[i] = NULL;
	}
	if (sc->rx_ring_pa)
		page_free_contig(sc->rx_ring_pa, ring_pages(ring_bytes(sc, RXN)));
	if (sc->tx_ring_pa)
		page_free_contig(sc->tx_ring_pa, ring_pages(ring_bytes(sc, TXN)));
}

/* Rings in contiguous frames (each inside one 4 GiB window: RBQPH/TBQPH cover the ring),
 * every RX slot backed by an mbuf, every TX slot software's (USED). */
static int alloc_rings(struct gem_softc *sc)
{
	uint64_t limit = sc->addr64 ? UINT64_MAX : 1ull << 32;
	sc->rx_ring_pa = page_alloc_contig(ring_pages(ring_bytes(sc, RXN)), PAGE_SIZE);
	sc->tx_ring_pa = page_alloc_contig(ring_pages(ring_bytes(sc, TXN)), PAGE_SIZE);
	if (!sc->rx_ring_pa || !sc->tx_ring_pa)
		goto fail;
	if (sc->rx_ring_pa + ring_bytes(sc, RXN) > limit ||
	    sc->tx_ring_pa + ring_bytes(sc, TXN) > limit) {
		pr_warn("%s: rings above 4 GiB without 64-bit DMA\n", sc->nd.name);
		goto fail;
	}
	sc->rx_ring = (uint8_t *)(uintptr_t)sc->rx_ring_pa;
	sc->tx_ring = (uint8_t *)(uintptr_t)sc->tx_ring_pa;
	for (uint32_t i = 0; i < RXN; i++) {
		struct mbuf *m = mbuf_alloc();
		if (!m || mbuf_tailroom(m) < GEM_RX_BUF || mbuf_data_phys(m) + GEM_RX_BUF > limit) {
			mbuf_free(m);
			goto fail;
		}
		mbuf_reserve(m, NET_IP_ALIGN);
		sc->rx_mbuf[i] = m;
		rx_give(sc, i, m);
	}
	for (uint32_t i = 0; i < TXN; i++)
		txd(sc, i)->ctrl = gem_tx_ctrl_free(i == TXN - 1);
	return 0;
fail:
	free_rings(sc);
	return -ENOMEM;
}

/* NCFGR.DBW from the design's bus width (Linux macb_dbw). */
static uint32_t bus_width_bits(uint32_t dcfg1)
{
	switch (GEM_DCFG1_DBWDEF(dcfg1)) {
	case 4:
		return 2u << GEM_NCFGR_DBW_SHIFT;
	case 2:
		return 1u << GEM_NCFGR_DBW_SHIFT;
	default:
		return 0;
	}
}

static void configure(struct gem_softc *sc, uint32_t dcfg1)
{
	uint32_t dma = gem_rd(sc, GEM_DMACFG);
	/* Unicast to SA1 and broadcast (ARP, DHCP) are all the stack takes: no hash filters,
	 * not promiscuous. FCS removed, frames up to 1536 bytes, IP header aligned by RBOF. */
	sc->ncfgr = GEM_NCFGR_CLK_DIV224 << GEM_NCFGR_CLK_SHIFT | bus_width_bits(dcfg1) |
		    GEM_NCFGR_DRFCS | GEM_NCFGR_BIG |
		    (uint32_t)NET_IP_ALIGN << GEM_NCFGR_RBOF_SHIFT;
	gem_wr(sc, GEM_NCFGR, sc->ncfgr | GEM_NCFGR_GBE | GEM_NCFGR_FD);
	gem_wr(sc, GEM_HRB, 0);
	gem_wr(sc, GEM_HRT, 0);
	dma &= ~(GEM_DMACFG_RXBS_MASK | GEM_DMACFG_ENDIA_DESC | GEM_DMACFG_ENDIA_PKT |
		 GEM_DMACFG_TXCOEN | GEM_DMACFG_ADDR64 | GEM_DMACFG_RX_BD_EXT |
		 GEM_DMACFG_TX_BD_EXT);
	dma |= (GEM_RX_BUF / GEM_DMACFG_RXBS_UNIT) << GEM_DMACFG_RXBS_SHIFT |
	       GEM_DMACFG_RXBMS_MASK | GEM_DMACFG_TXPBMS | (sc->addr64 ? GEM_DMACFG_ADDR64 : 0);
	if (sc->cfg.variant->burst)
		dma = (dma & ~GEM_DMACFG_FBLDO_MASK) | sc->cfg.variant->burst;
	gem_wr(sc, GEM_DMACFG, dma);
	if (sc->addr64) {
		gem_wr(sc, GEM_RBQPH, (uint32_t)(sc->rx_ring_pa >> 32));
		gem_wr(sc, GEM_TBQPH, (uint32_t)(sc->tx_ring_pa >> 32));
	}
	gem_wr(sc, GEM_RBQP, (uint32_t)sc->rx_ring_pa);
	gem_wr(sc, GEM_TBQP, (uint32_t)sc->tx_ring_pa);
}

static void attach_irq(struct gem_softc *sc, const struct dt_device *dev)
{
	sc->irq = irq_request_dt(dev, 0, gem_intr, sc, sc->nd.name);
	if (sc->irq < 0) {
		/* Nobody would read our ISR: a raised level line would be claimed forever. */
		pr_warn("%s: interrupt not available (%s): polled on the loop's tick\n",
			sc->nd.name, strerror(sc->irq));
		sc->nd.polled = true;
		return;
	}
	sc->has_irq = true;
}

static void log_attach(const struct gem_softc *sc, uint32_t mid)
{
	const uint8_t *m = sc->nd.mac;
	const char *phy = mii_phy_name(sc->phy_id);
	char phybuf[40], route[48] = "polled";
	if (sc->phy_addr < 0)
		ksnprintf(phybuf, sizeof(phybuf), "no PHY on MDIO");
	else
		ksnprintf(phybuf, sizeof(phybuf), "PHY %s%s%08x at %d", phy ? phy : "",
			  phy ? " " : "id ", sc->phy_id, sc->phy_addr);
	if (sc->irq >= 0)
		irq_describe(sc->irq, route, sizeof(route));
	pr_info("%s: GEM rev %04x (%s) at %lx, %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, %s\n",
		sc->nd.name, GEM_MID_REV(mid), sc->cfg.variant->name, (unsigned long)sc->cfg.base,
		route, m[0], m[1], m[2], m[3], m[4], m[5], phybuf);
	if (sc->link.up)
		pr_info("%s: link up, %u Mb/s %s duplex, rings %d/%d, %s-bit DMA\n", sc->nd.name,
			sc->link.speed, sc->link.full_duplex ? "full" : "half", RXN, TXN,
			sc->addr64 ? "64" : "32");
	else
		pr_info("%s: link down, rings %d/%d, %s-bit DMA\n", sc->nd.name, RXN, TXN,
			sc->addr64 ? "64" : "32");
}

static int map_regs(struct gem_softc *sc)
{
	const struct gem_config *c = &sc->cfg;
	if (c->size < GEM_REGS_SIZE || vm_map_mmio(c->base, c->size))
		return -ENODEV;
	sc->regs = (uintptr_t)c->base; /* MMIO is identity-mapped */
	if (c->variant->gemgxl_mgmt && c->mgmt_size && vm_map_mmio(c->mgmt_base, c->mgmt_size))
		return -ENODEV;
	sc->mgmt = c->variant->gemgxl_mgmt && c->mgmt_size ? (uintptr_t)c->mgmt_base : 0;
	return 0;
}

/* Registers mapped: is it a GEM, and which DMA does the design have? */
static int identify(struct gem_softc *sc, uint32_t *mid, uint32_t *dcfg1)
{
	*mid = gem_rd(sc, GEM_MID);
	if (GEM_MID_IDNUM(*mid) < GEM_MID_IS_GEM) {
		pr_warn("%s: %s at %lx: module ID %03x is a 10/100 MACB, not a GEM: left alone\n",
			sc->nd.name, sc->cfg.node, (unsigned long)sc->cfg.base,
			GEM_MID_IDNUM(*mid));
		return -ENODEV;
	}
	*dcfg1 = gem_rd(sc, GEM_DCFG1);
	sc->isr_w1c = !(*dcfg1 & GEM_DCFG1_IRQCOR);
	sc->addr64 = (gem_rd(sc, GEM_DCFG6) & GEM_DCFG6_DAW64) != 0;
	sc->desc_shift = sc->addr64 ? 4 : 3;
	return 0;
}

int gem_attach(const struct gem_config *cfg, const struct dt_device *dev)
{
	struct gem_softc *sc;
	uint32_t mid, dcfg1;
	int err;
	if (nunits == GEM_MAX_UNITS) {
		pr_warn("gem: %d units attached already, %s left alone\n", GEM_MAX_UNITS,
			cfg->node);
		return -ENOSPC;
	}
	if (mbuf_pool_free_count() < 2 * RXN) {
		pr_warn("gem: %u free mbufs cannot fill another RX ring, %s left alone\n",
			mbuf_pool_free_count(), cfg->node);
		return -ENOMEM;
	}
	sc = &units[nunits];
	memset(sc, 0, sizeof(*sc));
	sc->cfg = *cfg;
	sc->irq = -1;
	ksnprintf(sc->nd.name, sizeof(sc->nd.name), "eth%d", netdevs_registered());
	if (map_regs(sc)) {
		pr_warn("%s: %s: registers at %lx (%lx bytes) cannot be mapped\n", sc->nd.name,
			cfg->node, (unsigned long)cfg->base, (unsigned long)cfg->size);
		return -ENODEV;
	}
	err = identify(sc, &mid, &dcfg1);
	if (err)
		return err;
	reset(sc);
	if (set_mac(sc)) {
		pr_warn("%s: %s: no MAC address (no local-mac-address, none in the controller)\n",
			sc->nd.name, cfg->node);
		return -ENODEV;
	}
	err = alloc_rings(sc);
	if (err)
		return err;
	configure(sc, dcfg1);
	gem_phy_init(sc);
	sc->nd.mtu = 1500;
	sc->nd.ops = &gem_ops;
	sc->nd.priv = sc;
	sc->ncr = GEM_NCR_RE | GEM_NCR_TE | GEM_NCR_MPE;
	gem_wr(sc, GEM_NCR, sc->ncr);
	sc->nd.rx_on_ns = clock_ns();
	attach_irq(sc, dev);
	gem_phy_start(sc);
	nunits++;
	log_attach(sc, mid);
	return netdev_register(&sc->nd);
}

struct netdev *gem_netdev(int unit)
{
	return unit >= 0 && unit < nunits ? &units[unit].nd : NULL;
}

uint32_t gem_reg_read(int unit, uint32_t reg)
{
	return unit >= 0 && unit < nunits ? gem_rd(&units[unit], reg) : 0xffffffffu;
}
