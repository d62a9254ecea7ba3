/* What boot learnt about the machine, for everyone else. */
#pragma once
#include <stdint.h>
#include "boot/fdt.h"

extern struct platform plat; /* parsed device tree */
extern uint64_t boot_hartid;
extern uint64_t boot_dtb_pa;

/* Linker symbols (physical = virtual addresses of the identity-mapped image). */
extern char _start[], _etext[], _srodata[], _erodata[], _sdata[], _edata[], _sbss[], _ebss[],
	_end[];

/* Shut down through SBI SRST (falls back to the test device, then loops). */
__attribute__((noreturn)) void machine_exit(int failure);

/* Cold reboot through SBI SRST (falls back to the test device). */
__attribute__((noreturn)) void machine_reboot(void);
