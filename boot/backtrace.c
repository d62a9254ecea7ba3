/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Symbolized backtraces. The symbol table is the .ksyms section that the second link adds
 * (boot/tools/ksyms.py); addresses are looked up by their offset from _start, so a relocated
 * image still finds its names, and printed as linked, for addr2line and GDB.
 */
#include <stdbool.h>
#include <stdint.h>
#include "boot/backtrace.h"
#include "boot/boot.h"
#include "lib/config.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"
#include "lib/unwind.h"

#define BACKTRACE_MAX	 32
#define TRAP_FRAME_BYTES 288 /* boot/trapvec.S FRAME */

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

/* Trap frames as boot/trapvec.S lays them out: x0..x31, then sepc (struct trap_frame). */
#define TRAP_REG_RA   1
#define TRAP_REG_SP   2
#define TRAP_REG_SEPC 32
extern char trap_vector[];

static bool on_stack(uintptr_t a)
{
	return a >= (uintptr_t)boot_stack && a + 8 <= (uintptr_t)boot_stack_top && !(a & 7);
}

static bool in_text(uintptr_t a)
{
	return a >= (uintptr_t)_start && a < (uintptr_t)_etext;
}

/*
 * One step up: *pc is in a function (a return address, or exact when in_trap), *sp its sp.
 * Its prologue says how big its frame is and where ra is; a function trapped before its
 * prologue stored ra (or one without a frame) still has it in the trap frame's ra. Returns
 * false where the walk ends: code with no frame (the entry), or an address that is not ours.
 */
static bool step(uintptr_t *pc, uintptr_t *sp, const uintptr_t *trap)
{
	struct unwind_frame f;
	struct ksym k;
	uintptr_t at = trap ? *pc : *pc - 1, start;
	if (lookup(at, &k))
		return false;
	start = at - k.offset;
	unwind_prologue((const uint16_t *)start, *pc - start, &f);
	if (trap && (!f.size || f.ra_off < 0 || start + f.set_at > *pc)) {
		*pc = trap[TRAP_REG_RA]; /* still in ra; sp where the prologue left it */
		return in_text(*pc);
	}
	if (!f.size || f.ra_off < 0 || !on_stack(*sp + (uintptr_t)f.ra_off))
		return false;
	*pc = *(const uintptr_t *)(*sp + (uintptr_t)f.ra_off);
	*sp += f.size;
	return in_text(*pc) && *sp <= (uintptr_t)boot_stack_top;
}

/* The walk from (pc, sp), where pc is a return address: up to max return addresses into ras,
 * each with bit 0 set where it is the exact address of a trapped instruction (code is 2-byte
 * aligned, so the bit is free). */
static int walk(uintptr_t pc, uintptr_t sp, uintptr_t *ras, int max)
{
	const uintptr_t *trap = NULL;
	int n = 0;
	while (n < max && step(&pc, &sp, trap)) {
		trap = NULL;
		ras[n++] = pc;
		/* through a trap: the interrupted code, at the instruction that trapped */
		if (pc - 1 >= (uintptr_t)trap_vector && pc - 1 < (uintptr_t)trap_vector + 256 &&
		    n < max && on_stack(sp + TRAP_FRAME_BYTES - 8)) {
			trap = (const uintptr_t *)sp; /* trap_vector's sp is the frame */
			pc = trap[TRAP_REG_SEPC];
			sp = trap[TRAP_REG_SP];
			if (!in_text(pc))
				break;
			ras[n++] = pc | 1;
		}
	}
	return n;
}

int backtrace_collect(uintptr_t *ras, int max)
{
	return walk((uintptr_t)__builtin_return_address(0), (uintptr_t)__builtin_frame_address(0),
		    ras, max);
}

void backtrace_print(void)
{
	uintptr_t ras[BACKTRACE_MAX];
	char sym[64];
	/* from this function's caller, and its sp (ours at entry) */
	int n = walk((uintptr_t)__builtin_return_address(0), (uintptr_t)__builtin_frame_address(0),
		     ras, BACKTRACE_MAX);
	kprintf("backtrace:\n");
	for (int i = 0; i < n; i++) {
		bool exact = ras[i] & 1;
		uintptr_t a = ras[i] & ~(uintptr_t)1;
		/* a return address is the instruction after the call: a - 1 names the calling
		 * function even when the call was the last instruction of a noreturn path */
		symbol_format(sym, sizeof(sym), exact ? a : a - 1);
		kprintf("  #%d %lx %s%s\n", i, (unsigned long)link_addr(a), sym,
			exact ? " (trapped here)" : "");
	}
	if (!n)
		return;
	kprintf("file:line: riscv64-unknown-elf-addr2line -e %s -f -i -p",
		CONFIG_TESTS ? "build/kernel-test.elf" : "build/kernel.elf");
	for (int i = 0; i < n; i++)
		kprintf(" %lx",
			(unsigned long)link_addr(ras[i] & ~(uintptr_t)1) - (ras[i] & 1 ? 0 : 1));
	kprintf("\n");
}
