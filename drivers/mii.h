/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Clause 22 PHY management (IEEE 802.3 clause 22.2.4): identify a PHY, read its link, and
 * resolve the speed and duplex that autonegotiation settled on. The MAC driver supplies the
 * MDIO transfer; everything here is pure logic except the calls through it (host-tested by
 * tests/host/test_gem.c).
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Registers (802.3 22.2.4, 40.5.1.1) */
#define MII_BMCR      0x00 /* basic mode control */
#define MII_BMSR      0x01 /* basic mode status */
#define MII_PHYSID1   0x02 /* OUI bits 3-18 */
#define MII_PHYSID2   0x03 /* OUI bits 19-24, model, revision */
#define MII_ADVERTISE 0x04 /* autonegotiation advertisement */
#define MII_LPA	      0x05 /* link partner ability */
#define MII_CTRL1000  0x09 /* 1000BASE-T control (our 1000 Mb/s advertisement) */
#define MII_STAT1000  0x0a /* 1000BASE-T status (the partner's 1000 Mb/s abilities) */

#define BMCR_SPEED1000 (1u << 6) /* with SPEED100 clear */
#define BMCR_FULLDPLX  (1u << 8)
#define BMCR_ANENABLE  (1u << 12) /* autonegotiation on */
#define BMCR_SPEED100  (1u << 13)

#define BMSR_LSTATUS	  (1u << 2) /* link up; latched low: read twice for the present state */
#define BMSR_ANEGCOMPLETE (1u << 5)
#define BMSR_ESTATEN	  (1u << 8) /* extended status (1000BASE-T registers) present */

#define ADVERTISE_10HALF  (1u << 5)
#define ADVERTISE_10FULL  (1u << 6)
#define ADVERTISE_100HALF (1u << 7)
#define ADVERTISE_100FULL (1u << 8)

#define ADVERTISE_1000HALF (1u << 8) /* MII_CTRL1000 */
#define ADVERTISE_1000FULL (1u << 9)
#define LPA_1000HALF	   (1u << 10) /* MII_STAT1000: the partner's, two bits above ours */
#define LPA_1000FULL	   (1u << 11)

/* Known PHYs (the OUI and model of PHYSID1:PHYSID2, revision masked off). */
#define MII_ID_MASK    0xfffffff0u
#define MII_ID_88E1111 0x01410cc0u /* Marvell 88E1111 (what QEMU's GEM model answers as) */
#define MII_ID_VSC8541 0x00070770u /* Microchip (Vitesse) VSC8541, on the HiFive Unmatched */

/* How the PHY's registers are reached: a MAC's MDIO port. Returns 0..0xffff, or < 0 on a
 * timeout. */
struct mii_bus {
	int (*read)(void *ctx, uint32_t phy, uint32_t reg);
	int (*write)(void *ctx, uint32_t phy, uint32_t reg, uint16_t val);
	void *ctx;
};

struct mii_link {
	bool up;
	uint32_t speed; /* 10, 100 or 1000 Mb/s (meaningful when up) */
	bool full_duplex;
};

/*
 * The speed and duplex both sides can do, best first (802.3 annex 28B.3 priority):
 * 1000 full, 1000 half, 100 full, 100 half, 10 full, 10 half. bmcr decides instead when
 * autonegotiation is off. Pure.
 */
void mii_resolve(uint16_t bmcr, uint16_t adv, uint16_t lpa, uint16_t ctrl1000, uint16_t stat1000,
		 bool gigabit, struct mii_link *out);

/* Name of a PHY ID for the boot log ("88E1111", "VSC8541"), or NULL if unknown. Pure. */
const char *mii_phy_name(uint32_t id);

/* PHYSID1:PHYSID2 of the PHY at addr: 0 and *id, -ENODEV when nothing answers (all ones or
 * zero), -EIO on an MDIO timeout. */
int mii_read_id(const struct mii_bus *bus, uint32_t addr, uint32_t *id);

/* The PHY's link now: BMSR read twice (its link bit latches low), then, when up, the
 * registers mii_resolve needs. 0, or -EIO on an MDIO timeout. */
int mii_read_link(const struct mii_bus *bus, uint32_t addr, bool gigabit, struct mii_link *out);
