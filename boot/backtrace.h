/* SPDX-License-Identifier: BSD-2-Clause */
/* Symbolized addresses and frame-pointer backtraces, from the link-time symbol table. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* "region_fault+0x1c" for an address in the kernel's code, else "?"; returns buf. */
const char *symbol_format(char *buf, size_t len, uintptr_t addr);

/*
 * Print the return addresses of the frames from fp up (with -fno-omit-frame-pointer: ra at
 * fp-8, the caller's fp at fp-16), each with its function+offset, then the addr2line command
 * that gives file:line for them (addresses as linked, also when the image runs elsewhere).
 */
void backtrace_print(uintptr_t fp);
