/* SPDX-License-Identifier: BSD-2-Clause */
/* kvsnprintf formats, truncation and return values. */
#include <stdint.h>
#include <string.h>
#include "lib/kprintf.h"
#include "tests/host/test.h"


static char buf[128];

#define F(want, ...)                                                                         \
	do {                                                                                 \
		int r = ksnprintf(buf, sizeof(buf), __VA_ARGS__);                            \
		ok(strcmp(buf, want) == 0 && r == (int)strlen(want), "got \"%s\" (%d) want \"%s\"", \
		   buf, r, want);                                                            \
	} while (0)

int main(void)
{
	F("42", "%d", 42);
	F("-42", "%d", -42);
	F("-2147483648", "%d", INT32_MIN);
	F("4294967295", "%u", UINT32_MAX);
	F("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
	F("-9223372036854775808", "%ld", (long)INT64_MIN);
	F("ff FF 777", "%x %X %o", 255, 255, 511);
	F("00ab", "%04x", 0xab);
	F("  ab", "%4x", 0xab);
	F("ab  |", "%-4x|", 0xab);
	F("+5 -5", "%+d %+d", 5, -5);
	F("00042", "%.5d", 42);
	F("hello", "%s", "hello");
	F("  hi", "%4s", "hi");
	F("hi  |", "%-4s|", "hi");
	F("hel", "%.3s", "hello");
	F("he", "%.*s", 2, "hello");
	const char *volatile nul = NULL;
	F("(null)", "%s", nul);
	F("x%y", "x%%y");
	F("c", "%c", 'c');
	F("0x00000000deadbeef", "%p", (void *)(uintptr_t)0xdeadbeef);
	F("255 65535", "%hhu %hu", 0x1ff, 0x1ffff);
	F("123 456 789", "%zu %lld %llu", (size_t)123, 456ll, 789ull);
	F("   -7", "%5d", -7);
	F("-0007", "%05d", -7);
	F("0", "%x", 0);

	/* truncation: return value is the full length, buffer always terminated */
	char small[5];
	int r = ksnprintf(small, sizeof(small), "%s", "abcdefgh");
	ok(r == 8 && strcmp(small, "abcd") == 0, "truncation: %d \"%s\"", r, small);
	r = ksnprintf(small, 0, "%d", 12345);
	ok(r == 5, "size 0 returns the length, got %d", r);
	r = ksnprintf(small, 1, "%d", 12345);
	ok(r == 5 && small[0] == 0, "size 1 gives an empty string");

	/* klog respects the level and prefixes the uptime */
	host_console_clear();
	host_clock_ns = 1500000000ull;
	log_level = LOG_INFO;
	pr_debug("hidden\n");
	ok(host_console_len == 0, "debug printed at info level");
	pr_warn("x=%d\n", 3);
	ok(strcmp(host_console, "[    1.500000] warning: x=3\n") == 0, "got \"%s\"", host_console);
	TEST_DONE();
}
