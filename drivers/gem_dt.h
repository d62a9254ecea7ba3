/* Device-tree discovery of Cadence GEM controllers (drivers/gem_dt.c). */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "drivers/gem.h"

#define GEM_DT_MAX 4 /* controllers looked for */

struct gem_dt_node {
	struct gem_config cfg;
	uint32_t irq_parent; /* phandle of the interrupt controller cfg.irq is at, 0 if none */
};

/* Every enabled GEM node of the blob, in tree order, into out[0..max). Returns how many, or
 * -EINVAL for a malformed blob; a malformed GEM node is reported and skipped. Pure. */
int gem_dt_scan(const void *blob, size_t size, struct gem_dt_node *out, int max);

/* Scan, then gem_probe each controller; an interrupt not at the PLIC (plic_phandle, 0 = no
 * PLIC) leaves that controller polled. Returns how many attached. */
int gem_dt_probe_all(const void *blob, size_t size, uint32_t plic_phandle);
