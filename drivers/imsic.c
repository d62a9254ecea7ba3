/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The boot hart's S-level IMSIC interrupt file (RISC-V AIA spec v1.0, chapter 3). A device
 * raises interrupt identity n by writing n to the file's seteipnum_le register (offset 0:
 * that address and n are the MSI message); the hart sees the file through the Ssaia CSRs:
 * siselect/sireg reach eidelivery, eithreshold and the eie enable bits, and a write to stopei
 * claims the top pending identity. MSIs are edges: there is nothing to complete.
 */
#include "boot/boot.h"
#include "boot/csr.h"
#include "drivers/core/irq.h"
#include "drivers/imsic.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "mm/vm.h"

/* siselect values of the interrupt file (AIA spec 3.8). */
#define IMSIC_EIDELIVERY   0x70
#define IMSIC_EITHRESHOLD  0x72
#define IMSIC_EIE0	   0xc0 /* eie0..eie63; on RV64 only the even ones, 64 bits each */
#define IMSIC_MAX_IDS	   2047
#define IMSIC_MAX_REGS	   4
#define IMSIC_SETEIPNUM_LE 0x0
#define STOPEI_ID_SHIFT	   16

struct imsic {
	uint64_t file;	/* physical address of the boot hart's S-level file */
	uint32_t index; /* its hart index (entry of interrupts-extended) */
	struct irq_chip chip;
};

static struct imsic imsic0;

static unsigned long ireg_read(unsigned long sel)
{
	csr_write(CSR_SISELECT, sel);
	return csr_read(CSR_SIREG);
}

static void ireg_write(unsigned long sel, unsigned long v)
{
	csr_write(CSR_SISELECT, sel);
	csr_write(CSR_SIREG, v);
}

static void set_enable(uint32_t id, bool on)
{
	unsigned long sel = IMSIC_EIE0 + 2 * (id / 64), bit = 1ul << (id % 64);
	unsigned long v = ireg_read(sel);
	ireg_write(sel, on ? v | bit : v & ~bit);
}

/* #interrupt-cells is 0: nothing names an IMSIC identity in the tree. */
static int imsic_xlate(struct irq_chip *c, const uint32_t *cell, uint32_t n, uint32_t *hwirq,
		       unsigned *type)
{
	(void)c;
	(void)cell;
	(void)n;
	(void)hwirq;
	(void)type;
	return -EINVAL;
}

static int imsic_enable(struct irq_chip *c, uint32_t id, unsigned type, uint32_t msi_id)
{
	(void)c;
	(void)type;
	(void)msi_id;
	set_enable(id, true);
	return 0;
}

static void imsic_disable(struct irq_chip *c, uint32_t id)
{
	(void)c;
	set_enable(id, false);
}

static void imsic_unmask(struct irq_chip *c, uint32_t id)
{
	(void)c;
	set_enable(id, true);
}

/* csrrw stopei: reads the top pending-and-enabled identity and clears its pending bit. */
static uint32_t imsic_claim(struct irq_chip *c)
{
	(void)c;
	return (uint32_t)(csr_swap(CSR_STOPEI, 0) >> STOPEI_ID_SHIFT);
}

static int imsic_msi_msg(struct irq_chip *c, uint32_t id, struct msi_msg *msg)
{
	struct imsic *m = c->priv;
	msg->addr = m->file + IMSIC_SETEIPNUM_LE;
	msg->data = id;
	return 0;
}

static const struct irq_chip_ops imsic_ops = {
	.xlate = imsic_xlate,
	.enable = imsic_enable,
	.disable = imsic_disable,
	.mask = imsic_disable,
	.unmask = imsic_unmask,
	.claim = imsic_claim,
	.msi_msg = imsic_msi_msg,
};

void imsic_raise(uint32_t id)
{
	if (imsic0.file)
		mmio_write32((uintptr_t)imsic0.file + IMSIC_SETEIPNUM_LE, id);
}

/* The boot hart's file: its entry in interrupts-extended (S-external) is its hart index. */
static int find_file(const struct dt_device *dev, struct imsic *m)
{
	struct fdt_range regs[IMSIC_MAX_REGS];
	uint32_t guest_bits;
	int n = dt_reg_count(dev), idx;

	idx = dt_intc_index(dev, (uint32_t)boot_hartid, IRQ_S_EXT, NULL);
	if (idx < 0)
		return idx;
	if (n <= 0 || n > IMSIC_MAX_REGS ||
	    dt_prop_u32(dev, "riscv,guest-index-bits", 0, &guest_bits) || guest_bits > 6)
		return -EINVAL;
	for (int i = 0; i < n; i++)
		if (dt_reg(dev, i, &regs[i].base, &regs[i].size))
			return -EINVAL;
	m->index = (uint32_t)idx;
	return imsic_file_addr(regs, n, guest_bits, m->index, &m->file) ? -EINVAL : 0;
}

static int imsic_probe(const struct dt_device *dev)
{
	struct imsic *m = &imsic0;
	uint32_t nids;
	int err;

	if (m->file) {
		pr_warn("imsic: %s: the boot hart's file is driven already, left alone\n",
			dev->name);
		return -ENODEV;
	}
	err = find_file(dev, m);
	if (err == -ENOENT) {
		pr_info("imsic: %s: no S-level file for hart %lu (the firmware's): not used\n",
			dev->name, (unsigned long)boot_hartid);
		return -ENODEV;
	}
	if (err || dt_prop_u32(dev, "riscv,num-ids", 0, &nids) || nids < 63 || nids > IMSIC_MAX_IDS)
		return -EINVAL;
	if (!dt_hart_has_ext((uint32_t)boot_hartid, "ssaia")) {
		/* Without Ssaia the file's CSRs do not exist: touching them would trap. */
		pr_warn("imsic: hart %lu lacks Ssaia in the device tree: not used\n",
			(unsigned long)boot_hartid);
		return -ENODEV;
	}
	err = vm_map_mmio(m->file, IMSIC_FILE_SIZE);
	if (err)
		return err;
	/* Nothing enabled, no threshold (every enabled identity interrupts), then delivery on. */
	for (uint32_t w = 0; w <= nids / 64; w++)
		ireg_write(IMSIC_EIE0 + 2 * w, 0);
	ireg_write(IMSIC_EITHRESHOLD, 0);
	ireg_write(IMSIC_EIDELIVERY, 1);
	m->chip = (struct irq_chip){ .name = "imsic",
				     .ops = &imsic_ops,
				     .phandle = dt_phandle(dev),
				     .nr = nids,
				     .root = true,
				     .priv = m };
	err = irq_chip_register(&m->chip);
	if (err)
		return err;
	pr_info("irq: IMSIC S-level file of hart %lu at %lx (index %u), %u identities\n",
		(unsigned long)boot_hartid, (unsigned long)m->file, m->index, nids);
	return 0;
}

static const struct dt_match imsic_match[] = {
	{ "riscv,imsics", NULL },
	{ "qemu,imsics", NULL },
	{ NULL, NULL },
};

const struct dt_driver imsic_driver = {
	.name = "imsic",
	.stage = DT_STAGE_IRQ,
	.match = imsic_match,
	.probe = imsic_probe,
};
