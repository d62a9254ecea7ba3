/* External interrupt handlers by PLIC source, dispatched from the main loop. */
#include <stddef.h>
#include "boot/boot.h"
#include "boot/irq.h"
#include "drivers/plic.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

#define IRQ_MAX 1024

struct irq_handler {
	void (*fn)(void *arg);
	void *arg;
};

static struct irq_handler handlers[IRQ_MAX];
static uint64_t spurious;

int irq_register(uint32_t irq, void (*fn)(void *arg), void *arg)
{
	if (!plat.has_plic || irq == 0 || irq >= IRQ_MAX || irq > plat.plic_ndev)
		return -EINVAL;
	if (handlers[irq].fn)
		return -EBUSY;
	handlers[irq] = (struct irq_handler){ fn, arg };
	plic_enable(irq, 1);
	pr_debug("irq: PLIC source %u enabled\n", irq);
	return 0;
}

int plic_dispatch(void)
{
	int n = 0;
	if (!plat.has_plic)
		return 0;
	for (;;) {
		uint32_t irq = plic_claim();
		if (irq == 0)
			break;
		/* The handler reads the device's cause register (e1000: ICR) before we complete:
		 * INTx is level-triggered, and completing first would re-raise at once. */
		if (irq < IRQ_MAX && handlers[irq].fn)
			handlers[irq].fn(handlers[irq].arg);
		else
			spurious++;
		plic_complete(irq);
		n++;
	}
	return n;
}
