/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Host unit-test harness: ok(cond, fmt, ...) records a check with its file:line; each test
 * program ends with TEST_DONE(), which prints "N passed, N failed" and exits non-zero on failure.
 */
#pragma once
#include <stdio.h>
#include <stdlib.h>

static int test_passed, test_failed;

#define ok(cond, ...)                                                                        \
	do {                                                                                 \
		if (cond) {                                                                  \
			test_passed++;                                                       \
		} else {                                                                     \
			test_failed++;                                                       \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);               \
			printf(__VA_ARGS__);                                                 \
			printf("\n");                                                        \
		}                                                                            \
	} while (0)

#define TEST_DONE()                                                                          \
	do {                                                                                 \
		printf("%s: %d passed, %d failed\n", __FILE__, test_passed, test_failed);     \
		return test_failed ? 1 : 0;                                                  \
	} while (0)

/* From host_env.c: the fake clock (clock_ns returns this) and captured console output. */
extern unsigned long long host_clock_ns;
extern char host_console[65536];
extern size_t host_console_len;
void host_console_clear(void);
/* From host_env.c: tests/host/data/<name> in a malloc'd buffer of exactly its size (so ASan
 * sees any read past it), its length in *size; NULL if it cannot be read. Run from the
 * repository root. */
#include <stdint.h>
uint8_t *host_load_data(const char *name, size_t *size);
/* panic() longjmps here if a test armed it (host_expect_panic), else aborts. */
#include <setjmp.h>
extern jmp_buf *host_panic_jmp;
extern char host_panic_msg[512];
