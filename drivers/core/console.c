/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console: SBI until a console driver registers, then that device (polled output). Input
 * arrives by the device's interrupt, which only wakes the main loop; the handler drains the
 * device into a small ring here, so the loop never touches the device while nothing was
 * typed. Without an interrupt (no controller, or the SBI console on spike), console_getc reads
 * the device (or SBI) directly, and the main loop wakes on its tick to look.
 */
#include <stdbool.h>
#include "boot/sbi.h"
#include "drivers/core/console.h"
#include "drivers/core/irq.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

static struct {
	const char *name;
	const struct console_ops *ops;
	void *ctx;
	struct dt_device dev;
	bool have_dev, irq_driven;
} con;
static char rx_ring[64];
static unsigned rx_head, rx_tail; /* free-running; head - tail = bytes waiting */

int console_register(const char *name, const struct console_ops *ops, void *ctx,
		     const struct dt_device *dev)
{
	if (con.ops)
		return -EBUSY;
	con.name = name;
	con.ctx = ctx;
	con.have_dev = dev != NULL;
	if (dev)
		con.dev = *dev;
	con.ops = ops; /* last: console_write switches over here */
	return 0;
}

const char *console_name(void)
{
	return con.ops ? con.name : "SBI";
}

bool console_has_device(void)
{
	return con.ops != NULL;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (con.ops)
				con.ops->putc(con.ctx, '\r');
			else
				sbi_console_write("\r", 1);
		}
		if (con.ops)
			con.ops->putc(con.ctx, s[i]);
		else
			sbi_console_write(&s[i], 1);
	}
}

static void console_irq(void *arg)
{
	int c;
	(void)arg;
	while ((c = con.ops->getc(con.ctx)) >= 0) {
		if (rx_head - rx_tail < sizeof(rx_ring))
			rx_ring[rx_head++ % sizeof(rx_ring)] = (char)c;
	}
}

bool console_input_init(void)
{
	int irq;
	if (!con.ops || !con.have_dev || !con.ops->rx_irq_enable || !irq_can_wake())
		return false;
	irq = irq_request_dt(&con.dev, 0, console_irq, NULL, "console");
	if (irq < 0) {
		if (irq != -ENOENT)
			pr_warn("console: no input interrupt (%s): polled\n", errname(irq));
		return false;
	}
	con.ops->rx_irq_enable(con.ctx);
	con.irq_driven = true;
	return true;
}

bool console_polled(void)
{
	return !con.irq_driven;
}

int console_getc(void)
{
	if (!con.irq_driven) {
		if (con.ops)
			return con.ops->getc(con.ctx);
		return sbi_console_getc();
	}
	if (rx_head == rx_tail)
		return -1;
	return (unsigned char)rx_ring[rx_tail++ % sizeof(rx_ring)];
}
