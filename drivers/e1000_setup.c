/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * e1000 family bring-up (8254x SDM rev. 4.0 sec. 14; 82574 datasheet rev. 3.4 sec. 4.6):
 * reset, MAC address, rings, receive and transmit enable, and the interrupt set-up of each
 * variant. One driver serves the 8254x (PCI/PCI-X) and the 82574L (PCIe) by per-ID flags, as
 * iPXE's intel.c serves 82540 to 82574 from one table.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/irq.h"
#include "drivers/e1000.h"
#include "drivers/e1000_priv.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/ring.h"
#include "lib/string.h"
#include "mm/page.h"

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
	/* 82574L (QEMU "e1000e"): the PCIe member. Other 8257x/8258x differ in more than this
	 * driver handles (82571/2: two ports and other interrupt causes; 82583: no MSI-X). */
	{ 0x8086, 0x10d3, E1000_F_82574 },
	{ 0, 0, 0 },
};

const struct pci_driver e1000_pci_driver = {
	.name = "e1000",
	.ids = e1000_ids,
	.probe = e1000_probe,
};

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

/* EERD: the 82574 moved the done bit and the address (82574 datasheet 10.2.2.5). */
static int eeprom_read(struct e1000_softc *sc, uint32_t word, uint16_t *val)
{
	bool e = (sc->flags & E1000_F_82574) != 0;
	uint32_t done = e ? E1000_EERD_DONE_82574 : E1000_EERD_DONE;
	wr(sc, E1000_EERD,
	   word << (e ? E1000_EERD_ADDR_SHIFT_82574 : E1000_EERD_ADDR_SHIFT) | E1000_EERD_START);
	if (!wait_bits(sc, E1000_EERD, done, done, E1000_EERD_TIMEOUT))
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
	uint32_t rxcsum;
	wr(sc, E1000_RDBAL, (uint32_t)sc->rx_ring_pa);
	wr(sc, E1000_RDBAH, (uint32_t)(sc->rx_ring_pa >> 32));
	wr(sc, E1000_RDLEN, RXN * sizeof(struct e1000_rx_desc));
	wr(sc, E1000_RDH, 0);
	/* All but one slot to the device: RDT == RDH would mean "no buffers". */
	wr(sc, E1000_RDT, ring_tail_behind(0, RXN));
	wr(sc, E1000_RDTR, 0); /* no receive interrupt delay: we mask instead */
	wr(sc, E1000_RADV, 0);
	/* The device verifies TCP and UDP checksums (net.rxcsum=0: it does not). QEMU's 82574L
	 * model does; its 82540EM never does and says so on every frame (IXSM). */
	rxcsum = rd(sc, E1000_RXCSUM) & ~E1000_RXCSUM_TUOFL;
	wr(sc, E1000_RXCSUM, rxcsum | (netdev_rx_csum_offload() ? E1000_RXCSUM_TUOFL : 0));
	/* Written exactly once: QEMU stops receiving for ~1 s of virtual time after each RCTL
	 * write (its flush-queue timer). No LPE, so frames stay within E1000_MAX_FRAME. */
	wr(sc, E1000_RCTL,
	   E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_BSIZE_2048 | E1000_RCTL_SECRC);
	sc->nd.rx_on_ns = clock_ns(); /* QEMU refuses frames for ~1 s (virtual) after this */
}

/* No interrupt at all: the main loop looks at the ring on its tick. */
static void go_polled(struct e1000_softc *sc, const char *why, int err)
{
	pr_warn("%s: %s (%s): interrupts off, polled on the loop's tick\n", sc->nd.name, why,
		errname(err));
	sc->nd.polled = true;
}

/*
 * 82574 MSI-X: received frames (RXQ0) on vector 0, transmit completions (TXQ0) on 1, the
 * rest (OTHER: link changes) on 2, as IVAR maps them (82574 datasheet 10.2.4.9). EIAC clears
 * a cause in ICR when its message goes out, so the RX and TX handlers read no register.
 */
