/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The DT driver core (drivers/core/dt_driver.c) and the device helpers (drivers/core/dt.c):
 * which driver a node gets, stages, deferred probes, the "no driver for" list, reg, interrupt
 * specifiers (interrupts with an inherited interrupt-parent, interrupts-extended) and the
 * per-hart outputs of interrupt controllers, on built trees and on QEMU's own (PLIC, APLIC in
 * both modes, IMSIC; tests/host/gen-dtbs.sh).
 */
#include <stdint.h>
#include <string.h>
#include "drivers/core/dt.h"
#include "lib/errno.h"
#include "lib/util.h"
#include "tests/host/fdt_build.h"
#include "tests/host/test.h"

/* ---- fake drivers that record their probes ---- */

static char probes[1024]; /* "driver:node(data);" per probe call */
static int fail_with;	  /* what "b" returns */
static int defer_until;	  /* "d" returns -EAGAIN until "y" has been probed this many times */
static int y_probes;
static struct dt_device last_dev;

static int record(const char *drv, const struct dt_device *dev)
{
	size_t n = strlen(probes);
	snprintf(probes + n, sizeof(probes) - n, "%s:%s(%s);", drv, dev->name,
		 dev->match && dev->match->data ? (const char *)dev->match->data : "-");
	last_dev = *dev;
	return 0;
}

static int probe_a(const struct dt_device *dev)
{
	return record("a", dev);
}

static int probe_b(const struct dt_device *dev)
{
	record("b", dev);
	return fail_with;
}

static int probe_d(const struct dt_device *dev)
{
	if (y_probes < defer_until)
		return -EAGAIN;
	return record("d", dev);
}

static int probe_y(const struct dt_device *dev)
{
	y_probes++;
	return record("y", dev);
}

static const struct dt_match match_a[] = {
	{ "generic,a", "ga" },
	{ "other,a", "oa" },
	{ NULL, NULL },
};
static const struct dt_match match_b[] = { { "vendor,b", "vb" }, { NULL, NULL } };
static const struct dt_match match_d[] = { { "wait,d", NULL }, { NULL, NULL } };
static const struct dt_match match_y[] = { { "late,y", NULL }, { NULL, NULL } };

static const struct dt_driver drv_a = { "a", DT_STAGE_DEVICE, match_a, probe_a };
static const struct dt_driver drv_b = { "b", DT_STAGE_DEVICE, match_b, probe_b };
static const struct dt_driver drv_d = { "d", DT_STAGE_IRQ, match_d, probe_d };
static const struct dt_driver drv_y = { "y", DT_STAGE_IRQ, match_y, probe_y };
static const struct dt_driver *const table[] = { &drv_a, &drv_b, &drv_d, &drv_y };

static struct blob tree_blob;
static struct dt_machine mach;

static int use_tree(const struct fb *f)
{
	free(tree_blob.b);
	tree_blob = fb_blob(f);
	return dt_init(tree_blob.b, tree_blob.n, &mach);
}

static void reset_probes(void)
{
	probes[0] = 0;
	y_probes = 0;
	fail_with = 0;
	host_console_clear();
}

