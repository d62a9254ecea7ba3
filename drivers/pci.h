/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI Express over ECAM (PCI Firmware 3.2 sec. 4.1): enumeration from a host bridge that the
 * DT driver (drivers/pci_host.c) found, bus numbering, BAR and bridge window assignment, INTx
 * routing, capabilities, and probing the PCI drivers (drivers/drivers.c), whose ID tables
 * carry per-ID data. Everything here runs at boot or from the shell, never on the packet path.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "drivers/core/irq.h"
#include "drivers/pci_res.h"

#define PCI_MAX_FUNCS 64
#define PCI_NUM_BARS  6

/* Configuration space offsets (PCI 3.0 sec. 6.1, PCI-to-PCI Bridge 1.2 sec. 3.2). */
#define PCI_VENDOR_ID		 0x00
#define PCI_DEVICE_ID		 0x02
#define PCI_COMMAND		 0x04
#define PCI_STATUS		 0x06
#define PCI_CAP_PTR		 0x34
#define PCI_CLASS_REV		 0x08 /* class << 8 | revision */
#define PCI_HEADER_TYPE		 0x0e
#define PCI_BAR0		 0x10
#define PCI_INTERRUPT_LINE	 0x3c
#define PCI_INTERRUPT_PIN	 0x3d
#define PCI_BRIDGE_BUSES	 0x18 /* primary, secondary, subordinate, latency */
#define PCI_BRIDGE_IO		 0x1c /* I/O base, I/O limit (bytes), secondary status */
#define PCI_BRIDGE_MEM		 0x20
#define PCI_BRIDGE_PREF		 0x24
#define PCI_BRIDGE_PREF_BASE_HI	 0x28
#define PCI_BRIDGE_PREF_LIMIT_HI 0x2c
#define PCI_BRIDGE_IO_HI	 0x30

#define PCI_COMMAND_IO		 (1u << 0)
#define PCI_COMMAND_MEMORY	 (1u << 1)
#define PCI_COMMAND_MASTER	 (1u << 2)
#define PCI_COMMAND_INTX_DISABLE (1u << 10)

#define PCI_STATUS_CAP_LIST	(1u << 4)
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_EXP		0x10 /* PCI Express capability */
#define PCI_CAP_ID_MSIX		0x11
#define PCI_EXP_TYPE_ENDPOINT	0x0 /* device/port type, PCIe Capabilities bits 7:4 */
#define PCI_EXP_TYPE_LEG_END	0x1
#define PCI_EXP_TYPE_ROOT_PORT	0x4
#define PCI_EXP_TYPE_DOWNSTREAM 0x6
#define PCI_EXP_TYPE_RC_END	0x9 /* root-complex integrated endpoint (no link of its own) */

#define PCI_HEADER_MULTI  0x80
#define PCI_HEADER_BRIDGE 0x01

struct pci_bar {
	enum pci_bar_kind kind;
	bool prefetch;
	bool assigned; /* false: no window space (I/O only; memory failures skip the function) */
	uint64_t size;
	uint64_t pci_addr; /* bus address programmed into the BAR */
	uint64_t cpu_addr; /* where the CPU reaches it (ranges translation); I/O: CPU MMIO too */
};

/* How a function interrupts (pci_irq_alloc chooses, and logs the choice). */
enum pci_irq_mode { PCI_IRQ_NONE = 0, PCI_IRQ_INTX, PCI_IRQ_MSI, PCI_IRQ_MSIX };
#define PCI_MAX_VECTORS 8

struct pci_dev {
	uint8_t bus, dev, fn;
	uint8_t hdr_type; /* without the multi-function bit */
	uint16_t vendor, device;
	uint32_t class_code; /* base << 16 | sub << 8 | prog-if */
	uint8_t pin;	     /* 1..4 = INTA..INTD, 0 = none */
	int intx_err;	     /* 0: intx is the pin's route; else why not (-ENOENT: no map entry) */
	struct dt_irq intx;  /* the interrupt controller's specifier the pin arrives as */
	int parent;	     /* index of the bridge above, -1 on the root bus */
	bool failed;	     /* resources could not be assigned: not probed */
	bool enabled;
	const char *driver; /* name of the claiming driver, or NULL */
	uintptr_t cfg;	    /* ECAM address of this function's config space */
	struct pci_bar bar[PCI_NUM_BARS];
	/* interrupts, once pci_irq_alloc ran */
	enum pci_irq_mode irq_mode;
	int nvec;		     /* vectors the driver may request (0..nvec-1) */
	int irq[PCI_MAX_VECTORS];    /* interrupt core handles, -1 until requested */
	uint8_t msi_cap, msix_cap;   /* capability offsets, 0 if absent */
	struct pci_msix_entry *msix; /* the mapped MSI-X table */
	/* bridges: secondary and subordinate bus numbers */
	uint8_t sec_bus, sub_bus;
};