static int attach_msix(struct e1000_softc *sc)
{
	static const irq_handler_fn fn[3] = { e1000_rx_intr, e1000_tx_intr, e1000_other_intr };
	static const char *const what[3] = { "rx", "tx", "other" };
	char route[3][48];
	for (int v = 0; v < 3; v++) {
		int irq;
		ksnprintf(sc->irq_name[v], sizeof(sc->irq_name[v]), "%s-%s", sc->nd.name, what[v]);
		irq = pci_irq_request(sc->pd, v, fn[v], sc, sc->irq_name[v]);
		if (irq < 0)
			return irq;
		irq_describe(irq, route[v], sizeof(route[v]));
	}
	wr(sc, E1000_IVAR,
	   (0 | E1000_IVAR_VALID) << E1000_IVAR_RX_SHIFT |
		   (1 | E1000_IVAR_VALID) << E1000_IVAR_TX_SHIFT |
		   (2 | E1000_IVAR_VALID) << E1000_IVAR_OTHER_SHIFT);
	wr(sc, E1000_EIAC_82574, E1000_ICR_RXQ0 | E1000_ICR_TXQ0);
	sc->rx_cause = E1000_ICR_RXQ0;
	sc->tx_cause = E1000_ICR_TXQ0;
	wr(sc, E1000_IMS, E1000_ICR_OTHER | E1000_ICR_LSC); /* link changes always interrupt */
	pr_info("%s: MSI-X: rx %s, tx %s, other %s\n", sc->nd.name, route[0], route[1], route[2]);
	return 0;
}

static void attach_irq(struct e1000_softc *sc)
{
	char route[48];
	int n = pci_irq_alloc(sc->pd, sc->flags & E1000_F_82574 ? 3 : 1), irq;
	sc->rx_cause = E1000_ICR_RX_CAUSES;
	if (n < 0) {
		go_polled(sc, "no interrupt", n);
		return;
	}
	if (sc->pd->irq_mode == PCI_IRQ_MSIX && n >= 3) {
		irq = attach_msix(sc);
		if (irq < 0)
			go_polled(sc, "MSI-X vectors not available", irq);
		else
			sc->has_irq = true;
		return;
	}
	irq = pci_irq_request(sc->pd, 0, e1000_intr, sc, sc->nd.name);
	if (irq < 0) {
		/* Nobody would read our ICR: a raised level line would be claimed forever. */
		go_polled(sc, "interrupt not available", irq);
		return;
	}
	sc->has_irq = true;
	pr_info("%s: %s, %s\n", sc->nd.name, pci_irq_mode_name(sc->pd->irq_mode),
		irq_describe(irq, route, sizeof(route)));
	wr(sc, E1000_IMS, E1000_ICR_LSC); /* link changes always interrupt */
}

/* The 82574 is a PCIe endpoint: say how its link trained (PCIe 4.0 sec. 7.5.3.8). */
static void log_pcie(struct e1000_softc *sc)
{
	uint8_t at = pci_find_cap(sc->pd, PCI_CAP_ID_EXP);
	uint16_t caps, link, type;
	if (!at) {
		pr_warn("%s: no PCI Express capability on an 82574\n", sc->nd.name);
		return;
	}
	caps = pci_cfg_read16(sc->pd, at + 2u);
	link = pci_cfg_read16(sc->pd, at + 0x12u);
	type = (caps >> 4) & 0xf;
	pr_info("%s: PCIe v%u %s, link x%u at %s GT/s\n", sc->nd.name, caps & 0xf,
		type == PCI_EXP_TYPE_ENDPOINT  ? "endpoint"
		: type == PCI_EXP_TYPE_LEG_END ? "legacy endpoint"
		: type == PCI_EXP_TYPE_RC_END  ? "root-complex integrated endpoint"
					       : "function of another type",
		(link >> 4) & 0x3f,
		(link & 0xf) == 1   ? "2.5"
		: (link & 0xf) == 2 ? "5"
				    : "?");
}

static int e1000_probe(struct pci_dev *pd, const struct pci_id *id)
{
	struct e1000_softc *sc;
	int err;
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
	sc->flags = id->data;
	ksnprintf(sc->nd.name, sizeof(sc->nd.name), "eth%d", nunits);
	if (sc->flags & E1000_F_82574)
		log_pcie(sc);
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
		 sc->has_irq ? pci_irq_mode_name(pd->irq_mode) : "polled", rd(sc, E1000_STATUS));
	pr_info("%s: %s %04x at %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, "
		"rings %d/%d, receive on at %lu.%03lu ms\n",
		sc->nd.name, sc->flags & E1000_F_82574 ? "82574L" : "e1000", pd->device, pd->bus,
		pd->dev, pd->fn, sc->nd.mac[0], sc->nd.mac[1], sc->nd.mac[2], sc->nd.mac[3],
		sc->nd.mac[4], sc->nd.mac[5], sc->nd.link_up ? "up" : "down", RXN, TXN,
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

void e1000_reg_write(int unit, uint32_t reg, uint32_t v)
{
	if (unit >= 0 && unit < nunits)
		wr(&units[unit], reg, v);
}
