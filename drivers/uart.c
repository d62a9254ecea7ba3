/*
 * Polled console UARTs. ns16550: registers at (index << reg-shift), accessed reg-io-width bytes
 * wide (DesignWare APB UARTs need 4); firmware has already set the baud rate, so we only
 * transmit and receive. SiFive UART: txdata bit 31 = full, rxdata bit 31 = empty.
 */
#include "drivers/uart.h"
#include "lib/mmio.h"

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

static struct {
	int kind;
	uintptr_t base;
	uint32_t shift, width;
} uart;

static uint32_t ns_read(unsigned reg)
{
	uintptr_t a = uart.base + ((uintptr_t)reg << uart.shift);
	return uart.width == 4 ? mmio_read32(a) : mmio_read8(a);
}

static void ns_write(unsigned reg, uint32_t v)
{
	uintptr_t a = uart.base + ((uintptr_t)reg << uart.shift);
	if (uart.width == 4)
		mmio_write32(a, v);
	else
		mmio_write8(a, (uint8_t)v);
}

void uart_init(int kind, uint64_t base, uint32_t reg_shift, uint32_t io_width)
{
	uart.base = (uintptr_t)base;
	uart.shift = reg_shift;
	uart.width = io_width == 4 ? 4 : 1;
	uart.kind = kind;
	if (kind == UART_SIFIVE) {
		mmio_write32(uart.base + SIFIVE_TXCTRL, 1); /* txen */
		mmio_write32(uart.base + SIFIVE_RXCTRL, 1); /* rxen */
	}
}

void uart_putc(char c)
{
	if (uart.kind == UART_SIFIVE) {
		while (mmio_read32(uart.base + SIFIVE_TXDATA) & SIFIVE_FULL)
			;
		mmio_write32(uart.base + SIFIVE_TXDATA, (uint8_t)c);
		return;
	}
	while (!(ns_read(NS_LSR) & NS_LSR_THRE))
		;
	ns_write(NS_THR, (uint8_t)c);
}

int uart_getc(void)
{
	if (uart.kind == UART_SIFIVE) {
		uint32_t v = mmio_read32(uart.base + SIFIVE_RXDATA);
		return (v & SIFIVE_EMPTY) ? -1 : (int)(v & 0xff);
	}
	if (uart.kind == UART_NS16550 && (ns_read(NS_LSR) & NS_LSR_DR))
		return (int)(ns_read(NS_RBR) & 0xff);
	return -1;
}

void uart_enable_rx_irq(void)
{
	if (uart.kind == UART_SIFIVE)
		mmio_write32(uart.base + SIFIVE_IE, SIFIVE_IE_RXWM);
	else if (uart.kind == UART_NS16550)
		ns_write(NS_IER, NS_IER_ERBFI);
}
