/* panic(): reason, backtrace of return addresses, failure stop. machine_exit(): shutdown. */
#include <stdarg.h>
#include <stdint.h>
#include "boot/boot.h"
#include "boot/sbi.h"
#include "lib/kprintf.h"

#define TEST_FINISHER_FAIL 0x3333
#define TEST_FINISHER_PASS 0x5555

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
	volatile uint32_t *test = (volatile uint32_t *)(uintptr_t)plat.test_dev_base;
	/* On QEMU the test device carries an exit status; SBI SRST's reason may not reach it. */
	if (failure && plat.has_test_dev)
		*test = (1u << 16) | TEST_FINISHER_FAIL;
	sbi_system_reset(SBI_SRST_SHUTDOWN,
			 failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
	if (plat.has_test_dev)
		*test = failure ? ((1u << 16) | TEST_FINISHER_FAIL) : TEST_FINISHER_PASS;
	for (;;)
		__asm__ volatile("wfi");
}

void machine_reboot(void)
{
	sbi_system_reset(SBI_SRST_COLD_REBOOT, SBI_SRST_REASON_NONE);
	if (plat.has_test_dev)
		*(volatile uint32_t *)(uintptr_t)plat.test_dev_base = 0x7777; /* FINISHER_RESET */
	machine_exit(1);
}
