/* SPDX-License-Identifier: BSD-2-Clause */
/* The PCIe host bridge as a DT device ("pci-host-ecam-generic"). */
#pragma once
#include "drivers/core/dt.h"

/* DT driver (device stage): parses the node and hands it to pci_host_init (drivers/pci.h). */
extern const struct dt_driver pci_host_driver;
