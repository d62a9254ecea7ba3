/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The interrupt core (drivers/core/irq.c) with fake controllers: requests by DT specifier and
 * by MSI, dispatch order (the handler before the acknowledgement, so a level line the handler
 * lowered is not raised again), spurious sources, masking, release, a chip that forwards its
 * sources as MSIs (the APLIC in MSI mode), MSI id allocation, and the bounds.
 */
#include <stdint.h>
#include <string.h>
#include "drivers/core/irq.h"
#include "drivers/imsic.h"
#include "lib/errno.h"
#include "tests/host/test.h"

static char calls[4096]; /* "<chip>.<op><hwirq>;" and "h<arg>;" in the order they happened */

static void log_call(const char *fmt, const char *name, uint32_t v)
{
	size_t n = strlen(calls);
	snprintf(calls + n, sizeof(calls) - n, fmt, name, v);
}

struct fake {
	uint32_t pending[8]; /* what claim returns, in order; 0 ends */
	int npending, next;
	bool always; /* claim returns pending[0] forever */
	uint32_t last_type, last_msi;
};

static int f_xlate(struct irq_chip *c, const uint32_t *cell, uint32_t n, uint32_t *hwirq,
		   unsigned *type)
{
	(void)c;
	if (n < 1)
		return -EINVAL;
	*hwirq = cell[0];
	*type = n > 1 ? cell[1] : IRQ_TYPE_NONE;
	return 0;
}

static int f_enable(struct irq_chip *c, uint32_t hwirq, unsigned type, uint32_t msi_id)
{
	struct fake *f = c->priv;
	f->last_type = type;
	f->last_msi = msi_id;
	log_call("%s.e%u;", c->name, hwirq);
	return 0;
}

static void f_disable(struct irq_chip *c, uint32_t hwirq)
{
	log_call("%s.d%u;", c->name, hwirq);
}

static void f_mask(struct irq_chip *c, uint32_t hwirq)
{
	log_call("%s.m%u;", c->name, hwirq);
}

static void f_unmask(struct irq_chip *c, uint32_t hwirq)
{
	log_call("%s.u%u;", c->name, hwirq);
}

static uint32_t f_claim(struct irq_chip *c)
{
	struct fake *f = c->priv;
	if (f->always)
		return f->pending[0];
	return f->next < f->npending ? f->pending[f->next++] : 0;
}

static void f_complete(struct irq_chip *c, uint32_t hwirq)
{
	log_call("%s.c%u;", c->name, hwirq);
}

static int f_msi_msg(struct irq_chip *c, uint32_t hwirq, struct msi_msg *msg)
{
	(void)c;
	msg->addr = 0x28001000;
	msg->data = hwirq;
	return 0;
}

static const struct irq_chip_ops wired_ops = {
	.xlate = f_xlate,
	.enable = f_enable,
	.disable = f_disable,
	.mask = f_mask,
	.unmask = f_unmask,
	.claim = f_claim,
	.complete = f_complete,
};

/* An IMSIC-like root: claims are final, no complete step. */
static const struct irq_chip_ops msi_ops = {
	.xlate = f_xlate,
	.enable = f_enable,
	.disable = f_disable,
	.mask = f_mask,
	.unmask = f_unmask,
	.claim = f_claim,
	.msi_msg = f_msi_msg,
};

/* An APLIC-in-MSI-mode-like forwarder: no claim; complete re-triggers a line still high. */
static const struct irq_chip_ops fwd_ops = {
	.xlate = f_xlate,
	.enable = f_enable,
	.disable = f_disable,
	.mask = f_mask,
	.unmask = f_unmask,
	.complete = f_complete,
};

static void handler(void *arg)
{
	size_t n = strlen(calls);
	snprintf(calls + n, sizeof(calls) - n, "h%s;", (const char *)arg);
}

static void set_pending(struct fake *f, int n, const uint32_t *ids)
{
	memcpy(f->pending, ids, sizeof(uint32_t) * (size_t)n);
	f->npending = n;
	f->next = 0;
}