struct pci_id {
	uint16_t vendor, device; /* a { 0, 0 } entry ends a table */
	unsigned long data;	 /* the driver's per-ID data (variant flags) */
};

struct pci_driver {
	const char *name;
	const struct pci_id *ids; /* NULL: match by class_code alone */
	/* base << 16 | sub << 8 | prog-if: matches any function of that class that no ID
	 * entry of any driver claimed (a standard interface such as NVMe); 0: IDs only. */
	uint32_t class_code;
	/* Attach to pd (already enabled: memory space + bus master); id is the entry that
	 * matched, NULL for a class match. 0 or a negative error, after which pci.c disables
	 * the function again. */
	int (*probe)(struct pci_dev *pd, const struct pci_id *id);
};

/*
 * Enumerate every bus reachable from the host bridge's bus-range through ECAM, number bridges
 * depth-first, assign BARs and bridge windows from its ranges, route INTx through its
 * interrupt-map, log one line per function, probe the PCI drivers and name the functions no
 * driver claimed. Returns the number of functions found, -EBUSY (a host bridge is driven
 * already) or -EINVAL (an unusable ECAM window).
 */
int pci_host_init(const struct pci_host *h);
/* The host bridge pci_host_init runs on (NULL before). */
const struct pci_host *pci_host(void);
/* Print every function with its resources (the shell's `pci` command). */
void pci_dump(void);
/* Number of functions found, and the i-th (NULL past the end). */
int pci_count(void);
struct pci_dev *pci_get(int i);

/* Config space access, natural alignment required (ECAM, so any size works). */
uint32_t pci_cfg_read32(const struct pci_dev *pd, uint32_t off);
uint16_t pci_cfg_read16(const struct pci_dev *pd, uint32_t off);
uint8_t pci_cfg_read8(const struct pci_dev *pd, uint32_t off);
void pci_cfg_write32(const struct pci_dev *pd, uint32_t off, uint32_t v);
void pci_cfg_write16(const struct pci_dev *pd, uint32_t off, uint16_t v);

/*
 * Map memory BAR n for the CPU (vm_map_mmio) and return its virtual address in *va.
 * 0, -EINVAL (not a memory BAR or unassigned) or the mapping error.
 */
int pci_map_bar(struct pci_dev *pd, int n, uintptr_t *va);
/* Offset of the first capability with this ID in the standard list, 0 if none (the walk is
 * bounded, so a looping list ends). */
uint8_t pci_find_cap(const struct pci_dev *pd, uint8_t id);

/*
 * Choose how pd interrupts, for up to want vectors: MSI-X when the function has it and an MSI
 * controller (an IMSIC) is up, else MSI (one vector), else its routed INTx (one, shared by
 * every cause), as pci.irq= allows. Logs the choice. Returns the vectors available (>= 1), or
 * -ENODEV: no way to interrupt (the driver then polls).
 */
int pci_irq_alloc(struct pci_dev *pd, int want);
/* Attach fn(arg) to vector vec (< pd->nvec) and unmask it at the device. The interrupt core
 * handle (>= 0: irq_describe, irq_count) or a negative error. */
int pci_irq_request(struct pci_dev *pd, int vec, irq_handler_fn fn, void *arg, const char *name);
/* Mask / unmask one MSI-X vector at the device (other modes: the controller). */
void pci_irq_mask(struct pci_dev *pd, int vec, bool masked);
const char *pci_irq_mode_name(enum pci_irq_mode mode);

/* pci.irq= (auto, msi, intx) for the composition root's list (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table pci_bootargs;
