/* Console selection (console_write itself is declared in lib/kprintf.h). */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void console_use_uart(int kind, uint64_t base, uint32_t reg_shift, uint32_t io_width);
bool console_has_uart(void);
/* Take input by the UART interrupt (after the PLIC is up). 0, or -ENODEV when there is no
 * input: no UART, or no interrupt for it. */
int console_input_init(void);
/* Next input byte or -1 (never blocks). */
int console_getc(void);
