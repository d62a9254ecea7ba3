/* SPDX-License-Identifier: BSD-2-Clause */
/* Host tests for drivers/pci_res.c: BAR decoding, window allocation, bridge window encoding
 * and INTx routing, with the numbers QEMU virt puts in its device tree. */
#include <stdint.h>
#include <stdio.h>
#include "tests/host/fdt_build.h" /* libc headers first: lib/errno.h renames strerror */
#include "drivers/core/dt.h"
#include "drivers/pci_res.h"
#include "lib/errno.h"
#include "lib/util.h"
#include "tests/host/test.h"

struct bar_case {
	const char *name;
	uint32_t orig, lo, hi;
	int err;
	enum pci_bar_kind kind;
	bool prefetch;
	uint64_t size;
};

static const struct bar_case bar_cases[] = {
	/* e1000 BAR0: 128 KiB 32-bit memory */
	{ "mem32 128K", 0x00000000, 0xfffe0000, 0, 0, PCI_BAR_MEM32, false, 0x20000 },
	{ "mem32 4K, old addr", 0x40000000, 0xfffff000, 0, 0, PCI_BAR_MEM32, false, 0x1000 },
	{ "mem32 pref 16M", 0x00000008, 0xff000008, 0, 0, PCI_BAR_MEM32, true, 0x1000000 },
	{ "mem32 2G", 0x00000000, 0x80000000, 0, 0, PCI_BAR_MEM32, false, 0x80000000ull },
	/* 64-bit: the size can exceed 4 GiB (upper register not all ones) */
	{ "mem64 pref 16K", 0x0000000c, 0xffffc00c, 0xffffffff, 0, PCI_BAR_MEM64, true, 0x4000 },
	{ "mem64 8G", 0x00000004, 0x00000004, 0xfffffffe, 0, PCI_BAR_MEM64, false, 0x200000000ull },
	{ "mem64 1M", 0x00000004, 0xfff00004, 0xffffffff, 0, PCI_BAR_MEM64, false, 0x100000 },
	/* e1000 BAR1: 64 ports of I/O; a 16-bit decoder returns 0 in the upper half */
	{ "io 64", 0x00000001, 0xffffffc1, 0, 0, PCI_BAR_IO, false, 64 },
	{ "io 16-bit 256", 0x00000001, 0x0000ff01, 0, 0, PCI_BAR_IO, false, 256 },
	{ "unimplemented", 0x00000000, 0x00000000, 0, 0, PCI_BAR_NONE, false, 0 },
	{ "unimplemented io", 0x00000001, 0x00000001, 0, 0, PCI_BAR_NONE, false, 0 },
	{ "mem64 unimplemented", 0x00000004, 0x00000004, 0, 0, PCI_BAR_NONE, false, 0 },
	{ "legacy below-1M", 0x00000002, 0xfffff002, 0, 0, PCI_BAR_MEM32, false, 0x1000 },
	{ "reserved type", 0x00000006, 0xfffff006, 0, -EINVAL, PCI_BAR_NONE, false, 0 },
};

static void test_bar_decode(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bar_cases); i++) {
		const struct bar_case *c = &bar_cases[i];
		struct pci_bar_size sz;
		int err = pci_bar_decode(c->orig, c->lo, c->hi, &sz);
		ok(err == c->err, "%s: err %d", c->name, err);
		if (err)
			continue;
		ok(sz.kind == c->kind, "%s: kind %d", c->name, sz.kind);
		ok(sz.prefetch == c->prefetch, "%s: prefetch", c->name);
		ok(sz.size == c->size, "%s: size %llx", c->name, (unsigned long long)sz.size);
	}
}

/* QEMU virt's ranges: I/O at CPU 0x3000000, mem32 identity at 1 GiB, mem64 at 16 GiB. */
static const struct pci_range virt_ranges[] = {
	{ 1, false, 0x0, 0x3000000, 0x10000 },
	{ 2, false, 0x40000000, 0x40000000, 0x40000000 },
	{ 3, false, 0x400000000ull, 0x400000000ull, 0x400000000ull },
};

