/* SPDX-License-Identifier: BSD-2-Clause */
/* Symbolized addresses and backtraces, from the link-time symbol table. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* "region_fault+0x1c" for an address in the kernel's code, else "?"; returns buf. */
const char *symbol_format(char *buf, size_t len, uintptr_t addr);

/*
 * Print the return addresses of the frames above the caller's, each with its function+offset,
 * then the addr2line command that gives file:line for them (addresses as linked, also when
 * the image runs elsewhere). The kernel has no frame pointers: each frame is found from its
 * function's prologue (lib/unwind.h), and a trap frame leads on to the code that trapped.
 */
__attribute__((noinline)) void backtrace_print(void);
/* The same walk into ras (at most max return addresses, from the caller's caller up; bit 0
 * set on the address of a trapped instruction); returns how many. For tests. */
__attribute__((noinline)) int backtrace_collect(uintptr_t *ras, int max);
