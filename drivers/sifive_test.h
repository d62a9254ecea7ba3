/* SPDX-License-Identifier: BSD-2-Clause */
/* The SiFive test finisher (QEMU virt's "sifive,test0"): power off with an exit status, reset. */
#pragma once
#include "drivers/core/dt.h"

/* DT driver (early stage): becomes machine_stop_hook, the fallback when SBI cannot stop. */
extern const struct dt_driver sifive_test_driver;