static void test_windows(void)
{
	struct pci_windows ws;
	uint64_t a;
	pci_windows_init(&ws, virt_ranges, 3);
	ok(ws.w[PCI_WIN_IO].present && ws.w[PCI_WIN_MEM32].present && ws.w[PCI_WIN_MEM64].present,
	   "all three windows");
	ok(ws.w[PCI_WIN_MEM32].pci_base == 0x40000000, "mem32 base");
	ok(ws.w[PCI_WIN_MEM64].pci_base == 0x400000000ull, "mem64 base");
	ok(ws.w[PCI_WIN_IO].next == 0x1000, "io starts past port 0: %llx",
	   (unsigned long long)ws.w[PCI_WIN_IO].next);

	/* natural alignment, bump allocation */
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x20000, 0x20000, &a) == 0 && a == 0x40000000,
	   "first 128K at base: %llx", (unsigned long long)a);
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x1000, 0x1000, &a) == 0 && a == 0x40020000,
	   "4K right after: %llx", (unsigned long long)a);
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x100000, 0x100000, &a) == 0 && a == 0x40100000,
	   "1M aligned up: %llx", (unsigned long long)a);
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x10000000, 0x10000000, &a) == 0 && a == 0x50000000,
	   "256M aligned up: %llx", (unsigned long long)a);
	ok(pci_win_alloc(&ws.w[PCI_WIN_IO], 64, 64, &a) == 0 && a == 0x1000, "io 64");
	ok(pci_win_to_cpu(&ws.w[PCI_WIN_IO], a) == 0x3001000, "io cpu address");
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM64], 0x4000, 0x4000, &a) == 0 && a == 0x400000000ull,
	   "mem64");

	/* exhaustion: 0x60000000 is taken up to; 1 GiB more cannot fit, a later small one can */
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x40000000, 0x40000000, &a) == -ENOSPC,
	   "1G does not fit");
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x20000000, 0x20000000, &a) == 0 && a == 0x60000000,
	   "512M fills the rest");
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x1000, 0x1000, &a) == -ENOSPC, "window full");
	ok(pci_win_alloc(&ws.w[PCI_WIN_IO], 0x20000, 0x20000, &a) == -ENOSPC, "io too big");
	ok(pci_win_alloc(&ws.w[PCI_WIN_IO], 3, 4, &a) == -ENOSPC, "size not a power of two");

	/* bridge rounding */
	ws.w[PCI_WIN_IO].next = 0x1040;
	pci_win_round(&ws.w[PCI_WIN_IO], PCI_BRIDGE_IO_GRAN);
	ok(ws.w[PCI_WIN_IO].next == 0x2000, "io rounded to 4K");
	pci_win_round(&ws.w[PCI_WIN_IO], PCI_BRIDGE_IO_GRAN);
	ok(ws.w[PCI_WIN_IO].next == 0x2000, "rounding is idempotent");
	ws.w[PCI_WIN_IO].next = 0xf001;
	pci_win_round(&ws.w[PCI_WIN_IO], 0x100000);
	ok(ws.w[PCI_WIN_IO].next == 0x10000, "rounding past the end exhausts");
}

static void test_windows_odd(void)
{
	struct pci_windows ws;
	/* a 64-bit-space range below 4 GiB serves 32-bit BARs; absent I/O stays absent */
	const struct pci_range r[] = {
		{ 3, false, 0x80000000, 0x1080000000ull, 0x10000000 },
		{ 2, false, 0x90000000, 0x90000000, 0x1000 },
	};
	uint64_t a;
	pci_windows_init(&ws, r, 2);
	ok(!ws.w[PCI_WIN_IO].present && !ws.w[PCI_WIN_MEM64].present, "only mem32");
	ok(ws.w[PCI_WIN_MEM32].size == 0x10000000, "largest wins");
	ok(pci_win_alloc(&ws.w[PCI_WIN_MEM32], 0x1000, 0x1000, &a) == 0 &&
		   pci_win_to_cpu(&ws.w[PCI_WIN_MEM32], a) == 0x1080000000ull,
	   "translated through ranges");
	ok(pci_win_alloc(&ws.w[PCI_WIN_IO], 16, 16, &a) == -ENOSPC, "no io window");
}

