/* Host tests for drivers/pci_res.c: BAR decoding, window allocation, bridge window encoding
 * and INTx routing, with the numbers QEMU virt puts in its device tree. */
#include <stdint.h>
#include <stdio.h>
#include "boot/fdt.h"
#include "drivers/pci_res.h"
#include "lib/errno.h"
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
	for (size_t i = 0; i < sizeof(bar_cases) / sizeof(bar_cases[0]); i++) {
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
static const struct fdt_pci_range virt_ranges[] = {
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
	const struct fdt_pci_range r[] = {
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
static void virt_platform(struct platform *p)
{
	*p = (struct platform){ 0 };
	p->has_plic = true;
	p->plic_phandle = 3;
	for (uint32_t slot = 0; slot < 4; slot++)
		for (uint32_t pin = 1; pin <= 4; pin++) {
			struct fdt_pci_imap *m = &p->pci_imap[p->npci_imap++];
			m->child_hi = slot << 11;
			m->pin = pin;
			m->parent_phandle = 3;
			m->irq = 32 + (slot + pin - 1) % 4;
		}
	p->pci_imap_mask[0] = 0x1800;
	p->pci_imap_mask[3] = 7;
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
	struct platform p;
	virt_platform(&p);
	/* root bus: e1000 at 00:01.0 INTA is PLIC 33 (the boot log's "irq 33") */
	struct pci_bdf e1000[] = { { 0, 1, 0 } };
	ok(pci_intx_route(&p, e1000, 1, 1) == 33, "00:01.0 INTA");
	struct pci_bdf e1000b[] = { { 0, 2, 0 } };
	ok(pci_intx_route(&p, e1000b, 1, 1) == 34, "00:02.0 INTA");
	/* slot 5 aliases slot 1 under the mask 0x1800 */
	struct pci_bdf s5[] = { { 0, 5, 0 } };
	ok(pci_intx_route(&p, s5, 1, 2) == 34, "00:05.0 INTB");
	/* function bits are masked off */
	struct pci_bdf f3[] = { { 0, 1, 3 } };
	ok(pci_intx_route(&p, f3, 1, 1) == 33, "00:01.3 INTA");
	/* behind a root port at 00:01.0: device 0 INTA stays INTA at the port -> 33 */
	struct pci_bdf rp[] = { { 1, 0, 0 }, { 0, 1, 0 } };
	ok(pci_intx_route(&p, rp, 2, 1) == 33, "01:00.0 behind 00:01.0");
	/* device 0 INTB behind a port at 00:02.0: INTB at slot 2 -> 32 + (2 + 2 - 1) % 4 */
	struct pci_bdf rp2[] = { { 1, 0, 0 }, { 0, 2, 0 } };
	ok(pci_intx_route(&p, rp2, 2, 2) == 35, "01:00.0 INTB behind 00:02.0");
	/* two levels: 02:03.0 INTA -> (bridge 01:00.0) INTD -> (port 00:01.0) swizzle dev 0 */
	struct pci_bdf deep[] = { { 2, 3, 0 }, { 1, 0, 0 }, { 0, 1, 0 } };
	ok(pci_intx_route(&p, deep, 3, 1) == 32 + (1 + 4 - 1) % 4, "two bridges");
	/* switch downstream port at 02:01.0 behind 01:00.0 behind 00:03.0 */
	struct pci_bdf sw[] = { { 3, 0, 0 }, { 2, 1, 0 }, { 1, 0, 0 }, { 0, 3, 0 } };
	ok(pci_intx_route(&p, sw, 4, 1) == 32 + (3 + 2 - 1) % 4, "switch topology");
	ok(pci_intx_route(&p, e1000, 1, 0) == -EINVAL, "pin 0");
	ok(pci_intx_route(&p, e1000, 1, 5) == -EINVAL, "pin 5");
	ok(pci_intx_route(&p, e1000, 0, 1) == -EINVAL, "no path");
	p.npci_imap = 0;
	ok(pci_intx_route(&p, e1000, 1, 1) == -ENOENT, "empty map");
	virt_platform(&p);
	p.plic_phandle = 9;
	ok(pci_intx_route(&p, e1000, 1, 1) == -ENOENT, "map to another controller");
}

static int load_dtb(const char *path, struct platform *p)
{
	static unsigned char blob[1 << 20];
	FILE *f = fopen(path, "rb");
	size_t n;
	if (!f)
		return -ENOENT;
	n = fread(blob, 1, sizeof(blob), f);
	fclose(f);
	return fdt_parse(blob, n, p);
}

/* The real QEMU tree, parsed by boot/fdt.c, routes the same way. */
static void test_virt_dtb(void)
{
	static struct platform p;
	struct pci_windows ws;
	struct pci_bdf e1000[] = { { 0, 1, 0 } };
	struct pci_bdf rp[] = { { 1, 0, 0 }, { 0, 1, 0 } };
	int err = load_dtb("tests/host/data/virt-rootport.dtb", &p);
	ok(err == 0, "parse virt-rootport.dtb (%d)", err);
	if (err)
		return;
	ok(p.has_pci && p.ecam_base == 0x30000000 && p.ecam_size == 0x10000000, "ECAM");
	ok(p.bus_min == 0 && p.bus_max == 255, "bus-range");
	pci_windows_init(&ws, p.pci_ranges, p.npci_ranges);
	ok(ws.w[PCI_WIN_IO].cpu_base == 0x3000000 && ws.w[PCI_WIN_IO].size == 0x10000, "io");
	ok(ws.w[PCI_WIN_MEM32].pci_base == 0x40000000 && ws.w[PCI_WIN_MEM32].size == 0x40000000,
	   "mem32");
	ok(ws.w[PCI_WIN_MEM64].pci_base == 0x400000000ull, "mem64");
	ok(pci_intx_route(&p, e1000, 1, 1) == 33, "root port 00:01.0 INTA -> 33");
	ok(pci_intx_route(&p, rp, 2, 1) == 33, "e1000 behind it -> 33");
	for (uint32_t slot = 0; slot < 8; slot++)
		for (uint32_t pin = 1; pin <= 4; pin++) {
			struct pci_bdf b[] = { { 0, (uint8_t)slot, 0 } };
			int want = 32 + (int)((slot + pin - 1) % 4);
			ok(pci_intx_route(&p, b, 1, pin) == want, "slot %u pin %u", slot, pin);
		}
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
	TEST_DONE();
}
