/* SPDX-License-Identifier: BSD-2-Clause */
/* In-guest tests of PCI enumeration and the e1000 bring-up (the test kernel boots with one
 * e1000 on QEMU virt's root bus). */
#include <stdint.h>
#include "boot/boot.h"
#include "drivers/core/irq.h"
#include "drivers/e1000.h"
#include "drivers/e1000_regs.h"
#include "drivers/pci.h"
#include "lib/config.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "net/netdev.h"
#include "tests/guest/gtest.h"

/* spike has no PCIe host bridge (and so no NIC): the NIC tests have nothing to look at. */
static bool machine_has_pcie(void)
{
	return pci_host() != NULL;
}

static struct pci_dev *find_e1000(void)
{
	for (int i = 0; i < pci_count(); i++) {
		struct pci_dev *pd = pci_get(i);
		if (pd->vendor == 0x8086 && pd->driver && !strcmp(pd->driver, "e1000"))
			return pd;
	}
	return NULL;
}

GTEST(pci_e1000_found)
{
	struct pci_dev *pd = find_e1000();
	if (!machine_has_pcie())
		return;
	ok(pci_host() != NULL, "the DT has a PCIe host bridge, driven");
	ok(pci_count() > 0, "functions found: %d", pci_count());
	ok(pd != NULL, "an e1000 was claimed");
	if (!pd)
		return;
	ok(pd->class_code == 0x020000, "class %06x", pd->class_code);
	ok(pd->bar[0].kind == PCI_BAR_MEM32 && pd->bar[0].size == 0x20000, "BAR0 128 KiB mem");
	ok(pd->bar[0].cpu_addr >= 0x40000000 && pd->bar[0].cpu_addr < 0x80000000,
	   "BAR0 in the mem32 window: %llx", (unsigned long long)pd->bar[0].cpu_addr);
	ok(pd->bar[0].cpu_addr % pd->bar[0].size == 0, "BAR0 naturally aligned");
	ok(!pd->intx_err && pd->intx.cell[0] >= 32 && pd->intx.cell[0] <= 35 &&
		   irq_chip_find(pd->intx.parent) != NULL,
	   "INTx routed to a controller we drive, source 32..35: %u", pd->intx.cell[0]);
	ok(pd->enabled, "claimed function enabled");
	ok((pci_cfg_read16(pd, PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) ==
		   (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
	   "memory space and bus mastering on");
	ok((pci_cfg_read32(pd, PCI_BAR0) & PCI_BAR_MEM_MASK) == (uint32_t)pd->bar[0].pci_addr,
	   "BAR0 register holds the assigned address");
}

GTEST(pci_unclaimed_disabled)
{
	for (int i = 0; i < pci_count(); i++) {
		struct pci_dev *pd = pci_get(i);
		if (pd->driver || pd->hdr_type != 0)
			continue;
		ok(!(pci_cfg_read16(pd, PCI_COMMAND) & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)),
		   "%02x:%02x.%x %04x:%04x has no driver but is enabled", pd->bus, pd->dev, pd->fn,
		   pd->vendor, pd->device);
	}
}

GTEST(e1000_mac)
{
	static const uint8_t qemu_default[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct netdev *nd = e1000_netdev(0);
	if (!machine_has_pcie())
		return;
	ok(nd != NULL, "eth0 attached");
	if (!nd)
		return;
	ok(memcmp(nd->mac, qemu_default, 6) == 0, "MAC %02x:%02x:%02x:%02x:%02x:%02x", nd->mac[0],
	   nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5]);
	ok(e1000_reg_read(0, E1000_RAH0) & E1000_RAH_AV, "RAR0 valid for unicast filtering");
	ok(netdev_first() != NULL, "registered with net/");
}

GTEST(e1000_ring_invariants)
{
	uint32_t rdh = e1000_reg_read(0, E1000_RDH), rdt = e1000_reg_read(0, E1000_RDT);
	if (!machine_has_pcie())
		return;
	if (!e1000_netdev(0)) {
		ok(0, "no e1000");
		return;
	}
	ok(rdt != rdh, "RDT %u != RDH %u: the device has buffers", rdt, rdh);
	ok(rdt < CONFIG_E1000_RX_RING && rdh < CONFIG_E1000_RX_RING, "indices in range");
	ok(e1000_reg_read(0, E1000_RDLEN) == CONFIG_E1000_RX_RING * 16, "RDLEN");
	ok(e1000_reg_read(0, E1000_TDLEN) == CONFIG_E1000_TX_RING * 16, "TDLEN");
	ok(e1000_reg_read(0, E1000_RCTL) & E1000_RCTL_EN, "receiver on");
	ok(e1000_reg_read(0, E1000_TCTL) & E1000_TCTL_EN, "transmitter on");
	ok(!(e1000_reg_read(0, E1000_RCTL) & E1000_RCTL_LPE), "no long packets");
	ok(e1000_netdev(0)->rx_on_ns != 0 && e1000_netdev(0)->rx_on_ns < clock_ns(),
	   "RCTL write time recorded");
}

GTEST(e1000_counters_start_at_zero)
{
	struct netdev *nd = e1000_netdev(0);
	if (!machine_has_pcie())
		return;
	if (!nd) {
		ok(0, "no e1000");
		return;
	}
	/* The tests run before the main loop, but net_init may already have announced itself
	 * (gratuitous ARP, DHCP): only what no correct run can produce is checked for zero. */
	ok(nd->stats.rx_drop_nobuf == 0 && nd->stats.rx_drop_error == 0 &&
		   nd->stats.rx_drop_oversize == 0,
	   "no receive drops");
	ok(nd->stats.tx_drop_full == 0 && nd->stats.tx_drop_oversize == 0, "no transmit drops");
	ok(nd->stats.irqs == 0, "no interrupts before the main loop: %lu",
	   (unsigned long)nd->stats.irqs);
	ok(nd->stats.link_changes == 0, "no link changes");
	ok(nd->stats.rx_doorbells <= nd->stats.polls, "at most one RDT write per poll pass");
	ok(nd->stats.tx_doorbells <= nd->stats.tx_frames, "no TDT write without a frame");
	ok(nd->stats.rx_frames <= nd->stats.polls * CONFIG_NAPI_BUDGET, "frames within budget");
}