static void test_bar_window(void)
{
	struct pci_bar_size b64p = { PCI_BAR_MEM64, true, 0x4000 };
	struct pci_bar_size b64 = { PCI_BAR_MEM64, false, 0x4000 };
	struct pci_bar_size b32p = { PCI_BAR_MEM32, true, 0x4000 };
	struct pci_bar_size io = { PCI_BAR_IO, false, 64 };
	struct pci_bar_size none = { PCI_BAR_NONE, false, 0 };
	ok(pci_bar_window(&b64p, true, true) == PCI_WIN_MEM64, "64 pref root");
	ok(pci_bar_window(&b64, true, true) == PCI_WIN_MEM64, "64 root");
	ok(pci_bar_window(&b64p, false, true) == PCI_WIN_MEM64, "64 pref behind 64-bit bridges");
	ok(pci_bar_window(&b64, false, true) == PCI_WIN_MEM32, "64 non-pref behind a bridge");
	ok(pci_bar_window(&b64p, false, false) == PCI_WIN_MEM32, "64 pref behind a 32-bit bridge");
	ok(pci_bar_window(&b32p, true, true) == PCI_WIN_MEM32, "32 pref");
	ok(pci_bar_window(&io, false, true) == PCI_WIN_IO, "io");
	ok(pci_bar_window(&none, true, true) == -1, "none");
}

static void test_bridge_regs(void)
{
	uint32_t pref, ub, ul, io_hi;
	uint8_t iob, iol;
	ok(pci_bridge_mem_reg(0x40000000, 0x400fffff) == 0x40004000, "mem 1M");
	ok(pci_bridge_mem_reg(0x40100000, 0x402fffff) == 0x40204010, "mem 2M");
	ok(pci_bridge_mem_reg(0x40100000, 0x400fffff) == 0x0000fff0, "empty mem disabled");
	pci_bridge_pref_regs(0x400000000ull, 0x4000fffffull, &pref, &ub, &ul);
	ok(pref == 0x00000000 && ub == 4 && ul == 4, "pref 64-bit %x %x %x", pref, ub, ul);
	pci_bridge_pref_regs(0x400100000ull, 0x4001fffffull, &pref, &ub, &ul);
	ok(pref == 0x00100010 && ub == 4 && ul == 4, "pref second MiB %x", pref);
	pci_bridge_pref_regs(1, 0, &pref, &ub, &ul);
	ok(pref == 0x0000fff0 && ub == 0 && ul == 0, "empty pref disabled");
	pci_bridge_io_regs(0x1000, 0x1fff, &iob, &iol, &io_hi);
	ok(iob == 0x10 && iol == 0x10 && io_hi == 0, "io 4K");
	pci_bridge_io_regs(0x2000, 0x1fff, &iob, &iol, &io_hi);
	ok(iob == 0xf0 && iol == 0x00, "empty io disabled");
}

/* QEMU virt's interrupt-map: slot s pin p -> 32 + (s + p - 1) % 4, mask 0x1800 0 0 7. */
static void virt_host(struct pci_host *h)
{
	*h = (struct pci_host){ 0 };
	for (uint32_t slot = 0; slot < 4; slot++)
		for (uint32_t pin = 1; pin <= 4; pin++) {
			struct pci_imap *m = &h->imap[h->nimap++];
			m->child_hi = slot << 11;
			m->pin = pin;
			m->parent = (struct dt_irq){ 3, 1, { 32 + (slot + pin - 1) % 4 } };
		}
	h->imap_mask[0] = 0x1800;
	h->imap_mask[3] = 7;
}

/* The parent interrupt (first cell) a route ends at, or the error. */
static int route(const struct pci_host *h, const struct pci_bdf *path, int depth, uint32_t pin)
{
	struct dt_irq irq;
	int err = pci_intx_route(h, path, depth, pin, &irq);
	return err ? err : (int)irq.cell[0];
}

static void test_swizzle(void)
{
	ok(pci_swizzle(1, 0) == 1, "INTA dev 0");
	ok(pci_swizzle(1, 1) == 2, "INTA dev 1 -> INTB");
	ok(pci_swizzle(4, 1) == 1, "INTD dev 1 -> INTA");
	ok(pci_swizzle(2, 3) == 1, "INTB dev 3 -> INTA");
	ok(pci_swizzle(3, 31) == 2, "INTC dev 31 -> INTB");
}

