/*
 * The Cadence GEM driver's face: what the device tree said about one controller (filled by
 * the discovery glue, drivers/gem_dt.c) and the probe that attaches it as a netdev.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct netdev;

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
	uint32_t irq;		       /* interrupt at the PLIC; 0 = none (polled only) */
	bool has_mac;		       /* local-mac-address present and usable */
	uint8_t mac[6];
	int phy_addr; /* MDIO address from phy-handle's reg, -1 = scan 0..31 */
};

/* Attach the controller cfg describes: map its registers, reset it, set up the rings, read
 * the PHY and register a netdev. 0, or -ENODEV (not a GEM, no usable MAC, bad config),
 * -ENOMEM (rings or buffers), -ENOSPC (too many units), each after a log line saying why. */
int gem_probe(const struct gem_config *cfg);

/* Introspection for tests and the shell: the unit-th attached GEM, or NULL. */
struct netdev *gem_netdev(int unit);
/* Read a register of that unit (not for the packet path). 0xffffffff if there is no unit. */
uint32_t gem_reg_read(int unit, uint32_t reg);