static void test_wired(void)
{
	static struct fake fp;
	static struct irq_chip plic = { "plic", &wired_ops, 5, 96, true, NULL, &fp, 0, 0, NULL };
	struct dt_irq spec = { 5, 1, { 33 } };
	char route[48];
	int a, b;

	irq_reset();
	ok(!irq_can_wake() && !irq_msi_chip(), "nothing registered");
	ok(irq_chip_register(&plic) == 0 && irq_can_wake(), "root chip wakes");
	ok(irq_chip_find(5) == &plic && !irq_chip_find(6) && !irq_chip_find(0), "find by phandle");
	ok(irq_chip_register(&plic) == -EBUSY, "phandle taken");
	calls[0] = 0;
	a = irq_request_spec(&spec, handler, "uart", "console");
	ok(a >= 0 && !strcmp(calls, "plic.e33;"), "requested: %d %s", a, calls);
	ok(!strcmp(irq_describe(a, route, sizeof(route)), "plic 33"), "route %s", route);
	ok(irq_request_spec(&spec, handler, "x", "x") == -EBUSY, "twice");
	spec.cell[0] = 0;
	ok(irq_request_spec(&spec, handler, "x", "x") == -EINVAL, "source 0");
	spec.cell[0] = 97;
	ok(irq_request_spec(&spec, handler, "x", "x") == -EINVAL, "beyond nr");
	spec = (struct dt_irq){ 9, 1, { 3 } };
	ok(irq_request_spec(&spec, handler, "x", "x") == -ENODEV, "unknown controller");
	spec = (struct dt_irq){ 5, 0, { 0 } };
	ok(irq_request_spec(&spec, handler, "x", "x") == -EINVAL, "no cells");
	spec = (struct dt_irq){ 5, 2, { 34, IRQ_TYPE_LEVEL_HIGH } };
	b = irq_request_spec(&spec, handler, "nic", "eth0");
	ok(b >= 0 && b != a && fp.last_type == IRQ_TYPE_LEVEL_HIGH, "second source, typed");

	/* the handler runs before the chip completes: a level line is low again by then */
	calls[0] = 0;
	set_pending(&fp, 2, (const uint32_t[]){ 34, 33 });
	ok(irq_dispatch() == 2, "two handled");
	ok(!strcmp(calls, "hnic;plic.c34;huart;plic.c33;"), "order: %s", calls);
	ok(irq_count(a) == 1 && irq_count(b) == 1, "counted");
	ok(irq_dispatch() == 0, "nothing pending");

	/* a source nobody asked for: disabled and completed, counted per chip */
	calls[0] = 0;
	host_console_clear();
	set_pending(&fp, 2, (const uint32_t[]){ 40, 40 });
	ok(irq_dispatch() == 2 && plic.spurious == 2, "spurious counted");
	ok(!strcmp(calls, "plic.d40;plic.c40;plic.d40;plic.c40;"), "spurious: %s", calls);
	ok(strstr(host_console, "plic 40 fired with no handler") != NULL &&
		   !strstr(strstr(host_console, "no handler") + 1, "no handler"),
	   "warned once: %s", host_console);

	calls[0] = 0;
	irq_mask(a);
	irq_unmask(a);
	irq_mask(-1);
	irq_mask(IRQ_MAX);
	ok(!strcmp(calls, "plic.m33;plic.u33;"), "mask/unmask: %s", calls);

	/* a source that never goes quiet cannot hold the loop */
	fp.always = true;
	fp.pending[0] = 34;
	ok(irq_dispatch() == 256, "bounded");
	fp.always = false;

	calls[0] = 0;
	irq_release(b);
	ok(!strcmp(calls, "plic.d34;") && irq_count(b) == 0, "released: %s", calls);
	set_pending(&fp, 1, (const uint32_t[]){ 34 });
	calls[0] = 0;
	irq_dispatch();
	ok(!strstr(calls, "hnic"), "no handler after release: %s", calls);
	ok(irq_request_spec(&spec, handler, "nic", "eth0") >= 0, "requested again");
	ok(irq_request_spec(&spec, NULL, "nic", "eth0") == -EINVAL, "no handler");
}

