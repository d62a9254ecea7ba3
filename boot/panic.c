/* panic(): reason, backtrace of return addresses, failure stop. machine_exit(): shutdown. */
#include <stdarg.h>
#include <stdint.h>
#include "boot/backtrace.h"
#include "boot/boot.h"
#include "boot/sbi.h"
#include "lib/kprintf.h"

#define TEST_FINISHER_FAIL 0x3333
#define TEST_FINISHER_PASS 0x5555

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
