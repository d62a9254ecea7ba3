/* SPDX-License-Identifier: BSD-2-Clause */
/* panic(): reason, backtrace of return addresses, failure stop. machine_exit(): shutdown. */
#include <stdarg.h>
#include <stdint.h>
#include "boot/backtrace.h"
#include "boot/boot.h"
#include "boot/sbi.h"
#include "lib/kprintf.h"

void (*machine_stop_hook)(enum machine_stop how);

void panic(const char *fmt, ...)
{
	static int nested;
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kprintf("\n*** KERNEL PANIC: %s\n", msg);
	if (!nested++)
		backtrace_print();
	machine_exit(1);
}

/*
 * A stop device the tree names goes first: it carries the exit status, which SBI SRST's
 * reason may not (QEMU virt's test finisher), and on QEMU spike OpenSBI 1.1's HTIF shutdown
 * never returns nor stops the machine. SBI SRST is the way everywhere else.
 */
void machine_exit(int failure)
{
	if (machine_stop_hook)
		machine_stop_hook(failure ? MACHINE_FAIL : MACHINE_PASS);
	sbi_system_reset(SBI_SRST_SHUTDOWN,
			 failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	for (;;)
		__asm__ volatile("wfi");
}

void machine_reboot(void)
{
	sbi_system_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE);
	if (machine_stop_hook)
		machine_stop_hook(MACHINE_RESET);
	machine_exit(1);
}