static void test_msi(void)
{
	static struct fake fi, fa;
	static struct irq_chip imsic = { "imsic", &msi_ops, 6, 4, true, NULL, &fi, 0, 0, NULL };
	static struct irq_chip aplic = { "aplic", &fwd_ops, 8, 96, false, &imsic, &fa, 0, 0, NULL };
	struct dt_irq spec = { 8, 2, { 10, IRQ_TYPE_LEVEL_HIGH } };
	struct msi_msg msg = { 0, 0 };
	char route[48];
	int u, m, n;

	irq_reset();
	ok(irq_request_msi(handler, "x", "x", &msg) == -ENODEV, "no MSI controller");
	ok(irq_chip_register(&aplic) == 0 && !irq_can_wake(), "a forwarder alone cannot wake");
	ok(irq_chip_register(&imsic) == 0 && irq_can_wake() && irq_msi_chip() == &imsic,
	   "MSI controller");
	/* a wired source on the forwarder: an MSI id on the parent, then the source */
	calls[0] = 0;
	u = irq_request_spec(&spec, handler, "uart", "console");
	ok(u >= 0 && !strcmp(calls, "imsic.e1;aplic.e10;") && fa.last_msi == 1 &&
		   fa.last_type == IRQ_TYPE_LEVEL_HIGH,
	   "forwarded: %s (msi id %u)", calls, fa.last_msi);
	ok(!strcmp(irq_describe(u, route, sizeof(route)), "imsic 1 (aplic 10)"), "route %s",
	   route);
	m = irq_request_msi(handler, "rx", "eth0-rx", &msg);
	ok(m >= 0 && msg.addr == 0x28001000 && msg.data == 2, "MSI id 2: %llx/%u",
	   (unsigned long long)msg.addr, msg.data);
	calls[0] = 0;
	set_pending(&fi, 2, (const uint32_t[]){ 2, 1 });
	ok(irq_dispatch() == 2, "two MSIs");
	ok(!strcmp(calls, "hrx;huart;aplic.c10;"), "MSI: no complete; forwarded: source's: %s",
	   calls);
	n = irq_request_msi(handler, "tx", "eth0-tx", &msg);
	ok(n >= 0 && msg.data == 3, "id 3");
	ok(irq_request_msi(handler, "o", "eth0-other", &msg) >= 0 && msg.data == 4, "id 4");
	ok(irq_request_msi(handler, "z", "z", &msg) == -ENOSPC, "ids exhausted");
	spec.cell[0] = 11;
	ok(irq_request_spec(&spec, handler, "z", "z") == -ENOSPC, "forwarder: no id left");
	calls[0] = 0;
	irq_release(u);
	ok(!strcmp(calls, "aplic.d10;imsic.d1;"), "release both ends: %s", calls);
}

static void test_table_full(void)
{
	static struct fake fp;
	static struct irq_chip plic = { "plic", &wired_ops, 5, 1023, true, NULL, &fp, 0, 0, NULL };
	int last = 0;
	irq_reset();
	irq_chip_register(&plic);
	for (uint32_t i = 1; i <= IRQ_MAX; i++) {
		struct dt_irq spec = { 5, 1, { i } };
		last = irq_request_spec(&spec, handler, "n", "n");
	}
	ok(last == IRQ_MAX - 1, "IRQ_MAX requests fit: %d", last);
	{
		struct dt_irq spec = { 5, 1, { IRQ_MAX + 1 } };
		ok(irq_request_spec(&spec, handler, "n", "n") == -ENOSPC, "table full");
	}
	irq_reset();
}

/* The boot hart's interrupt file: its index-th 4 KiB file (times the guest files), across
 * reg regions (AIA spec 3.6; QEMU virt: 0x28000000, one page per hart). */
static void test_imsic_files(void)
{
	const struct fdt_range one[] = { { 0x28000000, 0x4000 } };
	const struct fdt_range two[] = { { 0x28000000, 0x2000 }, { 0x38000000, 0x2000 } };
	uint64_t a = 0;
	ok(imsic_file_addr(one, 1, 0, 0, &a) == 0 && a == 0x28000000, "hart index 0");
	ok(imsic_file_addr(one, 1, 0, 3, &a) == 0 && a == 0x28003000, "hart index 3: %llx",
	   (unsigned long long)a);
	ok(imsic_file_addr(one, 1, 0, 4, &a) == -ENOENT, "beyond the region");
	ok(imsic_file_addr(one, 1, 1, 1, &a) == 0 && a == 0x28002000, "one guest file each");
	ok(imsic_file_addr(two, 2, 0, 2, &a) == 0 && a == 0x38000000, "second region (group)");
	ok(imsic_file_addr(two, 2, 0, 4, &a) == -ENOENT, "past both");
}

int main(void)
{
	test_imsic_files();
	test_wired();
	test_msi();
	test_table_full();
	TEST_DONE();
}
