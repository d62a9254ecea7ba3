/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCIe enumeration over ECAM at the address the DT gives. One depth-first pass numbers the
 * buses, sizes and assigns BARs from the host bridge's ranges and opens each bridge's windows
 * around what was assigned behind it (bump allocation, the way U-Boot's pci_auto does it).
 * Then drivers from the const table below are probed; only claimed functions get memory
 * space and bus mastering turned on.
 */
#include "drivers/core/irq.h"
#include "drivers/drivers.h"
#include "drivers/pci.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "lib/util.h"
#include "mm/vm.h"

#define PCI_MAX_DEPTH 32 /* bridges between a function and the root bus, for INTx routing */
#define PCI_LOG_LINE  400

static struct pci_dev funcs[PCI_MAX_FUNCS];
static int nfuncs;
static const struct pci_host *host;
static struct pci_windows wins;
static uintptr_t ecam_base;
static uint32_t bus_first, bus_last; /* bus-range, clipped to what the ECAM window covers */
static uint32_t bus_next;	     /* highest bus number handed out so far */
static bool table_full_warned;

static const uint64_t win_gran[PCI_WIN_COUNT] = {
	[PCI_WIN_IO] = PCI_BRIDGE_IO_GRAN,
	[PCI_WIN_MEM32] = PCI_BRIDGE_MEM_GRAN,
	[PCI_WIN_MEM64] = PCI_BRIDGE_MEM_GRAN,
};

/* ---- config space ---- */

/* ECAM: 1 MiB per bus from the first bus of bus-range, 32 KiB per device, 4 KiB per function. */
static uintptr_t cfg_addr(uint32_t bus, uint32_t dev, uint32_t fn)
{
	return ecam_base +
	       ((uintptr_t)(bus - bus_first) << 20 | (uintptr_t)dev << 15 | (uintptr_t)fn << 12);
}

uint32_t pci_cfg_read32(const struct pci_dev *pd, uint32_t off)
{
	return mmio_read32(pd->cfg + off);
}
uint16_t pci_cfg_read16(const struct pci_dev *pd, uint32_t off)
{
	return mmio_read16(pd->cfg + off);
}
uint8_t pci_cfg_read8(const struct pci_dev *pd, uint32_t off)
{
	return mmio_read8(pd->cfg + off);
}
void pci_cfg_write32(const struct pci_dev *pd, uint32_t off, uint32_t v)
{
	mmio_write32(pd->cfg + off, v);
}
void pci_cfg_write16(const struct pci_dev *pd, uint32_t off, uint16_t v)
{
	mmio_write16(pd->cfg + off, v);
}

int pci_count(void)
{
	return nfuncs;
}

struct pci_dev *pci_get(int i)
{
	return i >= 0 && i < nfuncs ? &funcs[i] : NULL;
}

/* ---- log lines ---- */

static const char *const bar_kind_name[] = {
	[PCI_BAR_NONE] = "none",
	[PCI_BAR_IO] = "io",
	[PCI_BAR_MEM32] = "mem",
	[PCI_BAR_MEM64] = "mem64",
};

/* " INTA -> plic 33": the pin and the controller it arrives at (as far as it is known). */
static int fmt_intx(const struct pci_dev *pd, char *buf, int len)
{
	const struct irq_chip *c = irq_chip_find(pd->intx.parent);
	return ksnprintf(buf, (size_t)len, " INT%c -> %s %u", 'A' + pd->pin - 1,
			 c ? c->name : "intc", pd->intx.ncells ? pd->intx.cell[0] : 0);
}

static int fmt_func(const struct pci_dev *pd, char *buf, int len)
{
	int n = ksnprintf(buf, (size_t)len, "pci %02x:%02x.%x %04x:%04x class %06x", pd->bus,
			  pd->dev, pd->fn, pd->vendor, pd->device, pd->class_code);
	for (int i = 0; i < PCI_NUM_BARS && n < len && !pd->failed; i++) {
		const struct pci_bar *b = &pd->bar[i];
		uint64_t at = b->kind == PCI_BAR_IO ? b->pci_addr : b->cpu_addr;
		if (b->kind == PCI_BAR_NONE)
			continue;
		if (!b->assigned) {
			n += ksnprintf(buf + n, (size_t)(len - n), " BAR%d %s unassigned (0x%llx)",
				       i, bar_kind_name[b->kind], (unsigned long long)b->size);
			continue;
		}
		n += ksnprintf(buf + n, (size_t)(len - n), " BAR%d %s%s 0x%llx-0x%llx", i,
			       bar_kind_name[b->kind], b->prefetch ? " pref" : "",
			       (unsigned long long)at, (unsigned long long)(at + b->size - 1));
	}
	if (n < len && pd->pin && !pd->intx_err)
		n += fmt_intx(pd, buf + n, len - n);
	if (n < len && pd->failed)
		n += ksnprintf(buf + n, (size_t)(len - n), " (skipped: no resources)");
	if (n < len && pd->driver)
		n += ksnprintf(buf + n, (size_t)(len - n), " driver %s", pd->driver);
	return n;
}

static void log_func(const struct pci_dev *pd)
{
	char line[PCI_LOG_LINE];
	fmt_func(pd, line, sizeof(line));
	pr_info("%s\n", line);
}

void pci_dump(void)
{
	char line[PCI_LOG_LINE];
	if (nfuncs == 0)
		kprintf("pci: no functions\n");
	for (int i = 0; i < nfuncs; i++) {
		fmt_func(&funcs[i], line, sizeof(line));
		kprintf("%s%s\n", line, funcs[i].enabled ? " [enabled]" : "");
	}
}

/* ---- BARs ---- */

/* Size BAR i: write all-ones, read back, restore (PCI 3.0 sec. 6.2.5.1). Decoding is off
 * (the caller cleared the command register), so the transient value does no harm. */
static int size_bar(struct pci_dev *pd, int i, int nbars, struct pci_bar_size *sz)
{
	uint32_t off = PCI_BAR0 + 4u * (uint32_t)i;
	uint32_t orig = pci_cfg_read32(pd, off), lo, hi = 0;
	pci_cfg_write32(pd, off, 0xffffffffu);
	lo = pci_cfg_read32(pd, off);
	pci_cfg_write32(pd, off, orig);
	if (!(orig & PCI_BAR_IO_FLAG) && (orig & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64) {
		uint32_t orig_hi;
		if (i + 1 >= nbars)
			return -EINVAL; /* the upper half would be another register */
		orig_hi = pci_cfg_read32(pd, off + 4);
		pci_cfg_write32(pd, off + 4, 0xffffffffu);
		hi = pci_cfg_read32(pd, off + 4);
		pci_cfg_write32(pd, off + 4, orig_hi);
	}
	return pci_bar_decode(orig, lo, hi, sz);
}

static int alloc_bar(struct pci_bar *b, bool root_bus, bool pref64)
{
	struct pci_bar_size sz = { b->kind, b->prefetch, b->size };
	int k = pci_bar_window(&sz, root_bus, pref64);
	/* separate pages for separate memory BARs, so each can be mapped on its own */
	uint64_t align = (b->kind == PCI_BAR_IO || b->size >= 4096) ? b->size : 4096;
	uint64_t pci;
	if (k < 0)
		return -EINVAL;
	if (pci_win_alloc(&wins.w[k], b->size, align, &pci)) {
		if (k != PCI_WIN_MEM64)
			return -ENOSPC;
		k = PCI_WIN_MEM32; /* a 64-bit BAR can always take a 32-bit address */
		if (pci_win_alloc(&wins.w[k], b->size, align, &pci))
			return -ENOSPC;
	}
	b->pci_addr = pci;
	b->cpu_addr = pci_win_to_cpu(&wins.w[k], pci);
	return 0;
}

static void write_bars(struct pci_dev *pd, int nbars)
{
	for (int i = 0; i < nbars; i++) {
		const struct pci_bar *b = &pd->bar[i];
		uint32_t off = PCI_BAR0 + 4u * (uint32_t)i;
		if (!b->assigned)
			continue;
		pci_cfg_write32(pd, off, (uint32_t)b->pci_addr);
		if (b->kind == PCI_BAR_MEM64)
			pci_cfg_write32(pd, off + 4, (uint32_t)(b->pci_addr >> 32));
	}
}

/* Size and assign every BAR of pd; all or nothing, so a function that does not fit leaves
 * the windows as they were for the next one. */
static void setup_bars(struct pci_dev *pd, int nbars, bool pref64)
{
	struct pci_windows saved = wins;
	for (int i = 0; i < nbars; i++) {
		struct pci_bar_size sz;
		struct pci_bar *b = &pd->bar[i];
		if (size_bar(pd, i, nbars, &sz)) {
			pr_warn("pci %02x:%02x.%x: BAR%d has an invalid type, ignored\n", pd->bus,
				pd->dev, pd->fn, i);
			continue;
		}
		if (sz.kind == PCI_BAR_NONE)
			continue;
		b->kind = sz.kind;
		b->prefetch = sz.prefetch;
		b->size = sz.size;
		if (alloc_bar(b, pd->parent < 0, pref64) == 0) {
			b->assigned = true;
		} else if (b->kind == PCI_BAR_IO) {
			/* I/O space is 64 KiB for everyone and no driver here uses it (only
			 * memory decoding is ever enabled): the function stays usable. */
			pr_warn("pci %02x:%02x.%x: no I/O space for BAR%d, left unassigned\n",
				pd->bus, pd->dev, pd->fn, i);
		} else {
			pr_err("pci %02x:%02x.%x: no window space for BAR%d (%s, 0x%llx bytes): "
			       "function skipped\n",
			       pd->bus, pd->dev, pd->fn, i, bar_kind_name[b->kind],
			       (unsigned long long)b->size);
			wins = saved;
			pd->failed = true;
			return;
		}
		if (sz.kind == PCI_BAR_MEM64)
			i++; /* the upper half lives in the next register */
	}
	write_bars(pd, nbars);
}

/* ---- INTx ---- */

static void route_intx(struct pci_dev *pd)
{
	struct pci_bdf path[PCI_MAX_DEPTH];
	int depth = 0;
	pd->intx_err = -ENOENT;
	pd->pin = pci_cfg_read8(pd, PCI_INTERRUPT_PIN);
	if (pd->pin == 0 || pd->pin > 4)
		return;
	for (const struct pci_dev *p = pd; p; p = p->parent >= 0 ? &funcs[p->parent] : NULL) {
		if (depth == PCI_MAX_DEPTH)
			return;
		path[depth++] = (struct pci_bdf){ p->bus, p->dev, p->fn };
	}
	pd->intx_err = pci_intx_route(host, path, depth, pd->pin, &pd->intx);
	/* Interrupt Line is only a note for software; 0xff means "not connected". */
	mmio_write8(pd->cfg + PCI_INTERRUPT_LINE,
		    !pd->intx_err && pd->intx.cell[0] < 0xff ? (uint8_t)pd->intx.cell[0] : 0xff);
}

/* ---- enumeration ---- */

static void scan_bus(uint32_t bus, int parent, bool pref64);

/* Does the bridge's prefetchable window decode 64-bit addresses (low nibble 1)? */
static bool bridge_pref64(struct pci_dev *br)
{
	uint32_t orig = pci_cfg_read32(br, PCI_BRIDGE_PREF), v;
	pci_cfg_write32(br, PCI_BRIDGE_PREF, 0xfff0fff0u);
	v = pci_cfg_read32(br, PCI_BRIDGE_PREF);
	pci_cfg_write32(br, PCI_BRIDGE_PREF, orig);
	return v != 0 && (v & 0xf) == 1;
}

static int fmt_window(char *buf, int len, const char *name, uint64_t start, uint64_t end)
{
	if (end <= start)
		return ksnprintf(buf, (size_t)len, " %s none", name);
	return ksnprintf(buf, (size_t)len, " %s 0x%llx-0x%llx", name, (unsigned long long)start,
			 (unsigned long long)end - 1);
}

static void log_bridge(const struct pci_dev *br, const uint64_t start[PCI_WIN_COUNT],
		       const uint64_t end[PCI_WIN_COUNT])
{
	static const char *const names[PCI_WIN_COUNT] = { "io", "mem", "pref" };
	char line[PCI_LOG_LINE];
	int n = ksnprintf(line, sizeof(line), "pci %02x:%02x.%x: bridge to [bus %02x-%02x]",
			  br->bus, br->dev, br->fn, br->sec_bus, br->sub_bus);
	for (int k = 0; k < PCI_WIN_COUNT && n < (int)sizeof(line); k++)
		n += fmt_window(line + n, (int)sizeof(line) - n, names[k], start[k], end[k]);
	pr_info("%s\n", line);
}

static void bridge_windows(struct pci_dev *br, const uint64_t start[PCI_WIN_COUNT],
			   const uint64_t end[PCI_WIN_COUNT])
{
	uint32_t pref, pref_hi_base, pref_hi_limit, io_hi;
	uint8_t io_base, io_limit;
	pci_bridge_io_regs(start[PCI_WIN_IO], end[PCI_WIN_IO] - 1, &io_base, &io_limit, &io_hi);
	pci_cfg_write32(br, PCI_BRIDGE_IO_HI, io_hi);
	mmio_write8(br->cfg + PCI_BRIDGE_IO, io_base);
	mmio_write8(br->cfg + PCI_BRIDGE_IO + 1, io_limit);
	pci_cfg_write32(br, PCI_BRIDGE_MEM,
			pci_bridge_mem_reg(start[PCI_WIN_MEM32], end[PCI_WIN_MEM32] - 1));
	pci_bridge_pref_regs(start[PCI_WIN_MEM64], end[PCI_WIN_MEM64] - 1, &pref, &pref_hi_base,
			     &pref_hi_limit);
	pci_cfg_write32(br, PCI_BRIDGE_PREF_BASE_HI, pref_hi_base);
	pci_cfg_write32(br, PCI_BRIDGE_PREF_LIMIT_HI, pref_hi_limit);
	pci_cfg_write32(br, PCI_BRIDGE_PREF, pref);
	log_bridge(br, start, end);
}

static void set_buses(struct pci_dev *br, uint32_t sub)
{
	uint32_t v = pci_cfg_read32(br, PCI_BRIDGE_BUSES) & 0xff000000u;
	pci_cfg_write32(br, PCI_BRIDGE_BUSES, v | sub << 16 | (uint32_t)br->sec_bus << 8 | br->bus);
}

/* Give the bridge the next bus number, scan behind it with the subordinate bus wide open,
 * then close the bus range and the windows around what was found. */
static void scan_bridge(int idx, bool pref64)
{
	struct pci_dev *br = &funcs[idx];
	uint64_t before[PCI_WIN_COUNT], start[PCI_WIN_COUNT], end[PCI_WIN_COUNT];
	bool child_pref64 = pref64 && bridge_pref64(br);
	if (bus_next >= bus_last) {
		pr_err("pci %02x:%02x.%x: no bus number left in bus-range: bridge skipped\n",
		       br->bus, br->dev, br->fn);
		br->failed = true;
		return;
	}
	br->sec_bus = (uint8_t)++bus_next;
	set_buses(br, bus_last);
	for (int k = 0; k < PCI_WIN_COUNT; k++) {
		before[k] = wins.w[k].next;
		pci_win_round(&wins.w[k], win_gran[k]);
		start[k] = wins.w[k].next;
	}
	scan_bus(br->sec_bus, idx, child_pref64);
	for (int k = 0; k < PCI_WIN_COUNT; k++) {
		if (wins.w[k].next == start[k]) {
			/* nothing behind needs this window: give back the rounding */
			wins.w[k].next = before[k];
			end[k] = start[k];
			continue;
		}
		pci_win_round(&wins.w[k], win_gran[k]);
		end[k] = wins.w[k].next;
	}
	br->sub_bus = (uint8_t)bus_next;
	set_buses(br, br->sub_bus);
	bridge_windows(br, start, end);
}

static void scan_func(uint32_t bus, uint32_t dev, uint32_t fn, int parent, bool pref64)
{
	struct pci_dev *pd;
	int idx;
	if (nfuncs == PCI_MAX_FUNCS) {
		if (!table_full_warned)
			pr_warn("pci: more than %d functions, the rest are ignored\n",
				PCI_MAX_FUNCS);
		table_full_warned = true;
		return;
	}
	idx = nfuncs++;
	pd = &funcs[idx];
	*pd = (struct pci_dev){ .bus = (uint8_t)bus,
				.dev = (uint8_t)dev,
				.fn = (uint8_t)fn,
				.parent = parent,
				.intx_err = -ENOENT,
				.cfg = cfg_addr(bus, dev, fn) };
	pd->vendor = pci_cfg_read16(pd, PCI_VENDOR_ID);
	pd->device = pci_cfg_read16(pd, PCI_DEVICE_ID);
	pd->class_code = pci_cfg_read32(pd, PCI_CLASS_REV) >> 8;
	pd->hdr_type = pci_cfg_read8(pd, PCI_HEADER_TYPE) & 0x7f;
	/* No decoding and no DMA until a driver claims the function. */
	pci_cfg_write16(pd, PCI_COMMAND,
			pci_cfg_read16(pd, PCI_COMMAND) &
				~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	if (pd->hdr_type == 0)
		setup_bars(pd, 6, pref64);
	else if (pd->hdr_type == PCI_HEADER_BRIDGE)
		setup_bars(pd, 2, pref64);
	route_intx(pd);
	log_func(pd);
	if (pd->hdr_type == PCI_HEADER_BRIDGE && !pd->failed)
		scan_bridge(idx, pref64);
}

/* The standard capability list (PCI 3.0 sec. 6.7): 48 entries of 4 bytes at most fit above
 * the header, so a longer walk is a loop in a broken list. */
uint8_t pci_find_cap(const struct pci_dev *pd, uint8_t id)
{
	uint8_t ptr;
	if (!(pci_cfg_read16(pd, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	ptr = pci_cfg_read8(pd, PCI_CAP_PTR) & 0xfc;
	for (int guard = 0; ptr >= 0x40 && guard < 48; guard++) {
		if (pci_cfg_read8(pd, ptr) == id)
			return ptr;
		ptr = pci_cfg_read8(pd, ptr + 1u) & 0xfc;
	}
	return 0;
}

/* PCIe Capabilities register of pd (PCIe 4.0 sec. 7.5.3.2), or 0 if it has none. */
static uint16_t pcie_caps(const struct pci_dev *pd)
{
	uint8_t at = pci_find_cap(pd, PCI_CAP_ID_EXP);
	return at ? pci_cfg_read16(pd, at + 2u) : 0;
}

/* Behind a root port or a switch downstream port the link has one device, number 0; some
 * devices answer at every device number there, so the rest is not scanned (as Linux does). */
static bool only_one_child(int parent)
{
	uint16_t type;
	if (parent < 0)
		return false;
	type = (pcie_caps(&funcs[parent]) >> 4) & 0xf;
	return type == PCI_EXP_TYPE_ROOT_PORT || type == PCI_EXP_TYPE_DOWNSTREAM;
}

static void scan_bus(uint32_t bus, int parent, bool pref64)
{
	uint32_t ndev = only_one_child(parent) ? 1 : 32;
	for (uint32_t dev = 0; dev < ndev; dev++) {
		uint32_t nfn = 1;
		if (mmio_read16(cfg_addr(bus, dev, 0) + PCI_VENDOR_ID) == 0xffff)
			continue;
		if (mmio_read8(cfg_addr(bus, dev, 0) + PCI_HEADER_TYPE) & PCI_HEADER_MULTI)
			nfn = 8;
		for (uint32_t fn = 0; fn < nfn; fn++) {
			uint16_t vendor = mmio_read16(cfg_addr(bus, dev, fn) + PCI_VENDOR_ID);
			if (vendor != 0xffff && vendor != 0)
				scan_func(bus, dev, fn, parent, pref64);
		}
	}
}

/* ---- drivers ---- */

/* Memory space and bus mastering for pd and every bridge above it (a bridge forwards
 * memory cycles down only with MEMORY set, and DMA up only with MASTER set). */
static void enable_path(struct pci_dev *pd, bool on)
{
	for (struct pci_dev *p = pd; p; p = p->parent >= 0 ? &funcs[p->parent] : NULL) {
		uint16_t cmd = pci_cfg_read16(p, PCI_COMMAND);
		if (on)
			cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
		else if (p == pd)
			cmd &= (uint16_t) ~(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
		pci_cfg_write16(p, PCI_COMMAND, cmd);
		if (p == pd)
			p->enabled = on;
		if (!on)
			break; /* bridges stay open: another function may still use them */
	}
}

static const struct pci_driver *match(const struct pci_dev *pd, const struct pci_id **idp)
{
	for (size_t i = 0; i < pci_drivers_count; i++)
		for (const struct pci_id *id = pci_drivers[i]->ids; id && id->vendor; id++)
			if (id->vendor == pd->vendor && id->device == pd->device) {
				*idp = id;
				return pci_drivers[i];
			}
	/* No ID matched: a driver for the whole class (NVMe's is 01:08:02), with no id. */
	for (size_t i = 0; i < pci_drivers_count; i++)
		if (pci_drivers[i]->class_code && pci_drivers[i]->class_code == pd->class_code) {
			*idp = NULL;
			return pci_drivers[i];
		}
	return NULL;
}

/* Functions that need no driver: bridges of every kind (class 06), which pci.c programs. */
static bool is_bridge(const struct pci_dev *pd)
{
	return pd->hdr_type != 0 || (pd->class_code >> 16) == 0x06;
}

static void probe_all(void)
{
	for (int i = 0; i < nfuncs; i++) {
		struct pci_dev *pd = &funcs[i];
		const struct pci_driver *drv;
		const struct pci_id *id = NULL;
		int err;
		if (pd->failed || pd->hdr_type != 0)
			continue;
		drv = match(pd, &id);
		if (!drv) {
			if (!is_bridge(pd))
				pr_info("pci %02x:%02x.%x: no driver for %04x:%04x (class %06x)\n",
					pd->bus, pd->dev, pd->fn, pd->vendor, pd->device,
					pd->class_code);
			continue;
		}
		pr_debug("pci %02x:%02x.%x: %04x:%04x matches driver %s\n", pd->bus, pd->dev,
			 pd->fn, pd->vendor, pd->device, drv->name);
		enable_path(pd, true);
		err = drv->probe(pd, id);
		if (err) {
			pr_err("pci %02x:%02x.%x: %s probe failed (%s)\n", pd->bus, pd->dev, pd->fn,
			       drv->name, errname(err));
			enable_path(pd, false);
			continue;
		}
		pd->driver = drv->name;
	}
}

int pci_map_bar(struct pci_dev *pd, int n, uintptr_t *va)
{
	const struct pci_bar *b;
	int err;
	if (n < 0 || n >= PCI_NUM_BARS)
		return -EINVAL;
	b = &pd->bar[n];
	if ((b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64) || !b->assigned)
		return -EINVAL;
	err = vm_map_mmio(b->cpu_addr, b->size);
	if (err)
		return err;
	*va = (uintptr_t)b->cpu_addr; /* MMIO is identity-mapped */
	return 0;
}

/* The host bridge's ranges that the identity map reaches: BARs in a window past vm_reach()
 * could never be mapped, so such a window is not used (64-bit BARs then take 32-bit space). */
static int reachable_ranges(const struct pci_host *h, struct pci_range *out)
{
	static const char *const space[] = { "config", "io", "mem32", "mem64" };
	int n = 0;
	for (int i = 0; i < h->nranges; i++) {
		const struct pci_range *r = &h->ranges[i];
		uint64_t end = r->cpu_addr + r->size;
		if (end > vm_reach() || end < r->cpu_addr) {
			pr_warn("pci: %s window 0x%llx-0x%llx lies beyond what %s maps: not used\n",
				space[r->space & 3], (unsigned long long)r->cpu_addr,
				(unsigned long long)(end - 1), vm_mode_name());
			continue;
		}
		out[n++] = *r;
	}
	return n;
}

const struct pci_host *pci_host(void)
{
	return host;
}

int pci_host_init(const struct pci_host *h)
{
	struct pci_range ranges[PCI_MAX_RANGES];
	uint64_t nbus = h->ecam_size >> 20;
	int err;
	if (host)
		return -EBUSY;
	if (nbus == 0 || h->bus_min > h->bus_max || h->bus_max > 255) {
		pr_err("pci: unusable ECAM window (size 0x%llx, buses %u-%u)\n",
		       (unsigned long long)h->ecam_size, h->bus_min, h->bus_max);
		return -EINVAL;
	}
	err = vm_map_mmio(h->ecam_base, h->ecam_size);
	if (err)
		return err;
	host = h;
	ecam_base = (uintptr_t)h->ecam_base;
	bus_first = h->bus_min;
	bus_last = h->bus_max;
	if (bus_last - bus_first + 1 > nbus)
		bus_last = bus_first + (uint32_t)nbus - 1;
	bus_next = bus_first;
	nfuncs = 0;
	pci_windows_init(&wins, ranges, reachable_ranges(h, ranges));
	pr_info("pci: ECAM at 0x%llx, buses %02x-%02x, io %s, mem32 %s, mem64 %s\n",
		(unsigned long long)h->ecam_base, bus_first, bus_last,
		wins.w[PCI_WIN_IO].present ? "yes" : "no",
		wins.w[PCI_WIN_MEM32].present ? "yes" : "no",
		wins.w[PCI_WIN_MEM64].present ? "yes" : "no");
	scan_bus(bus_first, -1, true);
	probe_all();
	return nfuncs;
}
