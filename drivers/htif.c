/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HTIF, as QEMU's spike models it (hw/char/riscv_htif.c): a 64-bit tohost word, device in
 * bits 63:56, command in 55:48, payload below. Device 0 command 0 with payload bit 0 set is
 * "exit with status payload >> 1". The firmware keeps the console (device 1) for itself; the
 * kernel only stops the machine here, because OpenSBI 1.1's own HTIF shutdown on QEMU 7.2
 * spike never stops it (the call does not return).
 */
#include "boot/boot.h"
#include "drivers/htif.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/mmio.h"
#include "mm/vm.h"

/* QEMU's spike node is reg = <fromhost, 0x1000>: fromhost at 0, tohost at 8. */
#define HTIF_TOHOST 0x8

static uintptr_t tohost;

/* QEMU takes tohost as two 32-bit writes, low word first: the high one starts the command. */
static void htif_stop(enum machine_stop how)
{
	uint64_t cmd = how == MACHINE_PASS ? 1 : (1u << 1) | 1; /* device 0, command 0: exit */
	if (how == MACHINE_RESET)
		return; /* no reset through HTIF: SBI's, else machine_reboot exits */
	mmio_write32(tohost, (uint32_t)cmd);
	mmio_write32(tohost + 4, (uint32_t)(cmd >> 32));
}

static int htif_probe(const struct dt_device *dev)
{
	uint64_t base, size;
	int err;
	if (tohost || machine_stop_hook)
		return -ENODEV;
	if (dt_reg(dev, 0, &base, &size) || size < 16)
		return -EINVAL;
	err = vm_map_mmio(base, size);
	if (err)
		return err;
	tohost = (uintptr_t)(base + HTIF_TOHOST);
	machine_stop_hook = htif_stop;
	return 0;
}

static const struct dt_match htif_match[] = {
	{ "ucb,htif0", NULL },
	{ NULL, NULL },
};

const struct dt_driver htif_driver = {
	.name = "htif",
	.stage = DT_STAGE_EARLY,
	.match = htif_match,
	.probe = htif_probe,
};
