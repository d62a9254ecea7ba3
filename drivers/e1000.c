/*
 * Intel 8254x (e1000) driver, legacy descriptors, polled NAPI-style from the main loop
 * (8254x SDM rev. 4.0: init sec. 14, receive sec. 3.2, transmit sec. 3.3, interrupts 13.4.17).
 * The packet path touches only RAM: descriptors and mbufs. Register writes happen once per
 * batch (flush: TDT, RDT) and when interrupts are armed or taken.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/irq.h"
#include "drivers/e1000.h"
#include "drivers/e1000_regs.h"
#include "drivers/pci.h"
#include "lib/barrier.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "mm/page.h"
#include "net/mbuf.h"
#include "net/netdev.h"

#define RXN		     CONFIG_E1000_RX_RING
#define TXN		     CONFIG_E1000_TX_RING
#define E1000_MAX_UNITS	     4
#define E1000_TX_RS_INTERVAL 32 /* descriptors between status write-back requests */
/* Refilled receive descriptors handed back per RDT write under load (Linux's e1000 uses 16);
 * the rest go back when the loop goes idle. */
#define E1000_RX_DOORBELL_BATCH 32
/* Replies held back at most while received frames are still waiting (see e1000_flush). */
#define E1000_TX_BATCH_MAX  64
#define E1000_RESET_TIMEOUT (100 * NSEC_PER_MSEC)
#define E1000_EERD_TIMEOUT  (10 * NSEC_PER_MSEC)
#define E1000_IMS_ARMED	    (E1000_ICR_RX_CAUSES | E1000_ICR_LSC)

_Static_assert(RXN * sizeof(struct e1000_rx_desc) % 128 == 0, "RDLEN must be a multiple of 128");
_Static_assert(TXN * sizeof(struct e1000_tx_desc) % 128 == 0, "TDLEN must be a multiple of 128");
_Static_assert((RXN & (RXN - 1)) == 0, "RX ring is a power of two");
_Static_assert((TXN & (TXN - 1)) == 0, "TX ring is a power of two");
_Static_assert(TXN > 2 * E1000_TX_RS_INTERVAL, "TX ring too small for the RS interval");
_Static_assert(RXN >= 4 * E1000_RX_DOORBELL_BATCH, "RX ring too small for the doorbell batch");
/* RCTL.BSIZE says 2048, but with LPE clear no stored frame exceeds E1000_MAX_FRAME, which
 * must fit behind the headroom every RX mbuf keeps for the reply's headers (and NET_IP_ALIGN:
 * the 82540's receive buffers need no alignment, so the IP header can be word aligned). */
_Static_assert(MBUF_SIZE - MBUF_HEADROOM - NET_IP_ALIGN >= E1000_MAX_FRAME, "RX buffer too small");

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
	bool rx_discard;	   /* dropping the rest of a frame that spans descriptors */
	bool has_irq;		   /* our handler owns the interrupt: it may be enabled */
	bool irq_armed;		   /* IMS holds the RX causes (cleared by intr) */
	struct netdev nd;
	struct mbuf *rx_mbuf[RXN]; /* every slot always holds one */
	struct mbuf *tx_mbuf[TXN]; /* owned until the descriptor is reclaimed */
	uint32_t tx_rs[TXN];
	struct pci_dev *pd;
	uint64_t rx_ring_pa, tx_ring_pa;
};

static int e1000_tx_reclaim(struct netdev *nd);
static int e1000_probe(struct pci_dev *pd, const struct pci_id *id);

static struct e1000_softc units[E1000_MAX_UNITS];
static int nunits;

static const struct pci_id e1000_ids[] = {
	{ 0x8086, 0x100e, 0 }, /* 82540EM (QEMU "e1000") */
	{ 0x8086, 0x100f, 0 }, /* 82545EM copper (QEMU "e1000-82545em") */
	{ 0x8086, 0x1004, 0 }, /* 82543GC copper */
	{ 0x8086, 0x100c, 0 }, /* 82544GC copper (QEMU "e1000-82544gc") */
	{ 0x8086, 0x1015, 0 }, /* 82540EM LOM */
	{ 0x8086, 0x1026, 0 }, /* 82545GM copper */
	{ 0, 0, 0 },
};

const struct pci_driver e1000_pci_driver = {
	.name = "e1000",
	.ids = e1000_ids,
	.probe = e1000_probe,
};

