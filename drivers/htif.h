/* SPDX-License-Identifier: BSD-2-Clause */
/* The Berkeley host-target interface (QEMU spike's "ucb,htif0"): used to stop the machine. */
#pragma once
#include "drivers/core/dt.h"

/* DT driver (early stage): becomes machine_stop_hook (power off with an exit status). */
extern const struct dt_driver htif_driver;
