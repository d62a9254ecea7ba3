/* PLIC per the RISC-V PLIC specification v1.0.0: priorities, enables, threshold, claim/complete. */
#include "drivers/plic.h"
#include "lib/mmio.h"

#define PLIC_PRIORITY(irq)    ((uintptr_t)4 * (irq))			    /* RW */
#define PLIC_ENABLE(ctx, irq) (0x2000u + 0x80u * (ctx) + 4u * ((irq) / 32)) /* RW */
#define PLIC_THRESHOLD(ctx)   (0x200000u + 0x1000u * (ctx))		    /* RW */
#define PLIC_CLAIM(ctx)	      (0x200004u + 0x1000u * (ctx)) /* R: claim, W: complete */

static uintptr_t plic_base;
static int plic_ctx;

void plic_init(uint64_t base, uint32_t ndev, int context)
{
	plic_base = (uintptr_t)base;
	plic_ctx = context;
	for (uint32_t w = 0; w <= ndev / 32; w++)
		mmio_write32(plic_base + PLIC_ENABLE(context, w * 32), 0);
	mmio_write32(plic_base + PLIC_THRESHOLD(context), 0);
}

void plic_enable(uint32_t irq, uint32_t priority)
{
	uintptr_t en = plic_base + PLIC_ENABLE(plic_ctx, irq);
	mmio_write32(plic_base + PLIC_PRIORITY(irq), priority);
	mmio_write32(en, mmio_read32(en) | (1u << (irq % 32)));
}

uint32_t plic_claim(void)
{
	return mmio_read32(plic_base + PLIC_CLAIM(plic_ctx));
}

void plic_complete(uint32_t irq)
{
	mmio_write32(plic_base + PLIC_CLAIM(plic_ctx), irq);
}
