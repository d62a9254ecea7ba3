/* SPDX-License-Identifier: BSD-2-Clause */
/* Kernel formatted output, log levels and panic. */
#pragma once
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * LOG_CONSOLE is not a log level: klog(LOG_CONSOLE, ...) prints a command's answer as it is,
 * with no prefix and no copy in the log ring, so one dump function can serve the boot log
 * (klog(LOG_INFO, ...)) and a shell command alike.
 */
enum log_level { LOG_CONSOLE = -1, LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Console threshold (bootargs loglevel=, shell `log`): lines above it are only kept in the ring. */
extern int log_level;
/* Its boot argument, loglevel= (lib/bootargs.h). */
struct bootarg_table;
extern const struct bootarg_table log_bootargs;

/*
 * Formats: %d %i %u %x %X %o %p %s %c %%, with flags '-', '0', width, precision ('.N' and
 * '.*' for %s) and length modifiers hh h l ll z j t. %p prints 0x and 16 hex digits.
 * Returns the number of characters that the full output has (like C's snprintf);
 * the buffer is always NUL-terminated when size > 0.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Print to the console unconditionally. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A log line: prefixed with the uptime "[    0.123456] " (and "error: " / "warning: "), always
 * kept in the log ring, printed if level <= log_level. A line longer than the 511-byte limit
 * ends in " ..." (said, not silently cut); a missing final '\n' is added.
 */
void klog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print the ring's lines of level <= max_level, oldest first (`dmesg`), after a line saying how
 * many older ones were dropped, if any. */
void klog_dump(int max_level);

/* Log lines written since boot (kept or since dropped). */
unsigned long klog_lines(void);

/*
 * Set by the console's line editor: called with after = false just before a log line goes to
 * the console and with true just after, so it can move its prompt out of the way and draw the
 * prompt and the half-typed line again. NULL (the default): nothing around log lines.
 */
extern void (*klog_console_hook)(bool after);

#define pr_err(...)   klog(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  klog(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  klog(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) klog(LOG_DEBUG, __VA_ARGS__)

/*
 * Provided by the environment (boot/console.c in the kernel, tests/host/host_env.c on the host):
 * write raw bytes to the console.
 */
void console_write(const char *s, size_t n);

/* Broken invariant: print the reason and a backtrace, then stop with a failure status. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Cheap invariant checks stay on in every build. */
#define ASSERT(x)                                                                                  \
	do {                                                                                       \
		if (!(x))                                                                          \
			panic("assertion failed: %s (%s:%d)", #x, __FILE__, __LINE__);             \
	} while (0)