/* Root (2+2 cells) with a memory node, a soc bus (simple-bus, 1+1 cells) and its devices. */
static void build_soc(struct fb *f)
{
	memset(f, 0, sizeof(*f));
	fb_begin(f, "");
	fb_cells(f, "#address-cells", 1, 2);
	fb_cells(f, "#size-cells", 1, 2);
	fb_str(f, "compatible", "test,board");
	fb_begin(f, "memory@80000000");
	fb_str(f, "device_type", "memory");
	fb_cells(f, "reg", 4, 0, 0x80000000, 0, 0x1000000);
	fb_u32(f, 2);
	fb_begin(f, "cpus");
	fb_cells(f, "#address-cells", 1, 1);
	fb_cells(f, "#size-cells", 1, 0);
	for (uint32_t h = 0; h < 2; h++) {
		char name[16];
		snprintf(name, sizeof(name), "cpu@%u", h);
		fb_begin(f, name);
		fb_str(f, "device_type", "cpu");
		fb_str(f, "compatible", "riscv");
		fb_cells(f, "reg", 1, h);
		fb_begin(f, "interrupt-controller");
		fb_str(f, "compatible", "riscv,cpu-intc");
		fb_cells(f, "#interrupt-cells", 1, 1);
		fb_cells(f, "phandle", 1, 10 + h);
		fb_u32(f, 2);
		fb_u32(f, 2);
	}
	fb_u32(f, 2);
	fb_begin(f, "soc");
	fb_str(f, "compatible", "simple-bus");
	fb_cells(f, "#address-cells", 1, 1);
	fb_cells(f, "#size-cells", 1, 1);
	fb_cells(f, "interrupt-parent", 1, 20);
	/* a device that waits for the interrupt controller after it in tree order */
	fb_begin(f, "dev@4000");
	fb_str(f, "compatible", "wait,d");
	fb_u32(f, 2);
	/* an interrupt controller: two-cell specifiers, outputs to both harts' S-external */
	fb_begin(f, "intc@c000000");
	fb_str(f, "compatible", "late,y");
	fb_cells(f, "reg", 2, 0xc000000, 0x4000);
	fb_cells(f, "#interrupt-cells", 1, 2);
	fb_cells(f, "#address-cells", 1, 0);
	fb_cells(f, "phandle", 1, 20);
	fb_cells(f, "interrupts-extended", 8, 10, 11, 10, 9, 11, 11, 11, 9);
	fb_u32(f, 2);
}

static void close_soc(struct fb *f)
{
	fb_u32(f, 2); /* soc */
	fb_u32(f, 2); /* root */
	fb_u32(f, 9);
}

static void test_matching(void)
{
	static struct fb f;
	build_soc(&f);
	fb_begin(&f, "dev@1000"); /* most specific string first: b wins over a */
	fb_prop(&f, "compatible", "vendor,b\0generic,a", 19);
	fb_cells(&f, "reg", 2, 0x1000, 0x100);
	fb_u32(&f, 2);
	fb_begin(&f, "dev@2000");
	fb_prop(&f, "compatible", "unknown,x\0other,a", 18);
	fb_u32(&f, 2);
	fb_begin(&f, "dev@3000");
	fb_str(&f, "compatible", "generic,a");
	fb_str(&f, "status", "disabled");
	fb_u32(&f, 2);
	close_soc(&f);
	ok(use_tree(&f) == 0, "tree");
	reset_probes();
	ok(dt_probe(table, ARRAY_SIZE(table), DT_STAGE_DEVICE) == 2, "two claimed");
	ok(!strcmp(probes, "b:dev@1000(vb);a:dev@2000(oa);"), "device stage: %s", probes);
	ok(last_dev.pc.ac == 1 && last_dev.pc.sc == 1, "parent cells of the soc bus");
	reset_probes();
	ok(dt_probe(table, ARRAY_SIZE(table), DT_STAGE_EARLY) == 0 && !probes[0],
	   "no early drivers: %s", probes);
	/* d waits for y, which comes after it in the tree: probed again after the stage (a
	 * deferral the core did not keep would leave d unprobed) */
	reset_probes();
	defer_until = 1;
	ok(dt_probe(table, ARRAY_SIZE(table), DT_STAGE_IRQ) == 2, "both claimed");
	ok(!strcmp(probes, "y:intc@c000000(-);d:dev@4000(-);"), "deferred: %s", probes);
	/* a wait that never ends is reported, not retried forever */
	reset_probes();
	defer_until = 100;
	ok(dt_probe(table, ARRAY_SIZE(table), DT_STAGE_IRQ) == 1, "only y claimed");
	ok(strstr(host_console, "/soc/dev@4000: d: what it waits for never came up") != NULL,
	   "gave up: %s", host_console);
	/* -ENODEV is the driver's own business; other errors are reported by the core */
	reset_probes();
	fail_with = -ENODEV;
	ok(dt_probe(table, ARRAY_SIZE(table), DT_STAGE_DEVICE) == 1 && host_console_len == 0,
	   "declined quietly: %s", host_console);
	reset_probes();
	fail_with = -EIO;
	dt_probe(table, ARRAY_SIZE(table), DT_STAGE_DEVICE);
	ok(strstr(host_console, "dt: /soc/dev@1000: b probe failed") != NULL, "failure: %s",
	   host_console);
	defer_until = 0;
}

