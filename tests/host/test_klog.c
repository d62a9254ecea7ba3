/* SPDX-License-Identifier: BSD-2-Clause */
/* Log lines: level filter, prefix, the ring behind dmesg (wrap, drop count), cut lines, hook. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "lib/config.h"
#include "lib/kprintf.h"
#include "tests/host/test.h"

static int hook_before, hook_after;
static size_t console_at_hook;

static void hook(bool after)
{
	if (after)
		hook_after++;
	else
		hook_before++;
	console_at_hook = host_console_len;
}

static int count(const char *hay, const char *needle)
{
	int n = 0;
	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_levels_and_ring(void)
{
	host_clock_ns = 2000123000ull;
	log_level = LOG_INFO;
	host_console_clear();
	pr_debug("dbg %d\n", 1);
	ok(host_console_len == 0, "debug line printed at info level: \"%s\"", host_console);
	pr_info("info %d\n", 2);
	ok(!strcmp(host_console, "[    2.000123] info 2\n"), "got \"%s\"", host_console);
	pr_err("bad %s", "thing"); /* no '\n': one is added */
	ok(strstr(host_console, "[    2.000123] error: bad thing\n") != NULL, "got \"%s\"",
	   host_console);

	/* dmesg shows the hidden debug line too, in order, and filters by level */
	host_console_clear();
	klog_dump(LOG_DEBUG);
	ok(!strcmp(host_console, "[    2.000123] dbg 1\n[    2.000123] info 2\n"
				 "[    2.000123] error: bad thing\n"),
	   "dmesg got \"%s\"", host_console);
	host_console_clear();
	klog_dump(LOG_ERR);
	ok(!strcmp(host_console, "[    2.000123] error: bad thing\n"), "dmesg 0 got \"%s\"",
	   host_console);
	ok(klog_lines() == 3, "lines %lu", klog_lines());

	/* a command's answer: as it is, and not in the ring */
	host_console_clear();
	klog(LOG_CONSOLE, "page: %d\n", 7);
	ok(!strcmp(host_console, "page: 7\n"), "console got \"%s\"", host_console);
	ok(klog_lines() == 3, "LOG_CONSOLE went to the ring");
}

static void test_wrap_drops_whole_oldest_lines(void)
{
	char want[64];
	log_level = LOG_ERR; /* keep the console quiet */
	/* a record: level byte, "[    2.000123] " and the text */
	const int rec = 1 + 15 + (int)strlen("line 00000 of the wrap test\n");
	int n = 2 * CONFIG_LOG_RING_SIZE / rec;
	for (int i = 0; i < n; i++)
		pr_info("line %05d of the wrap test\n", i);
	host_console_clear();
	klog_dump(LOG_DEBUG);
	ok(strstr(host_console, "older lines dropped") != NULL, "no drop notice");
	snprintf(want, sizeof(want), "line %05d of the wrap test\n", n - 1);
	ok(strstr(host_console, want) != NULL, "newest line missing");
	ok(strstr(host_console, "line 00000 of") == NULL, "oldest line kept");
	/* every printed line is whole: starts with the prefix, ends with the text */
	int lines = count(host_console, "\n"), whole = count(host_console, " of the wrap test\n");
	ok(lines == whole + 1, "%d lines, %d whole (plus the notice)", lines, whole);
	ok(whole == CONFIG_LOG_RING_SIZE / rec, "kept %d records of %d bytes in %d", whole, rec,
	   CONFIG_LOG_RING_SIZE);
}

static void test_long_line_is_marked(void)
{
	char big[700];
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_level = LOG_INFO;
	host_console_clear();
	pr_info("%s\n", big);
	ok(host_console_len == 511, "cut line is %zu bytes", host_console_len);
	ok(host_console_len >= 5 && !strcmp(host_console + host_console_len - 5, " ...\n"),
	   "cut line does not say so: \"%s\"", host_console + host_console_len - 8);
}

static void test_hook_around_console_lines_only(void)
{
	klog_console_hook = hook;
	log_level = LOG_INFO;
	host_console_clear();
	pr_debug("hidden\n");
	ok(hook_before == 0 && hook_after == 0, "hook called for a hidden line");
	pr_info("shown\n");
	ok(hook_before == 1 && hook_after == 1, "hook %d/%d", hook_before, hook_after);
	ok(console_at_hook == host_console_len, "after-hook ran before the line was written");
	klog_console_hook = NULL;
}

int main(void)
{
	test_levels_and_ring();
	test_wrap_drops_whole_oldest_lines();
	test_long_line_is_marked();
	test_hook_around_console_lines_only();
	TEST_DONE();
}
