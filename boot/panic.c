/* panic(): reason, backtrace of return addresses, failure stop. machine_exit(): shutdown. */
#include <stdarg.h>
#include <stdint.h>
#include "boot/boot.h"
#include "boot/sbi.h"
#include "lib/kprintf.h"

void (*machine_stop_hook)(enum machine_stop how);

extern char boot_stack[], boot_stack_top[];

/* With -fno-omit-frame-pointer, a RISC-V frame keeps ra at fp-8 and the caller's fp at fp-16. */
static void backtrace(void)
{
	uintptr_t fp = (uintptr_t)__builtin_frame_address(0);
	kprintf("backtrace:\n");
	for (int depth = 0; depth < 32; depth++) {
		if (fp < (uintptr_t)boot_stack + 16 || fp > (uintptr_t)boot_stack_top || (fp & 7))
			break;
		uintptr_t ra = ((uintptr_t *)fp)[-1];
		uintptr_t prev = ((uintptr_t *)fp)[-2];
		if (ra < (uintptr_t)_start || ra >= (uintptr_t)_etext)
			break;
		kprintf("  #%d %lx\n", depth, (unsigned long)ra);
		if (prev <= fp)
			break;
		fp = prev;
	}
}

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
		backtrace();
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
