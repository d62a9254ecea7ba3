/* SPDX-License-Identifier: BSD-2-Clause */
/* Guest tests for the link-time symbol table: names of real functions in the booted image. */
#include <stdint.h>
#include "boot/backtrace.h"
#include "boot/boot.h"
#include "lib/string.h"
#include "tests/guest/gtest.h"

void kmain(uint64_t hartid, uint64_t dtb);

static __attribute__((noinline)) uintptr_t return_address(void)
{
	return (uintptr_t)__builtin_return_address(0);
}

GTEST(ksyms_name_functions)
{
	char buf[64];
	symbol_format(buf, sizeof(buf), (uintptr_t)kmain);
	ok(strcmp(buf, "kmain+0x0") == 0, "kmain is \"%s\"", buf);
	symbol_format(buf, sizeof(buf), (uintptr_t)kmain + 6);
	ok(strcmp(buf, "kmain+0x6") == 0, "kmain + 6 is \"%s\"", buf);
	symbol_format(buf, sizeof(buf), (uintptr_t)strcmp + 2);
	ok(strcmp(buf, "strcmp+0x2") == 0, "strcmp + 2 is \"%s\"", buf);
	/* a return address names its caller: this test's own static function */
	symbol_format(buf, sizeof(buf), return_address() - 1);
	ok(strncmp(buf, "gtest_fn_ksyms_name_functions+0x", 32) == 0, "caller is \"%s\"", buf);
	/* outside the code: data, and past the end of text */
	symbol_format(buf, sizeof(buf), (uintptr_t)&buf);
	ok(strcmp(buf, "?") == 0, "a stack address is \"%s\"", buf);
	symbol_format(buf, sizeof(buf), (uintptr_t)_etext);
	ok(strcmp(buf, "?") == 0, "_etext is \"%s\"", buf);
}

/* The unwinder (no frame pointers) through a chain of real frames: each level calls the next
 * from the middle of its body, with locals live across the call, as compiled code does. */
static volatile int sink;
static __attribute__((noinline, noclone)) int chain3(uintptr_t *ras, int max)
{
	int n = backtrace_collect(ras, max);
	sink++;
	return n;
}
static __attribute__((noinline, noclone)) int chain2(uintptr_t *ras, int max)
{
	int x = sink, n = chain3(ras, max);
	sink = x + n;
	return n;
}
static __attribute__((noinline, noclone)) int chain1(uintptr_t *ras, int max)
{
	int x = sink, n = chain2(ras, max);
	sink = x - n;
	return n;
}

GTEST(backtrace_unwinds_without_frame_pointers)
{
	uintptr_t ras[16];
	char buf[64];
	static const char *const want[] = { "chain2+", "chain1+",
					    "gtest_fn_backtrace_unwinds_without_frame_pointers+" };
	int n = chain1(ras, 16);
	ok(n >= 4, "%d frames", n);
	for (int i = 0; i < 3 && i < n; i++) {
		symbol_format(buf, sizeof(buf), ras[i] - 1);
		ok(strncmp(buf, want[i], strlen(want[i])) == 0, "frame %d is %s", i, buf);
	}
	/* the walk goes on to the test runner and ends in the entry code */
	symbol_format(buf, sizeof(buf), ras[n - 1] - 1);
	ok(strncmp(buf, "_entry+", 7) == 0, "last frame is %s", buf);
}
