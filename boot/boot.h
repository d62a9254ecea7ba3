/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot hart, the image, and how the machine stops: what every layer may ask the CPU layer. */
#pragma once
#include <stdint.h>
#include "boot/csr.h"

extern uint64_t boot_hartid; /* a0 at entry: the hart the kernel runs on */
extern uint64_t boot_dtb_pa; /* a1 at entry: the device tree blob */

/* Linker symbols (physical = virtual addresses of the identity-mapped image). */
extern char _start[], _etext[], _srodata[], _erodata[], _sdata[], _edata[], _sbss[], _ebss[],
	_end[];

/* Boot milestones, clock_ns() since machine reset (the composition root fills them in). */
struct boot_times {
	uint64_t entry_ns; /* kmain */
	uint64_t loop_ns;  /* the main loop reached */
};
extern struct boot_times boot_times;

/* Sleep in wfi until an enabled interrupt is pending; the instret that passes asleep is kept
 * out of cpu_busy_instret. Interrupts stay disabled in sstatus: nothing is taken, only woken. */
void cpu_idle(void);
/* instret minus the time spent in cpu_idle (instructions executed, under QEMU -icount). */
uint64_t cpu_busy_instret(void);
/* instret now, and: count n instructions as idle (a busy wait for work, not work). Inline:
 * the main loop's busy-poll window takes both on every pass that ends with an empty ring. */
extern uint64_t cpu_idle_instret; /* instret that passed idle: in wfi, or counted as idle */
static inline uint64_t cpu_instret(void)
{
	return csr_read(CSR_INSTRET);
}
static inline void cpu_idle_account(uint64_t n)
{
	cpu_idle_instret += n;
}
/* Restart the kernel on another hart (SBI HSM hart_start, then this hart stops). Returns only
 * on failure: -ENOTSUP (no HSM), -EINVAL / -EBUSY (no such hart, or it is running). */
int cpu_move_to_hart(uint32_t hart);
/* Turn the vector unit on (sstatus.VS initial): VLEN in bits, or 0 if the hart has none (VS
 * reads back 0). Only for a hart whose ISA lists V. */
unsigned cpu_vector_on(void);

enum machine_stop { MACHINE_PASS, MACHINE_FAIL, MACHINE_RESET };
/* A device that can stop the machine when SBI cannot, and that carries an exit status (QEMU's
 * test finisher: drivers/sifive_test.c sets this). NULL: none. */
extern void (*machine_stop_hook)(enum machine_stop how);

/* Shut down through SBI SRST (falls back to machine_stop_hook, then loops). */
__attribute__((noreturn)) void machine_exit(int failure);

/* Cold reboot through SBI SRST (falls back to machine_stop_hook). */
__attribute__((noreturn)) void machine_reboot(void);
