/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PLIC per the RISC-V PLIC specification v1.0.0: priorities, enables, threshold, claim/complete,
 * for the context of the boot hart's S-mode external interrupt (found in interrupts-extended).
 * Every source has priority 1 and the threshold is 0, so any enabled source interrupts.
 */
#include "boot/boot.h"
#include "boot/csr.h"
#include "drivers/core/irq.h"
#include "drivers/plic.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "mm/vm.h"

#define PLIC_PRIORITY(irq)    ((uintptr_t)4 * (irq))			    /* RW */
#define PLIC_ENABLE(ctx, irq) (0x2000u + 0x80u * (ctx) + 4u * ((irq) / 32)) /* RW */
#define PLIC_THRESHOLD(ctx)   (0x200000u + 0x1000u * (ctx))		    /* RW */
#define PLIC_CLAIM(ctx)	      (0x200004u + 0x1000u * (ctx)) /* R: claim, W: complete */
#define PLIC_MAX_SOURCES      1023
#define PLIC_MAX_CONTEXTS     15872

struct plic {
	uintptr_t base;
	uint32_t ctx;
	struct irq_chip chip;
};

static struct plic plic0;

static void set_enable(struct plic *p, uint32_t irq, bool on)
{
	uintptr_t en = p->base + PLIC_ENABLE(p->ctx, irq);
	uint32_t bit = 1u << (irq % 32);
	mmio_write32(en, on ? mmio_read32(en) | bit : mmio_read32(en) & ~bit);
}

/* One cell (the source) or two (source, trigger): the PLIC itself knows no trigger types. */
static int plic_xlate(struct irq_chip *c, const uint32_t *cell, uint32_t n, uint32_t *hwirq,
		      unsigned *type)
{
	(void)c;
	if (n < 1)
		return -EINVAL;
	*hwirq = cell[0];
	*type = n > 1 ? cell[1] : IRQ_TYPE_NONE;
	return 0;
}

static int plic_enable(struct irq_chip *c, uint32_t irq, unsigned type, uint32_t msi_id)
{
	struct plic *p = c->priv;
	(void)type;
	(void)msi_id;
	mmio_write32(p->base + PLIC_PRIORITY(irq), 1);
	set_enable(p, irq, true);
	return 0;
}

static void plic_disable(struct irq_chip *c, uint32_t irq)
{
	set_enable(c->priv, irq, false);
}

/*
 * QEMU 7.2's PLIC does not re-evaluate its outputs when an enable bit is written, so a source
 * that became pending while masked would not signal until some other PLIC event. Writing the
 * threshold (to the value it has) makes it look again; on real hardware it changes nothing.
 */
static void plic_unmask(struct irq_chip *c, uint32_t irq)
{
	struct plic *p = c->priv;
	set_enable(p, irq, true);
	mmio_write32(p->base + PLIC_THRESHOLD(p->ctx), 0);
}

static uint32_t plic_claim(struct irq_chip *c)
{
	struct plic *p = c->priv;
	return mmio_read32(p->base + PLIC_CLAIM(p->ctx));
}

/* After the handler read its device's cause register: INTx is level-triggered, and completing
 * before the line dropped would raise the source again at once. */
static void plic_complete(struct irq_chip *c, uint32_t irq)
{
	struct plic *p = c->priv;
	mmio_write32(p->base + PLIC_CLAIM(p->ctx), irq);
}

static const struct irq_chip_ops plic_ops = {
	.xlate = plic_xlate,
	.enable = plic_enable,
	.disable = plic_disable,
	.mask = plic_disable,
	.unmask = plic_unmask,
	.claim = plic_claim,
	.complete = plic_complete,
};

static int plic_probe(const struct dt_device *dev)
{
	struct plic *p = &plic0;
	uint64_t base, size;
	uint32_t ndev;
	int ctx, err;

	if (p->base) {
		pr_warn("plic: %s: one PLIC is driven already, left alone\n", dev->name);
		return -ENODEV;
	}
	if (dt_reg(dev, 0, &base, &size) || dt_prop_u32(dev, "riscv,ndev", 0, &ndev) || ndev == 0 ||
	    ndev > PLIC_MAX_SOURCES)
		return -EINVAL;
	ctx = dt_intc_index(dev, (uint32_t)boot_hartid, IRQ_S_EXT, NULL);
	if (ctx == -ENOENT || ctx >= PLIC_MAX_CONTEXTS) {
		pr_warn("plic: %s has no S-mode context for hart %lu: not used\n", dev->name,
			(unsigned long)boot_hartid);
		return -ENODEV;
	}
	if (ctx < 0)
		return ctx;
	err = vm_map_mmio(base, size);
	if (err)
		return err;
	*p = (struct plic){ .base = (uintptr_t)base, .ctx = (uint32_t)ctx };
	for (uint32_t w = 0; w <= ndev / 32; w++)
		mmio_write32(p->base + PLIC_ENABLE(p->ctx, w * 32), 0);
	mmio_write32(p->base + PLIC_THRESHOLD(p->ctx), 0);
	p->chip = (struct irq_chip){ .name = "plic",
				     .ops = &plic_ops,
				     .phandle = dt_phandle(dev),
				     .nr = ndev,
				     .root = true,
				     .priv = p };
	err = irq_chip_register(&p->chip);
	if (err)
		return err;
	pr_info("irq: PLIC at %lx, %u sources, context %d (hart %lu S-mode)\n", (unsigned long)base,
		ndev, ctx, (unsigned long)boot_hartid);
	return 0;
}

static const struct dt_match plic_match[] = {
	{ "riscv,plic0", NULL },
	{ "sifive,plic-1.0.0", NULL },
	{ NULL, NULL },
};

const struct dt_driver plic_driver = {
	.name = "plic",
	.stage = DT_STAGE_IRQ,
	.match = plic_match,
	.probe = plic_probe,
};