static void test_unclaimed(void)
{
	static struct fb f;
	build_soc(&f);
	for (int i = 0; i < 3; i++) {
		char name[32];
		snprintf(name, sizeof(name), "virtio@%d000", i + 1);
		fb_begin(&f, name);
		fb_str(&f, "compatible", "virtio,mmio");
		fb_u32(&f, 2);
	}
	fb_begin(&f, "rtc@9000");
	fb_str(&f, "compatible", "google,goldfish-rtc");
	fb_u32(&f, 2);
	fb_begin(&f, "off@a000");
	fb_str(&f, "compatible", "google,goldfish-rtc");
	fb_str(&f, "status", "disabled");
	fb_u32(&f, 2);
	fb_begin(&f, "dev@1000");
	fb_str(&f, "compatible", "vendor,b"); /* has a driver (which may decline): not listed */
	fb_u32(&f, 2);
	close_soc(&f);
	ok(use_tree(&f) == 0, "tree");
	host_console_clear();
	ok(dt_report_unclaimed(table, ARRAY_SIZE(table)) == 4, "4 nodes: %s", host_console);
	ok(strstr(host_console, "dt: no driver for virtio,mmio: /soc/virtio@1000 and 2 more\n"),
	   "grouped: %s", host_console);
	ok(strstr(host_console, "dt: no driver for google,goldfish-rtc: /soc/rtc@9000\n"),
	   "single: %s", host_console);
	ok(!strstr(host_console, "off@a000") && !strstr(host_console, "cpu") &&
		   !strstr(host_console, "simple-bus") && !strstr(host_console, "test,board") &&
		   !strstr(host_console, "vendor,b"),
	   "handled or disabled nodes listed: %s", host_console);
}

/* The device named name (first match in tree order) through a capture driver. */
static struct dt_device captured;
static const char *capture_name;
static int capture(const struct dt_device *dev)
{
	if (!capture_name || strcmp(dev->name, capture_name))
		return -ENODEV;
	captured = *dev;
	return 0;
}

static bool find(const char *compatible, const char *name, struct dt_device *out)
{
	const struct dt_match m[] = { { compatible, NULL }, { NULL, NULL } };
	const struct dt_driver d = { "capture", DT_STAGE_DEVICE, m, capture };
	const struct dt_driver *t[] = { &d };
	capture_name = name;
	memset(&captured, 0, sizeof(captured));
	dt_probe(t, 1, DT_STAGE_DEVICE);
	*out = captured;
	return captured.node != 0;
}

