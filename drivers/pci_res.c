/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI resource logic (see pci_res.h): pure arithmetic on register values and DT data, no
 * config-space access, so the host tests drive it with the QEMU virt numbers.
 */
#include "drivers/pci_res.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#define FOUR_GIB 0x100000000ull

/* Lowest set bit of a size mask: devices hardwire the low address bits to zero, so the
 * lowest writable bit is the size even if a broken device leaves holes above it. */
static uint64_t lowest_bit(uint64_t mask)
{
	return mask & (~mask + 1);
}

int pci_bar_decode(uint32_t orig, uint32_t lo, uint32_t hi, struct pci_bar_size *out)
{
	out->kind = PCI_BAR_NONE;
	out->prefetch = false;
	out->size = 0;
	if (orig & PCI_BAR_IO_FLAG) {
		uint32_t mask = lo & PCI_BAR_IO_MASK;
		if (mask == 0)
			return 0;
		/* A 16-bit I/O decoder reads zeros in the upper half (PCI 3.0 sec. 6.2.5.1). */
		if ((mask & 0xffff0000u) == 0)
			mask |= 0xffff0000u;
		out->kind = PCI_BAR_IO;
		out->size = lowest_bit(mask);
		return 0;
	}
	switch (orig & PCI_BAR_MEM_TYPE) {
	case 0: /* 32-bit */
	case 2: /* "below 1 MiB" (PCI 2.x legacy): treat as 32-bit */
		if ((lo & PCI_BAR_MEM_MASK) == 0)
			return 0;
		out->kind = PCI_BAR_MEM32;
		out->size = lowest_bit(lo & PCI_BAR_MEM_MASK);
		break;
	case PCI_BAR_MEM_TYPE_64: {
		uint64_t mask = (uint64_t)hi << 32 | (lo & PCI_BAR_MEM_MASK);
		if (mask == 0)
			return 0;
		out->kind = PCI_BAR_MEM64;
		out->size = lowest_bit(mask);
		break;
	}
	default:
		return -EINVAL;
	}
	out->prefetch = (orig & PCI_BAR_PREFETCH) != 0;
	return 0;
}

static void window_take(struct pci_window *w, const struct pci_range *r)
{
	if (w->present && w->size >= r->size)
		return;
	w->present = true;
	w->pci_base = r->pci_addr;
	w->cpu_base = r->cpu_addr;
	w->size = r->size;
	w->next = r->pci_addr;
}

void pci_windows_init(struct pci_windows *ws, const struct pci_range *r, int n)
{
	for (int k = 0; k < PCI_WIN_COUNT; k++)
		ws->w[k] = (struct pci_window){ 0 };
	for (int i = 0; i < n; i++) {
		if (r[i].size == 0 || r[i].pci_addr + r[i].size < r[i].pci_addr)
			continue;
		if (r[i].space == 1)
			window_take(&ws->w[PCI_WIN_IO], &r[i]);
		else if ((r[i].space == 2 || r[i].space == 3) &&
			 r[i].pci_addr + r[i].size <= FOUR_GIB)
			window_take(&ws->w[PCI_WIN_MEM32], &r[i]);
		else if (r[i].space == 3)
			window_take(&ws->w[PCI_WIN_MEM64], &r[i]);
	}
	/* Port 0 reads as "unassigned" to many drivers: start I/O one bridge granule in. */
	if (ws->w[PCI_WIN_IO].present && ws->w[PCI_WIN_IO].next == 0)
		ws->w[PCI_WIN_IO].next = ws->w[PCI_WIN_IO].size > PCI_BRIDGE_IO_GRAN
						 ? PCI_BRIDGE_IO_GRAN
						 : ws->w[PCI_WIN_IO].size;
}

static uint64_t win_end(const struct pci_window *w)
{
	return w->pci_base + w->size;
}

int pci_win_alloc(struct pci_window *w, uint64_t size, uint64_t align, uint64_t *pci)
{
	uint64_t at;
	if (!w->present || size == 0 || (size & (size - 1)) || align == 0 || (align & (align - 1)))
		return -ENOSPC;
	at = (w->next + align - 1) & ~(align - 1);
	if (at < w->next || at > win_end(w) || win_end(w) - at < size)
		return -ENOSPC;
	w->next = at + size;
	*pci = at;
	return 0;
}

void pci_win_round(struct pci_window *w, uint64_t gran)
{
	uint64_t at = (w->next + gran - 1) & ~(gran - 1);
	if (!w->present)
		return;
	w->next = (at < w->next || at > win_end(w)) ? win_end(w) : at;
}

