/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * In-guest tests of the interrupt controllers, on whichever the machine has (tests/run-guest.py
 * boots the test kernel on the PLIC, the APLIC in direct mode and the IMSIC with the APLIC in
 * MSI mode, with a non-zero boot hart, and on spike with none): an interrupt raised by a
 * device or by software wakes wfi on the boot hart, is claimed and handled once; masked, it is
 * held back; unmasked, it arrives. Sources: the NIC's own cause-set register (INTx through the
 * PLIC or APLIC, or its MSI-X "other" vector), the APLIC's setipnum on a spare source, and a
 * message written to the IMSIC file as a device would.
 */
#include <stdint.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "boot/init/main.h"
#include "boot/time.h"
#include "drivers/aplic.h"
#include "drivers/core/console.h"
#include "drivers/core/irq.h"
#include "drivers/e1000.h"
#include "drivers/e1000_regs.h"
#include "drivers/pci.h"
#include "lib/mmio.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "net/netdev.h"
#include "tests/guest/gtest.h"

#define SPARE_SOURCE 60 /* an APLIC source no QEMU virt device uses */

static int hits;
static void count_hit(void *arg)
{
	(void)arg;
	hits++;
}

/* Is the S-external interrupt pending at the hart (what ends wfi)? */
static bool seip(void)
{
	return (csr_read(CSR_SIP) & SIE_SEIE) != 0;
}

/* Wait (spinning, at most 20 ms) for the hart to see the external interrupt. */
static bool wait_seip(void)
{
	uint64_t end = clock_ns() + 20 * NSEC_PER_MSEC;
	while (!seip() && clock_ns() < end)
		;
	return seip();
}

/* Sleep in wfi with a 500 ms timer as a safety net; true if something else woke us first. */
static bool woken_early(void)
{
	uint64_t t0 = clock_ns();
	time_wake_at(t0 + 500 * NSEC_PER_MSEC);
	cpu_idle();
	time_wake_at(UINT64_MAX);
	return clock_ns() - t0 < 250 * NSEC_PER_MSEC;
}

/* The boot.hart= the harness asked for, or UINT64_MAX. */
static uint64_t want_hart(void)
{
	const char *a = machine.bootargs;
	uint64_t h = 0;
	while (a && *a && strncmp(a, "boot.hart=", 10) != 0)
		a++;
	if (!a || !*a)
		return UINT64_MAX;
	for (a += 10; *a >= '0' && *a <= '9'; a++)
		h = h * 10 + (uint64_t)(*a - '0');
	return h;
}

GTEST(irq_controller_and_boot_hart)
{
	uint64_t h = want_hart();
	ok(h == UINT64_MAX || boot_hartid == h, "running on hart %lu, boot.hart=%lu asked",
	   (unsigned long)boot_hartid, (unsigned long)h);
	if (!irq_can_wake()) {
		/* spike (run-guest.py checks which machine says which controller): the loop polls
		 * every device on its tick */
		ok(console_polled() && !(csr_read(CSR_SIE) & SIE_SEIE), "no controller: polled");
		return;
	}
	ok(csr_read(CSR_SIE) & SIE_SEIE, "sie.SEIE set");
	ok(!console_polled(), "console input by interrupt");
}

/* The first e1000-family NIC's PCI function. */
static struct pci_dev *nic_function(void)
{
	for (int i = 0; i < pci_count(); i++) {
		struct pci_dev *pd = pci_get(i);
		if (pd->driver && !strcmp(pd->driver, "e1000"))
			return pd;
	}
	return NULL;
}

/* ICS sets causes as if the device had them: LSC is always unmasked, so it interrupts (INTx
 * or MSI: the one vector; MSI-X: "other", vector 2). */
static void nic_raise_lsc(void)
{
	e1000_reg_write(0, E1000_ICS, E1000_ICR_LSC);
}