static inline uint32_t rd(const struct e1000_softc *sc, uint32_t reg)
{
	return mmio_read32(sc->regs + reg);
}
static inline void wr(const struct e1000_softc *sc, uint32_t reg, uint32_t v)
{
	mmio_write32(sc->regs + reg, v);
}

/* The device writes descriptor status behind the compiler's back: always load it afresh. */
static inline uint8_t desc_status(const volatile uint8_t *status)
{
	return *status;
}

/* ---- receive ---- */

/* A descriptor we will not deliver: count why, give its buffer straight back to the ring. */
static void rx_recycle(struct e1000_softc *sc, struct e1000_rx_desc *d, uint8_t status)
{
	struct netdev_stats *st = &sc->nd.stats;
	if (sc->rx_discard) {
		/* continuation of an oversize frame, already counted */
		if (status & E1000_RXD_STAT_EOP)
			sc->rx_discard = false;
	} else if (!(status & E1000_RXD_STAT_EOP)) {
		st->rx_drop_oversize++;
		sc->rx_discard = true;
	} else {
		/* E1000_RXD_ERR_FRAME, or a frame longer than the buffer behind the headroom
		 * (impossible with LPE off): both count as errors */
		st->rx_drop_error++;
	}
	d->status = 0;
}

static int e1000_poll(struct netdev *nd, int budget)
{
	struct e1000_softc *sc = nd->priv;
	int done = 0;
	if (sc->rs_cons != sc->rs_prod)
		e1000_tx_reclaim(nd);
	while (done < budget) {
		uint32_t slot = ring_slot(sc->rx_cons, RXN);
		struct e1000_rx_desc *d = &sc->rx_ring[slot];
		struct mbuf *m, *fresh;
		uint8_t status = desc_status(&d->status), errors;
		uint32_t len;
		if (!(status & E1000_RXD_STAT_DD))
			break;
		/* DD is read before the fields the device wrote with it; without this barrier the
		 * hart may load length/errors early and see the values of the previous use. */
		dma_rmb();
		len = d->length;
		errors = d->errors;
		sc->rx_cons++;
		done++;
		m = sc->rx_mbuf[slot];
		if (!(status & E1000_RXD_STAT_EOP) || sc->rx_discard ||
		    (errors & E1000_RXD_ERR_FRAME) || len > mbuf_tailroom(m)) {
			rx_recycle(sc, d, status);
			continue;
		}
		fresh = mbuf_alloc();
		if (!fresh) {
			/* pool empty: the frame is dropped, its buffer stays in the slot */
			nd->stats.rx_drop_nobuf++;
			d->status = 0;
			continue;
		}
		/* The slot is whole again before the frame goes up: the stack may flush. */
		mbuf_reserve(fresh, NET_IP_ALIGN);
		sc->rx_mbuf[slot] = fresh;
		d->addr = mbuf_data_phys(fresh);
		d->status = 0;
		netdev_rx(nd, m, len);
	}
	if (done)
		nd->stats.polls++;
	return done;
}

static bool e1000_rx_pending(const struct netdev *nd)
{
	const struct e1000_softc *sc = nd->priv;
	const struct e1000_rx_desc *d = &sc->rx_ring[ring_slot(sc->rx_cons, RXN)];
	return (desc_status(&d->status) & E1000_RXD_STAT_DD) != 0;
}

/* ---- transmit ---- */

static void rs_mark(struct e1000_softc *sc, uint32_t counter)
{
	sc->tx_rs[ring_slot(sc->rs_prod++, TXN)] = counter;
}

/* Free the mbufs of every descriptor up to the newest RS one the device has written back:
 * descriptors complete in order, so DD there covers all before it. */
static int e1000_tx_reclaim(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	int n = 0;
	while (sc->rs_cons != sc->rs_prod) {
		uint32_t last = sc->tx_rs[ring_slot(sc->rs_cons, TXN)];
		const struct e1000_tx_desc *d = &sc->tx_ring[ring_slot(last, TXN)];
		if (!(desc_status(&d->status) & E1000_TXD_STAT_DD))
			break;
		/* DD before reusing the buffers: the device has finished reading them only once
		 * DD is visible, so nothing of ours may move ahead of this load. */
		dma_acquire();
		while (sc->tx_cons != last + 1) {
			uint32_t slot = ring_slot(sc->tx_cons++, TXN);
			mbuf_free(sc->tx_mbuf[slot]);
			sc->tx_mbuf[slot] = NULL;
			n++;
		}
		sc->rs_cons++;
	}
	return n;
}

