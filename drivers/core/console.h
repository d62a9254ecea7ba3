/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console (console_write itself is declared in lib/kprintf.h). Output goes through the SBI
 * until a console driver registers (a UART from the DT), then through it. Input: by the
 * device's interrupt when the interrupt core can deliver it (it only wakes the main loop; the
 * handler drains the device into a small ring), else polled by the main loop on its tick.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "drivers/core/dt.h"

struct console_ops {
	void (*putc)(void *ctx, char c);
	/* Next received byte or -1 (never blocks). */
	int (*getc)(void *ctx);
	/* Raise the device's interrupt while received data waits (may be NULL: polled only). */
	void (*rx_irq_enable)(void *ctx);
};

/*
 * Use this device as the console from now on (a console driver's probe). dev: its DT node,
 * for the interrupt (NULL if none). 0, or -EBUSY when a console is already registered.
 */
int console_register(const char *name, const struct console_ops *ops, void *ctx,
		     const struct dt_device *dev);
/* The console's name ("ns16550a", "sifive-uart", or "SBI" before any registers). */
const char *console_name(void);
bool console_has_device(void);
/* Take input by the console device's interrupt if the interrupt core can deliver it (after the
 * interrupt controllers are up); else input is polled. Returns true if interrupt-driven. */
bool console_input_init(void);
/* Input must be polled (no device interrupt): the main loop then wakes on its tick. */
bool console_polled(void);
/* Next input byte or -1 (never blocks). */
int console_getc(void);
