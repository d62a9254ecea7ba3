/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI resource logic with no hardware access (host-tested): the host bridge's DT node
 * ("pci-host-ecam-generic": reg, bus-range, ranges, interrupt-map, msi-parent), BAR size
 * decoding, address window allocation from "ranges", bridge window encoding, and INTx routing
 * through "interrupt-map" (PCI Local Bus 3.0 sec. 6.2.5, PCI-to-PCI Bridge 1.2 sec. 3.2.5 and
 * 9.1, devicetree PCI bus binding "ranges" and "interrupt-map").
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "drivers/core/dt.h"

#define PCI_MAX_RANGES 8
#define PCI_MAX_IMAP   64

/* One entry of a host bridge's "ranges" (3 child cells, parent and size cells per the tree). */
struct pci_range {
	uint32_t space; /* phys.hi bits 24-25: 1 = I/O, 2 = 32-bit memory, 3 = 64-bit memory */
	bool prefetch;	/* phys.hi bit 30 */
	uint64_t pci_addr, cpu_addr, size;
};

/* One "interrupt-map" entry: child (phys.hi with bus/dev/fn, pin) -> a parent specifier. */
struct pci_imap {
	uint32_t child_hi;    /* phys.hi of the child unit address (bus/dev/fn bits) */
	uint32_t pin;	      /* 1..4 = INTA..INTD */
	struct dt_irq parent; /* the controller and its interrupt cells (PLIC: source; APLIC:
			       * source, trigger) */
};

/* What the host bridge's DT node says (pci_host_parse). */
struct pci_host {
	uint64_t ecam_base, ecam_size;
	uint32_t bus_min, bus_max; /* bus-range, default 0..255 */
	struct pci_range ranges[PCI_MAX_RANGES];
	int nranges;
	struct pci_imap imap[PCI_MAX_IMAP];
	int nimap;
	uint32_t imap_mask[4]; /* interrupt-map-mask: phys.hi, mid, lo, pin */
	uint32_t msi_parent;   /* phandle of its MSI controller, 0 if none */
};

/*
 * Parse a "pci-host-ecam-generic" node: reg (the ECAM window), #address-cells 3 and
 * #interrupt-cells 1, bus-range, ranges, interrupt-map(-mask), msi-parent. 0, or -EINVAL for a
 * malformed node. Entries beyond PCI_MAX_RANGES / PCI_MAX_IMAP are dropped with a warning.
 */
int pci_host_parse(const struct dt_device *dev, struct pci_host *h);

/* BAR register low bits (PCI 3.0 sec. 6.2.5.1). */
#define PCI_BAR_IO_FLAG	    0x1u
#define PCI_BAR_MEM_TYPE    0x6u /* 0 = 32-bit, 2 = 64-bit, 1 = below 1 MiB (legacy) */
#define PCI_BAR_MEM_TYPE_64 0x4u
#define PCI_BAR_PREFETCH    0x8u
#define PCI_BAR_MEM_MASK    0xfffffff0u
#define PCI_BAR_IO_MASK	    0xfffffffcu

/* Bridge window granularity (PCI-to-PCI Bridge 1.2 sec. 3.2.5.6 and 3.2.5.8). */
#define PCI_BRIDGE_MEM_GRAN 0x100000ull
#define PCI_BRIDGE_IO_GRAN  0x1000ull

enum pci_bar_kind {
	PCI_BAR_NONE = 0, /* not implemented (reads back zero) */
	PCI_BAR_IO,
	PCI_BAR_MEM32,
	PCI_BAR_MEM64, /* uses this register and the next */
};

struct pci_bar_size {
	enum pci_bar_kind kind;
	bool prefetch;
	uint64_t size; /* bytes, a power of two; 0 for PCI_BAR_NONE */
};

/*
 * Decode a BAR from its original value (for the type bits) and what it reads back after
 * all-ones was written: lo for the register, hi for the next one (64-bit BARs only; ignored
 * otherwise). Returns 0 (out->kind may be PCI_BAR_NONE) or -EINVAL for a reserved memory type.
 */
int pci_bar_decode(uint32_t orig, uint32_t lo, uint32_t hi, struct pci_bar_size *out);

enum pci_win_kind {
	PCI_WIN_IO = 0,
	PCI_WIN_MEM32, /* PCI addresses below 4 GiB: 32-bit BARs, bridge memory windows */
	PCI_WIN_MEM64, /* PCI addresses above 4 GiB: 64-bit BARs, 64-bit prefetch windows */
	PCI_WIN_COUNT,
};

/* One address window of the host bridge, allocated bottom-up (a bump pointer). */
struct pci_window {
	bool present;
	uint64_t pci_base, cpu_base, size; /* from the DT ranges entry */
	uint64_t next; /* next free PCI address; pci_base + size when exhausted */
};

struct pci_windows {
	struct pci_window w[PCI_WIN_COUNT];
};

/*
 * Pick the windows out of the host bridge's ranges: the largest I/O range, the largest memory
 * range that lies wholly below 4 GiB (PCI side) as mem32, the largest 64-bit memory range
 * above it as mem64. I/O allocation never hands out port 0 (drivers take 0 as "unassigned").
 */
void pci_windows_init(struct pci_windows *ws, const struct pci_range *r, int n);

