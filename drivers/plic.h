/* SPDX-License-Identifier: BSD-2-Clause */
/* RISC-V PLIC (platform-level interrupt controller): the boot hart's S-mode context. */
#pragma once
#include "drivers/core/dt.h"

/* DT driver (interrupt stage): "riscv,plic0", "sifive,plic-1.0.0". */
extern const struct dt_driver plic_driver;