GTEST(irq_nic_raised_claimed_masked)
{
	struct pci_dev *pd = nic_function();
	struct netdev *nd = e1000_netdev(0);
	int vec, irq, n;
	uint64_t irqs, taken;
	if (!pd || !nd || pd->irq_mode == PCI_IRQ_NONE)
		return; /* no NIC (spike), or one without interrupts */
	vec = pd->irq_mode == PCI_IRQ_MSIX ? 2 : 0;
	irq = pd->irq[vec];
	ok(irq >= 0, "vector %d requested", vec);
	irq_dispatch(); /* nothing left over from bring-up */
	irqs = nd->stats.irqs;
	taken = irq_count(irq);
	nic_raise_lsc();
	ok(woken_early(), "wfi woken by the NIC (%s)", pci_irq_mode_name(pd->irq_mode));
	n = irq_dispatch();
	ok(n == 1 && irq_count(irq) == taken + 1 && nd->stats.irqs == irqs + 1,
	   "claimed and handled once: %d dispatched, %lu taken", n,
	   (unsigned long)(irq_count(irq) - taken));
	ok(!seip(), "nothing pending afterwards (the line dropped / the message was claimed)");
	ok(irq_dispatch() == 0, "no second claim");

	/* masked at the controller: raised but not delivered; unmasked: delivered */
	irq_mask(irq);
	nic_raise_lsc();
	ok(!wait_seip(), "masked: the hart sees nothing");
	ok(irq_dispatch() == 0, "masked: nothing to claim");
	irq_unmask(irq);
	ok(wait_seip(), "unmasked: the held interrupt arrives");
	ok(irq_dispatch() == 1 && irq_count(irq) == taken + 2, "and is handled");
	if (pd->irq_mode == PCI_IRQ_MSIX) {
		/* masked at the device (the MSI-X entry): the message waits in its pending bit */
		pci_irq_mask(pd, vec, true);
		nic_raise_lsc();
		ok(!wait_seip(), "MSI-X entry masked: no message");
		pci_irq_mask(pd, vec, false);
		ok(wait_seip() && irq_dispatch() == 1, "MSI-X entry unmasked: the message is sent");
	}
}

GTEST(irq_aplic_software_source)
{
	struct irq_chip *a = NULL;
	for (uint32_t ph = 1; ph < 64 && !a; ph++) {
		struct irq_chip *c = irq_chip_find(ph);
		if (c && !strcmp(c->name, "aplic"))
			a = c;
	}
	if (!a)
		return; /* not an AIA machine */
	struct dt_irq spec = { a->phandle, 2, { SPARE_SOURCE, IRQ_TYPE_EDGE_RISING } };
	int irq = irq_request_spec(&spec, count_hit, NULL, "gtest-aplic");
	ok(irq >= 0, "spare source %d requested (%d)", SPARE_SOURCE, irq);
	if (irq < 0)
		return;
	hits = 0;
	aplic_raise(SPARE_SOURCE);
	ok(woken_early(), "wfi woken by APLIC source %d (%s)", SPARE_SOURCE,
	   a->root ? "direct" : "MSI to the IMSIC");
	ok(irq_dispatch() == 1 && hits == 1, "claimed and handled once: %d", hits);
	ok(!seip() && irq_dispatch() == 0, "nothing left pending");
	irq_mask(irq);
	aplic_raise(SPARE_SOURCE);
	ok(!wait_seip() && irq_dispatch() == 0 && hits == 1, "masked: held back");
	irq_unmask(irq);
	ok(wait_seip() && irq_dispatch() == 1 && hits == 2, "unmasked: delivered (%d)", hits);
	irq_release(irq);
	aplic_raise(SPARE_SOURCE);
	ok(!wait_seip() && irq_dispatch() == 0 && hits == 2, "released: not delivered");
}

GTEST(irq_msi_written_like_a_device)
{
	struct msi_msg msg;
	int irq;
	if (!irq_msi_chip())
		return; /* no IMSIC */
	irq = irq_request_msi(count_hit, NULL, "gtest-msi", &msg);
	ok(irq >= 0, "MSI allocated (%d)", irq);
	if (irq < 0)
		return;
	hits = 0;
	mmio_write32((uintptr_t)msg.addr, msg.data); /* what a PCI function's MSI write does */
	ok(woken_early(), "wfi woken by MSI %u at %lx", msg.data, (unsigned long)msg.addr);
	ok(irq_dispatch() == 1 && hits == 1, "claimed once: %d", hits);
	irq_mask(irq);
	mmio_write32((uintptr_t)msg.addr, msg.data);
	ok(!wait_seip() && irq_dispatch() == 0, "masked: pending, not signalled");
	irq_unmask(irq);
	ok(wait_seip() && irq_dispatch() == 1 && hits == 2, "unmasked: delivered");
	irq_release(irq);
}
