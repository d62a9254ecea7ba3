/* SPDX-License-Identifier: BSD-2-Clause */
/* Clause 22 PHY identification, link state and speed/duplex resolution (see mii.h). */
#include <stddef.h>
#include "drivers/mii.h"
#include "lib/errno.h"

void mii_resolve(uint16_t bmcr, uint16_t adv, uint16_t lpa, uint16_t ctrl1000, uint16_t stat1000,
		 bool gigabit, struct mii_link *out)
{
	uint32_t common = adv & lpa;
	uint32_t common1000 = gigabit ? ctrl1000 & (stat1000 >> 2) : 0;
	if (!(bmcr & BMCR_ANENABLE)) {
		out->speed = (bmcr & BMCR_SPEED1000) && !(bmcr & BMCR_SPEED100) ? 1000
			     : (bmcr & BMCR_SPEED100)				? 100
										: 10;
		out->full_duplex = (bmcr & BMCR_FULLDPLX) != 0;
		return;
	}
	if (common1000 & ADVERTISE_1000FULL) {
		out->speed = 1000;
		out->full_duplex = true;
	} else if (common1000 & ADVERTISE_1000HALF) {
		out->speed = 1000;
		out->full_duplex = false;
	} else if (common & (ADVERTISE_100FULL | ADVERTISE_100HALF)) {
		out->speed = 100;
		out->full_duplex = (common & ADVERTISE_100FULL) != 0;
	} else {
		/* 10 Mb/s: full duplex only if both said so; half is what is left */
		out->speed = 10;
		out->full_duplex = (common & ADVERTISE_10FULL) != 0;
	}
}

const char *mii_phy_name(uint32_t id)
{
	switch (id & MII_ID_MASK) {
	case MII_ID_88E1111:
		return "88E1111";
	case MII_ID_VSC8541:
		return "VSC8541";
	default:
		return NULL;
	}
}

int mii_read_id(const struct mii_bus *bus, uint32_t addr, uint32_t *id)
{
	int hi = bus->read(bus->ctx, addr, MII_PHYSID1), lo;
	if (hi < 0)
		return -EIO;
	lo = bus->read(bus->ctx, addr, MII_PHYSID2);
	if (lo < 0)
		return -EIO;
	*id = (uint32_t)hi << 16 | (uint32_t)lo;
	/* An empty MDIO address floats high (all ones); some MACs return zeros instead. */
	return *id == 0xffffffffu || *id == 0 ? -ENODEV : 0;
}

int mii_read_link(const struct mii_bus *bus, uint32_t addr, bool gigabit, struct mii_link *out)
{
	int bmsr, bmcr, adv, lpa, c1000 = 0, s1000 = 0;
	if (bus->read(bus->ctx, addr, MII_BMSR) < 0) /* the latched value: discard */
		return -EIO;
	bmsr = bus->read(bus->ctx, addr, MII_BMSR);
	if (bmsr < 0)
		return -EIO;
	out->up = (bmsr & BMSR_LSTATUS) != 0;
	if (!out->up)
		return 0;
	bmcr = bus->read(bus->ctx, addr, MII_BMCR);
	adv = bus->read(bus->ctx, addr, MII_ADVERTISE);
	lpa = bus->read(bus->ctx, addr, MII_LPA);
	gigabit = gigabit && (bmsr & BMSR_ESTATEN);
	if (gigabit) {
		c1000 = bus->read(bus->ctx, addr, MII_CTRL1000);
		s1000 = bus->read(bus->ctx, addr, MII_STAT1000);
	}
	if (bmcr < 0 || adv < 0 || lpa < 0 || c1000 < 0 || s1000 < 0)
		return -EIO;
	mii_resolve((uint16_t)bmcr, (uint16_t)adv, (uint16_t)lpa, (uint16_t)c1000, (uint16_t)s1000,
		    gigabit, out);
	return 0;
}