static void test_props(void)
{
	static struct fb f;
	struct dt_device dev, at;
	struct dt_irq irq;
	uint64_t base = 0, size = 0;
	char path[64];

	build_soc(&f);
	fb_begin(&f, "uart@1000");
	fb_str(&f, "compatible", "test,uart");
	fb_cells(&f, "reg", 4, 0x1000, 0x100, 0x2000, 0x10);
	fb_cells(&f, "interrupts", 4, 10, 4, 11, 1); /* parent inherited from soc */
	fb_u32(&f, 2);
	fb_begin(&f, "ext@3000");
	fb_str(&f, "compatible", "test,ext");
	fb_cells(&f, "reg", 3, 0x3000, 0x100, 0x1);		    /* not whole entries */
	fb_cells(&f, "interrupts-extended", 6, 20, 5, 8, 10, 9, 0); /* second: 1 cell + junk */
	fb_u32(&f, 2);
	fb_begin(&f, "bad@4000");
	fb_str(&f, "compatible", "test,bad");
	fb_cells(&f, "interrupt-parent", 1, 77); /* dangling */
	fb_cells(&f, "interrupts", 1, 3);
	fb_u32(&f, 2);
	close_soc(&f);
	ok(use_tree(&f) == 0, "tree");

	ok(find("test,uart", "uart@1000", &dev), "uart found");
	ok(dt_reg_count(&dev) == 2 && dt_reg(&dev, 1, &base, &size) == 0 && base == 0x2000 &&
		   size == 0x10,
	   "second reg entry %llx %llx", (unsigned long long)base, (unsigned long long)size);
	ok(dt_reg(&dev, 2, &base, &size) == -ENOENT, "reg past the end");
	ok(dt_irq(&dev, 1, &irq) == 0 && irq.parent == 20 && irq.ncells == 2 && irq.cell[0] == 11 &&
		   irq.cell[1] == 1,
	   "interrupts[1] through the inherited interrupt-parent");
	ok(dt_irq(&dev, 2, &irq) == -ENOENT && dt_irq(&dev, -1, &irq) == -ENOENT, "no interrupt 2");
	ok(!strcmp(dt_path(dev.node, path, sizeof(path)), "/soc/uart@1000"), "path %s", path);
	ok(!strcmp(dt_path(dev.node, path, 8), "/soc/ua"), "truncated path %s", path);
	ok(find("test,ext", "ext@3000", &dev), "ext found");
	ok(dt_reg_count(&dev) == -EINVAL && dt_reg(&dev, 0, &base, &size) == -EINVAL,
	   "reg of a partial entry");
	ok(dt_irq(&dev, 0, &irq) == 0 && irq.parent == 20 && irq.cell[0] == 5 && irq.cell[1] == 8,
	   "interrupts-extended[0]");
	ok(dt_irq(&dev, 1, &irq) == 0 && irq.parent == 10 && irq.ncells == 1 && irq.cell[0] == 9,
	   "interrupts-extended[1] (a cpu's controller, one cell)");
	ok(dt_irq(&dev, 2, &irq) == -EINVAL, "entry with a bad phandle: %d", dt_irq(&dev, 2, &irq));
	ok(find("test,bad", "bad@4000", &dev) && dt_irq(&dev, 0, &irq) == -EINVAL,
	   "dangling interrupt-parent");
	ok(find("late,y", "intc@c000000", &dev), "intc found");
	ok(dt_phandle(&dev) == 20 && dt_device_at(20, &at) == 0 && at.node == dev.node &&
		   at.pc.ac == 1 && at.pc.sc == 1 && !strcmp(at.name, "intc@c000000"),
	   "device at phandle 20");
	ok(dt_device_at(99, &at) == -EINVAL, "no phandle 99");
	/* interrupts-extended: (hart 0 M, hart 0 S, hart 1 M, hart 1 S) */
	int count = 0;
	ok(dt_intc_index(&dev, 1, 9, &count) == 3 && count == 4, "hart 1 S-ext is output 3");
	ok(dt_intc_index(&dev, 0, 11, NULL) == 0, "hart 0 M-ext is output 0");
	ok(dt_intc_index(&dev, 2, 9, NULL) == -ENOENT, "no hart 2");
}

