/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PCI function interrupts (PCI Local Bus 3.0 sec. 6.8; PCIe 4.0 sec. 6.1): MSI-X where the
 * function has it and an MSI controller (the IMSIC) is up, MSI when only that is offered, its
 * INTx pin through the host bridge's interrupt-map otherwise. Message addresses and data come
 * from the interrupt core (irq_request_msi), so nothing here knows the controller.
 */
#include "drivers/core/irq.h"
#include "drivers/pci.h"
#include "lib/bootargs.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "lib/string.h"
#include "lib/util.h"

/* pci.irq=: the most a function may use. */
static enum pci_irq_mode irq_limit = PCI_IRQ_MSIX;

static int set_pci_irq(const char *v)
{
	if (!strcmp(v, "auto") || !strcmp(v, "msix"))
		irq_limit = PCI_IRQ_MSIX;
	else if (!strcmp(v, "msi"))
		irq_limit = PCI_IRQ_MSI;
	else if (!strcmp(v, "intx"))
		irq_limit = PCI_IRQ_INTX;
	else
		return -EINVAL;
	return 0;
}

static const struct bootarg pci_args[] = {
	{ "pci.irq", set_pci_irq,
	  "auto (MSI-X, else MSI, else INTx), msi (no MSI-X) or intx (no message interrupts)" },
};
const struct bootarg_table pci_bootargs = { pci_args, ARRAY_SIZE(pci_args) };

const char *pci_irq_mode_name(enum pci_irq_mode mode)
{
	static const char *const names[] = {
		[PCI_IRQ_NONE] = "none",
		[PCI_IRQ_INTX] = "INTx",
		[PCI_IRQ_MSI] = "MSI",
		[PCI_IRQ_MSIX] = "MSI-X",
	};
	return mode < ARRAY_SIZE(names) ? names[mode] : "?";
}

