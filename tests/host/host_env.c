/* SPDX-License-Identifier: BSD-2-Clause */
/* The environment the pure kernel sources expect, provided on the host for unit tests. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/kprintf.h"
#include "lib/timer.h"

unsigned long long host_clock_ns;
char host_console[65536];
size_t host_console_len;
jmp_buf *host_panic_jmp;
char host_panic_msg[512];

void host_console_clear(void);
void host_console_clear(void)
{
	host_console_len = 0;
	host_console[0] = 0;
}

uint64_t clock_ns(void)
{
	return host_clock_ns;
}

void console_write(const char *s, size_t n)
{
	size_t room = sizeof(host_console) - 1 - host_console_len;
	if (n > room)
		n = room;
	memcpy(host_console + host_console_len, s, n);
	host_console_len += n;
	host_console[host_console_len] = 0;
	if (getenv("HOST_TEST_VERBOSE"))
		fwrite(s, 1, n, stdout);
}

void panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_panic_msg, sizeof(host_panic_msg), fmt, ap);
	va_end(ap);
	if (host_panic_jmp)
		longjmp(*host_panic_jmp, 1);
	fprintf(stderr, "panic: %s\n", host_panic_msg);
	abort();
}

uint8_t *host_load_data(const char *name, size_t *size);
uint8_t *host_load_data(const char *name, size_t *size)
{
	char path[256];
	uint8_t *b = NULL;
	long n;
	FILE *fp;
	snprintf(path, sizeof(path), "tests/host/data/%s", name);
	fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) > 0) {
		rewind(fp);
		b = malloc((size_t)n);
		if (b && fread(b, 1, (size_t)n, fp) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*size = (size_t)n;
	}
	fclose(fp);
	return b;
}

/* boot/trapvec.S's fault-safe copy: host memory has no region faults to take. */
int probe_copy(void *dst, const void *src, size_t n);
int probe_copy(void *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return 0;
}