static void test_intx(void)
{
	struct pci_host h;
	struct dt_irq irq;
	virt_host(&h);
	/* root bus: e1000 at 00:01.0 INTA is PLIC 33 (the boot log's "INTA -> plic 33") */
	struct pci_bdf e1000[] = { { 0, 1, 0 } };
	ok(route(&h, e1000, 1, 1) == 33, "00:01.0 INTA");
	struct pci_bdf e1000b[] = { { 0, 2, 0 } };
	ok(route(&h, e1000b, 1, 1) == 34, "00:02.0 INTA");
	/* slot 5 aliases slot 1 under the mask 0x1800 */
	struct pci_bdf s5[] = { { 0, 5, 0 } };
	ok(route(&h, s5, 1, 2) == 34, "00:05.0 INTB");
	/* function bits are masked off */
	struct pci_bdf f3[] = { { 0, 1, 3 } };
	ok(route(&h, f3, 1, 1) == 33, "00:01.3 INTA");
	/* behind a root port at 00:01.0: device 0 INTA stays INTA at the port -> 33 */
	struct pci_bdf rp[] = { { 1, 0, 0 }, { 0, 1, 0 } };
	ok(route(&h, rp, 2, 1) == 33, "01:00.0 behind 00:01.0");
	/* device 0 INTB behind a port at 00:02.0: INTB at slot 2 -> 32 + (2 + 2 - 1) % 4 */
	struct pci_bdf rp2[] = { { 1, 0, 0 }, { 0, 2, 0 } };
	ok(route(&h, rp2, 2, 2) == 35, "01:00.0 INTB behind 00:02.0");
	/* two levels: 02:03.0 INTA -> (bridge 01:00.0) INTD -> (port 00:01.0) swizzle dev 0 */
	struct pci_bdf deep[] = { { 2, 3, 0 }, { 1, 0, 0 }, { 0, 1, 0 } };
	ok(route(&h, deep, 3, 1) == 32 + (1 + 4 - 1) % 4, "two bridges");
	/* switch downstream port at 02:01.0 behind 01:00.0 behind 00:03.0 */
	struct pci_bdf sw[] = { { 3, 0, 0 }, { 2, 1, 0 }, { 1, 0, 0 }, { 0, 3, 0 } };
	ok(route(&h, sw, 4, 1) == 32 + (3 + 2 - 1) % 4, "switch topology");
	ok(route(&h, e1000, 1, 0) == -EINVAL, "pin 0");
	ok(route(&h, e1000, 1, 5) == -EINVAL, "pin 5");
	ok(route(&h, e1000, 0, 1) == -EINVAL, "no path");
	/* the whole parent specifier comes through: an APLIC's (source, trigger) */
	h.imap[4].parent = (struct dt_irq){ 8, 2, { 33, 4 } };
	ok(pci_intx_route(&h, e1000, 1, 1, &irq) == 0 && irq.parent == 8 && irq.ncells == 2 &&
		   irq.cell[0] == 33 && irq.cell[1] == 4,
	   "two-cell parent specifier");
	h.nimap = 0;
	ok(route(&h, e1000, 1, 1) == -ENOENT, "empty map");
}

/* The host bridge node of a QEMU tree, through the driver core as pci_host.c gets it. */
static struct dt_device host_dev;
static int take_host(const struct dt_device *dev)
{
	host_dev = *dev;
	return 0;
}

static int parse_dtb(const char *file, struct blob *bl, struct pci_host *h)
{
	static const struct dt_match m[] = { { "pci-host-ecam-generic", NULL }, { NULL, NULL } };
	static const struct dt_driver d = { "host", DT_STAGE_DEVICE, m, take_host };
	static const struct dt_driver *const t[] = { &d };
	struct dt_machine mach;
	*bl = load(file);
	if (!bl->n || dt_init(bl->b, bl->n, &mach))
		return -EINVAL;
	memset(&host_dev, 0, sizeof(host_dev));
	if (dt_probe(t, 1, DT_STAGE_DEVICE) != 1)
		return -ENOENT;
	return pci_host_parse(&host_dev, h);
}

