/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generic ECAM host bridge (devicetree binding "pci-host-ecam-generic", as QEMU virt and
 * most RISC-V boards with a PCIe root complex describe it): its node says where the ECAM
 * window is, which CPU ranges reach PCI memory and I/O, how INTx pins reach the interrupt
 * controller, and which MSI controller takes the functions' messages.
 */
#include "drivers/pci.h"
#include "drivers/pci_host.h"
#include "lib/errno.h"
#include "lib/kprintf.h"

static struct pci_host host0;

static int pci_host_probe(const struct dt_device *dev)
{
	int r;
	if (pci_host()) {
		pr_warn("pci: %s: one host bridge is driven already, left alone\n", dev->name);
		return -ENODEV;
	}
	if (pci_host_parse(dev, &host0)) {
		pr_err("pci: %s: malformed host bridge node\n", dev->name);
		return -EINVAL;
	}
	r = pci_host_init(&host0);
	return r < 0 ? r : 0;
}

static const struct dt_match pci_host_match[] = {
	{ "pci-host-ecam-generic", NULL },
	{ NULL, NULL },
};

const struct dt_driver pci_host_driver = {
	.name = "pci-host",
	.stage = DT_STAGE_DEVICE,
	.match = pci_host_match,
	.probe = pci_host_probe,
};
