/*
 * Discovery glue for the Cadence GEM: find its device-tree nodes and turn each into the
 * struct gem_config that gem_probe takes (bindings: Linux Documentation/devicetree/bindings/
 * net/cdns,macb.yaml). The only place that knows the GEM's DT properties; it goes away into
 * one driver-table line when drivers find their nodes through the driver model.
 * gem_dt_scan is pure logic (host-tested against QEMU's sifive_u tree).
 */
#include <stddef.h>
#include <stdint.h>
#include "boot/fdt_read.h"
#include "drivers/gem.h"
#include "drivers/gem_dt.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

static const struct gem_variant fu540 = { "sifive,fu540-c000-gem", true, 16 };
static const struct gem_variant fu740 = { "sifive,fu740-c000-gem", true, 16 };
static const struct gem_variant mpfs = { "microchip,mpfs-macb", false, 16 };
static const struct gem_variant cdns_gem = { "cdns,gem", false, 16 };
static const struct gem_variant cdns_macb = { "cdns,macb", false, 0 };

/* Most specific first: a node lists its SoC's compatible before the generic ones. */
static const struct gem_variant *const variants[] = { &fu540, &fu740, &mpfs, &cdns_gem,
						      &cdns_macb };

static const struct gem_variant *match(const struct fdt *f, size_t node)
{
	for (size_t i = 0; i < sizeof(variants) / sizeof(variants[0]); i++)
		if (fdt_prop_has(f, node, "compatible", variants[i]->name))
			return variants[i];
	return NULL;
}

/* interrupt-parent of the node or of its nearest ancestor that has one (spec 2.4.1). */
static uint32_t irq_parent(const struct fdt *f, const struct walk *w)
{
	uint32_t ph = 0;
	for (int d = w->depth; d >= 0 && ph == 0; d--)
		if (fdt_prop_u32(f, w->node[d], "interrupt-parent", 0, &ph))
			return 0;
	return ph;
}

/* interrupts = <n> (one cell at a PLIC), or interrupts-extended = <&parent n>. */
static int parse_irq(const struct fdt *f, const struct walk *w, struct gem_dt_node *out)
{
	size_t node = w->node[w->depth];
	uint32_t len;
	const uint8_t *v = fdt_get_prop(f, node, "interrupts-extended", &len);
	if (v) {
		if (len < 8 || len % 4)
			return -EINVAL;
		out->irq_parent = get_be32(v);
		out->cfg.irq = get_be32(v + 4);
		return 0;
	}
	v = fdt_get_prop(f, node, "interrupts", &len);
	if (!v)
		return 0; /* no interrupt: polled */
	if (len < 4 || len % 4)
		return -EINVAL;
	out->cfg.irq = get_be32(v);
	out->irq_parent = irq_parent(f, w);
	return 0;
}

/* phy-handle -> the PHY node's reg, its MDIO address (0..31); -1 when there is none. */
static int parse_phy(const struct fdt *f, size_t node, int *addr)
{
	uint32_t ph, reg;
	size_t phy, parent;
	*addr = -1;
	if (fdt_prop_u32(f, node, "phy-handle", 0, &ph))
		return -EINVAL;
	if (ph == 0)
		return 0;
	if (fdt_find_phandle(f, ph, &phy, &parent) || fdt_prop_u32(f, phy, "reg", 32, &reg))
		return -EINVAL;
	*addr = reg < 32 ? (int)reg : -1;
	return 0;
}

static int parse_node(const struct fdt *f, const struct walk *w, struct cells pc,
		      const struct gem_variant *var, struct gem_dt_node *out)
{
	size_t node = w->node[w->depth];
	struct fdt_range reg[2];
	int nreg = 0;
	uint32_t len;
	const uint8_t *mac;

	memset(out, 0, sizeof(*out));
	out->cfg.variant = var;
	out->cfg.node = fdt_node_name(f, node);
	if (fdt_reg_append(f, node, pc, reg, &nreg, 2) < 0 || nreg == 0)
		return -EINVAL;
	out->cfg.base = reg[0].base;
	out->cfg.size = reg[0].size;
	if (var->gemgxl_mgmt && nreg > 1) {
		out->cfg.mgmt_base = reg[1].base;
		out->cfg.mgmt_size = reg[1].size;
	}
	mac = fdt_get_prop(f, node, "local-mac-address", &len);
	if (mac && len == 6) {
		memcpy(out->cfg.mac, mac, 6);
		out->cfg.has_mac = true;
	}
	if (parse_irq(f, w, out) || parse_phy(f, node, &out->cfg.phy_addr))
		return -EINVAL;
	return 0;
}

int gem_dt_scan(const void *blob, size_t size, struct gem_dt_node *out, int max)
{
	struct cells cells[FDT_MAX_DEPTH];
	struct fdt f;
	struct walk w;
	int r, n = 0;

	if (fdt_open_blob(&f, blob, size))
		return -EINVAL;
	fdt_walk_start(&f, &w);
	while ((r = fdt_walk_next(&f, &w)) > 0) {
		size_t node = w.node[w.depth];
		const struct gem_variant *var;
		if (fdt_node_cells(&f, node, &cells[w.depth]))
			return -EINVAL;
		if (w.depth == 0 || !fdt_node_ok(&f, node))
			continue;
		var = match(&f, node);
		if (!var)
			continue;
		if (n == max) {
			pr_warn("gem: more than %d controllers in the device tree, rest ignored\n",
				max);
			break;
		}
		if (parse_node(&f, &w, cells[w.depth - 1], var, &out[n])) {
			pr_warn("gem: %s: malformed node, ignored\n", fdt_node_name(&f, node));
			continue;
		}
		n++;
	}
	return r < 0 ? r : n;
}

int gem_dt_probe_all(const void *blob, size_t size, uint32_t plic_phandle)
{
	struct gem_dt_node nodes[GEM_DT_MAX];
	int n = gem_dt_scan(blob, size, nodes, GEM_DT_MAX), attached = 0;
	for (int i = 0; i < n; i++) {
		struct gem_config *c = &nodes[i].cfg;
		if (c->irq && (plic_phandle == 0 || nodes[i].irq_parent != plic_phandle)) {
			pr_warn("gem: %s: interrupt %u is not at the PLIC: polled only\n", c->node,
				c->irq);
			c->irq = 0;
		}
		if (gem_probe(c) == 0)
			attached++;
	}
	return attached;
}