static int e1000_xmit(struct netdev *nd, struct mbuf *m)
{
	struct e1000_softc *sc = nd->priv;
	uint32_t len = (uint32_t)mbuf_len(m), slot;
	uint8_t cmd = E1000_TXD_CMD_EOP | E1000_TXD_CMD_IFCS;
	if (len == 0 || len > E1000_TX_MAX_LEN) {
		nd->stats.tx_drop_oversize++;
		mbuf_free(m);
		return -EINVAL;
	}
	if (ring_space(sc->tx_prod, sc->tx_cons, TXN) == 0 && e1000_tx_reclaim(nd) == 0) {
		nd->stats.tx_drop_full++;
		mbuf_free(m);
		return -ENOSPC;
	}
	if (ring_want_status(sc->tx_prod, sc->tx_cons, TXN, E1000_TX_RS_INTERVAL)) {
		cmd |= E1000_TXD_CMD_RS;
		rs_mark(sc, sc->tx_prod);
	}
	slot = ring_slot(sc->tx_prod++, TXN);
	sc->tx_mbuf[slot] = m;
	sc->tx_ring[slot] = (struct e1000_tx_desc){
		.addr = mbuf_data_phys(m),
		.length = (uint16_t)len,
		.cmd = cmd,
	};
	return (int)len;
}

static void rx_doorbell(struct e1000_softc *sc)
{
	/* Refilled descriptors (addr, status = 0) must be visible before the device may use
	 * them: mmio_write32's fence w,o orders those stores before the RDT write. */
	wr(sc, E1000_RDT, ring_tail_behind(sc->rx_cons, RXN));
	sc->rx_cons_doorbell = sc->rx_cons;
	sc->nd.stats.rx_doorbells++;
}

static void tx_doorbell(struct e1000_softc *sc)
{
	uint32_t last = sc->tx_prod - 1;
	struct e1000_tx_desc *d = &sc->tx_ring[ring_slot(last, TXN)];
	/* The batch's last descriptor asks for status, so its buffers come back without waiting
	 * for the next RS_INTERVAL boundary. Still ours: TDT is not past it. */
	if (!(d->cmd & E1000_TXD_CMD_RS)) {
		d->cmd |= E1000_TXD_CMD_RS;
		rs_mark(sc, last);
	}
	/* mmio_write32 orders the descriptor stores before the doorbell (fence w,o). */
	wr(sc, E1000_TDT, ring_slot(sc->tx_prod, TXN));
	sc->tx_prod_doorbell = sc->tx_prod;
	sc->nd.stats.tx_doorbells++;
}

/*
 * A batch ends when the receive ring has nothing more: frames that arrived while this pass
 * ran are polled first (the main loop comes straight back), and the replies of both passes
 * leave with one TDT write (as Linux's xmit_more). E1000_TX_BATCH_MAX bounds the wait under
 * a stream that never lets the ring run dry, and e1000_irq_arm flushes before any sleep.
 */
static void e1000_flush(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	uint32_t queued = sc->tx_prod - sc->tx_prod_doorbell;
	if (queued && (queued >= E1000_TX_BATCH_MAX || !e1000_rx_pending(nd)))
		tx_doorbell(sc);
	/* Refilled descriptors go back in batches: the device always keeps at least
	 * RXN - 1 - E1000_RX_DOORBELL_BATCH buffers, and e1000_irq_arm hands back the rest
	 * before the loop sleeps, so a quiet ring is always full. */
	if (sc->rx_cons - sc->rx_cons_doorbell >= E1000_RX_DOORBELL_BATCH)
		rx_doorbell(sc);
}

/* ---- interrupts ---- */

static void link_change(struct e1000_softc *sc)
{
	bool up = (rd(sc, E1000_STATUS) & E1000_STATUS_LU) != 0;
	sc->nd.stats.link_changes++;
	if (up != sc->nd.link_up)
		pr_info("%s: link %s\n", sc->nd.name, up ? "up" : "down");
	sc->nd.link_up = up;
}