/* More outputs than any table of ours: counted and found all the same. */
static void test_many_outputs(void)
{
	static struct fb f;
	static uint8_t v[1024];
	struct dt_device dev;
	size_t n = 0;
	int count = 0;
	build_soc(&f);
	fb_begin(&f, "plic@10000000");
	fb_str(&f, "compatible", "test,plic");
	for (int i = 0; i < 70; i++, n += 8) {
		put_be32(v + n, i < 69 ? 10 : 11);
		put_be32(v + n + 4, i % 2 ? 9 : 11);
	}
	fb_prop(&f, "interrupts-extended", v, n);
	fb_u32(&f, 2);
	close_soc(&f);
	ok(use_tree(&f) == 0 && find("test,plic", "plic@10000000", &dev), "tree");
	ok(dt_intc_index(&dev, 1, 9, &count) == 69 && count == 70, "output 69 of 70: %d", count);
}

/* QEMU's trees: the S-mode output of the boot hart for each controller kind. */
static void test_qemu_intc(void)
{
	static const struct {
		const char *file, *compatible, *node;
		uint32_t hart, cause;
		int want, count;
	} cases[] = {
		{ "virt-smp4.dtb", "riscv,plic0", "plic@c000000", 0, 9, 1, 8 },
		{ "virt-smp4.dtb", "riscv,plic0", "plic@c000000", 3, 9, 7, 8 },
		{ "virt-smp4.dtb", "riscv,plic0", "plic@c000000", 3, 11, 6, 8 },
		/* aia=aplic: the S-level domain's IDCs, one per hart; the M-level one has none */
		{ "virt-aplic.dtb", "riscv,aplic", "aplic@d000000", 1, 9, 1, 2 },
		{ "virt-aplic.dtb", "riscv,aplic", "aplic@c000000", 1, 9, -ENOENT, 2 },
		{ "virt-aplic.dtb", "riscv,aplic", "aplic@c000000", 0, 11, 0, 2 },
		/* aia=aplic-imsic: the S-level interrupt files, one per hart */
		{ "virt-aplic-imsic.dtb", "riscv,imsics", "imsics@28000000", 1, 9, 1, 2 },
		{ "virt-aplic-imsic.dtb", "riscv,imsics", "imsics@24000000", 1, 9, -ENOENT, 2 },
		{ "virt-imsic-smp4.dtb", "riscv,imsics", "imsics@28000000", 3, 9, 3, 4 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct blob bl = load(cases[i].file);
		struct dt_machine m;
		struct dt_device dev;
		int count = -1, r;
		if (!bl.n)
			continue;
		ok(dt_init(bl.b, bl.n, &m) == 0, "%s", cases[i].file);
		ok(find(cases[i].compatible, cases[i].node, &dev), "%s: %s", cases[i].file,
		   cases[i].node);
		r = dt_intc_index(&dev, cases[i].hart, cases[i].cause, &count);
		ok(r == cases[i].want && count == cases[i].count,
		   "%s %s hart %u cause %u: %d of %d", cases[i].file, cases[i].node, cases[i].hart,
		   cases[i].cause, r, count);
		free(tree_blob.b);
		tree_blob = bl; /* keep it alive until the next tree replaces it */
	}
}

/* The UART's interrupt in each machine: one cell for the PLIC, two for the APLIC. */
static void test_qemu_uart_irq(void)
{
	static const struct {
		const char *file;
		uint32_t ncells, type;
		const char *parent;
	} cases[] = {
		{ "virt-e1000.dtb", 1, 0, "plic@c000000" },
		{ "virt-aplic.dtb", 2, 4, "aplic@d000000" },
		{ "virt-aplic-imsic.dtb", 2, 4, "aplic@d000000" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct blob bl = load(cases[i].file);
		struct dt_machine m;
		struct dt_device dev, parent;
		struct dt_irq irq;
		if (!bl.n)
			continue;
		ok(dt_init(bl.b, bl.n, &m) == 0 && find("ns16550a", "serial@10000000", &dev),
		   "%s uart", cases[i].file);
		ok(m.stdout_node == dev.node, "%s: the uart is stdout", cases[i].file);
		ok(dt_irq(&dev, 0, &irq) == 0 && irq.ncells == cases[i].ncells &&
			   irq.cell[0] == 10 && (irq.ncells < 2 || irq.cell[1] == cases[i].type),
		   "%s: uart irq %u cells", cases[i].file, irq.ncells);
		ok(dt_device_at(irq.parent, &parent) == 0 && !strcmp(parent.name, cases[i].parent),
		   "%s: parent %s", cases[i].file, parent.name);
		free(tree_blob.b);
		tree_blob = bl;
	}
}

/* Ssaia in riscv,isa: the IMSIC's CSRs exist only then. */
static void test_isa_ext(void)
{
	struct blob a = load("virt-aplic-imsic.dtb"), b = load("virt-e1000.dtb");
	struct dt_machine m;
	if (!a.n || !b.n)
		return;
	ok(dt_init(a.b, a.n, &m) == 0 && dt_hart_has_ext(1, "ssaia") &&
		   dt_hart_has_ext(0, "SSAIA") && dt_hart_has_ext(0, "sstc") &&
		   !dt_hart_has_ext(0, "ssai") && !dt_hart_has_ext(2, "ssaia"),
	   "aia=aplic-imsic harts have Ssaia");
	ok(dt_init(b.b, b.n, &m) == 0 && !dt_hart_has_ext(0, "ssaia") &&
		   dt_hart_has_ext(0, "zicsr") && !dt_hart_has_ext(0, "rv64imafdch"),
	   "plain virt has not");
	/* one letter: among riscv,isa's letters only, "rv64" itself not counted */
	ok(dt_hart_has_ext(0, "c") && dt_hart_has_ext(0, "H") && !dt_hart_has_ext(0, "v") &&
		   !dt_hart_has_ext(0, "z") && !dt_hart_has_ext(0, "r") && !dt_hart_has_ext(1, "c"),
	   "plain virt: C and H, no V");
	free(a.b);
	free(tree_blob.b);
	tree_blob = b;
}

/* The vector extension: "rv64imafdcvh_..." with -cpu rv64,v=true; riscv,isa-extensions and
 * "g" in the synthetic tree. */
static void test_isa_vector(void)
{
	struct blob v = load("virt-vector.dtb"), s = load("synthetic.dtb");
	struct dt_machine m;
	if (!v.n || !s.n)
		return;
	ok(dt_init(v.b, v.n, &m) == 0 && dt_hart_has_ext(0, "v") && dt_hart_has_ext(0, "V") &&
		   dt_hart_has_ext(0, "zba") && !dt_hart_has_ext(0, "vh"),
	   "-cpu rv64,v=true: V");
	ok(dt_init(s.b, s.n, &m) == 0 && dt_hart_has_ext(1, "f") && dt_hart_has_ext(1, "v") &&
		   !dt_hart_has_ext(1, "h") && dt_hart_has_ext(3, "v") && !dt_hart_has_ext(3, "c"),
	   "synthetic: rv64gcv (g is imafd), and V in riscv,isa-extensions");
	free(v.b);
	free(tree_blob.b);
	tree_blob = s;
}

/* spike: cpus and a CLINT (the firmware's), no S-mode interrupt controller at all. */
static void test_spike(void)
{
	struct blob bl = load("spike.dtb");
	struct dt_machine m;
	if (!bl.n)
		return;
	ok(dt_init(bl.b, bl.n, &m) == 0 && m.nmem == 1 && m.ncpus == 1, "spike parsed");
	host_console_clear();
	ok(dt_report_unclaimed(table, ARRAY_SIZE(table)) == 2, "clint and htif: %s", host_console);
	ok(strstr(host_console, "no driver for ucb,htif0: /htif") != NULL, "htif: %s",
	   host_console);
	free(tree_blob.b);
	tree_blob = bl;
}

int main(void)
{
	test_matching();
	test_unclaimed();
	test_props();
	test_many_outputs();
	test_qemu_intc();
	test_qemu_uart_irq();
	test_isa_ext();
	test_isa_vector();
	test_spike();
	free(tree_blob.b);
	TEST_DONE();
}
