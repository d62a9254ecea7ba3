/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * RISC-V APLIC (AIA spec v1.0, chapter 4): wired interrupt sources, delivered to harts either
 * directly (an interrupt delivery control per hart: aia=aplic) or as MSIs to the IMSICs
 * (aia=aplic-imsic). The kernel drives the S-level domain; the M-level one is the firmware's.
 */
#pragma once
#include "drivers/core/dt.h"

/* DT driver (interrupt stage): "riscv,aplic". Direct mode needs an S-external output to the
 * boot hart in interrupts-extended; MSI mode needs its msi-parent to be the IMSIC we drive
 * (probed again once that is up). */
extern const struct dt_driver aplic_driver;

/* Trigger a source by software (setipnum), as a device would; edge sources only (tests). */
void aplic_raise(uint32_t source);