static void e1000_irq_arm(struct netdev *nd)
{
	struct e1000_softc *sc = nd->priv;
	/* idle: every queued frame out, every buffer back to the device */
	if (sc->tx_prod != sc->tx_prod_doorbell)
		tx_doorbell(sc);
	if (sc->rx_cons != sc->rx_cons_doorbell)
		rx_doorbell(sc);
	if (sc->irq_armed || !sc->has_irq)
		return;
	/* Causes latched while masked (frames already polled) would fire at once: clear them
	 * (write 1 to clear) first. A frame landing after this sets RXT0 again and interrupts;
	 * one landing before is seen by the main loop's rx_pending re-check. LSC is kept. */
	wr(sc, E1000_ICR, E1000_ICR_RX_CAUSES);
	wr(sc, E1000_IMS, E1000_IMS_ARMED);
	sc->irq_armed = true;
}

/* Reading ICR clears it, which drops the level INTx line; the interrupt core completes the
 * source at the controller only after this returns, so it is not raised again at once. */
static void e1000_intr(void *arg)
{
	struct e1000_softc *sc = arg;
	struct netdev *nd = &sc->nd;
	uint32_t icr = rd(sc, E1000_ICR);
	nd->stats.irqs++;
	if (icr & E1000_ICR_RX_CAUSES) {
		wr(sc, E1000_IMC, E1000_ICR_RX_CAUSES); /* polling takes over until idle */
		sc->irq_armed = false;
	}
	if (icr & E1000_ICR_LSC)
		link_change(sc);
}

static const struct netdev_ops e1000_ops = {
	.poll = e1000_poll,
	.xmit = e1000_xmit,
	.flush = e1000_flush,
	.irq_arm = e1000_irq_arm,
	.rx_pending = e1000_rx_pending,
};

/* ---- bring-up (SDM sec. 14) ---- */

static bool wait_bits(struct e1000_softc *sc, uint32_t reg, uint32_t mask, uint32_t want,
		      uint64_t timeout_ns)
{
	uint64_t deadline = clock_ns() + timeout_ns;
	do {
		if ((rd(sc, reg) & mask) == want)
			return true;
	} while (clock_ns() < deadline);
	return (rd(sc, reg) & mask) == want;
}

static int reset(struct e1000_softc *sc)
{
	wr(sc, E1000_IMC, 0xffffffffu);
	wr(sc, E1000_CTRL, rd(sc, E1000_CTRL) | E1000_CTRL_RST);
	/* RST self-clears when the reset is done (SDM 14.2). */
	if (!wait_bits(sc, E1000_CTRL, E1000_CTRL_RST, 0, E1000_RESET_TIMEOUT))
		return -EIO;
	wr(sc, E1000_IMC, 0xffffffffu); /* reset re-enables nothing, but be explicit */
	(void)rd(sc, E1000_ICR);	/* drop causes latched before the reset */
	return 0;
}

static int eeprom_read(struct e1000_softc *sc, uint32_t word, uint16_t *val)
{
	wr(sc, E1000_EERD, word << E1000_EERD_ADDR_SHIFT | E1000_EERD_START);
	if (!wait_bits(sc, E1000_EERD, E1000_EERD_DONE, E1000_EERD_DONE, E1000_EERD_TIMEOUT))
		return -EIO;
	*val = (uint16_t)(rd(sc, E1000_EERD) >> E1000_EERD_DATA_SHIFT);
	return 0;
}

/* RAL0/RAH0 as loaded from the EEPROM at reset (QEMU fills them), else the EEPROM words
 * 0-2 (SDM 5.6.1); either way RAR0 ends up valid, since it is the unicast filter. */
static int read_mac(struct e1000_softc *sc, uint8_t mac[6])
{
	uint32_t lo = rd(sc, E1000_RAL0), hi = rd(sc, E1000_RAH0);
	if (!(hi & E1000_RAH_AV) || (lo == 0 && (hi & 0xffff) == 0)) {
		uint16_t w[3];
		pr_debug("%s: RAR0 not loaded at reset: MAC from the EEPROM\n", sc->nd.name);
		for (uint32_t i = 0; i < 3; i++)
			if (eeprom_read(sc, i, &w[i]))
				return -EIO;
		lo = (uint32_t)w[1] << 16 | w[0];
		hi = w[2];
		wr(sc, E1000_RAL0, lo);
		wr(sc, E1000_RAH0, hi | E1000_RAH_AV);
	}
	for (int i = 0; i < 4; i++)
		mac[i] = (uint8_t)(lo >> (8 * i));
	mac[4] = (uint8_t)hi;
	mac[5] = (uint8_t)(hi >> 8);
	return 0;
}

