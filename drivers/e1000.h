/* SPDX-License-Identifier: BSD-2-Clause */
/* The e1000 family driver's face (drivers/e1000.c): its PCI driver entry and test hooks. */
#pragma once
#include <stdint.h>
#include "drivers/pci.h"

struct netdev;

/* The 8254x (82540EM, 82545EM, 82544GC, ...) on PCI/PCI-X and the 82574L on PCIe. Its probe
 * ends with
 * netdev_register(): 0, -ENODEV (BAR0 unusable), -ENOMEM (rings or buffers), -EIO (reset or
 * EEPROM timeout), -ENOSPC (too many units). */
extern const struct pci_driver e1000_pci_driver;

/* Introspection for tests and the shell: the unit-th attached e1000, or NULL. */
struct netdev *e1000_netdev(int unit);
/* Read a register of that unit (not for the packet path). 0xffffffff if there is no unit. */
uint32_t e1000_reg_read(int unit, uint32_t reg);
/* Write one (tests: ICS raises an interrupt cause as the device would). */
void e1000_reg_write(int unit, uint32_t reg, uint32_t v);
