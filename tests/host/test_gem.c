/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cadence GEM's pure logic: descriptor encode/decode (gem_regs.h), Clause 22 PHY
 * resolution and reads through a fake MDIO bus (mii.c), and its DT driver (gem_dt.c) matched
 * by the driver core against QEMU's sifive_u tree, a synthetic tree of the other bindings, and
 * corrupted copies of both.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "drivers/core/dt.h"
#include "drivers/gem.h"
#include "drivers/gem_regs.h"
#include "drivers/mii.h"
#include "lib/errno.h"
#include "tests/host/test.h"

/* gem_dt.c's callee in the kernel: record what the driver core had attached. */
#define MAX_PROBED 8
static struct gem_config probed[MAX_PROBED];
static int nprobed;
int gem_attach(const struct gem_config *cfg, const struct dt_device *dev)
{
	ok(cfg->node == dev->name, "the node name is the device's");
	if (nprobed < MAX_PROBED)
		probed[nprobed] = *cfg;
	nprobed++;
	return 0;
}

static const struct dt_driver *const table[] = { &gem_driver };

/* dt_init the blob, then probe the device stage with the GEM driver only: how many claimed. */
static int probe_blob(const uint8_t *b, size_t n)
{
	static struct dt_machine m;
	nprobed = 0;
	if (dt_init(b, n, &m))
		return -1;
	return dt_probe(table, 1, DT_STAGE_DEVICE);
}

struct blob {
	uint8_t *b;
	size_t n;
};

static struct blob load(const char *name)
{
	struct blob bl = { NULL, 0 };
	bl.b = host_load_data(name, &bl.n);
	ok(bl.b != NULL, "cannot read tests/host/data/%s (run from the repository root)", name);
	return bl;
}

/* ---- descriptors and rings ---- */

