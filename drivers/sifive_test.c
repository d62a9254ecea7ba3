/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SiFive test finisher as QEMU models it (hw/misc/sifive_test.c): one 32-bit register,
 * FINISHER_PASS 0x5555 powers off with exit status 0, FINISHER_FAIL 0x3333 with the code in
 * bits 31:16, FINISHER_RESET 0x7777 resets. QEMU's SBI SRST reason may not reach the exit
 * status, so machine_exit writes a failure here first.
 */
#include "boot/boot.h"
#include "drivers/sifive_test.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/mmio.h"
#include "mm/vm.h"

#define FINISHER_FAIL  0x3333
#define FINISHER_PASS  0x5555
#define FINISHER_RESET 0x7777

static uintptr_t finisher;

static void sifive_test_stop(enum machine_stop how)
{
	uint32_t v = how == MACHINE_PASS   ? FINISHER_PASS
		     : how == MACHINE_FAIL ? (1u << 16) | FINISHER_FAIL
					   : FINISHER_RESET;
	mmio_write32(finisher, v);
}

static int sifive_test_probe(const struct dt_device *dev)
{
	uint64_t base, size;
	int err;
	if (finisher)
		return -ENODEV;
	if (dt_reg(dev, 0, &base, &size))
		return -EINVAL;
	err = vm_map_mmio(base, size ? size : PAGE_SIZE);
	if (err)
		return err;
	finisher = (uintptr_t)base;
	machine_stop_hook = sifive_test_stop;
	return 0;
}

static const struct dt_match sifive_test_match[] = {
	{ "sifive,test0", NULL },
	{ NULL, NULL },
};

const struct dt_driver sifive_test_driver = {
	.name = "sifive-test",
	.stage = DT_STAGE_EARLY,
	.match = sifive_test_match,
	.probe = sifive_test_probe,
};
