/* Console UARTs found in the device tree: ns16550a (incl. DesignWare APB) and SiFive UART. */
#pragma once
#include <stdint.h>

#define UART_NS16550 1
#define UART_SIFIVE  2

/* Start using the UART at base (identity-mapped MMIO). reg_shift/io_width only for ns16550. */
void uart_init(int kind, uint64_t base, uint32_t reg_shift, uint32_t io_width);
void uart_putc(char c);
/* Next received byte, or -1 if none (never blocks). */
int uart_getc(void);
/* Raise the UART's interrupt while received data is waiting (read it to lower it). */
void uart_enable_rx_irq(void);
