/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Console UARTs. ns16550: registers at (index << reg-shift), accessed reg-io-width bytes wide
 * (DesignWare APB UARTs need 4); firmware has already set the baud rate, so we only transmit
 * and receive. SiFive UART: txdata bit 31 = full, rxdata bit 31 = empty.
 */
#include "drivers/core/console.h"
#include "drivers/core/dt.h"
#include "drivers/uart.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/mmio.h"
#include "mm/vm.h"

#define NS_RBR	     0	  /* R: receive buffer */
#define NS_THR	     0	  /* W: transmit holding */
#define NS_IER	     1	  /* RW: interrupt enable */
#define NS_IER_ERBFI 0x01 /* received data available */
#define NS_LSR	     5	  /* R: line status */
#define NS_LSR_DR    0x01 /* data ready */
#define NS_LSR_THRE  0x20 /* transmit holding register empty */

#define SIFIVE_TXDATA  0x00
#define SIFIVE_RXDATA  0x04
#define SIFIVE_TXCTRL  0x08
#define SIFIVE_RXCTRL  0x0c
#define SIFIVE_IE      0x10
#define SIFIVE_IE_RXWM 0x2
#define SIFIVE_FULL    (1u << 31)
#define SIFIVE_EMPTY   (1u << 31)

enum uart_kind { UART_NS16550 = 1, UART_SIFIVE };

static const enum uart_kind kind_ns16550 = UART_NS16550, kind_sifive = UART_SIFIVE;

static const struct dt_match uart_match[] = {
	{ "ns16550a", &kind_ns16550 },
	{ "ns16550", &kind_ns16550 },
	{ "snps,dw-apb-uart", &kind_ns16550 },
	{ "sifive,uart0", &kind_sifive },
	{ NULL, NULL },
};

struct uart {
	enum uart_kind kind;
	uintptr_t base;
	uint32_t shift, width;
};

static struct uart uart0;
static char uart_desc[48]; /* "ns16550a at 10000000": the console's name in the boot log */

static uint32_t ns_read(const struct uart *u, unsigned reg)
{
	uintptr_t a = u->base + ((uintptr_t)reg << u->shift);
	return u->width == 4 ? mmio_read32(a) : mmio_read8(a);
}

static void ns_write(const struct uart *u, unsigned reg, uint32_t v)
{
	uintptr_t a = u->base + ((uintptr_t)reg << u->shift);
	if (u->width == 4)
		mmio_write32(a, v);
	else
		mmio_write8(a, (uint8_t)v);
}

static void ns_putc(void *ctx, char c)
{
	const struct uart *u = ctx;
	while (!(ns_read(u, NS_LSR) & NS_LSR_THRE))
		;
	ns_write(u, NS_THR, (uint8_t)c);
}

static int ns_getc(void *ctx)
{
	const struct uart *u = ctx;
	if (ns_read(u, NS_LSR) & NS_LSR_DR)
		return (int)(ns_read(u, NS_RBR) & 0xff);
	return -1;
}

static void ns_rx_irq_enable(void *ctx)
{
	ns_write(ctx, NS_IER, NS_IER_ERBFI);
}

static void sifive_putc(void *ctx, char c)
{
	const struct uart *u = ctx;
	while (mmio_read32(u->base + SIFIVE_TXDATA) & SIFIVE_FULL)
		;
	mmio_write32(u->base + SIFIVE_TXDATA, (uint8_t)c);
}

static int sifive_getc(void *ctx)
{
	const struct uart *u = ctx;
	uint32_t v = mmio_read32(u->base + SIFIVE_RXDATA);
	return (v & SIFIVE_EMPTY) ? -1 : (int)(v & 0xff);
}

static void sifive_rx_irq_enable(void *ctx)
{
	const struct uart *u = ctx;
	mmio_write32(u->base + SIFIVE_IE, SIFIVE_IE_RXWM);
}

static const struct console_ops ns16550_ops = {
	.putc = ns_putc,
	.getc = ns_getc,
	.rx_irq_enable = ns_rx_irq_enable,
};

static const struct console_ops sifive_ops = {
	.putc = sifive_putc,
	.getc = sifive_getc,
	.rx_irq_enable = sifive_rx_irq_enable,
};

/* reg, reg-shift (default 0) and reg-io-width (default 1) as the 8250 binding gives them. */
static int uart_parse(const struct dt_device *dev, struct uart *u, uint64_t *size)
{
	uint64_t base;
	uint32_t w;
	if (dt_reg(dev, 0, &base, size) || dt_prop_u32(dev, "reg-shift", 0, &u->shift) ||
	    dt_prop_u32(dev, "reg-io-width", 1, &w))
		return -EINVAL;
	if ((w != 1 && w != 2 && w != 4) || u->shift > 4)
		return -EINVAL;
	u->width = w == 4 ? 4 : 1;
	u->base = (uintptr_t)base;
	return 0;
}

static int uart_probe(const struct dt_device *dev)
{
	size_t out = dt_stdout();
	struct uart u = { .kind = *(const enum uart_kind *)dev->match->data };
	uint64_t size;
	int err;

	/* The stdout-path UART when it is one we drive, else the first one: the rest stay idle. */
	if (console_has_device() || (out && out != dev->node && dt_match_node(out, uart_match))) {
		pr_debug("uart: %s is not the console: left alone\n", dev->name);
		return -ENODEV;
	}
	err = uart_parse(dev, &u, &size);
	if (!err)
		err = vm_map_mmio(u.base, size ? size : PAGE_SIZE);
	if (err)
		return err;
	uart0 = u;
	ksnprintf(uart_desc, sizeof(uart_desc), "%s at %lx",
		  u.kind == UART_SIFIVE ? "sifive-uart" : "ns16550a", (unsigned long)u.base);
	if (u.kind == UART_SIFIVE) {
		mmio_write32(u.base + SIFIVE_TXCTRL, 1); /* txen */
		mmio_write32(u.base + SIFIVE_RXCTRL, 1); /* rxen */
		return console_register(uart_desc, &sifive_ops, &uart0, dev);
	}
	return console_register(uart_desc, &ns16550_ops, &uart0, dev);
}

const struct dt_driver uart_driver = {
	.name = "uart",
	.stage = DT_STAGE_EARLY,
	.match = uart_match,
	.probe = uart_probe,
};