static void test_rx_desc(void)
{
	static const struct {
		uint32_t ctrl, room;
		enum gem_rx_verdict want;
	} cases[] = {
		{ GEM_RX_SOF | GEM_RX_EOF | 60, 1982, GEM_RX_DELIVER },
		{ GEM_RX_SOF | GEM_RX_EOF | GEM_RX_BCAST | 342, 1982, GEM_RX_DELIVER },
		{ GEM_RX_SOF | GEM_RX_EOF | 1536, 1536, GEM_RX_DELIVER },
		{ GEM_RX_SOF | GEM_RX_EOF | 1537, 1536, GEM_RX_BAD_LEN },
		{ GEM_RX_SOF | GEM_RX_EOF | 0, 1982, GEM_RX_BAD_LEN },
		{ GEM_RX_SOF | 1600, 1982, GEM_RX_SPANS }, /* first of several buffers */
		{ 0, 1982, GEM_RX_MIDDLE },		   /* a middle one */
		{ GEM_RX_EOF | 3000, 1982, GEM_RX_MIDDLE }, /* the last one */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(gem_rx_classify(cases[i].ctrl, cases[i].room) == cases[i].want,
		   "classify case %zu: %d", i, gem_rx_classify(cases[i].ctrl, cases[i].room));
	ok(gem_rx_word0(0x80401040, false) == 0x80401040, "address kept, OWN clear");
	ok(gem_rx_word0(0x80401040, true) == (0x80401040 | GEM_RX_WRAP), "wrap bit");
	ok(gem_rx_word0(0x180401043ull, false) == 0x80401040, "low bits and bits 63:32 dropped");
	ok(!(gem_rx_word0(0x80401040, true) & GEM_RX_OWN), "handed to the device");
}

static void test_tx_desc(void)
{
	uint32_t c = gem_tx_ctrl(1514, false);
	ok((c & GEM_TX_LEN_MASK) == 1514 && (c & GEM_TX_LAST) && !(c & GEM_TX_USED) &&
		   !(c & GEM_TX_WRAP) && !(c & GEM_TX_NOCRC),
	   "one-buffer frame: %08x", c);
	c = gem_tx_ctrl(60, true);
	ok((c & GEM_TX_WRAP) && (c & GEM_TX_LEN_MASK) == 60, "last slot wraps: %08x", c);
	ok(gem_tx_ctrl_free(false) == GEM_TX_USED && gem_tx_ctrl_free(true) == (GEM_TX_USED |
										 GEM_TX_WRAP),
	   "free slots are software's");
	/* A completed descriptor as the device leaves it: USED set, our length and flags kept. */
	c = gem_tx_ctrl(100, false) | GEM_TX_USED;
	ok(!(c & GEM_TX_ERR_BITS), "a clean completion has no error bit");
	ok((c | GEM_TX_RETRY_LIM) & GEM_TX_ERR_BITS && (c | GEM_TX_BUS_ERR) & GEM_TX_ERR_BITS &&
		   (c | GEM_TX_LATE_COLL) & GEM_TX_ERR_BITS,
	   "error bits counted");
	ok(GEM_TX_MAX_LEN <= GEM_TX_LEN_MASK, "the longest frame fits the length field");
}

/* ---- PHY ---- */

static void test_resolve(void)
{
	struct mii_link l;
	const uint16_t an = BMCR_ANENABLE;
	const uint16_t all = ADVERTISE_10HALF | ADVERTISE_10FULL | ADVERTISE_100HALF |
			     ADVERTISE_100FULL;
	/* QEMU's GEM PHY: BMCR 0x1140, ANAR 0x01e1, ANLPAR 0xcde1, CTRL1000 0x0300,
	 * STAT1000 0x7c00 (hw/net/cadence_gem.c gem_phy_reset). */
	mii_resolve(0x1140, 0x01e1, 0xcde1, 0x0300, 0x7c00, true, &l);
	ok(l.speed == 1000 && l.full_duplex, "QEMU's PHY: %u %d", l.speed, l.full_duplex);
	mii_resolve(0x1140, 0x01e1, 0xcde1, 0x0300, 0x7c00, false, &l);
	ok(l.speed == 100 && l.full_duplex, "a 10/100 MAC ignores 1000BASE-T: %u", l.speed);
	mii_resolve(an, all, all, ADVERTISE_1000FULL, LPA_1000HALF, true, &l);
	ok(l.speed == 100 && l.full_duplex, "no common 1000 mode: %u %d", l.speed, l.full_duplex);
	mii_resolve(an, all, all, ADVERTISE_1000FULL | ADVERTISE_1000HALF, LPA_1000HALF, true, &l);
	ok(l.speed == 1000 && !l.full_duplex, "1000 half: %u %d", l.speed, l.full_duplex);
	mii_resolve(an, all, ADVERTISE_100HALF | ADVERTISE_10FULL, 0, 0, true, &l);
	ok(l.speed == 100 && !l.full_duplex, "100 half beats 10 full: %u %d", l.speed,
	   l.full_duplex);
	mii_resolve(an, ADVERTISE_10FULL | ADVERTISE_10HALF, ADVERTISE_10FULL, 0, 0, true, &l);
	ok(l.speed == 10 && l.full_duplex, "10 full: %u %d", l.speed, l.full_duplex);
	mii_resolve(an, ADVERTISE_10HALF, ADVERTISE_10FULL, 0, 0, true, &l);
	ok(l.speed == 10 && !l.full_duplex, "nothing better: 10 half");
	/* autonegotiation off: the forced BMCR mode, whatever was advertised */
	mii_resolve(BMCR_SPEED100 | BMCR_FULLDPLX, all, all, 0x0300, 0x7c00, true, &l);
	ok(l.speed == 100 && l.full_duplex, "forced 100 full: %u", l.speed);
	mii_resolve(BMCR_SPEED1000, all, all, 0x0300, 0x7c00, true, &l);
	ok(l.speed == 1000 && !l.full_duplex, "forced 1000 half: %u", l.speed);
	mii_resolve(0, all, all, 0, 0, true, &l);
	ok(l.speed == 10 && !l.full_duplex, "forced 10 half");
	ok(mii_phy_name(0x01410cc2) && !strcmp(mii_phy_name(0x01410cc2), "88E1111"), "88E1111");
	ok(mii_phy_name(0x00070772) && !strcmp(mii_phy_name(0x00070772), "VSC8541"), "VSC8541");
	ok(mii_phy_name(0x12345678) == NULL, "unknown PHY");
}

/* A fake PHY at address 3: registers, a latched-low link bit, reads counted. */
static uint16_t phy_regs[32];
static bool link_now, link_latched_down, mdio_dead;
static int mdio_reads;

static int fake_read(void *ctx, uint32_t phy, uint32_t reg)
{
	(void)ctx;
	mdio_reads++;
	if (mdio_dead)
		return -EIO;
	if (phy != 3)
		return 0xffff; /* nothing there: the bus floats high */
	if (reg == MII_BMSR) {
		uint16_t v = phy_regs[MII_BMSR] & (uint16_t)~BMSR_LSTATUS;
		if (link_now && !link_latched_down)
			v |= BMSR_LSTATUS;
		link_latched_down = false; /* reading clears the latch */
		return v;
	}
	return phy_regs[reg & 31];
}

static int fake_write(void *ctx, uint32_t phy, uint32_t reg, uint16_t val)
{
	(void)ctx;
	if (phy == 3)
		phy_regs[reg & 31] = val;
	return 0;
}

static void test_phy_reads(void)
{
	const struct mii_bus bus = { fake_read, fake_write, NULL };
	struct mii_link l;
	uint32_t id = 0;
	memset(phy_regs, 0, sizeof(phy_regs));
	phy_regs[MII_PHYSID1] = 0x0007;
	phy_regs[MII_PHYSID2] = 0x0772;
	phy_regs[MII_BMCR] = BMCR_ANENABLE;
	phy_regs[MII_BMSR] = BMSR_ESTATEN | BMSR_ANEGCOMPLETE;
	phy_regs[MII_ADVERTISE] = ADVERTISE_100FULL | ADVERTISE_10FULL;
	phy_regs[MII_LPA] = ADVERTISE_100FULL;
	phy_regs[MII_CTRL1000] = ADVERTISE_1000FULL;
	phy_regs[MII_STAT1000] = LPA_1000FULL;
	ok(mii_read_id(&bus, 3, &id) == 0 && id == 0x00070772, "ID %08x", id);
	ok(mii_read_id(&bus, 4, &id) == -ENODEV, "empty address");
	link_now = true;
	link_latched_down = true; /* it went down and came back since the last read */
	ok(mii_read_link(&bus, 3, true, &l) == 0 && l.up && l.speed == 1000 && l.full_duplex,
	   "the present link, not the latched one: up %d %u", l.up, l.speed);
	phy_regs[MII_BMSR] &= (uint16_t)~BMSR_ESTATEN;
	ok(mii_read_link(&bus, 3, true, &l) == 0 && l.up && l.speed == 100,
	   "no extended status: 1000BASE-T registers not read: %u", l.speed);
	link_now = false;
	mdio_reads = 0;
	ok(mii_read_link(&bus, 3, true, &l) == 0 && !l.up && mdio_reads == 2,
	   "link down: two BMSR reads and nothing else (%d)", mdio_reads);
	mdio_dead = true;
	ok(mii_read_link(&bus, 3, true, &l) == -EIO && mii_read_id(&bus, 3, &id) == -EIO,
	   "MDIO timeouts reported");
	mdio_dead = false;
}

/* ---- device tree ---- */

static void test_dt_sifive_u(void)
{
	struct blob bl = load("sifive_u.dtb");
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	const struct gem_config *c = &probed[0];
	if (!bl.b)
		return;
	ok(probe_blob(bl.b, bl.n) == 1 && nprobed == 1, "one GEM in QEMU's sifive_u: %d", nprobed);
	ok(c->variant && !strcmp(c->variant->name, "sifive,fu540-c000-gem") &&
		   c->variant->gemgxl_mgmt && c->variant->burst == 16,
	   "FU540 variant");
	ok(c->base == 0x10090000 && c->size == 0x2000, "control regs %lx+%lx",
	   (unsigned long)c->base, (unsigned long)c->size);
	ok(c->mgmt_base == 0x100a0000 && c->mgmt_size == 0x1000, "GEMGXL block %lx",
	   (unsigned long)c->mgmt_base);
	ok(c->has_mac && !memcmp(c->mac, mac, 6), "local-mac-address");
	ok(c->phy_addr == 0, "PHY at MDIO 0: %d", c->phy_addr);
	ok(c->node && !strcmp(c->node, "ethernet@10090000"), "node name");
	free(bl.b);
}

static void test_dt_synthetic(void)
{
	struct blob bl = load("gem-synthetic.dtb");
	const struct gem_config *n = probed;
	if (!bl.b)
		return;
	ok(probe_blob(bl.b, bl.n) == 4 && nprobed == 4, "four enabled GEM/MACB nodes: %d",
	   nprobed);
	if (nprobed != 4)
		goto out;
	ok(!strcmp(n[0].variant->name, "sifive,fu740-c000-gem") && n[0].base == 0x10090000 &&
		   n[0].mgmt_base == 0x100a0000 && n[0].phy_addr == 7 && n[0].has_mac &&
		   n[0].mac[0] == 0x70,
	   "FU740: 1-cell reg, PHY 7");
	ok(!strcmp(n[1].variant->name, "microchip,mpfs-macb") && !n[1].variant->gemgxl_mgmt &&
		   n[1].phy_addr == -1 && !n[1].has_mac && n[1].mgmt_size == 0,
	   "PolarFire: its specific compatible wins over cdns,macb; no PHY handle, no MAC");
	ok(!strcmp(n[2].variant->name, "cdns,gem") && !n[2].has_mac,
	   "generic GEM; a 7-byte local-mac-address is not a MAC");
	ok(!strcmp(n[3].variant->name, "cdns,macb") && n[3].variant->burst == 0,
	   "old MACB matched (gem_attach refuses it by module ID)");
out:
	free(bl.b);
}

/* Flip bytes all over both trees: matching and gem_dt_config never read outside the blob
 * (ASan) nor hand out a node name outside it. */
static void test_dt_corrupt(void)
{
	static const char *const names[] = { "sifive_u.dtb", "gem-synthetic.dtb" };
	uint32_t seed = 12345;
	for (size_t k = 0; k < 2; k++) {
		struct blob bl = load(names[k]);
		int bad = 0;
		if (!bl.b)
			continue;
		for (int i = 0; i < 2000; i++) {
			uint8_t *c = malloc(bl.n);
			int got;
			memcpy(c, bl.b, bl.n);
			for (int j = 0; j < 4; j++) {
				seed = seed * 1103515245u + 12345u;
				c[(seed >> 8) % bl.n] ^= (uint8_t)(1u << ((seed >> 4) & 7));
			}
			got = probe_blob(c, bl.n);
			if (got > MAX_PROBED)
				bad++;
			for (int g = 0; g < got && g < MAX_PROBED; g++)
				if (probed[g].node < (char *)c || probed[g].node >= (char *)c + bl.n ||
				    probed[g].phy_addr < -1 || probed[g].phy_addr > 31)
					bad++;
			free(c);
		}
		ok(bad == 0, "%s: %d bad results from corrupted copies", names[k], bad);
		ok(probe_blob(bl.b, bl.n / 2) == -1, "%s: truncated", names[k]);
		free(bl.b);
	}
}

int main(void)
{
	test_rx_desc();
	test_tx_desc();
	test_resolve();
	test_phy_reads();
	test_dt_sifive_u();
	test_dt_synthetic();
	test_dt_corrupt();
	TEST_DONE();
}
