/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt core: interrupt controllers behind one interface (OpenSBI sbi_irqchip.h, cut
 * down), and the one table of handlers the main loop dispatches from. A device driver asks for
 * "my interrupt" (a DT specifier, or an MSI) and gets a handle; it never names a controller.
 * Interrupts never preempt (sstatus.SIE stays 0): a pending one only ends the main loop's wfi,
 * and irq_dispatch runs the handlers in ordinary code. Pure logic: host-tested with fake chips.
 */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "drivers/core/dt.h"

/* Trigger types, as the DT's two-cell interrupt specifiers spell them. */
#define IRQ_TYPE_NONE	      0 /* the controller's default (level-high for the PLIC) */
#define IRQ_TYPE_EDGE_RISING  1
#define IRQ_TYPE_EDGE_FALLING 2
#define IRQ_TYPE_LEVEL_HIGH   4
#define IRQ_TYPE_LEVEL_LOW    8

#define IRQ_MAX 64 /* requested interrupts, all controllers together */

/* What a device writes to raise a message-signalled interrupt (PCI MSI / MSI-X). */
struct msi_msg {
	uint64_t addr;
	uint32_t data;
};

typedef void (*irq_handler_fn)(void *arg);

struct irq_chip;

struct irq_chip_ops {
	/* DT specifier (n cells, the chip's #interrupt-cells) to hwirq and trigger type. */
	int (*xlate)(struct irq_chip *c, const uint32_t *cell, uint32_t n, uint32_t *hwirq,
		     unsigned *type);
	/*
	 * Configure hwirq's trigger, route it to the boot hart and unmask it. A chip that
	 * forwards its sources as MSIs (parent set) gets the parent's id in msi_id; 0 otherwise.
	 */
	int (*enable)(struct irq_chip *c, uint32_t hwirq, unsigned type, uint32_t msi_id);
	void (*disable)(struct irq_chip *c, uint32_t hwirq);
	void (*mask)(struct irq_chip *c, uint32_t hwirq);
	void (*unmask)(struct irq_chip *c, uint32_t hwirq);
	/* Root chips: take the highest-priority pending hwirq; 0 when none. */
	uint32_t (*claim)(struct irq_chip *c);
	/*
	 * After hwirq's handler ran (may be NULL). The wired chips acknowledge here, so a
	 * level-triggered line that the handler lowered (by reading its device's cause
	 * register) is not raised again at once.
	 */
	void (*complete)(struct irq_chip *c, uint32_t hwirq);
	/* MSI controllers: the message that raises hwirq at the boot hart. */
	int (*msi_msg)(struct irq_chip *c, uint32_t hwirq, struct msi_msg *msg);
};

struct irq_chip {
	const char *name; /* "plic", "aplic", "imsic" */
	const struct irq_chip_ops *ops;
	uint32_t phandle;	 /* its DT node's, for specifiers that name it */
	uint32_t nr;		 /* hwirqs 1..nr */
	bool root;		 /* signals the hart itself (claim); else forwards to parent */
	struct irq_chip *parent; /* the MSI controller a forwarding chip sends to */
	void *priv;
	/* owned by the core */
	uint32_t msi_next; /* MSI controllers: ids 1..msi_next-1 are handed out */
	uint64_t spurious;
	struct irq_chip *next;
};

/*
 * Add a controller (its driver's probe). A root chip makes external interrupts able to end
 * wfi; the composition root then sets sie.SEIE. 0, or -EBUSY if its phandle is taken.
 */
int irq_chip_register(struct irq_chip *c);
/* The registered chip with this phandle, or NULL. */
struct irq_chip *irq_chip_find(uint32_t phandle);
/* Some root chip is registered: external interrupts can wake the hart. */
bool irq_can_wake(void);
/* The MSI controller (a root chip with msi_msg), or NULL. */
struct irq_chip *irq_msi_chip(void);

/*
 * Request interrupt i of a DT device (its interrupts / interrupts-extended), or the one a
 * specifier names (a PCI host bridge's interrupt-map): fn(arg) runs from irq_dispatch. Returns
 * a handle >= 0, or -ENOENT (no such interrupt), -ENODEV (its controller is not one we
 * drive), -EINVAL (bad specifier), -EBUSY (already requested), -ENOSPC (table full).
 */
int irq_request_dt(const struct dt_device *dev, int i, irq_handler_fn fn, void *arg,
		   const char *name);
int irq_request_spec(const struct dt_irq *spec, irq_handler_fn fn, void *arg, const char *name);
/*
 * Allocate a message-signalled interrupt on the MSI controller, targeted at the boot hart:
 * *msg is what the device must write. A handle >= 0, -ENODEV (no MSI controller) or -ENOSPC.
 */
int irq_request_msi(irq_handler_fn fn, void *arg, const char *name, struct msi_msg *msg);
/* Stop and forget a request (the handler is not called again). */
void irq_release(int irq);
/* Mask / unmask at the controller (the device may still assert it). */
void irq_mask(int irq);
void irq_unmask(int irq);
/* Interrupts taken through this handle. */
uint64_t irq_count(int irq);
/* Human-readable route of a request ("plic 33", "imsic 3 (aplic 10)") into buf. */
const char *irq_describe(int irq, char *buf, unsigned long len);

/*
 * Claim every pending interrupt of every root chip, run its handler and complete it; returns
 * how many were handled. Called from the main loop after wfi; never from a trap. A source with
 * no handler is counted as spurious (per chip) and disabled at once.
 */
int irq_dispatch(void);

/* The shell's `irq` command: chips and requests with their counts. */
void irq_dump(void);
/* Tests: forget every chip and request. */
void irq_reset(void);
