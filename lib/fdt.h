/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Flattened device tree reader (devicetree-specification v0.4, chapter 5): the blob, its
 * tokens, a depth-first walk and typed property access. Every offset and length in the blob
 * is checked against the block it belongs to; a malformed blob is an error, never a fault.
 * Pure logic (lib/fdt.c): the machine description and the DT driver core sit on top of it.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/byteorder.h"

#define FDT_MAGIC      0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_NOP	       4
#define FDT_END	       9
/* Real trees are 4-6 levels deep; the bound keeps the walk's stack fixed. */
#define FDT_MAX_DEPTH 32
/* Largest #address-cells / #size-cells / #interrupt-cells we accept (Linux: 4). */
#define FDT_MAX_CELLS 4
#define ALIGN4(x)     (((x) + 3) & ~(size_t)3)

/* Spec 5.2: all fields big-endian. Version 16 headers end before size_dt_struct. */
struct fdt_header {
	uint32_t magic;
	uint32_t totalsize;
	uint32_t off_dt_struct;
	uint32_t off_dt_strings;
	uint32_t off_mem_rsvmap;
	uint32_t version;
	uint32_t last_comp_version;
	uint32_t boot_cpuid_phys;
	uint32_t size_dt_strings;
	uint32_t size_dt_struct;
};
_Static_assert(sizeof(struct fdt_header) == 40, "fdt header v17 is 40 bytes");
_Static_assert(offsetof(struct fdt_header, size_dt_struct) == 36, "v16 header is 36 bytes");

#define HDR(b, field) get_be32((const uint8_t *)(b) + offsetof(struct fdt_header, field))

/* The blob's blocks, as absolute byte offsets; all checked against totalsize. */
struct fdt {
	const uint8_t *b;
	size_t total;
	size_t st_off, st_end; /* structure block [st_off, st_end) */
	size_t str_off, str_size;
	size_t rsv_off;
};

/* One reg entry (or any base/size pair). */
struct fdt_range {
	uint64_t base, size;
};

struct fdt_tok {
	uint32_t type;
	const char *name;   /* node name, or property name in the strings block */
	const uint8_t *val; /* property value, len bytes inside the structure block */
	uint32_t len;
};

/* Depth-first walk. node[d] is the BEGIN_NODE offset of the current node's ancestor at d. */
struct fdt_walk {
	size_t off;
	int depth;
	bool root_done;
	size_t node[FDT_MAX_DEPTH];
	bool has_child[FDT_MAX_DEPTH];
};

struct fdt_cells {
	uint32_t ac, sc; /* #address-cells, #size-cells of a node (for its children) */
};

/* Header check only: returns 0 or -EINVAL. *total gets totalsize. */
int fdt_check_header(const void *blob, size_t max_size, size_t *total);

/* The reader (lib/fdt.c; each function is described where it is defined). Offsets are of
 * BEGIN_NODE tokens (never 0: offset 0 is the header); every access is bounds-checked. */
int fdt_open_blob(struct fdt *f, const void *blob, size_t max_size);
int fdt_check_structure(const struct fdt *f);
void fdt_walk_start(const struct fdt *f, struct fdt_walk *w);
int fdt_walk_next(const struct fdt *f, struct fdt_walk *w);
const char *fdt_node_name(const struct fdt *f, size_t node);
const uint8_t *fdt_get_propn(const struct fdt *f, size_t node, const char *name, size_t nlen,
			     uint32_t *len);
const uint8_t *fdt_get_prop(const struct fdt *f, size_t node, const char *name, uint32_t *len);
int fdt_prop_u32(const struct fdt *f, size_t node, const char *name, uint32_t def, uint32_t *out);
int fdt_prop_freq(const struct fdt *f, size_t node, const char *name, uint32_t *out);
int fdt_prop_str(const struct fdt *f, size_t node, const char *name, const char **out);
bool fdt_prop_has(const struct fdt *f, size_t node, const char *name, const char *s);
bool fdt_node_ok(const struct fdt *f, size_t node);
int fdt_node_cells(const struct fdt *f, size_t node, struct fdt_cells *c);
uint64_t fdt_cells_get(const uint8_t *v, uint32_t n);
bool fdt_name_is(const char *name, const char *s);
int fdt_reg_append(const struct fdt *f, size_t node, struct fdt_cells pc, struct fdt_range *out,
		   int *n, int max);
int fdt_reg_first(const struct fdt *f, size_t node, struct fdt_cells pc, uint64_t *base,
		  uint64_t *size);
int fdt_find_path(const struct fdt *f, const char *path, size_t plen, size_t *node);
int fdt_find_phandle(const struct fdt *f, uint32_t ph, size_t *node, size_t *parent);
uint32_t fdt_node_phandle(const struct fdt *f, size_t node);
int fdt_prop_cells(const struct fdt *f, size_t node, const char *name, const uint8_t **v,
		   uint32_t *ncells);
int fdt_irq_parent_cells(const struct fdt *f, uint32_t ph, uint32_t *ac, uint32_t *ic, size_t *node,
			 size_t *parent);
