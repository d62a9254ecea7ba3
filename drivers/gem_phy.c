/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cadence GEM's PHY side: Clause 22 frames over its management port (UG585 16.3.4, the
 * MAN register), the PHY found and read through drivers/mii.c, and the MAC (NCFGR) and, on
 * the FU540/FU740, the GEMGXL transmit clock select set to the speed it reports. GEM has no
 * link interrupt of its own (the PHY's pin is not wired to it): the link is polled.
 */
#include <stdbool.h>
#include <stdint.h>
#include "drivers/gem_priv.h"
#include "drivers/gem_regs.h"
#include "drivers/mii.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "lib/timer.h"

#define GEM_MDIO_TIMEOUT (10 * NSEC_PER_MSEC)
#define GEM_LINK_POLL	 (CONFIG_GEM_LINK_POLL_MS * NSEC_PER_MSEC)

static int mdio_wait(const struct gem_softc *sc)
{
	uint64_t deadline = clock_ns() + GEM_MDIO_TIMEOUT;
	while (!(gem_rd(sc, GEM_NSR) & GEM_NSR_IDLE))
		if (clock_ns() > deadline)
			return (gem_rd(sc, GEM_NSR) & GEM_NSR_IDLE) ? 0 : -EIO;
	return 0;
}

static int mdio_read(void *ctx, uint32_t phy, uint32_t reg)
{
	const struct gem_softc *sc = ctx;
	if (mdio_wait(sc))
		return -EIO;
	gem_wr(sc, GEM_MAN,
	       GEM_MAN_SOF | GEM_MAN_READ | phy << GEM_MAN_PHYA_SHIFT | reg << GEM_MAN_REGA_SHIFT |
		       GEM_MAN_CODE);
	if (mdio_wait(sc))
		return -EIO;
	return (int)(gem_rd(sc, GEM_MAN) & GEM_MAN_DATA_MASK);
}

static int mdio_write(void *ctx, uint32_t phy, uint32_t reg, uint16_t val)
{
	const struct gem_softc *sc = ctx;
	if (mdio_wait(sc))
		return -EIO;
	gem_wr(sc, GEM_MAN,
	       GEM_MAN_SOF | GEM_MAN_WRITE | phy << GEM_MAN_PHYA_SHIFT | reg << GEM_MAN_REGA_SHIFT |
		       GEM_MAN_CODE | val);
	return mdio_wait(sc);
}

/* The DT's phy-handle address, else the first address that answers. */
static void phy_find(struct gem_softc *sc)
{
	uint32_t lo = sc->cfg.phy_addr >= 0 ? (uint32_t)sc->cfg.phy_addr : 0;
	uint32_t hi = sc->cfg.phy_addr >= 0 ? lo : 31;
	sc->phy_addr = -1;
	for (uint32_t a = lo; a <= hi; a++)
		if (mii_read_id(&sc->mdio, a, &sc->phy_id) == 0) {
			sc->phy_addr = (int)a;
			return;
		}
}

/* MAC speed/duplex to match the PHY (NCFGR), and on FU540/FU740 the TX clock source. */
static void program_speed(struct gem_softc *sc)
{
	uint32_t v = sc->ncfgr;
	if (sc->link.full_duplex)
		v |= GEM_NCFGR_FD;
	if (sc->link.speed == 1000)
		v |= GEM_NCFGR_GBE;
	else if (sc->link.speed == 100)
		v |= GEM_NCFGR_SPD;
	gem_wr(sc, GEM_NCFGR, v);
	if (sc->mgmt)
		mmio_write32(sc->mgmt + GEMGXL_TX_CLK_SEL, sc->link.speed == 1000
								   ? GEMGXL_TX_CLK_SEL_GMII
								   : GEMGXL_TX_CLK_SEL_MII);
}

static void link_update(struct gem_softc *sc, bool boot)
{
	struct mii_link now = { .up = true, .speed = 1000, .full_duplex = true };
	if (sc->phy_addr >= 0 && mii_read_link(&sc->mdio, (uint32_t)sc->phy_addr, true, &now)) {
		pr_warn("%s: PHY %d does not answer on MDIO\n", sc->nd.name, sc->phy_addr);
		return;
	}
	if (!boot && now.up == sc->link.up &&
	    (!now.up || (now.speed == sc->link.speed && now.full_duplex == sc->link.full_duplex)))
		return;
	if (now.up)
		sc->link = now;
	else
		sc->link.up = false;
	if (now.up)
		program_speed(sc);
	if (!boot) {
		sc->nd.stats.link_changes++;
		if (now.up)
			pr_info("%s: link up, %u Mb/s %s duplex\n", sc->nd.name, now.speed,
				now.full_duplex ? "full" : "half");
		else
			pr_info("%s: link down\n", sc->nd.name);
	}
	sc->nd.link_up = now.up;
}

static void link_poll(struct timer *t)
{
	struct gem_softc *sc = t->arg;
	link_update(sc, false);
	timer_arm(t, GEM_LINK_POLL);
}

void gem_phy_init(struct gem_softc *sc)
{
	sc->mdio = (struct mii_bus){ mdio_read, mdio_write, sc };
	phy_find(sc);
	link_update(sc, true);
}

void gem_phy_start(struct gem_softc *sc)
{
	sc->link_timer = (struct timer){ .fn = link_poll, .arg = sc };
	timer_arm(&sc->link_timer, GEM_LINK_POLL);
}