int pci_bar_window(const struct pci_bar_size *b, bool root_bus, bool pref64_path)
{
	switch (b->kind) {
	case PCI_BAR_IO:
		return PCI_WIN_IO;
	case PCI_BAR_MEM32:
		return PCI_WIN_MEM32;
	case PCI_BAR_MEM64:
		/* Behind a bridge only the prefetchable window can be 64-bit; a non-prefetchable
		 * 64-bit BAR there must sit in the bridge's 32-bit memory window. */
		if (root_bus || (pref64_path && b->prefetch))
			return PCI_WIN_MEM64;
		return PCI_WIN_MEM32;
	default:
		return -1;
	}
}

uint32_t pci_bridge_mem_reg(uint64_t base, uint64_t limit)
{
	if (limit < base)
		return 0x0000fff0u; /* base 0xfff00000 > limit 0x000fffff */
	return (uint32_t)((limit >> 16) & 0xfff0) << 16 | (uint32_t)((base >> 16) & 0xfff0);
}

void pci_bridge_pref_regs(uint64_t base, uint64_t limit, uint32_t *reg24, uint32_t *upper_base,
			  uint32_t *upper_limit)
{
	if (limit < base) {
		*reg24 = 0x0000fff0u;
		*upper_base = 0;
		*upper_limit = 0;
		return;
	}
	*reg24 = (uint32_t)((limit >> 16) & 0xfff0) << 16 | (uint32_t)((base >> 16) & 0xfff0);
	*upper_base = (uint32_t)(base >> 32);
	*upper_limit = (uint32_t)(limit >> 32);
}

void pci_bridge_io_regs(uint64_t base, uint64_t limit, uint8_t *io_base, uint8_t *io_limit,
			uint32_t *upper)
{
	if (limit < base) {
		*io_base = 0xf0;
		*io_limit = 0x00;
		*upper = 0;
		return;
	}
	*io_base = (uint8_t)((base >> 8) & 0xf0);
	*io_limit = (uint8_t)((limit >> 8) & 0xf0);
	*upper = (uint32_t)((limit >> 16) & 0xffff) << 16 | (uint32_t)((base >> 16) & 0xffff);
}

const struct pci_imap *pci_imap_lookup(const struct pci_host *h, uint32_t phys_hi, uint32_t pin)
{
	uint32_t hi = phys_hi & h->imap_mask[0], p = pin & h->imap_mask[3];
	for (int i = 0; i < h->nimap; i++) {
		const struct pci_imap *m = &h->imap[i];
		if ((m->child_hi & h->imap_mask[0]) == hi && (m->pin & h->imap_mask[3]) == p)
			return m;
	}
	return NULL;
}

int pci_intx_route(const struct pci_host *h, const struct pci_bdf *path, int depth, uint32_t pin,
		   struct dt_irq *out)
{
	const struct pci_bdf *root;
	const struct pci_imap *m;
	if (pin < 1 || pin > 4 || depth < 1)
		return -EINVAL;
	/* Each bridge between the function and the root bus rotates the pin by the device
	 * number on its secondary bus. */
	for (int i = 0; i < depth - 1; i++)
		pin = pci_swizzle(pin, path[i].dev);
	root = &path[depth - 1];
	m = pci_imap_lookup(h, pci_phys_hi(root->bus, root->dev, root->fn), pin);
	if (!m)
		return -ENOENT;
	*out = m->parent;
	return 0;
}

/* ---- MSI / MSI-X ---- */

void pci_msi_layout(uint32_t cap, uint16_t ctrl, struct pci_msi_layout *out)
{
	bool wide = (ctrl & PCI_MSI_CTRL_64BIT) != 0;
	out->addr_lo = cap + PCI_MSI_ADDR_LO;
	out->addr_hi = wide ? cap + 8 : 0;
	out->data = cap + (wide ? 12 : 8);
	out->mask = (ctrl & PCI_MSI_CTRL_MASKBIT) ? cap + (wide ? 16 : 12) : 0;
}

int pci_msix_table(uint16_t ctrl, uint32_t table_reg, uint32_t *entries, int *bar, uint32_t *offset)
{
	*entries = (ctrl & PCI_MSIX_CTRL_SIZE_MASK) + 1;
	*bar = (int)(table_reg & PCI_MSIX_BIR_MASK);
	*offset = table_reg & ~PCI_MSIX_BIR_MASK;
	return *bar > 5 ? -EINVAL : 0;
}

/* ---- the host bridge's DT node ---- */

