/* SPDX-License-Identifier: BSD-2-Clause */
/* The boot hart: its id and DTB, idle time accounting, and moving the kernel to another hart. */
#include <stdint.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "boot/sbi.h"
#include "lib/errno.h"

uint64_t boot_hartid;
uint64_t boot_dtb_pa;
struct boot_times boot_times;

/*
 * instret that passed while the hart slept in wfi. Under QEMU -icount the instret CSR is the
 * virtual clock, which jumps over idle time; subtracting the jumps leaves the instructions
 * actually executed, so `make bench` can count instructions per datagram deterministically.
 * Two CSR reads per sleep; nothing on the busy path.
 */
uint64_t cpu_idle_instret;

void cpu_idle(void)
{
	uint64_t before = csr_read(CSR_INSTRET);
	wfi();
	cpu_idle_instret += csr_read(CSR_INSTRET) - before;
}

uint64_t cpu_busy_instret(void)
{
	return csr_read(CSR_INSTRET) - cpu_idle_instret;
}

extern char _entry[];
long cpu_handoff(unsigned long hart, unsigned long start, unsigned long opaque); /* entry.S */

int cpu_move_to_hart(uint32_t hart)
{
	long st = sbi_hart_status(hart);
	if (st < 0)
		return (int)st;
	if (st != SBI_HSM_STOPPED)
		return -EBUSY;
	/* The new hart enters _entry with a0 = its id, a1 = the DTB, satp 0: a cold start of
	 * the image (the relocation pass finds it already patched and skips it). */
	return sbi_error(cpu_handoff(hart, (uintptr_t)_entry, boot_dtb_pa));
}

unsigned cpu_vector_on(void)
{
	csr_set(CSR_SSTATUS, SSTATUS_VS & (SSTATUS_VS >> 1)); /* VS = 1, initial */
	if (!(csr_read(CSR_SSTATUS) & SSTATUS_VS))
		return 0; /* WARL: stays 0 without a vector unit */
	return (unsigned)csr_read(CSR_VLENB) * 8;
}