/* The real QEMU tree, parsed by pci_res.c, routes the same way. */
static void test_virt_dtb(void)
{
	static struct pci_host h;
	struct blob bl;
	struct pci_windows ws;
	struct pci_bdf e1000[] = { { 0, 1, 0 } };
	struct pci_bdf rp[] = { { 1, 0, 0 }, { 0, 1, 0 } };
	int err = parse_dtb("virt-rootport.dtb", &bl, &h);
	ok(err == 0, "parse virt-rootport.dtb (%d)", err);
	if (err)
		return;
	ok(h.ecam_base == 0x30000000 && h.ecam_size == 0x10000000, "ECAM");
	ok(h.bus_min == 0 && h.bus_max == 255, "bus-range");
	ok(h.nranges == 3 && h.ranges[0].space == 1 && h.ranges[0].cpu_addr == 0x3000000 &&
		   h.ranges[1].space == 2 && !h.ranges[1].prefetch && h.ranges[2].space == 3 &&
		   h.ranges[2].size == 0x400000000ull,
	   "ranges");
	ok(h.imap_mask[0] == 0x1800 && h.imap_mask[1] == 0 && h.imap_mask[2] == 0 &&
		   h.imap_mask[3] == 7,
	   "imap mask");
	ok(h.nimap == 16 && h.msi_parent == 0, "16 entries, no MSI controller");
	pci_windows_init(&ws, h.ranges, h.nranges);
	ok(ws.w[PCI_WIN_IO].cpu_base == 0x3000000 && ws.w[PCI_WIN_IO].size == 0x10000, "io");
	ok(ws.w[PCI_WIN_MEM32].pci_base == 0x40000000 && ws.w[PCI_WIN_MEM32].size == 0x40000000,
	   "mem32");
	ok(ws.w[PCI_WIN_MEM64].pci_base == 0x400000000ull, "mem64");
	ok(route(&h, e1000, 1, 1) == 33, "root port 00:01.0 INTA -> 33");
	ok(route(&h, rp, 2, 1) == 33, "e1000 behind it -> 33");
	for (uint32_t slot = 0; slot < 8; slot++)
		for (uint32_t pin = 1; pin <= 4; pin++) {
			struct pci_bdf b[] = { { 0, (uint8_t)slot, 0 } };
			int want = 32 + (int)((slot + pin - 1) % 4);
			ok(route(&h, b, 1, pin) == want, "slot %u pin %u", slot, pin);
		}
	free(bl.b);
}

/* aia=aplic-imsic: INTx goes to the S-level APLIC (two cells), MSIs to the S-level IMSIC. */
static void test_aia_dtb(void)
{
	static struct pci_host h;
	struct blob bl;
	struct dt_irq irq;
	struct dt_device msi;
	struct pci_bdf e1000[] = { { 0, 1, 0 } };
	int err = parse_dtb("virt-aplic-imsic.dtb", &bl, &h);
	ok(err == 0, "parse virt-aplic-imsic.dtb (%d)", err);
	if (err)
		return;
	ok(h.nimap == 16 && h.msi_parent != 0, "interrupt-map and msi-parent");
	ok(dt_device_at(h.msi_parent, &msi) == 0 && !strcmp(msi.name, "imsics@28000000"),
	   "msi-parent is the S-level IMSIC: %s", msi.name);
	ok(pci_intx_route(&h, e1000, 1, 1, &irq) == 0 && irq.ncells == 2 && irq.cell[0] == 33 &&
		   irq.cell[1] == 4,
	   "INTA of 00:01.0 -> APLIC source 33, level-high");
	free(bl.b);
}

