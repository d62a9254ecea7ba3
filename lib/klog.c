/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Log lines: the level filter, the uptime prefix on every line, and a ring that keeps the
 * latest lines of every level (also those the console level hides) for the shell's `dmesg`,
 * as Linux's printk ring does. Pure: also built for the host tests.
 */
#include <stdbool.h>
#include <stdint.h>
#include "lib/bootargs.h"
#include "lib/config.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "lib/timer.h"
#include "lib/util.h"

#define KLOG_LINE_MAX 512

int log_level = LOG_INFO;
void (*klog_console_hook)(bool after);

static int set_loglevel(const char *v)
{
	unsigned long long n;
	if (parse_u64(v, &n) || n > LOG_DEBUG)
		return -EINVAL;
	log_level = (int)n;
	return 0;
}

static const struct bootarg log_args[] = {
	{ "loglevel", set_loglevel, "0 errors .. 3 debug (default 2)" },
};
const struct bootarg_table log_bootargs = { log_args, ARRAY_SIZE(log_args) };

/*
 * Each record is one byte of level ('0'..'3') and the line's text with its '\n'. head and tail
 * are free-running byte counts: head - tail bytes are kept, and the oldest whole records are
 * dropped to make room for a new one.
 */
static struct {
	char buf[CONFIG_LOG_RING_SIZE];
	uint64_t head, tail;
	uint64_t lines, lost; /* records written; records dropped for room */
} ring;

static char ring_at(uint64_t pos)
{
	return ring.buf[pos % sizeof(ring.buf)];
}

static void ring_drop_oldest(void)
{
	while (ring.tail < ring.head && ring_at(ring.tail) != '\n')
		ring.tail++;
	if (ring.tail < ring.head)
		ring.tail++; /* past the '\n' */
	ring.lost++;
}

static void ring_put(int level, const char *text, size_t n)
{
	if (n + 1 > sizeof(ring.buf))
		return; /* cannot happen: lines are at most KLOG_LINE_MAX bytes */
	while (ring.head - ring.tail + n + 1 > sizeof(ring.buf))
		ring_drop_oldest();
	ring.buf[ring.head++ % sizeof(ring.buf)] = (char)('0' + level);
	for (size_t i = 0; i < n; i++)
		ring.buf[ring.head++ % sizeof(ring.buf)] = text[i];
	ring.lines++;
}

/* "[    1.234567] warning: " plus the message, always ending in '\n'; cut lines say so. */
static size_t format_line(char *line, int level, const char *fmt, va_list ap)
{
	static const char *const tag[] = { "error: ", "warning: ", "", "" };
	uint64_t ns = clock_ns();
	size_t n;
	n = (size_t)ksnprintf(line, KLOG_LINE_MAX, "[%5u.%06u] %s", (unsigned)(ns / NSEC_PER_SEC),
			      (unsigned)(ns % NSEC_PER_SEC / NSEC_PER_USEC), tag[level & 3]);
	n += (size_t)kvsnprintf(line + n, KLOG_LINE_MAX - n, fmt, ap);
	if (n >= KLOG_LINE_MAX - 1) { /* cut (or exactly full): end with a marker */
		n = KLOG_LINE_MAX - 1;
		memcpy(line + n - 5, " ...\n", 5);
	} else if (n == 0 || line[n - 1] != '\n') {
		line[n++] = '\n';
	}
	line[n] = '\0';
	return n;
}

void klog(int level, const char *fmt, ...)
{
	char line[KLOG_LINE_MAX];
	va_list ap;
	size_t n;
	va_start(ap, fmt);
	if (level < LOG_ERR) { /* LOG_CONSOLE: a command's answer, not a log line */
		n = (size_t)kvsnprintf(line, sizeof(line), fmt, ap);
		va_end(ap);
		console_write(line, n < sizeof(line) ? n : sizeof(line) - 1);
		return;
	}
	if (level > LOG_DEBUG)
		level = LOG_DEBUG;
	n = format_line(line, level, fmt, ap);
	va_end(ap);
	ring_put(level, line, n);
	if (level > log_level)
		return;
	if (klog_console_hook)
		klog_console_hook(false);
	console_write(line, n);
	if (klog_console_hook)
		klog_console_hook(true);
}

void klog_dump(int max_level)
{
	char line[KLOG_LINE_MAX];
	uint64_t pos = ring.tail;
	if (ring.lost)
		kprintf("dmesg: %lu older lines dropped (ring of %u bytes)\n",
			(unsigned long)ring.lost, (unsigned)sizeof(ring.buf));
	while (pos < ring.head) {
		int level = ring_at(pos++) - '0';
		size_t n = 0;
		while (pos < ring.head && n < sizeof(line)) {
			char c = ring_at(pos++);
			line[n++] = c;
			if (c == '\n')
				break;
		}
		if (level <= max_level)
			console_write(line, n);
	}
}

unsigned long klog_lines(void)
{
	return (unsigned long)ring.lines;
}
