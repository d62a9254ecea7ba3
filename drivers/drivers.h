/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The drivers this kernel has, in two explicit const tables (drivers/drivers.c): the DT
 * drivers, probed stage by stage from the device tree (the PCIe host bridge is one of them),
 * and the PCI drivers that host bridge hands its functions to. A new DT device is one driver
 * file plus one line there; a new PCI NIC variant is one ID entry in its driver's table.
 */
#pragma once
#include <stddef.h>
#include "drivers/core/dt.h"
#include "drivers/pci.h"

extern const struct dt_driver *const dt_drivers[];
extern const size_t dt_drivers_count;
extern const struct pci_driver *const pci_drivers[];
extern const size_t pci_drivers_count;
