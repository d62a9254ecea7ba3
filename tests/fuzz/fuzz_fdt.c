/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device tree over arbitrary blobs (seeds: the DTBs QEMU dumps, tests/host/data/): the
 * machine description, then the driver core with drivers that match what QEMU's trees hold
 * and whose probes run every device helper (reg, interrupts, interrupts-extended outputs,
 * phandles, paths, the PCI host bridge parse). The blob is copied into a buffer of exactly its
 * size so any read past the end is an ASan report. Beyond "no fault", check what the parser
 * promises: counts within their arrays, strings NUL-terminated inside the blob, specifiers
 * within FDT_MAX_CELLS. The Cadence GEM's DT driver (gem_dt.c) runs on the real match table,
 * with its attach step checked here instead.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "drivers/core/dt.h"
#include "drivers/gem.h"
#include "drivers/pci_res.h"
#include "lib/errno.h"
#include "lib/util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *blob_lo, *blob_hi;

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_fdt: broken promise: %s\n", what);
		abort();
	}
}

/* s is NULL or a NUL-terminated string lying inside the blob. */
static void check_str(const char *s, const char *what)
{
	const uint8_t *p = (const uint8_t *)s;
	if (!s)
		return;
	check(p >= blob_lo && p < blob_hi, what);
	check(memchr(p, 0, (size_t)(blob_hi - p)) != NULL, what);
}

static int probe_all_helpers(const struct dt_device *dev)
{
	static struct pci_host h;
	struct dt_irq irq;
	struct dt_device at;
	uint64_t base, size;
	char path[64];
	int n = dt_reg_count(dev), count = 0;

	check_str(dev->name, "node name inside the blob");
	for (int i = 0; i < (n > 0 && n < 8 ? n : 1); i++)
		dt_reg(dev, i, &base, &size);
	for (int i = 0; i < 4; i++)
		if (dt_irq(dev, i, &irq) == 0) {
			check(irq.ncells <= FDT_MAX_CELLS, "specifier cells");
			dt_device_at(irq.parent, &at);
		}
	if (dt_intc_index(dev, 0, 9, &count) >= 0)
		check(count > 0, "an output was found among count outputs");
	dt_path(dev->node, path, sizeof(path));
	check(memchr(path, 0, sizeof(path)) != NULL, "path terminated");
	if (dev->match && dev->match->data && pci_host_parse(dev, &h) == 0) {
		check(h.nranges >= 0 && h.nranges <= PCI_MAX_RANGES, "nranges");
		check(h.nimap >= 0 && h.nimap <= PCI_MAX_IMAP, "nimap");
		for (int i = 0; i < h.nimap; i++)
			check(h.imap[i].parent.ncells <= FDT_MAX_CELLS, "imap cells");
	}
	return dev->name[0] == 'a' ? -EAGAIN : 0; /* some deferrals, too */
}

static const struct dt_match fuzz_match[] = {
	{ "ns16550a", NULL },	   { "sifive,uart0", NULL },	{ "riscv,plic0", NULL },
	{ "riscv,aplic", NULL },   { "riscv,imsics", NULL },	{ "sifive,test0", NULL },
	{ "virtio,mmio", NULL },   { "google,goldfish-rtc", NULL },
	{ "pci-host-ecam-generic", "pci" },
	{ NULL, NULL },
};

static const struct dt_driver fuzz_drivers[] = {
	{ "early", DT_STAGE_EARLY, fuzz_match, probe_all_helpers },
	{ "irq", DT_STAGE_IRQ, fuzz_match, probe_all_helpers },
	{ "dev", DT_STAGE_DEVICE, fuzz_match, probe_all_helpers },
};
static const struct dt_driver *const table[] = { &fuzz_drivers[0], &fuzz_drivers[1],
						 &fuzz_drivers[2], &gem_driver };

/* gem_dt.c's callee in the kernel: what gem_dt_config made of the node. */
int gem_attach(const struct gem_config *cfg, const struct dt_device *dev)
{
	check(cfg->node == dev->name, "gem: node name");
	check_str(cfg->node, "gem: node name inside the blob");
	check(cfg->variant != NULL, "gem: a variant");
	check(cfg->phy_addr >= -1 && cfg->phy_addr < 32, "gem: MDIO address");
	check(cfg->variant->gemgxl_mgmt || cfg->mgmt_size == 0,
	      "gem: a GEMGXL range only where the variant has one");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dt_machine m;
	uint8_t *blob = malloc(size ? size : 1);
	size_t total = 0;
	if (!blob)
		return 0;
	memcpy(blob, data, size);
	blob_lo = blob;
	blob_hi = blob + size;
	memset(&m, 0xa5, sizeof(m)); /* parsing must not depend on m's prior contents */
	if (fdt_check_header(blob, size, &total) == 0)
		check(total <= size, "header: totalsize within the blob");
	if (dt_init(blob, size, &m) == 0) {
		check(m.nmem >= 0 && m.nmem <= DT_MAX_MEM, "nmem");
		check(m.nreserved >= 0 && m.nreserved <= DT_MAX_RSV, "nreserved");
		check(m.ncpu_nodes >= 0 && m.ncpu_nodes <= DT_MAX_CPUS, "ncpu_nodes");
		check(m.ncpus >= 0, "ncpus");
		check_str(m.bootargs, "bootargs inside the blob");
		check_str(m.stdout_path, "stdout-path inside the blob");
		for (int i = 0; i < m.ncpu_nodes; i++)
			check_str(m.cpu[i].isa, "riscv,isa inside the blob");
		for (int s = 0; s < DT_STAGES; s++)
			dt_probe(table, ARRAY_SIZE(table), (enum dt_stage)s);
		dt_report_unclaimed(table, ARRAY_SIZE(table));
	}
	free(blob);
	return 0;
}
