/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * In-guest tests. GTEST(name) { ... } defines a test that runs in the booted kernel (after
 * memory, traps and the DT are up; NIC and network may be absent). ok(cond, fmt, ...) records
 * a check. The runner prints "PASS name" / "FAIL name", then "N passed, N failed", and exits QEMU
 * with the result.
 */
#pragma once
#include "lib/kprintf.h"

struct gtest {
	const char *name;
	void (*fn)(void);
};

extern int gtest_checks_failed; /* failures within the running test */

#define ok(cond, ...)                                                                        \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			gtest_checks_failed++;                                               \
			kprintf("  check failed %s:%d: %s: ", __FILE__, __LINE__, #cond);     \
			kprintf(__VA_ARGS__);                                                \
			kprintf("\n");                                                       \
		}                                                                            \
	} while (0)

#define GTEST(tname)                                                                         \
	static void gtest_fn_##tname(void);                                                  \
	static const struct gtest gtest_##tname                                              \
		__attribute__((used, section("gtests"), aligned(8))) = { #tname,             \
									gtest_fn_##tname };  \
	static void gtest_fn_##tname(void)
