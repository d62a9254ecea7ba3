/* SPDX-License-Identifier: BSD-2-Clause */
/* Synchronous traps: the fault hook for regions and probes that survive an expected fault. */
#pragma once
#include <stddef.h>
#include <stdint.h>

enum fault_access { FAULT_READ = 0, FAULT_WRITE = 1, FAULT_EXEC = 2 };

/*
 * Implemented by mm/region.c: resolve a page fault at va. Returns 0 when the page is now
 * mapped (the faulting instruction is retried), or a negative error when the access is not
 * allowed (region_fault has then printed what and where); the trap handler then takes the
 * fixup path if a probe is active, else panics.
 */
int region_fault(uint64_t va, enum fault_access access);

/*
 * Exception-table style probes: access one byte; if the access faults and the fault is not
 * resolved, return -EFAULT instead of stopping the kernel. trap_last_fault records it.
 */
int probe_load8(const volatile void *addr, uint8_t *out);
int probe_store8(volatile void *addr, uint8_t v);
/* Copy n bytes from src to dst, either of which may fault: 0, or -EFAULT at the first fault
 * that is not resolved (the bytes before it are copied). */
int probe_copy(void *dst, const void *src, size_t n);

struct trap_fault_info {
	uint64_t va;
	unsigned long cause;
	uint64_t count; /* faults taken through the fixup path */
};
extern struct trap_fault_info trap_last_fault;

void trap_init(void);
