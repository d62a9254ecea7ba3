/* SPDX-License-Identifier: BSD-2-Clause */
/* Every driver of the kernel, in the order their matches are tried (see drivers.h). */
#include "drivers/aplic.h"
#include "drivers/drivers.h"
#include "drivers/e1000.h"
#include "drivers/gem.h"
#include "drivers/htif.h"
#include "drivers/imsic.h"
#include "drivers/nvme.h"
#include "drivers/pci_host.h"
#include "drivers/plic.h"
#include "drivers/sifive_test.h"
#include "drivers/uart.h"
#include "lib/util.h"

const struct dt_driver *const dt_drivers[] = {
	&uart_driver,	     /* early: the console */
	&sifive_test_driver, /* early: QEMU's exit status */
	&htif_driver,	     /* early: QEMU spike's exit */
	&plic_driver,	     /* interrupt controllers */
	&imsic_driver,
	&aplic_driver,	  /* in MSI mode it waits for its IMSIC (a deferred probe) */
	&pci_host_driver, /* devices: the PCIe host bridge, which probes pci_drivers */
	&gem_driver,	  /* devices: Cadence GEM Ethernet (SiFive, PolarFire SoC) */
};
const size_t dt_drivers_count = ARRAY_SIZE(dt_drivers);

const struct pci_driver *const pci_drivers[] = {
	&e1000_pci_driver, &nvme_pci_driver, /* by class: any NVMe controller */
};
const size_t pci_drivers_count = ARRAY_SIZE(pci_drivers);
