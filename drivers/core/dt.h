/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The device tree as the kernel uses it (devicetree-specification v0.4): the machine
 * description that boot needs before any driver (memory, reserved ranges, /chosen, cpus,
 * timebase), and the driver core. Drivers find their devices through match tables: one
 * explicit const table of struct dt_driver (drivers/drivers.c, as OpenSBI's fdt_driver
 * lists) is probed stage by stage; each probe maps its own registers and asks the interrupt
 * core for its interrupt. Pure logic except for what the probes do: host-tested.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/fdt.h"

#define DT_MAX_MEM  8
#define DT_MAX_RSV  16
#define DT_MAX_CPUS 64

struct dt_cpu {
	uint32_t hart;	 /* reg: the hart id */
	bool ok;	 /* status "okay" or none */
	const char *isa; /* riscv,isa inside the blob, or NULL */
};

struct dt_machine {
	/* /memory nodes (all of them, all reg entries) */
	struct fdt_range mem[DT_MAX_MEM];
	int nmem;
	/* /reserved-memory children with reg, plus the header's memory reservation block */
	struct fdt_range reserved[DT_MAX_RSV];
	int nreserved;
	const char *bootargs;	 /* /chosen/bootargs inside the blob, or NULL */
	const char *stdout_path; /* /chosen/stdout-path, or NULL */
	size_t stdout_node;	 /* the node it names, 0 if none or not found */
	uint32_t timebase_hz;	 /* /cpus/timebase-frequency (or a cpu node's), 0 if missing */
	int ncpus;		 /* cpu nodes with status okay or no status */
	struct dt_cpu cpu[DT_MAX_CPUS];
	int ncpu_nodes; /* entries of cpu[] (every cpu node, enabled or not) */
};

/*
 * Validate the blob (header, then one walk over the whole structure block) and parse the
 * machine description into m. blob_size is how many bytes may be read. 0, or -EINVAL for a
 * malformed blob (m is then zeroed). No global state is touched.
 */
int dt_parse_machine(const void *blob, size_t blob_size, struct dt_machine *m);
/* dt_parse_machine, then make the blob the tree the driver core and the helpers below use. */
int dt_init(const void *blob, size_t blob_size, struct dt_machine *m);
/* The tree set by dt_init (NULL before), and its stdout-path node (0 if none). */
const struct fdt *dt_tree(void);
size_t dt_stdout(void);
/* The cpu entry of hart, or NULL. */
const struct dt_cpu *dt_cpu_of(const struct dt_machine *m, uint32_t hart);
/* Does hart's cpu node list the ISA extension ext ("ssaia", or one letter such as "v";
 * riscv,isa-extensions, else riscv,isa's letters or its multi-letter part, case-insensitive)? */
bool dt_hart_has_ext(uint32_t hart, const char *ext);

/* ---- devices ---- */

/* One match table entry; a table ends with { NULL, NULL }. data is the driver's own. */
struct dt_match {
	const char *compatible;
	const void *data;
};

struct dt_device {
	size_t node;		      /* BEGIN_NODE offset in the tree */
	size_t parent;		      /* the parent node (0 for the root) */
	const char *name;	      /* e.g. "serial@10000000" */
	const struct dt_match *match; /* the entry that matched (NULL from dt_device_at) */
	struct fdt_cells pc;	      /* the parent's #address-cells / #size-cells (for reg) */
};

/* Probe stages, in boot order. */
enum dt_stage {
	DT_STAGE_EARLY,	 /* console, machine stop: before memory, the MMU and the bootargs */
	DT_STAGE_IRQ,	 /* interrupt controllers: memory and the MMU are up */
	DT_STAGE_DEVICE, /* everything else: buses, NICs (interrupts can be requested) */
	DT_STAGES,
};

struct dt_driver {
	const char *name;
	enum dt_stage stage;
	const struct dt_match *match;
	/*
	 * Claim dev (dev->match says which entry matched). Returns 0 (claimed), -ENODEV (not
	 * ours after all: the driver has said why), -EAGAIN (something it needs, such as a
	 * parent interrupt controller, is not up yet: probed again after the rest of the stage)
	 * or another negative error (logged by the core).
	 */
	int (*probe)(const struct dt_device *dev);
};

/*
 * Probe every enabled node against the drivers of `stage` in the table, in tree order; for a
 * node, its most specific compatible string that some driver lists wins. Returns the number
 * of devices claimed.
 */
int dt_probe(const struct dt_driver *const *table, size_t n, enum dt_stage stage);
/*
 * List, once, the enabled nodes that no driver of the table matches ("dt: no driver for
 * virtio,mmio: /soc/virtio_mmio@10008000 and 7 more"). Nodes the kernel handles itself
 * (memory, cpus and their interrupt controllers, simple-bus) are not listed. Returns how many
 * nodes were listed.
 */
int dt_report_unclaimed(const struct dt_driver *const *table, size_t n);
/* Does node's compatible list name an entry of match? Returns the entry or NULL. */
const struct dt_match *dt_match_node(size_t node, const struct dt_match *match);

/* ---- properties of a device (all bounds-checked; the tree is dt_init's) ---- */

/* reg entry i in the parent's cells: 0, -ENOENT (no such entry) or -EINVAL (malformed). */
int dt_reg(const struct dt_device *dev, int i, uint64_t *base, uint64_t *size);
/* Number of reg entries (0 if none), or -EINVAL. */
int dt_reg_count(const struct dt_device *dev);
const uint8_t *dt_prop(const struct dt_device *dev, const char *name, uint32_t *len);
int dt_prop_u32(const struct dt_device *dev, const char *name, uint32_t def, uint32_t *out);
bool dt_prop_has(const struct dt_device *dev, const char *name, const char *s);
int dt_prop_cells(const struct dt_device *dev, const char *name, const uint8_t **v,
		  uint32_t *ncells);
uint32_t dt_phandle(const struct dt_device *dev);
/* The device whose phandle is ph (match left NULL): 0 or -EINVAL. */
int dt_device_at(uint32_t ph, struct dt_device *out);
/* The device at a node offset (the stdout node, say): 0 or -ENOENT. */
int dt_device_of(size_t node, struct dt_device *out);
/* The node's full path ("/soc/serial@10000000") into buf; returns buf. */
const char *dt_path(size_t node, char *buf, size_t len);

/* ---- interrupts ---- */

/* An interrupt specifier: the controller's phandle and its #interrupt-cells cells. */
struct dt_irq {
	uint32_t parent;
	uint32_t ncells;
	uint32_t cell[FDT_MAX_CELLS];
};

/*
 * Interrupt i of dev: from interrupts-extended, else from interrupts with the controller of
 * interrupt-parent (the node's or its nearest ancestor's). 0, -ENOENT (no such interrupt) or
 * -EINVAL (malformed: dangling phandle, cells that do not fit).
 */
int dt_irq(const struct dt_device *dev, int i, struct dt_irq *out);

/*
 * For an interrupt controller that lists its outputs in interrupts-extended (PLIC contexts,
 * APLIC interrupt delivery controllers, IMSIC interrupt files): the index of the entry that
 * targets hart's local interrupt controller with cause (9 = S-external, 11 = M-external).
 * *count (if not NULL) gets the number of entries. The index, -ENOENT or -EINVAL.
 */
int dt_intc_index(const struct dt_device *dev, uint32_t hart, uint32_t cause, int *count);
