/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The S-level APLIC domain (RISC-V AIA spec v1.0, chapter 4). Every source we use gets its
 * trigger mode in sourcecfg, a target (direct mode: the boot hart's IDC and priority 1; MSI
 * mode: the boot hart's IMSIC index and the identity the interrupt core allocated), and its
 * enable bit. Direct mode: the hart's IDC signals S-external while an enabled source is
 * pending; we read topi to learn which, run the handler, then read claimi, which clears the
 * pending bit (a level source still asserted is pending again at once, so the handler must
 * lower it first: the same rule as the PLIC's complete). MSI mode: the APLIC writes the MSI
 * to the IMSIC when a source becomes pending; after the handler, a level source that is still
 * asserted is set pending again (setipnum), which sends a fresh MSI.
 */
#include "boot/boot.h"
#include "boot/csr.h"
#include "drivers/aplic.h"
#include "drivers/core/irq.h"
#include "lib/byteorder.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "mm/vm.h"

/* Registers (AIA spec 4.5). */
#define APLIC_DOMAINCFG		0x0000 /* RW: IE bit 8, DM bit 2 (MSI delivery), BE bit 0 */
#define APLIC_DOMAINCFG_IE	(1u << 8)
#define APLIC_DOMAINCFG_DM	(1u << 2)
#define APLIC_SOURCECFG(i)	(0x0004u + 4u * ((i)-1)) /* RW: D bit 10, SM bits 2:0 */
#define APLIC_SM_INACTIVE	0
#define APLIC_SM_EDGE_RISE	4
#define APLIC_SM_EDGE_FALL	5
#define APLIC_SM_LEVEL_HIGH	6
#define APLIC_SM_LEVEL_LOW	7
#define APLIC_IN_CLRIP(w)	(0x1d00u + 4u * (w)) /* R: rectified inputs, 32 sources a word */
#define APLIC_SETIPNUM		0x1cdc		     /* W: set pending of one source */
#define APLIC_SETIENUM		0x1edc		     /* W: enable one source */
#define APLIC_CLRIENUM		0x1fdc		     /* W: disable one source */
#define APLIC_CLRIE(w)		(0x1f00u + 4u * (w))
#define APLIC_TARGET(i)		(0x3004u + 4u * ((i)-1))
#define APLIC_TARGET_HART_SHIFT 18 /* hart index, bits 31:18 */
#define APLIC_TARGET_PRIO	1  /* direct mode: priority bits 7:0 (1 = highest) */
/* Interrupt delivery control of hart index h (direct mode, AIA spec 4.8). */
#define APLIC_IDC(h)	     (0x4000u + 32u * (h))
#define APLIC_IDC_IDELIVERY  0x00
#define APLIC_IDC_IFORCE     0x04
#define APLIC_IDC_ITHRESHOLD 0x08
#define APLIC_IDC_TOPI	     0x18
#define APLIC_IDC_CLAIMI     0x1c
#define APLIC_TOPI_ID_SHIFT  16
#define APLIC_TOPI_ID_MASK   0x3ff
#define APLIC_MAX_SOURCES    1023

struct aplic {
	uintptr_t base;
	bool msi;      /* MSI delivery mode */
	uint32_t hart; /* direct: the boot hart's IDC; MSI: its IMSIC hart index */
	uint8_t sm[APLIC_MAX_SOURCES + 1]; /* the source mode each enabled source got */
	struct irq_chip chip;
};

static struct aplic aplic0;

static uint32_t rd(const struct aplic *a, uint32_t reg)
{
	return mmio_read32(a->base + reg);
}

static void wr(const struct aplic *a, uint32_t reg, uint32_t v)
{
	mmio_write32(a->base + reg, v);
}

/* Two cells: the source and its trigger (IRQ_TYPE_*); one cell: the source, level-high. */
static int aplic_xlate(struct irq_chip *c, const uint32_t *cell, uint32_t n, uint32_t *hwirq,
		       unsigned *type)
{
	(void)c;
	if (n < 1)
		return -EINVAL;
	*hwirq = cell[0];
	*type = n > 1 ? cell[1] : IRQ_TYPE_LEVEL_HIGH;
	return 0;
}

static int source_mode(unsigned type, uint8_t *sm)
{
	switch (type) {
	case IRQ_TYPE_NONE:
	case IRQ_TYPE_LEVEL_HIGH:
		*sm = APLIC_SM_LEVEL_HIGH;
		return 0;
	case IRQ_TYPE_LEVEL_LOW:
		*sm = APLIC_SM_LEVEL_LOW;
		return 0;
	case IRQ_TYPE_EDGE_RISING:
		*sm = APLIC_SM_EDGE_RISE;
		return 0;
	case IRQ_TYPE_EDGE_FALLING:
		*sm = APLIC_SM_EDGE_FALL;
		return 0;
	default:
		return -EINVAL;
	}
}

static int aplic_enable(struct irq_chip *c, uint32_t src, unsigned type, uint32_t msi_id)
{
	struct aplic *a = c->priv;
	uint8_t sm;
	if (source_mode(type, &sm) || (a->msi && msi_id == 0))
		return -EINVAL;
	a->sm[src] = sm;
	wr(a, APLIC_SOURCECFG(src), sm);
	wr(a, APLIC_TARGET(src),
	   a->hart << APLIC_TARGET_HART_SHIFT | (a->msi ? msi_id : APLIC_TARGET_PRIO));
	wr(a, APLIC_SETIENUM, src);
	return 0;
}

static void aplic_disable(struct irq_chip *c, uint32_t src)
{
	wr(c->priv, APLIC_CLRIENUM, src);
}

static void aplic_unmask(struct irq_chip *c, uint32_t src)
{
	wr(c->priv, APLIC_SETIENUM, src);
}

/* Direct mode: which source the IDC signals (topi has no side effect). */
static uint32_t aplic_topi(struct irq_chip *c)
{
	struct aplic *a = c->priv;
	return (rd(a, APLIC_IDC(a->hart) + APLIC_IDC_TOPI) >> APLIC_TOPI_ID_SHIFT) &
	       APLIC_TOPI_ID_MASK;
}

static bool is_level(const struct aplic *a, uint32_t src)
{
	return a->sm[src] == APLIC_SM_LEVEL_HIGH || a->sm[src] == APLIC_SM_LEVEL_LOW;
}

/*
 * Direct mode: claimi clears the pending bit of the top source, now that the handler has
 * lowered its line. Should another source have become the top one meanwhile, its pending bit
 * was the one cleared: set it again (an edge would be lost; a level source is pending again
 * while asserted anyway, and setipnum does nothing to it).
 */
static void aplic_claimi(struct irq_chip *c, uint32_t src)
{
	struct aplic *a = c->priv;
	uint32_t got = (rd(a, APLIC_IDC(a->hart) + APLIC_IDC_CLAIMI) >> APLIC_TOPI_ID_SHIFT) &
		       APLIC_TOPI_ID_MASK;
	if (got && got != src && !is_level(a, got))
		wr(a, APLIC_SETIPNUM, got);
}

/* MSI mode: a level source still asserted after its handler sends again (the APLIC sent one
 * MSI when it became pending; a write to setipnum is ignored unless the input is asserted). */
static void aplic_msi_complete(struct irq_chip *c, uint32_t src)
{
	struct aplic *a = c->priv;
	if (is_level(a, src) && (rd(a, APLIC_IN_CLRIP(src / 32)) & (1u << (src % 32))))
		wr(a, APLIC_SETIPNUM, src);
}

static const struct irq_chip_ops aplic_direct_ops = {
	.xlate = aplic_xlate,
	.enable = aplic_enable,
	.disable = aplic_disable,
	.mask = aplic_disable,
	.unmask = aplic_unmask,
	.claim = aplic_topi,
	.complete = aplic_claimi,
};

static const struct irq_chip_ops aplic_msi_ops = {
	.xlate = aplic_xlate,
	.enable = aplic_enable,
	.disable = aplic_disable,
	.mask = aplic_disable,
	.unmask = aplic_unmask,
	.complete = aplic_msi_complete,
};

void aplic_raise(uint32_t source)
{
	if (aplic0.base)
		wr(&aplic0, APLIC_SETIPNUM, source);
}

/*
 * Which domain this node is: ours if it delivers to the boot hart in S-mode, directly (an
 * interrupts-extended entry with cause 9) or through its msi-parent (an IMSIC with such an
 * entry). *parent gets the MSI controller's phandle (0: direct). -ENOENT: not ours.
 */
static int find_target(const struct dt_device *dev, uint32_t *hart, uint32_t *parent)
{
	uint32_t len;
	const uint8_t *v = dt_prop(dev, "msi-parent", &len);
	struct dt_device imsic;
	int idx;
	*parent = 0;
	if (v) {
		if (len < 4 || dt_device_at(get_be32(v), &imsic))
			return -EINVAL;
		*parent = get_be32(v);
		idx = dt_intc_index(&imsic, (uint32_t)boot_hartid, IRQ_S_EXT, NULL);
	} else {
		idx = dt_intc_index(dev, (uint32_t)boot_hartid, IRQ_S_EXT, NULL);
	}
	if (idx >= 0)
		*hart = (uint32_t)idx;
	return idx < 0 ? idx : 0;
}

/* Quiet the domain: delivery off, every source inactive and disabled. */
static void aplic_reset(struct aplic *a, uint32_t nsrc)
{
	wr(a, APLIC_DOMAINCFG, 0);
	for (uint32_t w = 0; w <= nsrc / 32; w++)
		wr(a, APLIC_CLRIE(w), 0xffffffffu);
	for (uint32_t i = 1; i <= nsrc; i++)
		wr(a, APLIC_SOURCECFG(i), APLIC_SM_INACTIVE);
}

static int aplic_probe(const struct dt_device *dev)
{
	struct aplic *a = &aplic0;
	uint64_t base, size;
	uint32_t nsrc, parent = 0, hart = 0, cfg;
	struct irq_chip *msi = NULL;
	int err;

	if (a->base) {
		pr_warn("aplic: %s: one S-level domain is driven already, left alone\n", dev->name);
		return -ENODEV;
	}
	err = find_target(dev, &hart, &parent);
	if (err == -ENOENT) {
		pr_info("aplic: %s: no S-mode target on hart %lu (the firmware's domain): not "
			"used\n",
			dev->name, (unsigned long)boot_hartid);
		return -ENODEV;
	}
	if (err || dt_reg(dev, 0, &base, &size) ||
	    dt_prop_u32(dev, "riscv,num-sources", 0, &nsrc) || nsrc == 0 ||
	    nsrc > APLIC_MAX_SOURCES)
		return -EINVAL;
	if (parent && !(msi = irq_chip_find(parent)))
		return -EAGAIN; /* its IMSIC is probed later in this stage */
	err = vm_map_mmio(base, size);
	if (err)
		return err;
	*a = (struct aplic){ .base = (uintptr_t)base, .msi = parent != 0, .hart = hart };
	aplic_reset(a, nsrc);
	if (!a->msi) {
		wr(a, APLIC_IDC(hart) + APLIC_IDC_IFORCE, 0);
		wr(a, APLIC_IDC(hart) + APLIC_IDC_ITHRESHOLD, 0); /* every priority */
		wr(a, APLIC_IDC(hart) + APLIC_IDC_IDELIVERY, 1);
	}
	/* DM may be read-only (an APLIC built for one mode): what it reads back is the mode. */
	wr(a, APLIC_DOMAINCFG, APLIC_DOMAINCFG_IE | (a->msi ? APLIC_DOMAINCFG_DM : 0));
	cfg = rd(a, APLIC_DOMAINCFG);
	if (!(cfg & APLIC_DOMAINCFG_IE) || !(cfg & APLIC_DOMAINCFG_DM) != !a->msi) {
		pr_err("aplic: %s: domaincfg reads %08x: not the %s delivery the tree says\n",
		       dev->name, cfg, a->msi ? "MSI" : "direct");
		a->base = 0;
		return -EIO;
	}
	a->chip = (struct irq_chip){ .name = "aplic",
				     .ops = a->msi ? &aplic_msi_ops : &aplic_direct_ops,
				     .phandle = dt_phandle(dev),
				     .nr = nsrc,
				     .root = !a->msi,
				     .parent = msi,
				     .priv = a };
	err = irq_chip_register(&a->chip);
	if (err)
		return err;
	pr_info("irq: APLIC at %lx, %u sources, %s, hart %lu (%s %u)\n", (unsigned long)base, nsrc,
		a->msi ? "MSI delivery to the IMSIC" : "direct delivery",
		(unsigned long)boot_hartid, a->msi ? "hart index" : "IDC", hart);
	return 0;
}

static const struct dt_match aplic_match[] = {
	{ "riscv,aplic", NULL },
	{ "qemu,aplic", NULL },
	{ NULL, NULL },
};

const struct dt_driver aplic_driver = {
	.name = "aplic",
	.stage = DT_STAGE_IRQ,
	.match = aplic_match,
	.probe = aplic_probe,
};