/* ranges: (child 3 cells, parent pc.ac cells, size nc.sc cells) per entry (PCI binding 2.2.1). */
static int parse_ranges(const struct dt_device *dev, struct fdt_cells nc, struct pci_host *h)
{
	uint32_t len, step = 4 * (3 + dev->pc.ac + nc.sc);
	const uint8_t *v = dt_prop(dev, "ranges", &len);

	if (!v)
		return 0;
	if (len % step || dev->pc.ac > 2 || nc.sc > 2)
		return -EINVAL;
	for (; len; len -= step, v += step) {
		uint32_t hi = get_be32(v);
		struct pci_range *r = &h->ranges[h->nranges];
		if (h->nranges == PCI_MAX_RANGES) {
			pr_warn("pci: ranges beyond %d ignored\n", PCI_MAX_RANGES);
			break;
		}
		r->space = (hi >> 24) & 3;
		r->prefetch = (hi >> 30) & 1;
		r->pci_addr = fdt_cells_get(v + 4, 2);
		r->cpu_addr = fdt_cells_get(v + 12, dev->pc.ac);
		r->size = fdt_cells_get(v + 12 + (size_t)4 * dev->pc.ac, nc.sc);
		h->nranges++;
	}
	return 0;
}

/*
 * interrupt-map entries: child unit address (3 cells), child interrupt (1 cell: the pin),
 * parent phandle, parent unit address and parent interrupt, the last two sized by the
 * parent's own #address-cells / #interrupt-cells, so each entry needs a phandle lookup.
 */
static int parse_imap(const struct dt_device *dev, struct pci_host *h)
{
	const struct fdt *f = dt_tree();
	uint32_t ncells, pos = 0, last_ph = 0, ac = 0, ic = 0;
	const uint8_t *v;
	bool known = false; /* ac/ic describe last_ph: entries mostly share one parent */

	if (dt_prop_cells(dev, "interrupt-map", &v, &ncells))
		return -EINVAL;
	while (pos < ncells) {
		struct pci_imap *m = &h->imap[h->nimap];
		uint32_t ph;
		size_t pn, pp;
		if (h->nimap == PCI_MAX_IMAP) {
			pr_warn("pci: interrupt-map entries beyond %d ignored\n", PCI_MAX_IMAP);
			return 0;
		}
		if (ncells - pos < 5)
			return -EINVAL;
		ph = get_be32(v + (size_t)4 * (pos + 4));
		if ((!known || ph != last_ph) && fdt_irq_parent_cells(f, ph, &ac, &ic, &pn, &pp))
			return -EINVAL;
		known = true;
		last_ph = ph;
		pos += 5;
		if (ncells - pos < ac + ic)
			return -EINVAL;
		m->child_hi = get_be32(v + (size_t)4 * (pos - 5));
		m->pin = get_be32(v + (size_t)4 * (pos - 2));
		m->parent.parent = ph;
		m->parent.ncells = ic;
		for (uint32_t c = 0; c < ic; c++)
			m->parent.cell[c] = get_be32(v + (size_t)4 * (pos + ac + c));
		pos += ac + ic;
		h->nimap++;
	}
	return 0;
}

static int parse_bus_range(const struct dt_device *dev, struct pci_host *h)
{
	uint32_t len;
	const uint8_t *v = dt_prop(dev, "bus-range", &len);
	h->bus_min = 0;
	h->bus_max = 255;
	if (!v)
		return 0;
	if (len != 8)
		return -EINVAL;
	h->bus_min = get_be32(v);
	h->bus_max = get_be32(v + 4);
	return h->bus_min > h->bus_max || h->bus_max > 255 ? -EINVAL : 0;
}

int pci_host_parse(const struct dt_device *dev, struct pci_host *h)
{
	struct fdt_cells nc;
	uint32_t len, icells;
	const uint8_t *v;

	memset(h, 0, sizeof(*h));
	if (fdt_node_cells(dt_tree(), dev->node, &nc) || nc.ac != 3 ||
	    dt_reg(dev, 0, &h->ecam_base, &h->ecam_size) ||
	    dt_prop_u32(dev, "#interrupt-cells", 1, &icells) || icells != 1 ||
	    parse_bus_range(dev, h))
		return -EINVAL;
	/* msi-parent: <phandle [msi-specifier]> (one controller; its cells are ours to ignore) */
	v = dt_prop(dev, "msi-parent", &len);
	if (v && len >= 4)
		h->msi_parent = get_be32(v);
	for (int i = 0; i < 4; i++)
		h->imap_mask[i] = 0xffffffffu; /* no mask: every bit matters */
	v = dt_prop(dev, "interrupt-map-mask", &len);
	if (v) {
		if (len != 16)
			return -EINVAL;
		for (int i = 0; i < 4; i++)
			h->imap_mask[i] = get_be32(v + (size_t)4 * i);
	}
	if (parse_ranges(dev, nc, h) || parse_imap(dev, h))
		return -EINVAL;
	return 0;
}
