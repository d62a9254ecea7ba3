/* SPDX-License-Identifier: BSD-2-Clause */
/* Console UARTs from the device tree: ns16550a (DesignWare APB too) and the SiFive UART. */
#pragma once
#include "drivers/core/dt.h"

/* DT driver (early stage): the stdout-path UART, else the first supported one, becomes the
 * console; other UARTs are left alone. */
extern const struct dt_driver uart_driver;
