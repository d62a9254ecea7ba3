/*
 * The console: SBI until the DT's UART is up, then the UART (polled output). Input arrives by
 * the UART's interrupt, which only wakes the main loop; the PLIC dispatch drains the UART into
 * a small ring here, so the loop never reads UART registers while nothing was typed.
 */
#include <stdbool.h>
#include "boot/boot.h"
#include "boot/console.h"
#include "boot/irq.h"
#include "boot/sbi.h"
#include "drivers/uart.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

static bool uart_up;
static char rx_ring[64];
static unsigned rx_head, rx_tail; /* free-running; head - tail = bytes waiting */

void console_use_uart(int kind, uint64_t base, uint32_t reg_shift, uint32_t io_width)
{
	uart_init(kind, base, reg_shift, io_width);
	uart_up = true;
}

bool console_has_uart(void)
{
	return uart_up;
}

void console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if (uart_up)
				uart_putc('\r');
			else
				sbi_console_write("\r", 1);
		}
		if (uart_up)
			uart_putc(s[i]);
		else
			sbi_console_write(&s[i], 1);
	}
}

static void console_irq(void *arg)
{
	int c;
	(void)arg;
	while ((c = uart_getc()) >= 0) {
		if (rx_head - rx_tail < sizeof(rx_ring))
			rx_ring[rx_head++ % sizeof(rx_ring)] = (char)c;
	}
}

int console_input_init(void)
{
	if (!uart_up || !plat.uart_irq || irq_register(plat.uart_irq, console_irq, NULL))
		return -ENODEV;
	uart_enable_rx_irq();
	return 0;
}

int console_getc(void)
{
	if (rx_head == rx_tail)
		return -1;
	return (unsigned char)rx_ring[rx_tail++ % sizeof(rx_ring)];
}
