/* SPDX-License-Identifier: BSD-2-Clause */
/* The in-guest test runner: every GTEST in the "gtests" section, in link order. */
#include "boot/init/main.h"
#include "mm/page.h"
#include "net/mbuf.h"
#include "tests/guest/gtest.h"

extern const struct gtest __start_gtests[], __stop_gtests[];
int gtest_checks_failed;

int gtest_run_all(void)
{
	int passed = 0, failed = 0;
	kprintf("guest: running %d tests\n", (int)(__stop_gtests - __start_gtests));
	for (const struct gtest *t = __start_gtests; t < __stop_gtests; t++) {
		uint32_t mbufs = mbuf_pool_free_count();
		gtest_checks_failed = 0;
		t->fn();
		if (mbuf_pool_free_count() != mbufs) {
			kprintf("  check failed: mbuf leak: %u free before, %u after\n", mbufs,
				mbuf_pool_free_count());
			gtest_checks_failed++;
		}
		if (gtest_checks_failed) {
			failed++;
			kprintf("FAIL %s\n", t->name);
		} else {
			passed++;
			kprintf("PASS %s\n", t->name);
		}
	}
	kprintf("guest: %d passed, %d failed\n", passed, failed);
	return failed;
}
