/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Symbolized backtraces. The symbol table is the .ksyms section that the second link adds
 * (boot/tools/ksyms.py); addresses are looked up by their offset from _start, so a relocated
 * image still finds its names, and printed as linked, for addr2line and GDB.
 */
#include <stdint.h>
#include "boot/backtrace.h"
#include "boot/boot.h"
#include "lib/config.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"

#define BACKTRACE_MAX 32

extern char boot_stack[], boot_stack_top[];
extern const char __ksyms_start[], __ksyms_end[];

static size_t ksyms_len(void)
{
	return (size_t)((uintptr_t)__ksyms_end - (uintptr_t)__ksyms_start);
}

static int lookup(uintptr_t addr, struct ksym *k)
{
	if (addr < (uintptr_t)_start || addr >= (uintptr_t)_etext)
		return -1;
	return ksyms_lookup(__ksyms_start, ksyms_len(), addr - (uintptr_t)_start, k);
}

const char *symbol_format(char *buf, size_t len, uintptr_t addr)
{
	struct ksym k;
	if (lookup(addr, &k))
		ksnprintf(buf, len, "?");
	else
		ksnprintf(buf, len, "%s+0x%lx", k.name, (unsigned long)k.offset);
	return buf;
}

/* The address as linked (what the ELF file says), for addr2line. */
static uintptr_t link_addr(uintptr_t addr)
{
	uint64_t start = ksyms_link_start(__ksyms_start, ksyms_len());
	return start ? addr - (uintptr_t)_start + (uintptr_t)start : addr;
}

void backtrace_print(uintptr_t fp)
{
	uintptr_t ras[BACKTRACE_MAX];
	int n = 0;
	char sym[64];
	kprintf("backtrace:\n");
	while (n < BACKTRACE_MAX) {
		if (fp < (uintptr_t)boot_stack + 16 || fp > (uintptr_t)boot_stack_top || (fp & 7))
			break;
		uintptr_t ra = ((uintptr_t *)fp)[-1];
		uintptr_t prev = ((uintptr_t *)fp)[-2];
		if (ra < (uintptr_t)_start || ra >= (uintptr_t)_etext)
			break;
		/* ra is the instruction after the call: ra - 1 names the calling function even
		 * when the call was the last instruction of a noreturn path */
		symbol_format(sym, sizeof(sym), ra - 1);
		kprintf("  #%d %lx %s\n", n, (unsigned long)link_addr(ra), sym);
		ras[n++] = ra;
		if (prev <= fp)
			break;
		fp = prev;
	}
	if (!n)
		return;
	kprintf("file:line: riscv64-unknown-elf-addr2line -e %s -f -i -p",
		CONFIG_TESTS ? "build/kernel-test.elf" : "build/kernel.elf");
	for (int i = 0; i < n; i++)
		kprintf(" %lx", (unsigned long)(link_addr(ras[i]) - 1));
	kprintf("\n");
}
