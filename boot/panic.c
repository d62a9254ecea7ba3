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
		backtrace_print((uintptr_t)__builtin_frame_address(0));
	machine_exit(1);
}

void machine_exit(int failure)
{
	/* On QEMU the test device carries an exit status; SBI SRST's reason may not reach it,
	 * so a failure goes there first. */
	if (failure && machine_stop_hook)
		machine_stop_hook(MACHINE_FAIL);
	sbi_system_reset(SBI_SRST_SHUTDOWN,
			 failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	if (machine_stop_hook)
		machine_stop_hook(failure ? MACHINE_FAIL : MACHINE_PASS);
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
