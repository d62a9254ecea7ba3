/* SPDX-License-Identifier: BSD-2-Clause */
/* Guest tests for boot: DTB errors, probes, clock, timers. */
#include "boot/boot.h"
#include "boot/init/main.h"
#include "boot/trap.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "tests/guest/gtest.h"

GTEST(dtb_missing_or_corrupt_is_an_error)
{
	static struct dt_machine p;
	static uint64_t bad[16];
	ok(boot_parse_dtb(0, &p) == -EINVAL, "NULL DTB accepted");
	ok(boot_parse_dtb(boot_dtb_pa + 4, &p) == -EINVAL, "misaligned DTB accepted");
	memset(bad, 0xa5, sizeof(bad));
	ok(boot_parse_dtb((uintptr_t)bad, &p) == -EINVAL, "garbage accepted");
	ok(boot_parse_dtb(boot_dtb_pa, &p) == 0, "real DTB rejected");
	ok(p.nmem > 0 && p.mem[0].size > 0, "no memory parsed");
}

GTEST(probe_catches_faults)
{
	uint8_t v = 0;
	uint64_t before = trap_last_fault.count;
	ok(probe_load8((void *)0x3f00000000ull, &v) == -EFAULT, "unmapped load not caught");
	ok(trap_last_fault.count == before + 1, "fault not counted");
	ok(trap_last_fault.va == 0x3f00000000ull, "wrong fault address %lx",
	   (unsigned long)trap_last_fault.va);
	ok(probe_load8(&v, &v) == 0, "good load failed");
	ok(probe_store8((void *)_start, 0) == -EFAULT, "text is writable (W^X broken)");
}

static int fired;
static void tick(struct timer *t)
{
	(void)t;
	fired++;
}

GTEST(clock_and_timers)
{
	static struct timer t = { .fn = tick };
	uint64_t a = clock_ns();
	while (clock_ns() - a < 2 * NSEC_PER_MSEC)
		;
	ok(clock_ns() - a >= 2 * NSEC_PER_MSEC, "clock did not advance");
	fired = 0;
	timer_arm(&t, NSEC_PER_MSEC);
	ok(timers_expire(clock_ns()) == 0 && fired == 0, "timer fired early");
	a = clock_ns();
	while (clock_ns() - a < 2 * NSEC_PER_MSEC)
		;
	timers_expire(clock_ns());
	ok(fired == 1, "timer did not fire");
}
