/*
 * fdt_parse and the GEM's discovery (gem_dt_scan) over arbitrary blobs (seeds: the DTBs QEMU
 * dumps, tests/host/data/). The blob is copied into a buffer of exactly its size so any read
 * past the end is an ASan report. Beyond "no fault", check what the parsers promise: counts
 * within their arrays and the strings they return NUL-terminated inside the blob.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "boot/fdt.h"
#include "drivers/gem_dt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* gem_dt.c's callee in the kernel; never reached from gem_dt_scan. */
int gem_probe(const struct gem_config *cfg)
{
	(void)cfg;
	return 0;
}

static void check(int cond, const char *what)
{
	if (!cond) {
		fprintf(stderr, "fuzz_fdt: broken promise: %s\n", what);
		abort();
	}
}

/* s is NULL or a NUL-terminated string lying inside [blob, blob + size). */
static void check_str(const char *s, const uint8_t *blob, size_t size, const char *what)
{
	const uint8_t *p = (const uint8_t *)s;
	if (!s)
		return;
	check(p >= blob && p < blob + size, what);
	check(memchr(p, 0, (size_t)(blob + size - p)) != NULL, what);
}

static void check_gem(const uint8_t *blob, size_t size)
{
	struct gem_dt_node n[GEM_DT_MAX];
	int got = gem_dt_scan(blob, size, n, GEM_DT_MAX);
	check(got >= -22 && got <= GEM_DT_MAX, "gem_dt_scan: a count within max, or -EINVAL");
	for (int i = 0; i < got; i++) {
		check_str(n[i].cfg.node, blob, size, "gem: node name inside the blob");
		check(n[i].cfg.variant != NULL, "gem: a variant");
		check(n[i].cfg.phy_addr >= -1 && n[i].cfg.phy_addr < 32, "gem: MDIO address");
		check(n[i].cfg.variant->gemgxl_mgmt || n[i].cfg.mgmt_size == 0,
		      "gem: a GEMGXL range only where the variant has one");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct platform p;
	uint8_t *blob = malloc(size ? size : 1);
	size_t total = 0;
	if (!blob)
		return 0;
	memcpy(blob, data, size);
	memset(&p, 0xa5, sizeof(p)); /* fdt_parse must not depend on p's prior contents */
	if (fdt_check_header(blob, size, &total) == 0)
		check(total <= size, "header: totalsize within the blob");
	if (fdt_parse(blob, size, &p) == 0) {
		check(p.nmem >= 0 && p.nmem <= FDT_MAX_MEM, "nmem");
		check(p.nreserved >= 0 && p.nreserved <= FDT_MAX_RSV, "nreserved");
		check(p.npci_ranges >= 0 && p.npci_ranges <= FDT_MAX_RANGES, "npci_ranges");
		check(p.npci_imap >= 0 && p.npci_imap <= FDT_MAX_IMAP, "npci_imap");
		check(p.plic_nctx >= 0 &&
			      (size_t)p.plic_nctx <= sizeof(p.plic_ctx) / sizeof(p.plic_ctx[0]),
		      "plic_nctx");
		check(p.ncpus >= 0, "ncpus");
		check_str(p.bootargs, blob, size, "bootargs inside the blob");
		check_str(p.stdout_path, blob, size, "stdout-path inside the blob");
	}
	check_gem(blob, size);
	free(blob);
	return 0;
}
