/* Kernel formatted output, log levels and panic. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

/* Current threshold; messages above it are not printed. Default LOG_INFO. */
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
/* Print if level <= log_level, prefixed with the uptime "[   0.123456] ". */
void klog(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

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
