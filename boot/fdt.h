/*
 * Flattened device tree (devicetree-specification v0.4) reader. Validates the header, checks
 * every offset and length against the blob's bounds; a malformed blob is an error, never a
 * fault. Pure logic: built for the host too.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_MAX_MEM    8
#define FDT_MAX_RSV    16
#define FDT_MAX_RANGES 8
#define FDT_MAX_IMAP   64

struct fdt_range {
	uint64_t base, size;
};

/* One entry of a PCI host bridge's "ranges" (3 child cells, 2 parent cells, 2 size cells). */
struct fdt_pci_range {
	uint32_t space; /* phys.hi bits 24-25: 1 = I/O, 2 = 32-bit memory, 3 = 64-bit memory */
	bool prefetch;	/* phys.hi bit 30 */
	uint64_t pci_addr, cpu_addr, size;
};

/* One "interrupt-map" entry of a PCI host bridge: child (devfn<<8 in phys.hi, pin) -> PLIC irq. */
struct fdt_pci_imap {
	uint32_t child_hi; /* phys.hi of the child unit address (bus/dev/fn bits) */
	uint32_t pin;	   /* 1..4 = INTA..INTD */
	uint32_t parent_phandle;
	uint32_t irq; /* interrupt number at the parent (the PLIC source) */
};

struct platform {
	/* /memory nodes (all of them, all reg entries) */
	struct fdt_range mem[FDT_MAX_MEM];
	int nmem;
	/* /reserved-memory children with reg, plus the header's memory reservation block */
	struct fdt_range reserved[FDT_MAX_RSV];
	int nreserved;
	const char *bootargs;	 /* /chosen/bootargs inside the blob, or NULL */
	const char *stdout_path; /* /chosen/stdout-path, or NULL */
	uint32_t timebase_hz;	 /* /cpus/timebase-frequency (or a cpu node's), 0 if missing */
	int ncpus;		 /* cpu nodes with status okay or no status */

	/* UART: the stdout-path node if compatible, else the first supported UART */
	bool has_uart;
	int uart_kind; /* 1 = ns16550a-compatible, 2 = sifive,uart0 */
	uint64_t uart_base, uart_size;
	uint32_t uart_reg_shift, uart_reg_io_width; /* defaults 0 and 1 */
	uint32_t uart_clock_hz, uart_irq;

	/* PLIC (compatible "riscv,plic0" or "sifive,plic-1.0.0") */
	bool has_plic;
	uint64_t plic_base, plic_size;
	uint32_t plic_ndev; /* riscv,ndev */
	uint32_t plic_phandle;
	/* interrupts-extended of the PLIC: (phandle of a cpu's interrupt controller, cause) pairs,
	 * flattened to the owning cpu's hart id and the cause (9 = S-external, 11 = M-external). */
	struct {
		uint32_t hart, cause;
	} plic_ctx[64];
	int plic_nctx;

	/* PCIe host bridge (compatible "pci-host-ecam-generic") */
	bool has_pci;
	uint64_t ecam_base, ecam_size;
	uint32_t bus_min, bus_max; /* bus-range, default 0..255 */
	struct fdt_pci_range pci_ranges[FDT_MAX_RANGES];
	int npci_ranges;
	struct fdt_pci_imap pci_imap[FDT_MAX_IMAP];
	int npci_imap;
	uint32_t pci_imap_mask[4]; /* interrupt-map-mask: phys.hi, mid, lo, pin */

	/* syscon-poweroff / test device ("sifive,test0"), if any: used only as a fallback exit */
	bool has_test_dev;
	uint64_t test_dev_base;
};

/* Header check only: returns 0 or -EINVAL. *total gets totalsize. */
int fdt_check_header(const void *blob, size_t max_size, size_t *total);

/*
 * Parse the whole tree into p. blob_size is how many bytes may be read (the header's
 * totalsize must fit inside). Returns 0, or -EINVAL for a malformed blob (and fills
 * nothing useful). Missing optional nodes leave their has_ flags false.
 */
int fdt_parse(const void *blob, size_t blob_size, struct platform *p);
