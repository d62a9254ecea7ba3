/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Synchronous trap handling. Interrupts never trap here (sstatus.SIE stays 0; they only end a
 * wfi), so every trap is an exception: page faults go to the region layer; a fault inside a
 * probe lands on its fixup; anything else is a register dump and a failure stop.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "boot/boot.h"
#include "boot/csr.h"
#include "boot/trap.h"
#include "boot/backtrace.h"
#include "lib/kprintf.h"
#include "lib/util.h"

struct trap_frame {
	unsigned long x[32]; /* x[0] unused; x[2] = sp at the trap */
	unsigned long sepc, scause, stval, sstatus;
};
_Static_assert(sizeof(struct trap_frame) == (size_t)36 * 8, "trap frame layout matches trapvec.S");

void trap_handler(struct trap_frame *f);
extern void trap_vector(void);
extern const unsigned long trap_fixups[], trap_fixups_end[];

struct trap_fault_info trap_last_fault;

void trap_init(void)
{
	csr_write(CSR_STVEC, (unsigned long)trap_vector); /* direct mode: low bits 0 */
	csr_write(CSR_SSCRATCH, 0);
}

static const char *const cause_names[] = {
	[EXC_INST_MISALIGNED] = "instruction address misaligned",
	[EXC_INST_ACCESS] = "instruction access fault",
	[EXC_ILLEGAL_INST] = "illegal instruction",
	[EXC_BREAKPOINT] = "breakpoint",
	[EXC_LOAD_MISALIGNED] = "load address misaligned",
	[EXC_LOAD_ACCESS] = "load access fault",
	[EXC_STORE_MISALIGNED] = "store address misaligned",
	[EXC_STORE_ACCESS] = "store access fault",
	[EXC_ECALL_U] = "ecall from U-mode",
	[EXC_ECALL_S] = "ecall from S-mode",
	[EXC_INST_PAGE_FAULT] = "instruction page fault",
	[EXC_LOAD_PAGE_FAULT] = "load page fault",
	[EXC_STORE_PAGE_FAULT] = "store/AMO page fault",
};

static const char *cause_name(unsigned long cause)
{
	if (cause < ARRAY_SIZE(cause_names) && cause_names[cause])
		return cause_names[cause];
	return "unknown exception";
}

static void dump_regs(const struct trap_frame *f)
{
	static const char *const names[32] = { "zero", "ra", "sp",  "gp",  "tp", "t0", "t1", "t2",
					       "s0",   "s1", "a0",  "a1",  "a2", "a3", "a4", "a5",
					       "a6",   "a7", "s2",  "s3",  "s4", "s5", "s6", "s7",
					       "s8",   "s9", "s10", "s11", "t3", "t4", "t5", "t6" };
	kprintf("sepc %016lx scause %016lx stval %016lx sstatus %016lx\n", f->sepc, f->scause,
		f->stval, f->sstatus);
	for (int i = 1; i < 32; i++)
		kprintf("%4s %016lx%s", names[i], f->x[i], (i % 4 == 3) ? "\n" : "  ");
	kprintf("\n");
}

static bool take_fixup(struct trap_frame *f)
{
	/* Pairs of (faulting pc, resume pc). The ends are two linker symbols: size the table by
	 * address rather than comparing pointers to different objects. */
	size_t n = ((uintptr_t)trap_fixups_end - (uintptr_t)trap_fixups) / sizeof(unsigned long);
	for (size_t i = 0; i + 1 < n; i += 2) {
		const unsigned long *e = &trap_fixups[i];
		if (e[0] == f->sepc) {
			trap_last_fault.va = f->stval;
			trap_last_fault.cause = f->scause;
			trap_last_fault.count++;
			f->sepc = e[1];
			return true;
		}
	}
	return false;
}

static bool is_page_fault(unsigned long cause, enum fault_access *acc)
{
	switch (cause) {
	case EXC_LOAD_PAGE_FAULT:
		*acc = FAULT_READ;
		return true;
	case EXC_STORE_PAGE_FAULT:
		*acc = FAULT_WRITE;
		return true;
	case EXC_INST_PAGE_FAULT:
		*acc = FAULT_EXEC;
		return true;
	default:
		return false;
	}
}

void trap_handler(struct trap_frame *f)
{
	enum fault_access acc;
	if (f->scause & SCAUSE_INTR) {
		/* Should not happen with sstatus.SIE clear; report and carry on. */
		pr_warn("trap: unexpected interrupt, scause %lx\n", f->scause);
		return;
	}
	if (is_page_fault(f->scause, &acc)) {
		if (region_fault(f->stval, acc) == 0)
			return; /* page now mapped: retry the instruction */
	}
	if (take_fixup(f))
		return;
	char pc[64], ra[64];
	kprintf("\n*** unexpected trap: %s at pc %lx (%s), address %lx; ra %lx (%s)\n",
		cause_name(f->scause), f->sepc, symbol_format(pc, sizeof(pc), f->sepc), f->stval,
		f->x[1], symbol_format(ra, sizeof(ra), f->x[1] - 1));
	dump_regs(f);
	panic("unhandled %s", cause_name(f->scause));
}