/* Allocate size bytes aligned to align (powers of two) from w. 0 with *pci set, or -ENOSPC. */
int pci_win_alloc(struct pci_window *w, uint64_t size, uint64_t align, uint64_t *pci);
/* Round w's next free address up to gran (a bridge window boundary). Exhausts w on overflow. */
void pci_win_round(struct pci_window *w, uint64_t gran);
/* CPU address of a PCI address inside w (the ranges translation). */
static inline uint64_t pci_win_to_cpu(const struct pci_window *w, uint64_t pci)
{
	return pci - w->pci_base + w->cpu_base;
}

/*
 * Which window a BAR should come from. 32-bit memory BARs: mem32. 64-bit memory BARs: mem64
 * when the path allows it (pref64_path: on the root bus, or every bridge above has a 64-bit
 * prefetchable window and the BAR is prefetchable), else mem32. I/O BARs: io.
 * Returns the window kind or -1 for PCI_BAR_NONE.
 */
int pci_bar_window(const struct pci_bar_size *b, bool root_bus, bool pref64_path);

/*
 * Bridge window register encodings for [base, limit] (inclusive). An empty window
 * (limit < base) encodes as base > limit, which disables forwarding.
 */
/* Memory Base/Limit (offset 0x20): limit << 16 | base, 1 MiB granularity. */
uint32_t pci_bridge_mem_reg(uint64_t base, uint64_t limit);
/* Prefetchable Base/Limit (0x24) and the upper 32 bits (0x28 base, 0x2c limit). */
void pci_bridge_pref_regs(uint64_t base, uint64_t limit, uint32_t *reg24, uint32_t *upper_base,
			  uint32_t *upper_limit);
/* I/O Base/Limit (low bytes of 0x1c, 4 KiB granularity) and the upper 16 bits (0x30). */
void pci_bridge_io_regs(uint64_t base, uint64_t limit, uint8_t *io_base, uint8_t *io_limit,
			uint32_t *upper);

/* ---- MSI and MSI-X capability layouts (PCI Local Bus 3.0 sec. 6.8) ---- */

#define PCI_MSI_CTRL	       2 /* Message Control, from the capability */
#define PCI_MSI_CTRL_ENABLE    (1u << 0)
#define PCI_MSI_CTRL_MME_SHIFT 4 /* multiple message enable, log2 */
#define PCI_MSI_CTRL_64BIT     (1u << 7)
#define PCI_MSI_CTRL_MASKBIT   (1u << 8) /* per-vector masking */
#define PCI_MSI_ADDR_LO	       4

#define PCI_MSIX_CTRL		2
#define PCI_MSIX_CTRL_SIZE_MASK 0x7ffu	   /* table size - 1 */
#define PCI_MSIX_CTRL_MASKALL	(1u << 14) /* function mask */
#define PCI_MSIX_CTRL_ENABLE	(1u << 15)
#define PCI_MSIX_TABLE		4 /* BIR bits 2:0, offset in the BAR bits 31:3 */
#define PCI_MSIX_PBA		8
#define PCI_MSIX_BIR_MASK	0x7u

/* One MSI-X table entry (sec. 6.8.2.6): a 16-byte block in a memory BAR. */
struct pci_msix_entry {
	uint32_t addr_lo, addr_hi, data;
	uint32_t ctrl; /* bit 0: masked */
};
_Static_assert(sizeof(struct pci_msix_entry) == 16, "MSI-X entry is 16 bytes");
#define PCI_MSIX_ENTRY_MASKED 1u

/* Where an MSI capability at offset cap keeps its registers (they move with the 64-bit and
 * per-vector-mask bits of Message Control). */
struct pci_msi_layout {
	uint32_t addr_lo, addr_hi, data, mask; /* config offsets; 0 = not present */
};
void pci_msi_layout(uint32_t cap, uint16_t ctrl, struct pci_msi_layout *out);

/* An MSI-X capability's table: entries (1..2048), BAR index and byte offset. -EINVAL if the
 * BAR index is reserved (6, 7). */
int pci_msix_table(uint16_t ctrl, uint32_t table_reg, uint32_t *entries, int *bar,
		   uint32_t *offset);

/* The standard INTx swizzle across one bridge: pin (1..4) of device dev on the secondary
 * bus appears as this pin (1..4) at the bridge (PCI-to-PCI Bridge 1.2 table 9-1). */
static inline uint32_t pci_swizzle(uint32_t pin, uint32_t dev)
{
	return ((pin - 1 + dev) % 4) + 1;
}

/* devicetree phys.hi of a function: bus << 16 | dev << 11 | fn << 8. */
static inline uint32_t pci_phys_hi(uint32_t bus, uint32_t dev, uint32_t fn)
{
	return bus << 16 | dev << 11 | fn << 8;
}

/*
 * Look up (phys_hi, pin) in the host bridge's interrupt-map after applying the mask. Returns
 * the entry, or NULL.
 */
const struct pci_imap *pci_imap_lookup(const struct pci_host *h, uint32_t phys_hi, uint32_t pin);

/*
 * Route INTx pin (1..4) of a function to a host interrupt. path[0..depth-1] describes the
 * way up: path[0] is the function itself, path[i] the bridge above path[i-1], and
 * path[depth-1] sits on the root bus. Each entry is {bus, dev, fn}. The pin is swizzled at
 * every bridge, then the root-bus entry is looked up in the interrupt-map; *out gets the
 * parent specifier. 0, -EINVAL (pin 0 / > 4, no path) or -ENOENT (no map entry).
 */
struct pci_bdf {
	uint8_t bus, dev, fn;
};
int pci_intx_route(const struct pci_host *h, const struct pci_bdf *path, int depth, uint32_t pin,
		   struct dt_irq *out);
