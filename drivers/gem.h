/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cadence GEM driver's face: its DT driver (drivers/drivers.c lists it), and what its two
 * halves pass each other. drivers/gem_dt.c reads the device tree into a struct gem_config
 * (pure, host-tested); drivers/gem.c attaches the controller that config describes.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "drivers/core/dt.h"

struct netdev;

extern const struct dt_driver gem_driver;

/* Per-compatible differences (Linux macb_config, cut to what this driver uses). */
struct gem_variant {
	const char *name;
	bool gemgxl_mgmt; /* FU540/FU740: reg[1] is the GEMGXL block with the TX clock select */
	uint32_t burst;	  /* DMACFG.FBLDO: AXI/AHB burst length in beats, 0 = leave it */
};

struct gem_config {
	const struct gem_variant *variant;
	const char *node;	       /* DT node name, for the log */
	uint64_t base, size;	       /* reg[0]: the controller */
	uint64_t mgmt_base, mgmt_size; /* reg[1] when the variant has one, else 0 */
	bool has_mac;		       /* local-mac-address present (6 bytes) */
	uint8_t mac[6];
	int phy_addr; /* MDIO address from phy-handle's reg, -1 = the first that answers */
};

/* What the device tree says about the GEM dev matched (dev->match->data is its variant):
 * 0, or -EINVAL for a malformed node (no reg, a phy-handle to nowhere). Pure. */
int gem_dt_config(const struct dt_device *dev, struct gem_config *cfg);

/*
 * Attach the controller cfg describes (gem.c): map its registers, reset it, set up the rings,
 * read the PHY, request interrupt 0 of dev, register a netdev. 0, or -ENODEV (not a GEM, no
 * usable MAC, registers not mappable), -ENOMEM (rings or buffers), -ENOSPC (too many units),
 * each after a log line saying why.
 */
int gem_attach(const struct gem_config *cfg, const struct dt_device *dev);

/* Introspection for tests and the shell: the unit-th attached GEM, or NULL. */
struct netdev *gem_netdev(int unit);
/* Read a register of that unit (not for the packet path). 0xffffffff if there is no unit. */
uint32_t gem_reg_read(int unit, uint32_t reg);