/* More ranges and interrupt-map entries than pci_host holds: dropped with a warning. */
static void test_capacity(void)
{
	static struct fb f;
	static uint8_t v[4096];
	static struct pci_host h;
	struct dt_machine mach;
	struct blob bl;
	size_t n;

	memset(&f, 0, sizeof(f));
	fb_begin(&f, "");
	fb_cells(&f, "#address-cells", 1, 2);
	fb_cells(&f, "#size-cells", 1, 2);
	fb_begin(&f, "intc");
	fb_cells(&f, "#interrupt-cells", 1, 1);
	fb_cells(&f, "phandle", 1, 2);
	fb_u32(&f, 2);
	fb_begin(&f, "pci@30000000");
	fb_str(&f, "compatible", "pci-host-ecam-generic");
	fb_cells(&f, "reg", 4, 0, 0x30000000, 0, 0x10000000);
	fb_cells(&f, "#address-cells", 1, 3);
	fb_cells(&f, "#size-cells", 1, 2);
	for (n = 0; n < 10 * 28; n += 4)
		put_be32(v + n, n % 28 ? (uint32_t)n : 0x2000000);
	fb_prop(&f, "ranges", v, n);
	for (n = 0; n < 70 * 24; n += 24) {
		memset(v + n, 0, 24);
		put_be32(v + n, (uint32_t)n);
		put_be32(v + n + 12, 1);
		put_be32(v + n + 16, 2);
		put_be32(v + n + 20, 32);
	}
	fb_prop(&f, "interrupt-map", v, n);
	fb_u32(&f, 2);
	fb_u32(&f, 2);
	fb_u32(&f, 9);
	bl = fb_blob(&f);
	ok(dt_init(bl.b, bl.n, &mach) == 0, "capacity tree");
	{
		static const struct dt_match m[] = { { "pci-host-ecam-generic", NULL },
						     { NULL, NULL } };
		static const struct dt_driver d = { "host", DT_STAGE_DEVICE, m, take_host };
		static const struct dt_driver *const t[] = { &d };
		ok(dt_probe(t, 1, DT_STAGE_DEVICE) == 1 && pci_host_parse(&host_dev, &h) == 0,
		   "parsed");
	}
	ok(h.nranges == PCI_MAX_RANGES && h.ranges[7].space == 2, "ranges %d", h.nranges);
	ok(h.nimap == PCI_MAX_IMAP && h.imap[63].parent.cell[0] == 32 &&
		   h.imap[63].child_hi == 63 * 24 && h.imap_mask[0] == 0xffffffff,
	   "imap %d", h.nimap);
	free(bl.b);
}

/* Where MSI registers sit (PCI 3.0 fig. 6-9): they move with the 64-bit and mask bits. */
static void test_msi_layout(void)
{
	struct pci_msi_layout l;
	uint32_t entries, offset;
	int bar;
	pci_msi_layout(0x50, 0x0000, &l);
	ok(l.addr_lo == 0x54 && l.addr_hi == 0 && l.data == 0x58 && l.mask == 0, "32-bit MSI");
	pci_msi_layout(0x50, PCI_MSI_CTRL_64BIT, &l);
	ok(l.addr_lo == 0x54 && l.addr_hi == 0x58 && l.data == 0x5c && l.mask == 0, "64-bit MSI");
	pci_msi_layout(0xd0, PCI_MSI_CTRL_64BIT | PCI_MSI_CTRL_MASKBIT, &l);
	ok(l.data == 0xdc && l.mask == 0xe0, "64-bit MSI with per-vector masks");
	pci_msi_layout(0x50, PCI_MSI_CTRL_MASKBIT, &l);
	ok(l.data == 0x58 && l.mask == 0x5c, "32-bit MSI with per-vector masks");
	/* QEMU e1000e: 5 entries in BAR3 at offset 0, PBA at 0x2000 */
	ok(pci_msix_table(0x0004, 0x00000003, &entries, &bar, &offset) == 0 && entries == 5 &&
		   bar == 3 && offset == 0,
	   "e1000e table: %u entries in BAR%d", entries, bar);
	ok(pci_msix_table(0x07ff | PCI_MSIX_CTRL_ENABLE, 0x00002004, &entries, &bar, &offset) ==
			   0 &&
		   entries == 2048 && bar == 4 && offset == 0x2000,
	   "2048 entries, offset 0x2000 in BAR4");
	ok(pci_msix_table(0, 0x6, &entries, &bar, &offset) == -EINVAL, "reserved BIR 6");
}

int main(void)
{
	test_bar_decode();
	test_windows();
	test_windows_odd();
	test_bar_window();
	test_bridge_regs();
	test_swizzle();
	test_intx();
	test_virt_dtb();
	test_aia_dtb();
	test_capacity();
	test_msi_layout();
	TEST_DONE();
}
