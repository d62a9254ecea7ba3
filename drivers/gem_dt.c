/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cadence GEM's device-tree half: its match table, and the node turned into the struct
 * gem_config that gem_attach takes (bindings: Linux Documentation/devicetree/bindings/net/
 * cdns,macb.yaml). Pure logic over the driver core's helpers (host-tested against QEMU's
 * sifive_u tree and a synthetic one); the interrupt is requested by gem_attach from dev.
 */
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/dt.h"
#include "drivers/gem.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static const struct gem_variant fu540 = { "sifive,fu540-c000-gem", true, 16 };
static const struct gem_variant fu740 = { "sifive,fu740-c000-gem", true, 16 };
static const struct gem_variant mpfs = { "microchip,mpfs-macb", false, 16 };
static const struct gem_variant cdns_gem = { "cdns,gem", false, 16 };
static const struct gem_variant cdns_macb = { "cdns,macb", false, 0 };

/* The driver core picks a node's most specific compatible that an entry lists. A cdns,macb
 * node is matched too: gem_attach reads its module ID and leaves a 10/100 MACB alone. */
static const struct dt_match gem_match[] = {
	{ "sifive,fu540-c000-gem", &fu540 }, { "sifive,fu740-c000-gem", &fu740 },
	{ "microchip,mpfs-macb", &mpfs },    { "cdns,gem", &cdns_gem },
	{ "cdns,macb", &cdns_macb },	     { NULL, NULL },
};

/* phy-handle -> the PHY node's reg, its MDIO address (0..31); -1 when there is none. */
static int phy_addr(const struct dt_device *dev, int *addr)
{
	struct dt_device phy;
	uint32_t ph, reg;
	*addr = -1;
	if (dt_prop_u32(dev, "phy-handle", 0, &ph))
		return -EINVAL;
	if (ph == 0)
		return 0;
	if (dt_device_at(ph, &phy) || dt_prop_u32(&phy, "reg", 32, &reg))
		return -EINVAL;
	*addr = reg < 32 ? (int)reg : -1;
	return 0;
}

int gem_dt_config(const struct dt_device *dev, struct gem_config *cfg)
{
	const struct gem_variant *var = dev->match->data;
	uint32_t len;
	const uint8_t *mac;

	memset(cfg, 0, sizeof(*cfg));
	cfg->variant = var;
	cfg->node = dev->name;
	if (dt_reg(dev, 0, &cfg->base, &cfg->size))
		return -EINVAL;
	if (var->gemgxl_mgmt && dt_reg(dev, 1, &cfg->mgmt_base, &cfg->mgmt_size))
		cfg->mgmt_base = cfg->mgmt_size = 0; /* no second range: the clock select stays */
	mac = dt_prop(dev, "local-mac-address", &len);
	if (mac && len == 6) {
		memcpy(cfg->mac, mac, 6);
		cfg->has_mac = true;
	}
	return phy_addr(dev, &cfg->phy_addr);
}

static int gem_dt_probe(const struct dt_device *dev)
{
	struct gem_config cfg;
	if (gem_dt_config(dev, &cfg)) {
		pr_warn("gem: %s: malformed node (reg, phy-handle): left alone\n", dev->name);
		return -ENODEV;
	}
	return gem_attach(&cfg, dev);
}

const struct dt_driver gem_driver = {
	.name = "gem",
	.stage = DT_STAGE_DEVICE,
	.match = gem_match,
	.probe = gem_dt_probe,
};