/* No legacy interrupt while messages are in use (PCI 3.0 sec. 6.2.2, Interrupt Disable). */
static void intx_off(struct pci_dev *pd)
{
	pci_cfg_write16(pd, PCI_COMMAND,
			pci_cfg_read16(pd, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
}

/* Map the MSI-X table, every entry masked, the function enabled (Function Mask set while the
 * entries are written). Returns the entries, or a negative error. */
static int msix_setup(struct pci_dev *pd)
{
	uint16_t ctrl = pci_cfg_read16(pd, pd->msix_cap + PCI_MSIX_CTRL);
	uint32_t entries, offset;
	uintptr_t va;
	int bar, err;

	if (pci_msix_table(ctrl, pci_cfg_read32(pd, pd->msix_cap + PCI_MSIX_TABLE), &entries, &bar,
			   &offset) ||
	    (uint64_t)offset + entries * sizeof(struct pci_msix_entry) > pd->bar[bar].size)
		return -EINVAL;
	err = pci_map_bar(pd, bar, &va);
	if (err)
		return err;
	pd->msix = (struct pci_msix_entry *)(va + offset);
	pci_cfg_write16(pd, pd->msix_cap + PCI_MSIX_CTRL,
			ctrl | PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL);
	for (uint32_t i = 0; i < entries; i++)
		mmio_write32((uintptr_t)&pd->msix[i].ctrl, PCI_MSIX_ENTRY_MASKED);
	intx_off(pd);
	pci_cfg_write16(pd, pd->msix_cap + PCI_MSIX_CTRL,
			(uint16_t)((ctrl | PCI_MSIX_CTRL_ENABLE) & ~PCI_MSIX_CTRL_MASKALL));
	return (int)entries;
}

static void log_choice(const struct pci_dev *pd, int entries)
{
	char route[48] = "";
	if (pd->irq_mode == PCI_IRQ_INTX) {
		const struct irq_chip *c = irq_chip_find(pd->intx.parent);
		ksnprintf(route, sizeof(route), " (INT%c -> %s %u)", 'A' + pd->pin - 1,
			  c ? c->name : "intc", pd->intx.cell[0]);
	} else if (pd->irq_mode == PCI_IRQ_MSIX) {
		ksnprintf(route, sizeof(route), " of %d", entries);
	}
	pr_info("pci %02x:%02x.%x: %s, %d vector%s%s\n", pd->bus, pd->dev, pd->fn,
		pci_irq_mode_name(pd->irq_mode), pd->nvec, pd->nvec == 1 ? "" : "s", route);
}

int pci_irq_alloc(struct pci_dev *pd, int want)
{
	bool msi_ok = irq_msi_chip() != NULL;
	int entries = 0;

	for (int i = 0; i < PCI_MAX_VECTORS; i++)
		pd->irq[i] = -1;
	pd->msi_cap = pci_find_cap(pd, PCI_CAP_ID_MSI);
	pd->msix_cap = pci_find_cap(pd, PCI_CAP_ID_MSIX);
	pd->irq_mode = PCI_IRQ_NONE;
	pd->nvec = 0;
	if (want < 1)
		return -EINVAL;
	if (pd->msix_cap && msi_ok && irq_limit >= PCI_IRQ_MSIX) {
		entries = msix_setup(pd);
		if (entries > 0) {
			pd->irq_mode = PCI_IRQ_MSIX;
			pd->nvec = want < entries ? want : entries;
			if (pd->nvec > PCI_MAX_VECTORS)
				pd->nvec = PCI_MAX_VECTORS;
		} else {
			pr_warn("pci %02x:%02x.%x: MSI-X table unusable (%s)\n", pd->bus, pd->dev,
				pd->fn, errname(entries));
		}
	}
	if (!pd->irq_mode && pd->msi_cap && msi_ok && irq_limit >= PCI_IRQ_MSI) {
		pd->irq_mode = PCI_IRQ_MSI; /* one message: no multi-message id blocks here */
		pd->nvec = 1;
	}
	if (!pd->irq_mode && !pd->intx_err && irq_limit >= PCI_IRQ_INTX) {
		pd->irq_mode = PCI_IRQ_INTX;
		pd->nvec = 1;
	}
	if (!pd->irq_mode) {
		pr_warn("pci %02x:%02x.%x: no interrupt (no MSI controller, INTx %s)\n", pd->bus,
			pd->dev, pd->fn, pd->pin ? "not routed" : "absent");
		return -ENODEV;
	}
	log_choice(pd, entries);
	return pd->nvec;
}

static int msi_request(struct pci_dev *pd, irq_handler_fn fn, void *arg, const char *name)
{
	struct pci_msi_layout l;
	struct msi_msg msg;
	uint16_t ctrl = pci_cfg_read16(pd, pd->msi_cap + PCI_MSI_CTRL);
	int irq = irq_request_msi(fn, arg, name, &msg);
	if (irq < 0)
		return irq;
	pci_msi_layout(pd->msi_cap, ctrl, &l);
	if (!l.addr_hi && (msg.addr >> 32)) {
		irq_release(irq); /* a 32-bit MSI cannot reach the controller */
		return -ERANGE;
	}
	pci_cfg_write32(pd, l.addr_lo, (uint32_t)msg.addr);
	if (l.addr_hi)
		pci_cfg_write32(pd, l.addr_hi, (uint32_t)(msg.addr >> 32));
	pci_cfg_write16(pd, l.data, (uint16_t)msg.data);
	if (l.mask)
		pci_cfg_write32(pd, l.mask, 0);
	intx_off(pd);
	pci_cfg_write16(pd, pd->msi_cap + PCI_MSI_CTRL,
			(uint16_t)((ctrl & ~(7u << PCI_MSI_CTRL_MME_SHIFT)) | PCI_MSI_CTRL_ENABLE));
	return irq;
}

static int msix_request(struct pci_dev *pd, int vec, irq_handler_fn fn, void *arg, const char *name)
{
	struct pci_msix_entry *e = &pd->msix[vec];
	struct msi_msg msg;
	int irq = irq_request_msi(fn, arg, name, &msg);
	if (irq < 0)
		return irq;
	mmio_write32((uintptr_t)&e->addr_lo, (uint32_t)msg.addr);
	mmio_write32((uintptr_t)&e->addr_hi, (uint32_t)(msg.addr >> 32));
	mmio_write32((uintptr_t)&e->data, msg.data);
	mmio_write32((uintptr_t)&e->ctrl, 0); /* unmasked: the device may send it now */
	return irq;
}

int pci_irq_request(struct pci_dev *pd, int vec, irq_handler_fn fn, void *arg, const char *name)
{
	int irq;
	if (vec < 0 || vec >= pd->nvec || pd->irq[vec] >= 0)
		return -EINVAL;
	switch (pd->irq_mode) {
	case PCI_IRQ_MSIX:
		irq = msix_request(pd, vec, fn, arg, name);
		break;
	case PCI_IRQ_MSI:
		irq = msi_request(pd, fn, arg, name);
		break;
	case PCI_IRQ_INTX:
		irq = irq_request_spec(&pd->intx, fn, arg, name);
		if (irq >= 0)
			pci_cfg_write16(pd, PCI_COMMAND,
					pci_cfg_read16(pd, PCI_COMMAND) &
						(uint16_t)~PCI_COMMAND_INTX_DISABLE);
		break;
	default:
		return -ENODEV;
	}
	if (irq >= 0)
		pd->irq[vec] = irq;
	return irq;
}

void pci_irq_mask(struct pci_dev *pd, int vec, bool masked)
{
	if (vec < 0 || vec >= pd->nvec || pd->irq[vec] < 0)
		return;
	if (pd->irq_mode == PCI_IRQ_MSIX)
		mmio_write32((uintptr_t)&pd->msix[vec].ctrl, masked ? PCI_MSIX_ENTRY_MASKED : 0);
	else if (masked)
		irq_mask(pd->irq[vec]);
	else
		irq_unmask(pd->irq[vec]);
}