static void free_rx_mbufs(struct e1000_softc *sc)
{
	for (int i = 0; i < RXN; i++) {
		mbuf_free(sc->rx_mbuf[i]);
		sc->rx_mbuf[i] = NULL;
	}
}

static size_t ring_pages(size_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Rings in contiguous frames, every RX slot backed by an mbuf. */
static int alloc_rings(struct e1000_softc *sc)
{
	sc->rx_ring_pa =
		page_alloc_contig(ring_pages(RXN * sizeof(struct e1000_rx_desc)), PAGE_SIZE);
	sc->tx_ring_pa =
		page_alloc_contig(ring_pages(TXN * sizeof(struct e1000_tx_desc)), PAGE_SIZE);
	if (!sc->rx_ring_pa || !sc->tx_ring_pa)
		goto fail_rings;
	sc->rx_ring = (struct e1000_rx_desc *)(uintptr_t)sc->rx_ring_pa;
	sc->tx_ring = (struct e1000_tx_desc *)(uintptr_t)sc->tx_ring_pa;
	for (int i = 0; i < RXN; i++) {
		struct mbuf *m = mbuf_alloc();
		if (!m || mbuf_tailroom(m) < NET_IP_ALIGN + E1000_MAX_FRAME) {
			mbuf_free(m);
			goto fail_mbufs;
		}
		mbuf_reserve(m, NET_IP_ALIGN);
		sc->rx_mbuf[i] = m;
		sc->rx_ring[i] = (struct e1000_rx_desc){ .addr = mbuf_data_phys(m) };
	}
	return 0;
fail_mbufs:
	free_rx_mbufs(sc);
fail_rings:
	if (sc->rx_ring_pa)
		page_free_contig(sc->rx_ring_pa, ring_pages(RXN * sizeof(struct e1000_rx_desc)));
	if (sc->tx_ring_pa)
		page_free_contig(sc->tx_ring_pa, ring_pages(TXN * sizeof(struct e1000_tx_desc)));
	return -ENOMEM;
}

static void start_tx(struct e1000_softc *sc)
{
	wr(sc, E1000_TDBAL, (uint32_t)sc->tx_ring_pa);
	wr(sc, E1000_TDBAH, (uint32_t)(sc->tx_ring_pa >> 32));
	wr(sc, E1000_TDLEN, TXN * sizeof(struct e1000_tx_desc));
	wr(sc, E1000_TDH, 0);
	wr(sc, E1000_TDT, 0);
	wr(sc, E1000_TIPG, E1000_TIPG_COPPER);
	wr(sc, E1000_TCTL,
	   E1000_TCTL_EN | E1000_TCTL_PSP | 0x10u << E1000_TCTL_CT_SHIFT |
		   0x40u << E1000_TCTL_COLD_SHIFT);
}

static void start_rx(struct e1000_softc *sc)
{
	wr(sc, E1000_RDBAL, (uint32_t)sc->rx_ring_pa);
	wr(sc, E1000_RDBAH, (uint32_t)(sc->rx_ring_pa >> 32));
	wr(sc, E1000_RDLEN, RXN * sizeof(struct e1000_rx_desc));
	wr(sc, E1000_RDH, 0);
	/* All but one slot to the device: RDT == RDH would mean "no buffers". */
	wr(sc, E1000_RDT, ring_tail_behind(0, RXN));
	wr(sc, E1000_RDTR, 0); /* no receive interrupt delay: we mask instead */
	wr(sc, E1000_RADV, 0);
	/* Written exactly once: QEMU stops receiving for ~1 s of virtual time after each RCTL
	 * write (its flush-queue timer). No LPE, so frames stay within E1000_MAX_FRAME. */
	wr(sc, E1000_RCTL,
	   E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 | E1000_RCTL_SECRC);
	sc->nd.rx_on_ns = clock_ns(); /* QEMU refuses frames for ~1 s (virtual) after this */
}

static void attach_irq(struct e1000_softc *sc)
{
	char route[48];
	int irq;
	if (sc->pd->intx_err) {
		pr_warn("%s: INTx not routed: interrupts off, polled on the loop's tick\n",
			sc->nd.name);
		sc->nd.polled = true;
		return;
	}
	irq = irq_request_spec(&sc->pd->intx, e1000_intr, sc, sc->nd.name);
	if (irq < 0) {
		/* Nobody would read our ICR: a raised level line would be claimed forever. */
		pr_warn("%s: INTx not available (%s): interrupts off, polled on the loop's tick\n",
			sc->nd.name, errname(irq));
		sc->nd.polled = true;
		return;
	}
	sc->has_irq = true;
	pr_info("%s: INTx, %s\n", sc->nd.name, irq_describe(irq, route, sizeof(route)));
	wr(sc, E1000_IMS, E1000_ICR_LSC); /* link changes always interrupt */
}

static int e1000_probe(struct pci_dev *pd, const struct pci_id *id)
{
	struct e1000_softc *sc;
	int err;
	(void)id;
	if (nunits == E1000_MAX_UNITS) {
		pr_warn("e1000: %d units attached already, %02x:%02x.%x left alone\n",
			E1000_MAX_UNITS, pd->bus, pd->dev, pd->fn);
		return -ENOSPC;
	}
	/* Each unit parks RXN mbufs in its ring; leave at least as many for traffic. */
	if (mbuf_pool_free_count() < 2 * RXN) {
		pr_warn("e1000: %u free mbufs cannot fill another RX ring, %02x:%02x.%x left "
			"alone\n",
			mbuf_pool_free_count(), pd->bus, pd->dev, pd->fn);
		return -ENOMEM;
	}
	sc = &units[nunits];
	memset(sc, 0, sizeof(*sc));
	sc->pd = pd;
	ksnprintf(sc->nd.name, sizeof(sc->nd.name), "eth%d", nunits);
	if (pd->bar[0].size < E1000_BAR0_MIN || pci_map_bar(pd, 0, &sc->regs))
		return -ENODEV;
	err = reset(sc);
	if (!err)
		err = read_mac(sc, sc->nd.mac);
	if (err)
		return err;
	wr(sc, E1000_CTRL, rd(sc, E1000_CTRL) | E1000_CTRL_SLU | E1000_CTRL_ASDE);
	for (uint32_t i = 0; i < E1000_MTA_ENTRIES; i++)
		wr(sc, E1000_MTA + 4 * i, 0);
	err = alloc_rings(sc);
	if (err)
		return err;
	sc->nd.mtu = 1500;
	sc->nd.ops = &e1000_ops;
	sc->nd.priv = sc;
	start_tx(sc);
	start_rx(sc);
	sc->nd.link_up = (rd(sc, E1000_STATUS) & E1000_STATUS_LU) != 0;
	attach_irq(sc);
	nunits++;
	pr_debug("%s: registers at %lx, RX ring %lx, TX ring %lx (%u B descriptors), "
		 "%s, STATUS %08x\n",
		 sc->nd.name, (unsigned long)sc->regs, (unsigned long)sc->rx_ring_pa,
		 (unsigned long)sc->tx_ring_pa, (unsigned)sizeof(struct e1000_rx_desc),
		 sc->has_irq ? "INTx interrupt" : "polled", rd(sc, E1000_STATUS));
	pr_info("%s: e1000 %04x at %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, "
		"rings %d/%d, receive on at %lu.%03lu ms\n",
		sc->nd.name, pd->device, pd->bus, pd->dev, pd->fn, sc->nd.mac[0], sc->nd.mac[1],
		sc->nd.mac[2], sc->nd.mac[3], sc->nd.mac[4], sc->nd.mac[5],
		sc->nd.link_up ? "up" : "down", RXN, TXN,
		(unsigned long)(sc->nd.rx_on_ns / 1000000),
		(unsigned long)(sc->nd.rx_on_ns / 1000 % 1000));
	return netdev_register(&sc->nd);
}

struct netdev *e1000_netdev(int unit)
{
	return unit >= 0 && unit < nunits ? &units[unit].nd : NULL;
}

uint32_t e1000_reg_read(int unit, uint32_t reg)
{
	return unit >= 0 && unit < nunits ? rd(&units[unit], reg) : 0xffffffffu;
}
